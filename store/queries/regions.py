"""地区对比 over a province's store: agencies counted and picked by region in SQL.

Each agency's region at every level is a column (``agencies.region_county`` …,
store/derived.py), so the page asks for a few counts and the documents of the
regions it shows — never every document and every agency's name.
"""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import Engine, case, func, select

from store.derived import REGION_COLUMNS
from store.models import Agency, Document
from store.queries.base import (
    Texts, DOC_INTS, DOC_SELECT, engine_for, fetch_tuples, filtered, tuple_frame, where_in,
)
from store.queries.documents import INDEX_COLUMNS

REGION_YEAR_COLUMNS = ["level", "kind", "year", "regions", "agencies"]
REGION_COUNT_COLUMNS = ["region", "agencies"]
REGION_DOCUMENT_COLUMNS = INDEX_COLUMNS + ["region"]


def _region(level: str):
    try:
        return getattr(Agency, REGION_COLUMNS[level])
    except KeyError:
        raise ValueError(f"unknown region level {level!r}") from None


def region_year_counts(
    kind: Texts = None, *, engine: Engine | None = None, url: str | None = None
) -> pd.DataFrame:
    """For every level, kind and year with a document of ``kind``: how many regions
    and how many agencies placed in one (:data:`REGION_YEAR_COLUMNS`; a year whose
    agencies give no region at a level counts 0 there).  One pass over the documents."""
    levels = list(REGION_COLUMNS)
    counted = []
    for level in levels:
        region = _region(level)
        counted += [func.count(region.distinct()),
                    func.count(case((region.is_not(None), Document.agency_id)).distinct())]
    stmt = filtered(
        select(Document.kind, Document.year, *counted)
        .join(Agency, Document.agency_id == Agency.id)
        .group_by(Document.kind, Document.year),
        where_in(Document.kind, kind),
    )
    rows = []
    for kind_, year, *counts in fetch_tuples(engine_for(engine, url), stmt):
        rows += [(level, kind_, year, counts[2 * i], counts[2 * i + 1]) for i, level in enumerate(levels)]
    rows.sort(key=lambda r: (levels.index(r[0]), r[1], r[2]))
    return tuple_frame(rows, REGION_YEAR_COLUMNS, ints=("year", "regions", "agencies"))


def _in_year(stmt, year: int | None, kind: str | None):
    return filtered(stmt, where_in(Document.year, None if year is None else int(year)), where_in(Document.kind, kind))


def region_counts(
    level: str, year: int, kind: str, *, engine: Engine | None = None, url: str | None = None
) -> pd.DataFrame:
    """The regions at ``level`` with an agency's document of ``year`` and ``kind``, by
    name, with how many such agencies each has (:data:`REGION_COUNT_COLUMNS`)."""
    region = _region(level)
    stmt = _in_year(
        select(region, func.count(Document.agency_id.distinct()))
        .join(Agency, Document.agency_id == Agency.id)
        .where(region.is_not(None))
        .group_by(region)
        .order_by(region),
        year, kind,
    )
    return tuple_frame(fetch_tuples(engine_for(engine, url), stmt), REGION_COUNT_COLUMNS, ints=("agencies",))


def unplaced_agencies(
    level: str, year: int | None = None, kind: str | None = None, *, limit: int = 20, engine: Engine | None =
    None, url: str | None = None,
) -> tuple[list[str], int]:
    """The first ``limit`` agencies (by name) with a document of ``year`` and ``kind``
    whose name gives no region at ``level``, and how many there are in all."""
    region = _region(level)
    base = _in_year(select(Agency.name).join(Document, Document.agency_id == Agency.id).where(region.is_(None)),
                    year, kind).distinct()
    eng = engine_for(engine, url)
    names = [r[0] for r in fetch_tuples(eng, base.order_by(Agency.name).limit(max(int(limit), 0)))]
    total = fetch_tuples(eng, select(func.count()).select_from(base.subquery()))[0][0]
    return names, int(total or 0)


def region_documents(
    level: str, year: int, kind: str, regions: Iterable[str] | None = None, *, engine: Engine | None = None,
    url: str | None = None,
) -> pd.DataFrame:
    """One document per agency of ``year`` and ``kind`` — department scope first,
    then the lowest id — of the agencies placed at ``level`` (in ``regions``, if
    given), with its ``region``, by region and agency (:data:`REGION_DOCUMENT_COLUMNS`)."""
    region = _region(level)
    ranked = _in_year(
        select(
            Document.id.label("document_id"),
            func.row_number().over(
                partition_by=Document.agency_id,
                order_by=(case((Document.scope == "department", 0), else_=1), Document.id),
            ).label("n"),
        )
        .join(Agency, Document.agency_id == Agency.id)
        .where(region.is_not(None)),
        year, kind,
    )
    if regions is not None:
        ranked = ranked.where(region.in_(list(regions)))
    first = ranked.subquery()
    stmt = (
        select(*DOC_SELECT, Document.file_name, region)
        .join(Agency, Document.agency_id == Agency.id)
        .join(first, first.c.document_id == Document.id)
        .where(first.c.n == 1)
        .order_by(region, Agency.name)
    )
    return tuple_frame(fetch_tuples(engine_for(engine, url), stmt), REGION_DOCUMENT_COLUMNS, ints=DOC_INTS)
