"""Narrative fact extraction (analysis/narrative.py): every amount, percentage
and change quoted in the 情况说明, and what it names."""
from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path

import pytest

from analysis.narrative import facts, key_of, mentions, passages
from pipeline import parse_bytes

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@functools.lru_cache(maxsize=None)
def doc_facts(name: str):
    for base in (SHARED / "seeds", SHARED / "real", SHARED / "fixtures"):
        path = base / name
        if path.exists():
            doc = parse_bytes(path.read_bytes(), path.name)
            return tuple(facts(doc["paragraphs"]))
    pytest.skip(f"{name} not available")


def first_amounts(name: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for f in doc_facts(name):
        if f.kind == "amount" and f.key in KEYS and f.key not in out:
            out[f.key] = format(f.value.normalize(), "f") if f.unit == "万元" else f.printed
    return out


KEYS = (
    "revenue_total",
    "expenditure_total",
    "grand_total",
    "basic",
    "project",
    "personnel",
    "public",
    "three_public.total",
    "three_public.outbound",
    "three_public.vehicle_total",
    "three_public.vehicle_purchase",
    "three_public.vehicle_operation",
    "three_public.reception",
    "operating_expenses",
)

# The first figure each narrative gives for each item (万元).  An item missing
# from a document is one its narrative does not state (e.g. the 普陀 万里街道
# and 西安 budgets give no 基本/项目 or 人员/公用 split in their text).
EXPECTED: dict[str, dict[str, str]] = {
    "000_e1a466dd2d0fafcf.txt": {
        "revenue_total": "6570.38",
        "expenditure_total": "6570.38",
        "basic": "1136.05",
        "project": "5434.33",
        "personnel": "985.94",
        "public": "150.11",
        "three_public.total": "3.42",
        "three_public.outbound": "0",
        "three_public.vehicle_total": "3.42",
        "three_public.vehicle_purchase": "0",
        "three_public.vehicle_operation": "3.42",
        "three_public.reception": "0",
        "operating_expenses": "150.11",
    },
    "002_fee3c3d538398af5.txt": {
        "revenue_total": "17334.3",
        "expenditure_total": "17336.07",
        "grand_total": "17337.27",
        "basic": "407.89",
        "project": "16928.18",
        "personnel": "390.5",
        "public": "15.63",
        "three_public.total": "2.06",
        "three_public.outbound": "0",
        "three_public.vehicle_total": "1.6",
        "three_public.vehicle_purchase": "0",
        "three_public.vehicle_operation": "1.6",
        "three_public.reception": "0.46",
        "operating_expenses": "9.77",
    },
    "004_69d8ecd0df86de6b.txt": {
        "revenue_total": "193.86",
        "expenditure_total": "193.86",
        "grand_total": "193.86",
        "basic": "165.42",
        "project": "28.44",
        "personnel": "147.66",
        "public": "17.76",
        "three_public.total": "1.2",
        "three_public.outbound": "0",
        "three_public.vehicle_purchase": "0",
        "three_public.vehicle_operation": "1.2",
        "three_public.reception": "0",
        "operating_expenses": "17.76",
    },
    "national-petition-bureau-2024-final.pdf": {
        "revenue_total": "20451.35",
        "expenditure_total": "14572.53",
        "grand_total": "22066.59",
        "basic": "11073.11",
        "project": "3499.42",
        "personnel": "7967.72",
        "public": "2266.65",
        "three_public.total": "76.43",
        "three_public.outbound": "4.69",
        "three_public.vehicle_total": "40.61",
        "three_public.vehicle_operation": "40.61",
        "three_public.reception": "0.9",
        "operating_expenses": "2266.65",
    },
    "putuo-finance-bureau-2024-final.pdf": {
        "revenue_total": "2946.25",
        "expenditure_total": "2940.05",
        "grand_total": "2995.39",
        "basic": "2336.91",
        "project": "603.14",
        "personnel": "2152.26",
        "public": "184.65",
        "three_public.total": "0.95",
        "three_public.outbound": "0",
        "three_public.vehicle_total": "0",
        "three_public.reception": "0",
        "operating_expenses": "184.65",
    },
    "putuo-wanli-subdistrict-2023-budget.pdf": {
        "revenue_total": "16497.86",
        "expenditure_total": "16497.86",
        "three_public.total": "22.91",
        "three_public.outbound": "0",
        "three_public.vehicle_total": "21.56",
        "three_public.vehicle_purchase": "0",
        "three_public.vehicle_operation": "21.56",
        "three_public.reception": "1.35",
        "operating_expenses": "786.09",
    },
    "putuo-wanli-subdistrict-2024-budget.pdf": {
        "revenue_total": "15621.11",
        "expenditure_total": "15621.11",
        "three_public.total": "47.91",
        "three_public.outbound": "0",
        "three_public.vehicle_total": "46.56",
        "three_public.vehicle_purchase": "25",
        "three_public.vehicle_operation": "21.56",
        "three_public.reception": "1.35",
        "operating_expenses": "443.18",
    },
    "putuo-wanli-subdistrict-2025-budget.pdf": {
        "revenue_total": "18976.76",
        "expenditure_total": "18976.76",
        "three_public.total": "37.91",
        "three_public.outbound": "0",
        "three_public.vehicle_total": "36.56",
        "three_public.vehicle_purchase": "15",
        "three_public.vehicle_operation": "21.56",
        "three_public.reception": "1.35",
        "operating_expenses": "464.64",
    },
    "xian-medical-security-2022-budget.pdf": {
        "revenue_total": "48054.42",
        "expenditure_total": "48054.42",
        "three_public.total": "3.5",
        "three_public.outbound": "0",
        "three_public.vehicle_purchase": "0",
        "three_public.vehicle_operation": "2.5",
        "three_public.reception": "1",
        "operating_expenses": "163.46",
    },
    "yantai-medical-security-2026-budget.pdf": {
        "revenue_total": "16375.67",
        "expenditure_total": "16375.67",
        "basic": "2200.67",
        "project": "14175",
        "three_public.total": "3.15",
        "three_public.outbound": "0",
        "three_public.vehicle_total": "0",
        "three_public.vehicle_purchase": "0",
        "three_public.vehicle_operation": "0",
        "three_public.reception": "3.15",
        "operating_expenses": "66.56",
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_narrative_facts_listed(name):
    assert first_amounts(name) == EXPECTED[name]


def _find(name: str, kind: str, key: str | None = None, value: str | None = None):
    out = [
        f
        for f in doc_facts(name)
        if f.kind == kind and (key is None or f.key == key) and (value is None or f.value == Decimal(value))
    ]
    assert out, f"no {kind} {key} {value}"
    return out[0]


# ---------------------------------------------------------------- text handling


def test_paragraphs_split_at_a_page_end_are_joined():
    ps = passages(
        [
            {"text": "3. 国有资本经营预算财政拨款本年收入合计 0.00 万", "page": 19},
            {"text": "元，与上年持平；本年支出合计0.00万元，与上年持平。", "page": 20},
            {"text": "四、财政拨款收入支出决算总体情况说明", "page": 20},
            {"text": "本年收入合计17334.30万元。", "page": 20},
        ]
    )
    assert len(ps) == 3
    assert "0.00 万元，与上年持平" in ps[0].text
    assert ps[0].page_at(len("3. 国有资本经营预算财政拨款本年收入合计 0.00 万") + 2) == 20


def test_a_heading_is_not_joined_to_its_text():
    ps = passages([{"text": "三、机关运行经费安排情况", "page": 1}, {"text": "2024年机关运行经费150.11万元。", "page": 1}])
    assert len(ps) == 2


def test_mentions_read_units_and_percentages():
    ms = mentions("本年收入合计17,334.30万元，占100.0%；其他收入6.2万元、退休费1884元，380 元/人")
    assert [(str(m.number), m.unit) for m in ms] == [("17334.30", "万元"), ("100.0", "%"), ("6.2", "万元"), ("1884", "元")]


def test_key_of_prefers_the_specific_item():
    assert key_of("本部门2023年度“三公”经费财政拨款支出预算为") == "three_public.total"
    assert key_of("，其中：基本支出") == "basic"
    assert key_of("（5）劳务派遣人员经费") is None  # a project's name, not 人员经费
    assert key_of("1.“一般公共服务支出（类）统计信息事务（款）统计管理（项）”") is None
    assert key_of("社会保障和就业（类）支出 ") == "class:208"
    assert key_of("组织对…项目开展了部门评价，涉及一般公共预算支出") is None


# ---------------------------------------------------------------- facts of seed 002


def test_changes_and_their_rates():
    name = "002_fee3c3d538398af5.txt"
    change = _find(name, "change", "grand_total", "6682.32")
    rate = _find(name, "rate", "grand_total", "62.7")
    assert rate.ref == change.index
    assert doc_facts(name)[change.ref].value == Decimal("17337.27")
    down = _find(name, "change", "operating_expenses", "-5.22")
    assert _find(name, "rate", "operating_expenses", "-34.8").ref == down.index


def test_shares_refer_to_their_amount():
    name = "002_fee3c3d538398af5.txt"
    share = _find(name, "share", "basic", "2.4")
    assert doc_facts(name)[share.ref].value == Decimal("407.89")
    named = _find(name, "share", None, "100")
    assert any(f.denominator == "一般公共预算项目支出总额" for f in doc_facts(name) if f.kind == "share")
    assert named.kind == "share"


def test_execution_rate_and_stages():
    name = "002_fee3c3d538398af5.txt"
    ex = _find(name, "execution", "revenue_total", "153.1")
    assert doc_facts(name)[ex.ref].value == Decimal("17334.30")
    budget = [f for f in doc_facts(name) if f.key == "three_public.total" and f.stage == "budget"]
    actual = [f for f in doc_facts(name) if f.key == "three_public.total" and f.stage == "actual"]
    assert budget[0].value == actual[0].value == Decimal("2.06")


def test_function_class_amounts():
    name = "002_fee3c3d538398af5.txt"
    assert _find(name, "amount", "class:210").value == Decimal("17244.41")
    assert _find(name, "share", "class:210").value == Decimal("99.5")


def test_unit_as_printed_is_kept():
    f = _find("002_fee3c3d538398af5.txt", "amount", "expenditure_total", "1.73343")
    assert f.unit == "元" and f.number == Decimal("17334.30")
    f = _find("003_08710cc348d5ea60.txt", "amount", "operating_expenses")
    assert f.unit == "元" and f.printed == "8.34元"


def test_project_sentences_are_not_department_totals():
    # "该项目批复的年初预算数为1018.00万元，其中当年财政拨款898.00万元，上年结转120.00万元"
    fs = doc_facts("national-petition-bureau-2024-final.pdf")
    assert not [f for f in fs if f.key == "carryover_begin" and f.value == Decimal("120.00")]


def test_change_of_an_item_named_in_its_own_clause():
    name = "000_e1a466dd2d0fafcf.txt"
    assert _find(name, "change", "basic", "66.56")
    assert _find(name, "change", "project", "-472.76")
