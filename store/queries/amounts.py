"""Amounts: line items in long form, totals one row per document, function and economic lines."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import Engine, and_, case, false, func, or_, select, type_coerce

from store.models import (
    ECONOMIC_MEASURES, FUNCTION_MEASURES, THREE_PUBLIC_LABELS, TOTALS_LABELS, Agency, Amount, Document,
    LineItem, LineItemFile,
)
from store.queries.base import (
    Ids, Texts, DOCUMENT_COLUMNS, DOC_SELECT, DOC_INTS, engine_for, where_in, filtered, fetch_dicts,
    fetch_tuples, tuple_frame, dict_frame, with_documents, DOCUMENT_ORDER,
)
from store.queries.documents import INDEX_COLUMNS


_WIDE_PREFIX = {"totals": "", "three_public": "three_public_", "three_public_budget": "three_public_budget_"}


def wide_column(section: str, measure: str) -> str:
    """Column name in :func:`totals_wide`: ``revenue_total``, ``three_public_reception`` …"""
    return _WIDE_PREFIX[section] + measure


def _wide_key(column: str) -> tuple[str, str]:
    """``three_public_reception`` -> ``("three_public", "reception")``: the inverse of :func:`wide_column`."""
    for section in ("three_public_budget", "three_public"):
        if column.startswith(_WIDE_PREFIX[section]):
            return section, column[len(_WIDE_PREFIX[section]):]
    return "totals", column


TOTALS_WIDE_MEASURES = (
    [wide_column("totals", k) for k in TOTALS_LABELS]
    + [wide_column("three_public", k) for k in THREE_PUBLIC_LABELS]
    + [wide_column("three_public_budget", k) for k in THREE_PUBLIC_LABELS]
)


LINE_ITEM_COLUMNS = DOCUMENT_COLUMNS + [
    "file_name", "section", "seq", "code", "name", "measure", "amount",
    "source_file", "page", "table_title", "row", "origin", "table_id", "line_item_id",
]
# The file a number was read from: its own for a report read from several files.
_SOURCE_FILE = func.coalesce(LineItemFile.file_name, Document.file_name).label("source_file")


def _line_item_rows(document_ids, section, measure, engine: Engine) -> list[dict[str, Any]]:
    return fetch_dicts(engine, _line_item_stmt(document_ids, section, measure))


_LINE_ITEM_SELECT = (
    *DOC_SELECT, Document.file_name, LineItem.section, LineItem.seq, LineItem.code, LineItem.name, LineItem.measure,
    LineItem.amount, _SOURCE_FILE, LineItem.page, LineItem.table_title, LineItem.row, LineItem.origin,
    LineItem.table_id, LineItem.id.label("line_item_id"),
)


def _line_item_stmt(document_ids, section, measure):
    stmt = (
        with_documents(select(*_LINE_ITEM_SELECT), LineItem.document_id)
        .outerjoin(LineItemFile, LineItemFile.line_item_id == LineItem.id)
        .order_by(*DOCUMENT_ORDER, LineItem.id)
    )
    return filtered(
        stmt,
        where_in(LineItem.document_id, document_ids),
        where_in(LineItem.section, section),
        where_in(LineItem.measure, measure),
    )


def line_items(
    document_ids: Ids = None, section: Texts = None, measure: Texts = None, *, engine: Engine | None = None,
    url: str | None = None,
) -> pd.DataFrame:
    """Amounts in long format, one row per (document, section, line, measure),
    with document context and provenance (source_file, page, table_title, row,
    origin; source_file is file_name but for a report read from several files).

    ``section`` is one of totals, three_public, three_public_budget, function,
    economic; ``seq`` numbers the lines within a section of a document.
    """
    rows = _line_item_rows(document_ids, section, measure, engine_for(engine, url))
    return dict_frame(rows, LINE_ITEM_COLUMNS, ints=DOC_INTS + ("seq", "page", "row", "table_id", "line_item_id"))


def totals_wide(
    kind: Texts = None, year: Ids = None, agency_ids: Ids = None, *, document_ids: Ids = None, measures:
    Iterable[str] | None = None, engine: Engine | None = None, url: str | None = None,
) -> pd.DataFrame:
    """One row per document: document_id, agency_id, agency, year, kind, scope,
    file_name, then every totals measure (``revenue_total`` …), every three_public
    measure as ``three_public_<key>`` and (final accounts) ``three_public_budget_<key>``.
    A measure the document does not report, or prints blank, is None.

    ``document_ids`` keeps those documents; ``measures`` (wide column names)
    reads and returns only those measures."""
    eng = engine_for(engine, url)
    doc_conditions = (
        where_in(Document.kind, kind),
        where_in(Document.year, year),
        where_in(Document.agency_id, agency_ids),
        where_in(Document.id, document_ids),
    )
    wanted = None if measures is None else [m for m in measures]
    docs_stmt = filtered(
        select(*DOC_SELECT, Document.file_name)
        .join(Agency, Document.agency_id == Agency.id)
        .order_by(*DOCUMENT_ORDER),
        *doc_conditions,
    )
    pairs = None
    if wanted is not None:
        keys = [_wide_key(column) for column in wanted]
        pairs = or_(*(and_(LineItem.section == sec, LineItem.measure == m) for sec, m in keys)) if keys else false()
    values_stmt = filtered(
        select(LineItem.document_id, LineItem.section, LineItem.measure, LineItem.amount)
        .join(Document, LineItem.document_id == Document.id)
        .where(LineItem.section.in_(list(_WIDE_PREFIX)))
        .order_by(LineItem.id),
        *doc_conditions,
        pairs,
    )
    docs = fetch_dicts(eng, docs_stmt)
    columns = list(TOTALS_WIDE_MEASURES) if wanted is None else list(wanted)
    by_doc: dict[int, dict[str, Any]] = {d["document_id"]: {**d, **dict.fromkeys(columns)} for d in docs}
    for v in fetch_dicts(eng, values_stmt):
        col = wide_column(v["section"], v["measure"])
        if wanted is not None and col not in wanted:
            continue
        if col not in columns:  # a key added to the schema later
            columns.append(col)
            for d in by_doc.values():
                d.setdefault(col, None)
        if v["document_id"] in by_doc:
            by_doc[v["document_id"]][col] = v["amount"]
    return dict_frame(list(by_doc.values()), DOCUMENT_COLUMNS + ["file_name"] + columns, ints=DOC_INTS)


def _lines_wide(section: str, measures: tuple[str, ...], document_ids, engine, url) -> pd.DataFrame:
    """One row per printed line of ``section``: its measures side by side (pivoted in
    SQL), its code, name and provenance those of the line's first stored value."""
    grouped = filtered(
        select(
            LineItem.document_id.label("document_id"), LineItem.seq.label("seq"), func.min(LineItem.id).label("first"),
            *(func.max(case((LineItem.measure == m, LineItem.amount))).label(m) for m in measures),
        ).where(LineItem.section == section),
        where_in(LineItem.document_id, document_ids),
    ).group_by(LineItem.document_id, LineItem.seq).subquery()
    stmt = (
        select(
            *DOC_SELECT, Document.file_name, grouped.c.seq, LineItem.code, LineItem.name,
            *(type_coerce(grouped.c[m], Amount()) for m in measures),
            _SOURCE_FILE, LineItem.page, LineItem.table_title, LineItem.row, LineItem.origin,
        )
        .select_from(grouped)
        .join(LineItem, LineItem.id == grouped.c.first)
        .join(Document, Document.id == grouped.c.document_id)
        .join(Agency, Document.agency_id == Agency.id)
        .outerjoin(LineItemFile, LineItemFile.line_item_id == LineItem.id)
        .order_by(*DOCUMENT_ORDER, grouped.c.first)
    )
    columns = DOCUMENT_COLUMNS + ["file_name", "seq", "code", "name", *measures,
                                  "source_file", "page", "table_title", "row", "origin"]
    return tuple_frame(fetch_tuples(engine_for(engine, url), stmt), columns, ints=DOC_INTS + ("seq", "page", "row"))


def function_lines(
    document_ids: Ids = None, *, engine: Engine | None = None, url: str | None = None
) -> pd.DataFrame:
    """Function-class lines (功能分类), one row per printed line: document context,
    seq, code, name, total, basic, project, source_file, page, table_title, row, origin."""
    return _lines_wide("function", FUNCTION_MEASURES, document_ids, engine, url)


def economic_lines(
    document_ids: Ids = None, *, engine: Engine | None = None, url: str | None = None
) -> pd.DataFrame:
    """Economic-class lines (经济分类), one row per printed line: document context,
    seq, code, name, total, personnel, public, source_file, page, table_title, row, origin."""
    return _lines_wide("economic", ECONOMIC_MEASURES, document_ids, engine, url)


LATEST_COLUMNS = INDEX_COLUMNS + ["expenditure_total", "basic", "project", "three_public_total", "page"]
_KIND_RANK = case((Document.kind == "final_accounts", 0), (Document.kind == "budget", 1), else_=9)
_SCOPE_RANK = case((Document.scope == "department", 0), else_=1)


def latest_documents(
    kind: str | Iterable[str] = ("budget", "final_accounts"), *, engine: Engine | None = None, url: str | None = None
) -> pd.DataFrame:
    """Each agency's latest document of ``kind`` — the latest year; in one year
    final accounts before the budget, department before unit, then the lowest
    id — with its expenditure_total, basic, project, three_public_total and the
    page of expenditure_total (kept on the document: store/derived.py).  Columns:
    :data:`LATEST_COLUMNS`, by agency."""
    ranked = filtered(
        select(
            Document.id.label("document_id"),
            func.row_number().over(
                partition_by=Document.agency_id,
                order_by=(Document.year.desc(), _KIND_RANK, _SCOPE_RANK, Document.id),
            ).label("n"),
        ),
        where_in(Document.kind, kind),
    ).subquery()
    latest = select(ranked.c.document_id).where(ranked.c.n == 1)
    stmt = (
        select(*DOC_SELECT, Document.file_name, Document.expenditure_total, Document.basic_total,
               Document.project_total, Document.three_public_total, Document.expenditure_page)
        .join(Agency, Document.agency_id == Agency.id)
        .where(Document.id.in_(latest))
        .order_by(Agency.name)
    )
    return tuple_frame(fetch_tuples(engine_for(engine, url), stmt), LATEST_COLUMNS, ints=DOC_INTS + ("page",))
