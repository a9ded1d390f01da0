"""Layouts of other provinces (issue 9, point 2): each variant is built as a
small document and parsed the way an upload is."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pipeline import parse_bytes
from tabledata import table as table_rows
from tabledata import tables
from variants import text

D = Decimal
TABLES = tables("layouts")


def parse_text(tmp_path: Path, parts: list, name: str = "r.txt") -> dict:
    path = tmp_path / name
    path.write_text(text(parts), encoding="utf-8")
    return parse_bytes(path.read_bytes(), path.name)


HEAD = ["某市信访局2026年部门预算"]


def test_grand_total_labelled_income_total_below_the_carryover(tmp_path):
    """泉州: 本年收入合计, 上年结转结余, then 收入合计 = the grand total."""
    summary = TABLES["summary_quanzhou"]
    doc = parse_text(tmp_path, HEAD + ["2026年度收支预算总表", "单位：万元", summary])
    t = doc["totals"]
    assert (t["revenue_total"], t["carryover_begin"], t["grand_total"]) == (D("73606.56"), D("7600.00"), D("81206.56"))
    assert t["expenditure_total"] == D("81206.56")
    assert doc["sources"]["totals"]["grand_total"]["row"] == 6


def test_one_total_and_no_carryover_is_also_the_grand_total(tmp_path):
    """重庆 表一: one 合计 per side at the top, no carry-over lines."""
    summary = TABLES["summary_chongqing"]
    doc = parse_text(tmp_path, HEAD + ["表一", "2026年部门收支总体情况表", "单位：万元", summary])
    assert doc["totals"]["grand_total"] == D("19230.18")


def test_a_summary_with_carryover_but_no_grand_total_leaves_it_unknown(tmp_path):
    summary = TABLES["summary_carryover_no_grand_total"]
    doc = parse_text(tmp_path, HEAD + ["部门收支总表", "单位：万元", summary])
    assert doc["totals"]["revenue_total"] == D("100.00")
    assert doc["totals"]["grand_total"] is None


# ============================================================ PDF tables without rules, and a grid that lost a rule

from pdfgen import cjk_pdf, line_op, right_text_op, text_op  # noqa: E402

AGENCY = "长乐市信访局"
# (code, name, total, basic, project)
LINES = [tuple(row) for row in TABLES["pdf_lines"]]
COLS = [50, 130, 330, 450, 570, 690]  # left edges of 科目编码 … 项目支出, then the right edge
HEADINGS = ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]


def _cover() -> bytes:
    return text_op(300, 400, f"{AGENCY}2026年部门预算", 18)


def _table_page(rules: str) -> bytes:
    """The 支出总表: ``rules`` 'none' (no rules at all), 'full', or 'lost'
    (the rule between 基本支出 and 项目支出 drawn through the heading only)."""
    out = text_op(300, 540, "2026年部门支出总体情况表", 14) + text_op(50, 515, f"部门名称：{AGENCY}") + text_op(620, 515, "单位：万元")
    top, h = 500, 20
    ys = [top - h * i for i in range(len(LINES) + 2)]
    for c, word in enumerate(HEADINGS):
        out += text_op(COLS[c] + 4, ys[0] - 14, word)
    for r, line in enumerate(LINES, start=1):
        code, name, *amounts = line
        out += text_op(COLS[0] + 4, ys[r] - 14, code) + text_op(COLS[1] + 4, ys[r] - 14, name)
        for k, amount in enumerate(amounts):
            if amount:
                out += right_text_op(COLS[2 + k + 1] - 4, ys[r] - 14, amount)
    if rules == "none":
        return out
    for y in ys:
        out += line_op(COLS[0], y, COLS[-1], y)
    for k, x in enumerate(COLS):
        bottom = ys[1] if (rules == "lost" and k == 4) else ys[-1]
        out += line_op(x, ys[0], x, bottom)
    return out


def _parse_pdf(tmp_path: Path, rules: str) -> dict:
    path = tmp_path / "report.pdf"
    path.write_bytes(cjk_pdf([_cover(), _table_page(rules)]))
    return parse_bytes(path.read_bytes(), path.name)


def _lines(doc: dict) -> list[tuple]:
    return [(l["code"], l["total"], l["basic"], l["project"]) for l in doc["function_lines"]]


EXPECTED_LINES = [
    ("201", D("1935.36"), D("1517.95"), D("417.41")),
    ("20140", D("1935.36"), D("1517.95"), D("417.41")),
    ("2014001", D("1517.95"), D("1517.95"), None),
    ("2014004", D("417.41"), None, D("417.41")),
]


def test_ruled_table_reads_and_verifies(tmp_path):
    doc = _parse_pdf(tmp_path, "full")
    assert _lines(doc) == EXPECTED_LINES
    table = next(t for t in doc["tables"] if t["kind"] == "expenditure")
    assert table["strategy"] == "ruled"
    assert table["verification"]["checked"] and table["verification"]["holds"]


def test_table_without_rules_is_read_from_word_positions(tmp_path):
    doc = _parse_pdf(tmp_path, "none")
    assert doc["agency"] == AGENCY and doc["year"] == 2026
    assert _lines(doc) == EXPECTED_LINES
    assert doc["totals"]["expenditure_total"] == D("1935.36")
    table = next(t for t in doc["tables"] if t["kind"] == "expenditure")
    assert table["strategy"] == "aligned"
    assert table["verification"]["holds"] is True


def test_grid_that_lost_a_rule_is_read_again_by_alignment(tmp_path):
    """The ruled reading puts 基本支出 and 项目支出 into one cell ('1,517.95 417.41'),
    so the table's arithmetic cannot hold; the reading by alignment is kept."""
    doc = _parse_pdf(tmp_path, "lost")
    assert _lines(doc) == EXPECTED_LINES
    table = next(t for t in doc["tables"] if t["kind"] == "expenditure")
    assert table["strategy"] == "aligned"
    assert table["verification"]["holds"] is True
    assert table["verification"]["strategies_tried"] == ["ruled", "aligned"]
    assert not [f for f in doc["findings"] if f["rule"] == "extract.unverified"]


# ============================================================ identity that the document does not give

SUMMARY_ONLY = [
    ["收入", "", "支出", ""],
    ["项目", "预算数", "项目", "预算数"],
    ["一、一般公共预算拨款收入", "100.00", "一、卫生健康支出", "100.00"],
    ["本年收入合计", "100.00", "本年支出合计", "100.00"],
]


def test_a_report_without_its_agency_is_parsed_and_says_what_is_unknown(tmp_path):
    doc = parse_text(tmp_path, ["2026年部门预算", "部门收支总表", "单位：万元", SUMMARY_ONLY], name="报表.txt")
    assert doc["agency"] is None and doc["year"] == 2026 and doc["kind"] == "budget"
    assert doc["unknown"] == ["agency"]
    assert doc["totals"]["expenditure_total"] == D("100.00")


def test_identity_given_by_the_user_wins(tmp_path):
    path = tmp_path / "报表.txt"
    path.write_text(text(["2026年部门预算", "部门收支总表", "单位：万元", SUMMARY_ONLY]), encoding="utf-8")
    doc = parse_bytes(path.read_bytes(), path.name, identity={"agency": "某县卫生健康局", "year": 2025})
    assert (doc["agency"], doc["year"], doc["unknown"], doc["identity_given"]) == ("某县卫生健康局", 2025, [], ["agency", "year"])


def test_a_narrative_whose_tables_are_in_another_file_is_a_report(tmp_path):
    parts = [
        "某县卫生健康局2026年部门预算情况说明",
        "一、收支预算总体情况",
        "2026年收入预算总计1,234.56万元，其中一般公共预算拨款收入1,200.00万元。",
        "2026年支出预算总计1,234.56万元，其中基本支出1,000.00万元，项目支出234.56万元。",
    ]
    doc = parse_text(tmp_path, parts, name="情况说明.txt")
    assert (doc["agency"], doc["year"], doc["kind"]) == ("某县卫生健康局", 2026, "budget")
    assert doc["function_lines"] == [] and doc["tables"] == []


def test_a_file_with_nothing_of_a_disclosure_is_refused_saying_what_was_looked_for(tmp_path):
    import pytest

    from loaders.errors import NotAReportError

    with pytest.raises(NotAReportError) as exc:
        parse_text(tmp_path, ["济南市审计局政府信息公开申请表", "姓名", "工作单位", "2026年部门预算"], name="x.txt")
    assert "已查找" in exc.value.message()


# ============================================================ tables without a title

UNTITLED_SUMMARY = TABLES["untitled_summary"]
UNTITLED_EXPENDITURE = table_rows("shared", "health_expenditure")
UNTITLED_THREE_PUBLIC = [
    ["合计", "因公出国（境）费", "公务用车购置及运行费", "", "", "公务接待费"],
    ["", "", "小计", "公务用车购置费", "公务用车运行费", ""],
    ["3.50", "0.00", "3.00", "", "3.00", "0.50"],
]


def test_tables_without_titles_are_recognised_by_their_headers_and_rows(tmp_path):
    parts = [
        "某县卫生健康局2026年部门预算",
        "单位：万元", UNTITLED_SUMMARY,
        "单位：万元", UNTITLED_EXPENDITURE,
        "单位：万元", UNTITLED_THREE_PUBLIC,
    ]
    doc = parse_text(tmp_path, parts)
    assert [t["kind"] for t in doc["tables"]] == ["summary", "expenditure", "three_public"]
    assert doc["totals"]["expenditure_total"] == D("120.00") and doc["totals"]["grand_total"] == D("120.00")
    assert [(l["code"], l["total"]) for l in doc["function_lines"]][:2] == [("210", D("120.00")), ("21011", D("100.00"))]
    assert doc["three_public"]["total"] == D("3.50") and doc["three_public"]["reception"] == D("0.50")
    assert all(t["verification"]["holds"] is not False for t in doc["tables"])


def test_an_untitled_table_of_something_else_stays_unknown(tmp_path):
    sales = [["门店", "销售额", "同比"], ["一店", "1,234,567.89", "3%"], ["二店", "234,567.00", "-1%"], ["合计", "1,469,134.89", ""]]
    doc = parse_text(tmp_path, ["某县卫生健康局2026年部门预算", "单位：万元", UNTITLED_SUMMARY, "单位：元", sales])
    assert [t["kind"] for t in doc["tables"]] == ["summary"]
