"""Report layouts the fixtures do not cover, built as real files and parsed
through ``pipeline.parse_bytes``.

Reports from other provinces word their headings differently, split codes into
类/款/项 columns, print amounts in 元 with thousands separators, put 三公 items
in rows or in columns, and run tables across pages.  Each test builds one such
document in ``tmp_path`` and states the values a budget officer reads off it.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from loaders.errors import NotAReportError
from pipeline import parse_bytes
from variants import (
    AGENCY,
    Sheet,
    budget_workbook,
    markdown,
    text,
    word,
    workbook,
)

D = Decimal


def parse_file(tmp_path: Path, name: str, data: bytes | str, encoding: str = "utf-8") -> dict:
    """Write ``data`` to ``tmp_path/name`` and parse the file's bytes."""
    path = tmp_path / name
    path.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
    return parse_bytes(path.read_bytes(), path.name)


def lines_by_code(doc: dict, section: str = "function_lines") -> dict[str, dict]:
    return {line["code"]: line for line in doc[section]}


def rules(doc: dict) -> list[str]:
    return [f["rule"] for f in doc["findings"]]


def title(agency: str = AGENCY, year: int = 2025, kind: str = "部门预算") -> str:
    return f"{agency}{year}年{kind}"


# ============================================================ 1. amounts in 元


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
    parts = [
        title(),
        "部门预算支出总表",
        [
            ["部门名称：XX县卫生健康局", "", "", "", "单位：元"],
            ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
            ["", "合计", "1,234,567.89", "1,234,567.89", ""],
            ["210", "卫生健康支出", "1,234,567.89", "1,234,567.89", ""],
        ],
    ]
    doc = parse_file(tmp_path, "r.txt", text(parts))
    assert doc["unit_scale"] == "元"
    assert doc["totals"]["expenditure_total"] == D("123.456789")
    assert lines_by_code(doc)["210"]["basic"] == D("123.456789")


# ============================================================ 2. heading wording and codes


def test_code_and_total_heading_variants(tmp_path):
    """科目代码 / 支出合计 instead of 科目编码 / 合计."""
    doc = parse_file(tmp_path, "budget.xlsx", budget_workbook(header="alt"))
    lines = lines_by_code(doc)
    assert lines["210"]["total"] == D("1123.456789")
    assert lines["210"]["basic"] == D("123.456789")
    assert lines["210"]["project"] == D("1000")
    assert doc["totals"]["basic"] == D("358.024679")


SPLIT_HEAD = [
    ["功能分类科目编码", "", "", "科目名称", "合计", "基本支出", "项目支出"],
    ["类", "款", "项", "", "", "", ""],
]

# (类, 款, 项) as printed under each layout, then name and amounts (万元).
SPLIT_ROWS = {
    "full": [
        ("208", "", "", "社会保障和就业支出", "125.38", "121.38", "4.00"),
        ("208", "05", "", "行政事业单位养老支出", "121.38", "121.38", ""),
        ("208", "05", "05", "机关事业单位基本养老保险缴费支出", "121.38", "121.38", ""),
        ("208", "99", "", "其他社会保障和就业支出", "4.00", "", "4.00"),
        ("208", "99", "99", "其他社会保障和就业支出", "4.00", "", "4.00"),
        ("210", "", "", "卫生健康支出", "20.00", "20.00", ""),
        ("210", "11", "", "行政事业单位医疗", "20.00", "20.00", ""),
        ("210", "11", "01", "行政单位医疗", "20.00", "20.00", ""),
    ],
    "new-level": [
        ("208", "", "", "社会保障和就业支出", "125.38", "121.38", "4.00"),
        ("", "05", "", "行政事业单位养老支出", "121.38", "121.38", ""),
        ("", "", "05", "机关事业单位基本养老保险缴费支出", "121.38", "121.38", ""),
        ("", "99", "", "其他社会保障和就业支出", "4.00", "", "4.00"),
        ("", "", "99", "其他社会保障和就业支出", "4.00", "", "4.00"),
        ("210", "", "", "卫生健康支出", "20.00", "20.00", ""),
        ("", "11", "", "行政事业单位医疗", "20.00", "20.00", ""),
        ("", "", "01", "行政单位医疗", "20.00", "20.00", ""),
    ],
    "cumulative": [
        ("208", "", "", "社会保障和就业支出", "125.38", "121.38", "4.00"),
        ("208", "20805", "", "行政事业单位养老支出", "121.38", "121.38", ""),
        ("208", "20805", "2080505", "机关事业单位基本养老保险缴费支出", "121.38", "121.38", ""),
        ("208", "20899", "", "其他社会保障和就业支出", "4.00", "", "4.00"),
        ("208", "20899", "2089999", "其他社会保障和就业支出", "4.00", "", "4.00"),
        ("210", "", "", "卫生健康支出", "20.00", "20.00", ""),
        ("210", "21011", "", "行政事业单位医疗", "20.00", "20.00", ""),
        ("210", "21011", "2101101", "行政单位医疗", "20.00", "20.00", ""),
    ],
    "single-digit-kuan": [
        ("208", "", "", "社会保障和就业支出", "125.38", "121.38", "4.00"),
        ("208", "5", "", "行政事业单位养老支出", "121.38", "121.38", ""),
        ("208", "5", "5", "机关事业单位基本养老保险缴费支出", "121.38", "121.38", ""),
        ("208", "99", "", "其他社会保障和就业支出", "4.00", "", "4.00"),
        ("208", "99", "99", "其他社会保障和就业支出", "4.00", "", "4.00"),
        ("210", "", "", "卫生健康支出", "20.00", "20.00", ""),
        ("210", "11", "", "行政事业单位医疗", "20.00", "20.00", ""),
        ("210", "11", "1", "行政单位医疗", "20.00", "20.00", ""),
    ],
}
SPLIT_CODES = ["208", "20805", "2080505", "20899", "2089999", "210", "21011", "2101101"]


def split_code_table(layout: str) -> list[list[str]]:
    body = [["", "", "", "合计", "145.38", "141.38", "4.00"]] + [list(r) for r in SPLIT_ROWS[layout]]
    return SPLIT_HEAD + body


@pytest.mark.parametrize("layout", list(SPLIT_ROWS))
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
    rows = [
        ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
        ["", "合计", "30.00", "30.00", ""],
        ["210", "卫生健康支出", "30.00", "30.00", ""],
        ["210 15", "医疗保障管理事务", "30.00", "30.00", ""],
        ["210 15 01", "行政运行", "10.00", "10.00", ""],
        ["210-15-02", "一般行政管理事务", "10.00", "10.00", ""],
        ["2101503", "机关服务", "5.00", "5.00", ""],
        ["210.15.99", "其他医疗保障管理事务支出", "3.00", "3.00", ""],
        ["210 15 6", "信息化建设", "2.00", "2.00", ""],
    ]
    doc = parse_file(tmp_path, "r.txt", text([title(), "部门预算支出总表", "单位：万元", rows]))
    lines = lines_by_code(doc)
    assert list(lines) == ["210", "21015", "2101501", "2101502", "2101503", "2101599", "2101506"]
    assert lines["2101501"]["total"] == D("10.00")
    assert lines["2101506"]["name"] == "信息化建设"


# ============================================================ 5. blank, zero and text in amount cells


def test_blank_zero_and_text_in_amount_cells(tmp_path):
    rows = [
        ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
        ["", "合计", "10.00", "0.00", "10.00"],
        ["210", "卫生健康支出", "10.00", "0", "10.00"],
        ["21011", "行政事业单位医疗", "", "-", "—"],
        ["21015", "医疗保障管理事务", "见附表", "——", "10.00"],
    ]
    doc = parse_file(tmp_path, "r.txt", text([title(), "部门预算支出总表", "单位：万元", rows]))
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


# ============================================================ 3. 收支总表 variants


FINAL_SUMMARY = [
    ["收入", "", "", "支出", "", ""],
    ["项目", "行次", "金额", "项目", "行次", "金额"],
    ["栏次", "", "1", "栏次", "", "2"],
    ["一、一般公共预算财政拨款收入", "1", "500.00", "一、一般公共服务支出", "32", ""],
    ["二、政府性基金预算财政拨款收入", "2", "", "二、社会保障和就业支出", "33", "60.00"],
    ["三、事业收入", "3", "20.00", "三、卫生健康支出", "34", "450.00"],
    ["本年收入合计", "29", "520.00", "本年支出合计", "58", "510.00"],
    ["使用非财政拨款结余", "30", "", "结余分配", "59", ""],
    ["年初结转和结余", "31", "30.00", "年末结转和结余", "60", "40.00"],
    ["总计", "32", "550.00", "总计", "61", "550.00"],
]


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


@pytest.mark.parametrize("fmt", ["txt", "md"])
def test_final_accounts_summary_with_line_number_columns(tmp_path, fmt):
    parts = final_doc(FINAL_SUMMARY)
    doc = parse_file(tmp_path, f"r.{fmt}", text(parts) if fmt == "txt" else markdown(parts))
    assert doc["kind"] == "final_accounts"
    t = doc["totals"]
    assert (t["revenue_total"], t["expenditure_total"], t["grand_total"]) == (D("520.00"), D("510.00"), D("550.00"))
    assert (t["carryover_begin"], t["carryover_end"]) == (D("30.00"), D("40.00"))
    assert t["fiscal_appropriation"] is None or t["fiscal_appropriation"] == D("500.00")
    assert t["general_public_budget"] == D("500.00")


def test_final_accounts_summary_prints_budget_beside_actual(tmp_path):
    """年初预算数 | 决算数 on each side: the totals are the 决算数."""
    summary = [
        ["收入", "", "", "", "支出", "", "", ""],
        ["项目", "行次", "年初预算数", "决算数", "项目", "行次", "年初预算数", "决算数"],
        ["一、一般公共预算财政拨款收入", "1", "480.00", "500.00", "一、社会保障和就业支出", "33", "55.00", "60.00"],
        ["二、事业收入", "2", "", "20.00", "二、卫生健康支出", "34", "425.00", "450.00"],
        ["本年收入合计", "29", "480.00", "520.00", "本年支出合计", "58", "480.00", "510.00"],
        ["年初结转和结余", "31", "", "30.00", "年末结转和结余", "60", "", "40.00"],
        ["总计", "32", "480.00", "550.00", "总计", "61", "480.00", "550.00"],
    ]
    doc = parse_file(tmp_path, "r.txt", text(final_doc(summary)))
    t = doc["totals"]
    assert (t["revenue_total"], t["expenditure_total"], t["grand_total"]) == (D("520.00"), D("510.00"), D("550.00"))
    assert (t["carryover_begin"], t["carryover_end"]) == (D("30.00"), D("40.00"))
    assert t["general_public_budget"] == D("500.00")


BUDGET_SUMMARY_NO_REVENUE_TOTAL = [
    ["收入", "", "支出", ""],
    ["项目", "预算数", "项目", "预算数"],
    ["一、一般公共预算拨款收入", "100.00", "一、卫生健康支出", "130.00"],
    ["二、事业收入", "20.00", "", ""],
    ["上年结转", "10.00", "", ""],
    ["收入总计", "130.00", "支出总计", "130.00"],
]


def test_no_revenue_total_printed_stays_none(tmp_path):
    parts = [title(), "部门预算收支总表", "单位：万元", BUDGET_SUMMARY_NO_REVENUE_TOTAL]
    doc = parse_file(tmp_path, "r.txt", text(parts))
    assert doc["totals"]["grand_total"] == D("130.00")
    assert doc["totals"]["carryover_begin"] == D("10.00")
    assert doc["totals"]["revenue_total"] is None
    assert "revenue_total" not in doc["sources"]["totals"]


def test_revenue_total_from_the_income_tables_current_year_column(tmp_path):
    """收入总表 合计 includes 上年结转: 本年收入 is its 小计, not its 合计."""
    income = [
        ["科目编码", "科目名称", "合计", "本年收入", "", "", "上年结转"],
        ["", "", "", "小计", "一般公共预算拨款收入", "事业收入", ""],
        ["", "合计", "130.00", "120.00", "100.00", "20.00", "10.00"],
        ["210", "卫生健康支出", "130.00", "120.00", "100.00", "20.00", "10.00"],
    ]
    parts = [title(), "部门预算收支总表", "单位：万元", BUDGET_SUMMARY_NO_REVENUE_TOTAL,
             "部门预算收入总表", "单位：万元", income]
    doc = parse_file(tmp_path, "r.txt", text(parts))
    assert doc["totals"]["revenue_total"] == D("120.00")
    assert doc["sources"]["totals"]["revenue_total"]["table"] == "部门预算收入总表"
    assert doc["sources"]["totals"]["revenue_total"]["origin"] == "table"


def test_income_table_total_with_carryover_is_not_the_revenue_total(tmp_path):
    income = [
        ["科目编码", "科目名称", "合计", "上年结转", "一般公共预算拨款收入", "事业收入"],
        ["", "合计", "130.00", "10.00", "100.00", "20.00"],
        ["210", "卫生健康支出", "130.00", "10.00", "100.00", "20.00"],
    ]
    parts = [title(), "部门预算收支总表", "单位：万元", BUDGET_SUMMARY_NO_REVENUE_TOTAL,
             "部门预算收入总表", "单位：万元", income]
    doc = parse_file(tmp_path, "r.txt", text(parts))
    assert doc["totals"]["revenue_total"] is None
    assert "revenue_total" not in doc["sources"]["totals"]


def test_income_table_without_carryover_gives_the_revenue_total(tmp_path):
    income = [
        ["科目编码", "科目名称", "合计", "一般公共预算拨款收入", "事业收入"],
        ["", "合计", "120.00", "100.00", "20.00"],
        ["210", "卫生健康支出", "120.00", "100.00", "20.00"],
    ]
    parts = [title(), "部门预算收支总表", "单位：万元", BUDGET_SUMMARY_NO_REVENUE_TOTAL,
             "部门预算收入总表", "单位：万元", income]
    doc = parse_file(tmp_path, "r.txt", text(parts))
    assert doc["totals"]["revenue_total"] == D("120.00")
    assert doc["sources"]["totals"]["revenue_total"]["table"] == "部门预算收入总表"


# ============================================================ 4. 三公 tables

THREE_KEYS = ("total", "outbound", "vehicle_total", "vehicle_purchase", "vehicle_operation", "reception")
ITEMS = ["合计", "因公出国（境）费", "公务用车购置及运行费", "", "", "公务接待费"]
SUB_ITEMS = ["", "", "小计", "公务用车购置费", "公务用车运行费", ""]
BUDGET_VALUES = ["12.00", "0.00", "10.00", "", "10.00", "2.00"]
ACTUAL_VALUES = ["9.50", "0.00", "8.00", "", "8.00", "1.50"]


def three_public_doc(table: list[list[str]], kind: str = "部门预算", year: int = 2025) -> str:
    name = "财政拨款“三公”经费支出决算表" if kind == "部门决算" else "财政拨款“三公”经费支出预算表"
    return text([title(year=year, kind=kind), name, "单位：万元", table])


def as_dict(values: list[str]) -> dict:
    return {k: (D(v) if v else None) for k, v in zip(THREE_KEYS, values)}


VERTICAL_LABELS = [
    "合计",
    "1.因公出国（境）费",
    "2.公务用车购置及运行费",
    "其中：（1）公务用车购置费",
    "（2）公务用车运行费",
    "3.公务接待费",
]


@pytest.mark.parametrize("heading", ["合计", "预算数", "金额"])
def test_three_public_vertical_budget(tmp_path, heading):
    table = [["项目", heading]] + [[label, v] for label, v in zip(VERTICAL_LABELS, BUDGET_VALUES)]
    doc = parse_file(tmp_path, "r.txt", three_public_doc(table))
    assert doc["three_public"] == as_dict(BUDGET_VALUES)


def test_three_public_horizontal_budget(tmp_path):
    doc = parse_file(tmp_path, "r.txt", three_public_doc([ITEMS, SUB_ITEMS, BUDGET_VALUES]))
    assert doc["three_public"] == as_dict(BUDGET_VALUES)


@pytest.mark.parametrize("order", ["budget-first", "actual-first"])
def test_three_public_vertical_final_accounts(tmp_path, order):
    heads = ["预算数", "决算数"] if order == "budget-first" else ["决算数", "预算数"]
    table = [["项目"] + heads]
    for label, b, a in zip(VERTICAL_LABELS, BUDGET_VALUES, ACTUAL_VALUES):
        table.append([label] + ([b, a] if order == "budget-first" else [a, b]))
    doc = parse_file(tmp_path, "r.txt", three_public_doc(table, kind="部门决算", year=2024))
    assert doc["kind"] == "final_accounts"
    assert doc["three_public"] == as_dict(ACTUAL_VALUES)
    assert doc["three_public_budget"] == as_dict(BUDGET_VALUES)


@pytest.mark.parametrize("order", ["budget-first", "actual-first"])
def test_three_public_horizontal_final_accounts(tmp_path, order):
    groups = [("预算数", BUDGET_VALUES), ("决算数", ACTUAL_VALUES)]
    if order == "actual-first":
        groups.reverse()
    top = sum(([g] + [""] * 5 for g, _ in groups), [])
    table = [top, ITEMS * 2, SUB_ITEMS * 2, sum((v for _, v in groups), [])]
    doc = parse_file(tmp_path, "r.txt", three_public_doc(table, kind="部门决算", year=2024))
    assert doc["three_public"] == as_dict(ACTUAL_VALUES)
    assert doc["three_public_budget"] == as_dict(BUDGET_VALUES)


@pytest.mark.parametrize("year", [2025, 2026])
def test_three_public_two_budget_years(tmp_path, year):
    """2025年预算数 | 2026年预算数: the document year's group."""
    other = ["11.00", "1.00", "8.00", "", "8.00", "2.00"]
    values = {2025: other, 2026: BUDGET_VALUES}
    top = ["2025年预算数"] + [""] * 5 + ["2026年预算数"] + [""] * 5
    table = [top, ITEMS * 2, SUB_ITEMS * 2, values[2025] + values[2026]]
    doc = parse_file(tmp_path, "r.txt", three_public_doc(table, year=year))
    assert doc["year"] == year
    assert doc["three_public"] == as_dict(values[year])


@pytest.mark.parametrize("year", [2025, 2026])
def test_three_public_vertical_two_budget_years(tmp_path, year):
    other = ["11.00", "1.00", "8.00", "", "8.00", "2.00"]
    table = [["项目", "2025年预算数", "2026年预算数", "增减"]]
    for label, a, b in zip(VERTICAL_LABELS, other, BUDGET_VALUES):
        table.append([label, a, b, ""])
    doc = parse_file(tmp_path, "r.txt", three_public_doc(table, year=year))
    assert doc["three_public"] == as_dict(other if year == 2025 else BUDGET_VALUES)


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


# ============================================================ 6. economic classification tables

# (部门 code, name, 政府 code, name, total, personnel, public)
ECONOMIC = [
    ("30101", "基本工资", "50101", "工资奖金津补贴", "65.89", "65.89", ""),
    ("30102", "津贴补贴", "50101", "工资奖金津补贴", "36.51", "36.51", ""),
    ("30302", "退休费", "50905", "离退休费", "0.13", "0.13", ""),
    ("30201", "办公费", "50201", "办公经费", "2.30", "", "2.30"),
    ("31002", "办公设备购置", "50306", "设备购置", "2.00", "", "2.00"),
]
ECONOMIC_TOTAL = ("106.83", "102.53", "4.30")


def economic_doc(table: list[list[str]], name: str = "一般公共预算基本支出表") -> str:
    return text([title(), name, "部门名称：XX县卫生健康局", "单位：万元", table])


def assert_economic(doc: dict) -> None:
    lines = lines_by_code(doc, "economic_lines")
    assert list(lines) == [row[0] for row in ECONOMIC]
    for code, name, _g, _gn, total, personnel, public in ECONOMIC:
        line = lines[code]
        assert line["name"] == name
        assert (line["total"], line["personnel"], line["public"]) == (
            D(total), D(personnel) if personnel else None, D(public) if public else None
        ), code
    assert doc["totals"]["personnel"] == D(ECONOMIC_TOTAL[1])
    assert doc["totals"]["public"] == D(ECONOMIC_TOTAL[2])


@pytest.mark.parametrize("side", ["department-left", "government-left"])
def test_economic_table_with_both_classifications(tmp_path, side):
    dept = ["部门预算支出经济分类科目", ""]
    gov = ["政府预算支出经济分类科目", ""]
    heads = ["科目编码", "科目名称", "科目编码", "科目名称", "合计", "人员经费", "公用经费"]
    table = [
        (dept + gov if side == "department-left" else gov + dept) + ["本年一般公共预算基本支出", "", ""],
        heads,
        ["合计", "", "", "", *ECONOMIC_TOTAL],
    ]
    for code, name, gcode, gname, total, personnel, public in ECONOMIC:
        codes = [code, name, gcode, gname] if side == "department-left" else [gcode, gname, code, name]
        table.append(codes + [total, personnel, public])
    doc = parse_file(tmp_path, "r.txt", economic_doc(table))
    assert_economic(doc)


def test_economic_table_with_split_class_columns_for_both_classifications(tmp_path):
    table = [
        ["部门预算支出经济分类科目", "", "", "政府预算支出经济分类科目", "", "", "合计", "人员经费", "公用经费"],
        ["类", "款", "科目名称", "类", "款", "科目名称", "", "", ""],
        ["", "", "合计", "", "", "", *ECONOMIC_TOTAL],
    ]
    for code, name, gcode, gname, total, personnel, public in ECONOMIC:
        table.append([code[:3], code[3:], name, gcode[:3], gcode[3:], gname, total, personnel, public])
    doc = parse_file(tmp_path, "r.txt", economic_doc(table))
    assert_economic(doc)


def group_rows() -> list[list[str]]:
    """公开06表: 人员经费 and 公用经费 side by side, each with its own codes."""
    personnel = [("301", "工资福利支出", "102.40"), ("30101", "基本工资", "65.89"), ("30102", "津贴补贴", "36.51"),
                 ("303", "对个人和家庭的补助", "0.13"), ("30302", "退休费", "0.13")]
    public = [("302", "商品和服务支出", "2.30"), ("30201", "办公费", "2.30"), ("310", "资本性支出", "2.00"),
              ("31002", "办公设备购置", "2.00")]
    rows = [["人员经费", "", "", "公用经费", "", ""], ["科目编码", "科目名称", "决算数"] * 2]
    for i in range(max(len(personnel), len(public))):
        left = list(personnel[i]) if i < len(personnel) else ["", "", ""]
        right = list(public[i]) if i < len(public) else ["", "", ""]
        rows.append(left + right)
    rows.append(["人员经费合计", "", "102.53", "公用经费合计", "", "4.30"])
    return rows


@pytest.mark.parametrize("fmt", ["txt", "xlsx"])
def test_personnel_and_public_groups_side_by_side(tmp_path, fmt):
    rows = group_rows()
    if fmt == "txt":
        data = text([title(year=2024, kind="部门决算"), "一般公共预算财政拨款基本支出决算表", "公开06表",
                     "部门：XX县卫生健康局", "金额单位：万元", rows])
    else:
        head = [["一般公共预算财政拨款基本支出决算表", "", "", "", "", ""],
                ["部门：XX县卫生健康局", "", "2024年度", "", "", "金额单位：万元"]]
        data = workbook([Sheet("公开06表", head + rows, ["A1:F1", "A3:C3", "D3:F3"])])
    doc = parse_file(tmp_path, f"r.{fmt}", data)
    assert doc["kind"] == "final_accounts"
    lines = lines_by_code(doc, "economic_lines")
    assert set(lines) == {"301", "30101", "30102", "303", "30302", "302", "30201", "310", "31002"}
    assert lines["30102"]["personnel"] == D("36.51") and lines["30102"]["public"] is None
    assert lines["31002"]["public"] == D("2.00") and lines["31002"]["personnel"] is None
    assert lines["303"]["personnel"] == D("0.13")
    assert doc["totals"]["personnel"] == D("102.53")
    assert doc["totals"]["public"] == D("4.30")


# ============================================================ 7. identity

SMALL_TABLE = [
    ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
    ["", "合计", "30.00", "30.00", ""],
    ["210", "卫生健康支出", "30.00", "30.00", ""],
]


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
    parts = ["2025年部门预算支出总表", line, "预算年度：2025", "单位：万元", SMALL_TABLE]
    doc = parse_file(tmp_path, "r.txt", text(parts))
    assert doc["agency"] == agency
    assert doc["year"] == 2025


def test_unit_line_is_not_an_agency(tmp_path):
    """'单位：万元' names the money unit; the agency is on another line."""
    parts = ["部门预算支出总表", "单位：万元", "部门：XX县民政局", "预算年度：2025", SMALL_TABLE]
    doc = parse_file(tmp_path, "r.txt", text(parts))
    assert doc["agency"] == "XX县民政局"
    assert doc["unit_scale"] == "万元"


def test_unit_line_alone_gives_no_agency(tmp_path):
    """No agency anywhere: parsed all the same, and the agency is named unknown."""
    parts = ["2025年部门预算支出总表", "单位：万元", SMALL_TABLE]
    doc = parse_file(tmp_path, "r.txt", text(parts))
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
    doc = parse_file(tmp_path, "r.txt", text(lines + ["单位：万元", SMALL_TABLE]))
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
    doc = parse_file(tmp_path, "r.txt", text([heading, table_title, "单位：万元", SMALL_TABLE]))
    assert (doc["agency"], doc["kind"], doc["scope"]) == ("XX县水利局", kind, scope)


def test_unit_marker_gives_unit_scope_in_a_workbook(tmp_path):
    rows = [["一般公共预算支出表", "", "", "", ""],
            ["编制单位：XX市教育局（本级）", "", "预算年度：2025", "", "单位：万元"]] + SMALL_TABLE
    doc = parse_file(tmp_path, "r.xlsx", workbook([Sheet("表5", rows, ["A1:E1"])]))
    assert (doc["agency"], doc["year"], doc["kind"], doc["scope"]) == ("XX市教育局", 2025, "budget", "unit")


@pytest.mark.parametrize("fmt", ["xlsx", "txt"])
def test_a_sales_workbook_is_not_a_report(tmp_path, fmt):
    rows = [
        ["2025年门店销售统计表", "", ""],
        ["单位：元", "", ""],
        ["门店", "销售额", "同比"],
        ["一店", "1,234,567.89", "3%"],
        ["二店", "234,567.00", "-1%"],
        ["合计", "1,469,134.89", ""],
    ]
    data = workbook([Sheet("销售", rows)]) if fmt == "xlsx" else text(rows[:2] + [rows[2:]])
    with pytest.raises(NotAReportError):
        parse_file(tmp_path, f"sales.{fmt}", data)


def test_gbk_text_report(tmp_path):
    parts = ["XX县水利局2025年部门预算", "部门预算支出总表", "单位：元",
             [["科目编码", "科目名称", "合计"], ["", "合计", "1,234,567.89"], ["213", "农林水支出", "1,234,567.89"]]]
    doc = parse_file(tmp_path, "r.txt", text(parts), encoding="gbk")
    assert doc["agency"] == "XX县水利局"
    assert lines_by_code(doc)["213"]["total"] == D("123.456789")


@pytest.mark.parametrize("marker", ["", "（本级）"])
def test_agency_printed_alone_in_text(tmp_path, marker):
    parts = ["2025年部门预算支出总表", f"XX县卫生健康局{marker}", "单位：万元", SMALL_TABLE]
    doc = parse_file(tmp_path, "r.txt", text(parts))
    assert doc["agency"] == "XX县卫生健康局"
    assert lines_by_code(doc)["210"]["total"] == D("30.00")


def test_agency_printed_alone_in_the_unit_row_of_a_sheet(tmp_path):
    rows = [["2025年部门预算支出总表", "", "", "", ""], ["XX县卫生健康局", "", "", "", "单位：万元"]] + SMALL_TABLE
    doc = parse_file(tmp_path, "r.xlsx", workbook([Sheet("Sheet1", rows, ["A1:E1"])]))
    assert doc["agency"] == "XX县卫生健康局"
    assert doc["tables"][0]["kind"] == "expenditure"
    assert lines_by_code(doc)["210"]["basic"] == D("30.00")


def test_a_year_in_a_narrative_sentence_does_not_outvote_the_title(tmp_path):
    parts = [
        "XX县卫生健康局2024年度部门决算",
        "一、部门概况",
        "2024年度，我局认真落实2025年预算编制要求，加强预算管理。",
        "支出决算表",
        "部门：XX县卫生健康局",
        "单位：万元",
        SMALL_TABLE,
    ]
    doc = parse_file(tmp_path, "r.txt", text(parts))
    assert (doc["year"], doc["kind"]) == (2024, "final_accounts")


# ============================================================ 8. tables continued across pages

CONT_HEAD = [["科目编码", "科目名称", "合计", "基本支出", "项目支出"], ["栏次", "", "1", "2", "3"]]
CONT_ROWS = [
    ["", "合计", "145.38", "141.38", "4.00"],
    ["208", "社会保障和就业支出", "125.38", "121.38", "4.00"],
    ["20805", "行政事业单位养老支出", "121.38", "121.38", ""],
    ["2080505", "机关事业单位基本养老保险缴费支出", "121.38", "121.38", ""],
    ["20899", "其他社会保障和就业支出", "4.00", "", "4.00"],
    ["2089999", "其他社会保障和就业支出", "4.00", "", "4.00"],
    ["210", "卫生健康支出", "20.00", "20.00", ""],
    ["21011", "行政事业单位医疗", "20.00", "20.00", ""],
    ["2101101", "行政单位医疗", "20.00", "20.00", ""],
]
CONT_CODES = ["208", "20805", "2080505", "20899", "2089999", "210", "21011", "2101101"]


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
    rows = SPLIT_ROWS["new-level"]
    first = SPLIT_HEAD + [["", "", "", "合计", "145.38", "141.38", "4.00"]] + [list(r) for r in rows[:3]]
    second = SPLIT_HEAD + [list(r) for r in rows[3:]]
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


def test_three_public_last_year_column_is_not_this_years(tmp_path):
    other = ["11.00", "1.00", "8.00", "", "8.00", "2.00"]
    table = [["项目", "上年预算数", "本年预算数"]]
    for label, a, b in zip(VERTICAL_LABELS, other, BUDGET_VALUES):
        table.append([label, a, b])
    doc = parse_file(tmp_path, "r.txt", three_public_doc(table))
    assert doc["three_public"] == as_dict(BUDGET_VALUES)


def test_three_public_horizontal_reads_the_total_row_of_several_units(tmp_path):
    table = [
        ["单位名称"] + ITEMS,
        [""] + SUB_ITEMS,
        ["XX县卫生健康局本级", "1.00", "0.00", "1.00", "", "1.00", ""],
        ["XX县疾病预防控制中心", "2.00", "0.00", "1.00", "", "1.00", "1.00"],
        ["合计", "3.00", "0.00", "2.00", "", "2.00", "1.00"],
    ]
    doc = parse_file(tmp_path, "r.txt", three_public_doc(table))
    assert doc["three_public"] == as_dict(["3.00", "0.00", "2.00", "", "2.00", "1.00"])


@pytest.mark.parametrize("order", ["budget-first", "actual-first"])
def test_three_public_horizontal_with_budget_and_actual_rows(tmp_path, order):
    rows = [["年初预算数"] + BUDGET_VALUES, ["决算数"] + ACTUAL_VALUES]
    if order == "actual-first":
        rows.reverse()
    table = [["项目"] + ITEMS, [""] + SUB_ITEMS] + rows
    doc = parse_file(tmp_path, "r.txt", three_public_doc(table, kind="部门决算", year=2024))
    assert doc["three_public"] == as_dict(ACTUAL_VALUES)
    assert doc["three_public_budget"] == as_dict(BUDGET_VALUES)


# ============================================================ money units


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
    doc = parse_file(tmp_path, "r.txt", text([title(), "部门预算支出总表", line, table]))
    assert doc["unit_scale"] == scale
    assert doc["totals"]["expenditure_total"] == value
    assert lines_by_code(doc)["210"]["total"] == value


def test_summary_with_income_and_expenditure_in_one_label_column(tmp_path):
    """支出 rows printed under the 收入 rows, one 项目 | 预算数 pair."""
    table = [
        ["项目", "预算数"],
        ["一、一般公共预算拨款收入", "100.00"],
        ["本年收入合计", "100.00"],
        ["上年结转", "30.00"],
        ["收入总计", "130.00"],
        ["一、卫生健康支出", "120.00"],
        ["本年支出合计", "120.00"],
        ["年末结转和结余", "10.00"],
        ["支出总计", "130.00"],
    ]
    doc = parse_file(tmp_path, "r.txt", text([title(), "部门预算收支总表", "单位：万元", table]))
    t = doc["totals"]
    assert (t["revenue_total"], t["expenditure_total"], t["grand_total"]) == (D("100.00"), D("120.00"), D("130.00"))
    assert (t["carryover_begin"], t["carryover_end"]) == (D("30.00"), D("10.00"))


@pytest.mark.parametrize("heading", ["功能分类科目", "科目编码及名称", "项目"])
def test_code_and_name_in_one_cell(tmp_path, heading):
    table = [
        [heading, "合计", "基本支出", "项目支出"],
        ["合计", "50.00", "30.00", "20.00"],
        ["210 卫生健康支出", "50.00", "30.00", "20.00"],
        ["21011 行政事业单位医疗", "30.00", "30.00", ""],
        ["2101101行政单位医疗", "30.00", "30.00", ""],
        ["21004-公共卫生", "20.00", "", "20.00"],
        ["【2100409】重大公共卫生服务", "20.00", "", "20.00"],
    ]
    doc = parse_file(tmp_path, "r.txt", text([title(), "部门预算支出总表", "单位：万元", table]))
    lines = lines_by_code(doc)
    assert list(lines) == ["210", "21011", "2101101", "21004", "2100409"]
    assert lines["2101101"]["name"] == "行政单位医疗"
    assert lines["2100409"]["name"] == "重大公共卫生服务"
    assert lines["21011"]["basic"] == D("30.00")
    assert doc["totals"]["expenditure_total"] == D("50.00")
    assert doc["totals"]["project"] == D("20.00")


# ============================================================ last year's figures beside this year's

PERIOD_TABLES = {
    "year-columns": [
        ["科目编码", "科目名称", "2024年预算数", "2025年预算数", "", "", "增减%"],
        ["", "", "", "小计", "基本支出", "项目支出", ""],
        ["", "合计", "40.00", "50.00", "30.00", "20.00", "25%"],
        ["210", "卫生健康支出", "40.00", "50.00", "30.00", "20.00", "25%"],
    ],
    "year-groups": [
        ["科目编码", "科目名称", "2024年预算数", "", "", "2025年预算数", "", ""],
        ["", "", "小计", "基本支出", "项目支出", "小计", "基本支出", "项目支出"],
        ["", "合计", "40.00", "35.00", "5.00", "50.00", "30.00", "20.00"],
        ["210", "卫生健康支出", "40.00", "35.00", "5.00", "50.00", "30.00", "20.00"],
    ],
    "last-year-executed": [
        ["科目编码", "科目名称", "上年执行数", "本年预算数", "", ""],
        ["", "", "", "合计", "基本支出", "项目支出"],
        ["", "合计", "40.00", "50.00", "30.00", "20.00"],
        ["210", "卫生健康支出", "40.00", "50.00", "30.00", "20.00"],
    ],
}


@pytest.mark.parametrize("layout", list(PERIOD_TABLES))
def test_function_table_with_last_years_figures(tmp_path, layout):
    doc = parse_file(tmp_path, "r.txt", text([title(), "部门预算支出总表", "单位：万元", PERIOD_TABLES[layout]]))
    line = lines_by_code(doc)["210"]
    assert (line["total"], line["basic"], line["project"]) == (D("50.00"), D("30.00"), D("20.00"))
    assert doc["totals"]["expenditure_total"] == D("50.00")
    assert doc["totals"]["basic"] == D("30.00")


def test_summary_with_last_years_column(tmp_path):
    table = [
        ["收入", "", "", "支出", "", ""],
        ["项目", "2024年预算数", "2025年预算数", "项目", "2024年预算数", "2025年预算数"],
        ["一、一般公共预算拨款收入", "90.00", "100.00", "一、卫生健康支出", "90.00", "100.00"],
        ["本年收入合计", "90.00", "100.00", "本年支出合计", "90.00", "100.00"],
        ["收入总计", "90.00", "100.00", "支出总计", "90.00", "100.00"],
    ]
    doc = parse_file(tmp_path, "r.txt", text([title(), "部门预算收支总表", "单位：万元", table]))
    t = doc["totals"]
    assert (t["revenue_total"], t["expenditure_total"], t["grand_total"]) == (D("100.00"), D("100.00"), D("100.00"))


def not_an_amount(doc: dict) -> list[tuple[str, int]]:
    return [(f["message"].rsplit("：", 1)[-1], f["row"]) for f in doc["findings"] if f["rule"] == "parse.not_an_amount"]


def test_text_in_summary_amount_cells_is_flagged(tmp_path):
    table = [r[:] for r in BUDGET_SUMMARY_NO_REVENUE_TOTAL]
    table.insert(4, ["本年收入合计", "见附表", "本年支出合计", "详见说明"])
    doc = parse_file(tmp_path, "r.txt", text([title(), "部门预算收支总表", "单位：万元", table]))
    assert doc["totals"]["revenue_total"] is None and doc["totals"]["expenditure_total"] is None
    assert doc["totals"]["grand_total"] == D("130.00")
    assert not_an_amount(doc) == [("'见附表'", 4), ("'详见说明'", 4)]


def test_text_in_a_three_public_total_row_is_flagged(tmp_path):
    """The 合计 row holds no amount, so nothing but its label says it is a body row."""
    values = ["见附表", "0.00", "10.00", "", "10.00", "2.00"]
    table = [["项目", "预算数"]] + [[label, v] for label, v in zip(VERTICAL_LABELS, values)]
    doc = parse_file(tmp_path, "r.txt", three_public_doc(table))
    assert doc["three_public"]["total"] is None
    assert doc["three_public"]["vehicle_operation"] == D("10.00")
    assert not_an_amount(doc) == [("'见附表'", 1)]


def test_text_in_an_economic_amount_cell_is_flagged(tmp_path):
    table = [
        ["科目编码", "科目名称", "合计", "人员经费", "公用经费"],
        ["", "合计", "10.00", "8.00", "2.00"],
        ["30101", "基本工资", "8.00", "8.00", ""],
        ["30201", "办公费", "另行核定", "", "另行核定"],
    ]
    doc = parse_file(tmp_path, "r.txt", economic_doc(table))
    line = lines_by_code(doc, "economic_lines")["30201"]
    assert (line["total"], line["personnel"], line["public"]) == (None, None, None)
    assert not_an_amount(doc) == [("'另行核定'", 3), ("'另行核定'", 3)]  # the 合计 and 公用经费 cells


@pytest.mark.parametrize(
    "cell, value",
    [("１２３．４５", D("123.45")), ("1，234.00", D("1234.00")), ("123.45万元", D("123.45")),
     ("1,234,500元", D("123.45")), ("－12.00", D("-12.00")), ("(12.00)", D("-12.00"))],
)
def test_amount_spellings(tmp_path, cell, value):
    table = [["科目编码", "科目名称", "合计"], ["210", "卫生健康支出", cell]]
    doc = parse_file(tmp_path, "r.txt", text([title(), "部门预算支出总表", "单位：万元", table]))
    assert lines_by_code(doc)["210"]["total"] == value
    assert not_an_amount(doc) == []


# ============================================================ wrapped cells


def test_a_wrapped_name_in_a_function_table_is_joined(tmp_path):
    table = [
        ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
        ["", "合计", "4386.00", "", "4386.00"],
        ["2101202", "财政对城乡居民基本医疗保", "4386.00", "", "4386.00"],
        ["", "险基金的补助", "", "", ""],
        ["", "其中：", "", "", ""],
        ["2101301", "城乡医疗救助", "0.00", "", "0.00"],
    ]
    doc = parse_file(tmp_path, "r.txt", text([title(), "部门预算支出总表", "单位：万元", table]))
    lines = lines_by_code(doc)
    assert lines["2101202"]["name"] == "财政对城乡居民基本医疗保险基金的补助"
    assert lines["2101202"]["row"] == 2
    assert lines["2101301"]["name"] == "城乡医疗救助"


def test_a_wrapped_name_in_an_economic_group_is_joined(tmp_path):
    rows = group_rows()
    rows.insert(4, ["", "", "", "", "", ""])
    rows[3][4], rows[4][4] = "办公", "费"
    rows[4][1] = ""
    doc = parse_file(tmp_path, "r.txt", text([title(year=2024, kind="部门决算"), "一般公共预算财政拨款基本支出决算表",
                                               "部门：XX县卫生健康局", "单位：万元", rows]))
    lines = lines_by_code(doc, "economic_lines")
    assert lines["30201"]["name"] == "办公费"
    assert lines["30101"]["name"] == "基本工资"


# ============================================================ totals only from tables that cover them

SUMMARY_WITH_OTHER_FUNDS = [
    ["收入", "", "支出", ""],
    ["项目", "预算数", "项目", "预算数"],
    ["一、一般公共预算拨款收入", "100.00", "一、卫生健康支出", "120.00"],
    ["二、事业收入", "20.00", "", ""],
    ["收入总计", "120.00", "支出总计", "120.00"],
]
GPB_TABLE = [
    ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
    ["", "合计", "100.00", "80.00", "20.00"],
    ["210", "卫生健康支出", "100.00", "80.00", "20.00"],
]


def test_a_general_public_budget_table_is_not_the_whole_department(tmp_path):
    """With 事业收入 beside the 一般公共预算 money, the 一般公共预算支出表's
    合计/基本支出/项目支出 are only part of the department's."""
    parts = [title(), "部门预算收支总表", "单位：万元", SUMMARY_WITH_OTHER_FUNDS,
             "一般公共预算支出表", "单位：万元", GPB_TABLE]
    doc = parse_file(tmp_path, "r.txt", text(parts))
    assert lines_by_code(doc)["210"]["total"] == D("100.00")  # the lines say which table they are from
    assert doc["totals"]["basic"] is None and doc["totals"]["project"] is None
    assert doc["totals"]["expenditure_total"] is None
    assert not {"basic", "project", "expenditure_total"} & set(doc["sources"]["totals"])


def test_a_general_public_budget_table_that_is_all_the_money(tmp_path):
    summary = [
        ["收入", "", "支出", ""],
        ["项目", "预算数", "项目", "预算数"],
        ["一、一般公共预算拨款收入", "100.00", "一、卫生健康支出", "100.00"],
        ["本年收入合计", "100.00", "本年支出合计", "100.00"],
        ["收入总计", "100.00", "支出总计", "100.00"],
    ]
    parts = [title(), "部门预算收支总表", "单位：万元", summary, "一般公共预算支出表", "单位：万元", GPB_TABLE]
    doc = parse_file(tmp_path, "r.txt", text(parts))
    assert (doc["totals"]["basic"], doc["totals"]["project"]) == (D("80.00"), D("20.00"))
    assert doc["sources"]["totals"]["basic"]["table"] == "一般公共预算支出表"


def test_an_income_table_total_is_not_the_expenditure_total(tmp_path):
    income = [
        ["科目编码", "科目名称", "合计", "一般公共预算拨款收入", "事业收入"],
        ["", "合计", "120.00", "100.00", "20.00"],
        ["210", "卫生健康支出", "120.00", "100.00", "20.00"],
    ]
    parts = [title(), "部门预算收支总表", "单位：万元", SUMMARY_WITH_OTHER_FUNDS, "部门预算收入总表", "单位：万元", income]
    doc = parse_file(tmp_path, "r.txt", text(parts))
    assert doc["totals"]["revenue_total"] == D("120.00")
    assert doc["totals"]["expenditure_total"] is None


@pytest.mark.parametrize("year", [2024, 2025])
def test_three_public_year_only_headings(tmp_path, year):
    """Columns or rows headed just '2024年' / '2025年'."""
    other = ["11.00", "1.00", "8.00", "", "8.00", "2.00"]
    values = {2024: other, 2025: BUDGET_VALUES}
    vertical = [["项目", "2024年", "2025年"]] + [[l, a, b] for l, a, b in zip(VERTICAL_LABELS, other, BUDGET_VALUES)]
    horizontal = [["年度"] + ITEMS, [""] + SUB_ITEMS, ["2024年"] + other, ["2025年"] + BUDGET_VALUES]
    for table in (vertical, horizontal):
        doc = parse_file(tmp_path, "r.txt", three_public_doc(table, year=year))
        assert doc["three_public"] == as_dict(values[year])


def test_a_subtotal_heading_under_project_expenditure_stays_a_heading(tmp_path):
    table = [
        ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
        ["", "", "", "", "小计"],
        ["", "合计", "30.00", "20.00", "10.00"],
        ["210", "卫生健康支出", "30.00", "20.00", "10.00"],
    ]
    doc = parse_file(tmp_path, "r.txt", text([title(), "部门预算支出总表", "单位：万元", table]))
    line = lines_by_code(doc)["210"]
    assert (line["total"], line["basic"], line["project"]) == (D("30.00"), D("20.00"), D("10.00"))
    assert doc["totals"]["expenditure_total"] == D("30.00")


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
