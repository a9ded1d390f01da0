"""Every read the dashboard needs, as named functions.

All SQL is built with SQLAlchemy ``select()`` and bound parameters.  Each function
takes keyword-only ``engine=`` or ``url=`` (default: the configured database) and
returns a pandas DataFrame or plain Python values.

Amounts are exact ``decimal.Decimal`` (object columns; ``None`` for a blank
cell) — convert with ``pd.to_numeric(df[col])`` or ``.astype(float)`` only for
charts.  Integer columns that may be missing (page, row, pages) are ``Int64``.
Every row that carries a number also carries its document (``document_id``,
agency, year, kind, scope) and, for line items, its page / table / row.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import Engine, and_, case, false, func, null, or_, select, type_coerce

from store.engine import get_engine
from store.revision import read_revision
from store.models import (
    ECONOMIC_MEASURES,
    FUNCTION_MEASURES,
    THREE_PUBLIC_LABELS,
    TOTALS_LABELS,
    Agency,
    Amount,
    Document,
    DocumentFile,
    DocumentParsed,
    DocumentPart,
    Finding,
    LineItem,
    LineItemFile,
    Meta,
    ParsedTable,
    Project,
    SelfEvaluation,
)

DOCUMENT_COLUMNS = ["document_id", "agency_id", "agency", "year", "kind", "scope"]
_DOC_SELECT = (
    Document.id.label("document_id"),
    Document.agency_id.label("agency_id"),
    Agency.name.label("agency"),
    Document.year.label("year"),
    Document.kind.label("kind"),
    Document.scope.label("scope"),
)
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


# --------------------------------------------------------------------------- helpers


def _engine(engine: Engine | None, url: str | None) -> Engine:
    return engine if engine is not None else get_engine(url)


def _where_in(column, value: Any):
    """``column == value`` for a scalar, ``column IN (...)`` for an iterable, None for None."""
    if value is None:
        return None
    if isinstance(value, (str, bytes, int)):
        return column == value
    return column.in_(list(value))


def _filtered(stmt, *conditions):
    conditions = [c for c in conditions if c is not None]
    return stmt.where(*conditions) if conditions else stmt


def _rows(engine: Engine, stmt) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]


def _tuples(engine: Engine, stmt) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(stmt).fetchall()]  # one fetchall, not one fetch per row


def _table(rows: list[tuple], columns: list[str], ints: Iterable[str] = ()) -> pd.DataFrame:
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


def _frame(rows: list[dict[str, Any]], columns: list[str], ints: Iterable[str] = ()) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns)
    for col in ints:
        if col in df.columns:
            df[col] = df[col].astype("Int64")
    return df


_DOC_INTS = ("document_id", "agency_id", "year")


# --------------------------------------------------------------------------- agencies & documents


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
    rows = _rows(_engine(engine, url), stmt)
    return _frame(rows, ["agency_id", "agency", "code", "documents"], ints=("agency_id", "documents"))


LIST_DOCUMENT_COLUMNS = DOCUMENT_COLUMNS + [
    "agency_code", "format", "pages", "file_name", "uploaded_at", "unit_scale", "parser_version",
    "sha256", "tables", "line_items", "errors", "warnings", "infos", "files", "file_names",
]


def list_documents(
    agency_id: int | Iterable[int] | None = None,
    year: int | Iterable[int] | None = None,
    kind: str | Iterable[str] | None = None,
    scope: str | Iterable[str] | None = None,
    *,
    engine: Engine | None = None,
    url: str | None = None,
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
        _where_in(Document.agency_id, agency_id),
        _where_in(Document.year, year),
        _where_in(Document.kind, kind),
        _where_in(Document.scope, scope),
    )
    return _document_listing(_engine(engine, url), conditions)


def _document_listing(eng: Engine, conditions, ids: list[int] | None = None) -> pd.DataFrame:
    """list_documents' rows for the documents matching ``conditions`` (or with these ``ids``)."""
    limit_to = (lambda column: column.in_(ids)) if ids is not None else (lambda column: None)
    tables = _filtered(
        select(ParsedTable.document_id, func.count().label("n")), limit_to(ParsedTable.document_id)
    ).group_by(ParsedTable.document_id).subquery()
    items = _filtered(
        select(LineItem.document_id, func.count().label("n")), limit_to(LineItem.document_id)
    ).group_by(LineItem.document_id).subquery()
    stmt = (
        select(
            *_DOC_SELECT,
            Agency.code.label("agency_code"),
            Document.format,
            Document.pages,
            Document.file_name,
            Document.uploaded_at,
            Document.unit_scale,
            Document.parser_version,
            Document.sha256,
            func.coalesce(tables.c.n, 0).label("tables"),
            func.coalesce(items.c.n, 0).label("line_items"),
            Document.errors,
            Document.warnings,
            Document.infos,
        )
        .join(Agency, Document.agency_id == Agency.id)
        .outerjoin(tables, tables.c.document_id == Document.id)
        .outerjoin(items, items.c.document_id == Document.id)
        .order_by(*_LISTING_ORDER)
    )
    stmt = _filtered(stmt, *conditions, limit_to(Document.id))
    rows = _rows(eng, stmt)
    names = _part_names(eng, [r["document_id"] for r in rows])
    for r in rows:
        parts = names.get(r["document_id"]) or [r["file_name"]]
        r["files"] = len(parts)
        r["file_names"] = " + ".join(parts)
    return _frame(
        rows,
        LIST_DOCUMENT_COLUMNS,
        ints=_DOC_INTS + ("pages", "tables", "line_items", "errors", "warnings", "infos", "files"),
    )


#: the order of every list of documents: by agency, the latest year first
_LISTING_ORDER = (Agency.name, Document.year.desc(), Document.kind, Document.scope, Document.id)


def _document_search(search: str | None, kind: str | Iterable[str] | None) -> tuple:
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
    return (found, _where_in(Document.kind, kind))


def count_documents(
    search: str | None = None, kind: str | Iterable[str] | None = None, *,
    engine: Engine | None = None, url: str | None = None,
) -> int:
    """How many documents :func:`documents_page` pages through."""
    stmt = _filtered(
        select(func.count()).select_from(Document).join(Agency, Document.agency_id == Agency.id),
        *_document_search(search, kind),
    )
    with _engine(engine, url).connect() as conn:
        return int(conn.scalar(stmt) or 0)


def documents_page(
    search: str | None = None,
    kind: str | Iterable[str] | None = None,
    *,
    limit: int = 50,
    offset: int = 0,
    engine: Engine | None = None,
    url: str | None = None,
) -> pd.DataFrame:
    """One page of :func:`list_documents` (its columns and order): the documents
    whose agency or file name contains ``search`` (any case), of ``kind``,
    rows ``offset`` to ``offset + limit``.  The counts are taken for the page only."""
    eng = _engine(engine, url)
    stmt = _filtered(
        select(Document.id).join(Agency, Document.agency_id == Agency.id).order_by(*_LISTING_ORDER),
        *_document_search(search, kind),
    ).limit(max(int(limit), 0)).offset(max(int(offset), 0))
    with eng.connect() as conn:
        ids = [int(i) for i in conn.scalars(stmt)]
    if not ids:
        return _frame([], LIST_DOCUMENT_COLUMNS)
    return _document_listing(eng, (), ids)


INDEX_COLUMNS = DOCUMENT_COLUMNS + ["file_name"]


def document_index(
    kind: str | Iterable[str] | None = None,
    year: int | Iterable[int] | None = None,
    agency_id: int | Iterable[int] | None = None,
    *,
    engine: Engine | None = None,
    url: str | None = None,
) -> pd.DataFrame:
    """One light row per document — document_id, agency_id, agency, year, kind,
    scope, file_name — in :func:`list_documents`' order, without its counts:
    what pages choose documents from."""
    stmt = _filtered(
        select(*_DOC_SELECT, Document.file_name).join(Agency, Document.agency_id == Agency.id).order_by(*_LISTING_ORDER),
        _where_in(Document.kind, kind),
        _where_in(Document.year, year),
        _where_in(Document.agency_id, agency_id),
    )
    return _table(_tuples(_engine(engine, url), stmt), INDEX_COLUMNS, ints=_DOC_INTS)


AGENCY_SUMMARY_COLUMNS = ["agency_id", "agency", "documents", "years", "first_year", "last_year", "finals"]


def agency_summary(
    kind: str | Iterable[str] | None = None,
    year: int | Iterable[int] | None = None,
    *,
    engine: Engine | None = None,
    url: str | None = None,
) -> pd.DataFrame:
    """One row per agency with a document of ``kind`` (and ``year``), by name:
    agency_id, agency, documents, years (how many distinct years), first_year,
    last_year, finals (how many of its documents are final accounts).  What
    agency pickers list — thousands of rows, not one per document."""
    stmt = _filtered(
        select(
            Agency.id, Agency.name, func.count(Document.id), func.count(Document.year.distinct()),
            func.min(Document.year), func.max(Document.year),
            func.coalesce(func.sum(case((Document.kind == "final_accounts", 1), else_=0)), 0),
        )
        .join(Document, Document.agency_id == Agency.id)
        .group_by(Agency.id, Agency.name)
        .order_by(Agency.name),
        _where_in(Document.kind, kind),
        _where_in(Document.year, year),
    )
    return _table(_tuples(_engine(engine, url), stmt), AGENCY_SUMMARY_COLUMNS,
                  ints=("agency_id", "documents", "years", "first_year", "last_year", "finals"))


YEAR_SUMMARY_COLUMNS = ["year", "agencies", "documents"]


def year_summary(
    kind: str | Iterable[str] | None = None, *, engine: Engine | None = None, url: str | None = None
) -> pd.DataFrame:
    """One row per year with a document of ``kind``, the latest first: year,
    agencies (how many distinct agencies), documents."""
    stmt = _filtered(
        select(Document.year, func.count(Document.agency_id.distinct()), func.count(Document.id))
        .group_by(Document.year)
        .order_by(Document.year.desc()),
        _where_in(Document.kind, kind),
    )
    return _table(_tuples(_engine(engine, url), stmt), YEAR_SUMMARY_COLUMNS, ints=YEAR_SUMMARY_COLUMNS)


def _part_names(engine: Engine, document_ids: list[int]) -> dict[int, list[str]]:
    """The file names of the documents read from several files, in document order."""
    if not document_ids:
        return {}
    stmt = select(DocumentPart.document_id, DocumentPart.file_name).order_by(DocumentPart.document_id, DocumentPart.seq)
    if len(document_ids) <= 500:
        stmt = stmt.where(DocumentPart.document_id.in_(document_ids))
    out: dict[int, list[str]] = {}
    for r in _rows(engine, stmt):
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
    with _engine(engine, url).connect() as conn:
        return [int(y) for y in conn.scalars(stmt)]


def get_document(document_id: int, *, engine: Engine | None = None, url: str | None = None) -> dict | None:
    """Metadata of one document plus ``parsed`` (the stored document dict,
    amounts as strings); None if there is no such document."""
    stmt = (
        select(
            *_DOC_SELECT,
            Agency.code.label("agency_code"),
            Document.sha256,
            Document.file_name,
            Document.format,
            Document.pages,
            Document.parser_version,
            Document.uploaded_at,
            Document.unit_scale,
            DocumentParsed.parsed,
        )
        .join(Agency, Document.agency_id == Agency.id)
        .outerjoin(DocumentParsed, DocumentParsed.document_id == Document.id)
        .where(Document.id == document_id)
    )
    rows = _rows(_engine(engine, url), stmt)
    return rows[0] if rows else None


def get_original(document_id: int, *, engine: Engine | None = None, url: str | None = None) -> tuple[str, bytes] | None:
    """``(file_name, bytes)`` of the uploaded original, or None."""
    stmt = (
        select(Document.file_name, DocumentFile.data)
        .join(DocumentFile, DocumentFile.document_id == Document.id)
        .where(Document.id == document_id)
    )
    with _engine(engine, url).connect() as conn:
        row = conn.execute(stmt).first()
    return (row.file_name, bytes(row.data)) if row else None


def document_originals(document_id: int, *, engine: Engine | None = None, url: str | None = None) -> list[dict]:
    """The original files of a document in document order (one for a report read
    from one file): dicts with seq, file_name, sha256, format, pages, size (bytes).
    Never loads the bytes; empty when there is no such document."""
    eng = _engine(engine, url)
    size = func.length(DocumentFile.data)
    parts = _rows(
        eng,
        select(
            DocumentPart.seq, DocumentPart.file_name, DocumentPart.sha256, DocumentPart.format, DocumentPart.pages,
            DocumentPart.size,
        )
        .where(DocumentPart.document_id == document_id)
        .order_by(DocumentPart.seq),
    )
    if parts:
        return parts
    rows = _rows(
        eng,
        select(Document.file_name, Document.sha256, Document.format, Document.pages, size.label("size"))
        .outerjoin(DocumentFile, DocumentFile.document_id == Document.id)
        .where(Document.id == document_id),
    )
    return [{"seq": 0, **rows[0]}] if rows else []


def get_original_file(
    document_id: int, seq: int = 0, *, engine: Engine | None = None, url: str | None = None
) -> tuple[str, bytes] | None:
    """``(file_name, bytes)`` of one original of a document (``seq`` as in
    :func:`document_originals`; 0 is the first, and the only one of a report
    read from one file), or None."""
    eng = _engine(engine, url)
    stmt = select(DocumentPart.file_name, DocumentPart.data).where(
        DocumentPart.document_id == document_id, DocumentPart.seq == seq
    )
    with eng.connect() as conn:
        row = conn.execute(stmt).first()
    if row is not None and row.data is not None:
        return row.file_name, bytes(row.data)
    if seq != 0:
        return None
    first = get_original(document_id, engine=eng)
    if first is None:
        return None
    return (row.file_name if row is not None else first[0]), first[1]


def get_originals(document_id: int, *, engine: Engine | None = None, url: str | None = None) -> list[tuple[str, bytes]]:
    """``[(file_name, bytes), …]`` of every original of a document, in document order."""
    eng = _engine(engine, url)
    out = []
    for part in document_originals(document_id, engine=eng):
        got = get_original_file(document_id, part["seq"], engine=eng)
        if got is not None:
            out.append(got)
    return out


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
    for row in _rows(_engine(engine, url), stmt):
        extra = row.pop("extra") or {}
        tables.append({**extra, **row})
    return tables


# --------------------------------------------------------------------------- amounts


LINE_ITEM_COLUMNS = DOCUMENT_COLUMNS + [
    "file_name", "section", "seq", "code", "name", "measure", "amount",
    "source_file", "page", "table_title", "row", "origin", "table_id", "line_item_id",
]
# The file a number was read from: its own for a report read from several files.
_SOURCE_FILE = func.coalesce(LineItemFile.file_name, Document.file_name).label("source_file")


def _line_item_rows(document_ids, section, measure, engine: Engine) -> list[dict[str, Any]]:
    return _rows(engine, _line_item_stmt(document_ids, section, measure))


def _line_item_stmt(document_ids, section, measure):
    stmt = (
        select(
            *_DOC_SELECT,
            Document.file_name,
            LineItem.section,
            LineItem.seq,
            LineItem.code,
            LineItem.name,
            LineItem.measure,
            LineItem.amount,
            _SOURCE_FILE,
            LineItem.page,
            LineItem.table_title,
            LineItem.row,
            LineItem.origin,
            LineItem.table_id,
            LineItem.id.label("line_item_id"),
        )
        .join(Document, LineItem.document_id == Document.id)
        .join(Agency, Document.agency_id == Agency.id)
        .outerjoin(LineItemFile, LineItemFile.line_item_id == LineItem.id)
        .order_by(Agency.name, Document.year, Document.kind, Document.scope, Document.id, LineItem.id)
    )
    stmt = _filtered(
        stmt,
        _where_in(LineItem.document_id, document_ids),
        _where_in(LineItem.section, section),
        _where_in(LineItem.measure, measure),
    )
    return stmt


def line_items(
    document_ids: Iterable[int] | int | None = None,
    section: str | Iterable[str] | None = None,
    measure: str | Iterable[str] | None = None,
    *,
    engine: Engine | None = None,
    url: str | None = None,
) -> pd.DataFrame:
    """Amounts in long format, one row per (document, section, line, measure),
    with document context and provenance (source_file, page, table_title, row,
    origin; source_file is file_name but for a report read from several files).

    ``section`` is one of totals, three_public, three_public_budget, function,
    economic; ``seq`` numbers the lines within a section of a document.
    """
    rows = _line_item_rows(document_ids, section, measure, _engine(engine, url))
    return _frame(rows, LINE_ITEM_COLUMNS, ints=_DOC_INTS + ("seq", "page", "row", "table_id", "line_item_id"))


def totals_wide(
    kind: str | Iterable[str] | None = None,
    year: int | Iterable[int] | None = None,
    agency_ids: Iterable[int] | int | None = None,
    *,
    document_ids: Iterable[int] | int | None = None,
    measures: Iterable[str] | None = None,
    engine: Engine | None = None,
    url: str | None = None,
) -> pd.DataFrame:
    """One row per document: document_id, agency_id, agency, year, kind, scope,
    file_name, then every totals measure (``revenue_total`` …), every three_public
    measure as ``three_public_<key>`` and (final accounts) ``three_public_budget_<key>``.
    A measure the document does not report, or prints blank, is None.

    ``document_ids`` keeps those documents; ``measures`` (wide column names)
    reads and returns only those measures."""
    eng = _engine(engine, url)
    doc_conditions = (
        _where_in(Document.kind, kind),
        _where_in(Document.year, year),
        _where_in(Document.agency_id, agency_ids),
        _where_in(Document.id, document_ids),
    )
    wanted = None if measures is None else [m for m in measures]
    docs_stmt = _filtered(
        select(*_DOC_SELECT, Document.file_name)
        .join(Agency, Document.agency_id == Agency.id)
        .order_by(Agency.name, Document.year, Document.kind, Document.scope, Document.id),
        *doc_conditions,
    )
    pairs = None
    if wanted is not None:
        keys = [_wide_key(column) for column in wanted]
        pairs = or_(*(and_(LineItem.section == sec, LineItem.measure == m) for sec, m in keys)) if keys else false()
    values_stmt = _filtered(
        select(LineItem.document_id, LineItem.section, LineItem.measure, LineItem.amount)
        .join(Document, LineItem.document_id == Document.id)
        .where(LineItem.section.in_(list(_WIDE_PREFIX)))
        .order_by(LineItem.id),
        *doc_conditions,
        pairs,
    )
    docs = _rows(eng, docs_stmt)
    columns = list(TOTALS_WIDE_MEASURES) if wanted is None else list(wanted)
    by_doc: dict[int, dict[str, Any]] = {d["document_id"]: {**d, **dict.fromkeys(columns)} for d in docs}
    for v in _rows(eng, values_stmt):
        col = wide_column(v["section"], v["measure"])
        if wanted is not None and col not in wanted:
            continue
        if col not in columns:  # a key added to the schema later
            columns.append(col)
            for d in by_doc.values():
                d.setdefault(col, None)
        if v["document_id"] in by_doc:
            by_doc[v["document_id"]][col] = v["amount"]
    return _frame(list(by_doc.values()), DOCUMENT_COLUMNS + ["file_name"] + columns, ints=_DOC_INTS)


def _lines_wide(section: str, measures: tuple[str, ...], document_ids, engine, url) -> pd.DataFrame:
    long = _tuples(_engine(engine, url), _line_item_stmt(document_ids, section, None))
    key_cols = DOCUMENT_COLUMNS + ["file_name", "seq", "code", "name"]
    prov_cols = ["source_file", "page", "table_title", "row", "origin"]
    columns = key_cols + list(measures) + prov_cols
    at = {c: i for i, c in enumerate(LINE_ITEM_COLUMNS)}
    kept = [at[c] for c in key_cols] + [at[c] for c in prov_cols]
    doc_at, seq_at, measure_at, amount_at = at["document_id"], at["seq"], at["measure"], at["amount"]
    slot = {m: len(key_cols) + i for i, m in enumerate(measures)}
    lines: dict[tuple, list] = {}
    for rec in long:
        key = (rec[doc_at], rec[seq_at])
        line = lines.get(key)
        if line is None:
            head = [rec[i] for i in kept]
            line = head[:len(key_cols)] + [None] * len(measures) + head[len(key_cols):]
            lines[key] = line
        i = slot.get(rec[measure_at])
        if i is not None:
            line[i] = rec[amount_at]
    return _table(list(lines.values()), columns, ints=_DOC_INTS + ("seq", "page", "row"))


def function_lines(
    document_ids: Iterable[int] | int | None = None, *, engine: Engine | None = None, url: str | None = None
) -> pd.DataFrame:
    """Function-class lines (功能分类), one row per printed line: document context,
    seq, code, name, total, basic, project, source_file, page, table_title, row, origin."""
    return _lines_wide("function", FUNCTION_MEASURES, document_ids, engine, url)


def economic_lines(
    document_ids: Iterable[int] | int | None = None, *, engine: Engine | None = None, url: str | None = None
) -> pd.DataFrame:
    """Economic-class lines (经济分类), one row per printed line: document context,
    seq, code, name, total, personnel, public, source_file, page, table_title, row, origin."""
    return _lines_wide("economic", ECONOMIC_MEASURES, document_ids, engine, url)


# --------------------------------------------------------------------------- findings & performance


_FINDING_SELECT = (
    *_DOC_SELECT,
    Document.file_name,
    Finding.id.label("finding_id"),
    Finding.rule,
    Finding.severity,
    Finding.message,
    Finding.page,
    Finding.table_title,
    Finding.row,
    Finding.expected,
    Finding.found,
    func.coalesce(Finding.data["file"].as_string(), Document.file_name).label("source_file"),
)

FINDING_COLUMNS = DOCUMENT_COLUMNS + [
    "file_name", "finding_id", "rule", "severity", "message", "page", "table_title", "row", "expected", "found",
    "source_file",
]


def findings(
    document_ids: Iterable[int] | int | None = None,
    severity: str | Iterable[str] | None = None,
    rule: str | Iterable[str] | None = None,
    *,
    engine: Engine | None = None,
    url: str | None = None,
) -> pd.DataFrame:
    """Findings with document context and where they were found (source_file:
    the file of the table a finding names in a report read from several files,
    else file_name)."""
    stmt = (
        select(*_FINDING_SELECT)
        .join(Document, Finding.document_id == Document.id)
        .join(Agency, Document.agency_id == Agency.id)
        .order_by(Agency.name, Document.year, Document.kind, Document.scope, Document.id, Finding.id)
    )
    stmt = _filtered(
        stmt,
        _where_in(Finding.document_id, document_ids),
        _where_in(Finding.severity, severity),
        _where_in(Finding.rule, rule),
    )
    rows = _rows(_engine(engine, url), stmt)
    return _frame(rows, FINDING_COLUMNS, ints=_DOC_INTS + ("finding_id", "page", "row"))


_NO_DATA = null().label("data")

SELF_EVALUATION_COLUMNS = DOCUMENT_COLUMNS + [
    "file_name", "self_evaluation_id", "seq", "name", "budget", "executed",
    "reported_score", "computed_score", "grade", "data",
]


def self_evaluations(
    document_ids: Iterable[int] | int | None = None,
    *,
    agency_ids: Iterable[int] | int | None = None,
    years: Iterable[int] | int | None = None,
    with_data: bool = True,
    engine: Engine | None = None,
    url: str | None = None,
) -> pd.DataFrame:
    """Project self-evaluations (绩效自评); ``data`` is the parsed item dict
    (None with ``with_data=False``: the scores and amounts only).  ``agency_ids``
    / ``years`` keep the documents of those agencies / years."""
    stmt = _filtered(
        select(
            *_DOC_SELECT,
            Document.file_name,
            SelfEvaluation.id.label("self_evaluation_id"),
            SelfEvaluation.seq,
            SelfEvaluation.name,
            SelfEvaluation.budget,
            SelfEvaluation.executed,
            SelfEvaluation.reported_score,
            SelfEvaluation.computed_score,
            SelfEvaluation.grade,
            SelfEvaluation.data if with_data else _NO_DATA,
        )
        .join(Document, SelfEvaluation.document_id == Document.id)
        .join(Agency, Document.agency_id == Agency.id)
        .order_by(Agency.name, Document.year, Document.id, SelfEvaluation.seq),
        _where_in(SelfEvaluation.document_id, document_ids),
        _where_in(Document.agency_id, agency_ids),
        _where_in(Document.year, years),
    )
    rows = _rows(_engine(engine, url), stmt)
    return _frame(rows, SELF_EVALUATION_COLUMNS, ints=_DOC_INTS + ("self_evaluation_id", "seq"))


PROJECT_COLUMNS = DOCUMENT_COLUMNS + ["file_name", "project_id", "seq", "code", "name", "amount", "data"]


def projects(
    document_ids: Iterable[int] | int | None = None,
    *,
    agency_ids: Iterable[int] | int | None = None,
    years: Iterable[int] | int | None = None,
    with_data: bool = True,
    engine: Engine | None = None,
    url: str | None = None,
) -> pd.DataFrame:
    """Projects of performance target tables (项目绩效目标); ``data`` is the parsed
    item dict (None with ``with_data=False``).  ``agency_ids`` / ``years`` keep
    the documents of those agencies / years."""
    stmt = _filtered(
        select(
            *_DOC_SELECT,
            Document.file_name,
            Project.id.label("project_id"),
            Project.seq,
            Project.code,
            Project.name,
            Project.amount,
            Project.data if with_data else _NO_DATA,
        )
        .join(Document, Project.document_id == Document.id)
        .join(Agency, Document.agency_id == Agency.id)
        .order_by(Agency.name, Document.year, Document.id, Project.seq),
        _where_in(Project.document_id, document_ids),
        _where_in(Document.agency_id, agency_ids),
        _where_in(Document.year, years),
    )
    rows = _rows(_engine(engine, url), stmt)
    return _frame(rows, PROJECT_COLUMNS, ints=_DOC_INTS + ("project_id", "seq"))


# --------------------------------------------------------------------------- a province's totals
#
# A page over thousands of documents shows sums, counts and one page of rows:
# these read them from indexes and the stored counts (store/derived.py), never
# every row's data.


LATEST_COLUMNS = INDEX_COLUMNS + ["expenditure_total", "basic", "project", "three_public_total", "page"]
_KIND_RANK = case((Document.kind == "final_accounts", 0), (Document.kind == "budget", 1), else_=9)
_SCOPE_RANK = case((Document.scope == "department", 0), else_=1)


def _pick(section: str, measure: str, column=None):
    """The one value of (section, measure) among a document's line items (MAX over the group)."""
    value = column if column is not None else LineItem.amount
    picked = func.max(case((and_(LineItem.section == section, LineItem.measure == measure), value)))
    return type_coerce(picked, Amount()) if column is None else picked


def latest_documents(
    kind: str | Iterable[str] = ("budget", "final_accounts"), *, engine: Engine | None = None, url: str | None = None
) -> pd.DataFrame:
    """Each agency's latest document of ``kind`` — the latest year; in one year
    final accounts before the budget, department before unit, then the lowest
    id — with its expenditure_total, basic, project, three_public_total and the
    page of expenditure_total.  Columns: :data:`LATEST_COLUMNS`, by agency."""
    ranked = _filtered(
        select(
            Document.id.label("document_id"),
            func.row_number().over(
                partition_by=Document.agency_id,
                order_by=(Document.year.desc(), _KIND_RANK, _SCOPE_RANK, Document.id),
            ).label("n"),
        ),
        _where_in(Document.kind, kind),
    ).subquery()
    latest = select(ranked.c.document_id).where(ranked.c.n == 1)

    def value(section: str, measure: str, column=None):
        # one index search (document_id, section) per document and value: a
        # join to a grouped subquery made SQLite scan that subquery per document
        picked = func.max(column if column is not None else LineItem.amount)
        found = (select(type_coerce(picked, Amount()) if column is None else picked)
                 .where(LineItem.document_id == Document.id, LineItem.section == section, LineItem.measure == measure)
                 .correlate(Document).scalar_subquery())
        return found

    stmt = (
        select(*_DOC_SELECT, Document.file_name,
               value("totals", "expenditure_total").label("expenditure_total"),
               value("totals", "basic").label("basic"),
               value("totals", "project").label("project"),
               value("three_public", "total").label("three_public_total"),
               value("totals", "expenditure_total", LineItem.page).label("page"))
        .join(Agency, Document.agency_id == Agency.id)
        .where(Document.id.in_(latest))
        .order_by(Agency.name)
    )
    return _table(_tuples(_engine(engine, url), stmt), LATEST_COLUMNS, ints=_DOC_INTS + ("page",))


def self_evaluation_counts(*, engine: Engine | None = None, url: str | None = None) -> pd.DataFrame:
    """Documents with self-evaluations: document_id, items (how many)."""
    stmt = select(SelfEvaluation.document_id, func.count()).group_by(SelfEvaluation.document_id)
    return _table(_tuples(_engine(engine, url), stmt), ["document_id", "items"], ints=("document_id", "items"))


def project_counts(*, engine: Engine | None = None, url: str | None = None) -> pd.DataFrame:
    """Documents with performance-target projects: document_id, items (how many)."""
    stmt = select(Project.document_id, func.count()).group_by(Project.document_id)
    return _table(_tuples(_engine(engine, url), stmt), ["document_id", "items"], ints=("document_id", "items"))


_ITEM_TABLES = {"self_evaluations": SelfEvaluation, "projects": Project}
ITEM_DOCUMENT_COLUMNS = INDEX_COLUMNS + ["items"]


def documents_with_items(
    items: str, *, engine: Engine | None = None, url: str | None = None
) -> pd.DataFrame:
    """The documents with ``items`` — ``"self_evaluations"`` (项目绩效自评表) or
    ``"projects"`` (项目绩效目标表) — and how many: :data:`INDEX_COLUMNS` + items,
    in :func:`list_documents`' order.  The 绩效评分 page's reports, without the
    documents that have none."""
    model = _ITEM_TABLES[items]
    counted = (select(model.document_id.label("document_id"), func.count().label("n"))
               .group_by(model.document_id).subquery())
    stmt = (
        select(*_DOC_SELECT, Document.file_name, counted.c.n)
        .join(counted, counted.c.document_id == Document.id)
        .join(Agency, Document.agency_id == Agency.id)
        .order_by(*_LISTING_ORDER)
    )
    return _table(_tuples(_engine(engine, url), stmt), ITEM_DOCUMENT_COLUMNS, ints=_DOC_INTS + ("items",))


SCORE_COUNT_COLUMNS = ["grade", "reported_score", "computed_score", "items", "findings"]


def self_evaluation_score_counts(
    document_id: int | None = None, *, engine: Engine | None = None, url: str | None = None
) -> pd.DataFrame:
    """Self-evaluations counted by (grade, reported_score, computed_score) —
    items, and the sum of their findings — over the store or one document:
    every total of the 绩效评分 page (means, grades, score bins) follows from it."""
    stmt = _filtered(
        select(
            SelfEvaluation.grade, SelfEvaluation.reported_score, SelfEvaluation.computed_score, func.count(),
            func.coalesce(func.sum(SelfEvaluation.finding_count), 0),
        ).group_by(SelfEvaluation.grade, SelfEvaluation.reported_score, SelfEvaluation.computed_score),
        _where_in(SelfEvaluation.document_id, document_id),
    )
    return _table(_tuples(_engine(engine, url), stmt), SCORE_COUNT_COLUMNS, ints=("items", "findings"))


QUALITY_COUNT_COLUMNS = ["quality_score", "quality_issues", "items"]


def project_quality_counts(
    document_id: int | None = None, *, engine: Engine | None = None, url: str | None = None
) -> pd.DataFrame:
    """Performance-target projects counted by (quality_score, quality_issues)
    over the store or one document (store/derived.py)."""
    stmt = _filtered(
        select(Project.quality_score, Project.quality_issues, func.count())
        .group_by(Project.quality_score, Project.quality_issues),
        _where_in(Project.document_id, document_id),
    )
    return _table(_tuples(_engine(engine, url), stmt), QUALITY_COUNT_COLUMNS, ints=("items",))


FINDING_COUNT_COLUMNS = ["document_id", "errors", "warnings", "infos"]
_SEVERITY_COUNT = {"error": "errors", "warning": "warnings", "info": "infos"}


def finding_counts(
    severity: str | Iterable[str] | None = None,
    rule: str | Iterable[str] | None = None,
    document_ids: Iterable[int] | int | None = None,
    *,
    engine: Engine | None = None,
    url: str | None = None,
) -> pd.DataFrame:
    """Findings per document and severity: document_id, errors, warnings, infos
    (0 for a severity not asked for).  Without ``rule``, every document (of
    ``document_ids``) is listed, from the stored counts; with ``rule``, the
    documents with such findings, counted from the findings' index."""
    eng = _engine(engine, url)
    wanted = None if severity is None else ({severity} if isinstance(severity, str) else set(severity))
    if rule is None:
        stmt = _filtered(select(Document.id, Document.errors, Document.warnings, Document.infos),
                         _where_in(Document.id, document_ids)).order_by(Document.id)
        df = _table(_tuples(eng, stmt), FINDING_COUNT_COLUMNS, ints=FINDING_COUNT_COLUMNS)
    else:
        stmt = _filtered(
            select(Finding.document_id, Finding.severity, func.count()).group_by(Finding.document_id, Finding.severity),
            _where_in(Finding.rule, rule),
            _where_in(Finding.document_id, document_ids),
            _where_in(Finding.severity, wanted),
        )
        counts: dict[int, dict[str, int]] = {}
        for doc_id, sev, n in _tuples(eng, stmt):
            column = _SEVERITY_COUNT.get(sev)
            if column:
                counts.setdefault(int(doc_id), dict.fromkeys(_SEVERITY_COUNT.values(), 0))[column] += int(n)
        rows = [(doc_id, c["errors"], c["warnings"], c["infos"]) for doc_id, c in sorted(counts.items())]
        df = _table(rows, FINDING_COUNT_COLUMNS, ints=FINDING_COUNT_COLUMNS)
    if wanted is not None:
        for sev, column in _SEVERITY_COUNT.items():
            if sev not in wanted:
                df[column] = pd.array([0] * len(df), dtype="Int64")
    return df


def finding_rule_counts(
    severity: str | Iterable[str] | None = None,
    document_ids: Iterable[int] | int | None = None,
    *,
    engine: Engine | None = None,
    url: str | None = None,
) -> pd.DataFrame:
    """Findings per rule and severity: rule, severity, n."""
    stmt = _filtered(
        select(Finding.rule, Finding.severity, func.count()).group_by(Finding.rule, Finding.severity)
        .order_by(Finding.rule, Finding.severity),
        _where_in(Finding.severity, severity),
        _where_in(Finding.document_id, document_ids),
    )
    return _table(_tuples(_engine(engine, url), stmt), ["rule", "severity", "n"], ints=("n",))


def findings_slice(
    document_id: int,
    severity: str,
    rule: str | Iterable[str] | None = None,
    *,
    offset: int = 0,
    limit: int = 50,
    engine: Engine | None = None,
    url: str | None = None,
) -> pd.DataFrame:
    """The findings of one document and severity (and ``rule``), in page order
    (no page last, then as found), rows ``offset`` to ``offset + limit``:
    :func:`findings`' columns.  A page of the whole list is a few of these
    (analysis.frames.page_segments)."""
    stmt = (
        _filtered(
            select(*_FINDING_SELECT)
            .join(Document, Finding.document_id == Document.id)
            .join(Agency, Document.agency_id == Agency.id),
            Finding.document_id == int(document_id),
            Finding.severity == severity,
            _where_in(Finding.rule, rule),
        )
        .order_by(Finding.page.asc().nulls_last(), Finding.id)
        .limit(max(int(limit), 0))
        .offset(max(int(offset), 0))
    )
    rows = _rows(_engine(engine, url), stmt)
    return _frame(rows, FINDING_COLUMNS, ints=_DOC_INTS + ("finding_id", "page", "row"))


def counts_overview(*, engine: Engine | None = None, url: str | None = None) -> dict[str, Any]:
    """``{"agencies": n, "documents": n, "by_kind": {kind: n}, "by_format": {fmt: n},
    "years": [ascending], "findings": {severity: n}}``"""
    eng = _engine(engine, url)
    with eng.connect() as conn:
        agencies = conn.scalar(select(func.count()).select_from(Agency)) or 0
        documents = conn.scalar(select(func.count()).select_from(Document)) or 0
        by_kind = dict(conn.execute(select(Document.kind, func.count()).group_by(Document.kind).order_by(Document.kind)).all())
        by_format = dict(
            conn.execute(select(Document.format, func.count()).group_by(Document.format).order_by(Document.format)).all()
        )
        years = [int(y) for y in conn.scalars(select(Document.year).distinct().order_by(Document.year))]
        # the documents' stored counts (store/derived.py), not a count of every finding
        sums = conn.execute(select(func.sum(Document.errors), func.sum(Document.warnings), func.sum(Document.infos))).one()
        by_severity = {s: int(n) for s, n in zip(("error", "info", "warning"), (sums[0], sums[2], sums[1])) if n}
    return {
        "agencies": int(agencies),
        "documents": int(documents),
        "by_kind": {k: int(n) for k, n in by_kind.items()},
        "by_format": {k: int(n) for k, n in by_format.items()},
        "years": years,
        "findings": {k: int(n) for k, n in by_severity.items()},
    }


def revision(*, engine: Engine | None = None, url: str | None = None) -> int:
    """The store's revision: moves on with every write (store/revision.py), so a
    result cached at one revision is good until it changes."""
    with _engine(engine, url).connect() as conn:
        return read_revision(conn)


def get_meta(key: str, *, engine: Engine | None = None, url: str | None = None) -> str | None:
    """A value of the store's own ``meta`` table, or None."""
    eng = _engine(engine, url)
    with eng.connect() as conn:
        return conn.scalar(select(Meta.value).where(Meta.key == key))


def stored_sha256s(*, engine: Engine | None = None, url: str | None = None) -> set[str]:
    """The sha256 of every stored original (and of every set of files a
    report was read from)."""
    eng = _engine(engine, url)
    with eng.connect() as conn:
        return set(conn.scalars(select(Document.sha256))) | set(conn.scalars(select(DocumentPart.sha256)))


__all__ = [
    "list_agencies", "list_documents", "documents_for", "years_for_agency", "get_document", "get_original",
    "document_originals", "get_original_file", "get_originals",
    "document_tables", "line_items", "totals_wide", "function_lines", "economic_lines", "findings",
    "self_evaluations", "projects", "counts_overview", "wide_column", "TOTALS_WIDE_MEASURES", "get_meta",
    "stored_sha256s", "revision", "document_index", "documents_page", "count_documents", "latest_documents",
    "self_evaluation_counts", "project_counts", "self_evaluation_score_counts", "project_quality_counts",
    "finding_counts", "finding_rule_counts", "findings_slice", "INDEX_COLUMNS", "LATEST_COLUMNS",
    "agency_summary", "year_summary", "documents_with_items", "ITEM_DOCUMENT_COLUMNS", "AGENCY_SUMMARY_COLUMNS", "YEAR_SUMMARY_COLUMNS",
]
