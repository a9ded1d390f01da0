"""Long lists shown a page at a time.

A list of a province's documents or findings has tens of thousands of rows;
a page never renders more than :data:`PAGE_SIZE` of them.  :func:`pager` asks
which page (its number lives in the URL like every other choice, so a link
reproduces the view) and returns the slice to read; the page reads only that
slice from the store (``documents_page``, ``findings_slice`` …) or cuts it
from a frame it already has.
"""
from __future__ import annotations

import math
from typing import Any

import streamlit as st

from components.filters import BIND

PAGE_SIZE = 50


def pager(total: int, *, key: str, page_size: int = PAGE_SIZE, noun: str = "条", container: Any = None,
          reset_on: Any = None) -> tuple[int, int]:
    """``(offset, limit)`` of the page chosen among ``ceil(total / page_size)``
    pages; with one page, no widget.  A caption says which rows are shown.
    ``reset_on``: what the list is of (its filters); when it changes, back to page 1."""
    pages = max(1, math.ceil(total / page_size))
    marker = f"{key}__for"
    if reset_on is not None and st.session_state.get(marker, reset_on) != reset_on:
        st.session_state[key] = 1
    st.session_state[marker] = reset_on
    if pages == 1:
        return 0, page_size
    current = st.session_state.get(key)
    if isinstance(current, (int, float)) and not 1 <= current <= pages:
        st.session_state[key] = min(max(int(current), 1), pages)
    where = container or st
    left, right = where.columns([1, 3], vertical_alignment="bottom")
    # a page set through the session (reset, clamped, or by a test) is the
    # widget's value: giving a default as well would make Streamlit warn
    default = {} if key in st.session_state else {"value": 1}
    page = left.number_input(
        f"页码（共 {pages:,} 页）", min_value=1, max_value=pages, step=1, key=key, bind=BIND,
        help=f"每页 {page_size} {noun}", **default,
    )
    page = min(max(int(page or 1), 1), pages)
    offset = (page - 1) * page_size
    right.caption(f"第 {offset + 1:,}–{min(offset + page_size, total):,} {noun}，共 {total:,} {noun}")
    return offset, page_size


__all__ = ["PAGE_SIZE", "pager"]
