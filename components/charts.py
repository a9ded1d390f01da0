"""Plotly figure builders shared by the pages (no Streamlit calls here).

Every builder returns a ``go.Figure`` that the page hands to
:func:`components.export.chart`.  They follow one style so the charts read the
same on screen and pasted into a briefing:

* long category names (agencies, projects) go on the y axis of horizontal
  bars, read left to right, in the order given (first on top);
* the unit is in the title (``（万元）``), never a rotated axis title — a
  rotated 万元 reads sideways;
* values are printed on the bars with 千分位 and two decimals; a segment too
  narrow for its label hides it (``uniformtext``) and the total of a stacked
  bar is printed past its end, with room left for it (no clipped labels).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

#: height of one category row of a horizontal bar chart (px), and the frame around
ROW_PX = 44
FRAME_PX = 150
MIN_HEIGHT = 300
#: extra x range right of the longest bar for its printed total (fraction of the longest bar)
HEADROOM = 0.22


def _num(value: Any) -> float:
    """float of a Decimal / number / None (NaN for blank)."""
    if value is None:
        return math.nan
    try:
        out = float(value)
    except (TypeError, ValueError):
        return math.nan
    return out


def money_text(value: Any, decimals: int = 2) -> str:
    """``6570.38`` -> ``"6,570.38"``; blank -> ``""``."""
    v = _num(value)
    return "" if math.isnan(v) else f"{v:,.{decimals}f}"


def bar_height(rows: int, per_row: int = ROW_PX, *, extra: int = 0) -> int:
    """Height of a horizontal bar chart with ``rows`` categories."""
    return max(MIN_HEIGHT, FRAME_PX + extra + per_row * max(rows, 1))


def _fit_x(fig: go.Figure, x_range: Sequence[float] | None, values: Sequence[float]) -> go.Figure:
    """The value axis: the caller's range, or one that leaves room for the
    labels printed past the bars' ends."""
    fig.update_xaxes(range=list(x_range) if x_range is not None else _x_range(values))
    return fig


def _x_range(values: Sequence[float]) -> list[float] | None:
    finite = [v for v in values if not math.isnan(v)]
    if not finite:
        return None
    high = max(finite + [0.0])
    low = min(finite + [0.0])
    span = (high - low) or 1.0
    return [low - (span * HEADROOM if low < 0 else 0.0), high + span * HEADROOM]


def text_positions(values: Sequence[float], inside_from: float = 0.45) -> list[str]:
    """Where each bar's label goes: outside, past the end — except a negative
    bar at least ``inside_from`` of the longest negative one, labelled inside
    so its label does not run into the category names on the left."""
    lows = [abs(v) for v in values if not math.isnan(v) and v < 0]
    longest = max(lows) if lows else 0.0
    return ["inside" if not math.isnan(v) and v < 0 and abs(v) >= inside_from * longest else "outside"
            for v in values]


#: width (px) a horizontal legend may fill before it wraps, and its row height
LEGEND_WIDTH = 760
LEGEND_ROW_PX = 24
#: room for the chart's title at the top (px)
TITLE_PX = 48


def legend_rows(names: Sequence[str]) -> int:
    """How many rows a horizontal legend of these entries takes (about 14 px a
    character plus the swatch) in a chart about 1,000 px wide."""
    names = [str(n) for n in names]
    if not names:
        return 0
    # plotly lines the entries of a wrapped horizontal legend up in columns of the widest entry
    widest = max(14 * len(n) + 50 for n in names)
    total = sum(14 * len(n) + 50 for n in names)
    if total <= LEGEND_WIDTH:
        return 1
    per_row = max(1, LEGEND_WIDTH // widest)
    return -(-len(names) // per_row)


def _axis_title(unit: str) -> str | None:
    """The value axis names an amount's unit (万元) or a rate (%); a count or a
    score is named in the title."""
    return {"万元": "万元", "%": "%"}.get(unit)


def _layout(fig: go.Figure, title: str, categories: Sequence[str], *, legend: bool, height: int | None,
            x_title: str | None, percent: bool = False) -> None:
    rows = legend_rows([t.name for t in fig.data if t.showlegend is not False]) if legend else 0
    top = TITLE_PX + LEGEND_ROW_PX * rows + 12
    total = (height or bar_height(len(categories))) + LEGEND_ROW_PX * max(rows - 1, 0)
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left", y=1 - 22 / total, yanchor="middle", pad=dict(l=8)),
        height=total,
        margin=dict(l=10, r=30, t=top, b=50),
        # placed in the figure's own coordinates, just under the title: a legend of
        # several rows anchored to the plot area would spill over the bars
        legend=dict(orientation="h", yref="container", yanchor="top", y=1 - TITLE_PX / total, xanchor="left", x=0,
                    title_text="", traceorder="normal"),
        showlegend=legend,
        uniformtext=dict(minsize=11, mode="hide"),
        bargap=0.28,
    )
    fig.update_yaxes(categoryorder="array", categoryarray=list(categories), autorange="reversed", automargin=True,
                     ticksuffix="  ")
    fig.update_xaxes(title_text=x_title, separatethousands=True, tickformat=",.0f" if not percent else ".0f",
                     automargin=True)


def hbar(
    categories: Sequence[str],
    values: Sequence[Any],
    *,
    title: str,
    name: str = "",
    unit: str = "万元",
    text: Sequence[str] | None = None,
    colors: Sequence[str] | str | None = None,
    hover_unit: str | None = None,
    height: int | None = None,
    decimals: int = 2,
    x_range: Sequence[float] | None = None,
) -> go.Figure:
    """One horizontal bar per category, its value printed past the end."""
    xs = [_num(v) for v in values]
    shown = list(text) if text is not None else [money_text(v, decimals) for v in xs]
    unit_h = unit if hover_unit is None else hover_unit
    fig = go.Figure(
        go.Bar(
            x=xs, y=list(categories), orientation="h", name=name or title, text=shown,
            textposition=text_positions(xs), insidetextanchor="middle", textangle=0,
            cliponaxis=False, marker_color=colors if colors is not None else None,
            hovertemplate="%{y}<br>%{x:,." + str(decimals) + "f} " + unit_h + "<extra></extra>",
        )
    )
    _layout(fig, title, categories, legend=False, height=height, x_title=_axis_title(unit), percent=unit == "%")
    return _fit_x(fig, x_range, xs)


def hbar_grouped(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Any]]],
    *,
    title: str,
    unit: str = "万元",
    height: int | None = None,
    decimals: int = 2,
    x_range: Sequence[float] | None = None,
) -> go.Figure:
    """Several bars per category (one per series), each value printed past its end."""
    fig = go.Figure()
    every: list[float] = []
    for name, values in series:
        xs = [_num(v) for v in values]
        every += xs
        fig.add_bar(
            x=xs, y=list(categories), orientation="h", name=name, text=[money_text(v, decimals) for v in xs],
            textposition="outside", cliponaxis=False,
            hovertemplate="%{y}<br>%{x:,." + str(decimals) + "f} " + unit + "<extra>" + name + "</extra>",
        )
    per_row = max(ROW_PX, 16 + 22 * len(series))
    fig.update_layout(barmode="group")
    _layout(fig, title, categories, legend=True, height=height or bar_height(len(categories), per_row),
            x_title=_axis_title(unit), percent=unit == "%")
    return _fit_x(fig, x_range, every)


def hbar_stacked(
    categories: Sequence[str],
    segments: Sequence[tuple[str, Sequence[Any]]],
    *,
    title: str,
    totals: Sequence[Any] | None = None,
    total_name: str = "合计",
    unit: str = "万元",
    height: int | None = None,
    colors: Sequence[str] | None = None,
    percent: bool = False,
) -> go.Figure:
    """Stacked horizontal bars: each segment labelled inside when it fits, the
    total printed past the end of the bar (``totals``, else the sum of the
    segments).  With ``percent`` the segments are shares (0–100) and no total
    is printed."""
    fig = go.Figure()
    sums = [0.0] * len(categories)
    for k, (name, values) in enumerate(segments):
        xs = [_num(v) for v in values]
        for i, v in enumerate(xs):
            if not math.isnan(v):
                sums[i] += v
        label = [("" if math.isnan(v) or v == 0 else (f"{v:.1f}%" if percent else money_text(v))) for v in xs]
        hover = ("%{y}<br>%{x:.2f}%" if percent else "%{y}<br>%{x:,.2f} " + unit) + "<extra>" + name + "</extra>"
        fig.add_bar(
            x=xs, y=list(categories), orientation="h", name=name, text=label, textposition="inside",
            insidetextanchor="middle", textangle=0, hovertemplate=hover,
            marker_color=colors[k % len(colors)] if colors else None,
        )
    fig.update_layout(barmode="stack")
    _layout(fig, title, categories, legend=True, height=height, x_title="占比（%）" if percent else unit,
            percent=percent)
    if percent:
        fig.update_xaxes(range=[0, 100])
        return fig
    ends = [_num(t) for t in totals] if totals is not None else sums
    shown_end = [e if not math.isnan(e) else s for e, s in zip(ends, sums)]
    fig.add_scatter(
        x=[max(e, s) for e, s in zip(shown_end, sums)], y=list(categories), mode="text",
        text=[f"  {total_name} {money_text(e)}" if not math.isnan(e) else "" for e in ends],
        textposition="middle right", cliponaxis=False, showlegend=False, hoverinfo="skip",
    )
    fig.update_xaxes(range=_x_range([max(e, s) for e, s in zip(shown_end, sums)] + sums))
    return fig


__all__ = ["hbar", "hbar_grouped", "hbar_stacked", "money_text", "bar_height", "text_positions", "legend_rows"]
