"""Re-scoring project self-evaluations (项目支出绩效自评表).

Pure functions: a self-evaluation record (as the loader produces it, see
``loaders.recognise.performance_selfeval``) goes in, the recomputed scores and
the findings come out.  Nothing here reads files or settings at import time;
:class:`ScoringConfig` collects the weights, bands and grade thresholds from
``settings`` (or from the caller, so tests can use other numbers).

The rules are those of DESIGN.md §4 (财预〔2020〕10号 and its 单位自评 templates):

* total 100 = 预算执行率 10 + indicator points 90;
* 预算执行率 points = min(执行数 / 预算数, 1) × weight; 预算数 0 or blank: not scorable;
* quantitative indicator, weight w, target t, actual a (same unit):
  正向 (≥ >): a meets t → w, else w × a / t;
  反向 (≤ <): a meets t → w; t < a < 2t → w × (1 − (a − t) / t); a ≥ 2t → 0;
  等于 (=): a == t → w, else scored as 正向 when t > 0;
* qualitative indicator: 达成 80–100 % of w, 部分达成 60–80 %, 未达成 0–60 %; the
  reported score must fall in its band;
* grade: 优 ≥ 90, 良 80–<90, 中 60–<80, 差 < 60.

Every interpretation the engine makes (a fraction 0.9 read as 90 %, a missing
operator read as "=", "12月底前" read as a December deadline, …) is recorded in
words on the indicator, and every difference from the reported scores becomes
a finding that names the rule and the numbers.  An indicator that cannot be
scored says why; its reported score is carried into the recomputed total and
the total says so.

Layout: ``scoring_config`` (parameters, numbers, grade, 预算执行率 points),
``scoring_indicators`` (one indicator) and here the whole table (:func:`evaluate`).
"""
from __future__ import annotations

from decimal import Decimal

from analysis.scoring_config import (
    HUNDRED, ONE, ZERO, ScoringConfig, execution_points, fmt, grade, indicator_section, months_in, round2, unit_base,
)
from analysis.scoring_indicators import score_indicator
from loaders.recognise.values import (  # reading a printed value is the recognisers'; judging it is ours
    ParsedValue,
    normalise_operator,
    parse_value,
    status_class,
    to_decimal,
)


__all__ = [
    "ScoringConfig",
    "ParsedValue",
    "parse_value",
    "normalise_operator",
    "unit_base",
    "months_in",
    "status_class",
    "execution_points",
    "score_indicator",
    "evaluate",
    "grade",
    "fmt",
    "to_decimal",
]


# --------------------------------------------------------------------------- whole table


def _finding(rule: str, severity: str, message: str, **extra) -> dict:
    out = {"rule": rule, "severity": severity, "message": message}
    out.update({k: v for k, v in extra.items() if v is not None})
    return out


def _printed_tolerance(printed: Decimal, base: Decimal) -> Decimal:
    """Half a unit of the last printed decimal place, plus ``base``."""
    exp = printed.as_tuple().exponent
    half = Decimal(5) * Decimal(10) ** (exp - 1) if isinstance(exp, int) and exp < 0 else Decimal("0.5")
    return half + base


def _section(ind: dict) -> str:
    return indicator_section(ind.get("level1") or "", ind.get("level2") or "") or "output"


def evaluate(record: dict, cfg: ScoringConfig | None = None) -> dict:
    """Recompute a self-evaluation.  Returns the keys to merge into the record:
    computed_execution_rate, computed_execution_points, execution_explanation,
    computed_score, computed_complete, carried_over, grade, reported_grade,
    indicator_results (one dict per indicator, same order) and findings."""
    cfg = cfg or ScoringConfig.from_settings()
    tol = cfg.tolerance
    findings: list[dict] = []
    budget = record.get("budget")
    executed = record.get("executed")
    indicators = record.get("indicators") or []

    # 1. budget execution
    weight = record.get("execution_weight") or cfg.execution_weight
    ex = execution_points(budget, executed, weight)
    if ex.points is None:
        findings.append(_finding("score.execution_unscorable", "warning", ex.explanation))
    else:
        printed_rate = record.get("execution_rate")
        if printed_rate is not None and abs(printed_rate - ex.rate) > _printed_tolerance(printed_rate, cfg.rate_tolerance):
            findings.append(
                _finding(
                    "score.execution_rate",
                    "error",
                    f"表中预算执行率为{fmt(printed_rate)}%，但执行数{fmt(executed)} ÷ 预算数{fmt(budget)} = {fmt(ex.rate)}%",
                )
            )
        printed_points = record.get("execution_points")
        if printed_points is not None and abs(printed_points - ex.points) > tol:
            follows = ""
            if printed_rate is not None:
                from_rate = round2(min(printed_rate / HUNDRED, ONE) * weight)
                if abs(from_rate - printed_points) <= tol:
                    follows = f"（{fmt(printed_points)}与表中印的执行率{fmt(printed_rate)}%相符，而非与金额相符）"
            findings.append(
                _finding(
                    "score.execution_rate",
                    "error",
                    f"预算执行率得分印为{fmt(printed_points)}，按 min(执行数÷预算数, 1) × {fmt(weight)} 应为{fmt(ex.points)}{follows}",
                )
            )

    # 2. indicators
    results = [score_indicator(ind, cfg, executed) for ind in indicators]
    carried: list[int] = []
    computed_parts: list[Decimal] = []
    for i, (ind, res) in enumerate(zip(indicators, results)):
        reported = ind.get("reported_score")
        w = ind.get("weight")
        label = ind.get("level3") or ind.get("description") or f"第{i + 1}项指标"
        if res.computed_score is None:
            if reported is not None:
                carried.append(i)
                computed_parts.append(reported)
            continue
        computed_parts.append(res.computed_score)
        status = status_class(ind.get("status"))
        if reported is None:
            findings.append(
                _finding(
                    "score.missing_score",
                    "warning",
                    f"“{label}”（分值{fmt(w)}）没有自评得分；复核得分为{fmt(res.computed_score)}",
                    indicator=i,
                )
            )
            continue
        diff = reported - res.computed_score
        if res.kind in ("quantitative", "deadline") and res.met is False and status == "achieved":
            findings.append(
                _finding(
                    "score.status_vs_actual",
                    "error",
                    f"“{label}”标为“{ind.get('status')}”，但{res.explanation}；自评得分{fmt(reported)}",
                    indicator=i,
                )
            )
        elif res.kind in ("quantitative", "deadline") and res.met and diff < -tol:
            findings.append(
                _finding(
                    "score.deduction_met",
                    "warning",
                    f"“{label}”已达到目标却被扣分：{res.explanation}，自评只给{fmt(reported)}分（扣{fmt(-diff)}分）",
                    indicator=i,
                )
            )
        elif res.kind == "qualitative" and res.band and not (res.band[0] <= reported <= res.band[1]):
            findings.append(
                _finding("score.qualitative_band", "warning", f"“{label}”：{res.explanation}", indicator=i)
            )
        elif abs(diff) > tol:
            findings.append(
                _finding(
                    "score.indicator",
                    "warning",
                    f"“{label}”自评得分{fmt(reported)}，复核得分{fmt(res.computed_score)}：{res.explanation}",
                    indicator=i,
                )
            )

    # 3. the reported total against its parts and the narrative
    reported_total = record.get("reported_score")
    reported_parts = [ind.get("reported_score") for ind in indicators if ind.get("reported_score") is not None]
    printed_points = record.get("execution_points")
    if reported_total is not None and (reported_parts or printed_points is not None):
        parts_sum = sum(reported_parts, ZERO) + (printed_points or ZERO)
        if abs(parts_sum - reported_total) > tol:
            missing = [ind for ind in indicators if ind.get("reported_score") is None and ind.get("weight") is not None]
            hint = ""
            if missing:
                names = "、".join(f"“{m.get('level3') or '?'}”（分值{fmt(m.get('weight'))}）" for m in missing)
                hint = f"；{names}没有得分"
            findings.append(
                _finding(
                    "score.sum_mismatch",
                    "error",
                    f"自评总分{fmt(reported_total)}与各项得分之和{fmt(parts_sum)}（指标得分{fmt(sum(reported_parts, ZERO))}"
                    f" + 预算执行率得分{fmt(printed_points or ZERO)}）不符，相差{fmt(reported_total - parts_sum)}{hint}",
                )
            )
    narrative = record.get("narrative_score")
    if narrative is not None and reported_total is not None and abs(narrative - reported_total) > tol:
        findings.append(
            _finding(
                "score.narrative_mismatch",
                "error",
                f"情况说明中的自评得分为{fmt(narrative)}分，表中自评总分为{fmt(reported_total)}分",
            )
        )

    # 4. habits: full marks everywhere, zero spend scored as done, goals against indicators
    weighted = [ind for ind in indicators if ind.get("weight") is not None]
    if weighted and all(
        ind.get("reported_score") is not None and abs(ind["reported_score"] - ind["weight"]) <= tol for ind in weighted
    ):
        findings.append(
            _finding(
                "score.full_marks",
                "info",
                f"全部{len(weighted)}项指标均为满分，自评可能未按实际完成情况打分",
            )
        )
    if executed is not None and executed == 0 and budget:
        done = [ind for ind in indicators if status_class(ind.get("status")) == "achieved"]
        if done:
            findings.append(
                _finding(
                    "score.zero_spend",
                    "error",
                    f"执行数为0（预算数{fmt(budget)}万元），资金未支出，却有{len(done)}项指标标为“完成”"
                    f"（自评总分{fmt(reported_total)}）",
                )
            )
    goals = record.get("goals") or []
    low = [g for g in goals if g.get("completion_rate") is not None and g["completion_rate"] < HUNDRED]
    if low and indicators and all(status_class(ind.get("status")) == "achieved" for ind in weighted):
        rates = "、".join(fmt(g["completion_rate"]) for g in low)
        findings.append(
            _finding(
                "score.goal_completion",
                "warning",
                f"年度目标的总体完成率为{rates}%，但全部{len(weighted)}项指标均标为“完成”",
            )
        )

    # 5. the split of indicator weights
    if weighted:
        total_w = sum((ind["weight"] for ind in weighted), ZERO)
        split = {"output": ZERO, "effect": ZERO, "satisfaction": ZERO}
        for ind in weighted:
            split[_section(ind)] += ind["weight"]
        guide = {"output": cfg.split_output, "effect": cfg.split_effect, "satisfaction": cfg.split_satisfaction}
        if abs(total_w - cfg.indicator_total) > tol:
            findings.append(
                _finding(
                    "score.weights_split",
                    "warning",
                    f"指标分值合计{fmt(total_w)}，应为{fmt(cfg.indicator_total)}（另有预算执行率{fmt(weight)}分）",
                )
            )
        elif any(abs(split[k] - guide[k]) > tol for k in split):
            findings.append(
                _finding(
                    "score.weights_split",
                    "info",
                    f"指标分值为产出（含成本）{fmt(split['output'])}、效益{fmt(split['effect'])}、满意度{fmt(split['satisfaction'])}，"
                    f"与指导分值产出{fmt(guide['output'])}、效益{fmt(guide['effect'])}、满意度{fmt(guide['satisfaction'])}不同",
                )
            )

    # 6. duplicated indicators
    seen: dict[tuple, int] = {}
    for i, ind in enumerate(weighted):
        key = (ind.get("level3"), ind.get("description"), ind.get("target"), ind.get("actual"))
        if key[0] and key in seen:
            findings.append(
                _finding(
                    "score.duplicate_indicator",
                    "info",
                    f"“{ind.get('level3')}”在{ind.get('level1') or ''}下重复出现（与{weighted[seen[key]].get('level1') or ''}下的同名指标相同）",
                )
            )
        seen.setdefault(key, i)

    computed_total = None
    if ex.points is not None or computed_parts:
        computed_total = round2(sum(computed_parts, ZERO) + (ex.points if ex.points is not None else ZERO))
    unscorable = [i for i, r in enumerate(results) if r.computed_score is None and indicators[i].get("weight") is not None]
    if carried:
        names = "、".join(f"“{indicators[i].get('level3') or i + 1}”" for i in carried)
        findings.append(
            _finding(
                "score.unscorable",
                "info",
                f"{len(carried)}项指标无法复核（{names}），复核总分中沿用其自评得分",
            )
        )
    if computed_total is not None and reported_total is not None and abs(computed_total - reported_total) > tol:
        findings.append(
            _finding(
                "score.recomputed_total",
                "warning" if abs(computed_total - reported_total) >= 1 else "info",
                f"按规则复核总分为{fmt(computed_total)}（{grade(computed_total, cfg)}），自评总分为{fmt(reported_total)}"
                f"（{grade(reported_total, cfg)}），相差{fmt(computed_total - reported_total)}",
            )
        )
    return {
        "computed_execution_rate": ex.rate,
        "computed_execution_points": ex.points,
        "execution_rule": ex.rule,
        "execution_explanation": ex.explanation,
        "computed_score": computed_total,
        "computed_complete": not unscorable and ex.points is not None,
        "carried_over": carried,
        "grade": grade(computed_total, cfg),
        "reported_grade": grade(reported_total, cfg),
        "indicator_results": [r.as_dict() for r in results],
        "findings": findings,
    }
