"""Charts and tables with their export buttons.

* :func:`chart` shows a Plotly figure, its source line, and PNG / SVG
  downloads rendered on the server by kaleido (headless Chromium, Noto Sans
  CJK SC as the figure font, the source line printed under the chart).  The
  kaleido server is started once per process and kept warm; the image is
  rendered only when a button is clicked (deferred download data) and cached
  by the figure's JSON.
* :func:`table` shows a DataFrame with Chinese column names and 千分位 amounts,
  its source line, and Excel / CSV downloads.  Text cells that a spreadsheet
  would take for a formula are neutralised (:func:`neutralise`).
* Beside the downloads of every chart and table, a "加入汇报" button collects
  it into the briefing pack (:mod:`components.briefing`, the 汇报 page).
* The charts' plotly toolbar speaks Chinese (:mod:`components.plotly_locale`).

The pure helpers (:func:`figure_png`, :func:`figure_svg`, :func:`excel_bytes`,
:func:`csv_bytes`, :func:`neutralise`) need no Streamlit session.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import html
import io
import math
import os
import re
import threading
import unicodedata
from collections import OrderedDict
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

# Streamlit's plotly module sets pio.templates.default = "streamlit" when it is
# first imported; import it now so that our default, set below, comes after.
import streamlit.elements.plotly_chart  # noqa: E402,F401

from components import briefing, plotly_locale  # noqa: E402
from components.briefing import title_from_stem  # noqa: E402
from components.safety import md, sanitize_figure  # noqa: E402

# --------------------------------------------------------------------------- style

FONT_FAMILY = "Noto Sans CJK SC"
FONT_STACK = f"{FONT_FAMILY}, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
)
COLORWAY = ["#2F5D8A", "#E07B39", "#3A9E8F", "#C44E52", "#8172B2", "#937860", "#DA8BC3", "#8C8C8C", "#CCB974", "#64B5CD"]
TEMPLATE_NAME = "budgetlens"

pio.templates[TEMPLATE_NAME] = go.layout.Template(
    layout=dict(
        font=dict(family=FONT_STACK, size=14, color="#1F2933"),
        title=dict(font=dict(family=FONT_STACK, size=18)),
        hoverlabel=dict(font=dict(family=FONT_STACK)),
        colorway=COLORWAY,
        separators=".,",
        # 15000 -> "15,000" (not "15k"); values on the y axis get 千分位 from
        # 1,000 up; 4-digit numbers on the x axis (years) stay "2024"
        xaxis=dict(exponentformat="none"),
        yaxis=dict(exponentformat="none", separatethousands=True),
        legend=dict(title=dict(font=dict(family=FONT_STACK))),
    )
)
pio.templates.default = f"plotly_white+{TEMPLATE_NAME}"

EXPORT_WIDTH = 1200
EXPORT_HEIGHT = 640
PNG_SCALE = 2
FOOTER_PX = 40  # height of the source strip under an exported chart (layout px)

SOURCE_PREFIX = "数据来源："

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
#: tooltip; exports always carry it in full)
SOURCE_SHOWN_CHARS = 150


def source_caption(line: str) -> tuple[str, str | None]:
    """(text to show, tooltip) for a source line: a long one is cut after its
    first part (parts are separated by ``；``) and the whole goes in the tooltip."""
    if len(line) <= SOURCE_SHOWN_CHARS:
        return line, None
    parts = [p for p in line.split("；") if p]
    first = parts[0] if len(parts[0]) <= SOURCE_SHOWN_CHARS else parts[0][:SOURCE_SHOWN_CHARS].rstrip() + "…"
    more = f"等 {len(parts)} 处" if len(parts) > 1 else ""
    return f"{first}{'；' if more else ''}{more}（完整出处见右侧 ? 提示，下载的图片和表格中也有）", line


def source_line(source: str) -> str:
    """``"香河县医疗保障局2024年部门预算，第2页"`` -> ``"数据来源：香河县…，第2页"``."""
    text = (source or "").strip()
    if not text:
        return ""
    if text.startswith(("数据来源", "来源：", "来源:")):
        return text
    return SOURCE_PREFIX + text


# --------------------------------------------------------------------------- kaleido


_KALEIDO_LOCK = threading.Lock()
_WARM_STARTED = False
_CACHE_LOCK = threading.Lock()
_IMAGE_CACHE: OrderedDict[str, bytes] = OrderedDict()
_IMAGE_CACHE_SIZE = 64


def browser_path() -> str | None:
    """The Chromium kaleido uses: ``BROWSER_PATH``, else Debian's /usr/bin/chromium."""
    path = os.environ.get("BROWSER_PATH")
    if path and Path(path).exists():
        return path
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"):
        if Path(candidate).exists():
            os.environ["BROWSER_PATH"] = candidate
            return candidate
    return None


def export_available() -> bool:
    return browser_path() is not None


# Seconds to wait for Chromium to start, and for one figure to render, before
# the renderer is taken down and the export reported as failed (never a hang).
START_TIMEOUT_S = 60
RENDER_TIMEOUT_S = 90


class _Renderer:
    """One Chromium (through kaleido) on its own event loop in a daemon thread.

    kaleido's own sync server waits without a limit: if its browser fails to
    start or dies, every later export hangs.  Here each render waits at most
    :data:`RENDER_TIMEOUT_S`; a renderer that fails is closed and the next
    export starts a fresh one.
    """

    def __init__(self) -> None:
        import asyncio

        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self.kaleido = None
        self.stopped = None
        self.thread = threading.Thread(target=self._run, name="kaleido-renderer", daemon=True)
        self.thread.start()
        if not self.ready.wait(START_TIMEOUT_S):
            self.close()
            raise RuntimeError("Chromium 启动超时，无法导出图片")
        if self.error is not None:
            raise RuntimeError(f"Chromium 无法启动：{self.error}") from self.error

    def _run(self) -> None:
        import asyncio

        import kaleido

        asyncio.set_event_loop(self.loop)

        async def serve() -> None:
            try:
                # mathjax=False: no request to a CDN; the charts use no LaTeX.
                async with kaleido.Kaleido(mathjax=False, timeout=RENDER_TIMEOUT_S) as k:
                    self.kaleido = k
                    self.stopped = self.loop.create_future()
                    self.ready.set()
                    await self.stopped
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                self.error = exc
                self.ready.set()

        try:
            self.loop.run_until_complete(serve())
        finally:
            self.loop.close()

    def render(self, fig_dict: dict, opts: dict) -> bytes:
        import asyncio

        future = asyncio.run_coroutine_threadsafe(self.kaleido.calc_fig(fig_dict, opts=opts), self.loop)
        try:
            return future.result(RENDER_TIMEOUT_S + 5)
        except TimeoutError:
            future.cancel()
            raise RuntimeError("导出图片超时") from None

    def close(self) -> None:
        def stop() -> None:
            if self.stopped is not None and not self.stopped.done():
                self.stopped.set_result(None)

        try:
            self.loop.call_soon_threadsafe(stop)
        except RuntimeError:  # the loop already closed
            pass
        self.thread.join(10)


_RENDERER: _Renderer | None = None


def _renderer() -> _Renderer:
    """The process's renderer, started on first use. Call under the lock."""
    global _RENDERER
    if _RENDERER is None:
        if browser_path() is None:
            raise RuntimeError("服务器上没有可用的 Chromium，无法导出图片")
        _RENDERER = _Renderer()
    return _RENDERER


def _drop_renderer() -> None:
    global _RENDERER
    if _RENDERER is not None:
        _RENDERER.close()
    _RENDERER = None


def _kaleido_render(fig_dict: dict, fmt: str, width: int, height: int, scale: float) -> bytes:
    opts = dict(format=fmt, width=width, height=height, scale=scale)
    with _KALEIDO_LOCK:  # one figure at a time through the one browser
        try:
            return _renderer().render(fig_dict, opts)
        except Exception:
            # A crashed or stuck browser: a fresh one, and one more try.
            _drop_renderer()
            return _renderer().render(fig_dict, opts)


def warm_up(background: bool = True) -> None:
    """Start kaleido and render a tiny figure so the first real export is quick."""
    global _WARM_STARTED
    if _WARM_STARTED or not export_available():
        return
    _WARM_STARTED = True

    def run() -> None:
        try:
            _kaleido_render(go.Figure(go.Bar(x=["预热"], y=[1])).to_dict(), "png", 200, 100, 1)
        except Exception:  # noqa: BLE001 - a download will report the problem
            pass

    if background:
        threading.Thread(target=run, name="kaleido-warm-up", daemon=True).start()
    else:
        run()


# --------------------------------------------------------------------------- figures


def export_figure(fig: go.Figure, width: int | None = None, height: int | None = None) -> go.Figure:
    """A copy of ``fig`` styled for export: our template's fonts (Noto Sans CJK
    SC), a white background, a fixed size."""
    out = go.Figure(fig)
    out.update_layout(
        font_family=FONT_STACK,
        title_font_family=FONT_STACK,
        hoverlabel_font_family=FONT_STACK,
        width=width or fig.layout.width or EXPORT_WIDTH,
        height=height or fig.layout.height or EXPORT_HEIGHT,
    )
    if out.layout.paper_bgcolor is None:
        out.update_layout(paper_bgcolor="white")
    return out


def _fig_key(fig: go.Figure, source: str, fmt: str) -> tuple[str, dict, int, int]:
    out = export_figure(fig)
    fig_json = out.to_json()
    key = hashlib.sha256(f"{fmt}\n{source}\n{fig_json}".encode("utf-8")).hexdigest()
    return key, out.to_dict(), int(out.layout.width), int(out.layout.height)


def _cached_render(fig: go.Figure, source: str, fmt: str) -> bytes:
    key, fig_dict, width, height = _fig_key(fig, source, fmt)
    with _CACHE_LOCK:
        hit = _IMAGE_CACHE.get(key)
        if hit is not None:
            _IMAGE_CACHE.move_to_end(key)
            return hit
    if fmt == "png":
        data = _kaleido_render(fig_dict, "png", width, height, PNG_SCALE)
        data = _png_with_footer(data, source_line(source), PNG_SCALE)
    else:
        data = _kaleido_render(fig_dict, "svg", width, height, 1)
        data = _svg_with_footer(data, source_line(source))
    with _CACHE_LOCK:
        _IMAGE_CACHE[key] = data
        while len(_IMAGE_CACHE) > _IMAGE_CACHE_SIZE:
            _IMAGE_CACHE.popitem(last=False)
    return data


def figure_png(fig: go.Figure, source: str = "") -> bytes:
    """The figure as PNG bytes (1200×640 layout px at scale 2), with the source
    line printed in a strip under the chart."""
    return _cached_render(fig, source, "png")


def figure_svg(fig: go.Figure, source: str = "") -> bytes:
    """The figure as SVG bytes, with the source line as a text under the chart."""
    return _cached_render(fig, source, "svg")


@lru_cache(maxsize=8)
def _footer_font(size: int):
    from PIL import ImageFont

    for path in FONT_FILES:
        if not Path(path).exists():
            continue
        for index in range(8):
            try:
                font = ImageFont.truetype(path, size=size, index=index)
            except OSError:
                break
            if font.getname()[0] == FONT_FAMILY:
                return font
        return ImageFont.truetype(path, size=size)
    return ImageFont.load_default(size=size)


def _png_with_footer(png: bytes, text: str, scale: float) -> bytes:
    if not text:
        return png
    from PIL import Image, ImageDraw

    chart = Image.open(io.BytesIO(png)).convert("RGB")
    font = _footer_font(int(13 * scale))
    pad = int(16 * scale)
    draw_probe = ImageDraw.Draw(chart)
    lines = _wrap(text, lambda s: draw_probe.textlength(s, font=font), chart.width - 2 * pad)
    line_h = int(20 * scale)
    footer = max(int(FOOTER_PX * scale), int(len(lines) * line_h + 14 * scale))
    out = Image.new("RGB", (chart.width, chart.height + footer), "white")
    out.paste(chart, (0, 0))
    draw = ImageDraw.Draw(out)
    y = chart.height + int(6 * scale)
    for line in lines:
        draw.text((pad, y), line, font=font, fill=(97, 110, 124))
        y += line_h
    buf = io.BytesIO()
    out.save(buf, format="PNG", compress_level=3)
    return buf.getvalue()


def _wrap(text: str, width_of, max_width: float) -> list[str]:
    lines, current = [], ""
    for ch in text:
        if current and width_of(current + ch) > max_width:
            lines.append(current)
            current = ch
        else:
            current += ch
    if current:
        lines.append(current)
    return lines or [""]


_SVG_ROOT = re.compile(rb"<svg\b[^>]*>")


def _svg_with_footer(svg: bytes, text: str) -> bytes:
    if not text:
        return svg
    root = _SVG_ROOT.search(svg)
    if root is None:
        return svg
    tag = root.group(0).decode("utf-8")
    w = re.search(r'\bwidth="([\d.]+)"', tag)
    h = re.search(r'\bheight="([\d.]+)"', tag)
    if not (w and h):
        return svg
    width, height = float(w.group(1)), float(h.group(1))
    # ~13px CJK glyphs: wrap by an estimated width (CJK = 1 em, others 0.55 em)
    lines = _wrap(text, lambda s: sum(13 if _is_wide(c) else 7.2 for c in s), width - 32)
    footer = max(FOOTER_PX, len(lines) * 20 + 14)
    new_h = height + footer
    new_tag = re.sub(r'\bheight="[\d.]+"', f'height="{_num(new_h)}"', tag, count=1)
    new_tag = re.sub(r'\bviewBox="[^"]*"', f'viewBox="0 0 {_num(width)} {_num(new_h)}"', new_tag, count=1)
    parts = [
        f'<rect x="0" y="{_num(height)}" width="{_num(width)}" height="{_num(footer)}" style="fill: rgb(255, 255, 255);"/>'
    ]
    y = height + 20
    for line in lines:
        parts.append(
            f'<text class="budgetlens-source" x="16" y="{_num(y)}" '
            f'style="font-family: {html.escape(FONT_STACK)}; font-size: 13px; fill: rgb(97, 110, 124);">'
            f"{html.escape(line)}</text>"
        )
        y += 20
    body = svg[: root.start()] + new_tag.encode("utf-8") + svg[root.end():]
    close = body.rfind(b"</svg>")
    return body[:close] + "".join(parts).encode("utf-8") + body[close:]


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


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


def _is_missing(value: Any) -> bool:
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
    if _is_missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        try:
            value = value.item()
        except (AttributeError, ValueError):
            pass
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


def _display_width(text: str) -> int:
    return sum(2 if _is_wide(c) else 1 for c in text)


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
    widths = [_display_width(c) for c in columns]
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
            widths[j] = max(widths[j], _display_width(shown))
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


# --------------------------------------------------------------------------- Streamlit pieces


def _file_stem(stem: str) -> str:
    stem = re.sub(r'[\\/:*?"<>|\s]+', "_", (stem or "").strip()).strip("._")
    return stem or "预决算透视"


def chart(fig: go.Figure, key: str, *, source: str, file_stem: str) -> None:
    """The figure, its source line, and PNG / SVG downloads rendered on the server."""
    import streamlit as st

    fig = sanitize_figure(fig)  # names and titles from documents stay text
    st.plotly_chart(
        fig,
        width="stretch",
        theme=None,
        key=f"{key}-chart",
        config=plotly_locale.config(),
    )
    line = source_line(source)
    if line:
        shown, full = source_caption(line)
        st.caption(md(shown), help=md(full) if full else None)
    stem = _file_stem(file_stem)
    available = export_available()
    if available:
        warm_up()
    help_off = None if available else "服务器上没有可用的 Chromium，无法导出图片"
    with st.container(horizontal=True, gap="small"):
        st.download_button(
            "下载 PNG 图片",
            data=(lambda: figure_png(fig, source)) if available else b"",
            file_name=f"{stem}.png",
            mime="image/png",
            key=f"{key}-png",
            icon=":material/image:",
            on_click="ignore",
            disabled=not available,
            help=help_off or "高清图片（2400×1280），适合粘贴到汇报材料",
        )
        st.download_button(
            "下载 SVG 矢量图",
            data=(lambda: figure_svg(fig, source)) if available else b"",
            file_name=f"{stem}.svg",
            mime="image/svg+xml",
            key=f"{key}-svg",
            icon=":material/draw:",
            on_click="ignore",
            disabled=not available,
            help=help_off or "矢量图，放大不失真",
        )
        briefing.add_chart_button(fig, key, title=fig.layout.title.text or title_from_stem(file_stem), source=source)


def _places(values) -> int:
    """Decimal places to show for a column of Decimals: as many as the most
    precise value has, at least 2 when any has a fraction, at most 4."""
    most = 0
    for v in values:
        if isinstance(v, Decimal) and v.is_finite():
            exp = v.normalize().as_tuple().exponent
            most = max(most, -exp if isinstance(exp, int) and exp < 0 else 0)
    return 0 if most == 0 else min(max(most, 2), 4)


def _display_frame(shown: pd.DataFrame, money: list[str], unit_in_header: bool) -> tuple[pd.DataFrame, dict]:
    """The frame as the grid shows it, with its number formats: money in
    千分位 with two decimals (``-0.00`` shown as ``0.00``), Decimals with a
    fixed number of places, percentages (a ``%`` in the header) with two."""
    import streamlit as st

    display = shown.copy()
    config: dict[str, Any] = {}
    for col in money:
        values = display[col].map(lambda v: None if _is_missing(v) else float(v))
        values = values.map(lambda v: 0.0 if v is not None and abs(v) < 0.005 else v)
        display[col] = pd.to_numeric(values, errors="coerce")
        label = f"{col}（万元）" if unit_in_header and "万元" not in col else col
        config[col] = st.column_config.NumberColumn(label, format="%,.2f")
    for col in display.columns:
        if col in money:
            continue
        series = display[col]
        is_pct = "%" in str(col)
        if series.dtype == object and series.map(lambda v: isinstance(v, Decimal)).any():
            places = _places(series)
            if is_pct:
                places = max(places, 2)
            display[col] = pd.to_numeric(series.map(lambda v: None if _is_missing(v) else float(v)), errors="coerce")
            config[col] = st.column_config.NumberColumn(format=f"%.{places}f")
        elif is_pct and pd.api.types.is_float_dtype(series):
            config[col] = st.column_config.NumberColumn(format="%.2f")
    return display, config


def table(
    df: pd.DataFrame,
    key: str,
    *,
    source: str,
    file_stem: str,
    money_columns: list[str] | None = None,
    columns: dict[str, dict[str, Any]] | None = None,
    row_height: int | None = None,
    unit_in_header: bool = True,
    title: str | None = None,
) -> None:
    """The DataFrame (Chinese headers, 千分位 万元 amounts), its source line, and
    Excel / CSV downloads.

    ``columns`` sets the grid's look per (Chinese) column: ``width`` ("small",
    "medium", "large" or px), ``help`` (a tooltip on the header), ``pinned``.
    ``row_height`` above 64 px lets long text wrap in its cell.  With
    ``unit_in_header=False`` the money headers stay short and the caption says
    "金额单位：万元" instead.  ``title`` names the table in a briefing (default:
    the file stem, ``部门对比_收支规模_2023`` -> ``部门对比 · 收支规模 · 2023``)."""
    import streamlit as st

    shown, money = chinese_columns(df, money_columns)
    display, config = _display_frame(shown, money, unit_in_header)
    for col, opts in (columns or {}).items():
        if col not in display.columns:
            continue
        base = config.get(col)
        kwargs = {k: v for k, v in opts.items() if k in ("width", "help", "pinned")}
        if base is not None:
            config[col] = {**base, **{k: v for k, v in kwargs.items()}}
        else:
            config[col] = st.column_config.Column(**kwargs)
    st.dataframe(
        display,
        width="stretch",
        hide_index=True,
        column_config=config or None,
        key=f"{key}-table",
        placeholder="—",
        height="auto" if len(display) <= 15 else 560,
        row_height=row_height,
    )
    line = source_line(source)
    if line:
        shown_line, full = source_caption(line)
        if money and not unit_in_header:
            shown_line = "金额单位：万元。" + shown_line
        st.caption(md(shown_line), help=md(full) if full else None)
    elif money and not unit_in_header:
        st.caption("金额单位：万元。")
    stem = _file_stem(file_stem)
    sheet = sheet_title(file_stem)
    with st.container(horizontal=True, gap="small"):
        st.download_button(
            "下载 Excel",
            data=lambda: excel_bytes(shown, source=source, sheet_name=sheet, money_columns=money),
            file_name=f"{stem}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}-xlsx",
            icon=":material/table_view:",
            on_click="ignore",
        )
        st.download_button(
            "下载 CSV",
            data=lambda: csv_bytes(shown),
            file_name=f"{stem}.csv",
            mime="text/csv",
            key=f"{key}-csv",
            icon=":material/download:",
            on_click="ignore",
        )
        briefing.add_table_button(shown, key, title=title or title_from_stem(file_stem), source=source, money=money)


__all__ = [
    "chart",
    "table",
    "figure_png",
    "figure_svg",
    "excel_bytes",
    "csv_bytes",
    "neutralise",
    "source_line",
    "source_caption",
    "chinese_columns",
    "export_figure",
    "warm_up",
    "export_available",
    "COLUMN_LABELS",
    "FONT_FAMILY",
    "TEMPLATE_NAME",
]
