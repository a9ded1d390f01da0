"""A document's headline values kept on it (documents.expenditure_total …; store/derived.py,
migration 0006) are what its line items hold — whether it was stored by ingest, by the
bulk path or filled in by the migration — and 概览's latest_documents reads them."""
from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import create_engine, func, select

from store import queries as q
from store.derived import HEADLINE_COLUMNS
from store.engine import _alembic, dispose_engines, get_engine
from store.ingest import ingest_document
from store.models import Document, LineItem
from tests.fixtures_store import small_doc
from tests.pgcluster import database_url, databases
from tests.scale_store import build


def _kept_and_held(engine) -> tuple[dict, dict]:
    """Per document: the kept columns, and the same values worked out from its line items."""
    with engine.connect() as conn:
        kept = {r[0]: tuple(r[1:]) for r in conn.execute(
            select(Document.id, *(getattr(Document, c) for c in HEADLINE_COLUMNS)))}
        held = {}
        for doc_id in kept:
            held[doc_id] = tuple(conn.scalar(
                select(func.max(getattr(LineItem, field)))
                .where(LineItem.document_id == doc_id, LineItem.section == section, LineItem.measure == measure))
                for section, measure, field in HEADLINE_COLUMNS.values())
    return kept, held


def _same(kept: dict, held: dict) -> None:
    assert kept.keys() == held.keys()
    for doc_id in kept:
        assert [None if v is None else float(v) for v in kept[doc_id]] == \
            [None if v is None else float(v) for v in held[doc_id]], doc_id


@pytest.mark.parametrize("kind", databases())
def test_bulk_ingest_and_migration_keep_what_the_line_items_hold(kind, tmp_path):
    url = build(database_url(kind, tmp_path, "headlines"), 30, 20, seed=4, batch_size=15)
    engine = get_engine(url)
    doc, data = small_doc(agency="香河县医疗保障局")
    assert ingest_document(doc, data, engine=engine).status == "stored"
    kept, held = _kept_and_held(engine)
    _same(kept, held)
    assert sum(v[0] is not None for v in kept.values()) >= 25  # most documents print an expenditure total
    latest = q.latest_documents(engine=engine)
    by_id = {int(r["document_id"]): r for r in latest.to_dict("records")}
    for doc_id, row in by_id.items():
        assert (row["expenditure_total"], row["page"]) == (kept[doc_id][0], kept[doc_id][4])
    dispose_engines()

    # a store from before 0006: the columns dropped, then filled in again by the migration
    raw = create_engine(url)
    with raw.begin() as conn:
        command.downgrade(_alembic(conn), "0005")
    raw.dispose()
    engine = get_engine(url)  # upgrades
    again, held = _kept_and_held(engine)
    _same(again, held)
    assert again.keys() == kept.keys()
    dispose_engines()
