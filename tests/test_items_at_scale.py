"""绩效评分 over a store larger than a page: its item tables are paged by a running
sum in SQL (store.queries.item_segments), its totals counted in SQL, and its report
pickers search the store — the page never lists every report with items."""
from __future__ import annotations

import pytest

from store import queries as q
from store.engine import dispose_engines
from tests.scale_store import build, page_runner, page_segments

ITEMS = ("self_evaluations", "projects")


@pytest.fixture(scope="module")
def url(tmp_path_factory) -> str:
    yield build(f"sqlite:///{tmp_path_factory.mktemp('items') / 'store.db'}", 120, 70, seed=8, batch_size=40)
    dispose_engines()


@pytest.mark.parametrize("items", ITEMS)
def test_item_pages_match_every_report_worked_out_in_python(url, items):
    docs = q.documents_with_items(items, url=url)
    assert len(docs) > (50 if items == "projects" else 4), "more reports with items than a picker lists"
    ordered = docs.sort_values(["agency", "year", "document_id"], kind="stable")
    order = [(int(d), int(n)) for d, n in zip(ordered["document_id"], ordered["items"])]
    total = sum(n for _d, n in order)
    assert q.item_totals(items, url=url) == {"documents": len(docs), "items": total}
    for offset, limit in [(0, 100), (250, 100), (max(total - 30, 0), 100), (total, 100), (7, 3)]:
        assert q.item_segments(items, offset=offset, limit=limit, url=url) == page_segments(order, offset, limit)
    one = int(docs["document_id"].iloc[3])
    n = int(docs["items"].iloc[3])
    assert q.item_totals(items, one, url=url) == {"documents": 1, "items": n}
    assert q.item_segments(items, one, offset=0, limit=100, url=url) == [(one, 0, min(n, 100))]
    # a picker's few: the first ones, one by id, or those matching a text
    assert q.documents_with_items(items, limit=5, url=url).equals(docs.head(5))
    assert q.documents_with_items(items, document_ids=[one], url=url)["document_id"].tolist() == [one]
    agency = docs["agency"].iloc[-1]
    found = q.documents_with_items(items, search=agency, url=url)
    assert found.equals(docs[docs["agency"].str.contains(agency, regex=False)].reset_index(drop=True))


def test_the_page_lists_no_report_beyond_a_picker(url, monkeypatch):
    calls = []
    original = q.documents_with_items

    def recording(*args, **kwargs):
        found = original(*args, **kwargs)
        calls.append(len(found))
        return found

    monkeypatch.setattr(q, "documents_with_items", recording)
    at = page_runner(url, monkeypatch, clear_cache=True)("views/performance.py")
    assert q.item_totals("projects", url=url)["documents"] > 50
    assert calls and max(calls) <= 50, calls  # a picker's few, never every report
    pickers = [w for w in at.selectbox if w.key in ("doc", "tdoc")]
    assert pickers and all(len(w.options) <= 51 for w in pickers)
    tables = [t.value for t in at.dataframe if "项目名称" in t.value.columns]
    # each tab's table is the first page of its items
    assert [len(t) for t in tables[:2]] == [min(100, q.item_totals(items, url=url)["items"]) for items in ITEMS]
