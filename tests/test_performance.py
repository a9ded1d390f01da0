"""Performance tables: 项目绩效目标表 and 项目绩效自评表, in every format of every seed.

``performance_differences`` is the reusable golden check for the ``projects`` and
``self_evaluations`` parts of a parsed document (tests/golden.py checks the
financial parts).
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from golden import FIXTURES, as_text, seed_path, truth
from pipeline import parse_bytes
from tabledata import table as table_rows

SEEDS = ["000", "001", "002", "003", "004"]

PROJECT_KEYS = ("code", "name", "amount", "indicator_count")
SELF_EVALUATION_KEYS = (
    "name",
    "budget",
    "received",
    "executed",
    "execution_rate",
    "execution_points",
    "reported_score",
    "narrative_score",
    "indicator_count",
    "weights_sum",
)
# Keys whose value is an amount or score: compared exactly as printed ('1743.000000').
EXACT_KEYS = {"budget", "received", "executed", "execution_rate", "execution_points", "reported_score", "narrative_score", "weights_sum"}
# Forms that hold the budget/final-account tables only (Excel attachments): the
# performance tables are in the report text, which these files do not carry.
TABLES_ONLY = {("000", "xlsx"), ("002", "xlsx"), ("002", "xls")}


def _same(key: str, have, want) -> bool:
    if have is None or want is None:
        return have is None and want is None
    if key == "indicator_count":
        return int(have) == int(want)
    if key in EXACT_KEYS:
        return as_text(have) == str(want)
    if key == "amount":
        return Decimal(as_text(have)) == Decimal(str(want))
    return as_text(have) == str(want)


def performance_differences(doc: dict, expected: dict, seed: str, fmt: str) -> list[str]:
    """Every way the performance parts of ``doc`` depart from the truth file; [] when they match."""
    out: list[str] = []
    for section, keys in (("projects", PROJECT_KEYS), ("self_evaluations", SELF_EVALUATION_KEYS)):
        got = doc.get(section) or []
        if (seed, fmt) in TABLES_ONLY:
            if got:
                out.append(f"{section}: {len(got)} records from a tables-only form")
            continue
        want = expected.get(section)
        if want is None:
            continue
        if len(got) != len(want):
            out.append(f"{section}: {len(got)} records != {len(want)}")
        for i, (g, w) in enumerate(zip(got, want)):
            for key in keys:
                if key not in w:
                    continue
                if not _same(key, g.get(key), w[key]):
                    out.append(f"{section}[{i}] {w.get('name')}.{key}: {as_text(g.get(key))!r} != {w[key]!r}")
    return out


def _cases():
    for seed in SEEDS:
        yield pytest.param(seed, seed_path(seed), id=f"{seed}-txt")
        for name in truth(seed)["fixtures"]:
            yield pytest.param(seed, FIXTURES / name, id=f"{seed}-{name}")


_PARSED: dict = {}


def parsed(path) -> dict:
    if path not in _PARSED:
        _PARSED[path] = parse_bytes(path.read_bytes(), path.name)
    return _PARSED[path]


@pytest.mark.parametrize("seed,path", list(_cases()))
def test_performance_matches_truth(seed, path):
    fmt = "txt" if path.suffix == ".txt" else path.suffix.lstrip(".")
    doc = parsed(path)
    assert performance_differences(doc, truth(seed), seed, fmt) == []


# --------------------------------------------------------------------------- provenance and shape


def test_self_evaluations_carry_provenance_and_items():
    doc = parsed(seed_path("002"))
    evals = doc["self_evaluations"]
    assert [e["item"] for e in evals] == list(range(1, 20))
    for e in evals:
        assert e["table"] and "自评表" in e["table"]
        assert isinstance(e["table_index"], int)
        assert isinstance(e["row"], int)
        for ind in e["indicators"]:
            assert isinstance(ind["row"], int)
            for key in ("level1", "level2", "level3", "weight", "operator", "target", "unit", "actual", "status",
                        "reported_score", "computed_score", "rule"):
                assert key in ind
        for f in e["findings"]:
            assert set(f) >= {"rule", "severity", "message"}
            assert f["rule"].startswith("score.")


def test_self_evaluation_details_as_printed():
    e = parsed(seed_path("002"))["self_evaluations"]
    first = e[0]
    assert first["level"] == "本级"
    assert first["implementing_agency"] == "450001-医疗保障局本级"
    assert [g["completion_rate"] for g in first["goals"]] == [Decimal("100.00"), Decimal("100.00")]
    assert first["problems"] == "无"
    ind = first["indicators"][0]
    assert (ind["level1"], ind["level2"], ind["level3"]) == ("产出指标", "数量指标", "医疗救助人数")
    assert (ind["weight"], ind["operator"], ind["target"], ind["unit"], ind["actual"], ind["status"], ind["reported_score"]) == (
        Decimal("5.00"), "≥", "4000", "人次", "78340人", "完成", Decimal(5)
    )
    # operator inside the weight cell ('5.00 ≥'), (4)
    four = e[3]["indicators"][0]
    assert (four["weight"], four["operator"], four["target"], four["unit"]) == (Decimal("5.00"), "≥", "90", "%")
    # operator, value and unit in one cell ('>= 5 万人次'), (9)
    nine = e[8]["indicators"][0]
    assert (nine["operator"], nine["target"], nine["unit"], nine["actual"]) == ("≥", "5", "万人次", "78340")
    # a label cut at the page end and its wrapped second line, (12)
    twelve = e[11]["indicators"][0]
    assert twelve["level1"] == "产出指标"
    assert twelve["level3"] == "慢性病鉴定人数"
    # (7)'s name runs into 项目级次
    assert e[6]["name"] == "关于提前下达2023年中央财政医疗服务与保障" and e[6]["level"] == "本级"
    # (16)'s points printed '8.48 4163'
    assert e[15]["execution_points"] == Decimal("8.484163")


def test_projects_carry_targets_split():
    doc = parsed(seed_path("000"))
    p = doc["projects"][0]
    assert p["table"] == "1、医保局日常业务经费绩效目标表"
    assert p["fiscal"] == Decimal("5.00") and p["other"] is None
    assert p["purpose"] == "聘请法律顾问和采购日常办公用品。"
    assert [s["period"] for s in p["spending_plan"]] == ["3月底", "6月底", "10月底"]
    assert p["goal"].startswith("1. 通过按时按需采购办公用品")
    first = p["indicators"][0]
    assert (first["level1"], first["level2"], first["level3"], first["description"]) == ("产出指标", "数量指标", "法律咨询次数", "法律咨询次数")
    assert (first["target"], first["operator"], first["value"], first["unit"]) == ("≥10次", "≥", Decimal("10"), "次")
    cost = p["indicators"][3]
    assert (cost["level2"], cost["operator"], cost["value"], cost["unit"]) == ("成本指标", "<", Decimal("0.42"), "万元")
    assert all(ind["basis"] for ind in p["indicators"])
    # a ragged Word paste: rows that lost the merged 一级指标 cell are re-aligned (001)
    q = parsed(seed_path("001"))["projects"][0]
    assert [i["level1"] for i in q["indicators"]] == ["产出指标"] * 4 + ["效益指标"] * 4 + ["满意度指标"]
    assert q["indicators"][1]["level2"] == "质量指标" and q["indicators"][1]["target"] == "≥90百分比"
    assert (q["indicators"][1]["operator"], q["indicators"][1]["value"], q["indicators"][1]["unit"]) == ("≥", Decimal(90), "百分比")
    assert [s["printed"] for s in q["spending_plan"]] == ["25.00%", "50.00%", "75.00%", "100.00%"]


def test_summary_table_projects_004():
    doc = parsed(seed_path("004"))
    p = doc["projects"][0]
    levels = [i["level1"] for i in p["indicators"]]
    assert levels.count("成本指标") == 1 and levels.count("满意度指标") == 1
    assert p["indicators"][0]["level3"] == "宣传资料印制费" and p["indicators"][0]["target"] == "≤16.8万"
    assert doc["department_targets"] and doc["department_targets"][0]["indicator_count"] > 20


def test_names_without_code_come_from_headings_003():
    names = [p["name"] for p in parsed(seed_path("003"))["projects"]]
    assert names[8:] == ["劳务派遣人员经费", "人事代理经费", "专业法务咨询服务律师聘请费"]


# --------------------------------------------------------------------------- layouts beyond the seeds


def test_self_evaluation_split_by_a_page_break_is_joined():
    """A reader that leaves a self-evaluation in two tables (page break) loses nothing."""
    from loaders.model import Document, Paragraph, Source, Table
    from loaders.recognise import performance
    from loaders.recognise.views import build_views
    from loaders.registry import read_document

    seed = seed_path("002")
    doc = read_document(seed.read_bytes(), seed.name)
    whole = parsed(seed)["self_evaluations"][0]
    table = next(t for t in doc.tables() if any("冀财社【2022】178号" in c for row in t.rows for c in row))
    top, bottom = Table(rows=table.rows[:14], caption=table.caption), Table(rows=table.rows[14:])
    blocks = [Paragraph(text=p) for p in table.caption] + [top, Paragraph(text="第 5 页"), bottom]
    split = Document(source=Source("x.txt", "0", "text", 1), blocks=blocks)
    out = performance.extract(split, build_views(list(split.tables())))
    from analysis.review import review

    review(out)  # the scores, as the pipeline adds them
    rec = out["self_evaluations"][0]
    for key in ("name", "budget", "executed", "execution_points", "reported_score", "narrative_score", "indicator_count", "weights_sum", "computed_score"):
        assert rec[key] == whole[key], key


REAL = FIXTURES.parent / "real"


def test_central_template_self_evaluations():
    """国家信访局 2024: amounts under their headings, no 完成情况 column, a 总分 row,
    and the scores stated in a list of paragraphs before the tables."""
    doc = parsed(REAL / "national-petition-bureau-2024-final.pdf")
    evals = {e["name"]: e for e in doc["self_evaluations"]}
    assert set(evals) == {"信访干部培训专项", "信访研究宣传立法专项", "资产运行维护", "信息化运行维护"}
    train = evals["信访干部培训专项"]
    assert (train["budget"], train["executed"], train["execution_rate"], train["execution_points"]) == (
        Decimal("180.03"), Decimal("180.03"), Decimal("100.00"), Decimal("10")
    )
    assert train["received"] is None and train["reported_score"] == Decimal("98")
    assert train["indicator_count"] == 10 and train["weights_sum"] == Decimal("90")
    it = evals["信息化运行维护"]
    assert (it["reported_score"], it["narrative_score"]) == (Decimal("90.5"), Decimal("88.5"))
    assert any(f["rule"] == "score.narrative_mismatch" for f in it["findings"])
    rate = next(i for i in it["indicators"] if i["level3"] == "设备完好率")
    # ≥96 %, actual 85 %: 10 × 85 / 96 = 8.85, reported 7.1
    assert (rate["computed_score"], rate["reported_score"]) == (Decimal("8.85"), Decimal("7.1"))


def test_real_target_forms():
    yantai = parsed(REAL / "yantai-medical-security-2026-budget.pdf")["projects"]
    assert len(yantai) == 12  # twelve forms, joined into one table by their repeated title
    assert yantai[0]["name"] == "实施公车统管费用" and yantai[0]["amount"] == Decimal("8.00")
    assert yantai[0]["indicators"][0]["level1"] == "成本指标"
    xian = parsed(REAL / "xian-medical-security-2022-budget.pdf")
    project = xian["projects"][0]
    assert project["name"] == "其他履职尽责专项业务费" and project["amount"] == Decimal("3075.23")
    assert project["indicator_count"] > 50  # the grid runs onto a page without its heading row
    putuo = parsed(REAL / "putuo-wanli-subdistrict-2023-budget.pdf")["projects"]
    assert putuo[0]["amount"] == Decimal("410")  # 4,100,000.00 元 → 万元
    assert putuo[0]["indicators"][0]["unit"] == "平方米"


# --------------------------------------------------------------------------- levels from merged cells


def _by_level3(indicators: list[dict]) -> dict[str, dict]:
    return {i["level3"]: i for i in indicators}


def _levels(by: dict[str, dict], level3: str) -> tuple:
    ind = by[level3]
    return ind["level1"], ind["level2"], ind["target"]


def _level2_counts(indicators: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for i in indicators:
        counts[i["level2"]] = counts.get(i["level2"], 0) + 1
    return counts


def _levelled(indicators: list[dict], level2_counts: dict[str, int]) -> dict[str, dict]:
    """Check every indicator has its 一级 and 二级 labels, so many per 二级; then by 三级."""
    assert all(i["level1"] and i["level2"] for i in indicators)
    assert _level2_counts(indicators) == level2_counts
    return _by_level3(indicators)


def test_xian_indicator_levels_come_from_their_merged_cells():
    """西安 2022 表14/表15 (pp. 46–49): 一级/二级 labels printed one character a
    row, in the middle of their cell, or on the other page of a cell the page
    break cuts.  Every row carries the labels of the cells it sits in; values
    as printed on the rendered pages (the forms are in 万元, the financial
    tables of the report in 元)."""
    doc = parsed(REAL / "xian-medical-security-2022-budget.pdf")
    # 表16 is the blank 专项资金总体绩效目标表 ('指标1：', no value): no project
    assert [p["name"] for p in doc["projects"]] == ["其他履职尽责专项业务费"]
    project = doc["projects"][0]
    assert (project["amount"], project["fiscal"], project["other"]) == (Decimal("3075.23"), Decimal("3075.23"), None)
    assert project["department"] == "西安市医疗保障局"
    assert project["pages"] == [46, 47] and project["indicator_count"] == 54
    by = _levelled(project["indicators"], {"数量指标": 14, "质量指标": 12, "时效指标": 2, "成本指标": 10,
                                           "社会效益指标": 14, "可持续影响指标": 1, "服务对象满意度指标": 1})
    assert _levels(by, "媒体宣传等") == ("产出指标", "数量指标", "10-15项")
    assert _levels(by, "智能识别审核") == ("产出指标", "数量指标", "21800份")
    # 质量指标 is printed halfway down its cell: the rows above the label are its rows
    assert _levels(by, "综合运行服务工作保障率") == ("产出指标", "质量指标", "100%")
    assert _levels(by, "指导意见及评估结果应用") == ("产出指标", "质量指标", "≥90%")
    # page 47 rows of cells whose labels are on page 46
    assert _levels(by, "系统正常运行率") == ("产出指标", "质量指标", "≥95%")
    assert _levels(by, "医疗保障基金监管工作") == ("产出指标", "成本指标", "713万元")
    assert _levels(by, "期限") == ("效益指标", "可持续影响指标", "长期")
    assert _levels(by, "服务对象满意度") == ("满意度指标", "服务对象满意度指标", "＞80%")
    assert (by["医保系统运行维护"]["value"], by["医保系统运行维护"]["unit"]) == (Decimal("98.85"), "万元")

    dept = doc["department_targets"]
    assert len(dept) == 1
    d = dept[0]
    assert (d["name"], d["budget"], d["pages"], d["indicator_count"]) == ("西安市医疗保障局", Decimal("5386.42"), [48, 49], 47)
    by = _levelled(d["indicators"], {"数量指标": 14, "质量指标": 12, "时效指标": 3, "成本指标": 2,
                                     "社会效益指标": 14, "可持续影响指标": 1, "服务对象满意度指标": 1})
    # the rows of page 48: 产出指标 is printed on page 49, 数量指标 in the middle of its cell
    assert _levels(by, "媒体宣传等") == ("产出指标", "数量指标", "10-15项")
    assert by["媒体宣传等"]["page"] == 48
    assert _levels(by, "参加中省会议，外出学习考察、扶贫工作差旅") == ("产出指标", "数量指标", "40余次")
    # the last row of the 数量指标 cell is on page 49
    assert _levels(by, "智能识别审核") == ("产出指标", "数量指标", "21800份")
    assert by["智能识别审核"]["page"] == 49
    assert _levels(by, "机关运行及人员经遇保障") == ("产出指标", "时效指标", "全年")
    assert _levels(by, "专项业务费支出") == ("产出指标", "成本指标", "3075.23万元")
    assert _levels(by, "加强医保政策宣传") == ("效益指标", "社会效益指标", "社会反映良好")


def test_label_of_a_cell_cut_by_the_page_break_reaches_both_pages():
    # 石龙 2023 部门整体绩效目标表 (pp. 25–28): 绩效管理's cell starts at the
    # last row of page 27, its label is printed on page 28
    doc = parsed(FIXTURES / "shilong-2023-budget.pdf")
    (d,) = doc["department_targets"]
    assert d["pages"] == [25, 26, 27, 28] and d["indicator_count"] == 24 and d["budget"] == Decimal("193.86")
    assert all(i["level1"] and i["level2"] for i in d["indicators"])
    by = _by_level3(d["indicators"])
    assert (by["资产管理规范性"]["level1"], by["资产管理规范性"]["level2"]) == ("投入管理指标", "预算和财务管理")
    assert (by["绩效目标编制完成率"]["level2"], by["绩效目标编制完成率"]["page"]) == ("绩效管理", 27)
    assert (by["评价结果应用率"]["level1"], by["评价结果应用率"]["level2"]) == ("投入管理指标", "绩效管理")
    assert (by["年度工作目标实现率"]["level1"], by["年度工作目标实现率"]["level2"]) == ("效益指标", "履职效益")


def test_level_cell_pieces_on_two_pages_are_one_cell():
    """The piece of a merged cell at the foot of a page and the piece at the
    head of the next are one cell: its label, printed on either page (or
    split between them), stands for the rows of both."""
    from loaders.model import Table
    from loaders.recognise.performance_indicators import indicator_rows

    rows = table_rows("indicators", "level_pieces")
    spans = {(1, 0): (2, 1), (1, 1): (2, 1), (3, 0): (2, 1), (3, 1): (2, 1)}
    table = Table(rows=rows, row_pages=[1, 1, 1, 2, 2, 2], spans=spans)
    got = [(i["level3"], i["level1"], i["level2"]) for i in indicator_rows(table, 0)]
    assert got == [tuple(row) for row in table_rows("indicators", "level_pieces_read")]
    # two whole labels are two cells, even across the break
    rows[1][0], rows[1][1], rows[3][1] = "成本指标", "经济成本指标", "数量指标"
    got = [(i["level3"], i["level1"], i["level2"]) for i in indicator_rows(Table(rows=rows, row_pages=[1, 1, 1, 2, 2, 2], spans=spans), 0)]
    assert got[:3] == [("a", "成本指标", "经济成本指标"), ("b", "成本指标", "经济成本指标"), ("c", "产出指标", "数量指标")]
