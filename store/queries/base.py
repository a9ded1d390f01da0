"""What every query module shares: the engine, conditions, fetching and frames.

Amounts are exact ``decimal.Decimal`` (object columns; ``None`` for a blank cell);
integer columns that may be missing are ``Int64``.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from store.engine import get_engine
from store.models import Agency, Document


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
