"""Who, which year and what kind: the agency, year, kind and scope lines of
reports from other provinces, built as real files and parsed through
``pipeline.parse_bytes``; and a workbook that is no report at all.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from loaders.errors import NotAReportError
from tabledata import table
from variants import Sheet, lines_by_code, parse_file, text, workbook

D = Decimal

SMALL_TABLE = [
    ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
    ["", "合计", "30.00", "30.00", ""],
    ["210", "卫生健康支出", "30.00", "30.00", ""],
]


def parse_lines(tmp_path, lines: list, encoding: str = "utf-8") -> dict:
    """A text report of ``lines`` (headings, then tables)."""
    return parse_file(tmp_path, "r.txt", text(lines), encoding=encoding)


@pytest.mark.parametrize(
    "line, agency",
    [
        ("部门名称：XX县卫生健康局", "XX县卫生健康局"),
        ("编制单位：XX市教育局（本级）", "XX市教育局"),
        ("单位：XX县水利局", "XX县水利局"),
        ("单位名称：XX县水利局 金额单位：万元", "XX县水利局"),
        ("编制单位：XX市教育局（本级）    单位：万元", "XX市教育局"),
        ("预算单位：XX区人民政府办公室", "XX区人民政府办公室"),
        ("101001 XX县财政局", "XX县财政局"),
    ],
)
def test_agency_lines(tmp_path, line, agency):
    doc = parse_lines(tmp_path, ["2025年部门预算支出总表", line, "预算年度：2025", "单位：万元", SMALL_TABLE])
    assert doc["agency"] == agency
    assert doc["year"] == 2025


def test_unit_line_is_not_an_agency(tmp_path):
    """'单位：万元' names the money unit; the agency is on another line."""
    doc = parse_lines(tmp_path, ["部门预算支出总表", "单位：万元", "部门：XX县民政局", "预算年度：2025", SMALL_TABLE])
    assert doc["agency"] == "XX县民政局"
    assert doc["unit_scale"] == "万元"


def test_unit_line_alone_gives_no_agency(tmp_path):
    """No agency anywhere: parsed all the same, and the agency is named unknown."""
    doc = parse_lines(tmp_path, ["2025年部门预算支出总表", "单位：万元", SMALL_TABLE])
    assert doc["agency"] is None and doc["unknown"] == ["agency"]
    assert doc["year"] == 2025


@pytest.mark.parametrize(
    "lines, year",
    [
        (["部门预算支出总表", "部门名称：XX县水利局", "预算年度：2025"], 2025),
        (["部门预算支出总表", "部门名称：XX县水利局", "2025年度"], 2025),
        (["XX县水利局2025年部门预算", "部门预算支出总表", "部门名称：XX县水利局"], 2025),
        (["XX县水利局2024年度部门决算", "支出决算表", "部门：XX县水利局"], 2024),
        (["2026年部门预算支出总表", "部门名称：XX县水利局"], 2026),
    ],
)
def test_year_lines(tmp_path, lines, year):
    doc = parse_lines(tmp_path, lines + ["单位：万元", SMALL_TABLE])
    assert doc["year"] == year


@pytest.mark.parametrize(
    "heading, kind, scope",
    [
        ("XX县水利局2025年部门预算", "budget", "department"),
        ("XX县水利局2025年单位预算", "budget", "unit"),
        ("XX县水利局2024年度部门决算", "final_accounts", "department"),
        ("XX县水利局2024年度单位决算", "final_accounts", "unit"),
    ],
)
def test_kind_and_scope(tmp_path, heading, kind, scope):
    table_title = "支出决算表" if kind == "final_accounts" else "支出预算表"
    doc = parse_lines(tmp_path, [heading, table_title, "单位：万元", SMALL_TABLE])
    assert (doc["agency"], doc["kind"], doc["scope"]) == ("XX县水利局", kind, scope)


def test_unit_marker_gives_unit_scope_in_a_workbook(tmp_path):
    rows = [["一般公共预算支出表", "", "", "", ""],
            ["编制单位：XX市教育局（本级）", "", "预算年度：2025", "", "单位：万元"]] + SMALL_TABLE
    doc = parse_file(tmp_path, "r.xlsx", workbook([Sheet("表5", rows, ["A1:E1"])]))
    assert (doc["agency"], doc["year"], doc["kind"], doc["scope"]) == ("XX市教育局", 2025, "budget", "unit")


@pytest.mark.parametrize("fmt", ["xlsx", "txt"])
def test_a_sales_workbook_is_not_a_report(tmp_path, fmt):
    rows = table("identity", "sales")
    data = workbook([Sheet("销售", rows)]) if fmt == "xlsx" else text(rows[:2] + [rows[2:]])
    with pytest.raises(NotAReportError):
        parse_file(tmp_path, f"sales.{fmt}", data)


def test_gbk_text_report(tmp_path):
    parts = ["XX县水利局2025年部门预算", "部门预算支出总表", "单位：元",
             [["科目编码", "科目名称", "合计"], ["", "合计", "1,234,567.89"], ["213", "农林水支出", "1,234,567.89"]]]
    doc = parse_lines(tmp_path, parts, encoding="gbk")
    assert doc["agency"] == "XX县水利局"
    assert lines_by_code(doc)["213"]["total"] == D("123.456789")


@pytest.mark.parametrize("marker", ["", "（本级）"])
def test_agency_printed_alone_in_text(tmp_path, marker):
    doc = parse_lines(tmp_path, ["2025年部门预算支出总表", f"XX县卫生健康局{marker}", "单位：万元", SMALL_TABLE])
    assert doc["agency"] == "XX县卫生健康局"
    assert lines_by_code(doc)["210"]["total"] == D("30.00")


def test_agency_printed_alone_in_the_unit_row_of_a_sheet(tmp_path):
    rows = [["2025年部门预算支出总表", "", "", "", ""], ["XX县卫生健康局", "", "", "", "单位：万元"]] + SMALL_TABLE
    doc = parse_file(tmp_path, "r.xlsx", workbook([Sheet("Sheet1", rows, ["A1:E1"])]))
    assert doc["agency"] == "XX县卫生健康局"
    assert doc["tables"][0]["kind"] == "expenditure"
    assert lines_by_code(doc)["210"]["basic"] == D("30.00")


def test_a_year_in_a_narrative_sentence_does_not_outvote_the_title(tmp_path):
    doc = parse_lines(tmp_path, [
        "XX县卫生健康局2024年度部门决算",
        "一、部门概况",
        "2024年度，我局认真落实2025年预算编制要求，加强预算管理。",
        "支出决算表",
        "部门：XX县卫生健康局",
        "单位：万元",
        SMALL_TABLE,
    ])
    assert (doc["year"], doc["kind"]) == (2024, "final_accounts")
