"""Store queries over the truth documents (../shared/fixtures/truth), an empty
store and a re-parse: what the pages read.

Split from tests/test_store.py (models, engine, ingest), whose ``engine``
fixture runs each test on SQLite, and on PostgreSQL when there is a server.
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from sqlalchemy import text

from model import ThreePublic, Totals
from store import queries as q
from store.ingest import ingest_document
from test_store import engine, needs_truth  # noqa: F401  (engine: the fixture)
from tests.fixtures_store import FUNCTION_TABLE, TRUTH_NAMES, complete, load_truth, small_doc, truth_doc


# --------------------------------------------------------------------------- truth documents + queries


@pytest.fixture
def truth_store(engine):
    ids = {}
    for name in TRUTH_NAMES:
        doc, data = truth_doc(name, fmt="xlsx" if name.startswith("000") else "pdf")
        result = ingest_document(doc, data, engine=engine)
        assert result.status == "stored", result.message
        ids[name] = result.document_id
    return engine, ids


@needs_truth
def test_truth_values_roundtrip(truth_store):
    engine, ids = truth_store
    for name, doc_id in ids.items():
        truth = load_truth(name)
        df = q.line_items([doc_id], engine=engine)
        for section, record in (("totals", Totals), ("three_public", ThreePublic), ("three_public_budget", ThreePublic)):
            expected = truth.get(section)
            got = df[df.section == section]
            # every measure of the model's record once (one the truth does not give: NULL); none without the section
            measures = [] if expected is None else [f.name for f in dataclasses.fields(record)]
            assert sorted(got.measure) == sorted(measures) and set(expected or ()) <= set(measures)
            for r in got.itertuples():
                want = expected.get(r.measure)
                assert (None if r.amount is None else str(r.amount)) == want, (name, section, r.measure)
        for key, section, measures in (
            ("function_lines", "function", ("total", "basic", "project")),
            ("economic_lines", "economic", ("total", "personnel", "public")),
        ):
            wide = (q.function_lines if section == "function" else q.economic_lines)([doc_id], engine=engine)
            lines = truth.get(key) or []
            assert len(wide) == len(lines)
            for line, r in zip(lines, wide.to_dict("records")):
                assert r["code"] == line["code"] and r["name"] == line["name"]
                for m in measures:
                    assert (None if r[m] is None else str(r[m])) == line[m], (name, line["code"], m)


@needs_truth
def test_queries(truth_store):
    engine, ids = truth_store
    qinglong = ids["002_fee3c3d538398af5"]

    agencies = q.list_agencies(engine=engine)
    assert len(agencies) == 4
    bdh = agencies[agencies.agency == "秦皇岛市北戴河区医疗保障局"].iloc[0]
    assert bdh.documents == 2 and bdh.code == "450001"

    docs = q.list_documents(engine=engine)
    assert len(docs) == 5
    row = docs[docs.document_id == qinglong].iloc[0]
    assert (row.agency, row.year, row.kind, row["scope"], row.format, row.pages) == (
        "青龙满族自治县医疗保障局", 2023, "final_accounts", "department", "pdf", 3)
    assert (row.tables, row.errors, row.warnings, row.infos) == (2, 1, 1, 0)
    assert row.file_name == "002_fee3c3d538398af5.pdf"
    assert q.list_documents(kind="budget", engine=engine).kind.unique().tolist() == ["budget"]
    assert len(q.list_documents(year=[2021, 2023], engine=engine)) == 4

    got = q.get_document(qinglong, engine=engine)
    assert got["agency"] == "青龙满族自治县医疗保障局" and got["parsed"]["totals"]["revenue_total"] == "17334.30"
    assert got["parsed"]["findings"][0]["expected"] == "17246.18"
    assert q.get_document(10**9, engine=engine) is None
    name, data = q.get_original(qinglong, engine=engine)
    assert name.endswith(".pdf") and data.startswith(b"%PDF-fake")

    tables = q.document_tables(qinglong, engine=engine)
    assert [t["title"] for t in tables] == ["收支总表", FUNCTION_TABLE]
    assert tables[1]["pages"] == [4, 5] and tables[0]["rows"][1] == ["本年收入合计", "1"]
    assert tables[1]["spans"] == [[0, 0, 1, 2]] and tables[1]["caption"] == ["单位：万元"]  # extra keys kept
    assert tables[0]["spans"] == []  # the model requires it: an empty list where the table has none
    assert not {"verification", "ocr", "ocr_detail", "file"} & set(tables[0])  # an absent key stays absent

    li = q.line_items(section="totals", measure=["revenue_total", "basic"], engine=engine)
    assert set(li.measure) == {"revenue_total", "basic"} and set(li.section) == {"totals"}
    assert len(li) == 8  # four documents with totals x two measures
    narrative = li[(li.document_id == qinglong) & (li.measure == "revenue_total")].iloc[0]
    assert narrative.origin == "narrative" and narrative.page == 1

    wide = q.totals_wide(engine=engine)
    assert len(wide) == 5  # one row per document
    assert {"revenue_total", "three_public_total", "three_public_budget_reception"} <= set(wide.columns)
    w = wide.set_index("document_id")
    assert w.loc[qinglong, "revenue_total"] == Decimal("17334.30")
    assert w.loc[qinglong, "three_public_reception"] == Decimal("0.46")
    assert w.loc[qinglong, "three_public_outbound"] is None
    assert w.loc[qinglong, "three_public_budget_vehicle_operation"] == Decimal("1.60")
    assert w.loc[ids["003_08710cc348d5ea60"], "operating_expenses"] is None  # not reported
    budgets = q.totals_wide(kind="budget", year=2023, engine=engine)
    assert list(budgets.agency) == ["平顶山市石龙区医疗保障局"]
    assert len(q.totals_wide(agency_ids=[int(bdh.agency_id)], engine=engine)) == 2

    fl = q.function_lines([qinglong], engine=engine)
    assert list(fl.columns[:6]) == ["document_id", "agency_id", "agency", "year", "kind", "scope"]
    first = fl.iloc[0]
    assert (first.code, first.total, first.basic, first.project) == ("208", Decimal("53.64"), Decimal("41.64"), Decimal("12.00"))
    assert (first.page, first.table_title, first.row) == (4, FUNCTION_TABLE, 2)
    el = q.economic_lines(engine=engine)
    assert {"personnel", "public"} <= set(el.columns) and el.document_id.nunique() == 4

    f = q.findings(severity="error", engine=engine)
    assert len(f) == 5 and set(f.rule) == {"identity.total"}
    assert f.iloc[0].expected == "17246.18"
    assert len(q.findings([qinglong], rule="narrative.amount", engine=engine)) == 1

    assert q.years_for_agency(int(bdh.agency_id), engine=engine) == [2021]
    d = q.documents_for(int(bdh.agency_id), 2021, "budget", engine=engine)
    assert list(d["scope"]) == ["unit"]

    se = q.self_evaluations(engine=engine)
    truth_se = load_truth("002_fee3c3d538398af5")["self_evaluations"]
    assert len(se) == len(truth_se) and set(se.document_id) == {qinglong}
    assert se.iloc[0].budget == Decimal(truth_se[0]["budget"])
    assert se.iloc[0].reported_score == Decimal(truth_se[0]["reported_score"])
    assert se.iloc[0].computed_score is None
    assert se.iloc[0].data["narrative_score"] == truth_se[0]["narrative_score"]

    pr = q.projects([ids["000_e1a466dd2d0fafcf"]], engine=engine)
    truth_pr = load_truth("000_e1a466dd2d0fafcf")["projects"]
    assert list(pr.code) == [p["code"] for p in truth_pr]
    assert [None if a is None else str(a) for a in pr.amount] == [p.get("amount") for p in truth_pr]
    assert len(q.projects(engine=engine)) == sum(len(load_truth(n).get("projects") or []) for n in TRUTH_NAMES)

    overview = q.counts_overview(engine=engine)
    assert overview["agencies"] == 4 and overview["documents"] == 5
    assert overview["by_kind"] == {"budget": 3, "final_accounts": 1, "performance_targets": 1}
    assert overview["by_format"] == {"pdf": 4, "xlsx": 1}
    assert overview["years"] == [2021, 2023, 2024]
    assert overview["findings"] == {"error": 5, "warning": 5}


def test_queries_on_empty_store(engine):
    assert q.list_agencies(engine=engine).empty
    assert q.list_documents(engine=engine).empty
    assert "revenue_total" in q.totals_wide(engine=engine).columns
    assert q.line_items([], engine=engine).empty
    assert list(q.function_lines(engine=engine).columns)[-4:] == ["page", "table_title", "row", "origin"]
    assert q.counts_overview(engine=engine) == {
        "agencies": 0, "documents": 0, "by_kind": {}, "by_format": {}, "years": [], "findings": {}
    }


def test_queries_use_bound_parameters(engine):
    # a hostile value is just data
    doc, data = small_doc(agency="x'); DROP TABLE documents; --")
    doc_id = ingest_document(doc, data, engine=engine).document_id
    assert q.list_documents(kind="budget' OR '1'='1", engine=engine).empty
    assert q.list_agencies(engine=engine).agency.tolist() == ["x'); DROP TABLE documents; --"]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM documents")).scalar() == 1
    assert q.get_document(doc_id, engine=engine) is not None


def test_reparse_replaces_the_same_bytes_in_one_transaction(tmp_path):
    from store.engine import get_engine
    from store.ingest import ingest_document
    from store.queries import list_documents

    engine = get_engine(f"sqlite:///{tmp_path / 'reparse.db'}")
    data = b"original bytes"
    doc = complete({
        "schema": "budgetlens.document/1",
        "source": {"file": "a.txt", "format": "text", "pages": 1},
        "agency": "测试局", "year": 2024, "kind": "budget", "scope": "department",
        "totals": {"expenditure_total": "10.00"},
    })
    first = ingest_document(doc, data, engine=engine)
    assert first.status == "stored"
    assert ingest_document(doc, data, engine=engine).status == "duplicate"
    newer = dict(doc, totals={"expenditure_total": "12.50"})
    again = ingest_document(newer, data, engine=engine, replace=True, reparse=True)
    assert again.status == "stored" and again.document_id != first.document_id
    assert len(list_documents(engine=engine)) == 1


def test_sample_loading_resumes_after_an_interrupted_pass(tmp_path):
    """A first run cut short (browser closed) leaves some samples stored; the
    next run loads only the rest, and a finished pass is not repeated."""
    from store import samples
    from store.engine import get_engine
    from store.queries import list_documents

    engine = get_engine(f"sqlite:///{tmp_path / 'samples.db'}")
    all_files = samples.sample_files()
    pdfs = [p for p in all_files if p.suffix == ".pdf"]
    assert len(pdfs) >= 3
    # an interrupted pass: only the first PDF got stored, no completion mark
    samples.load_samples(engine, files=[pdfs[0]])
    assert len(list_documents(engine=engine)) == 1
    pending = samples.pending_samples(engine)
    assert pdfs[0] not in pending and pdfs[1] in pending
    assert len(pending) == len(all_files) - 1
    # finishing the pass marks the set as loaded: nothing is pending any more,
    # although the Excel/Word twins were refused and are not stored
    samples.load_samples(engine, files=pending)
    assert samples.pending_samples(engine) == []
    assert len(list_documents(engine=engine)) == 12
