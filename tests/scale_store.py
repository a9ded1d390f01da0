"""Stores larger than a page, built as bench/scale.py builds a province's (the
shipped sample parses under other agencies' names, through the bulk path), and
pages driven on them through AppTest — for the tests of what a page reads at scale."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from streamlit.testing.v1 import AppTest

from conftest import ROOT
from store.bulk import bulk_ingest
from store.engine import get_engine

APP = ROOT / "app.py"
TIMEOUT = 180


def build(url: str, documents: int, agencies: int, *, seed: int, batch_size: int = 50) -> str:
    """``url`` filled with ``documents`` documents of ``agencies`` agencies; the url."""
    from bench import scale

    results = bulk_ingest(scale.make_entries(documents, agencies, seed=seed), engine=get_engine(url),
                          batch_size=batch_size)
    assert sum(r.status == "stored" for r in results) == documents
    return url


def page_runner(url: str, monkeypatch, *, clear_cache: bool = False) -> Callable[..., AppTest]:
    """``run(page, params=None, state=None)``: the app on ``url`` (no samples, no
    image export) opened at ``page`` with those URL parameters and session values,
    run once and checked free of exceptions."""
    monkeypatch.setenv("BUDGETLENS_DATABASE_URL", url)
    monkeypatch.setenv("BUDGETLENS_NO_SAMPLES", "1")
    monkeypatch.setattr("components.export.export_available", lambda: False)

    def run(page: str, params: dict | None = None, state: dict | None = None) -> AppTest:
        if clear_cache:
            import streamlit as st

            st.cache_data.clear()
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
        at.switch_page(page)
        for key, value in (params or {}).items():
            at.query_params[key] = value
        for key, value in (state or {}).items():
            at.session_state[key] = value
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


def page_segments(counts: Iterable[tuple[Any, int]], offset: int, limit: int) -> list[tuple[Any, int, int]]:
    """Where rows ``offset`` to ``offset + limit`` of a list lie, when the list
    is groups of ``counts`` rows one after the other (a document's findings,
    then the next document's …): ``[(group, skip, take), …]`` — take ``take``
    rows of ``group`` after its first ``skip``.  Worked out in Python from every
    group: what the store's running sums (finding_segments, item_segments) must give."""
    out = []
    start, end = max(int(offset), 0), max(int(offset), 0) + max(int(limit), 0)
    position = 0
    for group, n in counts:
        n = int(n)
        if n <= 0:
            continue
        lo, hi = max(start, position), min(end, position + n)
        if lo < hi:
            out.append((group, lo - position, hi - lo))
        position += n
        if position >= end:
            break
    return out
