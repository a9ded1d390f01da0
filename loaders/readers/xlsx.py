"""Excel workbooks (.xlsx / .xlsm) through openpyxl.

One :class:`Table` per non-empty worksheet, in sheet order, holding every row of
the sheet's used range (title, agency/unit line, headers, data and notes: the
recognisers find the header themselves).  Merged ranges keep their text in the
top-left cell and are listed in ``Table.spans``.  Numbers are rendered the way
the cell's number format shows them, minus thousands separators, computed in
decimal so no float noise appears.

The number-format rendering and the grid building here are shared with the
legacy .xls reader, so both forms of one workbook give identical tables.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import warnings
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from loaders.errors import CorruptFileError, LoaderError
from loaders.model import Document, Source, Table
from loaders.readers.ziputil import checked_zip, main_part

# --------------------------------------------------------------------------
# Number formats
# --------------------------------------------------------------------------

_PLACEHOLDERS = "0#?"
_EXCEL_DIGITS = Context(prec=15, rounding=ROUND_HALF_UP)


def _split_sections(fmt: str) -> list[str]:
    """Split a format code at the ``;`` that separate its sections."""
    sections, cur, i, quoted = [], [], 0, False
    while i < len(fmt):
        ch = fmt[i]
        if quoted:
            cur.append(ch)
            quoted = ch != '"'
        elif ch == '"':
            cur.append(ch)
            quoted = True
        elif ch == "\\" and i + 1 < len(fmt):
            cur.append(fmt[i : i + 2])
            i += 1
        elif ch == "[":
            j = fmt.find("]", i)
            j = len(fmt) - 1 if j < 0 else j
            cur.append(fmt[i : j + 1])
            i = j
        elif ch == ";":
            sections.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    sections.append("".join(cur))
    return sections


def _tokens(section: str) -> list[tuple[str, str]]:
    """(kind, text) tokens of one section: 'lit' for text shown as is, 'num' for
    number characters; brackets, padding (``_x``) and fills (``*x``) dropped."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(section):
        ch = section[i]
        if ch == '"':
            j = section.find('"', i + 1)
            j = len(section) if j < 0 else j
            out.append(("lit", section[i + 1 : j]))
            i = j + 1
            continue
        if ch == "\\" and i + 1 < len(section):
            out.append(("lit", section[i + 1]))
            i += 2
            continue
        if ch in "_*" and i + 1 < len(section):
            i += 2
            continue
        if ch == "[":
            j = section.find("]", i)
            i = len(section) if j < 0 else j + 1
            continue
        if ch in _PLACEHOLDERS or ch in ".,%" or (ch in "Ee" and section[i + 1 : i + 2] in ("+", "-")):
            if ch in "Ee":
                out.append(("num", "E" + section[i + 1]))
                i += 2
                continue
            out.append(("num", ch))
        elif ch == "@":
            out.append(("text", ch))
        elif ord(ch) > 127:
            # Unquoted CJK units such as 0.00元 are shown as written.
            out.append(("lit", ch))
        # Other bare ASCII (currency signs, parentheses, spaces, dashes) is
        # decoration that would only get in the way of reading the number.
        i += 1
    return out


def general(value) -> str:
    """Shortest exact text of a number (Excel's 'General', 15 significant digits)."""
    d = value if isinstance(value, Decimal) else Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not d.is_finite():
        return str(value)
    if d == d.to_integral_value() and abs(d) < Decimal(10) ** 15:
        return format(d.quantize(Decimal(1)), "f")
    d = _EXCEL_DIGITS.plus(d)
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def render_number(value, fmt: str | None) -> str:
    """``value`` as number format ``fmt`` displays it, without thousands separators.

    Negative numbers always carry a leading ``-`` (a format's parentheses or
    colour are decoration).  A section with no digit placeholders shows its
    literal text (``"-"`` for zero in accounting formats, ``""`` when hidden).
    """
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if fmt is None or fmt.strip().lower() in ("", "general", "@"):
        return general(value)
    try:
        d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    if not d.is_finite():
        return str(value)
    d = _EXCEL_DIGITS.plus(d)
    sections = _split_sections(fmt)
    negative = d < 0
    if negative and len(sections) >= 2:
        section = sections[1]
    elif d == 0 and len(sections) >= 3:
        section = sections[2]
    else:
        section = sections[0]
    tokens = _tokens(section)
    if any(kind == "text" for kind, _ in tokens) and not any(t in _PLACEHOLDERS for k, t in tokens if k == "num"):
        return general(value)
    nums = "".join(t for k, t in tokens if k == "num")
    if not any(ch in nums for ch in _PLACEHOLDERS):
        # No number shown: the literal text only (e.g. "-" for zero, "" hidden).
        return "".join(t for k, t in tokens if k == "lit").strip()
    if "/" in section.replace("\\/", "") and re.search(r"[0#?]\s*/\s*[0-9#?]", section):
        return general(value)  # fractions: show the plain number instead
    d = abs(d)
    percent = nums.count("%")
    d = d.scaleb(2 * percent)
    mantissa, _, exponent = nums.partition("E")
    int_part, point, frac_part = mantissa.partition(".")
    # Commas not between two placeholders scale by 1000 each.
    plain_int, _, plain_frac = mantissa.replace("%", "").partition(".")
    scale = len(plain_int) - len(plain_int.rstrip(",")) + len(plain_frac) - len(plain_frac.rstrip(","))
    d = d.scaleb(-3 * scale)
    min_int = int_part.count("0")
    min_frac = frac_part.count("0")
    max_frac = sum(frac_part.count(ch) for ch in _PLACEHOLDERS)
    if exponent:
        exp_digits = max(1, sum(exponent.count(ch) for ch in _PLACEHOLDERS))
        int_digits = max(1, sum(int_part.count(ch) for ch in _PLACEHOLDERS))
        if d == 0:
            exp = 0
        else:
            exp = d.adjusted() - (int_digits - 1)
            if int_digits > 1:
                exp = (d.adjusted() // int_digits) * int_digits
        m = d.scaleb(-exp).quantize(Decimal(1).scaleb(-max_frac), rounding=ROUND_HALF_UP)
        if m != 0 and m.adjusted() >= int_digits:
            exp += 1
            m = d.scaleb(-exp).quantize(Decimal(1).scaleb(-max_frac), rounding=ROUND_HALF_UP)
        body = _digits(m, 1, min_frac, max_frac)
        sign = "-" if exp < 0 else "+"
        body += f"E{sign}{abs(exp):0{exp_digits}d}"
    else:
        q = d.quantize(Decimal(1).scaleb(-max_frac), rounding=ROUND_HALF_UP)
        body = _digits(q, min_int, min_frac, max_frac)
        if not body:
            return "".join(t for k, t in tokens if k == "lit").strip()
        negative = negative and q != 0
    # Literals before the first number character and after it, in order.
    prefix, suffix, seen_num = [], [], False
    for kind, text in tokens:
        if kind == "num":
            seen_num = True
        elif kind == "lit":
            (suffix if seen_num else prefix).append(text)
    return ("-" if negative else "") + "".join(prefix).strip() + body + "%" * percent + "".join(suffix).rstrip()


def _digits(q: Decimal, min_int: int, min_frac: int, max_frac: int) -> str:
    text = format(q, "f")
    whole, _, frac = text.partition(".")
    if whole == "0" and min_int == 0:
        whole = "0" if (frac.rstrip("0") or min_frac) else ""
    whole = whole.zfill(min_int) if whole else whole
    if max_frac > min_frac:
        frac = frac.rstrip("0")
        frac = frac + "0" * (min_frac - len(frac)) if len(frac) < min_frac else frac
    if frac:
        return f"{whole or '0'}.{frac}"
    return whole


def render_datetime(value) -> str:
    """Dates, times and date-times as ISO text (to the second)."""
    if isinstance(value, dt.datetime):
        if value.microsecond >= 500000:
            value = value + dt.timedelta(microseconds=1000000 - value.microsecond)
        value = value.replace(microsecond=0)
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.time):
        if value.microsecond >= 500000:
            full = dt.datetime.combine(dt.date(2000, 1, 1), value) + dt.timedelta(
                microseconds=1000000 - value.microsecond
            )
            value = full.time()
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        seconds = round(value.total_seconds())
        sign = "-" if seconds < 0 else ""
        seconds = abs(seconds)
        return f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return str(value)


def clean_text(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


# --------------------------------------------------------------------------
# Grid building (shared with the .xls reader)
# --------------------------------------------------------------------------


def build_table(
    cells: dict[tuple[int, int], str],
    merges: list[tuple[int, int, int, int]],
    sheet: str,
    index: int,
) -> Table | None:
    """A Table from one sheet's cell texts (0-based (row, col) -> text) and its
    merged ranges (first_row, first_col, last_row, last_col, inclusive).

    Fully empty leading/trailing rows and columns are trimmed; None when the
    sheet holds no text at all.
    """
    cells = {k: v for k, v in cells.items() if v}
    for r0, c0, r1, c1 in merges:
        for pos in [k for k in cells if r0 <= k[0] <= r1 and c0 <= k[1] <= c1 and k != (r0, c0)]:
            del cells[pos]
    if not cells:
        return None
    top = min(r for r, _ in cells)
    bottom = max(r for r, _ in cells)
    left = min(c for _, c in cells)
    right = max(c for _, c in cells)
    rows = [[""] * (right - left + 1) for _ in range(bottom - top + 1)]
    for (r, c), text in cells.items():
        rows[r - top][c - left] = text
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for r0, c0, r1, c1 in sorted(merges):
        if not (top <= r0 <= bottom and left <= c0 <= right):
            continue
        span = (min(r1, bottom) - r0 + 1, min(c1, right) - c0 + 1)
        if span != (1, 1):
            spans[(r0 - top, c0 - left)] = span
    return Table(
        rows=rows,
        row_pages=[index] * len(rows),
        caption=[sheet],
        spans=spans,
        sheet=sheet,
        strategy="sheet",
    )


# --------------------------------------------------------------------------
# Reader
# --------------------------------------------------------------------------


def _cell_text(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, Decimal)):
        return render_number(value, cell.number_format)
    if isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        return render_datetime(value)
    return clean_text(str(value))


def read(data: bytes, source: Source) -> Document:
    file = source.file or None
    with checked_zip(data, file=file) as zf:
        if main_part(zf, "xl/workbook.xml") is None:
            raise CorruptFileError("Excel 文件中没有工作簿（缺少 xl/workbook.xml）", file=file)
    try:
        import openpyxl

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(
                io.BytesIO(data), read_only=False, data_only=True, keep_links=False, keep_vba=False
            )
        try:
            tables = []
            for index, ws in enumerate(wb.worksheets, start=1):
                # ws._cells holds only the cells the file defines; iter_rows
                # would create every cell of a sheet formatted down to row 1M.
                cells = {
                    (r - 1, c - 1): _cell_text(cell)
                    for (r, c), cell in ws._cells.items()
                    if cell.value is not None
                }
                merges = [
                    (m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges
                ]
                table = build_table(cells, merges, ws.title, index)
                if table is not None:
                    tables.append(table)
            source.pages = len(wb.worksheets)
        finally:
            wb.close()
    except LoaderError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises anything on damaged files
        raise CorruptFileError(f"Excel 文件无法解析（{type(exc).__name__}）", file=file) from exc
    return Document(source=source, blocks=list(tables))
