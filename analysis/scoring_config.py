"""The scoring engine's parameters and arithmetic (see ``analysis.scoring``):
:class:`ScoringConfig` (weights, bands, grade thresholds from ``settings``),
the numbers it works with (``fmt``, ``round2``, units, months), the grade and
the 预算执行率 points.  Split from the indicator and whole-table scoring so each
reads on its own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import ClassVar, TypeVar

_Config = TypeVar("_Config")

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


# --------------------------------------------------------------------------- config


def _band(text: str) -> tuple[Decimal, Decimal]:
    lo, hi = str(text).replace("–", "-").split("-", 1)
    return Decimal(lo.strip()), Decimal(hi.strip())


class SettingsConfig:
    """Base of a frozen config dataclass whose every field is read from its
    setting, named ``SETTINGS_PREFIX`` + the field's name in capitals unless
    ``SETTINGS_KEYS`` names another: the scoring and the target-quality configs
    read their settings alike.  A field whose default is a (low, high) band
    reads 'low-high'; any other a Decimal."""

    SETTINGS_PREFIX: ClassVar[str] = ""
    SETTINGS_KEYS: ClassVar[dict[str, str]] = {}

    @classmethod
    def from_settings(cls: type[_Config]) -> _Config:
        import settings

        values = {}
        for f in fields(cls):  # type: ignore[arg-type]
            raw = settings.get(cls.SETTINGS_KEYS.get(f.name, cls.SETTINGS_PREFIX + f.name.upper()))  # type: ignore[attr-defined]
            values[f.name] = _band(raw) if isinstance(f.default, tuple) else Decimal(str(raw))
        return cls(**values)


@dataclass(frozen=True)
class ScoringConfig(SettingsConfig):
    SETTINGS_PREFIX = "SCORE_"
    SETTINGS_KEYS = {"grade_excellent": "GRADE_EXCELLENT", "grade_good": "GRADE_GOOD", "grade_fair": "GRADE_FAIR"}

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


# --------------------------------------------------------------------------- indicator sections


def indicator_section(level1: str, level2: str) -> str | None:
    """The part of the table an indicator counts in: 'output' (成本 counts as 产出),
    'effect' or 'satisfaction', by its 一级指标 first, then by both levels' words;
    None when they name none.  Shared by the scoring and the target-quality check."""
    text = level1 + "|" + level2
    if "满意" in level1:
        return "satisfaction"
    if "效益" in level1:
        return "effect"
    if "产出" in level1 or "成本" in level1:
        return "output"
    if "满意" in text:
        return "satisfaction"
    if "效益" in text or "影响" in text:
        return "effect"
    if any(w in text for w in ("数量", "质量", "时效", "成本")):
        return "output"
    return None


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

