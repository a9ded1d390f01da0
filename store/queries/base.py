"""What every query module shares: the engine, conditions, fetching and frames.

Amounts are exact ``decimal.Decimal`` (object columns; ``None`` for a blank cell);
integer columns that may be missing are ``Int64``.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, select

from store.engine import get_engine
from store.models import Agency, Document


#: a filter on ids, years (one, several, or None for all) and on texts (kinds, rules, severities …)
Ids = int | Iterable[int] | None
Texts = str | Iterable[str] | None


DOCUMENT_COLUMNS = ["document_id", "agency_id", "agency", "year", "kind", "scope"]
DOC_SELECT = (
    Document.id.label("document_id"),
    Document.agency_id.label("agency_id"),
    Agency.name.label("agency"),
    Document.year.label("year"),
    Document.kind.label("kind"),
    Document.scope.label("scope"),
)


def engine_for(engine: Engine | None, url: str | None) -> Engine:
    return engine if engine is not None else get_engine(url)


def where_in(column, value: Any):
    """``column == value`` for a scalar, ``column IN (...)`` for an iterable, None for None."""
    if value is None:
        return None
    if isinstance(value, (str, bytes, int)):
        return column == value
    return column.in_(list(value))


def filtered(stmt, *conditions):
    conditions = [c for c in conditions if c is not None]
    return stmt.where(*conditions) if conditions else stmt


def fetch_dicts(engine: Engine, stmt) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]


def fetch_tuples(engine: Engine, stmt) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(stmt).fetchall()]  # one fetchall, not one fetch per row


def tuple_frame(rows: list[tuple], columns: list[str], ints: Iterable[str] = ()) -> pd.DataFrame:
    """A frame from row tuples in ``columns`` order (cheaper than dicts for thousands of rows)."""
    if not rows:
        df = pd.DataFrame(columns=columns)
        for col in ints:
            if col in df.columns:
                df[col] = df[col].astype("Int64")
        return df
    # column by column: the integer columns straight to Int64 (half the time of
    # from_records and a cast, for the 3,000-row listings of a province's store)
    wanted = set(ints)
    data = {}
    for col, values in zip(columns, zip(*rows)):
        data[col] = pd.array(values, dtype="Int64") if col in wanted else list(values)
    return pd.DataFrame(data, columns=columns)


def dict_frame(rows: list[dict[str, Any]], columns: list[str], ints: Iterable[str] = ()) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns)
    for col in ints:
        if col in df.columns:
            df[col] = df[col].astype("Int64")
    return df


DOC_INTS = ("document_id", "agency_id", "year")

#: the order of every list of documents: by agency, the latest year first
LISTING_ORDER = (Agency.name, Document.year.desc(), Document.kind, Document.scope, Document.id)

#: the order of the rows of many documents (line items, findings): by agency, then the earliest year
DOCUMENT_ORDER = (Agency.name, Document.year, Document.kind, Document.scope, Document.id)


def with_documents(stmt, document_id):
    """``stmt`` joined to each row's document (by the ``document_id`` column) and its agency."""
    return stmt.join(Document, document_id == Document.id).join(Agency, Document.agency_id == Agency.id)


def running_slices(eng: Engine, counted, column, start: int, end: int) -> list[tuple[int, int, int]]:
    """Where rows ``start`` to ``end`` lie in a list of every document's items — documents by
    agency, year and id, ``column`` of ``counted`` (a subquery with ``document_id``) how many
    each has: ``[(document_id, skip, take), …]``, found by a running sum in SQL so that only
    the documents on the page come back."""
    upto = func.sum(column).over(order_by=(Agency.name, Document.year, Document.id), rows=(None, 0))
    running = (
        select(Document.id.label("document_id"), column.label("n"), upto.label("upto"))
        .join(Agency, Document.agency_id == Agency.id)
        .join(counted, counted.c.document_id == Document.id)
        .where(column > 0)
    ).subquery()
    start = max(start, 0)
    stmt = (select(running.c.document_id, running.c.n, running.c.upto)
            .where(running.c.upto > start, running.c.upto - running.c.n < end).order_by(running.c.upto))
    out = []
    for doc_id, n, total in fetch_tuples(eng, stmt):
        first = int(total) - int(n)
        skip = max(start - first, 0)
        take = min(int(total), end) - first - skip
        if take > 0:
            out.append((int(doc_id), skip, take))
    return out
