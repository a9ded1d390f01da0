"""The rule registry and the rule families of a reviewing finance bureau
(completeness, identity, classification, unit slips, wording): for each, a
clean document gives no finding and each planted defect gives exactly its
finding, on the right page."""
from __future__ import annotations

from pathlib import Path

import pytest

from analysis import rules
from analysis.checks import run_checks
from tabledata import table as table_rows
from variants import balanced_summary

ROOT = Path(__file__).resolve().parent.parent


def table(kind: str, title: str, rows: list[list[str]], page: int = 5, caption: list[str] | None = None) -> dict:
    return {"kind": kind, "title": title, "rows": rows, "row_pages": [page] * len(rows), "spans": [],
            "unit": "万元", "caption": caption if caption is not None else [title]}


def doc(tables: list[dict] | None = None, paragraphs: list[dict] | None = None, year: int = 2026,
        agency: str = "某县卫生健康局") -> dict:
    return {"kind": "budget", "year": year, "agency": agency,
            "tables": [dict(t, index=i) for i, t in enumerate(tables or [])], "paragraphs": paragraphs or []}


def found(d: dict, prefix: str) -> list[dict]:
    return [f for f in run_checks(d) if f["rule"].startswith(prefix)]


EXPENDITURE = table_rows("shared", "health_expenditure")

CLEAN_PARAGRAPHS = [
    {"text": "目 录", "page": 2},
    {"text": "一、部门收支总表", "page": 2},
    {"text": "二、部门支出总表", "page": 2},
    {"text": "三、政府性基金预算支出表", "page": 2},
    {"text": "一、部门预算情况说明", "page": 3},
    {"text": "2026年支出预算120.00万元，主要用于卫生健康支出。", "page": 3},
    {"text": "本部门2026年没有使用政府性基金预算拨款安排的支出，故政府性基金预算支出表为空表。", "page": 3},
]


def clean_doc() -> dict:
    summary = balanced_summary("120.00")
    fund = [["科目编码", "科目名称", "合计", "基本支出", "项目支出"], ["", "合计", "", "", ""]]
    return doc(
        [
            table("summary", "2026年部门收支总表", summary, 4, ["2026年部门收支总表", "部门名称：某县卫生健康局 单位：万元"]),
            table("expenditure", "2026年部门支出总表", [list(r) for r in EXPENDITURE], 5),
            table("government_fund", "2026年政府性基金预算支出表", fund, 6),
        ],
        [dict(p) for p in CLEAN_PARAGRAPHS],
    )


NEW_FAMILIES = ("completeness.", "identity.", "classification.", "unit.", "wording.")


def test_a_clean_report_gives_no_finding_of_the_new_families():
    d = clean_doc()
    out = [f for f in run_checks(d) if f["rule"].startswith(NEW_FAMILIES)]
    assert out == []
    # and each rule did look
    ran = d["checks"]["by_rule"]
    for rule_id in ("completeness.listed_table_missing", "completeness.empty_without_note", "identity.table_year",
                    "identity.agency_name", "classification.function_name"):
        assert ran[rule_id]["passed"] >= 1, rule_id


def test_listed_table_missing():
    d = clean_doc()
    d["paragraphs"].insert(4, {"text": "四、一般公共预算“三公”经费支出表", "page": 2})
    out = found(d, "completeness.")
    assert [(f["rule"], f["page"]) for f in out] == [("completeness.listed_table_missing", 2)]
    assert "三公" in out[0]["message"] and out[0]["family"] == "completeness"


def test_empty_table_without_its_note():
    d = clean_doc()
    d["paragraphs"] = [p for p in d["paragraphs"] if "空表" not in p["text"]]
    out = found(d, "completeness.")
    assert [(f["rule"], f["page"]) for f in out] == [("completeness.empty_without_note", 6)]


@pytest.mark.parametrize("text", ["2026年XX局部门预算收入XX万元。", "本部门共有某某个内设机构。", "单位负责人：【】", "（此处填写主要职能）"])
def test_template_placeholder(text):
    d = clean_doc()
    d["paragraphs"].append({"text": text, "page": 7})
    out = found(d, "completeness.")
    assert [(f["rule"], f["page"]) for f in out] == [("completeness.placeholder", 7)]


def test_table_title_of_another_year():
    d = clean_doc()
    d["tables"][1]["title"] = "2025年部门支出总表"
    out = found(d, "identity.")
    assert [(f["rule"], f["page"], f["severity"]) for f in out] == [("identity.table_year", 5, "error")]
    assert "2025" in out[0]["message"] and "2026" in out[0]["message"]


def test_summary_heading_names_another_agency():
    d = clean_doc()
    d["tables"][0]["caption"] = ["2026年部门收支总表", "部门名称：某县医疗保障局 单位：万元"]
    out = found(d, "identity.")
    assert [(f["rule"], f["page"]) for f in out] == [("identity.agency_name", 4)]


def test_short_form_and_scope_mark_of_the_agency_are_the_same_agency():
    d = clean_doc()
    d["tables"][0]["caption"] = ["2026年部门收支总表", "部门名称：某县卫生健康局（本级） 单位：万元"]
    assert found(d, "identity.") == []


def test_function_code_with_another_lines_name():
    d = clean_doc()
    d["tables"][1]["rows"][4] = ["2101101", "住房公积金", "100.00", "100.00", ""]
    out = found(d, "classification.")
    assert [(f["rule"], f["page"], f["row"]) for f in out] == [("classification.function_name", 5, 4)]
    assert "行政单位医疗" in out[0]["message"]


def test_amount_in_yuan_inside_a_wan_table():
    d = clean_doc()
    d["tables"][1]["rows"][3] = ["21011", "行政事业单位医疗", "1,000,000.00", "100.00", ""]
    out = found(d, "unit.")
    assert [(f["rule"], f["page"], f["row"]) for f in out] == [("unit.slip", 5, 3)]


@pytest.mark.parametrize("text,rule_id", [
    ("2026年支出预算120.00万元。。主要用于卫生健康支出。", "wording.doubled_punctuation"),
    ("主要用于保障机构的的正常运转。", "wording.doubled_word"),
])
def test_doubled_wording(text, rule_id):
    d = clean_doc()
    d["paragraphs"].append({"text": text, "page": 8})
    out = found(d, "wording.")
    assert [(f["rule"], f["page"], f["family"]) for f in out] == [(rule_id, 8, "wording")]


def test_every_finding_names_its_family_and_every_rule_is_documented():
    d = clean_doc()
    d["tables"][1]["rows"][2][2] = "121.00"  # an arithmetic error
    out = run_checks(d)
    assert out and all(f["family"] in rules.FAMILIES for f in out)
    for entry in rules.load().values():
        assert entry.name and entry.family in rules.FAMILIES
        if entry.check is not None:
            assert "Example" in entry.doc or "例" in entry.doc, entry.id


def test_run_checks_runs_the_rule_functions_module_by_module_in_registry_order():
    entries = rules.rule_functions()
    ranks = [rules.RULE_MODULES.index(e.order[0]) for e in entries]
    assert ranks == sorted(ranks) and set(ranks) == set(range(len(rules.RULE_MODULES)))
    d = clean_doc()
    run_checks(d)
    ran = list(d["checks"]["by_rule"])
    # the table pass (table.code_sum) runs before the cross-table and narrative rules
    assert ran.index("table.code_sum") < ran.index("cross.class")


def test_a_rule_that_fails_is_reported_and_the_others_still_run(monkeypatch):
    def broken(ctx, checker):
        raise RuntimeError("boom")

    entry = rules.Rule("extract.broken_for_test", "extraction", "测试用规则", "warning", "Example: none.", broken,
                       ("tests", 0))
    monkeypatch.setitem(rules.RULES, entry.id, entry)
    d = clean_doc()
    out = run_checks(d)
    crashed = [f for f in out if f["rule"] == "checks.crashed"]
    assert [f["message"] for f in crashed] == ["检查“测试用规则”未能完成：RuntimeError: boom"]
    assert d["checks"]["by_rule"]["table.code_sum"]["ran"] > 0


def test_docs_rules_md_is_generated_from_the_registry():
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules.markdown()


CHANGES = [
    "2026年收入预算120.00万元，比上年增加10.00万元，主要原因是人员增加。",
    "基本支出100.00万元，比上年增加5.00万元，主要原因是工资调整。",
    "项目支出20.00万元，比上年增加5.00万元，主要原因是新增公共卫生项目。",
]


def test_a_change_without_its_reason_where_the_template_asks_for_one():
    d = clean_doc()
    d["paragraphs"] += [{"text": t, "page": 3} for t in CHANGES]
    assert found(d, "narrative.reason_missing") == []
    d["paragraphs"].append({"text": "“三公”经费预算3.50万元，比上年减少0.50万元。", "page": 9})
    out = found(d, "narrative.reason_missing")
    assert [(f["rule"], f["page"], f["severity"]) for f in out] == [("narrative.reason_missing", 9, "warning")]


def test_no_reason_asked_where_the_template_gives_none():
    d = clean_doc()
    d["paragraphs"] += [{"text": t.split("，主要原因")[0] + "。", "page": 3} for t in CHANGES]
    assert found(d, "narrative.reason_missing") == []


def test_a_table_in_yuan_under_a_wan_heading():
    d = clean_doc()
    d["totals"] = {"expenditure_total": "120.00"}
    rows = d["tables"][1]["rows"]
    for row in rows[1:]:
        for c in range(2, 5):
            if row[c]:
                row[c] = f"{float(row[c].replace(',', '')) * 10000:,.2f}"
    out = found(d, "unit.table_scale")
    assert [(f["rule"], f["page"]) for f in out] == [("unit.table_scale", 5)]
    assert "一万倍" in out[0]["message"]
    d["totals"] = {"expenditure_total": "1200000.00"}
    assert found(d, "unit.table_scale") == []
