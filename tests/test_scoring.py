"""The self-evaluation scoring engine (analysis/scoring.py).

First the seed 002 items the issue names, with the expected values worked out
by hand from the printed table; then constructed tables with other numbers, so
that nothing in the engine is tied to these documents.
"""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from analysis import scoring
from analysis.scoring import ScoringConfig, evaluate, execution_points, grade, months_in, parse_value, score_indicator
from golden import seed_path
from pipeline import parse_bytes

CFG = ScoringConfig()


@pytest.fixture(scope="module")
def qinglong() -> dict[int, dict]:
    doc = parse_bytes(seed_path("002").read_bytes(), "002.txt")
    return {e["item"]: e for e in doc["self_evaluations"]}


def rules(rec: dict) -> list[str]:
    return [f["rule"] for f in rec["findings"]]


def finding(rec: dict, rule: str) -> dict:
    return next(f for f in rec["findings"] if f["rule"] == rule)


def indicator(rec: dict, name: str) -> dict:
    return next(i for i in rec["indicators"] if i["level3"] == name)


# --------------------------------------------------------------------------- seed 002, worked by hand


def test_item3_execution_397_percent_gives_397_points(qinglong):
    # 执行数 6.947035 / 预算数 17.5 = 0.396973… → 39.70 %; min(0.396973, 1) × 10 = 3.97
    rec = qinglong[3]
    assert rec["execution_rate"] == D("39.7") and rec["execution_points"] == D("3.969734")
    assert rec["computed_execution_rate"] == D("39.70")
    assert rec["computed_execution_points"] == D("3.97")
    assert "score.execution_rate" not in rules(rec)  # 39.7 and 3.969734 follow from the amounts
    # 成本预算控制数 ≤7.5万元, actual 6.947035 (no unit: read in 万元): met, 15 not 10
    cost = indicator(rec, "成本预算控制数")
    assert cost["computed_score"] == D("15.00") and cost["reported_score"] == D(10)
    assert "万元" in cost["interpretation"]
    # total: 3.97 + 10 + 10 + 15 + 15 + 15 + 15 + 10 = 93.97 (优), reported 88.97 (良)
    assert rec["computed_score"] == D("93.97")
    assert (rec["grade"], rec["reported_grade"]) == ("优", "良")


def test_item5_nothing_spent(qinglong):
    rec = qinglong[5]
    assert rec["executed"] == 0 and rec["budget"] == D("99.600000")
    assert rec["computed_execution_rate"] == D("0.00") and rec["computed_execution_points"] == D("0.00")
    cost = indicator(rec, "成本预算控制数")
    assert (cost["operator"], cost["target"], cost["unit"], cost["actual"]) == ("≤", "99.6", "万元", "0")
    # ≤99.6万元 with actual 0 is not 'met': the money was not spent
    assert cost["rule"] == "cost.zero_spend" and cost["computed_score"] == 0
    zero = finding(rec, "score.zero_spend")
    assert "执行数为0" in zero["message"] and "9项指标" in zero["message"]
    # the table's own parts: 0.00+10+5+10+10+10+10+9+9 (+ 救助对象覆盖比例 without a score) + 0 = 73 ≠ 83
    total = finding(rec, "score.sum_mismatch")
    assert "83" in total["message"] and "73" in total["message"] and "救助对象覆盖比例" in total["message"]
    # recomputed: 0 (execution) + 0 (cost) + 10 + 5 + 10 + 10 + 10 (平均成本 '大于50' carried) + 10 + 10 + 10 + 10 = 85
    assert rec["computed_score"] == D("85.00")
    avg = indicator(rec, "平均成本")
    assert avg["computed_score"] is None and "大于50" in avg["explanation"]
    assert rec["carried_over"] == [rec["indicators"].index(avg)]
    assert rec["computed_complete"] is False


def test_item12_narrative_98_table_97(qinglong):
    rec = qinglong[12]
    assert (rec["narrative_score"], rec["reported_score"]) == (D(98), D(97))
    msg = finding(rec, "score.narrative_mismatch")["message"]
    assert "98" in msg and "97" in msg
    assert "score.sum_mismatch" not in rules(rec)  # 87 + 10 = 97


def test_item13_violation_rate_50_marked_done(qinglong):
    rec = qinglong[13]
    ind = indicator(rec, "违规率")
    assert (ind["operator"], ind["target"], ind["unit"], ind["actual"], ind["status"], ind["reported_score"]) == (
        "≤", "5", "%", "50", "完成", D(10)
    )
    # 反向: 50 ≥ 2 × 5 → 0 points
    assert ind["computed_score"] == 0 and ind["rule"] == "quant.lower"
    f = finding(rec, "score.status_vs_actual")
    assert "违规率" in f["message"] and "50" in f["message"] and f["severity"] == "error"


def test_item16_rate_printed_8484_but_amounts_give_5408(qinglong):
    rec = qinglong[16]
    # 2569.81145 / 4752.18855 = 0.540764… → 54.08 %, points 5.41
    assert rec["computed_execution_rate"] == D("54.08")
    assert rec["computed_execution_points"] == D("5.41")
    messages = [f["message"] for f in rec["findings"] if f["rule"] == "score.execution_rate"]
    assert any("84.84" in m and "54.08" in m for m in messages)
    assert any("8.484163" in m and "5.41" in m and "执行率84.84%相符" in m for m in messages)
    assert any(f["rule"] == "score.narrative_amounts" and "2569.8" in f["message"] for f in rec["findings"])


def test_item18_goals_zero_while_all_done(qinglong):
    rec = qinglong[18]
    assert [g["completion_rate"] for g in rec["goals"]] == [D("0.00"), D("0.00")]
    assert all(i["status"] == "完成" for i in rec["indicators"])
    assert "9项指标" in finding(rec, "score.goal_completion")["message"]


def test_awareness_rate_at_target_scored_8_of_10(qinglong):
    rec = qinglong[1]
    ind = indicator(rec, "医疗救助政策知晓率")
    assert (ind["operator"], ind["target"], ind["unit"], ind["actual"]) == ("≥", "90", "%", "0.9")
    # 0.9 against a % target is read as 90 %: the target is met, full 10 points
    assert "0.9" in ind["interpretation"] and "90%" in ind["interpretation"]
    assert ind["computed_score"] == D(10) and ind["reported_score"] == D(8)
    f = next(f for f in rec["findings"] if f["rule"] == "score.deduction_met" and f.get("indicator") == rec["indicators"].index(ind))
    assert "扣2分" in f["message"]


def test_every_item_is_scored_and_explained(qinglong):
    assert len(qinglong) == 19
    for rec in qinglong.values():
        assert rec["grade"] in ("优", "良", "中", "差")
        for ind in rec["indicators"]:
            assert ind["explanation"]
            assert ind["rule"]
            if ind["computed_score"] is None:
                assert ind["rule"].startswith("unscorable")


# --------------------------------------------------------------------------- printed values


@pytest.mark.parametrize(
    "text,op,value,unit",
    [
        ("≥90百分比", "≥", D("90"), "百分比"),
        (">= 5 万人次", "≥", D("5"), "万人次"),
        ("<= 81.00 人", "≤", D("81.00"), "人"),
        ("10 0 %", None, D("100"), "%"),
        ("≤ 39 人", "≤", D("39"), "人"),
        ("<0.42万元", "<", D("0.42"), "万元"),
        ("2117.44 平方米", None, D("2117.44"), "平方米"),
        ("12月底前", "≤", D("12"), "月底"),
        ("不晚于12月底", "≤", D("12"), "月底"),
        ("90%以上", "≥", D("90"), "%"),
        ("10-15项", "∈", D("10"), "项"),
        ("约6类", "≈", D("6"), "类"),
        ("20余次", ">", D("20"), "次"),
        ("有所保障", None, None, None),
        ("及时", None, None, None),
    ],
)
def test_parse_value(text, op, value, unit):
    pv = parse_value(text)
    assert (pv.operator, pv.value, pv.unit) == (op, value, unit)


def test_months():
    assert months_in("12月底前") == [12]
    assert months_in("6月底、12月底") == [6, 12]
    assert months_in("次年 5 月之前") == [17]
    assert months_in("申报时间 3 个月内") == []


# --------------------------------------------------------------------------- constructed tables


def ind(**kw) -> dict:
    base = {"level1": "产出指标", "level2": "数量指标", "level3": "指标", "weight": D(10), "operator": "≥",
            "target": None, "value": None, "unit": None, "actual": None, "status": "完成", "reported_score": None}
    base.update(kw)
    if base["target"] is not None and base["value"] is None:
        base["value"] = scoring.to_decimal(base["target"])
    return base


def test_execution_points_rule():
    r = execution_points(D("200"), D("150"), D("10"))
    assert (r.rate, r.points) == (D("75.00"), D("7.50"))
    assert execution_points(D("200"), D("150"), D("20")).points == D("15.00")
    over = execution_points(D("80"), D("100"), D("10"))
    assert (over.rate, over.points) == (D("125.00"), D("10.00")) and "超过100%" in over.explanation
    zero = execution_points(D("0"), D("5"), D("10"))
    assert zero.points is None and zero.rule == "execution.unscorable"


def test_higher_is_better_partly_met():
    # 20 × 60 / 80 = 15
    r = score_indicator(ind(weight=D(20), operator="≥", target="80", unit="%", actual="60%"), CFG)
    assert (r.computed_score, r.met, r.rule) == (D("15.00"), False, "quant.higher")
    assert "20 × 60 ÷ 80" in r.explanation


def test_lower_is_better_bands():
    # 10 × (1 − (130 − 100) / 100) = 7
    r = score_indicator(ind(operator="≤", target="100", unit="元", actual="130元"), CFG)
    assert r.computed_score == D("7.00") and r.rule == "quant.lower"
    assert score_indicator(ind(operator="≤", target="100", unit="元", actual="200元"), CFG).computed_score == 0
    assert score_indicator(ind(operator="<", target="100", unit="元", actual="99"), CFG).computed_score == D(10)


def test_equal_scored_as_higher_when_missed():
    r = score_indicator(ind(weight=D(8), operator="=", target="12", unit="次", actual="9次"), CFG)
    assert r.computed_score == D("6.00") and r.rule == "quant.equal"
    assert score_indicator(ind(weight=D(8), operator="=", target="12", unit="次", actual="12"), CFG).computed_score == D(8)


def test_missing_operator_is_read_as_equal_and_recorded():
    r = score_indicator(ind(operator=None, target="100", unit="%", actual="100%"), CFG)
    assert r.computed_score == D(10) and "未写比较符号" in r.interpretation


def test_fraction_against_percent_target_is_recorded():
    r = score_indicator(ind(weight=D(17), operator="≥", target="85", unit="%", actual="0.8"), CFG)
    assert "0.8" in r.interpretation and "80%" in r.interpretation
    assert r.computed_score == D("16.00")  # 17 × 80 / 85
    # a target of 1 % is not a fraction case: 1 against ≥1% is 1 %
    r = score_indicator(ind(operator="≥", target="1", unit="%", actual="1"), CFG)
    assert r.computed_score == D(10) and "小数" not in (r.interpretation or "")


def test_percent_word_unit():
    r = score_indicator(ind(operator="≥", target="90", unit="百分比", actual="0.95"), CFG)
    assert r.computed_score == D(10) and "95%" in r.interpretation and "“百分比”读作%" in r.interpretation


def test_unit_conversion_and_mismatch():
    r = score_indicator(ind(level2="成本指标", operator="≤", target="2", unit="万元", actual="15000元"), CFG)
    assert r.computed_score == D(10) and "换算" in r.interpretation
    r = score_indicator(ind(operator="≥", target="30", unit="户", actual="40人"), CFG)
    assert r.computed_score is None and r.rule == "unscorable.unit" and "户" in r.explanation


def test_deadline_interpretation():
    r = score_indicator(ind(operator="文字描述", target="不晚于10月底", actual="9月底前"), CFG)
    assert r.computed_score == D(10) and r.rule == "deadline.met" and "10月" in r.interpretation
    late = score_indicator(ind(operator="文字描述", target="不晚于10月底", actual="11月"), CFG)
    assert late.computed_score is None and "逾期" in late.explanation


def test_qualitative_bands():
    # '有所保障' is qualitative: 达成 allows 80–100 % of the weight
    ok = score_indicator(ind(weight=D(20), operator=None, target="有所保障", actual="有所保障", reported_score=D(17)), CFG)
    assert (ok.computed_score, ok.rule, ok.band) == (D(17), "qualitative.band", (D("16.00"), D("20.00")))
    assert "定性" in ok.interpretation and "有所保障" in ok.interpretation
    low = score_indicator(ind(weight=D(20), operator=None, target="有所保障", actual="已保障", reported_score=D(12)), CFG)
    assert low.computed_score == D("16.00") and "不在档内" in low.explanation
    part = score_indicator(
        ind(weight=D(10), operator=None, target="有所提高", actual="略有提高", status="部分完成", reported_score=D(7)), CFG
    )
    assert part.band == (D("6.00"), D("8.00")) and part.computed_score == D(7)
    none = score_indicator(ind(operator=None, target="有所提高", actual="……", status=None, reported_score=D(9)), CFG)
    assert none.computed_score is None and "完成情况" in none.explanation


def test_other_bands_from_config():
    cfg = ScoringConfig(band_achieved=(D("0.9"), D("1")))
    r = score_indicator(ind(weight=D(10), operator=None, target="有所保障", actual="是", reported_score=D(8)), cfg)
    assert r.band == (D("9.00"), D("10.00")) and r.computed_score == D("9.00")


def table(**kw) -> dict:
    rec = {
        "name": "构造项目",
        "budget": D("50"),
        "received": D("50"),
        "executed": D("40"),
        "execution_rate": D("80"),
        "execution_weight": D("10"),
        "execution_points": D("8"),
        "reported_score": None,
        "narrative_score": None,
        "goals": [],
        "indicators": [
            ind(level1="产出指标", level2="数量指标", level3="培训人数", weight=D(30), target="200", unit="人", actual="180人", reported_score=D(27)),
            ind(level1="产出指标", level2="成本指标", level3="培训成本", weight=D(20), operator="≤", target="40", unit="万元", actual="40", reported_score=D(20)),
            ind(level1="效益指标", level2="社会效益指标", level3="合格率", weight=D(30), target="95", unit="%", actual="0.97", reported_score=D(25)),
            ind(level1="满意度指标", level2="服务对象满意度指标", level3="满意度", weight=D(10), target="90", unit="%", actual="92%", reported_score=D(10)),
        ],
    }
    rec.update(kw)
    return rec


def test_constructed_table_recomputed():
    rec = table(reported_score=D(90))
    out = evaluate(rec, CFG)
    # execution 40/50 → 8.00; 30 × 180/200 = 27; 20; 30 (0.97 → 97 % ≥ 95 %); 10 → 95.00
    assert out["computed_execution_points"] == D("8.00")
    assert [r["computed_score"] for r in out["indicator_results"]] == [D("27.00"), D(20), D(30), D(10)]
    assert out["computed_score"] == D("95.00") and out["grade"] == "优"
    rules_ = [f["rule"] for f in out["findings"]]
    assert "score.deduction_met" in rules_  # 合格率 met (97 % ≥ 95 %), scored 25 of 30
    assert "score.sum_mismatch" not in rules_  # 27 + 20 + 25 + 10 + 8 = 90
    total = next(f for f in out["findings"] if f["rule"] == "score.recomputed_total")
    assert "95" in total["message"] and "90" in total["message"]


def test_constructed_sum_mismatch():
    out = evaluate(table(reported_score=D(93)), CFG)
    msg = next(f["message"] for f in out["findings"] if f["rule"] == "score.sum_mismatch")
    assert "93" in msg and "90" in msg and "相差3" in msg


def test_constructed_sum_and_narrative():
    rec = table(reported_score=D(90), narrative_score=D(92))
    rec["indicators"][2]["reported_score"] = D(25)
    out = evaluate(rec, CFG)
    # parts: 27 + 20 + 25 + 10 + 8 = 90 → matches the total; the narrative says 92
    assert "score.sum_mismatch" not in [f["rule"] for f in out["findings"]]
    assert any(f["rule"] == "score.narrative_mismatch" and "92" in f["message"] for f in out["findings"])


def test_constructed_rate_and_points_that_do_not_follow():
    rec = table(execution_rate=D("95"), execution_points=D("9.5"), reported_score=D("91.5"))
    out = evaluate(rec, CFG)
    msgs = [f["message"] for f in out["findings"] if f["rule"] == "score.execution_rate"]
    assert any("95" in m and "80" in m for m in msgs)  # printed 95 %, amounts give 80 %
    assert any("9.5" in m and "8" in m for m in msgs)


def test_constructed_full_marks_and_split():
    rec = table()
    for i in rec["indicators"]:
        i["reported_score"] = i["weight"]
        i["actual"] = i["target"] + (i["unit"] or "")
    out = evaluate(rec, CFG)
    assert any(f["rule"] == "score.full_marks" for f in out["findings"])
    assert not any(f["rule"] == "score.weights_split" for f in out["findings"])  # 30+20 / 30 / 10: the guidance
    rec["indicators"][2]["level1"] = "产出指标"
    out = evaluate(rec, CFG)
    split = next(f for f in out["findings"] if f["rule"] == "score.weights_split")
    assert split["severity"] == "info" and "产出（含成本）80" in split["message"] and "效益0" in split["message"]
    rec["indicators"][0]["weight"] = D(25)
    out = evaluate(rec, CFG)
    split = next(f for f in out["findings"] if f["rule"] == "score.weights_split")
    assert split["severity"] == "warning" and "85" in split["message"]


def test_constructed_zero_spend_and_goals():
    rec = table(executed=D(0), execution_points=D(0), goals=[{"goal": "目标", "result": "完成", "completion_rate": D("50")}])
    rec["indicators"][1]["actual"] = "0"
    out = evaluate(rec, CFG)
    rules_ = [f["rule"] for f in out["findings"]]
    assert "score.zero_spend" in rules_ and "score.goal_completion" in rules_
    cost = out["indicator_results"][1]
    assert cost["rule"] == "cost.zero_spend" and cost["computed_score"] == 0


def test_grades_and_thresholds():
    assert [grade(D(x), CFG) for x in (90, D("89.99"), 80, 79, 60, D("59.9"))] == ["优", "良", "良", "中", "中", "差"]
    strict = ScoringConfig(grade_excellent=D(95), grade_good=D(85), grade_fair=D(70))
    assert [grade(D(x), strict) for x in (94, 85, 69)] == ["良", "良", "差"]


def test_config_from_settings(monkeypatch):
    monkeypatch.setenv("BUDGETLENS_GRADE_EXCELLENT", "95")
    monkeypatch.setenv("BUDGETLENS_SCORE_BAND_ACHIEVED", "0.85-1")
    cfg = ScoringConfig.from_settings()
    assert cfg.grade_excellent == D(95) and cfg.band_achieved == (D("0.85"), D("1"))
    assert grade(D(92), cfg) == "良"


# --------------------------------------------------------------------------- the review's rules as a registry


def test_review_rules_are_registered_functions_run_in_their_passes():
    from analysis import rules as registry

    execution = [r.id for r in registry.rules_for("execution")]
    per_indicator = [r.id for r in registry.rules_for("indicator")]
    whole = [r.id for r in registry.rules_for("self_evaluation")]
    assert execution == ["score.execution_unscorable", "score.execution_rate"]
    assert per_indicator[0] == "score.missing_score" and per_indicator[-1] == "score.indicator"
    assert "score.sum_mismatch" in whole and "score.narrative_amounts" in whole
    # none of them is run by run_rules on the whole document
    assert not {r.id for r in registry.rule_functions()} & set(execution + per_indicator + whole)
    # the findings come out pass by pass: 预算执行率, then the indicators, then the whole table
    out = evaluate(table(reported_score=D(93), execution_points=D(9)), CFG)
    order = [f["rule"] for f in out["findings"]]
    assert order.index("score.execution_rate") < order.index("score.deduction_met") < order.index("score.sum_mismatch")
    # a rule's default severity is stamped from the registry; a rule may say another
    assert finding(out, "score.execution_rate")["severity"] == registry.RULES["score.execution_rate"].severity == "error"


def test_a_new_indicator_rule_is_one_function_and_the_first_finding_speaks(monkeypatch):
    from analysis import rules as registry
    from analysis import scoring_rules

    def every_output(r, s):
        """Example: every 产出指标 (a test rule)."""
        if s.ind.get("level1") == "产出指标":
            yield scoring_rules.report(f"“{s.label}”是产出指标", indicator=s.index)

    entry = registry.Rule("score.test_output", "scoring", "测试规则", "info", "Example: none.", every_output,
                          ("analysis.scoring_rules", 0), "indicator")  # line 0: before the others
    monkeypatch.setitem(registry.RULES, entry.id, entry)
    out = evaluate(table(), CFG)
    mine = [f for f in out["findings"] if f["rule"] == "score.test_output"]
    assert [f["indicator"] for f in mine] == [0, 1] and all(f["severity"] == "info" for f in mine)
    # it speaks first for the two 产出 indicators, so no other indicator rule does for them
    others = [f for f in out["findings"] if f.get("indicator") in (0, 1) and f["rule"] != "score.test_output"]
    assert others == []
    # the 效益 indicator scored 25 of 30 although met still gets its finding
    assert any(f["rule"] == "score.deduction_met" and f["indicator"] == 2 for f in out["findings"])
