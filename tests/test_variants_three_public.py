"""三公 tables in layouts the fixtures do not cover, built as real files and
parsed through ``pipeline.parse_bytes``.

Items go in rows (vertical) or in columns (horizontal); a 决算 prints 预算数
and 决算数 in either order; a budget may print two years' groups, last year's
column, a row per unit, or headings that are only a year.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from variants import (
    ACTUAL_VALUES,
    BUDGET_VALUES,
    ITEMS,
    OTHER_VALUES,
    SUB_ITEMS,
    VERTICAL_LABELS,
    Sheet,
    as_dict,
    not_an_amount,
    parse_file,
    three_public_doc,
    workbook,
)

D = Decimal


def vertical(heads: list[str], *columns: list[str]) -> list[list[str]]:
    """Items in rows: 项目 | heads..., one column of values per entry of ``columns``."""
    return [["项目"] + heads] + [[label, *values] for label, *values in zip(VERTICAL_LABELS, *columns)]


def parsed(tmp_path, table: list[list[str]], **kw) -> dict:
    return parse_file(tmp_path, "r.txt", three_public_doc(table, **kw))


def assert_actual_and_budget(tmp_path, table: list[list[str]]) -> dict:
    """Parse ``table`` as a 2024 决算's 三公 table: 决算数 and 预算数 both read."""
    doc = parsed(tmp_path, table, kind="部门决算", year=2024)
    assert doc["three_public"] == as_dict(ACTUAL_VALUES)
    assert doc["three_public_budget"] == as_dict(BUDGET_VALUES)
    return doc


@pytest.mark.parametrize("heading", ["合计", "预算数", "金额"])
def test_three_public_vertical_budget(tmp_path, heading):
    doc = parsed(tmp_path, vertical([heading], BUDGET_VALUES))
    assert doc["three_public"] == as_dict(BUDGET_VALUES)


def test_three_public_horizontal_budget(tmp_path):
    doc = parsed(tmp_path, [ITEMS, SUB_ITEMS, BUDGET_VALUES])
    assert doc["three_public"] == as_dict(BUDGET_VALUES)


@pytest.mark.parametrize("order", ["budget-first", "actual-first"])
def test_three_public_vertical_final_accounts(tmp_path, order):
    if order == "budget-first":
        table = vertical(["预算数", "决算数"], BUDGET_VALUES, ACTUAL_VALUES)
    else:
        table = vertical(["决算数", "预算数"], ACTUAL_VALUES, BUDGET_VALUES)
    doc = assert_actual_and_budget(tmp_path, table)
    assert doc["kind"] == "final_accounts"


@pytest.mark.parametrize("order", ["budget-first", "actual-first"])
def test_three_public_horizontal_final_accounts(tmp_path, order):
    groups = [("预算数", BUDGET_VALUES), ("决算数", ACTUAL_VALUES)]
    if order == "actual-first":
        groups.reverse()
    top = sum(([g] + [""] * 5 for g, _ in groups), [])
    table = [top, ITEMS * 2, SUB_ITEMS * 2, sum((v for _, v in groups), [])]
    assert_actual_and_budget(tmp_path, table)


@pytest.mark.parametrize("year", [2025, 2026])
def test_three_public_two_budget_years(tmp_path, year):
    """2025年预算数 | 2026年预算数: the document year's group."""
    values = {2025: OTHER_VALUES, 2026: BUDGET_VALUES}
    top = ["2025年预算数"] + [""] * 5 + ["2026年预算数"] + [""] * 5
    table = [top, ITEMS * 2, SUB_ITEMS * 2, values[2025] + values[2026]]
    doc = parsed(tmp_path, table, year=year)
    assert doc["year"] == year
    assert doc["three_public"] == as_dict(values[year])


@pytest.mark.parametrize("year", [2025, 2026])
def test_three_public_vertical_two_budget_years(tmp_path, year):
    table = vertical(["2025年预算数", "2026年预算数", "增减"], OTHER_VALUES, BUDGET_VALUES, [""] * 6)
    doc = parsed(tmp_path, table, year=year)
    assert doc["three_public"] == as_dict(OTHER_VALUES if year == 2025 else BUDGET_VALUES)


def test_three_public_workbook_with_merged_groups(tmp_path):
    """决算数 group first, merged headings, numeric cells, 元."""
    rows = [
        ["财政拨款“三公”经费支出决算表"] + [""] * 11,
        ["部门：XX县卫生健康局", "", "", "", "", "2024年度", "", "", "", "", "", "单位：元"],
        ["决算数"] + [""] * 5 + ["预算数"] + [""] * 5,
        ITEMS * 2,
        SUB_ITEMS * 2,
        [D(v) * 10000 if v else None for v in ACTUAL_VALUES + BUDGET_VALUES],
    ]
    merges = ["A1:L1", "A3:F3", "G3:L3", "C4:E4", "I4:K4", "A4:A5", "B4:B5", "F4:F5", "G4:G5", "H4:H5", "L4:L5"]
    doc = parse_file(tmp_path, "r.xlsx", workbook([Sheet("公开09表", rows, merges)]))
    assert (doc["kind"], doc["year"], doc["unit_scale"]) == ("final_accounts", 2024, "元")
    assert doc["three_public"] == as_dict(ACTUAL_VALUES)
    assert doc["three_public_budget"] == as_dict(BUDGET_VALUES)


def test_three_public_last_year_column_is_not_this_years(tmp_path):
    doc = parsed(tmp_path, vertical(["上年预算数", "本年预算数"], OTHER_VALUES, BUDGET_VALUES))
    assert doc["three_public"] == as_dict(BUDGET_VALUES)


def test_three_public_horizontal_reads_the_total_row_of_several_units(tmp_path):
    table = [
        ["单位名称"] + ITEMS,
        [""] + SUB_ITEMS,
        ["XX县卫生健康局本级", "1.00", "0.00", "1.00", "", "1.00", ""],
        ["XX县疾病预防控制中心", "2.00", "0.00", "1.00", "", "1.00", "1.00"],
        ["合计", "3.00", "0.00", "2.00", "", "2.00", "1.00"],
    ]
    doc = parsed(tmp_path, table)
    assert doc["three_public"] == as_dict(["3.00", "0.00", "2.00", "", "2.00", "1.00"])


@pytest.mark.parametrize("order", ["budget-first", "actual-first"])
def test_three_public_horizontal_with_budget_and_actual_rows(tmp_path, order):
    rows = [["年初预算数"] + BUDGET_VALUES, ["决算数"] + ACTUAL_VALUES]
    if order == "actual-first":
        rows.reverse()
    table = [["项目"] + ITEMS, [""] + SUB_ITEMS] + rows
    assert_actual_and_budget(tmp_path, table)


@pytest.mark.parametrize("year", [2024, 2025])
def test_three_public_year_only_headings(tmp_path, year):
    """Columns or rows headed just '2024年' / '2025年'."""
    values = {2024: OTHER_VALUES, 2025: BUDGET_VALUES}
    horizontal = [["年度"] + ITEMS, [""] + SUB_ITEMS, ["2024年"] + OTHER_VALUES, ["2025年"] + BUDGET_VALUES]
    for table in (vertical(["2024年", "2025年"], OTHER_VALUES, BUDGET_VALUES), horizontal):
        doc = parsed(tmp_path, table, year=year)
        assert doc["three_public"] == as_dict(values[year])


def test_text_in_a_three_public_total_row_is_flagged(tmp_path):
    """The 合计 row holds no amount, so nothing but its label says it is a body row."""
    doc = parsed(tmp_path, vertical(["预算数"], ["见附表", "0.00", "10.00", "", "10.00", "2.00"]))
    assert doc["three_public"]["total"] is None
    assert doc["three_public"]["vehicle_operation"] == D("10.00")
    assert not_an_amount(doc) == [("'见附表'", 1)]
