"""地区对比 from the store: each agency's region is kept in columns (migration 0005,
store/derived.py), and the page's counts and documents come from SQL — the same
as analysis/regions.py works them out from every document's agency name."""
from __future__ import annotations

import pandas as pd
import pytest
from alembic import command
from sqlalchemy import create_engine, text

from analysis import regions as ar
from store import queries as q
from store.derived import REGION_COLUMNS, agency_regions
from store.engine import _alembic, dispose_engines, get_engine
from tests.pgcluster import database_url, databases
from tests.scale_store import build

KINDS = ["budget", "final_accounts"]


@pytest.fixture(scope="module", params=databases())
def url(request, tmp_path_factory) -> str:
    yield build(database_url(request.param, tmp_path_factory.mktemp("regions"), "regions"), 150, 90, seed=21,
                batch_size=50)
    dispose_engines()


def test_agency_regions_are_what_the_name_gives():
    assert agency_regions("秦皇岛市北戴河区财政局") == {
        "region_county": "秦皇岛市北戴河区", "region_city": "秦皇岛市", "region_province": "河北"}
    assert agency_regions("香河县医疗保障局") == {
        "region_county": "香河县", "region_city": None, "region_province": None}


def test_migration_0005_fills_in_the_regions_of_the_agencies_stored_before_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'at_0004.db'}"
    raw = create_engine(url)
    with raw.begin() as conn:
        command.upgrade(_alembic(conn), "0004")
        for name in ("秦皇岛市北戴河区财政局", "香河县医疗保障局", "国家统计局"):
            conn.execute(text("INSERT INTO agencies (name) VALUES (:n)"), {"n": name})
    raw.dispose()
    engine = get_engine(url)  # upgrades to the head
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT name, " + ", ".join(REGION_COLUMNS.values()) + " FROM agencies")).all()
    assert {r[0]: dict(zip(REGION_COLUMNS.values(), r[1:])) for r in rows} == {
        name: agency_regions(name) for name in ("秦皇岛市北戴河区财政局", "香河县医疗保障局", "国家统计局")}
    dispose_engines()


def test_counts_and_documents_match_the_agency_names_worked_out_in_python(url):
    docs = q.document_index(kind=KINDS, url=url)
    counts = q.region_year_counts(kind=KINDS, url=url)
    expected = ar.year_counts(docs).sort_values(["level", "kind", "year"]).reset_index(drop=True)
    got = counts.sort_values(["level", "kind", "year"]).reset_index(drop=True)
    assert got.astype(str).equals(expected.astype(str))
    assert (got["regions"] > 1).any(), "a store with several regions side by side"
    for kind in KINDS:
        assert ar.best_level(counts, kind) == ar.default_level(docs, kind)
        for level in ar.REGION_LEVELS:
            years = ar.ranked_years(counts, level, kind)
            assert years == ar.years_with_regions(docs, level, kind)
            for year in years[:2]:
                in_year = docs[(docs["year"] == year) & (docs["kind"] == kind)]
                agencies = sorted(set(in_year["agency"]))
                members = ar.members(agencies, level)
                regions = q.region_counts(level, year, kind, url=url)
                assert dict(zip(regions["region"], regions["agencies"])) == {r: len(m) for r, m in members.items()}
                names, total = q.unplaced_agencies(level, year, kind, limit=5, url=url)
                unplaced = ar.unplaced(agencies, level)
                assert (names, total) == (unplaced[:5], len(unplaced))
                some = list(members)[:3]
                chosen = ar.choose_documents(docs, level, year, kind, some)
                stored = q.region_documents(level, year, kind, some, url=url)
                assert stored[q.REGION_DOCUMENT_COLUMNS].astype(str).reset_index(drop=True).equals(
                    chosen[q.REGION_DOCUMENT_COLUMNS].astype(str).reset_index(drop=True))


def test_the_page_reads_no_document_index(url, monkeypatch):
    import streamlit as st

    from tests.scale_store import page_runner

    if not url.startswith("sqlite"):
        pytest.skip("the page is driven once, on SQLite")
    called = []
    for name in ("document_index", "list_documents"):
        monkeypatch.setattr(q, name, lambda *a, _n=name, **k: called.append(_n) or pd.DataFrame())
    st.cache_data.clear()
    at = page_runner(url, monkeypatch)("views/regions.py")
    assert called == []
    table = next(t.value for t in at.dataframe if "部门数" in t.value.columns)
    assert len(table) >= 2 and table["部门数"].sum() >= 2
