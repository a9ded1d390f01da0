"""项目支出绩效目标表 printed as a list (one project per row, indicators written
as numbered text in one cell) and the 部门整体预算绩效目标申报表 form.

Golden values were read BY EYE off the rendered pages of the 广州 corpus files
(pdftoppm, 130–150 dpi): the 生态环境局 申报表 (1 page), the 政务服务和数据管理局
list (page 1) and the 生态环境局 list (pages 1–2).  The constructed documents
(tests/variants.py builders) test the same mechanisms on other layouts: a text
extraction whose list runs onto a second page with a project cut by the page
break, a workbook whose list goes on on a second sheet, and a 申报表 workbook
with merged cells.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from golden import SHARED
from pipeline import parse_bytes
from loaders.recognise.performance_list import parse_encoded_indicators
from tabledata import table as table_rows
from variants import Sheet, text, workbook

D = Decimal
CORPUS = SHARED / "corpus" / "files"
ECO_FORM = "005_广州__生态环境局_广州市生态环境局2026年部门整体预算绩效目标申报表.pdf.pdf"
GOV_FORM = "005_广州__政务服务和数据管理局_广州市政务服务和数据局2026年部门整体预算绩效目标申报表.pdf.pdf"
GOV_LIST = "005_广州__政务服务和数据管理局_广州市政务服务和数据管理局2026年项目支出绩效目标表（含转移支付项目）.pdf.pdf"
ECO_LIST = "005_广州__生态环境局_广州市生态环境局2026年项目支出绩效目标表（含转移支付项目）.pdf.pdf"

_cache: dict[str, dict] = {}


def corpus(name: str) -> dict:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"{path} not present")
    if name not in _cache:
        _cache[name] = parse_bytes(path.read_bytes(), path.name)
    return _cache[name]


def parse_file(tmp_path: Path, name: str, data: bytes | str) -> dict:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return parse_bytes(path.read_bytes(), path.name)


def by_level3(indicators: list[dict]) -> dict[str, dict]:
    return {i["level3"]: i for i in indicators}


def levels(ind: dict) -> tuple:
    return ind["level1"], ind["level2"], ind["target"]


# --------------------------------------------------------------------------- encoded indicator text


def test_encoded_indicators_of_both_spellings():
    # 生态环境局: '1.' then '2、', commas between levels, '；' before the values,
    # a period value holding commas and ending in '。', numbering that restarts
    text_ = (
        "1.1－产出指标，11－数量指标，项目专职环保员数\n量；实施周期指标值：≦核定人数，年度指标值：≦\n核定人数；"
        "2、1－产出指标，12－质量指标，专职环保员队伍管理规范化；实施周期指标值：考察是否符合规范，合规得满分，"
        "不合规不得分。年度指标值：是；1、2－效益指标，22－社会效益，环保信访投\n诉办结率；实施周期指标值：≥90%，年度指标值：≥\n95%;"
    )
    got = parse_encoded_indicators(text_)
    assert [(i["item"], i["level1"], i["level2"], i["level3"]) for i in got] == [
        (1, "产出指标", "数量指标", "项目专职环保员数量"),
        (2, "产出指标", "质量指标", "专职环保员队伍管理规范化"),
        (1, "效益指标", "社会效益", "环保信访投诉办结率"),
    ]
    assert (got[0]["period_target"], got[0]["target"]) == ("≦核定人数", "≦核定人数")
    assert (got[1]["period_target"], got[1]["target"]) == ("考察是否符合规范，合规得满分，不合规不得分", "是")
    assert (got[2]["period_target"], got[2]["target"], got[2]["operator"], got[2]["value"], got[2]["unit"]) == (
        "≥90%", "≥95%", "≥", D("95"), "%"
    )
    # 政务服务和数据管理局: '、' numbering, '；' between levels, ':' after the labels, '。' between items
    got = parse_encoded_indicators(
        "1、1-产出指标；11-数量指标；会议活动保障次数；实施周期指标值:\n每年≥20场；年度指标值:每年≥20场。2、1-产出指标；11-数量指\n"
        "标；汇聚数据量；实施周期指标值:≥10亿条；年度指标值:≥10亿条。3\n、4-成本指标；41-经济成本指标；资金使用合规率；"
        "实施周期指标值:100%；年度指标值:100%。"
    )
    assert [levels(i) + (i["level3"],) for i in got] == [
        ("产出指标", "数量指标", "每年≥20场", "会议活动保障次数"),
        ("产出指标", "数量指标", "≥10亿条", "汇聚数据量"),
        ("成本指标", "经济成本指标", "100%", "资金使用合规率"),
    ]
    # a value printed without the colon ('实施周期指标值》90%')
    (ind,) = parse_encoded_indicators("1.1－产出指标，13－时效指标，合同进度执行率；实施周期指标值》90%，年度指标值》90%")
    assert (ind["level3"], ind["target"], ind["period_target"]) == ("合同进度执行率", "》90%", "》90%")
    assert parse_encoded_indicators("通过开展巡查，提升监管水平。") == []


# --------------------------------------------------------------------------- constructed: list


LIST_TITLE = "XX市示范局2025年项目支出绩效目标表（含转移支付项目）"
LIST_HEAD = ["项目名称（资金使用单位）", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标"]
IND_PATROL = (
    "1.1－产出指标，11－数量指标，巡查次数；实施周期指标值：≥24次，年度指标值：≥12次;"
    "2、2－效益指标，22－社会效益，投诉办结率；实施周期指标值：≥90%，年度指标值：≥95%;"
)
# the 系统运维经费 row is cut by the page break in the middle of its second item
IND_SYSTEM_1 = "1、1-产出指标；12-质量指标；验收合格率；实施周期指标值:100%；年度指标值:100%。2、3-满意度指标；31-服务对象满意度；群众满"
IND_SYSTEM_2 = "意度；实施周期指标值:≥85%；年度指标值:≥90%。3、4-成本指标；41-经济成本指标；成本控制率；实施周期指标值:≤100%；年度指标值:≤100%。"
IND_DEVICE = "1、1-产出指标；11-数量指标；设备数量；实施周期指标值:5台；年度指标值:5台。"


def _list_rows_page1() -> list:
    return [
        LIST_HEAD,
        ["合计：", "1,350.00", "1,300.00", "", "50.00", "", ""],
        ["XX市示范局", "1,000.00", "950.00", "", "50.00", "", ""],
        ["巡查经费", "400.00", "400.00", "", "", "开展全年巡查。", IND_PATROL],
        ["系统运维经费", "600.00", "550.00", "", "50.00", "保障系统稳定运行。", IND_SYSTEM_1],
    ]


def _list_rows_page2() -> list:
    return [
        LIST_HEAD,
        ["", "", "", "", "", "全年无重大故障。", IND_SYSTEM_2],
        ["XX市示范中心", "350.00", "350.00", "", "", "", ""],
        ["设备购置", "350.00", "350.00", "", "", "购置监测设备。", IND_DEVICE],
    ]


def _check_list(doc: dict, pages: bool, title: str = LIST_TITLE) -> None:
    assert (doc["agency"], doc["year"], doc["kind"]) == ("XX市示范局", 2025, "performance_targets")
    projects = doc["projects"]
    # 合计 and the two unit subtotals are not projects; the cut row is one project
    assert [(p["name"], p["amount"], p["fiscal"], p["other"]) for p in projects] == [
        ("巡查经费", D("400.00"), D("400.00"), None),
        ("系统运维经费", D("600.00"), D("550.00"), D("50.00")),
        ("设备购置", D("350.00"), D("350.00"), None),
    ]
    assert [p["implementing_agency"] for p in projects] == ["XX市示范局", "XX市示范局", "XX市示范中心"]
    assert [p["department"] for p in projects] == ["XX市示范局"] * 3
    patrol, system, device = projects
    assert patrol["goal"] == "开展全年巡查。"
    assert [levels(i) + (i["period_target"],) for i in patrol["indicators"]] == [
        ("产出指标", "数量指标", "≥12次", "≥24次"),
        ("效益指标", "社会效益", "≥95%", "≥90%"),
    ]
    assert system["goal"] == "保障系统稳定运行。全年无重大故障。"
    assert [(i["level3"], i["target"]) for i in system["indicators"]] == [
        ("验收合格率", "100%"),
        ("群众满意度", "≥90%"),  # the item the break cut, read whole
        ("成本控制率", "≤100%"),
    ]
    assert system["indicator_count"] == 3 and device["indicator_count"] == 1
    if pages:
        assert system["pages"] == [1, 2]
        assert [i["page"] for i in system["indicators"]] == [1, 1, 2]
        assert device["page"] == 2
    for p in projects:
        assert p["table"] == title and p["row"] is not None and p["table_index"] is not None
        assert p["quality"]["score"] is not None


def test_list_in_text_with_a_row_cut_by_the_page_break(tmp_path):
    caption = "部门名称：XX市示范局\t单位：万元"
    data = text([LIST_TITLE, caption, _list_rows_page1(), "\f", LIST_TITLE, caption, _list_rows_page2()])
    _check_list(parse_file(tmp_path, "list.txt", data), pages=True)


def test_list_in_a_workbook_going_on_on_a_second_sheet(tmp_path):
    # (a worksheet title ending in '（含转移支付项目）' is not taken for a title
    # line by loaders.recognise.layout, so the sheets print the plain title)
    title = "XX市示范局2025年项目支出绩效目标表"

    def sheet(name: str, rows: list) -> Sheet:
        return Sheet(name, [[title] + [""] * 6, ["部门名称：XX市示范局"] + [""] * 5 + ["单位：万元"]] + rows, merges=["A1:G1"])

    data = workbook([sheet("表1", _list_rows_page1()), sheet("表1（续）", _list_rows_page2())])
    _check_list(parse_file(tmp_path, "list.xlsx", data), pages=False, title=title)


def test_a_name_with_amounts_only_followed_by_targets_is_a_project(tmp_path):
    """A row whose targets the page break pushed onto the next page: the name
    and amounts at the foot of page 1, the targets at the head of page 2."""
    page1 = _list_rows_page1()[:4] + [["系统运维经费", "600.00", "550.00", "", "50.00", "", ""]]
    page2 = [LIST_HEAD, ["", "", "", "", "", "保障系统稳定运行。", IND_SYSTEM_1 + IND_SYSTEM_2]] + _list_rows_page2()[2:]
    caption = "部门名称：XX市示范局\t单位：万元"
    doc = parse_file(tmp_path, "list.txt", text([LIST_TITLE, caption, page1, "\f", LIST_TITLE, caption, page2]))
    assert [(p["name"], p["amount"], p["implementing_agency"], p["indicator_count"]) for p in doc["projects"]] == [
        ("巡查经费", D("400.00"), "XX市示范局", 2),
        ("系统运维经费", D("600.00"), "XX市示范局", 3),
        ("设备购置", D("350.00"), "XX市示范中心", 1),
    ]


# --------------------------------------------------------------------------- constructed: 申报表


FORM_TITLE = "XX市示范局2025年部门整体预算绩效目标申报表"


def _form_rows() -> tuple[list, list[str]]:
    rows = [
        [FORM_TITLE, "", "", "", "", ""],
        ["部门名称", "XX市示范局", "", "", "", ""],
        ["预算整体情况", "部门预算支出", "预算金额（万元）", "收入来源", "预算金额（万元）", ""],
        ["", "基本支出", "100.00", "财政拨款", "250.00", ""],
        ["", "项目支出", "150.00", "其他资金", "30.00", ""],
        ["", "事业发展性支出", "预算金额（万元）", "按预算级次划分", "预算金额（万元）", ""],
        ["", "财政专项资金", "0.00", "市本级使用资金", "250.00", ""],
        ["", "其他事业发展性支出", "30.00", "拟用于对下转移支付资金", "30.00", ""],
        ["总体绩效目标", "全面完成年度监管任务，提升服务水平。", "", "", "", ""],
        ["年度重点工作任务", "名称", "主要实施内容", "拟投入的资金（万元）", "期望达到的目标（概述）", ""],
        ["", "加强日常监管", "开展巡查和抽检。", "120.00", "问题整改率100%。", ""],
        ["", "提升服务水平", "优化办事流程。", "60.00", "满意度不低于90%。", ""],
        ["其他需完成的任务（可选填）", "", "", "", "", ""],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "实施周期指标值", "年度指标值"],
        ["", "产出指标", "数量指标", "巡查次数", "≥24次", "≥12次"],
        ["", "", "", "抽检批次", "≥400批次", "≥200批次"],
        ["", "", "质量指标", "问题整改率", "100%", "100%"],
        ["", "效益指标", "社会效益指标", "投诉办结率", "≥90%", "≥95%"],
        ["", "满意度指标", "服务对象满意度指标", "服务对象满意度", "≥85%", "≥90%"],
    ]
    merges = ["A1:F1", "B2:F2", "A3:A8", "B9:F9", "A10:A12", "B13:F13", "A14:A19", "B15:B17", "C15:C16"]
    return rows, merges


def test_department_form_in_a_workbook(tmp_path):
    rows, merges = _form_rows()
    doc = parse_file(tmp_path, "form.xlsx", workbook([Sheet("申报表", rows, merges=merges)]))
    assert (doc["agency"], doc["year"], doc["kind"]) == ("XX市示范局", 2025, "performance_targets")
    assert doc["projects"] == []
    (d,) = doc["department_targets"]
    assert d["name"] == "XX市示范局"
    # the budget is the sum of the 收入来源: 财政拨款 250 + 其他资金 30
    assert (d["budget"], d["budget_basis"]) == (D("280.00"), "收入来源合计")
    assert (d["basic"], d["project"], d["fiscal"], d["other"], d["own_use"], d["transfer"]) == (
        D("100.00"), D("150.00"), D("250.00"), D("30.00"), D("250.00"), D("30.00")
    )
    assert d["goal"] == "全面完成年度监管任务，提升服务水平。"
    assert [(t["name"], t["amount"], t["goal"]) for t in d["tasks"]] == [
        ("加强日常监管", D("120.00"), "问题整改率100%。"),
        ("提升服务水平", D("60.00"), "满意度不低于90%。"),
    ]
    assert d["indicator_count"] == 5
    by = by_level3(d["indicators"])
    # the year's value is the target; the period's is kept beside it
    assert levels(by["巡查次数"]) + (by["巡查次数"]["period_target"],) == ("产出指标", "数量指标", "≥12次", "≥24次")
    assert levels(by["抽检批次"]) == ("产出指标", "数量指标", "≥200批次")
    assert levels(by["问题整改率"]) == ("产出指标", "质量指标", "100%")
    assert levels(by["投诉办结率"]) == ("效益指标", "社会效益指标", "≥95%")
    assert levels(by["服务对象满意度"]) == ("满意度指标", "服务对象满意度指标", "≥90%")
    assert all(i["row"] is not None for i in d["indicators"])


def test_department_form_without_income_block_totals_its_expenditure(tmp_path):
    rows, merges = _form_rows()
    for r in (2, 3, 4):
        rows[r][3:5] = ["", ""]  # no 收入来源 printed
    doc = parse_file(tmp_path, "form.xlsx", workbook([Sheet("申报表", rows, merges=merges)]))
    (d,) = doc["department_targets"]
    assert (d["budget"], d["budget_basis"]) == (D("250.00"), "部门预算支出合计")
    assert "fiscal" not in d


def test_level2_label_printed_lower_in_its_cell_without_spans():
    """A reader that lost the merge (the 申报表 PDF): the rows above the 二级 label
    printed halfway down its cell belong to it; a later group keeps its own."""
    from loaders.model import Table
    from loaders.recognise.performance_indicators import indicator_rows

    rows = table_rows("indicators", "level2_lower")
    got = [(i["level3"], i["level1"], i["level2"], i["target"], i["period_target"]) for i in indicator_rows(Table(rows=rows), 0)]
    assert got == [tuple(row) for row in table_rows("indicators", "level2_lower_read")]


# --------------------------------------------------------------------------- golden: the 广州 files


def test_guangzhou_department_form_golden():
    """生态环境局 申报表, p1 as rendered."""
    doc = corpus(ECO_FORM)
    assert (doc["agency"], doc["year"], doc["kind"]) == ("广州市生态环境局", 2026, "performance_targets")
    (d,) = doc["department_targets"]
    assert (d["name"], d["page"], d["pages"]) == ("广州市生态环境局", 1, [1])
    # printed: 基本支出 58,118.59, 项目支出 27,825.19 | 财政拨款 92,008.68, 其他资金 1,577.77 |
    # 市本级使用资金 85,943.78, 拟用于对下转移支付资金 6,064.90; no total is printed.
    # The budget is the 收入来源's sum, 92,008.68 + 1,577.77 (the 部门预算支出 block,
    # 85,943.78, leaves out the transfers to the districts and the other funds).
    assert d["budget"] == D("93586.45")
    assert (d["basic"], d["project"], d["fiscal"], d["other"], d["transfer"]) == (
        D("58118.59"), D("27825.19"), D("92008.68"), D("1577.77"), D("6064.90")
    )
    assert [t["amount"] for t in d["tasks"]] == [D("2327.67"), D("2022.15"), D("10481.35"), D("1394.00"), D("6981.16")]
    assert d["indicator_count"] == 25
    by = by_level3(d["indicators"])
    # first row of the grid: 数量指标 is printed lower down its merged cell
    assert levels(by["柴油车用油品抽检数量"]) + (by["柴油车用油品抽检数量"]["period_target"],) == (
        "产出指标", "数量指标", "200个", "200个"
    )
    assert levels(by["细颗粒物(PM2.5)年均浓度"]) == ("效益指标", "生态效益指标", "≤25微克/立方米")
    assert levels(by["政务服务质量好评率"]) == ("满意度指标", "服务对象满意度指标", "≥90%")
    assert levels(by["“三公”经费控制率"]) == ("成本指标", "经济成本指标", "≤0%")
    assert all(i["page"] == 1 and i["row"] is not None for i in d["indicators"])


def test_guangzhou_department_form_without_year_in_its_title():
    """政务服务和数据管理局 申报表: the printed title has no year; the file name gives it."""
    doc = corpus(GOV_FORM)
    assert (doc["agency"], doc["year"], doc["kind"]) == ("广州市政务服务和数据管理局", 2026, "performance_targets")
    (d,) = doc["department_targets"]
    # printed: 基本支出 12,634.14, 项目支出 86,246.64, 财政拨款 98,880.78, 其他资金 0.00
    assert (d["budget"], d["basic"], d["project"]) == (D("98880.78"), D("12634.14"), D("86246.64"))
    by = by_level3(d["indicators"])
    # p2: 实施周期 '≥99％' (full-width), 年度 '≥99%'
    assert (by["企业诉求及时办结率"]["target"], by["企业诉求及时办结率"]["period_target"]) == ("≥99%", "≥99％")
    assert levels(by["人工成本控制率"]) == ("成本指标", "经济成本指标", "≤1")


def test_guangzhou_list_golden_page1():
    """政务服务和数据管理局 项目支出绩效目标表, p1 as rendered: 合计 86,246.64, the
    unit row 广州市政务服务和数据管理局 16,926.32, then six projects."""
    doc = corpus(GOV_LIST)
    assert (doc["agency"], doc["year"], doc["kind"]) == ("广州市政务服务和数据管理局", 2026, "performance_targets")
    projects = doc["projects"]
    assert sum(1 for p in projects if p["page"] == 1) == 6
    first = projects[:3]
    assert [(p["name"], p["amount"], p["fiscal"]) for p in first] == [
        ("广州市政务服务和数据管理局数字政府运营中心穗智管运营服务项目", D("1391.47"), D("1391.47")),
        ("广州12345政务服务便民热线平台运营项目", D("12000.00"), D("12000.00")),
        ("政务信息化项目管理经费", D("365.50"), D("365.50")),
    ]
    assert [p["indicator_count"] for p in first] == [7, 8, 4]
    a, b, c = (by_level3(p["indicators"]) for p in first)
    assert levels(a["会议活动保障次数"]) + (a["会议活动保障次数"]["period_target"],) == (
        "产出指标", "数量指标", "每年≥20场", "每年≥20场"
    )
    assert levels(a["资金使用合规率"]) == ("成本指标", "经济成本指标", "100%")
    assert levels(b["不满意回访率"]) == ("产出指标", "质量指标", "100%")
    assert levels(b["人工成本控制率"]) == ("成本指标", "经济成本指标", "≤1")
    assert levels(c["立项\\终验审核数量值"]) == ("产出指标", "数量指标", "≥400个")
    assert levels(c["发布政务信息化项目管理规范文件"]) == ("效益指标", "经济效益", "2份")
    for p in first:
        assert (p["page"], p["implementing_agency"], p["table_index"]) == (1, "广州市政务服务和数据管理局", 0)
    # the unit rows are not projects: 16,926.32 + 67,756.88 + 834.36 + 729.07 = 86,246.64
    names = {p["name"] for p in projects}
    assert not names & {"合计", "广州市政务服务和数据管理局", "广州市数字政府运营中心", "广州市政务服务中心"}


def test_guangzhou_list_golden_140_pages():
    """生态环境局 项目支出绩效目标表 (140 pages), pp. 1–2 as rendered."""
    doc = corpus(ECO_LIST)
    assert (doc["agency"], doc["year"], doc["kind"]) == ("广州市生态环境局", 2026, "performance_targets")
    projects = doc["projects"]
    assert sum(1 for p in projects if p["page"] == 1) == 2
    assert [(p["name"], p["amount"], p["page"]) for p in projects[:3]] == [
        ("广州市镇（街）园区环保监督检查员经费（越秀区）", D("238.00"), 1),
        ("广州市镇（街）园区环保监督检查员经费（海珠区）", D("619.50"), 1),
        ("广州市镇（街）园区环保监督检查员经费（荔湾区）", D("287.00"), 2),
    ]
    for p in projects[:3]:
        by = by_level3(p["indicators"])
        assert levels(by["环境应急事件响应率"]) == ("产出指标", "质量指标", "100%")
        assert levels(by["环保信访投诉办结率"]) + (by["环保信访投诉办结率"]["period_target"],) == (
            "效益指标", "社会效益", "≥90%", "≥90%"
        )
        assert p["indicator_count"] == 6
    # every unit's printed subtotal is the sum of its projects (to the source's rounding):
    # none of them was taken for a project, no project was lost or read twice
    units: dict[str, Decimal] = {}
    for p in projects:
        units[p["implementing_agency"]] = units.get(p["implementing_agency"], D(0)) + p["amount"]
    assert abs(units["广州市生态环境局"] - D("12887.86")) <= D("0.05")
    assert abs(units["广州市生态环境局增城分局"] - D("1399.76")) <= D("0.05")
    assert abs(sum(units.values()) - D("37367.86")) <= D("0.5")  # 合计 as printed
    assert all(p["indicators"] and all(i["level1"] and i["level2"] for i in p["indicators"]) for p in projects)
