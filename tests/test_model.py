"""The typed parsed document (model/): the JSON of schema budgetlens.document/1
is written through it without losing or changing a key, it refuses what it
does not know, and docs/document-schema.md is generated from it."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from loaders import jsonout
from model import Finding, FunctionLine, ParsedDocument, SchemaError
from model.schema_doc import render
from pipeline import parse_bytes, parse_typed

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FILES = [
    SHARED / "fixtures" / "xianghe-2024-budget.pdf",
    SHARED / "fixtures" / "qinglong-2023-final.xlsx",
    SHARED / "fixtures" / "beidaihe-2021-targets.docx",
    SHARED / "real" / "yantai-medical-security-2026-budget.pdf",
]


@pytest.fixture(scope="module", params=FILES, ids=lambda p: p.name)
def parsed(request) -> dict:
    path = request.param
    return parse_bytes(path.read_bytes(), path.name)


def test_the_json_round_trips_through_the_model_unchanged(parsed):
    typed = ParsedDocument.from_dict(parsed)
    assert typed.to_dict() == parsed
    text = jsonout.dumps(parsed)
    assert jsonout.plain(ParsedDocument.from_dict(json.loads(text)).to_dict()) == json.loads(text)


def test_typed_access_reads_real_values():
    path = SHARED / "fixtures" / "xianghe-2024-budget.pdf"
    doc = parse_typed(path.read_bytes(), path.name)
    assert doc.kind == "budget" and doc.year == 2024
    assert doc.totals.expenditure_total == Decimal("6570.38")
    first = doc.function_lines[0]
    assert isinstance(first, FunctionLine)
    assert (first.code, first.name, first.total, first.basic, first.project) == (
        "208", "社会保障和就业支出", Decimal("125.38"), Decimal("121.38"), Decimal("4.00"))
    assert first.page == 6 and first.table == "部门预算支出总表"
    assert doc.sources.totals["expenditure_total"].page is not None
    assert all(isinstance(f, Finding) for f in doc.findings)


def _minimal() -> dict:
    path = SHARED / "fixtures" / "xianghe-2024-budget.pdf"
    return parse_bytes(path.read_bytes(), path.name)


def test_an_unknown_key_is_refused_with_its_path():
    doc = _minimal()
    doc["function_lines"][2]["totl"] = "1.00"  # a typo in a producer
    with pytest.raises(SchemaError, match=r"\.function_lines\[2\].*totl"):
        ParsedDocument.from_dict(doc)


def test_a_missing_required_key_and_a_wrong_type_are_refused():
    doc = _minimal()
    del doc["findings"][0]["message"]
    with pytest.raises(SchemaError, match=r"\.findings\[0\].*message"):
        ParsedDocument.from_dict(doc)
    doc = _minimal()
    doc["totals"]["basic"] = "一百"
    with pytest.raises(SchemaError, match=r"\.totals\.basic"):
        ParsedDocument.from_dict(doc)


def test_an_absent_optional_key_stays_absent_and_a_null_stays_null():
    doc = _minimal()
    line = next(l for l in doc["function_lines"] if "basic_source" not in l)
    assert "basic_source" not in ParsedDocument.from_dict(doc).to_dict()["function_lines"][doc["function_lines"].index(line)]
    assert doc["totals"]["carryover_begin"] is None
    assert ParsedDocument.from_dict(doc).to_dict()["totals"]["carryover_begin"] is None


def test_the_schema_document_is_generated_from_the_model():
    current = (ROOT / "docs" / "document-schema.md").read_text(encoding="utf-8")
    assert current == render(), "run: python -m model > docs/document-schema.md"
    for name in ("ParsedDocument", "FunctionLine", "SelfEvaluation", "ScoredIndicator", "Finding", "TableRecord"):
        assert f"## {name}" in current
