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

The pure helpers need no Streamlit session and live beside this module:
:mod:`components.chart_images` (:func:`figure_png`, :func:`figure_svg`, the
kaleido renderer), :mod:`components.table_files` (:func:`excel_bytes`,
:func:`csv_bytes`, :func:`neutralise`) and :mod:`components.source_lines`;
their names are importable from here as well.
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import partial
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from components import briefing, plotly_locale
from components.briefing import title_from_stem
from components.chart_images import (  # noqa: F401 - the module's public names
    COLORWAY, FONT_FAMILY, TEMPLATE_NAME, export_available, export_figure, figure_png, figure_svg, warm_up,
)
from components.safety import md, sanitize_figure
from components.source_lines import SOURCE_SHOWN_CHARS, source_caption, source_line  # noqa: F401 - public names
from components.table_files import (  # noqa: F401
    COLUMN_LABELS, chinese_columns, csv_bytes, excel_bytes, is_missing, neutralise, sheet_title,
)

# --------------------------------------------------------------------------- Streamlit pieces

#: the image downloads under a chart: (label, drawn by, extension, MIME type, icon, help)
_IMAGE_DOWNLOADS = (
    ("下载 PNG 图片", figure_png, "png", "image/png", ":material/image:", "高清图片（2400×1280），适合粘贴到汇报材料"),
    ("下载 SVG 矢量图", figure_svg, "svg", "image/svg+xml", ":material/draw:", "矢量图，放大不失真"),
)


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
        for label, render, ext, mime, icon, help_on in _IMAGE_DOWNLOADS:
            st.download_button(
                label,
                data=partial(render, fig, source) if available else b"",  # drawn when clicked
                file_name=f"{stem}.{ext}",
                mime=mime,
                key=f"{key}-{ext}",
                icon=icon,
                on_click="ignore",
                disabled=not available,
                help=help_off or help_on,
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
        values = display[col].map(lambda v: None if is_missing(v) else float(v))
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
            display[col] = pd.to_numeric(series.map(lambda v: None if is_missing(v) else float(v)), errors="coerce")
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
    "COLORWAY",
    "FONT_FAMILY",
    "TEMPLATE_NAME",
]
