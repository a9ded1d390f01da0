"""False error findings that came from our reading, not from the report.

Each case was found by checking an error finding of a real report against its
rendered page (issue 9, point 7); each is rebuilt here as a small constructed
document so the mechanism is tested, not the file.
"""
from __future__ import annotations

from decimal import Decimal

from analysis.checks import run_checks
from analysis.narrative import facts, key_of, passages
from tabledata import table as table_rows
from tabledata import tables

D = Decimal
TABLES = tables("misreadings")


def table(kind: str, title: str, rows: list[list[str]], spans: list[list[int]] | None = None) -> dict:
    return {"kind": kind, "title": title, "rows": rows, "spans": spans or [], "unit": "万元", "caption": [title]}


def doc(tables: list[dict], paragraphs: list[dict] | None = None, year: int = 2026) -> dict:
    return {
        "kind": "budget",
        "year": year,
        "agency": "某市信访局",
        "tables": [dict(t, index=i) for i, t in enumerate(tables)],
        "paragraphs": paragraphs or [],
    }


def errors(d: dict, rule_prefix: str = "") -> list[dict]:
    return [f for f in run_checks(d) if f["severity"] == "error" and f["rule"].startswith(rule_prefix)]


EXPENDITURE = table(
    "expenditure",
    "2026年部门支出总体情况表",
    TABLES["expenditure"],
)


def test_summary_listing_expenditure_by_type_is_not_compared_by_class():
    """长沙 p12: the 收支总体情况表 lists 基本支出/项目支出, not classes; its
    classes are not 'missing'."""
    summary = table(
        "summary",
        "2026年部门收支总体情况表",
        TABLES["summary_by_type"],
    )
    assert errors(doc([summary, EXPENDITURE]), "cross.") == []


def test_summary_by_class_still_names_a_class_it_lacks():
    summary = table(
        "summary",
        "2026年部门收支总体情况表",
        TABLES["summary_by_class"],
    )
    found = errors(doc([summary, EXPENDITURE]), "cross.class")
    assert found, "a class printed under another name must still be reported"


def test_last_years_column_group_is_not_this_years_figures():
    """重庆 p15: '2025年预算数' is printed before the '2026年预算数' group;
    the checks compare the 2026 columns."""
    gpb = table(
        "general_public_budget",
        "2026年一般公共预算支出情况表",
        table_rows("misreadings", "gpb_with_last_year"),
        spans=[[0, 0, 1, 2], [0, 2, 2, 1], [0, 3, 1, 3]],
    )
    fiscal = table(
        "fiscal_summary",
        "2026年财政拨款收支总体情况表",
        TABLES["fiscal_summary"],
    )
    d = doc([fiscal, gpb])
    assert [f for f in run_checks(d) if f["severity"] == "error"] == []
    assert d["checks"]["by_rule"]["cross.class"]["passed"] == 2, "both classes are compared"
    # a real difference in this year's column is still an error
    gpb["rows"][3][3] = "15,046.48"
    gpb["rows"][4][3] = "15,046.48"
    assert errors(doc([fiscal, gpb]), "cross.class")


HEADER = "苏州市审计局2026年度部门预算公开"


def test_running_page_header_does_not_cut_a_sentence():
    """苏州 p23–24: '（1）…支出 2,906.63 万元，主要用于' + running header +
    '审计事务。…' is one item, not a list heading."""
    paragraphs = [{"text": HEADER, "page": p} for p in (21, 22)] + [
        {"text": HEADER, "page": 23},
        {"text": "1．本年支出合计 4,651.67 万元。", "page": 23},
        {"text": "（1）一般公共服务支出（类）支出 2,906.63 万元，主要用于", "page": 23},
        {"text": HEADER, "page": 24},
        {"text": "审计事务。与上年相比减少 17.08 万元，减少 0.58%。", "page": 24},
        {"text": "（2）社会保障和就业支出（类）支出 442.09 万元，主要用于社会保险。", "page": 24},
        {"text": "（3）住房保障支出（类）支出 1,302.95 万元，主要用于住房改革支出。", "page": 24},
    ]
    texts = [p.text for p in passages(paragraphs)]
    assert HEADER not in texts
    assert "（1）一般公共服务支出（类）支出 2,906.63 万元，主要用于审计事务。与上年相比减少 17.08 万元，减少 0.58%。" in texts
    assert errors(doc([], paragraphs), "narrative.list_sum") == []


def test_a_list_that_does_not_add_up_is_still_an_error():
    paragraphs = [
        {"text": "项目支出 100.00 万元，主要为：", "page": 3},
        {"text": "（1）培训费 30.00 万元；", "page": 3},
        {"text": "（2）会议费 20.00 万元。", "page": 3},
    ]
    assert errors(doc([], paragraphs), "narrative.list_sum")


def test_share_of_a_qualified_base_is_not_checked_against_a_table():
    """苏州: '…合计90,448.39万元，占财政性资金(人员类和运转类中的公用经费项目支出除外)总额97.68%'."""
    paragraphs = [
        {
            "text": "本单位共21个项目纳入绩效目标管理，涉及财政性资金合计90,448.39万元，"
            "占财政性资金(人员类和运转类中的公用经费项目支出除外)总额97.68%。",
            "page": 38,
        }
    ]
    expenditure = table(
        "expenditure",
        "支出总表",
        [
            ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
            ["", "合计", "92,596.24", "2,147.85", "90,448.39"],
            ["213", "农林水支出", "92,596.24", "2,147.85", "90,448.39"],
        ],
    )
    assert errors(doc([expenditure], paragraphs), "narrative.share") == []


def test_amount_paid_under_a_class_is_not_the_class():
    """苏州水务: '…整治工程在农林水支出（类）支出列支 13800 万元' is the project's."""
    assert key_of("吴淞江（江苏段）整治工程在农林水支出（类）支出列支 ") is None
    assert key_of("（3）农林水支出（类）支出 ") == "class:213"
    found = facts([{"text": "（3）农林水支出（类）支出 47,731.51 万元，吴淞江整治工程在农林水支出（类）支出列支 13800 万元。", "page": 29}])
    assert [(f.key, f.value) for f in found if f.kind == "amount"] == [("class:213", D("47731.51")), (None, D("13800"))]
