"""Reading one cell: whitespace, amounts, classification codes."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from loaders.continuation import norm

__all__ = ["norm", "parse_amount", "is_amount", "split_code", "UNIT_WAN", "UNIT_YUAN", "unit_of"]

UNIT_WAN = "万元"
UNIT_YUAN = "元"

_AMOUNT = re.compile(r"^[-−–]?\(?[-−]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?\)?$")
_BLANK = {"", "-", "--", "—", "——", "－", "/", "／", "…", "无", "－－", "—-"}


def parse_amount(text: str | None, scale: str = UNIT_WAN) -> Decimal | None:
    """A printed amount as Decimal 万元; None for a blank cell.

    Thousands separators and stray spaces are removed; an amount printed in 元
    is divided by 10000 exactly.  Raises ValueError for text that is not an
    amount, so a caller can flag it rather than read it as 0.
    """
    if text is None:
        return None
    t = norm(text).replace("，", ",").replace("−", "-").replace("–", "-")
    if t in _BLANK:
        return None
    if not _AMOUNT.match(t):
        raise ValueError(f"not an amount: {text!r}")
    negative = t.startswith("-") or (t.startswith("(") and t.endswith(")"))
    digits = t.strip("-()").replace(",", "")
    try:
        value = Decimal(digits)
    except InvalidOperation as exc:  # pragma: no cover - guarded by the regex
        raise ValueError(f"not an amount: {text!r}") from exc
    if negative:
        value = -value
    if scale == UNIT_YUAN:
        value = value / Decimal(10000)
        value = value.normalize() if value != value.to_integral() else value.quantize(Decimal(1))
        if value.as_tuple().exponent > 0:  # normalize() may give 1E+1
            value = value.quantize(Decimal(1))
    return value


def is_amount(text: str | None) -> bool:
    t = norm(text or "").replace("−", "-")
    return bool(t) and t not in _BLANK and bool(_AMOUNT.match(t))


def is_blank(text: str | None) -> bool:
    return norm(text or "") in _BLANK


_UNIT_RE = re.compile(r"(金额)?单位\s*[:：]\s*(万元|元|千元|亿元)")


def unit_of(lines: list[str]) -> str | None:
    """The money unit a table declares ('单位：万元'), if any."""
    for line in lines:
        m = _UNIT_RE.search(norm(line).replace("万⏎元", "万元"))
        if m:
            return {"万元": UNIT_WAN, "元": UNIT_YUAN}.get(m.group(2))
    return None


_CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")


def split_code(text: str) -> str | None:
    """A function/economic classification code as one string of digits.

    Accepts '2101501', '210 15 01', '210-15-01'; returns None otherwise.
    """
    t = re.sub(r"[\s\-－.]+", "", text or "")
    return t if _CODE.match(t) else None
