"""The seven real published PDFs in ../shared/real.

Expected values were read off the rendered pages (收支总表 / 收入支出决算总表 and
the expenditure table's 合计 row); amounts printed in 元 are divided by 10000.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from golden import SHARED
from pipeline import parse_bytes

REAL = SHARED / "real"

EXPECTED = {
    "xian-medical-security-2022-budget.pdf": dict(
        agency="西安市医疗保障局", year=2022, kind="budget", scope="department", unit_scale="元",
        totals=dict(revenue_total="48054.422162", expenditure_total="48054.422162",
                    grand_total="48054.422162", carryover_begin="0",
                    basic="2311.187662", project="45743.2345"),
    ),
    "yantai-medical-security-2026-budget.pdf": dict(
        agency="烟台市医疗保障局", year=2026, kind="budget", scope="department", unit_scale="万元",
        totals=dict(revenue_total="16375.67", expenditure_total="16375.67", grand_total="16375.67",
                    basic="2200.67", project="14175.00", fiscal_appropriation="16375.67",
                    general_public_budget="15375.67"),
    ),
    "putuo-wanli-subdistrict-2023-budget.pdf": dict(
        agency="上海市普陀区人民政府万里街道办事处", year=2023, kind="budget", scope="department",
        unit_scale="元",
        totals=dict(grand_total="16497.864", expenditure_total="16497.864",
                    basic="9940.6297", project="6557.2343"),
    ),
    "putuo-wanli-subdistrict-2024-budget.pdf": dict(
        agency="上海市普陀区人民政府万里街道办事处", year=2024, kind="budget", scope="department",
        unit_scale="元",
        totals=dict(grand_total="15621.1123", expenditure_total="15621.1123",
                    basic="9970.602", project="5650.5103"),
    ),
    "putuo-wanli-subdistrict-2025-budget.pdf": dict(
        agency="上海市普陀区人民政府万里街道办事处", year=2025, kind="budget", scope="department",
        unit_scale="元",
        totals=dict(grand_total="18976.7551", expenditure_total="18976.7551",
                    basic="10134.1746", project="8842.5805"),
    ),
    "putuo-finance-bureau-2024-final.pdf": dict(
        agency="上海市普陀区财政局", year=2024, kind="final_accounts", scope="department",
        unit_scale="万元",
        totals=dict(revenue_total="2946.25", expenditure_total="2940.05", grand_total="2995.39",
                    carryover_begin="49.14", carryover_end="55.34",
                    basic="2336.91", project="603.14"),
    ),
    "national-petition-bureau-2024-final.pdf": dict(
        agency="国家信访局", year=2024, kind="final_accounts", scope="department", unit_scale="万元",
        totals=dict(revenue_total="20451.35", expenditure_total="14572.53", grand_total="22066.59",
                    carryover_begin="1615.24", carryover_end="7494.06",
                    basic="11073.11", project="3499.42", fiscal_appropriation="19572.91",
                    general_public_budget="19572.91"),
    ),
}

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
