"""A page of a stored original, rendered for checking a finding against it."""
from __future__ import annotations

import io

import streamlit as st

from store import queries

RENDER_DPI = 110


@st.cache_data(max_entries=32, show_spinner=False)
def page_png(document_id: int, page: int, _engine_url: str) -> bytes | None:
    """The PNG of one page of a stored PDF original, or None (not a PDF, no such page)."""
    from components.layout import engine

    original = queries.get_original(document_id, engine=engine())
    return render_page(original[1], page) if original is not None else None


def render_page(data: bytes, page: int, dpi: int = RENDER_DPI) -> bytes | None:
    """PNG of page ``page`` (1-based) of a PDF's bytes; None when not a PDF or no such page."""
    if b"%PDF-" not in data[:1024]:
        return None
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return None
    try:
        if not 1 <= page <= len(pdf):
            return None
        image = pdf[page - 1].render(scale=dpi / 72).to_pil()
    finally:
        pdf.close()
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def show_page(document_id: int, page: int | None, caption: str) -> None:
    """The finding's page of the original beside what it says, or why there is none."""
    from components.layout import engine

    if page is None:
        st.info("这条问题没有页码（文本文件或整份报告的问题），请在「报告库」中查看原文件。")
        return
    png = page_png(int(document_id), int(page), str(engine().url))
    if png is None:
        st.info("原文件不是 PDF，没有可显示的页面；请在「报告库」中下载原文件核对。")
        return
    st.image(png, caption=caption, width="stretch")
