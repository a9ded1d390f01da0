"""Schema changes go through Alembic (store/migrations): a store made before
migrations, or at an older revision, is upgraded in place without losing a row,
and the models never drift from the migrations."""
from __future__ import annotations

import os

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from store import queries
from store.engine import _alembic, dispose_engines, get_engine
from store.models import Base
from tests.fixtures_store import small_doc

PG_URL = os.environ.get("BUDGETLENS_TEST_PG_URL")
DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(not PG_URL, reason="no PostgreSQL test server"))]


def _url(kind: str, tmp_path, name: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / f'{name}.db'}"
    import pgcluster

    return pgcluster.create_database(PG_URL, f"{name}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}")


def _at_baseline_without_version(url: str) -> None:
    """The store as the code before migrations left it: the baseline's tables, no alembic_version."""
    raw = create_engine(url)
    with raw.begin() as conn:
        command.upgrade(_alembic(conn), "0001")
        conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(text("INSERT INTO agencies (id, name, code) VALUES (1, '旧库县医疗保障局', '001')"))
    raw.dispose()


@pytest.mark.parametrize("kind", DATABASES)
def test_a_store_made_before_migrations_is_upgraded_in_place(kind, tmp_path):
    url = _url(kind, tmp_path, "old_store")
    _at_baseline_without_version(url)
    engine = get_engine(url)  # upgrades
    tables = set(inspect(engine).get_table_names())
    assert {"document_parts", "line_item_files", "users", "audit_events", "alembic_version"} <= tables
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == ScriptDirectory.from_config(
            _alembic(conn)).get_current_head()
    assert list(queries.list_agencies(engine=engine)["agency"]) == ["旧库县医疗保障局"]  # no row lost
    # and it takes the new kind of rows at once
    from store.ingest import ingest_document

    doc, data = small_doc(agency="旧库县医疗保障局")
    assert ingest_document(doc, data, engine=engine).status == "stored"
    dispose_engines()


@pytest.mark.parametrize("kind", DATABASES)
def test_the_models_match_the_migrations(kind, tmp_path):
    url = _url(kind, tmp_path, "migrated")
    raw = create_engine(url)
    with raw.begin() as conn:
        command.upgrade(_alembic(conn), "head")
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    raw.dispose()
    assert diff == [], "a model changed without a migration in store/migrations/versions"
