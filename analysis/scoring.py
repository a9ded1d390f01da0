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
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

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
]

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


# --------------------------------------------------------------------------- config


def _band(text: str) -> tuple[Decimal, Decimal]:
    lo, hi = str(text).replace("–", "-").split("-", 1)
    return Decimal(lo.strip()), Decimal(hi.strip())


@dataclass(frozen=True)
class ScoringConfig:
    execution_weight: Decimal = Decimal("10")
    indicator_total: Decimal = Decimal("90")
    split_output: Decimal = Decimal("50")
    split_effect: Decimal = Decimal("30")
    split_satisfaction: Decimal = Decimal("10")
    band_achieved: tuple[Decimal, Decimal] = (Decimal("0.8"), Decimal("1.0"))
    band_partial: tuple[Decimal, Decimal] = (Decimal("0.6"), Decimal("0.8"))
    band_missed: tuple[Decimal, Decimal] = (Decimal("0"), Decimal("0.6"))
    tolerance: Decimal = Decimal("0.01")
    rate_tolerance: Decimal = Decimal("0.01")
    grade_excellent: Decimal = Decimal("90")
    grade_good: Decimal = Decimal("80")
    grade_fair: Decimal = Decimal("60")

    @classmethod
    def from_settings(cls) -> "ScoringConfig":
        import settings

        g = settings.get
        return cls(
            execution_weight=Decimal(str(g("SCORE_EXECUTION_WEIGHT"))),
            indicator_total=Decimal(str(g("SCORE_INDICATOR_TOTAL"))),
            split_output=Decimal(str(g("SCORE_SPLIT_OUTPUT"))),
            split_effect=Decimal(str(g("SCORE_SPLIT_EFFECT"))),
            split_satisfaction=Decimal(str(g("SCORE_SPLIT_SATISFACTION"))),
            band_achieved=_band(g("SCORE_BAND_ACHIEVED")),
            band_partial=_band(g("SCORE_BAND_PARTIAL")),
            band_missed=_band(g("SCORE_BAND_MISSED")),
            tolerance=Decimal(str(g("SCORE_TOLERANCE"))),
            rate_tolerance=Decimal(str(g("SCORE_RATE_TOLERANCE"))),
            grade_excellent=Decimal(str(g("GRADE_EXCELLENT"))),
            grade_good=Decimal(str(g("GRADE_GOOD"))),
            grade_fair=Decimal(str(g("GRADE_FAIR"))),
        )


# --------------------------------------------------------------------------- numbers


def fmt(value: Decimal | int | None) -> str:
    """A Decimal for a message: no exponent, no needless trailing zeros."""
    if value is None:
        return "—"
    d = Decimal(value)
    if d == d.to_integral():
        return format(d.quantize(ONE), "f")
    return format(d.normalize(), "f")


def round2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# unit → (base unit, multiplier to the base)
_UNITS: dict[str, tuple[str, Decimal]] = {
    "%": ("%", ONE), "％": ("%", ONE), "百分比": ("%", ONE), "百分之": ("%", ONE),
    "‰": ("%", Decimal("0.1")),
    "元": ("元", ONE), "万元": ("元", Decimal(10000)), "万": ("元", Decimal(10000)),
    "亿元": ("元", Decimal(100000000)), "千元": ("元", Decimal(1000)),
    "人": ("人", ONE), "名": ("人", ONE), "万人": ("人", Decimal(10000)), "人员": ("人", ONE),
    "人次": ("人次", ONE), "万人次": ("人次", Decimal(10000)),
    "次": ("次", ONE), "场": ("次", ONE), "场次": ("次", ONE), "期": ("期", ONE),
    "个月": ("月", ONE), "月": ("月", ONE), "年": ("年", ONE), "天": ("日", ONE), "日": ("日", ONE),
    "工作日": ("工作日", ONE), "小时": ("小时", ONE), "分钟": ("分钟", ONE),
    "户": ("户", ONE), "万户": ("户", Decimal(10000)),
    "家": ("家", ONE), "个": ("个", ONE), "件": ("件", ONE), "份": ("份", ONE), "册": ("册", ONE),
    "篇": ("篇", ONE), "项": ("项", ONE), "条": ("条", ONE), "套": ("套", ONE), "台": ("台", ONE),
    "平方米": ("平方米", ONE), "㎡": ("平方米", ONE),
}


def unit_base(unit: str | None) -> tuple[str, Decimal] | None:
    """('元', 10000) for 万元; None for no unit; (unit, 1) for a unit we do not know."""
    if not unit:
        return None
    u = re.sub(r"\s+", "", unit)
    if u in _UNITS:
        return _UNITS[u]
    return (u, ONE)


_MONTH = re.compile(r"(次年\s*)?(\d{1,2})\s*(?:个)?\s*月")


def months_in(text: str | None) -> list[int]:
    """Month deadlines named in a text ('12月底前' → [12]; '6月底、12月底' → [6, 12];
    '次年5月之前' → [17]).  '3个月内' is a duration, not a deadline: []."""
    if not text:
        return []
    out = []
    for m in _MONTH.finditer(text):
        if "个" in m.group(0):
            return []
        month = int(m.group(2))
        if not 1 <= month <= 12:
            return []
        out.append(month + (12 if m.group(1) else 0))
    return out


# --------------------------------------------------------------------------- grade


def grade(total: Decimal | None, cfg: ScoringConfig | None = None) -> str | None:
    if total is None:
        return None
    cfg = cfg or ScoringConfig.from_settings()
    if total >= cfg.grade_excellent:
        return "优"
    if total >= cfg.grade_good:
        return "良"
    if total >= cfg.grade_fair:
        return "中"
    return "差"


# --------------------------------------------------------------------------- execution


@dataclass
class ExecutionResult:
    rate: Decimal | None  # percent, 2 decimals
    points: Decimal | None  # 2 decimals
    weight: Decimal
    rule: str
    explanation: str


def execution_points(budget: Decimal | None, executed: Decimal | None, weight: Decimal) -> ExecutionResult:
    """min(执行数 / 预算数, 1) × weight."""
    if budget is None or budget == 0:
        why = "预算数为空" if budget is None else "预算数为0"
        return ExecutionResult(None, None, weight, "execution.unscorable", f"{why}，预算执行率无法计算，不计分")
    if executed is None:
        return ExecutionResult(None, None, weight, "execution.unscorable", "执行数为空，预算执行率无法计算，不计分")
    ratio = executed / budget
    rate = round2(ratio * HUNDRED)
    points = round2(min(ratio, ONE) * weight)
    capped = "（超过100%按100%计）" if ratio > ONE else ""
    return ExecutionResult(
        rate,
        points,
        weight,
        "execution.rate",
        f"执行率 = 执行数{fmt(executed)} ÷ 预算数{fmt(budget)} = {fmt(rate)}%{capped}；"
        f"得分 = min(执行率, 100%) × {fmt(weight)} = {fmt(points)}",
    )


# --------------------------------------------------------------------------- indicators


@dataclass
class IndicatorResult:
    computed_score: Decimal | None
    rule: str
    explanation: str
    interpretation: str | None = None
    met: bool | None = None
    kind: str = "unscorable"  # quantitative | deadline | qualitative | unscorable
    band: tuple[Decimal, Decimal] | None = None  # qualitative: allowed score range

    def as_dict(self) -> dict:
        return {
            "computed_score": self.computed_score,
            "rule": self.rule,
            "explanation": self.explanation,
            "interpretation": self.interpretation,
            "met": self.met,
            "kind": self.kind,
            "band": [self.band[0], self.band[1]] if self.band else None,
        }


def _is_cost(ind: dict) -> bool:
    return "成本" in (ind.get("level2") or "") or "成本" in (ind.get("level1") or "")


def _target_of(ind: dict) -> tuple[str | None, Decimal | None, str | None, str]:
    """(operator, value, unit, printed target) of an indicator record."""
    op = ind.get("operator")
    value = ind.get("value")
    unit = ind.get("unit")
    target = ind.get("target")
    shown_op = op if normalise_operator(op) in ("≥", "≤", ">", "<", "=", "≈") else ""
    printed = "".join(str(x) for x in (shown_op, target or "", unit or "") if x)
    if value is None and target:
        parsed = parse_value(str(target))
        if parsed.value is not None:
            value = parsed.value
            unit = unit or parsed.unit
            op = op or parsed.operator
    return normalise_operator(op) or op, value, unit, printed


def score_indicator(ind: dict, cfg: ScoringConfig, executed: Decimal | None = None) -> IndicatorResult:
    """Recompute one indicator's score from its weight, target and actual value."""
    w = ind.get("weight")
    if w is None:
        return IndicatorResult(None, "unscorable.no_weight", "没有指标分值，无法计分")
    op, t, unit, printed = _target_of(ind)
    actual_text = (ind.get("actual") or "").strip()
    status = status_class(ind.get("status"))

    # Deadlines: '不晚于12月底' against '12月底前', '12' '12月之前' against '12月底之前'.
    target_months = months_in(unit) or months_in(str(ind.get("target") or "")) if (unit or ind.get("target")) else []
    if target_months and (op in (None, "≤", "<", "=", "文字描述") or (unit and "月" in unit)):
        actual_months = months_in(actual_text)
        if actual_months:
            return _score_deadline(w, target_months, actual_months, printed, actual_text)

    if t is not None and op in ("≥", ">", "≤", "<", "=", None):
        return _score_quantitative(ind, w, op, t, unit, printed, actual_text, executed)
    return _score_qualitative(w, status, ind.get("reported_score"), printed, actual_text, ind.get("status"), cfg)


def _score_deadline(w, target_months, actual_months, printed, actual_text) -> IndicatorResult:
    def name(m: int) -> str:
        return f"次年{m - 12}月" if m > 12 else f"{m}月"

    interp = (
        f"时间指标：目标“{printed}”读作{ '、'.join(name(m) for m in target_months)}底前完成，"
        f"实际“{actual_text}”读作{'、'.join(name(m) for m in actual_months)}完成"
    )
    if len(target_months) == len(actual_months):
        met = all(a <= t for a, t in zip(actual_months, target_months))
    elif len(target_months) == 1:
        met = max(actual_months) <= target_months[0]
    else:
        return IndicatorResult(
            None, "unscorable.deadline", f"{interp}；时间节点个数不同，无法逐一比较", interp, None, "unscorable"
        )
    if met:
        return IndicatorResult(w, "deadline.met", f"{interp}，按期完成，得满分{fmt(w)}", interp, True, "deadline")
    return IndicatorResult(
        None,
        "unscorable.deadline_missed",
        f"{interp}，未按期完成；规则未规定逾期的扣分办法，不予计算",
        interp,
        False,
        "unscorable",
    )


def _score_quantitative(ind, w, op, t, unit, printed, actual_text, executed) -> IndicatorResult:
    notes: list[str] = []
    if op is None:
        notes.append(f"目标“{printed}”未写比较符号，按“=”处理（未达到时按正向计分）")
        op = "="
    actual = parse_value(actual_text)
    if actual.value is None or actual.high is not None:
        why = "为空" if not actual_text else f"“{actual_text}”不是确切的数值"
        return IndicatorResult(
            None, "unscorable.actual", f"实际完成值{why}，无法与目标{printed}比较", "；".join(notes) or None
        )
    if actual.operator in (">", "<", "≈"):
        return IndicatorResult(
            None,
            "unscorable.actual",
            f"实际完成值“{actual_text}”只给出范围，不是确切的数值，无法与目标{printed}比较",
            "；".join(notes) or None,
        )
    a = actual.value
    tb, ab = unit_base(unit), unit_base(actual.unit)
    if unit and re.sub(r"\s+", "", unit) in ("百分比", "百分之", "％"):
        notes.append(f"目标单位“{unit}”读作%")
    if tb and tb[0] == "%" and ab is None and ZERO <= a <= ONE and t > ONE:
        notes.append(f"实际值{fmt(a)}是小数，目标单位为%，读作{fmt(a * HUNDRED)}%")
        a = a * HUNDRED
    elif tb and ab and tb != ab:
        if tb[0] == ab[0]:
            a = a * ab[1] / tb[1]
            notes.append(f"实际“{actual_text}”换算为目标单位：{fmt(a)}{unit}")
        elif {tb[0], ab[0]} == {"人", "人次"} and tb[1] == ab[1]:
            notes.append(f"实际单位“{actual.unit}”与目标单位“{unit}”都是人数，按同一计量比较")
        else:
            return IndicatorResult(
                None,
                "unscorable.unit",
                f"实际完成值单位“{actual.unit}”与目标单位“{unit}”不同，无法比较",
                "；".join(notes) or None,
            )
    elif tb is None and ab is not None:
        notes.append(f"目标未写单位，按实际值的单位“{actual.unit}”比较")
    elif tb is not None and ab is None:
        notes.append(f"实际值{fmt(a)}未写单位，按目标单位“{unit}”读")
    interp = "；".join(notes) or None
    u = unit or actual.unit or ""
    target_txt = f"{op}{fmt(t)}{u}"

    if _is_cost(ind) and executed is not None and executed == 0 and a == 0 and op in ("≤", "<"):
        return IndicatorResult(
            ZERO,
            "cost.zero_spend",
            f"成本指标（{target_txt}）实际为0，是因为项目执行数为0、资金未支出，不能视为达成，按0分计",
            interp,
            False,
            "quantitative",
        )

    if op in ("≥", ">"):
        met = a >= t if op == "≥" else a > t
        if met:
            return IndicatorResult(
                w, "quant.higher", f"正向指标（{target_txt}）：实际{fmt(a)}{u}达到目标，得满分{fmt(w)}", interp, True,
                "quantitative",
            )
        if t == 0:
            return IndicatorResult(ZERO, "quant.higher", f"正向指标（{target_txt}）：实际{fmt(a)}未达到目标，得0分", interp, False, "quantitative")
        score = round2(max(ZERO, w * a / t))
        return IndicatorResult(
            score,
            "quant.higher",
            f"正向指标（{target_txt}）：实际{fmt(a)}{u}未达到目标，得分 = {fmt(w)} × {fmt(a)} ÷ {fmt(t)} = {fmt(score)}",
            interp,
            False,
            "quantitative",
        )
    if op in ("≤", "<"):
        met = a <= t if op == "≤" else a < t
        if met:
            return IndicatorResult(
                w, "quant.lower", f"反向指标（{target_txt}）：实际{fmt(a)}{u}未超过目标，得满分{fmt(w)}", interp, True,
                "quantitative",
            )
        if t <= 0 or a >= 2 * t:
            return IndicatorResult(
                ZERO,
                "quant.lower",
                f"反向指标（{target_txt}）：实际{fmt(a)}{u}达到目标的2倍及以上，得0分",
                interp,
                False,
                "quantitative",
            )
        score = round2(w * (ONE - (a - t) / t))
        return IndicatorResult(
            score,
            "quant.lower",
            f"反向指标（{target_txt}）：实际{fmt(a)}{u}超过目标，得分 = {fmt(w)} × (1 − ({fmt(a)} − {fmt(t)}) ÷ {fmt(t)}) = {fmt(score)}",
            interp,
            False,
            "quantitative",
        )
    # op == "="
    if a == t:
        return IndicatorResult(
            w, "quant.equal", f"等于指标（{target_txt}）：实际{fmt(a)}{u}等于目标，得满分{fmt(w)}", interp, True, "quantitative"
        )
    if t <= 0:
        return IndicatorResult(
            None, "unscorable.equal", f"等于指标（{target_txt}）：实际{fmt(a)}不等于目标，且目标不大于0，无法按正向计分", interp
        )
    if a > t:
        return IndicatorResult(
            w,
            "quant.equal",
            f"等于指标（{target_txt}）：实际{fmt(a)}{u}不等于目标，按正向计分：已达到目标，得满分{fmt(w)}",
            interp,
            True,
            "quantitative",
        )
    score = round2(max(ZERO, w * a / t))
    return IndicatorResult(
        score,
        "quant.equal",
        f"等于指标（{target_txt}）：实际{fmt(a)}{u}不等于目标，按正向计分：{fmt(w)} × {fmt(a)} ÷ {fmt(t)} = {fmt(score)}",
        interp,
        False,
        "quantitative",
    )


_BAND_NAMES = {"achieved": "达成", "partial": "部分达成", "missed": "未达成"}


def _score_qualitative(w, status, reported, printed, actual_text, status_text, cfg) -> IndicatorResult:
    what = f"定性指标（目标“{printed or '—'}”，实际“{actual_text or '—'}”）"
    interp = f"目标“{printed or '—'}”不是可比较的数值，按定性指标处理：依完成情况定档，只核对自评得分是否在档内"
    if status is None:
        return IndicatorResult(
            None,
            "unscorable.qualitative",
            f"{what}没有可识别的完成情况（“{status_text or ''}”），无法判定档次",
            interp,
            None,
            "unscorable",
        )
    lo_f, hi_f = {"achieved": cfg.band_achieved, "partial": cfg.band_partial, "missed": cfg.band_missed}[status]
    lo, hi = round2(w * lo_f), round2(w * hi_f)
    band_txt = f"{_BAND_NAMES[status]}档 {fmt(lo_f * HUNDRED)}%–{fmt(hi_f * HUNDRED)}%，即{fmt(lo)}–{fmt(hi)}分"
    met = status == "achieved"
    if reported is None:
        return IndicatorResult(
            None,
            "unscorable.qualitative",
            f"{what}完成情况“{status_text}”属{band_txt}；定性指标只能核对档次，表中没有自评得分可核对",
            interp,
            met,
            "unscorable",
            (lo, hi),
        )
    if lo <= reported <= hi:
        return IndicatorResult(
            reported,
            "qualitative.band",
            f"{what}完成情况“{status_text}”属{band_txt}；自评得分{fmt(reported)}在档内，采用自评得分",
            interp,
            met,
            "qualitative",
            (lo, hi),
        )
    edge = lo if reported < lo else hi
    return IndicatorResult(
        edge,
        "qualitative.band",
        f"{what}完成情况“{status_text}”属{band_txt}；自评得分{fmt(reported)}不在档内，按最近的档边界{fmt(edge)}计",
        interp,
        met,
        "qualitative",
        (lo, hi),
    )


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
    text = (ind.get("level1") or "") + "|" + (ind.get("level2") or "")
    l1 = ind.get("level1") or ""
    if "满意" in l1:
        return "satisfaction"
    if "效益" in l1:
        return "effect"
    if "产出" in l1 or "成本" in l1:
        return "output"
    if "满意" in text:
        return "satisfaction"
    if "效益" in text or "影响" in text:
        return "effect"
    return "output"


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
