"""A store larger than one page: 报告库 and the quality list a page at a time
(never every row), agency pickers that search, and page reads cached per store
revision.  The store is built the way bench/scale.py builds a province's —
the shipped sample parses under other agencies' names, written through the
bulk path — only smaller (160 documents of 90 agencies)."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from store import queries
from store.engine import dispose_engines, get_engine
from tests.scale_store import build, page_runner

APP = ROOT / "app.py"
TIMEOUT = 180
DOCUMENTS, AGENCIES = 160, 90

pytestmark = pytest.mark.xdist_group(name="app_scale")


@pytest.fixture(scope="module")
def big_url(tmp_path_factory) -> str:
    yield build(f"sqlite:///{tmp_path_factory.mktemp('scale') / 'big.db'}", DOCUMENTS, AGENCIES, seed=5)
    dispose_engines()


@pytest.fixture
def app(big_url, monkeypatch):
    return page_runner(big_url, monkeypatch)


def _widget(at: AppTest, kind: str, key: str):
    return next(w for w in getattr(at, kind) if w.key == key)


def test_the_library_lists_a_page_at_a_time_and_searches(app, big_url):
    at = app("views/library.py")
    assert f"已保存的报告（{DOCUMENTS:,} 份）" in [s.value for s in at.subheader]
    page = _widget(at, "number_input", "lib_page")
    assert page.value == 1 and "共 4 页" in page.label  # 160 documents, 50 a page
    assert any("第 1–50 份，共 160 份" in c.value for c in at.caption)
    # the last page: the ten left
    at = app("views/library.py", params={"lib_page": "4"})
    assert any("第 151–160 份，共 160 份" in c.value for c in at.caption)
    # a search narrows the list in the store
    docs = queries.list_documents(url=big_url)
    agency = docs["agency"].iloc[0]
    expected = int(docs["agency"].str.contains(agency, regex=False).sum())
    at = app("views/library.py", state={"lib_filter": agency})
    assert not [w for w in at.number_input if w.key == "lib_page"]  # one page: no page widget
    assert queries.count_documents(agency, url=big_url) == expected


def _findings_table(at: AppTest):
    return next(t.value for t in at.dataframe if "说明" in t.value.columns and "规则" in t.value.columns)


def test_the_quality_list_pages_through_every_finding_once(app, big_url):
    docs = queries.list_documents(url=big_url)
    docs = docs.assign(findings=docs["errors"] + docs["warnings"] + docs["infos"])
    doc_id = int(docs.sort_values("findings", ascending=False)["document_id"].iloc[0])
    everything = queries.findings(doc_id, url=big_url)
    assert len(everything) > 50, "a document with more findings than one page"
    pages = -(-len(everything) // 50)
    seen: list[str] = []
    for page in range(1, pages + 1):
        at = app("views/quality.py", state={"docs": [doc_id], "quality_page": page})
        table = _findings_table(at)
        assert len(table) == min(50, len(everything) - 50 * (page - 1))
        seen += [str(v) for v in table["说明"]]
    assert sorted(seen) == sorted(str(m) for m in everything["message"])
    # every document: the first page only, and the total says how many there are
    at = app("views/quality.py")
    assert len(_findings_table(at)) == 50
    total = int(docs["findings"].sum())
    assert f"问题清单（{total:,} 条）" in [s.value for s in at.subheader]


def test_an_agency_picker_searches_among_many(app, big_url):
    agencies = sorted(set(queries.document_index(kind=["budget", "final_accounts"], url=big_url)["agency"]))
    assert len(agencies) > 50
    at = app("views/trends.py")
    box = _widget(at, "text_input", "agency__search")
    assert f"共 {len(agencies):,} 个" in (box.placeholder or "")
    picker = _widget(at, "selectbox", "agency")
    assert len(picker.options) <= 51  # never thousands of options
    needle = agencies[-1][-6:]
    at = app("views/trends.py", state={"agency__search": needle})
    picker = _widget(at, "selectbox", "agency")
    matching = [a for a in agencies if needle.lower() in a.lower()]
    assert set(matching) <= set(picker.options)
    assert len(picker.options) <= len(matching) + 1  # the matches, and what is chosen


def _record_calls(monkeypatch, name: str) -> list[dict]:
    """Wrap ``queries.<name>`` so that each call (still made) lists its keyword arguments."""
    calls: list[dict] = []
    real = getattr(queries, name)

    def recording(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(queries, name, recording)
    return calls


def test_page_reads_are_cached_per_store_revision(big_url, monkeypatch):
    import streamlit as st

    from components import cached

    monkeypatch.setenv("BUDGETLENS_DATABASE_URL", big_url)
    st.cache_data.clear()
    calls = _record_calls(monkeypatch, "count_documents")
    first = cached.count_documents()
    assert cached.count_documents() == first and len(calls) == 1  # the second read is the cache's
    from store.revision import bump_revision

    with get_engine(big_url).begin() as conn:  # any write moves the revision on
        bump_revision(conn)
    assert cached.count_documents() == first and len(calls) == 2  # read afresh


def test_agency_and_year_summaries_count_in_sql(big_url):
    docs = queries.document_index(url=big_url)
    summary = queries.agency_summary(url=big_url)
    assert list(summary.columns) == queries.AGENCY_SUMMARY_COLUMNS
    assert list(summary["agency"]) == sorted(set(docs["agency"]))
    grouped = docs.groupby("agency")
    for rec in summary.to_dict("records"):
        own = docs[docs["agency"] == rec["agency"]]
        assert rec["agency_id"] == int(own["agency_id"].iloc[0])
        assert rec["documents"] == len(own)
        assert rec["years"] == own["year"].nunique()
        assert (rec["first_year"], rec["last_year"]) == (int(own["year"].min()), int(own["year"].max()))
        assert rec["finals"] == int((own["kind"] == "final_accounts").sum())
    assert len(summary) == grouped.ngroups
    # kinds and a year narrow the agencies listed
    finals = queries.agency_summary(kind="final_accounts", year=2024, url=big_url)
    wanted = docs[(docs["kind"] == "final_accounts") & (docs["year"] == 2024)]
    assert list(finals["agency"]) == sorted(set(wanted["agency"]))
    assert set(finals["finals"]) <= set(finals["documents"]) and (finals["finals"] >= 1).all()

    years = queries.year_summary(kind=["budget", "final_accounts"], url=big_url)
    assert list(years.columns) == queries.YEAR_SUMMARY_COLUMNS
    financial = docs[docs["kind"].isin(["budget", "final_accounts"])]
    assert list(years["year"]) == sorted(set(financial["year"]), reverse=True)
    for y, agencies, documents in zip(years["year"], years["agencies"], years["documents"]):
        in_year = financial[financial["year"] == y]
        assert (agencies, documents) == (in_year["agency"].nunique(), len(in_year))
    assert queries.year_summary(kind="no-such-kind", url=big_url).empty


def test_pages_read_only_the_documents_of_the_agencies_shown(app, big_url, monkeypatch):
    """概览, 部门对比, 年度趋势 and 预决算对比 list agencies from agency_summary and read
    the documents of the agencies shown or chosen, never the whole index (绩效评分
    reads only the documents with items)."""
    import streamlit as st

    calls = _record_calls(monkeypatch, "document_index")
    for page in ("views/overview.py", "views/compare.py", "views/trends.py", "views/budget_actual.py",
                 "views/performance.py"):
        st.cache_data.clear()
        calls.clear()
        at = app(page)
        assert calls or page == "views/performance.py", page
        assert all(c.get("agency_id") is not None for c in calls), (page, calls)
        assert all(len(list(c["agency_id"]) if not isinstance(c["agency_id"], int) else [1]) <= 50 for c in calls)
        if page == "views/compare.py":
            assert len(_widget(at, "multiselect", "agencies").value) >= 2


def test_documents_with_items_lists_the_reports_of_the_performance_page(big_url):
    docs = queries.document_index(url=big_url)
    for items, counted in (("self_evaluations", queries.self_evaluation_counts(url=big_url)),
                           ("projects", queries.project_counts(url=big_url))):
        listed = queries.documents_with_items(items, url=big_url)
        assert list(listed.columns) == queries.ITEM_DOCUMENT_COLUMNS
        assert not listed.empty and len(listed) == len(counted) < len(docs)
        expected = docs[docs["document_id"].isin(counted["document_id"])].reset_index(drop=True)
        assert list(listed["document_id"]) == list(expected["document_id"])  # the listing order
        assert listed[queries.INDEX_COLUMNS].equals(expected[queries.INDEX_COLUMNS])
        n = dict(zip(counted["document_id"], counted["items"]))
        assert [n[d] for d in listed["document_id"]] == list(listed["items"])
    with pytest.raises(KeyError):
        queries.documents_with_items("findings", url=big_url)
