"""数据质检's counts, sorted and paged in SQL (store/queries/finding_pages.py), against
the same figures worked out in Python from every document's counts — on a store
of 120 documents of 70 agencies built as bench/scale.py builds a province's, on
SQLite and on PostgreSQL."""
from __future__ import annotations

import itertools

import pandas as pd
import pytest

from analysis.finding_frames import document_finding_counts
from store import queries as q
from store.engine import dispose_engines
from tests.pgcluster import database_url, databases
from tests.scale_store import build, page_segments

COLUMN = {"error": "errors", "warning": "warnings", "info": "infos"}


@pytest.fixture(scope="module", params=databases())
def url(request, tmp_path_factory) -> str:
    yield build(database_url(request.param, tmp_path_factory.mktemp("pages"), "finding_pages"), 120, 70, seed=11,
                batch_size=40)
    dispose_engines()


def _reference(url: str, severities: list[str], rule, ids):
    """What the page worked out in Python before: every document's counts."""
    docs = q.document_index(url=url)
    in_scope = docs if not ids else docs[docs["document_id"].isin(ids)]
    scope_counts = q.finding_counts(rule=rule, document_ids=ids, url=url)
    shown = scope_counts.copy()
    for sev, column in COLUMN.items():
        if sev not in severities:
            shown[column] = 0
    per_doc = {int(r["document_id"]): r for r in scope_counts.to_dict("records")}
    ordered = in_scope.sort_values(["agency", "year", "document_id"], kind="stable")["document_id"].astype(int)
    groups = [((sev, d), int(per_doc[d][COLUMN[sev]]) if d in per_doc else 0)
              for sev in ("error", "warning", "info") if sev in severities for d in ordered]
    totals = {sev: int(scope_counts[c].sum()) if not scope_counts.empty else 0 for sev, c in COLUMN.items()}
    return in_scope, document_finding_counts(shown, in_scope), groups, totals


def test_the_store_has_findings_of_every_severity_and_several_rules(url):
    rules = q.finding_rule_counts(url=url)
    assert set(rules["severity"]) == {"error", "warning", "info"}
    assert rules["rule"].nunique() >= 5


def test_counts_totals_and_list_pages_match_the_whole_store_worked_out_in_python(url):
    rules = sorted(set(q.finding_rule_counts(url=url)["rule"]))
    some = [int(i) for i in q.document_index(url=url)["document_id"][::9]]
    for severities, rule, ids in itertools.product(
        [["error", "warning", "info"], ["warning"], ["error", "info"]],
        [None, rules[:3], rules[-1:]],
        [None, some],
    ):
        in_scope, counts, groups, totals = _reference(url, severities, rule, ids)
        page = q.document_finding_page(severities, rule, ids, offset=0, limit=10_000, url=url)
        assert document_finding_counts(page, page).equals(counts), (severities, rule, ids)
        # one page of the counts table is that page of the whole table
        middle = q.document_finding_page(severities, rule, ids, offset=7, limit=5, url=url)
        assert middle["document_id"].tolist() == counts["document_id"].iloc[7:12].tolist()

        got = q.finding_totals(severities, rule, ids, url=url)
        assert got["documents"] == len(in_scope)
        assert {s: got[s] for s in COLUMN} == totals
        assert got["with_findings"] == int((counts["合计"] > 0).sum())
        listed = sum(n for _group, n in groups)
        assert got["listed"] == listed

        for offset, limit in [(0, 50), (37, 50), (max(listed - 7, 0), 50), (120, 1), (listed, 50)]:
            expected = [(sev, doc, skip, take) for (sev, doc), skip, take in page_segments(groups, offset, limit)]
            segments = q.finding_segments(severities, rule, ids, offset=offset, limit=limit, url=url)
            assert segments == expected
            # the page's findings in one query: each slice of each document, in order
            one_by_one = [q.findings_slice(d, s, rule, offset=k, limit=n, url=url) for s, d, k, n in segments]
            page = q.findings_slices(segments, rule, url=url)
            assert len(page) == min(limit, max(listed - offset, 0))
            if one_by_one:
                assert page.astype(str).equals(pd.concat(one_by_one, ignore_index=True).astype(str))


def test_a_page_of_the_list_reads_those_findings_only(url):
    total = q.finding_totals(url=url)
    assert total["listed"] == total["error"] + total["warning"] + total["info"] > 100
    first = q.finding_segments(offset=0, limit=100, url=url)
    assert sum(take for *_rest, take in first) == 100
    assert first[0][0] == "error"  # errors first
    assert q.finding_segments([], url=url) == []
