"""Function (功能分类) tables in layouts the fixtures do not cover, built as
real files and parsed through ``pipeline.parse_bytes``.

Reports from other provinces word the code and amount headings differently,
split codes into 类/款/项 columns, print code and name in one cell, set last
year's figures beside this year's and wrap long names.  The printed rows are in
tests/data/tables/codes.txt.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from tabledata import table, tables
from variants import (
    AGENCY,
    BUDGET_VALUES,
    ITEMS,
    SUB_ITEMS,
    Sheet,
    as_dict,
    budget_workbook,
    lines_by_code,
    parse_file,
    table_doc,
    text,
    title,
    word,
    workbook,
)

D = Decimal
TABLES = tables("codes")
SPLIT_LAYOUTS = ["full", "new-level", "cumulative", "single-digit-kuan"]
SPLIT_CODES = ["208", "20805", "2080505", "20899", "2089999", "210", "21011", "2101101"]
SPLIT_TOTAL = ["", "", "", "合计", "145.38", "141.38", "4.00"]


def expenditure_doc(rows: list[list[str]]) -> str:
    return table_doc("部门预算支出总表", rows)


def split_code_table(layout: str) -> list[list[str]]:
    return TABLES["split_head"] + [SPLIT_TOTAL] + TABLES[f"split.{layout}"]


def test_code_and_total_heading_variants(tmp_path):
    """科目代码 / 支出合计 instead of 科目编码 / 合计."""
    doc = parse_file(tmp_path, "budget.xlsx", budget_workbook(header="alt"))
    lines = lines_by_code(doc)
    assert lines["210"]["total"] == D("1123.456789")
    assert lines["210"]["basic"] == D("123.456789")
    assert lines["210"]["project"] == D("1000")
    assert doc["totals"]["basic"] == D("358.024679")


def test_the_split_layouts_print_the_same_names_and_amounts():
    """The layouts differ only in how 类/款/项 are printed."""
    rest = {layout: [row[3:] for row in TABLES[f"split.{layout}"]] for layout in SPLIT_LAYOUTS}
    assert all(body == rest["full"] for body in rest.values())


@pytest.mark.parametrize("layout", SPLIT_LAYOUTS)
@pytest.mark.parametrize("fmt", ["txt", "xlsx"])
def test_codes_split_into_class_section_item_columns(tmp_path, layout, fmt):
    rows = split_code_table(layout)
    if fmt == "txt":
        data = text([title(), "部门预算支出总表", "单位：万元", rows])
    else:
        head = [["部门预算支出总表"] + [""] * 6, ["部门名称：XX县卫生健康局", "", "", "预算年度：2025", "", "", "单位：万元"]]
        data = workbook([Sheet("Sheet1", head + rows, ["A1:G1", "A3:C3", "D3:D4", "E3:E4", "F3:F4", "G3:G4"])])
    doc = parse_file(tmp_path, f"r.{fmt}", data)
    lines = lines_by_code(doc)
    assert list(lines) == SPLIT_CODES
    assert lines["2080505"]["name"] == "机关事业单位基本养老保险缴费支出"
    assert lines["2080505"]["total"] == D("121.38")
    assert lines["2089999"]["project"] == D("4.00")
    assert lines["2101101"]["basic"] == D("20.00")
    assert doc["totals"]["expenditure_total"] == D("145.38")


def test_codes_written_with_spaces_dashes_or_run_together(tmp_path):
    doc = parse_file(tmp_path, "r.txt", expenditure_doc(TABLES["spaced_codes"]))
    lines = lines_by_code(doc)
    assert list(lines) == ["210", "21015", "2101501", "2101502", "2101503", "2101599", "2101506"]
    assert lines["2101501"]["total"] == D("10.00")
    assert lines["2101506"]["name"] == "信息化建设"


@pytest.mark.parametrize("heading", ["功能分类科目", "科目编码及名称", "项目"])
def test_code_and_name_in_one_cell(tmp_path, heading):
    rows = [[heading, "合计", "基本支出", "项目支出"]] + TABLES["code_and_name"]
    doc = parse_file(tmp_path, "r.txt", expenditure_doc(rows))
    lines = lines_by_code(doc)
    assert list(lines) == ["210", "21011", "2101101", "21004", "2100409"]
    assert lines["2101101"]["name"] == "行政单位医疗"
    assert lines["2100409"]["name"] == "重大公共卫生服务"
    assert lines["21011"]["basic"] == D("30.00")
    assert doc["totals"]["expenditure_total"] == D("50.00")
    assert doc["totals"]["project"] == D("20.00")


# ============================================================ last year's figures beside this year's


@pytest.mark.parametrize("layout", ["year-columns", "year-groups", "last-year-executed"])
def test_function_table_with_last_years_figures(tmp_path, layout):
    doc = parse_file(tmp_path, "r.txt", expenditure_doc(TABLES[f"period.{layout}"]))
    line = lines_by_code(doc)["210"]
    assert (line["total"], line["basic"], line["project"]) == (D("50.00"), D("30.00"), D("20.00"))
    assert doc["totals"]["expenditure_total"] == D("50.00")
    assert doc["totals"]["basic"] == D("30.00")


def test_every_period_layout_is_tested():
    assert sorted(k for k in TABLES if k.startswith("period.")) == [
        "period.last-year-executed", "period.year-columns", "period.year-groups"]


# ============================================================ headings and wrapped cells


def test_a_wrapped_name_in_a_function_table_is_joined(tmp_path):
    doc = parse_file(tmp_path, "r.txt", expenditure_doc(TABLES["wrapped_name"]))
    lines = lines_by_code(doc)
    assert lines["2101202"]["name"] == "财政对城乡居民基本医疗保险基金的补助"
    assert lines["2101202"]["row"] == 2
    assert lines["2101301"]["name"] == "城乡医疗救助"


def test_a_subtotal_heading_under_project_expenditure_stays_a_heading(tmp_path):
    doc = parse_file(tmp_path, "r.txt", expenditure_doc(TABLES["subtotal_heading"]))
    line = lines_by_code(doc)["210"]
    assert (line["total"], line["basic"], line["project"]) == (D("30.00"), D("20.00"), D("10.00"))
    assert doc["totals"]["expenditure_total"] == D("30.00")


# ============================================================ tables continued across pages

CONT_HEAD = TABLES["cont_head"]
CONT_ROWS = TABLES["cont_rows"]
CONT_CODES = SPLIT_CODES


@pytest.mark.parametrize(
    "between",
    [
        ["第 1 页"],
        ["- 1 -", "部门预算支出总表", "部门名称：XX县卫生健康局", "单位：万元"],
        ["续表"],
        [],
    ],
    ids=["page-number", "repeated-caption", "continued-mark", "nothing"],
)
@pytest.mark.parametrize("repeat_header", [True, False], ids=["header-repeated", "header-once"])
def test_table_continued_across_form_feeds(tmp_path, between, repeat_header):
    first = CONT_HEAD + CONT_ROWS[:4]
    second = (CONT_HEAD if repeat_header else []) + CONT_ROWS[4:7]
    third = (CONT_HEAD if repeat_header else []) + CONT_ROWS[7:]
    parts = [title(), "部门预算支出总表", "部门名称：XX县卫生健康局", "单位：万元", first,
             "\f", *between, second, "\f", *between, third, "第 3 页"]
    doc = parse_file(tmp_path, "r.txt", text(parts))
    assert len([t for t in doc["tables"] if t["kind"] == "expenditure"]) == 1
    lines = lines_by_code(doc)
    assert list(lines) == CONT_CODES
    assert [lines[c]["page"] for c in CONT_CODES] == [1, 1, 1, 2, 2, 2, 3, 3]
    assert lines["2101101"]["basic"] == D("20.00")
    assert doc["totals"]["expenditure_total"] == D("145.38")
    assert doc["source"]["pages"] == 3


def test_a_name_cut_by_the_page_break_is_joined(tmp_path):
    first = CONT_HEAD + CONT_ROWS[:3] + [["2080505", "机关事业单位基本养老", "121.38", "121.38", ""]]
    second = CONT_HEAD + [["", "保险缴费支出", "", "", ""]] + CONT_ROWS[4:]
    parts = [title(), "部门预算支出总表", "单位：万元", first, "\f", "第 1 页", second]
    doc = parse_file(tmp_path, "r.txt", text(parts))
    lines = lines_by_code(doc)
    assert list(lines) == CONT_CODES
    assert lines["2080505"]["name"] == "机关事业单位基本养老保险缴费支出"


def test_split_codes_carry_their_class_across_pages(tmp_path):
    """类/款/项 printed only where they change: the class on page 1 holds on page 2."""
    rows = table("codes", "split.new-level")
    first = TABLES["split_head"] + [SPLIT_TOTAL] + rows[:3]
    second = TABLES["split_head"] + rows[3:]
    parts = [title(), "部门预算支出总表", "单位：万元", first, "\f", "第 1 页", second]
    doc = parse_file(tmp_path, "r.txt", text(parts))
    lines = lines_by_code(doc)
    assert list(lines) == SPLIT_CODES
    assert lines["2089999"]["page"] == 2


def test_two_tables_on_following_pages_stay_apart(tmp_path):
    gpb = [["科目编码", "科目名称", "合计", "基本支出", "项目支出"], ["", "合计", "20.00", "20.00", ""],
           ["210", "卫生健康支出", "20.00", "20.00", ""]]
    parts = [title(), "部门预算支出总表", "单位：万元", CONT_HEAD + CONT_ROWS, "\f",
             "一般公共预算支出表", "单位：万元", gpb]
    doc = parse_file(tmp_path, "r.txt", text(parts))
    kinds = [t["kind"] for t in doc["tables"]]
    assert kinds == ["expenditure", "general_public_budget"]
    assert list(lines_by_code(doc)) == CONT_CODES


# ============================================================ Word


def test_word_report_with_merged_headings(tmp_path):
    """A .docx: split codes under a merged 功能分类科目编码 heading, a horizontal 三公 table."""
    expenditure = split_code_table("new-level")
    three = [ITEMS, SUB_ITEMS, BUDGET_VALUES]
    data = word([
        title(),
        "部门预算支出总表",
        "部门名称：XX县卫生健康局",
        "单位：万元",
        (expenditure, [(0, 0, 0, 2), (0, 3, 1, 3), (0, 4, 1, 4), (0, 5, 1, 5), (0, 6, 1, 6)]),
        "部门预算财政拨款“三公”经费支出表",
        "单位：万元",
        (three, [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 4), (0, 5, 1, 5)]),
    ])
    doc = parse_file(tmp_path, "r.docx", data)
    assert (doc["agency"], doc["year"], doc["kind"]) == (AGENCY, 2025, "budget")
    assert list(lines_by_code(doc)) == SPLIT_CODES
    assert doc["totals"]["expenditure_total"] == D("145.38")
    assert doc["three_public"] == as_dict(BUDGET_VALUES)
