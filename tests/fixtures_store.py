"""Document dicts for the store tests, built from the truth files in
../shared/fixtures/truth (or from scratch) in the shape of
docs/document-schema.md."""
from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any

from model import ParsedDocument, Record

TRUTH_DIR = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "truth"
TRUTH_NAMES = (
    "000_e1a466dd2d0fafcf",
    "001_2ad62ddf2329763a",
    "002_fee3c3d538398af5",
    "003_08710cc348d5ea60",
    "004_69d8ecd0df86de6b",
)

FUNCTION_TABLE = "支出总表"
ECONOMIC_TABLE = "一般公共预算财政拨款基本支出表"
TOTALS_TABLE = "收支总表"


def load_truth(name: str) -> dict:
    return json.loads((TRUTH_DIR / f"{name}.json").read_text(encoding="utf-8"))


def _empty(tp: Any) -> Any:
    """The empty value of a field type: None where allowed, else "" / 0 / False / [] / {} or an empty record."""
    if type(None) in typing.get_args(tp):
        return None
    origin = typing.get_origin(tp)
    if origin in (list, dict):
        return origin()
    if isinstance(tp, type) and issubclass(tp, Record):
        return complete({}, tp)
    return {str: "", int: 0, bool: False, Decimal: "0"}[tp]


def complete(data: dict, record: type[Record] = ParsedDocument) -> dict:
    """``data`` (a hand-built, partial document dict; changed in place) with every
    key the model requires and the test left out filled in with its empty value,
    here and in every nested record, so that ``ParsedDocument.from_dict`` takes it."""
    hints = typing.get_type_hints(record)
    for f in dataclasses.fields(record):
        tp = hints[f.name]
        if f.name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                data[f.name] = _empty(tp)
            continue
        _complete_value(tp, data[f.name])
    return data


def _complete_value(tp: Any, value: Any) -> None:
    options = [t for t in typing.get_args(tp) if t is not type(None)] if typing.get_origin(tp) in (typing.Union, types.UnionType) else [tp]
    for option in options:
        origin = typing.get_origin(option)
        if isinstance(option, type) and issubclass(option, Record) and isinstance(value, dict):
            complete(value, option)
        elif origin is list and isinstance(value, list):
            for item in value:
                _complete_value(typing.get_args(option)[0], item)
        elif origin is dict and isinstance(value, dict):
            for item in value.values():
                _complete_value(typing.get_args(option)[1], item)


def finish(doc: dict, data: bytes, *, file: str, fmt: str = "pdf", pages: int | None = 3) -> tuple[dict, bytes]:
    """Fill in the source block (sha256 of ``data``) and the keys the model requires
    (:func:`complete`), and return ``(doc, data)``."""
    doc["source"] = {"file": file, "sha256": hashlib.sha256(data).hexdigest(), "format": fmt, "pages": pages}
    return complete(doc), data


def truth_doc(name: str, *, salt: str = "", fmt: str = "pdf") -> tuple[dict, bytes]:
    """A parsed-document dict made from a truth file, plus fake original bytes.

    Lines get page/table/row provenance, totals get ``sources`` (the first one
    from the narrative), two tables and two findings are added.
    """
    truth = load_truth(name)
    doc: dict = {
        "schema": "budgetlens.document/1",
        "parser_version": "test-1",
        "agency": truth["agency"],
        "agency_code": truth.get("agency_code"),
        "year": truth["year"],
        "kind": truth["kind"],
        "scope": truth["scope"],
        "unit_scale": "万元",
    }
    for key in ("totals", "three_public", "three_public_budget"):
        if truth.get(key) is not None:
            doc[key] = dict(truth[key])
    doc["function_lines"] = [
        {**line, "page": 4, "table": FUNCTION_TABLE, "row": i + 2} for i, line in enumerate(truth.get("function_lines") or [])
    ]
    doc["economic_lines"] = [
        {**line, "page": 6, "table": ECONOMIC_TABLE, "row": i + 3} for i, line in enumerate(truth.get("economic_lines") or [])
    ]
    sources: dict = {}
    if doc.get("totals"):
        keys = list(doc["totals"])
        sources["totals"] = {k: {"page": 2, "table": TOTALS_TABLE, "row": i + 1, "origin": "table"} for i, k in enumerate(keys)}
        sources["totals"][keys[0]] = {"page": 1, "table": None, "row": None, "origin": "narrative"}
    doc["sources"] = sources
    doc["tables"] = [
        {"title": TOTALS_TABLE, "kind": "totals", "pages": [2], "rows": [["项目", "金额"], ["本年收入合计", "1"]]},
        {"title": FUNCTION_TABLE, "kind": "expenditure", "pages": [4, 5], "rows": [["科目编码", "科目名称", "合计"]],
         "row_pages": [4], "spans": [[0, 0, 1, 2]], "caption": ["单位：万元"]},
    ]
    doc["paragraphs"] = [{"text": f"{truth['agency']} {truth['year']} 年", "page": 1}]
    for key in ("projects", "self_evaluations"):
        if truth.get(key):
            doc[key] = copy.deepcopy(truth[key])
    doc["findings"] = [
        {"rule": "identity.total", "severity": "error", "message": "合计不等于基本支出加项目支出", "page": 4,
         "table": FUNCTION_TABLE, "row": 2, "expected": Decimal("17246.18"), "found": "17246.17"},
        {"rule": "narrative.amount", "severity": "warning", "message": "情况说明金额与表格不一致", "page": 1},
    ]
    data = f"%PDF-fake {name} {salt}".encode()
    return finish(doc, data, file=f"{name}{salt}.{fmt}", fmt=fmt)


def small_doc(
    *,
    agency: str = "测试县医疗保障局",
    year: int = 2024,
    kind: str = "budget",
    scope: str = "department",
    file: str = "test.pdf",
    content: bytes = b"%PDF-small",
) -> tuple[dict, bytes]:
    """A minimal document with the awkward amounts of the round-trip test."""
    doc = {
        "schema": "budgetlens.document/1",
        "parser_version": "test-1",
        "agency": agency,
        "agency_code": "999",
        "year": year,
        "kind": kind,
        "scope": scope,
        "unit_scale": "元",
        "totals": {"revenue_total": "17334.30", "expenditure_total": Decimal("2569.81145"), "carryover_begin": None},
        "three_public": {"total": Decimal("1.234567"), "reception": None},
        "function_lines": [
            {"code": "210", "name": "卫生健康支出", "total": "2569.81145", "basic": Decimal("1.234567"),
             "project": None, "page": 3, "table": FUNCTION_TABLE, "row": 1},
        ],
        "economic_lines": [
            {"code": "301", "name": "工资福利支出", "total": "0.01", "personnel": "0.01", "public": None,
             "page": 5, "table": ECONOMIC_TABLE, "row": 2},
        ],
        "sources": {"totals": {"revenue_total": {"page": 1, "table": None, "row": None, "origin": "narrative"}}},
        "tables": [{"title": FUNCTION_TABLE, "kind": "expenditure", "pages": [3], "rows": [["210", "卫生健康支出"]]}],
        "paragraphs": [],
        "findings": [],
    }
    return finish(doc, content, file=file)
