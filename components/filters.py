"""Selection widgets whose values live in the URL.

Every widget here is bound to a query parameter (``bind="query-params"``,
the widget's ``key`` is the parameter name): the page reads the parameter on
load and the browser's URL follows every change, so a copied link reproduces
the view.  Values appear in the URL as they are shown (``?agency=香河县医疗保障局
&year=2024``); a value equal to the default is left out of the URL.

Each function takes the options it may offer and returns the selection; an
option that is no longer valid (a link from another database) is ignored by
Streamlit and the default is used.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from analysis.frames import KIND_NAMES, SCOPE_NAMES

BIND = "query-params"

#: "any kind" option of the kind selector (compare page)
ANY_KIND = "any"
KIND_OPTION_LABELS: dict[str, str] = {ANY_KIND: "预算和决算", **KIND_NAMES}


def _default_index(options: Sequence[Any], default: Any) -> int:
    try:
        return list(options).index(default)
    except ValueError:
        return 0


def select(
    label: str,
    options: Sequence[Any],
    *,
    key: str,
    default: Any = None,
    format_func: Callable[[Any], str] = str,
    help: str | None = None,
    container: Any = None,
) -> Any:
    """A selectbox bound to the query parameter ``key``; None when there are no options."""
    if not options:
        return None
    where = container or st
    return where.selectbox(
        label,
        list(options),
        index=_default_index(options, default),
        format_func=format_func,
        key=key,
        bind=BIND,
        help=help,
    )


def multiselect(
    label: str,
    options: Sequence[Any],
    *,
    key: str,
    default: Sequence[Any] | None = None,
    format_func: Callable[[Any], str] = str,
    max_selections: int | None = None,
    help: str | None = None,
    placeholder: str | None = None,
    container: Any = None,
) -> list[Any]:
    """A multiselect bound to the query parameter ``key`` (repeated: ``?k=a&k=b``)."""
    where = container or st
    valid = [d for d in (default or []) if d in options]
    if max_selections:
        valid = valid[:max_selections]
    return where.multiselect(
        label,
        list(options),
        default=valid,
        format_func=format_func,
        key=key,
        bind=BIND,
        max_selections=max_selections,
        help=help,
        placeholder=placeholder or "请选择",
    )


#: a picker with more options than this shows a search box and at most this
#: many matches (plus what is chosen), instead of sending thousands of options
SEARCH_LIMIT = 50


def _chosen(options: Sequence[Any], key: str, format_func: Callable[[Any], str], default: Any,
            multi: bool) -> list[Any]:
    """What the picker ``key`` holds now: its value in this session, else the
    one the URL names (as shown), else ``default`` — as options."""
    if key in st.session_state:
        value = st.session_state[key]
        wanted = list(value) if multi else [value]
        known = set(options)
        return [v for v in wanted if v in known]
    shown = st.query_params.get_all(key)
    if shown:
        by_label: dict[str, Any] = {}
        wanted_labels = set(shown)
        for option in options:
            label = format_func(option)
            if label in wanted_labels and label not in by_label:
                by_label[label] = option
        picked = [by_label[v] for v in shown if v in by_label]
        if picked:
            return picked if multi else picked[:1]
    if default is None:
        return []
    wanted = list(default) if multi else [default]
    known = set(options)
    return [v for v in wanted if v in known]


def _matches(options: Sequence[Any], needle: str, format_func: Callable[[Any], str], limit: int) -> list[Any]:
    needle = needle.strip().lower()
    if not needle:
        return list(options[:limit])
    out = []
    for option in options:
        if needle in format_func(option).lower():
            out.append(option)
            if len(out) >= limit:
                break
    return out


def _search_box(label: str, key: str, total: int, where: Any) -> str:
    return where.text_input(
        f"搜索{label}", key=f"{key}__search", placeholder=f"共 {total:,} 个，输入名称中的文字",
        help=f"选项较多（{total:,} 个），输入文字后列出最多 {SEARCH_LIMIT} 个相符的",
    )


def search_select(label: str, options: Sequence[Any], *, key: str, default: Any = None,
                  format_func: Callable[[Any], str] = str, help: str | None = None, container: Any = None,
                  limit: int = SEARCH_LIMIT) -> Any:
    """:func:`select`, but over many options a search box beside it narrows
    them to at most ``limit`` matches (the chosen one always stays)."""
    options = list(options)
    if len(options) <= limit:
        return select(label, options, key=key, default=default, format_func=format_func, help=help,
                      container=container)
    where = container or st
    box, pick = where.columns([1, 2], vertical_alignment="bottom")
    needle = _search_box(label, key, len(options), box)
    chosen = _chosen(options, key, format_func, default, multi=False)
    shown = chosen + [o for o in _matches(options, needle, format_func, limit) if o not in chosen]
    return select(label, shown, key=key, default=chosen[0] if chosen else None, format_func=format_func,
                  help=help, container=pick)


def search_multiselect(label: str, options: Sequence[Any], *, key: str, default: Sequence[Any] | None = None,
                       format_func: Callable[[Any], str] = str, max_selections: int | None = None,
                       help: str | None = None, placeholder: str | None = None, container: Any = None,
                       limit: int = SEARCH_LIMIT) -> list[Any]:
    """:func:`multiselect`, but over many options a search box beside it
    narrows them to at most ``limit`` matches (the chosen ones always stay)."""
    options = list(options)
    if len(options) <= limit:
        return multiselect(label, options, key=key, default=default, format_func=format_func,
                           max_selections=max_selections, help=help, placeholder=placeholder, container=container)
    where = container or st
    box, pick = where.columns([1, 2], vertical_alignment="bottom")
    needle = _search_box(label, key, len(options), box)
    chosen = _chosen(options, key, format_func, default, multi=True)
    shown = chosen + [o for o in _matches(options, needle, format_func, limit) if o not in chosen]
    return multiselect(label, shown, key=key, default=chosen, format_func=format_func, max_selections=max_selections,
                       help=help, placeholder=placeholder, container=pick)


def agency_select(agencies: Sequence[str], *, key: str = "agency", default: str | None = None,
                  label: str = "部门", help: str | None = None, container: Any = None) -> str | None:
    """One agency by name (searched for among many)."""
    return search_select(label, list(agencies), key=key, default=default, help=help, container=container)


def agency_of(summary: pd.DataFrame, *, default: str, help: str, container: Any = None) -> tuple[str, int]:
    """The agency picked among the rows of ``agency_summary`` -> (its name, its
    agency_id): how a one-agency page (预决算对比, 年度趋势) starts."""
    ids = dict(zip(summary["agency"], (int(a) for a in summary["agency_id"])))
    agency = agency_select(list(summary["agency"]), key="agency", default=default, container=container, help=help)
    return agency, ids[agency]


def agencies_select(agencies: Sequence[str], *, key: str = "agencies", default: Sequence[str] | None = None,
                    max_selections: int | None = 12, label: str = "部门", help: str | None = None,
                    container: Any = None) -> list[str]:
    """Several agencies by name (at most ``max_selections``; searched for among many)."""
    return search_multiselect(label, list(agencies), key=key, default=default, max_selections=max_selections,
                              help=help, placeholder="选择部门", container=container)


def year_select(years: Sequence[int | None], *, key: str = "year", default: int | None = None,
                label: str = "年度", none_label: str = "自动", help: str | None = None,
                container: Any = None) -> int | None:
    """A year (``None`` may be one of the options, shown as ``none_label``)."""
    return select(label, list(years), key=key, default=default,
                  format_func=lambda y: none_label if y is None else str(y), help=help, container=container)


def kind_select(kinds: Sequence[str], *, key: str = "kind", default: str | None = None, label: str = "文件类型",
                help: str | None = None, container: Any = None) -> str | None:
    """A document kind (budget / final_accounts / any), shown in Chinese."""
    return select(label, list(kinds), key=key, default=default,
                  format_func=lambda k: KIND_OPTION_LABELS.get(k, k), help=help, container=container)


def document_label(rec: Mapping[str, Any]) -> str:
    """``香河县医疗保障局 2024年部门预算（部门）``"""
    kind = KIND_NAMES.get(rec["kind"], rec["kind"])
    scope = SCOPE_NAMES.get(rec.get("scope"), rec.get("scope") or "")
    return f"{rec['agency']} {rec['year']}年{kind}（{scope}）"


def document_labels(documents: pd.DataFrame) -> dict[int, str]:
    """document_id -> :func:`document_label`, for every row of ``documents``."""
    kinds = documents["kind"].map(lambda k: KIND_NAMES.get(k, k))
    scopes = documents["scope"].map(lambda s: SCOPE_NAMES.get(s, s or ""))
    return {int(i): f"{a} {y}年{k}（{s}）"
            for i, a, y, k, s in zip(documents["document_id"], documents["agency"], documents["year"], kinds, scopes)}


def document_select(documents: pd.DataFrame, *, key: str = "doc", label: str = "报告",
                    all_label: str | None = None, default: int | None = None, help: str | None = None,
                    container: Any = None) -> int | None:
    """One document (by id; shown and linked by its label).  With ``all_label``
    the first option is None, meaning every document."""
    if documents is None or documents.empty:
        return None
    labels = document_labels(documents)
    options: list[int | None] = list(labels)
    if all_label is not None:
        options = [None] + options
    return search_select(label, options, key=key, default=default,
                         format_func=lambda d: all_label if d is None else labels.get(d, str(d)), help=help,
                         container=container)


def documents_select(documents: pd.DataFrame, *, key: str = "docs", label: str = "报告",
                     default: Sequence[int] | None = None, help: str | None = None,
                     container: Any = None) -> list[int]:
    """Several documents (by id; shown and linked by their labels)."""
    if documents is None or documents.empty:
        return []
    labels = document_labels(documents)
    return search_multiselect(label, list(labels), key=key, default=default,
                              format_func=lambda d: labels.get(d, str(d)), help=help, placeholder="全部报告",
                              container=container)


def _store_offered(find: Callable[..., pd.DataFrame], key: str, needle: str) -> tuple[dict[int, str], list[int]]:
    """The documents a searching picker offers (those chosen, then those matching
    ``needle``) as id -> label, and the ids chosen: in this session, or named by
    their labels in a link (each found by its agency)."""
    value = st.session_state.get(key)
    if key in st.session_state:
        chosen = [int(d) for d in (value if isinstance(value, (list, tuple)) else [value]) if d is not None]
    else:
        chosen = []
        for text in st.query_params.get_all(key):
            found = document_labels(find(search=text.split(" ")[0], limit=SEARCH_LIMIT))
            chosen += [d for d, name in found.items() if name == text and d not in chosen]
    offered = pd.concat([find(document_ids=chosen) if chosen else None,
                         find(search=needle.strip() or None, limit=SEARCH_LIMIT)])
    return document_labels(offered.drop_duplicates("document_id")), chosen


def store_documents_select(find: Callable[..., pd.DataFrame], total: int, *, key: str = "docs",
                           label: str = "报告", help: str | None = None, container: Any = None) -> list[int]:
    """:func:`documents_select` over a store too large to list: ``find(search=…, document_ids=…,
    limit=…)`` (``store.queries.document_index``) gives the few documents to offer — those
    chosen, and those whose agency or file name holds the search text."""
    if total <= SEARCH_LIMIT:
        return documents_select(find(), key=key, label=label, help=help, container=container)
    box, pick = (container or st).columns([1, 2], vertical_alignment="bottom")
    labels, chosen = _store_offered(find, key, _search_box(label, key, total, box))
    return multiselect(label, list(labels), key=key, default=chosen, format_func=lambda d: labels.get(d, str(d)),
                       help=help, placeholder="全部报告", container=pick)


def store_document_select(find: Callable[..., pd.DataFrame], total: int, *, key: str = "doc", label: str = "报告",
                          all_label: str | None = None, help: str | None = None, container: Any = None) -> int | None:
    """:func:`document_select` over a store too large to list (``find`` as for
    :func:`store_documents_select`): one document, or None for ``all_label``."""
    if total <= SEARCH_LIMIT:
        return document_select(find(), key=key, label=label, all_label=all_label, help=help, container=container)
    box, pick = (container or st).columns([1, 2], vertical_alignment="bottom")
    labels, chosen = _store_offered(find, key, _search_box(label, key, total, box))
    options: list[int | None] = ([None] if all_label is not None else []) + list(labels)
    return select(label, options, key=key, default=chosen[0] if chosen else None, help=help, container=pick,
                  format_func=lambda d: all_label if d is None else labels.get(d, str(d)))


def financial_agencies(none_yet: str) -> pd.DataFrame:
    """The agencies with a budget or final accounts, one row each (``store.queries.agency_summary``):
    what an agency picker lists.  With none, the page says ``none_yet`` and stops."""
    from components import cached

    summary = cached.agency_summary(kind=["budget", "final_accounts"])
    if summary.empty:
        st.info(none_yet)
        st.stop()
    return summary


def checkbox(label: str, *, key: str, default: bool = False, help: str | None = None,
             container: Any = None) -> bool:
    """A checkbox bound to the query parameter ``key``."""
    where = container or st
    return where.checkbox(label, value=default, key=key, bind=BIND, help=help)


__all__ = [
    "ANY_KIND", "KIND_OPTION_LABELS", "select", "multiselect", "agency_select", "agencies_select", "year_select",
    "kind_select", "document_label", "document_labels", "document_select", "documents_select", "checkbox",
    "search_select", "search_multiselect", "SEARCH_LIMIT",
]
