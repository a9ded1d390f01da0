"""The self-evaluation review's rules (绩效自评复核), one registered function each.

:func:`analysis.scoring.evaluate` re-scores a self-evaluation, then applies
these rules in three passes, each in the order the rules are written here:

* ``execution`` rules look at 预算执行率 and its points;
* ``indicator`` rules look at one scored indicator; for each indicator the
  first rule that finds something speaks (a missing score, then a status that
  contradicts the actual value, …), so an indicator gets one finding at most;
* ``self_evaluation`` rules look at the whole table (its total, its narrative,
  its habits, its weights).

Each rule is registered in :mod:`analysis.rules` with its id, name and default
severity; its docstring (with an example) is what docs/rules.md and the
数据质检 page say of it.  Adding a rule is adding one function here.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterator

from analysis.rules import Rule, rule
from analysis.scoring_config import HUNDRED, ONE, ZERO, ExecutionResult, ScoringConfig, fmt, grade, indicator_section, round2
from analysis.scoring_indicators import IndicatorResult
from loaders.recognise.values import status_class


def report(message: str, severity: str | None = None, **extra) -> dict:
    """What a rule found: its message, a severity other than the rule's default,
    and where (``indicator``: its index; ``page``).  :func:`stamped` names the rule."""
    return {"severity": severity, "message": message, **extra}


def stamped(entry: Rule, found: dict) -> dict:
    """A finding as the document keeps it: rule id, severity, message, then the rest."""
    severity = found.pop("severity") or entry.severity
    return {"rule": entry.id, "severity": severity, "message": found.pop("message"), **found}


def printed_tolerance(printed: Decimal, base: Decimal) -> Decimal:
    """Half a unit of the last printed decimal place, plus ``base``."""
    exp = printed.as_tuple().exponent
    half = Decimal(5) * Decimal(10) ** (exp - 1) if isinstance(exp, int) and exp < 0 else Decimal("0.5")
    return half + base


def section(ind: dict) -> str:
    return indicator_section(ind.get("level1") or "", ind.get("level2") or "") or "output"


@dataclass
class Review:
    """One self-evaluation as the engine re-scored it: what every rule reads."""

    record: dict
    cfg: ScoringConfig
    execution: ExecutionResult
    results: list[IndicatorResult]
    carried: list[int]  # indicators that could not be scored: their reported score is carried over
    computed_total: Decimal | None

    @property
    def tol(self) -> Decimal:
        return self.cfg.tolerance

    @property
    def indicators(self) -> list[dict]:
        return self.record.get("indicators") or []

    @property
    def weighted(self) -> list[dict]:
        return [ind for ind in self.indicators if ind.get("weight") is not None]

    @property
    def reported_total(self) -> Decimal | None:
        return self.record.get("reported_score")


@dataclass
class Scored:
    """One indicator with its recomputed result, for the ``indicator`` rules."""

    index: int
    ind: dict
    result: IndicatorResult

    @property
    def label(self) -> str:
        return self.ind.get("level3") or self.ind.get("description") or f"第{self.index + 1}项指标"

    @property
    def reported(self) -> Decimal | None:
        return self.ind.get("reported_score")

    @property
    def diff(self) -> Decimal | None:
        """自评得分 − 复核得分."""
        return None if self.reported is None else self.reported - self.result.computed_score

    @property
    def measured(self) -> bool:
        """Scored from a number or a date (not a qualitative band)."""
        return self.result.kind in ("quantitative", "deadline")


# --------------------------------------------------------------------------- 预算执行率


@rule("score.execution_unscorable", "scoring", "预算执行率无法计算", "warning", stage="execution")
def execution_unscorable(r: Review) -> Iterator[dict]:
    """预算数 or 执行数 is blank (or 预算数 is 0): the 10 points of 预算执行率 cannot be scored.

    Example: 预算数 0.00, 执行数 12.00 → “预算数为0，预算执行率无法计算，不计分”.
    """
    if r.execution.points is None:
        yield report(r.execution.explanation)


@rule("score.execution_rate", "scoring", "预算执行率计算", stage="execution")
def execution_rate(r: Review) -> Iterator[dict]:
    """The printed 预算执行率 and its points equal 执行数 ÷ 预算数 and min(rate, 1) × weight.

    Example: 执行数 90 ÷ 预算数 100 = 90%, but the table prints 95% (or 9.5 points instead of 9).
    """
    ex, record = r.execution, r.record
    if ex.points is None:
        return
    budget, executed = record.get("budget"), record.get("executed")
    printed_rate = record.get("execution_rate")
    if printed_rate is not None and abs(printed_rate - ex.rate) > printed_tolerance(printed_rate, r.cfg.rate_tolerance):
        yield report(f"表中预算执行率为{fmt(printed_rate)}%，但执行数{fmt(executed)} ÷ 预算数{fmt(budget)} = {fmt(ex.rate)}%")
    printed_points = record.get("execution_points")
    if printed_points is not None and abs(printed_points - ex.points) > r.tol:
        follows = ""
        if printed_rate is not None:
            from_rate = round2(min(printed_rate / HUNDRED, ONE) * ex.weight)
            if abs(from_rate - printed_points) <= r.tol:
                follows = f"（{fmt(printed_points)}与表中印的执行率{fmt(printed_rate)}%相符，而非与金额相符）"
        yield report(f"预算执行率得分印为{fmt(printed_points)}，按 min(执行数÷预算数, 1) × {fmt(ex.weight)} 应为{fmt(ex.points)}{follows}")


# --------------------------------------------------------------------------- one indicator


@rule("score.missing_score", "scoring", "指标缺少自评得分", "warning", stage="indicator")
def missing_score(r: Review, s: Scored) -> Iterator[dict]:
    """An indicator with a weight and a recomputed score has no 自评得分.

    Example: “培训人次”（分值10）没有自评得分；复核得分为10.
    """
    if s.reported is None:
        yield report(
            f"“{s.label}”（分值{fmt(s.ind.get('weight'))}）没有自评得分；复核得分为{fmt(s.result.computed_score)}",
            indicator=s.index,
        )


@rule("score.status_vs_actual", "scoring", "完成情况与实际完成值", stage="indicator")
def status_vs_actual(r: Review, s: Scored) -> Iterator[dict]:
    """An indicator marked 完成/达成 whose actual value misses its target.

    Example: 指标值 ≥95%, 实际完成值 90%, 完成情况 “完成”.
    """
    if s.reported is not None and s.measured and s.result.met is False and status_class(s.ind.get("status")) == "achieved":
        yield report(
            f"“{s.label}”标为“{s.ind.get('status')}”，但{s.result.explanation}；自评得分{fmt(s.reported)}",
            indicator=s.index,
        )


@rule("score.deduction_met", "scoring", "已达到目标仍被扣分", "warning", stage="indicator")
def deduction_met(r: Review, s: Scored) -> Iterator[dict]:
    """An indicator that met its target but was given less than its weight.

    Example: 指标值 ≥100 人次, 实际完成值 120 人次, 分值 10, 自评得分 8 (扣2分).
    """
    if s.reported is not None and s.measured and s.result.met and s.diff < -r.tol:
        yield report(
            f"“{s.label}”已达到目标却被扣分：{s.result.explanation}，自评只给{fmt(s.reported)}分（扣{fmt(-s.diff)}分）",
            indicator=s.index,
        )


@rule("score.qualitative_band", "scoring", "定性指标得分档次", "warning", stage="indicator")
def qualitative_band(r: Review, s: Scored) -> Iterator[dict]:
    """A qualitative indicator's score outside the band of its status (达成 80–100 %,
    部分达成 60–80 %, 未达成 0–60 % of its weight).

    Example: 分值 10, 完成情况 “部分达成”, 自评得分 10 (the band is 6–8).
    """
    res = s.result
    if s.reported is not None and res.kind == "qualitative" and res.band and not (res.band[0] <= s.reported <= res.band[1]):
        yield report(f"“{s.label}”：{res.explanation}", indicator=s.index)


@rule("score.indicator", "scoring", "指标得分与复核不同", "warning", stage="indicator")
def indicator_score(r: Review, s: Scored) -> Iterator[dict]:
    """Any other indicator whose 自评得分 differs from the recomputed score.

    Example: 正向指标 ≥100, 实际 80, 分值 10: 复核 10 × 80 ÷ 100 = 8, 自评 10.
    """
    if s.reported is not None and abs(s.diff) > r.tol:
        yield report(
            f"“{s.label}”自评得分{fmt(s.reported)}，复核得分{fmt(s.result.computed_score)}：{s.result.explanation}",
            indicator=s.index,
        )


# --------------------------------------------------------------------------- the whole table


@rule("score.sum_mismatch", "scoring", "自评总分 = 各项得分之和", stage="self_evaluation")
def sum_mismatch(r: Review) -> Iterator[dict]:
    """The reported total equals the indicators' scores plus the 预算执行率 points.

    Example: 自评总分 95, 指标得分 82 + 预算执行率得分 10 = 92.
    """
    reported_total = r.reported_total
    reported_parts = [ind.get("reported_score") for ind in r.indicators if ind.get("reported_score") is not None]
    printed_points = r.record.get("execution_points")
    if reported_total is None or not (reported_parts or printed_points is not None):
        return
    parts_sum = sum(reported_parts, ZERO) + (printed_points or ZERO)
    if abs(parts_sum - reported_total) <= r.tol:
        return
    missing = [ind for ind in r.indicators if ind.get("reported_score") is None and ind.get("weight") is not None]
    hint = ""
    if missing:
        names = "、".join(f"“{m.get('level3') or '?'}”（分值{fmt(m.get('weight'))}）" for m in missing)
        hint = f"；{names}没有得分"
    yield report(
        f"自评总分{fmt(reported_total)}与各项得分之和{fmt(parts_sum)}（指标得分{fmt(sum(reported_parts, ZERO))}"
        f" + 预算执行率得分{fmt(printed_points or ZERO)}）不符，相差{fmt(reported_total - parts_sum)}{hint}",
    )


@rule("score.narrative_mismatch", "scoring", "说明与表中的自评得分", stage="self_evaluation")
def narrative_mismatch(r: Review) -> Iterator[dict]:
    """The score the 情况说明 states equals the table's 自评总分.

    Example: 说明 “自评得分为98分”, 表中自评总分 96.
    """
    narrative, reported_total = r.record.get("narrative_score"), r.reported_total
    if narrative is not None and reported_total is not None and abs(narrative - reported_total) > r.tol:
        yield report(f"情况说明中的自评得分为{fmt(narrative)}分，表中自评总分为{fmt(reported_total)}分")


@rule("score.full_marks", "scoring", "全部满分", "info", stage="self_evaluation")
def full_marks(r: Review) -> Iterator[dict]:
    """Every weighted indicator given its full weight: the self-evaluation may not have scored what happened.

    Example: 12 项指标, each 自评得分 = 分值.
    """
    weighted = r.weighted
    if weighted and all(
        ind.get("reported_score") is not None and abs(ind["reported_score"] - ind["weight"]) <= r.tol for ind in weighted
    ):
        yield report(f"全部{len(weighted)}项指标均为满分，自评可能未按实际完成情况打分")


@rule("score.zero_spend", "scoring", "资金未支出却标为完成", stage="self_evaluation")
def zero_spend(r: Review) -> Iterator[dict]:
    """执行数 0 against a 预算数, yet indicators marked 完成.

    Example: 预算数 50.00, 执行数 0, 3 项指标 “完成”, 自评总分 90.
    """
    budget, executed = r.record.get("budget"), r.record.get("executed")
    if executed is None or executed != 0 or not budget:
        return
    done = [ind for ind in r.indicators if status_class(ind.get("status")) == "achieved"]
    if done:
        yield report(
            f"执行数为0（预算数{fmt(budget)}万元），资金未支出，却有{len(done)}项指标标为“完成”"
            f"（自评总分{fmt(r.reported_total)}）",
        )


@rule("score.goal_completion", "scoring", "总体目标完成情况", "warning", stage="self_evaluation")
def goal_completion(r: Review) -> Iterator[dict]:
    """A goal reported as less than 100 % done while every indicator is marked 完成.

    Example: 年度目标完成率 85%, all 8 indicators “完成”.
    """
    goals = r.record.get("goals") or []
    low = [g for g in goals if g.get("completion_rate") is not None and g["completion_rate"] < HUNDRED]
    weighted = r.weighted
    if low and r.indicators and all(status_class(ind.get("status")) == "achieved" for ind in weighted):
        rates = "、".join(fmt(g["completion_rate"]) for g in low)
        yield report(f"年度目标的总体完成率为{rates}%，但全部{len(weighted)}项指标均标为“完成”")


@rule("score.weights_split", "scoring", "指标分值结构", "warning", stage="self_evaluation")
def weights_split(r: Review) -> Iterator[dict]:
    """Indicator weights total 90 (a warning otherwise), split 产出 50 / 效益 30 / 满意度 10 (a note otherwise).

    Example: 指标分值合计 85, 应为 90（另有预算执行率 10 分）.
    """
    weighted, cfg, tol = r.weighted, r.cfg, r.tol
    if not weighted:
        return
    total_w = sum((ind["weight"] for ind in weighted), ZERO)
    split = {"output": ZERO, "effect": ZERO, "satisfaction": ZERO}
    for ind in weighted:
        split[section(ind)] += ind["weight"]
    guide = {"output": cfg.split_output, "effect": cfg.split_effect, "satisfaction": cfg.split_satisfaction}
    if abs(total_w - cfg.indicator_total) > tol:
        yield report(f"指标分值合计{fmt(total_w)}，应为{fmt(cfg.indicator_total)}（另有预算执行率{fmt(r.execution.weight)}分）")
    elif any(abs(split[k] - guide[k]) > tol for k in split):
        yield report(
            f"指标分值为产出（含成本）{fmt(split['output'])}、效益{fmt(split['effect'])}、满意度{fmt(split['satisfaction'])}，"
            f"与指导分值产出{fmt(guide['output'])}、效益{fmt(guide['effect'])}、满意度{fmt(guide['satisfaction'])}不同",
            severity="info",
        )


@rule("score.duplicate_indicator", "scoring", "指标重复", "info", stage="self_evaluation")
def duplicate_indicator(r: Review) -> Iterator[dict]:
    """The same indicator (name, content, target and actual) listed twice.

    Example: “群众满意度 ≥90%” under both 效益指标 and 满意度指标.
    """
    weighted = r.weighted
    seen: dict[tuple, int] = {}
    for i, ind in enumerate(weighted):
        key = (ind.get("level3"), ind.get("description"), ind.get("target"), ind.get("actual"))
        if key[0] and key in seen:
            yield report(
                f"“{ind.get('level3')}”在{ind.get('level1') or ''}下重复出现（与{weighted[seen[key]].get('level1') or ''}下的同名指标相同）"
            )
        seen.setdefault(key, i)


@rule("score.unscorable", "scoring", "无法复核的指标", "info", stage="self_evaluation")
def unscorable(r: Review) -> Iterator[dict]:
    """Indicators that cannot be re-scored; the recomputed total carries their reported scores.

    Example: 2项指标无法复核（“社会效益”、“群众满意度”），复核总分中沿用其自评得分.
    """
    if r.carried:
        names = "、".join(f"“{r.indicators[i].get('level3') or i + 1}”" for i in r.carried)
        yield report(f"{len(r.carried)}项指标无法复核（{names}），复核总分中沿用其自评得分")


@rule("score.recomputed_total", "scoring", "复核总分与自评总分", "warning", stage="self_evaluation")
def recomputed_total(r: Review) -> Iterator[dict]:
    """The recomputed total against the reported one: a warning from 1 point apart, a note below.

    Example: 按规则复核总分为 86.5（良），自评总分为 95（优），相差 -8.5.
    """
    computed, reported = r.computed_total, r.reported_total
    if computed is not None and reported is not None and abs(computed - reported) > r.tol:
        yield report(
            f"按规则复核总分为{fmt(computed)}（{grade(computed, r.cfg)}），自评总分为{fmt(reported)}"
            f"（{grade(reported, r.cfg)}），相差{fmt(computed - reported)}",
            severity="warning" if abs(computed - reported) >= 1 else "info",
        )


@rule("score.narrative_amounts", "scoring", "说明与表中的预算数、执行数", "warning", stage="self_evaluation")
def narrative_amounts(r: Review) -> Iterator[dict]:
    """The 全年预算数 and 执行数 the 情况说明 states equal the table's, to the last printed decimal.

    Example: 说明 “全年预算数2569.8万元”, 表中预算数 2,596.80.
    """
    narrative = r.record.get("narrative") or {}
    for key, label in (("budget", "全年预算数"), ("executed", "执行数")):
        said, table = narrative.get(key), r.record.get(key)
        if said is not None and table is not None and abs(said - table) > printed_tolerance(said, ZERO):
            # the narrative's page, even when unknown (the table's is not where it is said)
            yield report(f"情况说明写{label}为{fmt(said)}万元，表中为{fmt(table)}万元", page=narrative.get("page"))
