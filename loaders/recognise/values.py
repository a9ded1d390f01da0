"""Printed numbers and indicator values as the tables write them: '17,334.30',
'≥90百分比', '<= 81.00 人', '12月底前', '10 0 %' (a number a cell wrap split).

Reading them is part of reading a table, so it lives with the recognisers;
the scoring engine (analysis/scoring.py) judges what they mean.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


def to_decimal(text) -> Decimal | None:
    """A printed number as Decimal, exactly as printed ('8.48 4163' → 8.484163)."""
    if text is None:
        return None
    if isinstance(text, Decimal):
        return text
    if isinstance(text, (int, float)):
        return Decimal(str(text))
    t = _join_digits(str(text)).replace(",", "").replace("，", "").strip()
    t = t.rstrip("%％").strip()
    if not re.fullmatch(r"[-+]?\d+(\.\d+)?|[-+]?\.\d+", t):
        return None
    try:
        return Decimal(t)
    except InvalidOperation:
        return None


def _join_digits(text: str) -> str:
    """Digits a cell wrap split with whitespace ('10 0' → '100', '8.48 4163')."""
    return re.sub(r"(?<=[\d.])\s+(?=\d)", "", text)


# --------------------------------------------------------------------------- printed values

# (printed form, normalised operator); longest first when matching a prefix.
_OPERATORS: list[tuple[str, str]] = sorted(
    [
        (">=", "≥"), ("＞=", "≥"), ("＞＝", "≥"), (">＝", "≥"), ("≥", "≥"), ("≧", "≥"), ("⩾", "≥"),
        ("大于等于", "≥"), ("大于或等于", "≥"), ("不低于", "≥"), ("不少于", "≥"), ("不小于", "≥"),
        ("至少", "≥"), ("达到", "≥"),
        ("<=", "≤"), ("＜=", "≤"), ("＜＝", "≤"), ("<＝", "≤"), ("≤", "≤"), ("≦", "≤"), ("⩽", "≤"),
        ("小于等于", "≤"), ("小于或等于", "≤"), ("不高于", "≤"), ("不超过", "≤"), ("不多于", "≤"),
        ("不大于", "≤"), ("不晚于", "≤"), ("最多", "≤"), ("控制在", "≤"),
        (">", ">"), ("＞", ">"), ("大于", ">"), ("高于", ">"), ("超过", ">"), ("多于", ">"),
        ("<", "<"), ("＜", "<"), ("小于", "<"), ("低于", "<"), ("少于", "<"), ("早于", "<"),
        ("=", "="), ("＝", "="), ("等于", "="),
        ("约", "≈"),
    ],
    key=lambda p: -len(p[0]),
)
_SUFFIX_OPS: list[tuple[str, str]] = [
    ("及以上", "≥"), ("以上", "≥"), ("及以下", "≤"), ("以下", "≤"), ("以内", "≤"), ("之内", "≤"),
    ("之前", "≤"), ("以前", "≤"), ("前", "≤"), ("内", "≤"), ("左右", "≈"),
]
_TEXT_OPERATORS = ("文字描述", "定性", "定性指标", "文字")
_NUMBER = r"\d+(?:\.\d+)?"
_VALUE = re.compile(
    rf"^(?P<num>{_NUMBER})(?:\s*[-~～—至到]\s*(?P<high>{_NUMBER}))?\s*(?P<yu>余|多)?\s*(?P<unit>.*)$"
)
_UNIT_OK = re.compile(r"^(?:%|％|‰|[A-Za-z\u4e00-\u9fff/／·²³]{1,10})$")


@dataclass(frozen=True)
class ParsedValue:
    """A printed target or actual value split into operator, number and unit."""

    text: str
    operator: str | None = None  # ≥ ≤ > < = ≈ ∈ or a text operator (文字描述)
    value: Decimal | None = None
    unit: str | None = None
    high: Decimal | None = None  # upper end of a range '10-15项'

    @property
    def is_number(self) -> bool:
        return self.value is not None

    @property
    def quantified(self) -> bool:
        """Operator, number and unit all printed."""
        return self.value is not None and bool(self.unit) and self.operator in ("≥", "≤", ">", "<", "=", "∈")


def normalise_operator(text: str | None) -> str | None:
    if text is None:
        return None
    t = re.sub(r"\s+", "", text)
    if not t:
        return None
    if t in _TEXT_OPERATORS or t.startswith("文字描"):
        return "文字描述"
    for printed, op in _OPERATORS:
        if t == printed:
            return op
    return None


def parse_value(text: str | None) -> ParsedValue:
    """'≥90百分比' → (≥, 90, 百分比); '<= 81.00 人' → (≤, 81.00, 人); '10 0 %' → (None, 100, %);
    '12月底前' → (≤, 12, 月底); '及时' → text only.  Units are kept as printed."""
    raw = (text or "").strip()
    t = _join_digits(raw).replace(",", "").replace("，", "") if re.search(r"\d", raw) else raw
    t = re.sub(r"\s+", " ", t).strip()
    if not t:
        return ParsedValue(text=raw)
    op = None
    for printed, norm_op in _OPERATORS:
        if t.startswith(printed):
            op = norm_op
            t = t[len(printed):].strip()
            break
    m = _VALUE.match(t)
    if not m:
        return ParsedValue(text=raw, operator=op)
    unit = re.sub(r"\s+", "", m.group("unit"))
    bracketed = re.fullmatch(r"[（(](.+)[)）]", unit)
    if bracketed:
        unit = bracketed.group(1)  # '≥13459.00(平方米)', '=100.00(%)'
    for suffix, suffix_op in _SUFFIX_OPS:
        if unit.endswith(suffix) and len(unit) > len(suffix) or unit == suffix:
            unit = unit[: -len(suffix)]
            op = op or suffix_op
            break
    if unit and not _UNIT_OK.match(unit):
        return ParsedValue(text=raw, operator=op)
    value = Decimal(m.group("num"))
    high = Decimal(m.group("high")) if m.group("high") else None
    if high is not None:
        op = op or "∈"
    if m.group("yu"):
        op = op or ">"
    return ParsedValue(text=raw, operator=op, value=value, unit=unit or None, high=high)


def status_class(status: str | None) -> str | None:
    """'achieved' | 'partial' | 'missed' for a 完成情况 cell; None when blank/unknown."""
    if not status:
        return None
    s = re.sub(r"\s+", "", status)
    if re.search(r"未(完成|达成|达到|实现)|没有完成|^否$", s):
        return "missed"
    if re.search(r"基本|部分|大部分", s):
        return "partial"
    if re.search(r"完成|达成|达到|实现|^是$|已", s):
        return "achieved"
    return None
