"""Tables as files: Excel (numbers as numbers, 千分位, the source line under the
table) and CSV, with Chinese column names; text a spreadsheet would take for a
formula is neutralised (= + - @)."""
from __future__ import annotations

import datetime as _dt
import io
import math
import unicodedata
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

from components.source_lines import source_line


#: English column names of the store/analysis frames -> Chinese headers
COLUMN_LABELS: dict[str, str] = {
    "document_id": "报告编号",
    "agency": "部门",
    "agency_code": "部门编码",
    "year": "年度",
    "kind": "类型",
    "scope": "范围",
    "format": "格式",
    "pages": "页数",
    "file_name": "文件",
    "uploaded_at": "上传时间",
    "code": "科目编码",
    "name": "科目名称",
    "total": "合计",
    "basic": "基本支出",
    "project": "项目支出",
    "personnel": "人员经费",
    "public": "公用经费",
    "amount": "金额",
    "measure": "项目",
    "page": "页码",
    "table_title": "表格",
    "row": "行号",
    "origin": "出处",
    "severity": "级别",
    "message": "说明",
    "rule": "规则",
    "expected": "应为",
    "found": "实为",
}


#: a source line longer than this is shortened on screen (the full text in a

# --------------------------------------------------------------------------- tables

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$")


def neutralise(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula (starting with ``=``,
    ``+``, ``-``, ``@``, tab or CR) gets a leading ``'`` and stays text; a
    plain signed number (``-12.50``) and a dash placeholder (``-``) are left
    alone.  Anything that is not a ``str`` is returned unchanged."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(_FORMULA_START):
        stripped = value.strip()
        if _PLAIN_NUMBER.match(stripped) or (stripped and set(stripped) <= {"-"}):
            return value
        return "'" + value
    return value


def is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def python_scalar(value: Any) -> Any:
    """A numpy scalar as the Python value it holds; anything else as it is."""
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            return value.item()
        except (AttributeError, ValueError):
            pass
    return value


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return bool(pd.isna(value)) if not isinstance(value, (list, tuple, dict, str, bytes)) else False
    except (TypeError, ValueError):
        return False


def _cell_value(value: Any, money: bool) -> Any:
    """A DataFrame value as openpyxl should write it."""
    if is_missing(value):
        return None
    value = python_scalar(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        value = "、".join(str(v) for v in value)
    text = str(value)
    if money:
        try:
            number = Decimal(text.replace(",", "").strip())
            if number.is_finite():
                return number
        except (InvalidOperation, ValueError):
            pass
    return neutralise(text)


def display_width(text: str) -> int:
    return sum(2 if is_wide(c) else 1 for c in text)


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str) -> str:
    """A valid worksheet name: no []:*?/\\ and at most 31 characters."""
    name = _SHEET_BAD.sub("_", (name or "").strip()).strip("'") or "数据"
    return name[:31]


def chinese_columns(df: pd.DataFrame, money_columns: list[str] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """``df`` with known English column names turned into Chinese headers, and
    ``money_columns`` renamed the same way."""
    rename = {c: COLUMN_LABELS[c] for c in df.columns if isinstance(c, str) and c in COLUMN_LABELS}
    # never create duplicate headers
    taken = set(df.columns) - set(rename)
    rename = {k: v for k, v in rename.items() if v not in taken}
    out = df.rename(columns=rename)
    money = [rename.get(c, c) for c in (money_columns or [])]
    return out, [c for c in money if c in out.columns]


def excel_bytes(
    df: pd.DataFrame,
    *,
    source: str,
    sheet_name: str = "数据",
    money_columns: list[str] | None = None,
) -> bytes:
    """The DataFrame as an .xlsx workbook (openpyxl): bold, frozen header row;
    money columns as numbers formatted ``#,##0.00``; ``Decimal`` written as
    numbers; text neutralised against formulas; the source line under the table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    money = set(money_columns or [])
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(sheet_name)
    columns = [str(c) for c in df.columns]
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="E8EDF3")
    widths = [display_width(c) for c in columns]
    for j, name in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=j, value=neutralise(name))
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    money_idx = [j for j, c in enumerate(df.columns) if c in money or str(c) in money]
    for i, row in enumerate(df.itertuples(index=False, name=None), start=2):
        for j, value in enumerate(row):
            is_money = j in money_idx
            v = _cell_value(value, is_money)
            cell = ws.cell(row=i, column=j + 1, value=v)
            if is_money and isinstance(v, (int, float, Decimal)):
                cell.number_format = "#,##0.00"
                shown = f"{v:,.2f}"
            else:
                shown = "" if v is None else str(v)
            widths[j] = max(widths[j], display_width(shown))
    ws.freeze_panes = "A2"
    last = len(df) + 1
    note_font = Font(italic=True, color="616E7C")
    notes = []
    if money_idx:
        notes.append("金额单位：万元")
    if source_line(source):
        notes.append(source_line(source))
    for k, text in enumerate(notes):
        cell = ws.cell(row=last + 2 + k, column=1, value=neutralise(text))
        cell.font = note_font
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 60)
    if len(df):
        ws.auto_filter.ref = f"A1:{get_column_letter(max(len(columns), 1))}{last}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM (so Excel reads the Chinese), text neutralised."""
    out = df.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: neutralise(v) if isinstance(v, str) else v)
    text = out.to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


