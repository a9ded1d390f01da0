"""Findings: rows with their document and place, per-document and per-rule counts, one page of them."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, and_, func, or_, select

from store.models import Document, Finding
from store.queries.base import (
    Ids, Texts, DOCUMENT_COLUMNS, DOC_SELECT, DOC_INTS, engine_for, where_in, filtered, fetch_dicts,
    fetch_tuples, tuple_frame, dict_frame, with_documents, DOCUMENT_ORDER,
)


_FINDING_SELECT = (
    *DOC_SELECT,
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
    document_ids: Ids = None, severity: Texts = None, rule: Texts = None, *, engine: Engine | None = None,
    url: str | None = None,
) -> pd.DataFrame:
    """Findings with document context and where they were found (source_file:
    the file of the table a finding names in a report read from several files,
    else file_name)."""
    stmt = (
        with_documents(select(*_FINDING_SELECT), Finding.document_id)
        .order_by(*DOCUMENT_ORDER, Finding.id)
    )
    stmt = filtered(
        stmt,
        where_in(Finding.document_id, document_ids),
        where_in(Finding.severity, severity),
        where_in(Finding.rule, rule),
    )
    rows = fetch_dicts(engine_for(engine, url), stmt)
    return dict_frame(rows, FINDING_COLUMNS, ints=DOC_INTS + ("finding_id", "page", "row"))


FINDING_COUNT_COLUMNS = ["document_id", "errors", "warnings", "infos"]
_SEVERITY_COUNT = {"error": "errors", "warning": "warnings", "info": "infos"}


def finding_counts(
    severity: Texts = None, rule: Texts = None, document_ids: Ids = None, *, engine: Engine | None = None,
    url: str | None = None,
) -> pd.DataFrame:
    """Findings per document and severity: document_id, errors, warnings, infos
    (0 for a severity not asked for).  Without ``rule``, every document (of
    ``document_ids``) is listed, from the stored counts; with ``rule``, the
    documents with such findings, counted from the findings' index."""
    eng = engine_for(engine, url)
    wanted = None if severity is None else ({severity} if isinstance(severity, str) else set(severity))
    if rule is None:
        stmt = filtered(select(Document.id, Document.errors, Document.warnings, Document.infos),
                         where_in(Document.id, document_ids)).order_by(Document.id)
        df = tuple_frame(fetch_tuples(eng, stmt), FINDING_COUNT_COLUMNS, ints=FINDING_COUNT_COLUMNS)
    else:
        stmt = filtered(
            select(Finding.document_id, Finding.severity, func.count()).group_by(Finding.document_id, Finding.severity),
            where_in(Finding.rule, rule),
            where_in(Finding.document_id, document_ids),
            where_in(Finding.severity, wanted),
        )
        counts: dict[int, dict[str, int]] = {}
        for doc_id, sev, n in fetch_tuples(eng, stmt):
            column = _SEVERITY_COUNT.get(sev)
            if column:
                counts.setdefault(int(doc_id), dict.fromkeys(_SEVERITY_COUNT.values(), 0))[column] += int(n)
        rows = [(doc_id, c["errors"], c["warnings"], c["infos"]) for doc_id, c in sorted(counts.items())]
        df = tuple_frame(rows, FINDING_COUNT_COLUMNS, ints=FINDING_COUNT_COLUMNS)
    if wanted is not None:
        for sev, column in _SEVERITY_COUNT.items():
            if sev not in wanted:
                df[column] = pd.array([0] * len(df), dtype="Int64")
    return df


def finding_rule_counts(
    severity: Texts = None, document_ids: Ids = None, *, engine: Engine | None = None, url: str | None = None,
) -> pd.DataFrame:
    """Findings per rule and severity: rule, severity, n."""
    stmt = filtered(
        select(Finding.rule, Finding.severity, func.count()).group_by(Finding.rule, Finding.severity)
        .order_by(Finding.rule, Finding.severity),
        where_in(Finding.severity, severity),
        where_in(Finding.document_id, document_ids),
    )
    return tuple_frame(fetch_tuples(engine_for(engine, url), stmt), ["rule", "severity", "n"], ints=("n",))


def findings_slice(
    document_id: int, severity: str, rule: Texts = None, *, offset: int = 0, limit: int = 50,
    engine: Engine | None = None, url: str | None = None,
) -> pd.DataFrame:
    """The findings of one document and severity (and ``rule``), in page order
    (no page last, then as found), rows ``offset`` to ``offset + limit``:
    :func:`findings`' columns.  A page of the whole list is a few of these
    (store.queries.finding_segments)."""
    stmt = (
        filtered(
            with_documents(select(*_FINDING_SELECT), Finding.document_id),
            Finding.document_id == int(document_id),
            Finding.severity == severity,
            where_in(Finding.rule, rule),
        )
        .order_by(Finding.page.asc().nulls_last(), Finding.id)
        .limit(max(int(limit), 0))
        .offset(max(int(offset), 0))
    )
    rows = fetch_dicts(engine_for(engine, url), stmt)
    return dict_frame(rows, FINDING_COLUMNS, ints=DOC_INTS + ("finding_id", "page", "row"))


def findings_slices(
    segments: list[tuple[str, int, int, int]], rule: Texts = None, *, engine: Engine | None = None,
    url: str | None = None,
) -> pd.DataFrame:
    """The findings of several :func:`findings_slice` calls in ONE query — ``segments``
    as :func:`store.queries.finding_segments` gives them, ``[(severity, document_id,
    skip, take), …]`` — one after the other in that order: a page of the whole list."""
    if not segments:
        return dict_frame([], FINDING_COLUMNS, ints=DOC_INTS + ("finding_id", "page", "row"))
    ranked = filtered(
        select(Finding.id.label("finding_id"), Finding.document_id.label("document_id"),
               Finding.severity.label("severity"),
               func.row_number().over(partition_by=(Finding.document_id, Finding.severity),
                                      order_by=(Finding.page.asc().nulls_last(), Finding.id)).label("n")),
        Finding.document_id.in_(sorted({int(d) for _s, d, _k, _t in segments})),
        Finding.severity.in_(sorted({s for s, _d, _k, _t in segments})),
        where_in(Finding.rule, rule),
    ).subquery()
    wanted = or_(*(and_(ranked.c.document_id == int(d), ranked.c.severity == s,
                        ranked.c.n > int(skip), ranked.c.n <= int(skip) + int(take))
                   for s, d, skip, take in segments))
    stmt = (with_documents(select(*_FINDING_SELECT, ranked.c.n), Finding.document_id)
            .join(ranked, ranked.c.finding_id == Finding.id).where(wanted))
    rows = fetch_dicts(engine_for(engine, url), stmt)
    place = {(s, int(d)): i for i, (s, d, _k, _t) in enumerate(segments)}
    rows.sort(key=lambda r: (place[(r["severity"], int(r["document_id"]))], r.pop("n")))
    return dict_frame(rows, FINDING_COLUMNS, ints=DOC_INTS + ("finding_id", "page", "row"))
