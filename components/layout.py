"""Shared page furniture: title and CSS, KPI cards, number formatting, the
cached engine and the first-run sample loading.

Numbers on screen follow one style: amounts in 万元 with 千分位 and two
decimals (``6,570.38 万元``), percentages with two decimals (``95.60%``), and
an em dash for a value the document does not give.
"""
from __future__ import annotations

import os
import threading
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from pathlib import Path

import streamlit as st
from sqlalchemy import Engine

import settings
from store.engine import get_engine

ROOT = Path(__file__).resolve().parent.parent
MISSING = "—"
APP_TITLE = "预决算透视"

#: The pages of the app in navigation order: (file, title, icon, one-line description).
NAV_PAGES: list[tuple[str, str, str, str]] = [
    ("views/overview.py", "概览", ":material/dashboard:", "已载入哪些部门、年度和报告，主要数字一览"),
    ("views/library.py", "报告库", ":material/folder_open:", "上传预决算公开文件，查看解析出的表格、科目和原始文件"),
    ("views/compare.py", "部门对比", ":material/compare_arrows:", "同一年度几个部门的收支规模、支出结构和“三公”经费并排比较"),
    ("views/trends.py", "年度趋势", ":material/trending_up:", "同一部门历年预算、决算数的变化和同比增减"),
    ("views/budget_actual.py", "预决算对比", ":material/balance:", "同一部门同一年度的预算数与决算数对照，找出偏差较大的科目"),
    ("views/performance.py", "绩效评分", ":material/grading:", "按财预〔2020〕10号复核项目绩效自评得分，评价绩效目标质量"),
    ("views/quality.py", "数据质检", ":material/rule:", "勾稽关系检查：哪些数字对不上、在第几页第几行"),
    ("views/regions.py", "地区对比", ":material/map:", "同一县（区）、市的多个部门合计，地区之间并排比较，注明各含几个部门"),
    ("views/briefing.py", "汇报", ":material/slideshow:", "各页“加入汇报”的图表和表格：排序、加说明，导出 PowerPoint 和 Word"),
]

_CSS = """
<style>
/* tighter top of page, a little air between blocks */
.block-container {padding-top: 2.2rem; padding-bottom: 3rem; padding-left: 2.5rem; padding-right: 2.5rem; max-width: 1480px;}
/* KPI cards */
div[data-testid="stMetric"] {
  background: #F3F5F8; border: 1px solid #E1E6ED; border-radius: 8px;
  padding: 0.7rem 1rem 0.6rem 1rem;
}
div[data-testid="stMetricValue"] {font-variant-numeric: tabular-nums; font-size: 1.45rem;}
/* a long amount wraps instead of ending in "…" */
div[data-testid="stMetricValue"] * {white-space: normal !important; overflow: visible !important; text-overflow: clip !important;}
div[data-testid="stMetricLabel"] p {font-size: 0.92rem; color: #52606D;}
/* numbers in tables line up */
div[data-testid="stDataFrame"] {font-variant-numeric: tabular-nums;}
/* the one plotly toolbar button Streamlit adds itself (its title cannot be set): a Chinese tooltip */
.modebar-btn[data-title="Fullscreen"]::after {content: "全屏" !important;}
.modebar-btn[data-title="Close fullscreen"]::after {content: "退出全屏" !important;}
/* Streamlit's running indicator: its "Stop" button in Chinese */
div[data-testid="stStatusWidget"] button {font-size: 0 !important;}
div[data-testid="stStatusWidget"] button::after {content: "停止"; font-size: 0.875rem;}
/* provenance captions */
div[data-testid="stCaptionContainer"] p {color: #616E7C;}
</style>
"""


# --------------------------------------------------------------------------- formatting


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    try:
        if value != value:  # NaN / pd.NA-like floats
            return None
    except (TypeError, ValueError):  # pd.NA raises on comparison
        return None
    try:
        result = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def fmt_number(value: Any, decimals: int = 2) -> str:
    """``6570.38`` -> ``"6,570.38"``; ``None`` / blank -> ``"—"``."""
    d = _decimal(value)
    if d is None:
        return MISSING
    q = Decimal(1).scaleb(-decimals) if decimals > 0 else Decimal(1)
    return f"{d.quantize(q, rounding=ROUND_HALF_UP):,.{decimals}f}"


def fmt_wan(value: Decimal | float | None) -> str:
    """An amount in 万元: ``"6,570.38 万元"``; ``"—"`` when there is none."""
    text = fmt_number(value, 2)
    return text if text == MISSING else f"{text} 万元"


def fmt_pct(value: Decimal | float | None, *, ratio: bool = False, decimals: int = 2) -> str:
    """A percentage: ``95.6`` -> ``"95.60%"`` (the value is in percent, as the
    analysis functions return rates); with ``ratio=True`` a fraction
    (``0.956``) is multiplied by 100 first.  ``"—"`` when there is none."""
    d = _decimal(value)
    if d is None:
        return MISSING
    if ratio:
        d = d * 100
    return f"{fmt_number(d, decimals)}%"


# --------------------------------------------------------------------------- page pieces


PAGE_CONFIG = dict(
    page_title=APP_TITLE,
    page_icon=":material/account_balance:",
    layout="wide",
    initial_sidebar_state="expanded",
    menu_items={"About": "预决算透视：部门预算、决算公开文件的解析、对比与质检。"},
)


def register_navigation():
    """Page config plus ``st.navigation`` over all :data:`NAV_PAGES`;
    returns the current page (app.py runs it)."""
    st.set_page_config(**PAGE_CONFIG)
    st.markdown(_CSS, unsafe_allow_html=True)
    pages = [
        st.Page(path, title=title, icon=icon, default=(index == 0))
        for index, (path, title, icon, _description) in enumerate(NAV_PAGES)
    ]
    return st.navigation(pages, position="sidebar")


def page_setup(title: str, caption: str | None = None) -> None:
    """The page title (and an optional one-line explanation) plus the shared CSS;
    the title is remembered for the briefing items collected on the page."""
    st.session_state["_page_title"] = title
    st.markdown(_CSS, unsafe_allow_html=True)
    st.title(title)
    if caption:
        st.caption(caption)


def localise_uploader(hint: str) -> None:
    """Chinese text on ``st.file_uploader``'s button and drop-zone hint
    (Streamlit prints "Upload" and "200MB per file • PDF…" in English)."""
    hint = hint.replace("\\", "").replace('"', "”")
    st.markdown(
        "<style>"
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {font-size: 0;}'
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after'
        ' {content: "选择文件"; font-size: 0.875rem;}'
        '[data-testid="stFileUploaderDropzoneInstructions"] span {font-size: 0;}'
        f'[data-testid="stFileUploaderDropzoneInstructions"] span::after {{content: "{hint}"; font-size: 0.85rem;}}'
        "</style>",
        unsafe_allow_html=True,
    )


def kpi_row(items: list[tuple]) -> None:
    """KPI cards in one row: ``(label, value, help)`` each (value already
    formatted), or ``(label, value, help, delta)`` with a change shown under
    the value (``"+3,355.64 万元（+21.48%）"``), in grey: more spending is
    neither good nor bad by itself."""
    if not items:
        return
    for col, item in zip(st.columns(len(items)), items):
        label, value, help_text = item[:3]
        delta = item[3] if len(item) > 3 else None
        with col:
            st.metric(label, value, delta=delta, delta_color="off", help=help_text)


# --------------------------------------------------------------------------- store


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    return get_engine(url)


def database_url() -> str:
    return str(settings.get("DATABASE_URL"))


def engine() -> Engine:
    """The SQLAlchemy engine of the configured store (cached per database URL)."""
    return _engine_for(database_url())


_SAMPLES_LOCK = threading.Lock()
_SAMPLES_DONE: set[str] = set()


def samples_disabled() -> bool:
    return os.environ.get("BUDGETLENS_NO_SAMPLES", "").strip().lower() not in ("", "0", "false", "no")


def ensure_samples_loaded() -> None:
    """On the first run against an empty store, load the sample reports
    (data/samples) once per process and store.  ``BUDGETLENS_NO_SAMPLES=1``
    turns this off (tests, or a deployment that starts empty)."""
    if samples_disabled():
        return
    url = database_url()
    if url in _SAMPLES_DONE:
        return
    with _SAMPLES_LOCK:
        if url in _SAMPLES_DONE:
            return
        from store import samples

        eng = engine()
        files = samples.pending_samples(eng)
        if files:
            with st.spinner("首次运行，正在载入示例报告…"):
                note = st.caption(
                    f"共 {len(files)} 个示例文件（data/samples：河北、河南、陕西、山东、上海的部门预算、决算和绩效目标公开文件），"
                    "随应用附带的解析结果经核对后直接保存，只需几秒；以后打开不再重复。Excel/Word 版与已载入的 PDF 是同一份报告，会被跳过。"
                )
                bar = st.progress(0.0, text="正在载入示例报告…")

                def progress(done: int, total: int, name: str) -> None:
                    bar.progress(min(done / max(total, 1), 1.0), text=f"正在载入示例报告（{done}/{total}）：{name}")

                results = samples.load_samples(eng, progress=progress, files=files)
                bar.empty()
                note.empty()
            stored = sum(1 for r in results if r.status == "stored")
            if files:
                st.toast(f"已载入 {stored} 份示例报告", icon="📚")
        _SAMPLES_DONE.add(url)


__all__ = [
    "APP_TITLE",
    "NAV_PAGES",
    "MISSING",
    "fmt_number",
    "fmt_wan",
    "fmt_pct",
    "page_setup",
    "register_navigation",
    "PAGE_CONFIG",
    "localise_uploader",
    "kpi_row",
    "engine",
    "database_url",
    "ensure_samples_loaded",
    "samples_disabled",
]
