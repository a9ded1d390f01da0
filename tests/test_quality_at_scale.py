"""数据质检 over a store larger than a page: it reads counts, one page of them and a
few documents to offer — never a row per document — and its report picker
searches the store (a link naming a report by its label still picks it)."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from store import queries
from store.engine import dispose_engines
from tests.scale_store import build, page_runner

DOCUMENTS, AGENCIES = 90, 60


@pytest.fixture(scope="module")
def big_url(tmp_path_factory) -> str:
    yield build(f"sqlite:///{tmp_path_factory.mktemp('quality') / 'big.db'}", DOCUMENTS, AGENCIES, seed=3,
                batch_size=45)
    dispose_engines()


@pytest.fixture
def page(big_url, monkeypatch):
    run = page_runner(big_url, monkeypatch, clear_cache=True)
    return lambda params=None, state=None: run("views/quality.py", params, state)


def _picker(at: AppTest):
    return next(w for w in at.multiselect if w.key == "docs")


def _counts_table(at: AppTest):
    return next(t.value for t in at.dataframe if "合计" in t.value.columns)


def test_the_page_never_reads_a_row_per_document(page, monkeypatch):
    calls: list[tuple[str, dict]] = []
    for name in ("document_index", "finding_counts", "list_documents", "findings"):
        original = getattr(queries, name)

        def recording(*args, _name=name, _original=original, **kwargs):
            calls.append((_name, {k: v for k, v in kwargs.items() if k not in ("engine", "url")}, args))
            return _original(*args, **kwargs)

        monkeypatch.setattr(queries, name, recording)
    at = page()
    assert calls, "the page read documents"
    for name, kwargs, args in calls:
        assert name == "document_index", name
        assert kwargs.get("limit") or kwargs.get("document_ids"), kwargs
    # and still covers every document: the counts table is the first of the pages over all of them
    assert len(_counts_table(at)) == 50
    assert next(w for w in at.number_input if w.key == "quality_docs_page").label == "页码（共 2 页）"


def test_the_counts_table_is_the_first_page_of_every_document_by_most_errors(page, big_url):
    docs = queries.list_documents(url=big_url)
    at = page()
    table = _counts_table(at)
    assert len(table) == 50
    ordered = docs.sort_values(["errors", "warnings", "infos", "agency"], ascending=[False, False, False, True],
                               kind="stable")
    assert table["错误"].tolist() == ordered["errors"].head(50).astype(int).tolist()
    assert table["部门"].iloc[0] == ordered["agency"].iloc[0]
    kpis = {m.label: m.value for m in at.metric}
    assert kpis["报告"] == f"{DOCUMENTS} 份"
    assert kpis["错误"] == f"{int(docs['errors'].sum()):,} 条"


def test_the_report_picker_searches_and_a_link_names_a_report(page, big_url):
    at = page()
    picker = _picker(at)
    assert len(picker.options) <= 50  # never every report
    agency = queries.document_index(url=big_url)["agency"].iloc[-1]
    at = page(state={"docs__search": agency})
    matching = queries.document_index(search=agency, url=big_url)
    assert len(_picker(at).options) == len(matching) >= 1
    assert all(agency in option for option in _picker(at).options)
    # a copied link names the report by its label
    from components.filters import document_label

    doc = matching.iloc[0].to_dict()
    at = page(params={"docs": document_label(doc)})
    assert _picker(at).value == [int(doc["document_id"])]
    assert {m.label: m.value for m in at.metric}["报告"] == "1 份"
