"""The seven real published PDFs in ../shared/real.

Expected values were read off the rendered pages (收支总表 / 收入支出决算总表 and
the expenditure table's 合计 row); amounts printed in 元 are divided by 10000.
"""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from golden import SHARED
from pipeline import parse_bytes

REAL = SHARED / "real"

# read off the rendered pages; amounts in 万元 as decimal strings
EXPECTED = json.loads((Path(__file__).parent / "data" / "real_pdfs.json").read_text(encoding="utf-8"))

_cache: dict[str, dict] = {}


def parsed(name: str) -> dict:
    if name not in _cache:
        path = REAL / name
        _cache[name] = parse_bytes(path.read_bytes(), name)
    return _cache[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_identity_and_totals(name):
    doc, want = parsed(name), EXPECTED[name]
    for key in ("agency", "year", "kind", "scope", "unit_scale"):
        assert doc[key] == want[key], key
    for key, value in want["totals"].items():
        assert doc["totals"][key] is not None, key
        assert Decimal(doc["totals"][key]) == Decimal(value), key


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_function_lines_add_up_to_expenditure_total(name):
    doc = parsed(name)
    classes = [l for l in doc["function_lines"] if len(l["code"]) == 3]
    assert classes, "no 类 lines"
    total = sum(l["total"] for l in classes)
    tolerance = Decimal("0.01") * len(classes)
    assert abs(total - doc["totals"]["expenditure_total"]) <= tolerance
    # every 款 sits under a 类 that was read
    codes = {l["code"] for l in doc["function_lines"]}
    assert all(l["code"][:3] in codes for l in doc["function_lines"])
