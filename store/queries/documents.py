"""Agencies and documents: listings, pages, pickers' summaries, one document's metadata and tables."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, case, func, or_, select

from store.models import Agency, Document, DocumentParsed, DocumentPart, LineItem, ParsedTable
from store.queries.base import (
    Ids, Texts, DOCUMENT_COLUMNS, DOC_SELECT, DOC_INTS, LISTING_ORDER, engine_for, where_in, filtered,
    fetch_dicts, fetch_tuples, tuple_frame, dict_frame,
)


def list_agencies(*, engine: Engine | None = None, url: str | None = None) -> pd.DataFrame:
    """Agencies with their document count: agency_id, agency, code, documents."""
    stmt = (
        select(
            Agency.id.label("agency_id"),
            Agency.name.label("agency"),
            Agency.code.label("code"),
            func.count(Document.id).label("documents"),
        )
        .outerjoin(Document, Document.agency_id == Agency.id)
        .group_by(Agency.id, Agency.name, Agency.code)
        .order_by(Agency.name)
    )
    rows = fetch_dicts(engine_for(engine, url), stmt)
    return dict_frame(rows, ["agency_id", "agency", "code", "documents"], ints=("agency_id", "documents"))


LIST_DOCUMENT_COLUMNS = DOCUMENT_COLUMNS + [
    "agency_code", "format", "pages", "file_name", "uploaded_at", "unit_scale", "parser_version",
    "sha256", "tables", "line_items", "errors", "warnings", "infos", "files", "file_names",
]


def list_documents(
    agency_id: Ids = None, year: Ids = None, kind: Texts = None, scope: Texts = None, *, engine: Engine | None
    = None, url: str | None = None,
) -> pd.DataFrame:
    """One row per stored document (never loads the parsed dict or the bytes).

    Columns: document_id, agency_id, agency, year, kind, scope, agency_code, format,
    pages, file_name, uploaded_at (UTC), unit_scale, parser_version, sha256, tables
    (count), line_items (count), errors / warnings / infos (finding counts), files
    (how many original files: more than 1 for a report read from several files)
    and file_names (their names joined by " + ", file_name for one file).

    A province's store lists thousands: a page shows :func:`documents_page`.
    """
    conditions = (
        where_in(Document.agency_id, agency_id),
        where_in(Document.year, year),
        where_in(Document.kind, kind),
        where_in(Document.scope, scope),
    )
    return _document_listing(engine_for(engine, url), conditions)


#: what a listing and one document's metadata tell of a document beside its identity
_DOCUMENT_META = (
    Agency.code.label("agency_code"), Document.format, Document.pages, Document.file_name, Document.uploaded_at,
    Document.unit_scale, Document.parser_version, Document.sha256,
)


def _document_listing(eng: Engine, conditions, ids: list[int] | None = None) -> pd.DataFrame:
    """list_documents' rows for the documents matching ``conditions`` (or with these ``ids``)."""
    limit_to = (lambda column: column.in_(ids)) if ids is not None else (lambda column: None)
    tables = filtered(
        select(ParsedTable.document_id, func.count().label("n")), limit_to(ParsedTable.document_id)
    ).group_by(ParsedTable.document_id).subquery()
    items = filtered(
        select(LineItem.document_id, func.count().label("n")), limit_to(LineItem.document_id)
    ).group_by(LineItem.document_id).subquery()
    stmt = (
        select(
            *DOC_SELECT,
            *_DOCUMENT_META,
            func.coalesce(tables.c.n, 0).label("tables"),
            func.coalesce(items.c.n, 0).label("line_items"),
            Document.errors,
            Document.warnings,
            Document.infos,
        )
        .join(Agency, Document.agency_id == Agency.id)
        .outerjoin(tables, tables.c.document_id == Document.id)
        .outerjoin(items, items.c.document_id == Document.id)
        .order_by(*LISTING_ORDER)
    )
    stmt = filtered(stmt, *conditions, limit_to(Document.id))
    rows = fetch_dicts(eng, stmt)
    names = _part_names(eng, [r["document_id"] for r in rows])
    for r in rows:
        parts = names.get(r["document_id"]) or [r["file_name"]]
        r["files"] = len(parts)
        r["file_names"] = " + ".join(parts)
    return dict_frame(
        rows,
        LIST_DOCUMENT_COLUMNS,
        ints=DOC_INTS + ("pages", "tables", "line_items", "errors", "warnings", "infos", "files"),
    )



def document_search(search: str | None, kind: Texts) -> tuple:
    """Conditions for a text (in the agency's name or a file name, any case) and kinds."""
    text = (search or "").strip()
    found = None
    if text:
        in_parts = (
            select(DocumentPart.id)
            .where(DocumentPart.document_id == Document.id, DocumentPart.file_name.icontains(text, autoescape=True))
            .exists()
        )
        found = or_(
            Agency.name.icontains(text, autoescape=True), Document.file_name.icontains(text, autoescape=True), in_parts
        )
    return (found, where_in(Document.kind, kind))


def count_documents(
    search: str | None = None, kind: Texts = None, *, engine: Engine | None = None, url: str | None = None,
) -> int:
    """How many documents :func:`documents_page` pages through."""
    stmt = filtered(
        select(func.count()).select_from(Document).join(Agency, Document.agency_id == Agency.id),
        *document_search(search, kind),
    )
    with engine_for(engine, url).connect() as conn:
        return int(conn.scalar(stmt) or 0)


def documents_page(
    search: str | None = None, kind: Texts = None, *, limit: int = 50, offset: int = 0, engine: Engine | None
    = None, url: str | None = None,
) -> pd.DataFrame:
    """One page of :func:`list_documents` (its columns and order): the documents
    whose agency or file name contains ``search`` (any case), of ``kind``,
    rows ``offset`` to ``offset + limit``.  The counts are taken for the page only."""
    eng = engine_for(engine, url)
    stmt = filtered(
        select(Document.id).join(Agency, Document.agency_id == Agency.id).order_by(*LISTING_ORDER),
        *document_search(search, kind),
    ).limit(max(int(limit), 0)).offset(max(int(offset), 0))
    with eng.connect() as conn:
        ids = [int(i) for i in conn.scalars(stmt)]
    if not ids:
        return dict_frame([], LIST_DOCUMENT_COLUMNS)
    return _document_listing(eng, (), ids)


INDEX_COLUMNS = DOCUMENT_COLUMNS + ["file_name"]


def document_index(
    kind: Texts = None, year: Ids = None, agency_id: Ids = None, *, document_ids: Ids = None,
    search: str | None = None, limit: int | None = None, engine: Engine | None = None, url: str | None = None,
) -> pd.DataFrame:
    """One light row per document — document_id, agency_id, agency, year, kind,
    scope, file_name — in :func:`list_documents`' order, without its counts:
    what pages choose documents from.  ``search`` keeps those whose agency or
    file name contains it (any case), ``limit`` the first so many: a picker over
    a province's store asks for a few matches, never every document."""
    stmt = filtered(
        select(*DOC_SELECT, Document.file_name).join(Agency, Document.agency_id == Agency.id).order_by(*LISTING_ORDER),
        where_in(Document.kind, kind),
        where_in(Document.year, year),
        where_in(Document.agency_id, agency_id),
        where_in(Document.id, document_ids),
        *(document_search(search, None) if search else ()),
    )
    if limit is not None:
        stmt = stmt.limit(max(int(limit), 0))
    return tuple_frame(fetch_tuples(engine_for(engine, url), stmt), INDEX_COLUMNS, ints=DOC_INTS)


AGENCY_SUMMARY_COLUMNS = ["agency_id", "agency", "documents", "years", "first_year", "last_year", "finals"]


def agency_summary(
    kind: Texts = None, year: Ids = None, *, engine: Engine | None = None, url: str | None = None,
) -> pd.DataFrame:
    """One row per agency with a document of ``kind`` (and ``year``), by name:
    agency_id, agency, documents, years (how many distinct years), first_year,
    last_year, finals (how many of its documents are final accounts).  What
    agency pickers list — thousands of rows, not one per document."""
    stmt = filtered(
        select(
            Agency.id, Agency.name, func.count(Document.id), func.count(Document.year.distinct()),
            func.min(Document.year), func.max(Document.year),
            func.coalesce(func.sum(case((Document.kind == "final_accounts", 1), else_=0)), 0),
        )
        .join(Document, Document.agency_id == Agency.id)
        .group_by(Agency.id, Agency.name)
        .order_by(Agency.name),
        where_in(Document.kind, kind),
        where_in(Document.year, year),
    )
    return tuple_frame(fetch_tuples(engine_for(engine, url), stmt), AGENCY_SUMMARY_COLUMNS,
                  ints=("agency_id", "documents", "years", "first_year", "last_year", "finals"))


YEAR_SUMMARY_COLUMNS = ["year", "agencies", "documents"]


def year_summary(
    kind: Texts = None, *, engine: Engine | None = None, url: str | None = None
) -> pd.DataFrame:
    """One row per year with a document of ``kind``, the latest first: year,
    agencies (how many distinct agencies), documents."""
    stmt = filtered(
        select(Document.year, func.count(Document.agency_id.distinct()), func.count(Document.id))
        .group_by(Document.year)
        .order_by(Document.year.desc()),
        where_in(Document.kind, kind),
    )
    return tuple_frame(fetch_tuples(engine_for(engine, url), stmt), YEAR_SUMMARY_COLUMNS, ints=YEAR_SUMMARY_COLUMNS)


def _part_names(engine: Engine, document_ids: list[int]) -> dict[int, list[str]]:
    """The file names of the documents read from several files, in document order."""
    if not document_ids:
        return {}
    stmt = select(DocumentPart.document_id, DocumentPart.file_name).order_by(DocumentPart.document_id, DocumentPart.seq)
    if len(document_ids) <= 500:
        stmt = stmt.where(DocumentPart.document_id.in_(document_ids))
    out: dict[int, list[str]] = {}
    for r in fetch_dicts(engine, stmt):
        out.setdefault(r["document_id"], []).append(r["file_name"])
    return out


def documents_for(
    agency_id: int, year: int, kind: str, *, engine: Engine | None = None, url: str | None = None
) -> pd.DataFrame:
    """The documents (department and/or unit scope) of one agency, year and kind."""
    return list_documents(agency_id=agency_id, year=year, kind=kind, engine=engine, url=url)


def years_for_agency(agency_id: int, *, engine: Engine | None = None, url: str | None = None) -> list[int]:
    """Years with at least one document for the agency, ascending."""
    stmt = select(Document.year).distinct().where(Document.agency_id == agency_id).order_by(Document.year)
    with engine_for(engine, url).connect() as conn:
        return [int(y) for y in conn.scalars(stmt)]


def get_document(document_id: int, *, engine: Engine | None = None, url: str | None = None) -> dict | None:
    """Metadata of one document plus ``parsed`` (the stored document dict,
    amounts as strings); None if there is no such document."""
    stmt = (
        select(
            *DOC_SELECT,
            *_DOCUMENT_META,
            DocumentParsed.parsed,
        )
        .join(Agency, Document.agency_id == Agency.id)
        .outerjoin(DocumentParsed, DocumentParsed.document_id == Document.id)
        .where(Document.id == document_id)
    )
    rows = fetch_dicts(engine_for(engine, url), stmt)
    return rows[0] if rows else None


def document_tables(document_id: int, *, engine: Engine | None = None, url: str | None = None) -> list[dict]:
    """Recognised tables of a document in order: dicts with table_id, seq, title,
    kind, pages (list), rows (list of lists of cell texts) and any other keys the
    parser wrote for the table (row_pages, spans, caption …)."""
    stmt = (
        select(
            ParsedTable.id.label("table_id"),
            ParsedTable.seq,
            ParsedTable.title,
            ParsedTable.kind,
            ParsedTable.pages,
            ParsedTable.rows,
            ParsedTable.extra,
        )
        .where(ParsedTable.document_id == document_id)
        .order_by(ParsedTable.seq)
    )
    tables = []
    for row in fetch_dicts(engine_for(engine, url), stmt):
        extra = row.pop("extra") or {}
        tables.append({**extra, **row})
    return tables
