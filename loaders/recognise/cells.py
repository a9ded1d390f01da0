"""Reading one cell: whitespace, amounts, classification codes."""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from loaders.continuation import norm

__all__ = [
    "norm", "parse_amount", "is_amount", "is_blank", "split_code", "code_and_name", "unit_of",
    "UNIT_WAN", "UNIT_YUAN", "UNIT_QIAN", "UNIT_YI",
]

UNIT_WAN = "万元"
UNIT_YUAN = "元"
UNIT_QIAN = "千元"
UNIT_YI = "亿元"
# Exact factors that turn a printed amount into 万元 (万元 itself needs none).
_TO_WAN = {UNIT_YUAN: Decimal("0.0001"), UNIT_QIAN: Decimal("0.1"), UNIT_YI: Decimal(10000)}

# Thousands groups of three after the first; some worksheets print only the last
# separator ('125360,898'), which reads the same way.
_AMOUNT = re.compile(r"^[-−–]?\(?[-−]?(\d+(,\d{3})+|\d+)(\.\d+)?\)?$")
_BLANK = {"", "-", "--", "—", "——", "－", "/", "／", "…", "无", "－－", "—-"}
# A unit printed in the cell itself ('123.45万元', '1,234,500元') overrides the table's.
_CELL_UNIT = re.compile(r"(万元|万|千元|亿元|亿|元)$")
_CELL_UNITS = {"万元": UNIT_WAN, "万": UNIT_WAN, "千元": UNIT_QIAN, "亿元": UNIT_YI, "亿": UNIT_YI, "元": UNIT_YUAN}


def _amount_text(text: str) -> tuple[str, str | None]:
    """(cell text ready for the amount pattern, unit printed in the cell or None).

    Full-width digits and punctuation ('１２３．４５', '1，234') read as their
    ASCII forms; whitespace and dash variants are unified.
    """
    t = unicodedata.normalize("NFKC", norm(text)).replace("−", "-").replace("–", "-")
    if t in _BLANK or norm(text) in _BLANK:
        return "", None
    m = _CELL_UNIT.search(t)
    if m and _AMOUNT.match(t[: m.start()]):
        return t[: m.start()], _CELL_UNITS[m.group(1)]
    return t, None


def parse_amount(text: str | None, scale: str = UNIT_WAN) -> Decimal | None:
    """A printed amount as Decimal 万元; None for a blank cell.

    Thousands separators and stray spaces are removed; an amount printed in 元
    is divided by 10000 exactly (千元 by 10; 亿元 multiplied by 10000); a unit
    printed in the cell itself wins over the table's ``scale``.  Raises
    ValueError for text that is not an amount, so a caller can flag it rather
    than read it as 0.
    """
    if text is None:
        return None
    t, unit = _amount_text(text)
    if not t:
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
    factor = _TO_WAN.get(unit or scale)
    if factor is not None:
        value = value * factor
        value = value.normalize() if value != value.to_integral() else value.quantize(Decimal(1))
        if value.as_tuple().exponent > 0:  # normalize() may give 1E+1
            value = value.quantize(Decimal(1))
    return value


def is_amount(text: str | None) -> bool:
    t, _unit = _amount_text(text or "")
    return bool(t) and bool(_AMOUNT.match(t))


def is_blank(text: str | None) -> bool:
    return norm(text or "") in _BLANK


# '单位：万元', '金额单位:元', '单位：人民币元', '单位(万元)', '单位（元）'.
_UNIT_RE = re.compile(r"单位[:：]?[（(]?(?:人民币)?(万元|千元|亿元|元)")


def unit_of(lines: list[str]) -> str | None:
    """The money unit a table declares ('单位：万元'), if any."""
    for line in lines:
        m = _UNIT_RE.search(norm(line).replace("万⏎元", "万元"))
        if m:
            return m.group(1)
    return None


_CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")
# '210 15 01', '210-15-1': a class and its levels set apart; a level may drop its leading 0.
_CODE_PARTS = re.compile(r"^(\d{3})(?:[\s\-－—]+(\d{1,2}))(?:[\s\-－—]+(\d{1,2}))?$")


def split_code(text: str) -> str | None:
    """A function/economic classification code as one string of digits.

    Accepts '2101501', '210 15 01', '210-15-01', '210 2 01' (款 printed
    without its leading 0); returns None otherwise.  Pass the cell text as
    printed: removing its spaces first loses where one level ends.
    """
    raw = (text or "").strip()
    m = _CODE_PARTS.match(raw)
    if m:
        return m.group(1) + "".join(part.zfill(2) for part in m.groups()[1:] if part)
    t = re.sub(r"[\s\-－.]+", "", raw)
    return t if _CODE.match(t) else None


# '210 卫生健康支出', '2101101行政单位医疗', '【21011】行政事业单位医疗', '210-15-01 行政运行'
_CODE_AND_NAME = re.compile(
    r"^[【\[［(（]?\s*(\d{3}(?:[\s\-－]*\d{1,2}){0,2})\s*[】\]］)）]?\s*[-－—:：.、．]?\s*([^\d\s.,，．%].*)$"
)


def code_and_name(text: str) -> tuple[str, str] | None:
    """(code, name) of a cell printing both ('21011 行政事业单位医疗'), else None."""
    m = _CODE_AND_NAME.match((text or "").strip())
    if not m:
        return None
    code = split_code(m.group(1))
    return (code, norm(m.group(2))) if code else None
