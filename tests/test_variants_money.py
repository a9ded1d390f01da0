"""Money in layouts the fixtures do not cover: amounts in 元 with thousands
separators (text or numeric cells), the money unit written in many ways,
amounts spelled with full-width digits or brackets, and blank, zero or text in
amount cells.  Each document is built as a real file and parsed through
``pipeline.parse_bytes``; the tests state the 万元 a budget officer reads off it.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from tabledata import tables
from variants import AGENCY, budget_workbook, lines_by_code, not_an_amount, parse_file, rules, table_doc, text, title

D = Decimal
TABLES = tables("money")


@pytest.mark.parametrize("numeric", [False, True], ids=["text-cells", "numeric-cells"])
def test_budget_workbook_in_yuan(tmp_path, numeric):
    doc = parse_file(tmp_path, "budget.xlsx", budget_workbook(numeric=numeric))
    assert (doc["agency"], doc["year"], doc["kind"], doc["scope"]) == (AGENCY, 2025, "budget", "department")
    assert doc["unit_scale"] == "元"
    totals = doc["totals"]
    assert totals["revenue_total"] == D("1234.56789")
    assert totals["grand_total"] == D("1358.024679")
    assert totals["carryover_begin"] == D("123.456789")
    assert totals["expenditure_total"] == D("1358.024679")
    assert totals["carryover_end"] is None  # printed '—'
    assert totals["basic"] == D("358.024679")
    assert totals["project"] == D("1000")
    lines = lines_by_code(doc)
    assert list(lines) == ["208", "20805", "2080505", "210", "21004", "2100409", "21011", "2101101"]
    assert lines["2101101"]["total"] == D("123.456789")  # '1,234,567.89' 元
    assert lines["210"]["basic"] == D("123.456789")
    assert lines["210"]["project"] == D("1000")
    assert lines["21004"]["basic"] is None
    eco = lines_by_code(doc, "economic_lines")
    assert eco["301"]["total"] == D("300") and eco["301"]["personnel"] == D("300")
    assert eco["302"]["public"] == D("58.024679")
    three = doc["three_public"]
    assert three["total"] == D("12.345678")
    assert three["outbound"] == 0
    assert three["vehicle_purchase"] is None
    assert three["vehicle_operation"] == D("10")
    assert three["reception"] == D("2.345678")
    assert "parse.not_an_amount" not in rules(doc)


def test_table_titles_come_from_the_sheet_not_its_tab_name(tmp_path):
    doc = parse_file(tmp_path, "budget.xlsx", budget_workbook())
    titles = {t["kind"]: t["title"] for t in doc["tables"]}
    assert titles["summary"] == "2025年部门预算收支总表"
    assert titles["expenditure"] == "2025年部门预算支出总表"
    assert doc["sources"]["totals"]["revenue_total"]["table"] == "2025年部门预算收支总表"


def test_unit_in_a_separate_cell_of_the_agency_row_in_text(tmp_path):
    doc = parse_file(tmp_path, "r.txt", text([title(), "部门预算支出总表", TABLES["separate_unit_cell"]]))
    assert doc["unit_scale"] == "元"
    assert doc["totals"]["expenditure_total"] == D("123.456789")
    assert lines_by_code(doc)["210"]["basic"] == D("123.456789")


def test_blank_zero_and_text_in_amount_cells(tmp_path):
    doc = parse_file(tmp_path, "r.txt", table_doc("部门预算支出总表", TABLES["blank_zero_text"]))
    lines = lines_by_code(doc)
    assert lines["210"]["basic"] == 0 and lines["210"]["basic"] is not None
    assert doc["totals"]["basic"] == D("0.00")
    assert [lines["21011"][k] for k in ("total", "basic", "project")] == [None, None, None]
    assert lines["21015"]["total"] is None
    assert lines["21015"]["basic"] is None
    flagged = [f for f in doc["findings"] if f["rule"] == "parse.not_an_amount"]
    assert len(flagged) == 1
    assert "见附表" in flagged[0]["message"]
    assert flagged[0]["row"] == 4


@pytest.mark.parametrize(
    "line, scale, value",
    [
        ("单位：万元", "万元", D("10000.00")),
        ("单位:元", "元", D("1")),
        ("金额单位: 元", "元", D("1")),
        ("（单位：元）", "元", D("1")),
        ("单位：人民币元", "元", D("1")),
        ("单位(万元)", "万元", D("10000.00")),
        ("单位（元）", "元", D("1")),
        ("单位：千元", "千元", D("1000")),
    ],
)
def test_unit_declarations(tmp_path, line, scale, value):
    table = [["科目编码", "科目名称", "合计"], ["", "合计", "10,000.00"], ["210", "卫生健康支出", "10,000.00"]]
    doc = parse_file(tmp_path, "r.txt", table_doc("部门预算支出总表", table, unit=line))
    assert doc["unit_scale"] == scale
    assert doc["totals"]["expenditure_total"] == value
    assert lines_by_code(doc)["210"]["total"] == value


@pytest.mark.parametrize(
    "cell, value",
    [("１２３．４５", D("123.45")), ("1，234.00", D("1234.00")), ("123.45万元", D("123.45")),
     ("1,234,500元", D("123.45")), ("－12.00", D("-12.00")), ("(12.00)", D("-12.00"))],
)
def test_amount_spellings(tmp_path, cell, value):
    table = [["科目编码", "科目名称", "合计"], ["210", "卫生健康支出", cell]]
    doc = parse_file(tmp_path, "r.txt", table_doc("部门预算支出总表", table))
    assert lines_by_code(doc)["210"]["total"] == value
    assert not_an_amount(doc) == []
