"""Scoring one indicator of a self-evaluation (DESIGN.md §4): 正向/反向/等于
quantitative indicators, 时效 deadlines and the bands of qualitative
indicators, each result saying in words how it was reached (or why it could
not be).  Used by ``analysis.scoring.evaluate``.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from decimal import Decimal

from analysis.scoring_config import HUNDRED, ONE, ZERO, ScoringConfig, fmt, months_in, round2, unit_base
from loaders.recognise.values import normalise_operator, parse_value, status_class


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
        return {**asdict(self), "band": list(self.band) if self.band else None}


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


    def scored(score: Decimal, rule: str, text: str, met: bool) -> IndicatorResult:
        return IndicatorResult(score, rule, text, interp, met, "quantitative")

    if _is_cost(ind) and executed is not None and executed == 0 and a == 0 and op in ("≤", "<"):
        return scored(
            ZERO, "cost.zero_spend",
            f"成本指标（{target_txt}）实际为0，是因为项目执行数为0、资金未支出，不能视为达成，按0分计", False,
        )
    if op in ("≥", ">"):
        met = a >= t if op == "≥" else a > t
        if met:
            return scored(w, "quant.higher", f"正向指标（{target_txt}）：实际{fmt(a)}{u}达到目标，得满分{fmt(w)}", True)
        if t == 0:
            return scored(ZERO, "quant.higher", f"正向指标（{target_txt}）：实际{fmt(a)}未达到目标，得0分", False)
        score = round2(max(ZERO, w * a / t))
        return scored(
            score, "quant.higher",
            f"正向指标（{target_txt}）：实际{fmt(a)}{u}未达到目标，得分 = {fmt(w)} × {fmt(a)} ÷ {fmt(t)} = {fmt(score)}", False,
        )
    if op in ("≤", "<"):
        met = a <= t if op == "≤" else a < t
        if met:
            return scored(w, "quant.lower", f"反向指标（{target_txt}）：实际{fmt(a)}{u}未超过目标，得满分{fmt(w)}", True)
        if t <= 0 or a >= 2 * t:
            return scored(ZERO, "quant.lower", f"反向指标（{target_txt}）：实际{fmt(a)}{u}达到目标的2倍及以上，得0分", False)
        score = round2(w * (ONE - (a - t) / t))
        return scored(
            score, "quant.lower",
            f"反向指标（{target_txt}）：实际{fmt(a)}{u}超过目标，"
            f"得分 = {fmt(w)} × (1 − ({fmt(a)} − {fmt(t)}) ÷ {fmt(t)}) = {fmt(score)}",
            False,
        )
    # op == "="
    if a == t:
        return scored(w, "quant.equal", f"等于指标（{target_txt}）：实际{fmt(a)}{u}等于目标，得满分{fmt(w)}", True)
    if t <= 0:
        return IndicatorResult(
            None, "unscorable.equal", f"等于指标（{target_txt}）：实际{fmt(a)}不等于目标，且目标不大于0，无法按正向计分", interp
        )
    if a > t:
        return scored(
            w, "quant.equal", f"等于指标（{target_txt}）：实际{fmt(a)}{u}不等于目标，按正向计分：已达到目标，得满分{fmt(w)}", True
        )
    score = round2(max(ZERO, w * a / t))
    return scored(
        score, "quant.equal",
        f"等于指标（{target_txt}）：实际{fmt(a)}{u}不等于目标，按正向计分：{fmt(w)} × {fmt(a)} ÷ {fmt(t)} = {fmt(score)}", False,
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

