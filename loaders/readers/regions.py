"""A page's items cut at its tables: the step ``pdf_assemble`` (text pages)
and ``ocr_layout`` (scanned pages) share to lay a page out as blocks."""
from __future__ import annotations

from typing import Iterator, Sequence


def regions(items: Sequence[tuple[float, str, object]]) -> Iterator[tuple[list, object | None]]:
    """``items`` ((top, kind, payload), top to bottom; kind "line" or "table")
    as (the lines above a table, the table) in order, then (the lines under
    the last table, None) when there are any."""
    region: list = []
    for _, kind, payload in items:
        if kind == "line":
            region.append(payload)
        else:
            yield region, payload
            region = []
    if region:
        yield region, None
