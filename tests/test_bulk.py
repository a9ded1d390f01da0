"""store/bulk.py writes what store/ingest.py writes, a batch at a time; and
every write moves the store's revision on (store/revision.py)."""
from __future__ import annotations


import pytest
from sqlalchemy import text

from store import queries, samples
from store.bulk import BulkEntry, bulk_ingest
from store.engine import dispose_engines, get_engine
from store.ingest import delete_document, ingest_document, replace_findings
from tests.fixtures_store import small_doc
import pgcluster

DATABASES = pgcluster.databases()
NAMES = ["qinglong-2023-final.pdf", "xianghe-2024-budget.pdf", "beidaihe-2021-budget.pdf", "beidaihe-2021-targets.pdf",
         "national-petition-bureau-2024-final.pdf"]



def _samples() -> list[tuple[dict, bytes]]:
    out = []
    for name in NAMES:
        path = samples.SAMPLES_DIR / name
        data = path.read_bytes()
        out.append((samples.shipped_parse(path, data), data))
    return out


# every table a document's rows go to, without the ids and times that differ between two stores
DUMPS = {
    "documents": "SELECT a.name, d.sha256, d.file_name, d.format, d.pages, d.parser_version, d.year, d.kind, d.scope, "
                 "d.unit_scale, d.errors, d.warnings, d.infos FROM documents d JOIN agencies a ON a.id = d.agency_id "
                 "ORDER BY d.sha256",
    "document_parsed": "SELECT d.sha256, p.parsed FROM document_parsed p JOIN documents d ON d.id = p.document_id "
                       "ORDER BY d.sha256",
    "document_files": "SELECT d.sha256, f.data FROM document_files f JOIN documents d ON d.id = f.document_id "
                      "ORDER BY d.sha256",
    "tables": "SELECT d.sha256, t.seq, t.title, t.kind, t.pages, t.rows, t.extra FROM tables t "
              "JOIN documents d ON d.id = t.document_id ORDER BY d.sha256, t.seq",
    "line_items": "SELECT d.sha256, l.section, l.seq, l.code, l.name, l.measure, l.amount, l.page, l.table_title, "
                  "l.row, l.origin, t.seq FROM line_items l JOIN documents d ON d.id = l.document_id "
                  "LEFT JOIN tables t ON t.id = l.table_id ORDER BY d.sha256, l.section, l.seq, l.measure",
    "findings": "SELECT d.sha256, f.rule, f.severity, f.message, f.page, f.table_title, f.row, f.expected, f.found, "
                "f.data FROM findings f JOIN documents d ON d.id = f.document_id ORDER BY d.sha256, f.id",
    "projects": "SELECT d.sha256, p.seq, p.code, p.name, p.amount, p.quality_score, p.quality_issues, p.data "
                "FROM projects p JOIN documents d ON d.id = p.document_id ORDER BY d.sha256, p.seq",
    "self_evaluations": "SELECT d.sha256, s.seq, s.name, s.budget, s.executed, s.reported_score, s.computed_score, "
                        "s.grade, s.finding_count, s.data FROM self_evaluations s "
                        "JOIN documents d ON d.id = s.document_id ORDER BY d.sha256, s.seq",
}


def _dump(engine) -> dict[str, list]:
    with engine.connect() as conn:
        return {name: [tuple(r) for r in conn.execute(text(sql))] for name, sql in DUMPS.items()}


@pytest.mark.parametrize("kind", DATABASES)
def test_bulk_ingest_writes_what_ingest_document_writes(kind, tmp_path):
    one_by_one = get_engine(pgcluster.database_url(kind, tmp_path, "bulk_single"))
    bulk = get_engine(pgcluster.database_url(kind, tmp_path, "bulk_bulk"))
    docs = _samples()
    for doc, data in docs:
        assert ingest_document(doc, data, engine=one_by_one).status == "stored"
    results = bulk_ingest([BulkEntry(doc, data, json_ready=True) for doc, data in docs], engine=bulk, batch_size=2)
    assert [r.status for r in results] == ["stored"] * len(docs)
    expected, got = _dump(one_by_one), _dump(bulk)
    for name in DUMPS:
        assert got[name] == expected[name], name
    assert sum(len(rows) for rows in got.values()) > 1000
    # the queries see the same store
    assert queries.list_documents(engine=bulk).drop(columns=["document_id", "agency_id", "uploaded_at"]).equals(
        queries.list_documents(engine=one_by_one).drop(columns=["document_id", "agency_id", "uploaded_at"]))
    dispose_engines()


def test_bulk_ingest_skips_what_is_stored_and_moves_the_revision_once_per_batch(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'b.db'}")
    (first, data), (second, data2) = _samples()[:2]
    assert queries.revision(engine=engine) == 0
    assert ingest_document(first, data, engine=engine).status == "stored"
    before = queries.revision(engine=engine)
    assert before > 0
    again = dict(second, source={**second["source"]})
    other_bytes = b"another file of the same report"
    clash = dict(first, source={**first["source"], "sha256": ""})  # no sha256 claimed
    results = bulk_ingest([(first, data), (second, data2), (again, data2), (clash, other_bytes)], engine=engine,
                          batch_size=10)
    assert [r.status for r in results] == ["duplicate", "stored", "duplicate", "refused"]
    assert "qinglong-2023-final.pdf" in results[3].message
    assert queries.revision(engine=engine) == before + 1
    assert len(queries.list_documents(engine=engine)) == 2


def test_every_write_moves_the_revision(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'r.db'}")
    seen = [queries.revision(engine=engine)]

    def moved() -> bool:
        seen.append(queries.revision(engine=engine))
        return seen[-1] == seen[-2] + 1

    doc, data = small_doc(agency="某县医疗保障局")
    stored = ingest_document(doc, data, engine=engine)
    assert stored.status == "stored" and seen[-1] == 0 and queries.revision(engine=engine) > 0
    seen.append(queries.revision(engine=engine))
    assert ingest_document(doc, data, engine=engine).status == "duplicate"
    assert queries.revision(engine=engine) == seen[-1]  # nothing written, nothing moved
    replace_findings(engine, stored.document_id, [{"rule": "x.y", "severity": "error", "message": "测试"}])
    assert moved()
    assert queries.list_documents(engine=engine)["errors"].tolist() == [1]
    assert delete_document(engine, stored.document_id)
    assert moved()


def test_a_store_made_again_at_the_same_address_starts_at_another_revision(tmp_path):
    path = tmp_path / "again.db"
    revisions = []
    for _ in range(2):
        engine = get_engine(f"sqlite:///{path}")
        doc, data = small_doc(agency="某县医疗保障局")
        ingest_document(doc, data, engine=engine)
        revisions.append(queries.revision(engine=engine))
        dispose_engines()
        path.unlink()
    assert revisions[0] != revisions[1]
