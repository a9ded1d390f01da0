"""收支总表 variants and where the report's totals may come from, built as text
reports and parsed through ``pipeline.parse_bytes``.

决算 summaries carry 行次 and 栏次 columns or print 年初预算数 beside 决算数;
some summaries print no 本年收入合计, so it comes from the 收入总表's current
year column or stays unknown; an 一般公共预算支出表 gives the department's
totals only where it is all the money.  The printed rows are in
tests/data/tables/summary.txt.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from tabledata import table, tables
from variants import lines_by_code, markdown, not_an_amount, parse_file, table_doc, text, title

D = Decimal
TABLES = tables("summary")


def final_doc(summary: list[list[str]], *extra) -> list:
    return [
        title(kind="部门决算"),
        "收入支出决算总表",
        "公开01表",
        "部门：XX县卫生健康局",
        "金额单位：万元",
        summary,
        *extra,
    ]


def with_second_table(summary: str, heading: str, rows: list[list[str]]) -> str:
    """The 收支总表 ``summary`` followed by another table."""
    return text([title(), "部门预算收支总表", "单位：万元", TABLES[summary], heading, "单位：万元", rows])


def totals_of(doc: dict, *keys: str) -> tuple:
    return tuple(doc["totals"][k] for k in keys)


MAIN = ("revenue_total", "expenditure_total", "grand_total")
CARRYOVER = ("carryover_begin", "carryover_end")


@pytest.mark.parametrize("fmt", ["txt", "md"])
def test_final_accounts_summary_with_line_number_columns(tmp_path, fmt):
    parts = final_doc(TABLES["final_summary"])
    doc = parse_file(tmp_path, f"r.{fmt}", text(parts) if fmt == "txt" else markdown(parts))
    assert doc["kind"] == "final_accounts"
    t = doc["totals"]
    assert totals_of(doc, *MAIN) == (D("520.00"), D("510.00"), D("550.00"))
    assert totals_of(doc, *CARRYOVER) == (D("30.00"), D("40.00"))
    assert t["fiscal_appropriation"] is None or t["fiscal_appropriation"] == D("500.00")
    assert t["general_public_budget"] == D("500.00")


def test_final_accounts_summary_prints_budget_beside_actual(tmp_path):
    """年初预算数 | 决算数 on each side: the totals are the 决算数."""
    doc = parse_file(tmp_path, "r.txt", text(final_doc(TABLES["final_summary_budget_beside_actual"])))
    assert totals_of(doc, *MAIN) == (D("520.00"), D("510.00"), D("550.00"))
    assert totals_of(doc, *CARRYOVER) == (D("30.00"), D("40.00"))
    assert doc["totals"]["general_public_budget"] == D("500.00")


def test_no_revenue_total_printed_stays_none(tmp_path):
    doc = parse_file(tmp_path, "r.txt", table_doc("部门预算收支总表", TABLES["budget_no_revenue_total"]))
    assert doc["totals"]["grand_total"] == D("130.00")
    assert doc["totals"]["carryover_begin"] == D("10.00")
    assert doc["totals"]["revenue_total"] is None
    assert "revenue_total" not in doc["sources"]["totals"]


@pytest.mark.parametrize(
    "income, revenue_total",
    [
        # 收入总表 合计 includes 上年结转: 本年收入 is its 小计, not its 合计
        ("income_current_year_column", D("120.00")),
        ("income_with_carryover", None),  # its 合计 includes 上年结转 and no column says 本年
        ("income_without_carryover", D("120.00")),
    ],
)
def test_revenue_total_from_the_income_table(tmp_path, income, revenue_total):
    """No 本年收入合计 in the 收支总表: the 收入总表 gives it where it can."""
    doc = parse_file(tmp_path, "r.txt", with_second_table("budget_no_revenue_total", "部门预算收入总表", TABLES[income]))
    assert doc["totals"]["revenue_total"] == revenue_total
    sources = doc["sources"]["totals"]
    if revenue_total is None:
        assert "revenue_total" not in sources
    else:
        assert (sources["revenue_total"]["table"], sources["revenue_total"]["origin"]) == ("部门预算收入总表", "table")


def test_summary_with_income_and_expenditure_in_one_label_column(tmp_path):
    """支出 rows printed under the 收入 rows, one 项目 | 预算数 pair."""
    doc = parse_file(tmp_path, "r.txt", table_doc("部门预算收支总表", TABLES["one_label_column"]))
    assert totals_of(doc, *MAIN) == (D("100.00"), D("120.00"), D("130.00"))
    assert totals_of(doc, *CARRYOVER) == (D("30.00"), D("10.00"))


def test_summary_with_last_years_column(tmp_path):
    doc = parse_file(tmp_path, "r.txt", table_doc("部门预算收支总表", TABLES["last_years_column"]))
    assert totals_of(doc, *MAIN) == (D("100.00"), D("100.00"), D("100.00"))


def test_text_in_summary_amount_cells_is_flagged(tmp_path):
    rows = table("summary", "budget_no_revenue_total")  # a copy: the row goes in this one only
    rows.insert(4, ["本年收入合计", "见附表", "本年支出合计", "详见说明"])
    doc = parse_file(tmp_path, "r.txt", table_doc("部门预算收支总表", rows))
    assert doc["totals"]["revenue_total"] is None and doc["totals"]["expenditure_total"] is None
    assert doc["totals"]["grand_total"] == D("130.00")
    assert not_an_amount(doc) == [("'见附表'", 4), ("'详见说明'", 4)]


# ============================================================ totals only from tables that cover them


def test_a_general_public_budget_table_is_not_the_whole_department(tmp_path):
    """With 事业收入 beside the 一般公共预算 money, the 一般公共预算支出表's
    合计/基本支出/项目支出 are only part of the department's."""
    doc = parse_file(tmp_path, "r.txt", with_second_table("summary_with_other_funds", "一般公共预算支出表", TABLES["gpb"]))
    assert lines_by_code(doc)["210"]["total"] == D("100.00")  # the lines say which table they are from
    assert doc["totals"]["basic"] is None and doc["totals"]["project"] is None
    assert doc["totals"]["expenditure_total"] is None
    assert not {"basic", "project", "expenditure_total"} & set(doc["sources"]["totals"])


def test_a_general_public_budget_table_that_is_all_the_money(tmp_path):
    doc = parse_file(tmp_path, "r.txt", with_second_table("gpb_all_the_money", "一般公共预算支出表", TABLES["gpb"]))
    assert (doc["totals"]["basic"], doc["totals"]["project"]) == (D("80.00"), D("20.00"))
    assert doc["sources"]["totals"]["basic"]["table"] == "一般公共预算支出表"


def test_an_income_table_total_is_not_the_expenditure_total(tmp_path):
    data = with_second_table("summary_with_other_funds", "部门预算收入总表", TABLES["income_without_carryover"])
    doc = parse_file(tmp_path, "r.txt", data)
    assert doc["totals"]["revenue_total"] == D("120.00")
    assert doc["totals"]["expenditure_total"] is None
