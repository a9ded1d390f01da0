"""Store tests: models, engine, ingest (one transaction per file) and queries.

Run on a temporary SQLite file per test; also on PostgreSQL when
BUDGETLENS_TEST_PG_URL is set (e.g. postgresql+psycopg://u:p@localhost/db —
the database is emptied by the tests).
"""
from __future__ import annotations

import os
from datetime import timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, inspect, select, text, delete

from model import ParsedDocument
from store import ingest as ingest_mod
from store import queries as q
from store.engine import dispose_engines, get_engine, init_db, session_scope
from store.bulk import bulk_ingest
from store.ingest import DUPLICATE_MESSAGE, delete_document, ingest_document, replace_findings
from store.models import (
    Agency,
    Base,
    Document,
    DocumentFile,
    Finding,
    LineItem,
    ParsedTable,
    Project,
    SelfEvaluation,
    tidy_amount,
)
from tests.fixtures_store import (
    ECONOMIC_TABLE,
    FUNCTION_TABLE,
    TRUTH_DIR,
    TRUTH_NAMES,
    small_doc,
    truth_doc,
)

PG_URL = os.environ.get("BUDGETLENS_TEST_PG_URL")
ALL_MODELS = (Agency, Document, DocumentFile, ParsedTable, LineItem, Finding, Project, SelfEvaluation)
needs_truth = pytest.mark.skipif(not TRUTH_DIR.is_dir(), reason="shared/fixtures/truth not present")


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.skipif(not PG_URL, reason="BUDGETLENS_TEST_PG_URL not set")),
    ]
)
def engine(request, tmp_path):
    if request.param == "sqlite":
        eng = get_engine(f"sqlite:///{tmp_path / 'store' / 'test.db'}")
    else:
        eng = get_engine(PG_URL)
        Base.metadata.drop_all(eng)
        with eng.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        init_db(eng)
    yield eng
    dispose_engines()


def count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model))


def child_counts(engine) -> dict[str, int]:
    return {m.__tablename__: count(engine, m) for m in ALL_MODELS}


# --------------------------------------------------------------------------- engine


def test_engine_sqlite_setup(tmp_path):
    db = tmp_path / "nested" / "dir" / "x.db"
    url = f"sqlite:///{db}"
    eng = get_engine(url)
    try:
        assert db.parent.is_dir()
        assert get_engine(url) is eng  # cached per URL
        assert set(inspect(eng).get_table_names()) >= {m.__tablename__ for m in ALL_MODELS}
        with eng.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        dispose_engines()


def test_engine_default_url_from_settings(tmp_path, monkeypatch):
    db = tmp_path / "data" / "budgetlens.db"
    monkeypatch.setenv("BUDGETLENS_DATABASE_URL", f"sqlite:///{db}")
    try:
        eng = get_engine()
        assert eng.url.database == str(db)
        assert db.exists()
    finally:
        dispose_engines()


def test_session_scope_rolls_back(engine):
    with pytest.raises(RuntimeError):
        with session_scope(engine) as session:
            session.add(Agency(name="回滚测试局"))
            session.flush()
            raise RuntimeError("boom")
    assert count(engine, Agency) == 0
    with session_scope(engine) as session:
        session.add(Agency(name="提交测试局"))
    assert count(engine, Agency) == 1


def test_tidy_amount():
    assert str(tidy_amount(Decimal("17334.300000"))) == "17334.30"
    assert str(tidy_amount(Decimal("2569.811450"))) == "2569.81145"
    assert str(tidy_amount(Decimal("100.000000"))) == "100.00"
    assert str(tidy_amount(Decimal("0E-6"))) == "0.00"
    assert tidy_amount(None) is None


# --------------------------------------------------------------------------- ingest


def test_roundtrip_exact_decimals(engine):
    doc, data = small_doc()
    result = ingest_document(doc, data, engine=engine)
    assert result.status == "stored", result.message
    assert result.document_id

    with session_scope(engine) as session:
        items = session.scalars(select(LineItem).order_by(LineItem.id)).all()
        got = {(i.section, i.seq, i.measure): i.amount for i in items}
    assert got[("totals", 0, "revenue_total")] == Decimal("17334.30")
    assert str(got[("totals", 0, "revenue_total")]) == "17334.30"
    assert str(got[("totals", 1, "expenditure_total")]) == "2569.81145"
    # an item's seq is its measure's place in the model (Totals, ThreePublic): grand_total comes before carryover_begin
    assert got[("totals", 3, "carryover_begin")] is None  # blank stays NULL, never 0
    assert str(got[("three_public", 0, "total")]) == "1.234567"
    assert got[("three_public", 5, "reception")] is None
    assert str(got[("function", 0, "total")]) == "2569.81145"
    assert str(got[("function", 0, "basic")]) == "1.234567"
    assert got[("function", 0, "project")] is None
    assert str(got[("economic", 0, "personnel")]) == "0.01"
    assert all(isinstance(v, Decimal) for v in got.values() if v is not None)

    df = q.line_items(engine=engine)
    vals = {(r.section, r.measure): r.amount for r in df.itertuples()}
    assert vals[("totals", "revenue_total")] == Decimal("17334.30")
    assert vals[("function", "total")] == Decimal("2569.81145")
    assert vals[("three_public", "total")] == Decimal("1.234567")
    assert vals[("function", "project")] is None

    parsed = q.get_document(result.document_id, engine=engine)["parsed"]
    assert parsed["totals"]["expenditure_total"] == "2569.81145"  # Decimals serialised as strings
    assert parsed["function_lines"][0]["basic"] == "1.234567"
    assert parsed["totals"]["carryover_begin"] is None


def test_provenance(engine):
    doc, data = small_doc()
    doc_id = ingest_document(doc, data, engine=engine).document_id
    df = q.line_items([doc_id], engine=engine)
    rev = df[df.measure == "revenue_total"].iloc[0]
    assert rev.origin == "narrative" and rev.page == 1 and rev["name"] == "本年收入合计"
    exp = df[df.measure == "expenditure_total"].iloc[0]
    assert exp.origin == "table" and exp.page is pd_na()
    fn = df[(df.section == "function") & (df.measure == "total")].iloc[0]
    assert (fn.code, fn["name"], fn.page, fn.table_title, fn.row) == ("210", "卫生健康支出", 3, FUNCTION_TABLE, 1)
    tables = q.document_tables(doc_id, engine=engine)
    assert fn.table_id == tables[0]["table_id"]  # linked to the stored table
    econ = df[df.section == "economic"].iloc[0]
    assert econ.table_title == ECONOMIC_TABLE and econ.table_id is pd_na()  # table not in doc["tables"]


def pd_na():
    import pandas as pd

    return pd.NA


def test_uploaded_at_is_utc(engine):
    doc, data = small_doc()
    doc_id = ingest_document(doc, data, engine=engine).document_id
    stored = q.get_document(doc_id, engine=engine)
    assert stored["uploaded_at"].tzinfo is not None
    assert stored["uploaded_at"].utcoffset() == timezone.utc.utcoffset(None)
    assert str(q.list_documents(engine=engine).uploaded_at.dtype).endswith("UTC]")


def test_duplicate(engine):
    doc, data = small_doc()
    first = ingest_document(doc, data, engine=engine)
    again = ingest_document(doc, data, engine=engine)
    assert again.status == "duplicate"
    assert again.message == DUPLICATE_MESSAGE == "已存在相同文件（sha256 相同），未重复保存"
    assert again.document_id == first.document_id
    # even with replace=True, and even under another file name
    doc2, _ = small_doc(file="renamed.pdf")
    assert ingest_document(doc2, data, engine=engine, replace=True).status == "duplicate"
    assert count(engine, Document) == 1


def test_refused_then_replace(engine):
    doc, data = small_doc(file="旧文件.pdf", content=b"old bytes")
    old = ingest_document(doc, data, engine=engine)
    replace_findings(engine, old.document_id, [{"rule": "r", "severity": "info", "message": "m"}])

    new_doc, new_data = small_doc(file="新文件.pdf", content=b"new bytes")
    new_doc["totals"]["revenue_total"] = "1.00"
    refused = ingest_document(new_doc, new_data, engine=engine)
    assert refused.status == "refused"
    assert "旧文件.pdf" in refused.message and "替换" in refused.message and "--replace" in refused.message
    assert refused.document_id == old.document_id
    assert count(engine, Document) == 1

    replaced = ingest_document(new_doc, new_data, engine=engine, replace=True)
    assert replaced.status == "stored" and replaced.replaced == "旧文件.pdf"
    assert "旧文件.pdf" in replaced.message
    docs = q.list_documents(engine=engine)
    assert list(docs.file_name) == ["新文件.pdf"]
    assert count(engine, Agency) == 1
    assert count(engine, DocumentFile) == 1
    assert count(engine, Finding) == 0  # the old document's findings went with it
    assert q.get_original(replaced.document_id, engine=engine) == ("新文件.pdf", b"new bytes")
    assert q.get_original(old.document_id, engine=engine) is None
    rev = q.line_items(section="totals", measure="revenue_total", engine=engine)
    assert list(rev.amount) == [Decimal("1.00")]
    # another scope is another slot
    unit_doc, unit_data = small_doc(scope="unit", file="单位.pdf", content=b"unit bytes")
    assert ingest_document(unit_doc, unit_data, engine=engine).status == "stored"


def test_atomic_failure_mid_insert(engine, monkeypatch):
    def broken(doc):
        raise RuntimeError("line-item builder failed")

    monkeypatch.setattr(ingest_mod, "build_line_items", broken)
    doc, data = small_doc()
    with pytest.raises(RuntimeError, match="line-item builder failed"):
        ingest_document(doc, data, engine=engine)
    assert all(n == 0 for n in child_counts(engine).values()), child_counts(engine)


def test_atomic_failure_during_replace_keeps_old(engine, monkeypatch):
    doc, data = small_doc(file="old.pdf", content=b"old")
    old = ingest_document(doc, data, engine=engine)
    before = child_counts(engine)

    real = ingest_mod.build_line_items

    def half_then_fail(doc):
        real(doc)
        raise RuntimeError("failed after the old document was deleted")

    monkeypatch.setattr(ingest_mod, "build_line_items", half_then_fail)
    new_doc, new_data = small_doc(file="new.pdf", content=b"new")
    with pytest.raises(RuntimeError):
        ingest_document(new_doc, new_data, engine=engine, replace=True)
    assert child_counts(engine) == before
    assert q.get_original(old.document_id, engine=engine) == ("old.pdf", b"old")


def test_bad_amount_stores_nothing(engine):
    doc, data = small_doc()
    doc["economic_lines"][0]["public"] = "12,3x"
    with pytest.raises(ValueError, match=r"解析结果不符合文档格式：economic_lines\[0\]\.public"):
        ingest_document(doc, data, engine=engine)
    doc, data = small_doc()
    doc["three_public"]["total"] = "0.1234567"  # 7 decimals would be rounded: refuse
    with pytest.raises(ValueError, match="three_public.total"):
        ingest_document(doc, data, engine=engine)
    assert all(n == 0 for n in child_counts(engine).values())


def test_misspelt_key_is_refused_in_chinese_and_stores_nothing(engine):
    """A dict is read through the typed model at the store's door: a key it does not
    know is refused with a Chinese sentence naming where, never stored as a silent None."""
    doc, data = small_doc()
    doc["agnecy"] = doc.pop("agency")
    with pytest.raises(ValueError, match=r"^解析结果不符合文档格式：.*'agnecy'"):
        ingest_document(doc, data, engine=engine)
    doc, data = small_doc()
    doc["function_lines"][0]["totl"] = doc["function_lines"][0].pop("total")
    with pytest.raises(ValueError, match=r"^解析结果不符合文档格式：function_lines\[0\].*'totl'"):
        ingest_document(doc, data, engine=engine)
    with pytest.raises(ValueError, match="^解析结果不符合文档格式："):
        bulk_ingest([(doc, data)], engine=engine)
    assert all(n == 0 for n in child_counts(engine).values())


@needs_truth
def test_parsed_document_is_stored_as_its_dict(engine):
    """A ``ParsedDocument`` passed as it is stores the very rows its dict stores."""
    doc, data = truth_doc(TRUTH_NAMES[2])
    typed = ParsedDocument.from_dict(doc)
    as_dict = ingest_document(typed.to_dict(), data, engine=engine)
    assert as_dict.status == "stored", as_dict.message
    stored = _rows(engine)
    assert sum(len(rows) for rows in stored.values()) > 100
    assert delete_document(engine, as_dict.document_id)
    as_typed = ingest_document(typed, data, engine=engine)
    assert as_typed.status == "stored" and as_typed.message == as_dict.message
    assert _rows(engine) == stored


def _rows(engine) -> dict[str, list]:
    """Every stored row of ALL_MODELS in the order written, without ids (a new
    store's differ), references by id and upload times."""
    out = {}
    with session_scope(engine) as session:
        for model in ALL_MODELS:
            table = model.__table__
            columns = [c.key for c in table.columns if not c.key.endswith("id") and c.key != "uploaded_at"]
            rows = session.scalars(select(model).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(getattr(r, c) for c in columns) for r in rows]
    return out


def test_amount_beyond_double_precision(engine):
    doc, data = small_doc()
    doc["totals"]["revenue_total"] = "123456789012.123456"  # 18 significant digits
    if engine.dialect.name == "sqlite":
        with pytest.raises(ValueError, match="SQLite"):
            ingest_document(doc, data, engine=engine)
        assert count(engine, Document) == 0
    else:
        assert ingest_document(doc, data, engine=engine).status == "stored"
        got = q.line_items(measure="revenue_total", engine=engine).amount.tolist()
        assert [str(v) for v in got] == ["123456789012.123456"]
    doc, data = small_doc(content=b"fifteen digits")
    doc["year"] = 2025
    doc["totals"]["revenue_total"] = "999999999.999999"  # 15 digits: exact everywhere
    assert ingest_document(doc, data, engine=engine).status == "stored"
    got = q.line_items(measure="revenue_total", engine=engine, document_ids=None)
    assert str(got[got.year == 2025].amount.iloc[0]) == "999999999.999999"


def test_race_with_concurrent_writer(engine, monkeypatch):
    """The unique constraints catch what the pre-insert check missed."""
    doc, data = small_doc()
    first = ingest_document(doc, data, engine=engine)
    real = ingest_mod._find_duplicate
    calls = []

    def blind_once(session, sha256):
        calls.append(sha256)
        return None if len(calls) == 1 else real(session, sha256)

    monkeypatch.setattr(ingest_mod, "_find_duplicate", blind_once)
    monkeypatch.setattr(ingest_mod, "_find_conflict", lambda *a: None)
    again = ingest_document(doc, data, engine=engine)
    assert again.status == "duplicate" and again.document_id == first.document_id
    assert count(engine, Document) == 1 and count(engine, LineItem) == len(ingest_mod.build_line_items(ParsedDocument.from_dict(doc)))


def test_ingest_by_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'by-url.db'}"
    doc, data = small_doc()
    try:
        assert ingest_document(doc, data, url=url).status == "stored"
        assert len(q.list_documents(url=url)) == 1
    finally:
        dispose_engines()


def test_sha256_mismatch_raises(engine):
    doc, _ = small_doc()
    with pytest.raises(ValueError, match="sha256"):
        ingest_document(doc, b"other bytes", engine=engine)
    assert count(engine, Document) == 0


def test_missing_identity_refused(engine):
    doc, data = small_doc()
    doc["year"] = None
    result = ingest_document(doc, data, engine=engine)
    assert result.status == "refused" and "年度" in result.message
    assert count(engine, Document) == 0


def test_cascade_delete(engine):
    doc_a, data_a = truth_doc("002_fee3c3d538398af5") if TRUTH_DIR.is_dir() else small_doc()
    doc_b, data_b = small_doc(agency="另一个局")
    a = ingest_document(doc_a, data_a, engine=engine).document_id
    b = ingest_document(doc_b, data_b, engine=engine).document_id
    replace_findings(engine, b, [{"rule": "x", "severity": "info", "message": "m"}])
    assert delete_document(engine, a) is True
    assert delete_document(engine, a) is False
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Document).where(Document.id == a)) == 0
        for model in ALL_MODELS[2:]:  # every child table
            assert conn.scalar(select(func.count()).select_from(model).where(model.document_id == a)) == 0
    assert list(q.list_agencies(engine=engine).agency) == ["另一个局"]  # orphan agency removed
    assert count(engine, LineItem) == len(ingest_mod.build_line_items(ParsedDocument.from_dict(doc_b)))
    assert count(engine, Finding) == 1 and count(engine, DocumentFile) == 1

    # the cascade is in the database (foreign keys on), not only in the ORM
    with engine.begin() as conn:
        conn.execute(delete(Document).where(Document.id == b))
    assert {k: v for k, v in child_counts(engine).items() if k != "agencies"} == dict.fromkeys(
        [m.__tablename__ for m in ALL_MODELS[1:]], 0
    )


def test_replace_findings(engine):
    doc, data = small_doc()
    doc["findings"] = [{"rule": "p", "severity": "error", "message": "解析器发现", "page": 2}]
    doc_id = ingest_document(doc, data, engine=engine).document_id
    assert list(q.findings(engine=engine).rule) == ["p"]
    n = replace_findings(
        engine,
        doc_id,
        [
            {"rule": "identity.basic", "severity": "warning", "message": "基本支出不等于人员经费加公用经费",
             "page": 4, "table": FUNCTION_TABLE, "row": 7, "expected": Decimal("10.00"), "found": Decimal("9.99")},
            {"rule": "three_public.sum", "severity": "info", "message": "三公"},
        ],
    )
    assert n == 2
    f = q.findings(engine=engine)
    assert list(f.rule) == ["identity.basic", "three_public.sum"]
    row = f.iloc[0]
    assert (row.page, row.table_title, row.row, row.expected, row.found) == (4, FUNCTION_TABLE, 7, "10.00", "9.99")
    assert replace_findings(engine, doc_id, []) == 0
    assert q.findings(engine=engine).empty
    with pytest.raises(LookupError):
        replace_findings(engine, 999999, [])
