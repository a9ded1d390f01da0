"""数据质检 over a province's store: findings counted, sorted and paged in SQL.

A store of 20,000 documents has hundreds of thousands of findings: the page
asks for the totals, one page of the per-document counts and where one page of
the findings list lies — never a row per document.  Without a rule filter the
counts are the documents' stored ones (store/derived.py); with one they are
counted from the findings' (rule, severity, document) index.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Engine, case, func, literal, select

from store.models import Agency, Document, Finding
from store.queries.base import (
    Ids, Texts, DOC_INTS, LISTING_ORDER, engine_for, fetch_tuples, filtered, running_slices, tuple_frame,
    where_in,
)

SEVERITIES = ("error", "warning", "info")
COUNT_COLUMNS = {"error": "errors", "warning": "warnings", "info": "infos"}
FINDING_PAGE_COLUMNS = ["document_id", "agency_id", "agency", "year", "kind", "scope", "file_name",
                        "errors", "warnings", "infos"]


def _wanted(severity: Texts) -> list[str]:
    if severity is None:
        return list(SEVERITIES)
    chosen = {severity} if isinstance(severity, str) else set(severity)
    return [s for s in SEVERITIES if s in chosen]


def _counted(rule, document_ids):
    """Per document: (document_id, errors, warnings, infos) — the stored counts, or, for
    ``rule``, the documents' findings of those rules (a subquery with those columns)."""
    if rule is None:
        return filtered(
            select(Document.id.label("document_id"), Document.errors.label("errors"),
                   Document.warnings.label("warnings"), Document.infos.label("infos")),
            where_in(Document.id, document_ids),
        ).subquery()
    per = {sev: func.coalesce(func.sum(case((Finding.severity == sev, 1), else_=0)), 0).label(col)
           for sev, col in COUNT_COLUMNS.items()}
    return filtered(
        select(Finding.document_id.label("document_id"), *per.values()).group_by(Finding.document_id),
        where_in(Finding.rule, rule),
        where_in(Finding.document_id, document_ids),
    ).subquery()


def _shown(counted, severities: list[str]) -> dict[str, Any]:
    """The count of each severity as shown: 0 for one not chosen, 0 for a document without any."""
    return {col: (func.coalesce(counted.c[col], 0) if sev in severities else literal(0)).label(col)
            for sev, col in COUNT_COLUMNS.items()}


def finding_totals(
    severity: Texts = None, rule: Texts = None, document_ids: Ids = None, *, engine: Engine | None = None,
    url: str | None = None,
) -> dict[str, int]:
    """``{"documents": n, "error": n, "warning": n, "info": n, "with_findings": n, "listed": n}``
    over the documents of ``document_ids`` (all by default): how many documents,
    their findings of ``rule`` per severity (every severity), how many documents
    have a finding of a chosen ``severity`` and how many such findings there are."""
    severities = _wanted(severity)
    counted = _counted(rule, document_ids)
    shown = sum((counted.c[COUNT_COLUMNS[s]] for s in severities), literal(0))
    stmt = select(
        func.count(),
        *(func.coalesce(func.sum(counted.c[col]), 0) for col in COUNT_COLUMNS.values()),
        func.coalesce(func.sum(case((shown > 0, 1), else_=0)), 0),
    ).select_from(counted)
    with_counts = fetch_tuples(engine_for(engine, url), stmt)[0]
    out = dict(zip(["counted", *SEVERITIES, "with_findings"], (int(v or 0) for v in with_counts)))
    out["listed"] = sum(out[s] for s in severities)
    if rule is None:
        out["documents"] = out.pop("counted")
    else:
        out.pop("counted")
        docs = filtered(select(func.count()).select_from(Document), where_in(Document.id, document_ids))
        out["documents"] = int(fetch_tuples(engine_for(engine, url), docs)[0][0] or 0)
    return out


def document_finding_page(
    severity: Texts = None, rule: Texts = None, document_ids: Ids = None, *, offset: int = 0, limit: int = 50,
    engine: Engine | None = None, url: str | None = None,
) -> pd.DataFrame:
    """One page of the documents (all, or ``document_ids``) with their findings of
    ``rule`` per chosen ``severity`` (0 for the others and for none), the most
    errors first, then warnings, then infos, then in the listing order:
    :data:`FINDING_PAGE_COLUMNS`, rows ``offset`` to ``offset + limit``."""
    severities = _wanted(severity)
    counted = _counted(rule, document_ids)
    shown = _shown(counted, severities)
    stmt = filtered(
        select(Document.id, Document.agency_id, Agency.name, Document.year, Document.kind, Document.scope,
               Document.file_name, *shown.values())
        .join(Agency, Document.agency_id == Agency.id)
        .outerjoin(counted, counted.c.document_id == Document.id)
        .order_by(*(v.desc() for v in shown.values()), *LISTING_ORDER),
        where_in(Document.id, document_ids),
    ).limit(max(int(limit), 0)).offset(max(int(offset), 0))
    return tuple_frame(fetch_tuples(engine_for(engine, url), stmt), FINDING_PAGE_COLUMNS,
                       ints=DOC_INTS + ("errors", "warnings", "infos"))


def finding_segments(
    severity: Texts = None, rule: Texts = None, document_ids: Ids = None, *, offset: int = 0, limit: int = 50,
    engine: Engine | None = None, url: str | None = None,
) -> list[tuple[str, int, int, int]]:
    """Where rows ``offset`` to ``offset + limit`` of the findings list lie: the list
    is every chosen severity in turn (errors first), and within one the documents by
    agency, year and id, each document's findings of ``rule`` one after the other.
    ``[(severity, document_id, skip, take), …]``: take ``take`` findings of that
    document and severity after its first ``skip`` (``findings_slice``).  Found by a
    running sum in SQL, so only the documents on the page come back."""
    severities = _wanted(severity)
    if not severities:
        return []
    eng = engine_for(engine, url)
    counted = _counted(rule, document_ids)
    sums = fetch_tuples(eng, select(*(func.coalesce(func.sum(counted.c[COUNT_COLUMNS[s]]), 0) for s in severities)))[0]
    start, end = max(int(offset), 0), max(int(offset), 0) + max(int(limit), 0)
    out = []
    before = 0  # findings of the severities listed earlier
    for sev, total in zip(severities, (int(n or 0) for n in sums)):
        if before < end and before + total > start:  # only the severities the page reaches are read
            out += [(sev, doc, skip, take) for doc, skip, take in
                    running_slices(eng, counted, counted.c[COUNT_COLUMNS[sev]], start - before, end - before)]
        before += total
    return out
