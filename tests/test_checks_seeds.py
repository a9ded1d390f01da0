"""The known inconsistencies of the seeds (``known_inconsistencies`` in
../shared/fixtures/truth): one test per entry, each asserting the general
rule that finds it and the numbers it names.
"""
from __future__ import annotations

import pytest

from seed_findings import find, one, seed, self_evaluation_findings, truth


# ====================================================================== known inconsistencies: seed 000


def test_truth_entries_are_all_covered():
    """Every known inconsistency has a test below (counted per document)."""
    covered = {"000": 5, "001": 0, "002": 19, "003": 9, "004": 11}
    for key, n in covered.items():
        assert len(truth(key)) == n, key


def test_000_goal_text_amount_vs_budget():
    # 项目6: 绩效目标 "项目预计投入 3886 万元" vs 预算数 3539.32
    f = one(seed("000"), "performance.goal_amount", "error", found="3886", expected="3539.32")
    assert f["kind"] == "narrative_vs_table" and "3886" in f["message"] and "3539.32" in f["message"]


def test_000_implied_amount_vs_budget():
    # 项目12: 380 元/人 × 9000 人 = 342 万元 vs 预算数 180.00
    f = one(seed("000"), "performance.implied_amount", found="342", expected="180")
    assert "380" in f["message"] and "9000" in f["message"]


def test_000_quarterly_cost_indicator():
    # 项目8: 季度平均成本 '总成本/4个季度' 2.75万元 vs 5.00 / 4 = 1.25 (kind indicator)
    one(seed("000"), "performance.cost_per_period", found="2.75", expected="1.25")


def test_000_monthly_cost_text_vs_indicator():
    # 项目18: 月均成本不超过 0.08 万元 vs 成本指标 ≤0.04 万元/月
    one(seed("000"), "performance.monthly_cost", found="0.08", expected="0.04")


def test_000_spending_plan_percent_holds_amounts():
    doc = seed("000")
    hits = find(doc, "performance.plan_unit")
    assert len(hits) == 19
    assert any("125.00/250.00/375.00/500.00" in f["message"] for f in hits)
    assert any("5.16/10.31/15.47/20.62" in f["message"] for f in hits)


# ====================================================================== seed 002


def test_002_summary_expenditure_side_rounding():
    # 17,336.07 + 1.21 = 17,337.28 vs 总计 17,337.27
    f = one(seed("002"), "summary.side_sum", "info", found="17337.27", expected="17337.28")
    assert "1.21" in f["message"]


def test_002_expenditure_table_210_rounding():
    doc = seed("002")
    one(doc, "table.row_sum", "info", table="支出决算表", found="17246.17", expected="17246.18")
    one(doc, "table.code_sum", "info", table="支出决算表", found="17246.17", expected="17246.18")


def test_002_21012_rounding_in_three_tables():
    hits = find(seed("002"), "table.code_sum", "info", found="11443.94", expected="11443.95")
    assert {f["table"] for f in hits} == {"收入决算表", "支出决算表", "一般公共预算财政拨款支出决算表"}


def test_002_21015_rounding():
    doc = seed("002")
    one(doc, "table.code_sum", "info", table="支出决算表", found="365.45", expected="365.44")
    one(doc, "table.code_sum", "info", table="支出决算表", found="312.00", expected="311.99")


def test_002_expenditure_total_vs_classes():
    one(seed("002"), "table.code_sum", "info", table="支出决算表", found="17336.07", expected="17336.06")


def test_002_general_public_budget_table_rounding():
    doc = seed("002")
    t = "一般公共预算财政拨款支出决算表"
    one(doc, "table.row_sum", "info", table=t, found="17334.30", expected="17334.31")
    one(doc, "table.code_sum", "info", table=t, found="406.13", expected="406.12")
    one(doc, "table.code_sum", "info", table=t, found="328.23", expected="328.24")
    one(doc, "table.row_sum", "info", table=t, found="363.68", expected="363.69")
    one(doc, "table.code_sum", "info", table=t, found="310.24", expected="310.23")


def test_002_basic_table_302_rounding():
    f = one(seed("002"), "table.code_sum", "info", table="基本支出决算表", found="15.63", expected="15.62")
    assert "302" in f["message"]


def test_002_unit_slip_yuan_for_wan():
    f = one(seed("002"), "narrative.unit", "error", found="17334.30 元")
    assert f["kind"] == "unit" and "万元" in f["message"]


def test_002_self_evaluated_amount_vs_project_total():
    # 20168.3 万元 = 100% of 一般公共预算项目支出总额, but 公开05 项目支出 16,928.18
    f = one(seed("002"), "narrative.share", "error", found="100")
    assert "20168.30" in f["message"] and "16928.18" in f["message"]
    assert f["kind"] == "narrative_vs_table"


def test_002_grade_rate():
    f = one(seed("002"), "narrative.grade_rate", "error", found="62.5")
    assert "20/27" in f["message"] and "74.1" in f["message"]


@pytest.mark.parametrize(
    "number, rule",
    [
        (12, "score.narrative_mismatch"),  # found by the scoring engine (analysis.scoring), kept in the self-evaluation
        (16, "score.execution_rate"),
        (16, "score.narrative_amounts"),
        (13, "score.status_vs_actual"),
        (5, "score.sum_mismatch"),
        (18, "score.goal_completion"),
    ],
)
def test_002_self_evaluation_scoring_findings(number, rule):
    assert rule in {f["rule"] for f in self_evaluation_findings(seed("002"), number)}


def test_002_self_evaluation_16_cost_indicator():
    # 成本预算控制数 实际完成值 1500万元 against 执行数 2569.81145 (kind indicator)
    one(seed("002"), "performance.cost_actual", found="1500", expected="2569.81145")


def test_002_self_evaluation_11_cost_indicator():
    # 大病政府配套 实际 11.7 万 against 预算数 = 执行数 10.665
    one(seed("002"), "performance.cost_actual", found="11.7", expected="10.665")


def test_002_self_evaluation_12_and_18_narrative_describes_another_project():
    hits = find(seed("002"), "performance.self_evaluation_text")
    assert {"自评（12）", "自评（18）"} <= {f["message"][:6] for f in hits}
    assert len(hits) == 2


# ====================================================================== seed 003


def test_003_fiscal_summary_line_without_a_class():
    doc = seed("003")
    f = one(doc, "cross.class", "error", found="21.46")
    assert "201" in f["message"] and f["kind"] == "cross_table"
    one(doc, "summary.side_sum", "error", found="254.61", expected="276.07")


def test_003_three_public_subtotals_blank():
    doc = seed("003")
    f = one(doc, "three_public.sum", "error", expected="1.25")
    assert "小计" in f["message"]
    one(doc, "three_public.vehicle", "error", expected="1.25")
    # the 3.49 合计 holds only with 会议费 and 培训费, which are not 三公
    assert len(find(doc, "three_public.extra_rows", "warning")) == 2


def test_003_narrative_three_public_vs_table():
    one(seed("003"), "narrative.table", "error", found="1.25", expected="3.49")


@pytest.mark.parametrize(
    "rule, found, expected",
    [
        ("narrative.table", "220.19", "201.45"),  # the 基本支出 split
        ("narrative.table", "204.25", "186.59"),
        ("narrative.table", "15.94", "14.86"),
        ("narrative.table", "1229.79", "53.16"),  # the 项目支出 amount
        ("narrative.list_sum", "1229.79", "53.16"),
        ("narrative.sum", "254.61", "1449.98"),
    ],
)
def test_003_narrative_basic_split_and_project_amount(rule, found, expected):
    one(seed("003"), rule, "error", found=found, expected=expected)


def test_003_unit_slip_operating_expenses():
    f = one(seed("003"), "narrative.unit", "error", found="8.34元")
    assert "8.34" in f["message"]


def test_003_meeting_fee_vs_three_public_table():
    one(seed("003"), "narrative.table", "warning", found="0", expected="0.48")


def test_003_fixed_assets():
    doc = seed("003")
    one(doc, "narrative.table", "error", found="28.602443", expected="29")
    one(doc, "assets.sum", "error", found="29", expected="28.30")


def test_003_fixed_assets_date():
    f = one(seed("003"), "narrative.date", "warning", expected="2020-12-31", found="2021-12-31")
    assert f["kind"] == "date"


# ====================================================================== seed 004


def test_004_expenditure_rows_vs_total():
    doc = seed("004")
    for table in ("部门支出总体情况表", "一般公共预算支出情况表"):
        one(doc, "table.code_sum", "info", table=table, found="193.86", expected="193.84")
        one(doc, "table.code_sum", "info", table=table, found="165.42", expected="165.40")
        one(doc, "table.code_sum", "info", table=table, found="145.06", expected="145.05")


def test_004_classes_vs_summary_tables():
    doc = seed("004")
    hits = find(doc, "cross.class", "info", found="16.52", expected="16.51")
    assert len(hits) == 2  # 收支总体情况表 and 财政拨款收支总体情况表
    assert len(find(doc, "cross.class", "info", found="165.05", expected="165.04")) == 2


def test_004_basic_table_rows_vs_total():
    doc = seed("004")
    one(doc, "table.code_sum", "info", table="基本支出表", found="147.66", expected="147.65")
    one(doc, "table.code_sum", "info", table="基本支出表", found="165.42", expected="165.41")


def test_004_personnel_columns_vs_basic_table():
    doc = seed("004")
    one(doc, "cross.personnel", "info", found="147.66", expected="147.65")
    one(doc, "table.row_sum", "info", table="一般公共预算支出情况表", found="165.42", expected="165.41")


def test_004_economic_vs_function_line():
    f = one(seed("004"), "cross.economic_function", "info", found="7.58", expected="7.57")
    assert "30110" in f["message"] and "2101101" in f["message"]


def test_004_economic_summary_rows_vs_total():
    one(seed("004"), "table.rows_sum", "info", table="支出经济分类汇总表", found="193.86", expected="193.85")


def test_004_unit_slip():
    one(seed("004"), "narrative.unit", "error", found="165.42 元")


def test_004_department_target_budget_misaligned():
    f = one(seed("004"), "performance.department_budget", "warning")
    assert f["kind"] == "table_misalignment" and "错位" in f["message"]


def test_004_three_public_vs_economic_summary():
    f = one(seed("004"), "cross.three_public_economic", "error", found="3.70", expected="1.20")
    assert "30231" in f["message"]


def test_004_hundred_percent_increase_from_zero():
    f = one(seed("004"), "narrative.change", "error", found="100")
    assert f["kind"] == "narrative_arithmetic"


def test_004_cost_cap_above_project_amount():
    one(seed("004"), "performance.cost_cap", "warning", found="16.8", expected="3.00")
