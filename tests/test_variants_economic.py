"""Economic (经济分类) tables in layouts the fixtures do not cover, built as
real files and parsed through ``pipeline.parse_bytes``.

Reports print the 部门 and 政府 classifications side by side (either first,
codes whole or split into 类/款), or the 人员经费 and 公用经费 groups side by
side with their own codes.  The printed rows are in
tests/data/tables/economic.txt.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from tabledata import table, tables
from variants import Sheet, lines_by_code, not_an_amount, parse_file, text, title, workbook

D = Decimal
TABLES = tables("economic")
# (部门 code, name, 政府 code, name, total, personnel, public)
ECONOMIC = TABLES["economic"]
ECONOMIC_TOTAL = ("106.83", "102.53", "4.30")


def economic_doc(rows: list[list[str]], name: str = "一般公共预算基本支出表") -> str:
    return text([title(), name, "部门名称：XX县卫生健康局", "单位：万元", rows])


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
    rows = [
        (dept + gov if side == "department-left" else gov + dept) + ["本年一般公共预算基本支出", "", ""],
        heads,
        ["合计", "", "", "", *ECONOMIC_TOTAL],
    ]
    for code, name, gcode, gname, total, personnel, public in ECONOMIC:
        codes = [code, name, gcode, gname] if side == "department-left" else [gcode, gname, code, name]
        rows.append(codes + [total, personnel, public])
    doc = parse_file(tmp_path, "r.txt", economic_doc(rows))
    assert_economic(doc)


def test_economic_table_with_split_class_columns_for_both_classifications(tmp_path):
    rows = [
        ["部门预算支出经济分类科目", "", "", "政府预算支出经济分类科目", "", "", "合计", "人员经费", "公用经费"],
        ["类", "款", "科目名称", "类", "款", "科目名称", "", "", ""],
        ["", "", "合计", "", "", "", *ECONOMIC_TOTAL],
    ]
    for code, name, gcode, gname, total, personnel, public in ECONOMIC:
        rows.append([code[:3], code[3:], name, gcode[:3], gcode[3:], gname, total, personnel, public])
    doc = parse_file(tmp_path, "r.txt", economic_doc(rows))
    assert_economic(doc)


@pytest.mark.parametrize("fmt", ["txt", "xlsx"])
def test_personnel_and_public_groups_side_by_side(tmp_path, fmt):
    rows = TABLES["groups"]
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


def test_a_wrapped_name_in_an_economic_group_is_joined(tmp_path):
    rows = table("economic", "groups")  # a copy: this test wraps one of its names
    rows.insert(4, ["", "", "", "", "", ""])
    rows[3][4], rows[4][4] = "办公", "费"
    rows[4][1] = ""
    doc = parse_file(tmp_path, "r.txt", text([title(year=2024, kind="部门决算"), "一般公共预算财政拨款基本支出决算表",
                                               "部门：XX县卫生健康局", "单位：万元", rows]))
    lines = lines_by_code(doc, "economic_lines")
    assert lines["30201"]["name"] == "办公费"
    assert lines["30101"]["name"] == "基本工资"


def test_text_in_an_economic_amount_cell_is_flagged(tmp_path):
    doc = parse_file(tmp_path, "r.txt", economic_doc(TABLES["text_in_amount"]))
    line = lines_by_code(doc, "economic_lines")["30201"]
    assert (line["total"], line["personnel"], line["public"]) == (None, None, None)
    assert not_an_amount(doc) == [("'另行核定'", 3), ("'另行核定'", 3)]  # the 合计 and 公用经费 cells
