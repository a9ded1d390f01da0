"""The briefing pack (汇报材料): charts and tables collected from every page,
exported as one PowerPoint (python-pptx) and one Word file (python-docx).

* :func:`add_button` — the "加入汇报" button that :mod:`components.export` puts
  beside every chart and table; the collection lives in ``st.session_state``
  (:data:`STATE_KEY`), so it survives switching pages.
* :func:`pptx_bytes` / :func:`docx_bytes` — pure builders (no Streamlit): a
  cover with the title and date, then each item with its title, the chart as a
  sharp PNG (kaleido, 2× scale) or the table with 千分位 amounts and their unit,
  the note, and the source line (file, page) under it.

Chinese renders in Office and WPS because every run names an East Asian font
(``a:ea`` in the slides, ``w:eastAsia`` in the document): :data:`EA_FONT`
(微软雅黑, present wherever Office or WPS is; LibreOffice substitutes Noto Sans
CJK).  Amounts are in 万元 as everywhere in the app.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import numbers
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pandas as pd

from components.safety import md
from components.table_files import is_missing, python_scalar

#: the East Asian font named in the exported files, and the Latin one beside it
EA_FONT = "Microsoft YaHei"
LATIN_FONT = "Arial"
STATE_KEY = "briefing_items"
DEFAULT_TITLE = "部门预算决算分析汇报"
SOURCE_PREFIX = "数据来源："
UNIT_LINE = "金额单位：万元"
MISSING = "—"
#: body rows of a table on one slide (a longer table continues on the next slide)
SLIDE_ROWS = 12
#: rows of a table written to the Word file (a longer one is cut, and says so)
DOCX_ROWS = 300

_TAG = re.compile(r"<[^>]+>")


# --------------------------------------------------------------------------- items


def chinese_date(day: _dt.date) -> str:
    """``2026-12-07`` -> ``2026年12月7日``."""
    return f"{day.year}年{day.month}月{day.day}日"


def plain_title(text: Any) -> str:
    """A chart title without its HTML (``<br>`` becomes a space)."""
    text = str(text or "")
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.I)
    return re.sub(r"\s+", " ", _TAG.sub("", text)).strip()


def title_from_stem(stem: str) -> str:
    """``部门对比_收支规模_2023`` -> ``部门对比 · 收支规模 · 2023``."""
    return " · ".join(p for p in str(stem or "").split("_") if p) or "表格"


def item_id(kind: str, key: str, title: str, source: str, extra: str = "") -> str:
    return hashlib.sha1(f"{kind}\n{key}\n{title}\n{source}\n{extra}".encode("utf-8")).hexdigest()[:16]


def chart_item(fig, *, key: str, title: str, source: str, page: str = "") -> dict[str, Any]:
    """A collected chart: the figure as JSON, its title and source."""
    fig_json = fig.to_json() if hasattr(fig, "to_json") else json.dumps(fig)
    return {"id": item_id("chart", key, title, source), "kind": "chart", "key": key, "title": title,
            "source": source, "page": page, "note": "", "figure": fig_json}


def table_item(frame: pd.DataFrame, *, key: str, title: str, source: str, money: Sequence[str] = (),
               page: str = "") -> dict[str, Any]:
    """A collected table: the frame as shown (Chinese headers), its money columns, title and source."""
    extra = f"{len(frame)}|{'|'.join(map(str, frame.columns))}"
    return {"id": item_id("table", key, title, source, extra), "kind": "table", "key": key, "title": title,
            "source": source, "page": page, "note": "", "frame": frame.copy(), "money": list(money)}


def move(items: list[dict], index: int, step: int) -> list[dict]:
    """``items`` with the one at ``index`` moved ``step`` places (clamped)."""
    out = list(items)
    if not 0 <= index < len(out):
        return out
    target = min(max(index + step, 0), len(out) - 1)
    out.insert(target, out.pop(index))
    return out


# --------------------------------------------------------------------------- table text


def cell_text(value: Any, money: bool = False) -> str:
    """A cell as the briefing prints it: money with 千分位 and two decimals
    (``17,336.07``), other Decimals with their own places (at least two when
    fractional), whole numbers as they are (a year stays ``2024``), ``—`` for blank."""
    if is_missing(value):
        return MISSING
    value = python_scalar(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if money:
        try:
            number = Decimal(str(value).replace(",", "").strip())
        except Exception:  # noqa: BLE001 - a text in a money column stays as it is
            return str(value)
        if number.is_finite():
            shown = f"{number:,.2f}"
            return "0.00" if shown == "-0.00" else shown
        return MISSING
    if isinstance(value, Decimal):
        if not value.is_finite():
            return MISSING
        exp = value.normalize().as_tuple().exponent
        places = 0 if not isinstance(exp, int) or exp >= 0 else min(max(-exp, 2), 4)
        return f"{value:.{places}f}"
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() else f"{value:.2f}"
    if isinstance(value, (pd.Timestamp, _dt.datetime)):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return str(value)


def table_rows(frame: pd.DataFrame, money: Sequence[str] = ()) -> tuple[list[str], list[list[str]], list[bool]]:
    """(headers, rows of cell texts, right-align per column) of a collected table;
    a money column's header names its unit (``本年支出合计（万元）``)."""
    money_set = {str(m) for m in money}
    headers, numeric = [], []
    for col in frame.columns:
        name = str(col)
        is_money = name in money_set
        headers.append(f"{name}（万元）" if is_money and "万元" not in name else name)
        present = [v for v in frame[col] if not is_missing(v)]
        numeric.append(is_money or (bool(present) and all(
            isinstance(v, numbers.Number) and not isinstance(v, bool) for v in present)))
    rows = [[cell_text(v, str(c) in money_set) for c, v in zip(frame.columns, rec)]
            for rec in frame.itertuples(index=False, name=None)]
    return headers, rows, numeric


def source_text(source: str) -> str:
    text = (source or "").strip()
    if not text:
        return ""
    return text if text.startswith(("数据来源", "来源：")) else SOURCE_PREFIX + text


# --------------------------------------------------------------------------- chart images


def default_png(figure_json: str) -> bytes | None:
    """The chart as a PNG for the briefing (kaleido; no source strip, the source
    is written under the image), or None when no Chromium is available."""
    import plotly.io as pio

    from components import export

    if not export.export_available():
        return None
    fig = pio.from_json(figure_json)
    return export.figure_png(fig, "")


# --------------------------------------------------------------------------- Streamlit


def collected() -> list[dict]:
    """The items collected in this browser session (in order)."""
    import streamlit as st

    return st.session_state.setdefault(STATE_KEY, [])


def _add(item: dict) -> None:
    import streamlit as st

    items = collected()
    if all(i["id"] != item["id"] for i in items):
        items.append(item)
        st.toast(f"已加入汇报：{md(item['title'])}（共 {len(items)} 项）", icon=":material/playlist_add_check:")


def _current_page() -> str:
    import streamlit as st

    return str(st.session_state.get("_page_title", ""))


def add_chart_button(fig, key: str, *, title: str, source: str) -> None:
    """The "加入汇报" button of a chart (greyed out once it is collected)."""
    import streamlit as st

    title = plain_title(title) or "图表"
    ident = item_id("chart", key, title, source)
    done = any(i["id"] == ident for i in collected())
    st.button("已加入汇报" if done else "加入汇报", key=f"{key}-brief", icon=":material/playlist_add:",
              disabled=done, on_click=lambda: _add(chart_item(fig, key=key, title=title, source=source,
                                                              page=_current_page())),
              help="已在汇报材料中，可到「汇报」页调整顺序、添加说明并导出" if done
              else "把这张图收集到汇报材料，在「汇报」页导出为 PowerPoint 或 Word")


def add_table_button(frame: pd.DataFrame, key: str, *, title: str, source: str, money: Sequence[str]) -> None:
    """The "加入汇报" button of a table."""
    import streamlit as st

    extra = f"{len(frame)}|{'|'.join(map(str, frame.columns))}"
    ident = item_id("table", key, title, source, extra)
    done = any(i["id"] == ident for i in collected())
    st.button("已加入汇报" if done else "加入汇报", key=f"{key}-brief", icon=":material/playlist_add:",
              disabled=done, on_click=lambda: _add(table_item(frame, key=key, title=title, source=source,
                                                              money=money, page=_current_page())),
              help="已在汇报材料中，可到「汇报」页调整顺序、添加说明并导出" if done
              else "把这张表收集到汇报材料，在「汇报」页导出为 PowerPoint 或 Word")


__all__ = [
    "EA_FONT", "LATIN_FONT", "STATE_KEY", "DEFAULT_TITLE", "chinese_date", "plain_title", "title_from_stem",
    "chart_item", "table_item", "move", "cell_text", "table_rows", "source_text", "collected", "add_chart_button", "add_table_button", "default_png",
]
