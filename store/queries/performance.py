"""Performance items: self-evaluations (绩效自评) and target-table projects (项目绩效目标), and their counts."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, func, null, select

from store.models import Agency, Document, Project, SelfEvaluation
from store.queries.base import (
    Ids, DOCUMENT_COLUMNS, DOC_SELECT, DOC_INTS, LISTING_ORDER, engine_for, where_in, filtered, fetch_dicts,
    fetch_tuples, tuple_frame, dict_frame, with_documents, running_slices,
)
from store.queries.documents import INDEX_COLUMNS, document_search


_NO_DATA = null().label("data")

SELF_EVALUATION_COLUMNS = DOCUMENT_COLUMNS + [
    "file_name", "self_evaluation_id", "seq", "name", "budget", "executed",
    "reported_score", "computed_score", "grade", "data",
]
PROJECT_COLUMNS = DOCUMENT_COLUMNS + ["file_name", "project_id", "seq", "code", "name", "amount", "data"]


def _item_query(model, id_label: str, fields: tuple[str, ...], columns: list[str], doc: str):
    """The query of one item table (self-evaluations or projects): its rows with their document.
    ``agency_ids`` / ``years`` keep the documents of those agencies / years; ``with_data=False``
    leaves ``data`` (the parsed item dict) None: the scores and amounts only."""

    def query(
        document_ids: Ids = None,
        *,
        agency_ids: Ids = None,
        years: Ids = None,
        with_data: bool = True,
        engine: Engine | None = None,
        url: str | None = None,
    ) -> pd.DataFrame:
        chosen = select(
            *DOC_SELECT,
            Document.file_name,
            model.id.label(id_label),
            *(getattr(model, name) for name in fields),
            model.data if with_data else _NO_DATA,
        )
        stmt = filtered(
            with_documents(chosen, model.document_id).order_by(Agency.name, Document.year, Document.id, model.seq),
            where_in(model.document_id, document_ids),
            where_in(Document.agency_id, agency_ids),
            where_in(Document.year, years),
        )
        return dict_frame(fetch_dicts(engine_for(engine, url), stmt), columns, ints=DOC_INTS + (id_label, "seq"))

    query.__doc__ = doc
    return query


self_evaluations = _item_query(
    SelfEvaluation, "self_evaluation_id",
    ("seq", "name", "budget", "executed", "reported_score", "computed_score", "grade"), SELF_EVALUATION_COLUMNS,
    """Project self-evaluations (绩效自评), one row each with its document; ``data`` is the parsed
    item dict (None with ``with_data=False``: the scores and amounts only).  ``agency_ids`` /
    ``years`` keep the documents of those agencies / years.""",
)
self_evaluations.__name__ = "self_evaluations"

projects = _item_query(
    Project, "project_id", ("seq", "code", "name", "amount"), PROJECT_COLUMNS,
    """Projects of performance target tables (项目绩效目标), one row each with its document; ``data``
    is the parsed item dict (None with ``with_data=False``).  ``agency_ids`` / ``years`` keep the
    documents of those agencies / years.""",
)
projects.__name__ = "projects"


def self_evaluation_counts(*, engine: Engine | None = None, url: str | None = None) -> pd.DataFrame:
    """Documents with self-evaluations: document_id, items (how many)."""
    stmt = select(SelfEvaluation.document_id, func.count()).group_by(SelfEvaluation.document_id)
    return tuple_frame(fetch_tuples(engine_for(engine, url), stmt), ["document_id", "items"], ints=("document_id", "items"))


def project_counts(*, engine: Engine | None = None, url: str | None = None) -> pd.DataFrame:
    """Documents with performance-target projects: document_id, items (how many)."""
    stmt = select(Project.document_id, func.count()).group_by(Project.document_id)
    return tuple_frame(fetch_tuples(engine_for(engine, url), stmt), ["document_id", "items"], ints=("document_id", "items"))


_ITEM_TABLES = {"self_evaluations": SelfEvaluation, "projects": Project}
ITEM_DOCUMENT_COLUMNS = INDEX_COLUMNS + ["items"]


def _item_counts(items: str, document_ids=None):
    model = _ITEM_TABLES[items]
    return filtered(select(model.document_id.label("document_id"), func.count().label("n")),
                    where_in(model.document_id, document_ids)).group_by(model.document_id).subquery()


def documents_with_items(
    items: str, *, document_ids: Ids = None, search: str | None = None, limit: int | None = None, engine:
    Engine | None = None, url: str | None = None,
) -> pd.DataFrame:
    """The documents with ``items`` — ``"self_evaluations"`` (项目绩效自评表) or
    ``"projects"`` (项目绩效目标表) — and how many: :data:`INDEX_COLUMNS` + items,
    in :func:`list_documents`' order.  The 绩效评分 page's reports, without the
    documents that have none; ``document_ids``, ``search`` (in the agency or file
    name) and ``limit`` keep a few, for a picker over a province's store."""
    counted = _item_counts(items, document_ids)
    stmt = filtered(
        select(*DOC_SELECT, Document.file_name, counted.c.n)
        .join(counted, counted.c.document_id == Document.id)
        .join(Agency, Document.agency_id == Agency.id)
        .order_by(*LISTING_ORDER),
        *(document_search(search, None) if search else ()),
    )
    if limit is not None:
        stmt = stmt.limit(max(int(limit), 0))
    return tuple_frame(fetch_tuples(engine_for(engine, url), stmt), ITEM_DOCUMENT_COLUMNS, ints=DOC_INTS + ("items",))


def item_totals(
    items: str, document_id: int | None = None, *, engine: Engine | None = None, url: str | None = None
) -> dict[str, int]:
    """``{"documents": n, "items": n}``: how many documents have ``items`` (of
    ``document_id``, or of the store) and how many items they have in all."""
    counted = _item_counts(items, document_id)
    stmt = select(func.count(), func.coalesce(func.sum(counted.c.n), 0))
    documents, total = fetch_tuples(engine_for(engine, url), stmt)[0]
    return {"documents": int(documents or 0), "items": int(total or 0)}


def item_segments(
    items: str, document_id: int | None = None, *, offset: int = 0, limit: int = 100, engine: Engine | None =
    None, url: str | None = None,
) -> list[tuple[int, int, int]]:
    """Where rows ``offset`` to ``offset + limit`` of the item tables lie — every
    document's ``items`` (of ``document_id``, or of the store) by agency, year and
    document, each in its own order — as ``[(document_id, skip, take), …]``; found
    by a running sum in SQL, so only the documents on the page come back."""
    counted = _item_counts(items, document_id)
    start = max(int(offset), 0)
    return running_slices(engine_for(engine, url), counted, counted.c.n, start, start + max(int(limit), 0))


SCORE_COUNT_COLUMNS = ["grade", "reported_score", "computed_score", "items", "findings"]


def self_evaluation_score_counts(
    document_id: int | None = None, *, engine: Engine | None = None, url: str | None = None
) -> pd.DataFrame:
    """Self-evaluations counted by (grade, reported_score, computed_score) —
    items, and the sum of their findings — over the store or one document:
    every total of the 绩效评分 page (means, grades, score bins) follows from it."""
    stmt = filtered(
        select(
            SelfEvaluation.grade, SelfEvaluation.reported_score, SelfEvaluation.computed_score, func.count(),
            func.coalesce(func.sum(SelfEvaluation.finding_count), 0),
        ).group_by(SelfEvaluation.grade, SelfEvaluation.reported_score, SelfEvaluation.computed_score),
        where_in(SelfEvaluation.document_id, document_id),
    )
    return tuple_frame(fetch_tuples(engine_for(engine, url), stmt), SCORE_COUNT_COLUMNS, ints=("items", "findings"))


QUALITY_COUNT_COLUMNS = ["quality_score", "quality_issues", "items"]


def project_quality_counts(
    document_id: int | None = None, *, engine: Engine | None = None, url: str | None = None
) -> pd.DataFrame:
    """Performance-target projects counted by (quality_score, quality_issues)
    over the store or one document (store/derived.py)."""
    stmt = filtered(
        select(Project.quality_score, Project.quality_issues, func.count())
        .group_by(Project.quality_score, Project.quality_issues),
        where_in(Project.document_id, document_id),
    )
    return tuple_frame(fetch_tuples(engine_for(engine, url), stmt), QUALITY_COUNT_COLUMNS, ints=("items",))
