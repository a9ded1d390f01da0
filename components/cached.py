"""The named queries of store.queries, cached per store revision.

``from components import cached as cq`` then ``cq.document_index(kind="budget")``
is ``queries.document_index(kind="budget", engine=<the app's engine>)``, its
result kept by ``st.cache_data`` under the database address, the store's
revision (``queries.revision()``: it moves on with every write) and the
arguments.  So a page run after nothing changed reads no table twice, and the
first run after an upload, a replacement or a deletion reads the store afresh —
no cache is ever cleared by hand for correctness.

Each call costs one read of the revision (a primary-key lookup in ``meta``).
Results come back as copies (DataFrames are unpickled per call): a page may
change what it gets.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from components.layout import _engine_for, database_url
from store import queries

#: kept per process: enough for every page's views of a few stores
MAX_ENTRIES = 512


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def _run(url: str, revision: int, name: str, args: tuple, kwargs: tuple) -> Any:
    return getattr(queries, name)(*args, engine=_engine_for(url), **dict(kwargs))


def call(name: str, *args: Any, **kwargs: Any) -> Any:
    """``queries.<name>(*args, **kwargs)`` through the cache."""
    if name not in queries.__all__:
        raise AttributeError(f"store.queries has no query {name!r}")
    url = database_url()
    revision = queries.revision(engine=_engine_for(url))
    return _run(url, revision, name, args, tuple(sorted(kwargs.items())))


def __getattr__(name: str):
    if name.startswith("_") or name not in queries.__all__ or not callable(getattr(queries, name)):
        raise AttributeError(name)

    def cached_query(*args: Any, **kwargs: Any) -> Any:
        return call(name, *args, **kwargs)

    cached_query.__name__ = name
    cached_query.__doc__ = getattr(queries, name).__doc__
    return cached_query


__all__ = ["call", "MAX_ENTRIES"]
