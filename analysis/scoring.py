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

from analysis import scoring_rules
from analysis.rules import rules_for
from analysis.scoring_config import ZERO, ScoringConfig, execution_points, fmt, grade, months_in, round2, unit_base
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


def evaluate(record: dict, cfg: ScoringConfig | None = None) -> dict:
    """Recompute a self-evaluation.  Returns the keys to merge into the record:
    computed_execution_rate, computed_execution_points, execution_explanation,
    computed_score, computed_complete, carried_over, grade, reported_grade,
    indicator_results (one dict per indicator, same order) and findings (what
    the rules of ``analysis.scoring_rules`` found, pass by pass)."""
    cfg = cfg or ScoringConfig.from_settings()
    indicators = record.get("indicators") or []
    ex = execution_points(record.get("budget"), record.get("executed"), record.get("execution_weight") or cfg.execution_weight)
    results = [score_indicator(ind, cfg, record.get("executed")) for ind in indicators]
    carried: list[int] = []
    computed_parts: list[Decimal] = []
    for i, (ind, res) in enumerate(zip(indicators, results)):
        if res.computed_score is not None:
            computed_parts.append(res.computed_score)
        elif ind.get("reported_score") is not None:
            carried.append(i)
            computed_parts.append(ind["reported_score"])
    computed_total = None
    if ex.points is not None or computed_parts:
        computed_total = round2(sum(computed_parts, ZERO) + (ex.points if ex.points is not None else ZERO))
    review = scoring_rules.Review(record, cfg, ex, results, carried, computed_total)

    findings: list[dict] = []
    for entry in rules_for("execution"):
        findings += [scoring_rules.stamped(entry, f) for f in entry.check(review)]
    indicator_rules = rules_for("indicator")
    for i, (ind, res) in enumerate(zip(indicators, results)):
        if res.computed_score is None:
            continue
        scored = scoring_rules.Scored(i, ind, res)
        for entry in indicator_rules:  # the first rule that finds something speaks for the indicator
            found = [scoring_rules.stamped(entry, f) for f in entry.check(review, scored)]
            if found:
                findings += found
                break
    for entry in rules_for("self_evaluation"):
        findings += [scoring_rules.stamped(entry, f) for f in entry.check(review)]

    unscorable = [i for i, r in enumerate(results) if r.computed_score is None and indicators[i].get("weight") is not None]
    reported_total = record.get("reported_score")
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
