"""Schema changes go through Alembic (store/migrations): a store made before
migrations, or at an older revision, is upgraded in place without losing a row,
and the models never drift from the migrations."""
from __future__ import annotations


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
import pgcluster

DATABASES = pgcluster.databases()



def _head() -> str:
    from alembic.script import ScriptDirectory

    with create_engine("sqlite://").connect() as conn:
        return ScriptDirectory.from_config(_alembic(conn)).get_current_head()


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
    url = pgcluster.database_url(kind, tmp_path, "old_store")
    _at_baseline_without_version(url)
    engine = get_engine(url)  # upgrades
    tables = set(inspect(engine).get_table_names())
    assert {"document_parts", "line_item_files", "users", "audit_events", "alembic_version"} <= tables
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == _head()
    assert list(queries.list_agencies(engine=engine)["agency"]) == ["旧库县医疗保障局"]  # no row lost
    # and it takes the new kind of rows at once
    from store.ingest import ingest_document

    doc, data = small_doc(agency="旧库县医疗保障局")
    assert ingest_document(doc, data, engine=engine).status == "stored"
    dispose_engines()


@pytest.mark.parametrize("kind", DATABASES)
def test_the_models_match_the_migrations(kind, tmp_path):
    url = pgcluster.database_url(kind, tmp_path, "migrated")
    raw = create_engine(url)
    with raw.begin() as conn:
        command.upgrade(_alembic(conn), "head")
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    raw.dispose()
    assert diff == [], "a model changed without a migration in store/migrations/versions"


def _store_at_0002(url: str) -> dict:
    """A store at revision 0002 holding two sample parses as that schema kept
    them (the parse inside documents), written with plain SQL."""
    import json

    from sqlalchemy import JSON, Integer, Numeric, String, Text, column, table

    from store import samples
    from store.rows import finding_row as _finding_row
    from analysis.checks import all_findings

    names = ["qinglong-2023-final.pdf", "xianghe-2024-budget.pdf"]
    raw = create_engine(url)
    docs = {}
    with raw.begin() as conn:
        command.upgrade(_alembic(conn), "0002")
        for i, name in enumerate(names, start=1):
            path = samples.SAMPLES_DIR / name
            doc = samples.shipped_parse(path, path.read_bytes())
            docs[i] = doc
            conn.execute(text("INSERT INTO agencies (id, name) VALUES (:i, :n)"), {"i": i, "n": doc["agency"]})
            conn.execute(
                text("INSERT INTO documents (id, agency_id, sha256, file_name, format, uploaded_at, year, kind, scope, parsed) "
                     "VALUES (:i, :i, :sha, :f, 'pdf', :t, :y, :k, :s, :p)"),
                {"i": i, "sha": doc["source"]["sha256"], "f": name, "t": "2026-01-01 00:00:00", "y": doc["year"],
                 "k": doc["kind"], "s": doc["scope"], "p": json.dumps(doc, ensure_ascii=False)},
            )
            for f in all_findings(doc):
                row = _finding_row(f)
                conn.execute(text("INSERT INTO findings (document_id, rule, severity, message, data) VALUES (:d, :r, :s, :m, :j)"),
                             {"d": i, "r": row["rule"], "s": row["severity"], "m": row["message"],
                              "j": json.dumps(row["data"], ensure_ascii=False)})
            for seq, item in enumerate(doc.get("projects") or []):
                conn.execute(text("INSERT INTO projects (document_id, seq, name, data) VALUES (:d, :q, :n, :j)"),
                             {"d": i, "q": seq, "n": item.get("name"), "j": json.dumps(item, ensure_ascii=False)})
            for seq, item in enumerate(doc.get("self_evaluations") or []):
                conn.execute(text("INSERT INTO self_evaluations (document_id, seq, name, data) VALUES (:d, :q, :n, :j)"),
                             {"d": i, "q": seq, "n": item.get("name"), "j": json.dumps(item, ensure_ascii=False)})
        if conn.dialect.name == "postgresql":
            for name in ("agencies", "documents"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), 10)"))
    raw.dispose()
    return docs


@pytest.mark.parametrize("kind", DATABASES)
def test_0004_moves_the_parse_and_fills_in_the_summary_columns(kind, tmp_path):
    """A store at 0002 upgraded to 0004: every parse moved to document_parsed,
    finding counts per document, quality and finding counts per item — the
    values a new ingest writes."""
    from collections import Counter

    from analysis.checks import all_findings
    from store.derived import project_columns, self_evaluation_columns

    url = pgcluster.database_url(kind, tmp_path, "at_0002")
    docs = _store_at_0002(url)
    engine = get_engine(url)  # upgrades
    assert "parsed" not in {c["name"] for c in inspect(engine).get_columns("documents")}
    listed = queries.list_documents(engine=engine).set_index("document_id")
    for doc_id, doc in docs.items():
        assert queries.get_document(doc_id, engine=engine)["parsed"] == doc
        severities = Counter(f.get("severity") or "info" for f in all_findings(doc))
        assert (listed.loc[doc_id, "errors"], listed.loc[doc_id, "warnings"], listed.loc[doc_id, "infos"]) == (
            severities["error"], severities["warning"], severities["info"])
        with engine.connect() as conn:
            projects = conn.execute(text("SELECT quality_score, quality_issues FROM projects WHERE document_id = :d "
                                         "ORDER BY seq"), {"d": doc_id}).all()
            evaluations = conn.execute(text("SELECT finding_count FROM self_evaluations WHERE document_id = :d "
                                            "ORDER BY seq"), {"d": doc_id}).all()
        expected = [project_columns(p) for p in doc.get("projects") or []]
        assert [r.quality_issues for r in projects] == [e["quality_issues"] for e in expected]
        assert [None if r.quality_score is None else float(r.quality_score) for r in projects] == [
            None if e["quality_score"] is None else float(e["quality_score"]) for e in expected]
        assert [r.finding_count for r in evaluations] == [
            self_evaluation_columns(e)["finding_count"] for e in doc.get("self_evaluations") or []]
    assert any(r is not None for r in [project_columns(p)["quality_issues"] for p in docs[2]["projects"]])
    assert sum(self_evaluation_columns(e)["finding_count"] for e in docs[1]["self_evaluations"]) > 0
    # and the upgraded store takes new documents with the same columns
    from store.ingest import ingest_document

    doc, data = small_doc(agency="迁移后县医疗保障局")
    assert ingest_document(doc, data, engine=engine).status == "stored"
    dispose_engines()
    # and back: the parse returns to documents
    raw = create_engine(url)
    with raw.begin() as conn:
        command.downgrade(_alembic(conn), "0002")
        assert "document_parsed" not in inspect(conn).get_table_names()
        import json

        parsed = conn.execute(text("SELECT parsed FROM documents WHERE id = 1")).scalar()
        assert (json.loads(parsed) if isinstance(parsed, str) else parsed) == docs[1]
    raw.dispose()
