"""The parsed document as rows: line items (totals, 三公, function and economic
lines, each with its provenance), findings, projects and self-evaluations, with
amounts as exact ``Decimal`` — what :mod:`store.ingest` and :mod:`store.bulk`
write."""
from __future__ import annotations

import json
from dataclasses import fields
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from loaders.jsonout import plain
from model import UNSET, ParsedDocument, Project, Record, SelfEvaluation, TableRecord
from store.derived import project_columns, self_evaluation_columns
from store.models import ECONOMIC_MEASURES, FUNCTION_MEASURES, THREE_PUBLIC_LABELS, TOTALS_LABELS, amount_problem

# doc key -> (line_items.section, labels for measure names)
KEYED_SECTIONS = (
    ("totals", "totals", TOTALS_LABELS),
    ("three_public", "three_public", THREE_PUBLIC_LABELS),
    ("three_public_budget", "three_public_budget", THREE_PUBLIC_LABELS),
)
# doc key -> (line_items.section, measures taken from each line)
LINE_SECTIONS = (
    ("function_lines", "function", FUNCTION_MEASURES),
    ("economic_lines", "economic", ECONOMIC_MEASURES),
)


TABLE_COLUMNS = ("title", "kind", "pages", "rows")


def to_decimal(value: Any, where: str = "") -> Decimal | None:
    """Amount as ``Decimal``: strings/Decimals/ints accepted, ``None``/``""`` -> None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"金额类型错误（{where}）：{value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"金额格式错误（{where}）：{value!r}") from None
    else:
        raise ValueError(f"金额类型错误（{where}）：{value!r}")
    problem = amount_problem(result)
    if problem:
        raise ValueError(f"{problem}（{where}）")
    return result


def int_or_none(value: Any) -> int | None:
    if value is None or value == "":
        return None
    return int(value)


def text_or_none(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(plain(value), ensure_ascii=False)
    return str(value)




def file_of(provenance: Any) -> dict[str, Any]:
    """``{"file": …}`` of a provenance record (a line, a value's source) that names its file, else ``{}``."""
    return {"file": provenance.file} if provenance is not None and provenance.file is not UNSET else {}


def present(value: Any) -> Any:
    """A field whose key may be absent (:data:`model.UNSET`) as ``None`` when it is."""
    return None if value is UNSET else value


def build_line_items(doc: ParsedDocument) -> list[dict[str, Any]]:
    """Flatten totals / three_public / three_public_budget / function_lines /
    economic_lines into line-item dicts (long format) with provenance.

    Provenance comes from the line itself (function/economic lines) or from
    ``doc.sources.<section>[key]``; ``origin`` defaults to ``'table'``.  In a
    document read from several files an item also names its ``file``.
    """
    items: list[dict[str, Any]] = []
    for doc_key, section, labels in KEYED_SECTIONS:
        values = getattr(doc, doc_key)
        section_sources = getattr(doc.sources, doc_key) or {}
        for seq, (key, value) in enumerate(values.to_dict().items() if values else ()):
            src = section_sources.get(key)
            items.append(
                {
                    "section": section,
                    "seq": seq,
                    "code": None,
                    "name": labels.get(key, key),
                    "measure": key,
                    "amount": to_decimal(value, f"{doc_key}.{key}"),
                    "page": src.page if src else None,
                    "table_title": src.table if src else None,
                    "row": src.row if src else None,
                    "origin": (src.origin if src else None) or "table",
                    **file_of(src),
                }
            )
    for doc_key, section, measures in LINE_SECTIONS:
        for seq, line in enumerate(getattr(doc, doc_key) or ()):
            for measure in measures:
                items.append(
                    {
                        "section": section,
                        "seq": seq,
                        "code": line.code,
                        "name": line.name,
                        "measure": measure,
                        "amount": to_decimal(getattr(line, measure), f"{doc_key}[{seq}].{measure}"),
                        "page": line.page,
                        "table_title": line.table,
                        "row": line.row,
                        "origin": "table",  # a line is always read from a table
                        **file_of(line),
                    }
                )
    return items


def table_row(seq: int, table: TableRecord) -> dict[str, Any]:
    """The ``tables`` row of one recognised table: title, kind, pages and rows,
    and its other fields (those present) in ``extra``."""
    extra = {}
    for f in fields(table):
        value = getattr(table, f.name)
        if f.name not in TABLE_COLUMNS and value is not UNSET:
            extra[f.name] = value.to_dict() if isinstance(value, Record) else value
    return {
        "seq": seq,
        "title": table.title,
        "kind": table.kind,
        "pages": table.pages,  # integers and text only (the model's types): plain JSON as they are
        "rows": table.rows,
        "extra": plain(extra) or None,
    }


def finding_row(finding: Mapping[str, Any]) -> dict[str, Any]:
    table_title = finding.get("table_title", finding.get("table"))
    return {
        "rule": str(finding.get("rule") or "unknown"),
        "severity": str(finding.get("severity") or "info"),
        "message": str(finding.get("message") or ""),
        "page": int_or_none(finding.get("page")),
        "table_title": text_or_none(table_title),
        "row": int_or_none(finding.get("row")),
        "expected": text_or_none(finding.get("expected")),
        "found": text_or_none(finding.get("found")),
        "data": plain(dict(finding)),
    }


def project_row(seq: int, item: Project) -> dict[str, Any]:
    return {
        "seq": seq,
        "code": item.code,
        "name": item.name,
        "amount": to_decimal(item.amount, f"projects[{seq}].amount"),
        **project_columns(item),
        "data": plain(item.to_dict()),
    }


def self_evaluation_row(seq: int, item: SelfEvaluation) -> dict[str, Any]:
    where = f"self_evaluations[{seq}]"
    return {
        "seq": seq,
        "name": item.name,
        "budget": to_decimal(item.budget, f"{where}.budget"),
        "executed": to_decimal(item.executed, f"{where}.executed"),
        "reported_score": to_decimal(item.reported_score, f"{where}.reported_score"),
        "computed_score": to_decimal(present(item.computed_score), f"{where}.computed_score"),
        "grade": present(item.grade),
        **self_evaluation_columns(item),
        "data": plain(item.to_dict()),
    }
