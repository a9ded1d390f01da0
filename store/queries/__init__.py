"""Every read the dashboard needs, as named functions: ``store.queries.<name>``.

All SQL is built with SQLAlchemy ``select()`` and bound parameters.  Each function
takes keyword-only ``engine=`` or ``url=`` (default: the configured database) and
returns a pandas DataFrame or plain Python values.

Amounts are exact ``decimal.Decimal`` (object columns; ``None`` for a blank
cell) — convert with ``pd.to_numeric(df[col])`` or ``.astype(float)`` only for
charts.  Integer columns that may be missing (page, row, pages) are ``Int64``.
Every row that carries a number also carries its document (``document_id``,
agency, year, kind, scope) and, for line items, its page / table / row.

The queries live in modules by what they serve — documents, originals, amounts,
findings, finding_pages (数据质检), regions (地区对比), performance, overview — and
are all named here: callers (and tests
that replace one) use ``store.queries.<name>``, never the module it lives in.
"""
from __future__ import annotations

from store.queries.amounts import (
    LATEST_COLUMNS, LINE_ITEM_COLUMNS, TOTALS_WIDE_MEASURES, economic_lines, function_lines, latest_documents,
    line_items, totals_wide, wide_column,
)
from store.queries.base import DOCUMENT_COLUMNS
from store.queries.documents import (
    AGENCY_SUMMARY_COLUMNS, INDEX_COLUMNS, LIST_DOCUMENT_COLUMNS, YEAR_SUMMARY_COLUMNS, agency_summary,
    count_documents, document_index, document_tables, documents_for, documents_page, get_document,
    list_agencies, list_documents, year_summary, years_for_agency,
)
from store.queries.finding_pages import (
    FINDING_PAGE_COLUMNS, document_finding_page, finding_segments, finding_totals,
)
from store.queries.findings import (
    FINDING_COLUMNS, FINDING_COUNT_COLUMNS, finding_counts, finding_rule_counts, findings, findings_slice,
    findings_slices,
)
from store.queries.originals import document_originals, get_original, get_original_file, get_originals
from store.queries.overview import counts_overview, get_meta, revision, stored_sha256s
from store.queries.regions import (
    REGION_COUNT_COLUMNS, REGION_DOCUMENT_COLUMNS, REGION_YEAR_COLUMNS, region_counts, region_documents,
    region_year_counts, unplaced_agencies,
)
from store.queries.performance import (
    ITEM_DOCUMENT_COLUMNS, PROJECT_COLUMNS, QUALITY_COUNT_COLUMNS, SCORE_COUNT_COLUMNS, SELF_EVALUATION_COLUMNS,
    documents_with_items, item_segments, item_totals, project_counts, project_quality_counts, projects,
    self_evaluation_counts, self_evaluation_score_counts, self_evaluations,
)

__all__ = [
    "list_agencies", "list_documents", "documents_for", "years_for_agency", "get_document", "get_original",
    "document_originals", "get_original_file", "get_originals",
    "document_tables", "line_items", "totals_wide", "function_lines", "economic_lines", "findings",
    "self_evaluations", "projects", "counts_overview", "wide_column", "TOTALS_WIDE_MEASURES", "get_meta",
    "stored_sha256s", "revision", "document_index", "documents_page", "count_documents", "latest_documents",
    "self_evaluation_counts", "project_counts", "self_evaluation_score_counts", "project_quality_counts",
    "finding_counts", "finding_rule_counts", "findings_slice", "INDEX_COLUMNS", "LATEST_COLUMNS",
    "agency_summary", "year_summary", "documents_with_items", "ITEM_DOCUMENT_COLUMNS", "AGENCY_SUMMARY_COLUMNS",
    "YEAR_SUMMARY_COLUMNS", "DOCUMENT_COLUMNS", "LIST_DOCUMENT_COLUMNS", "LINE_ITEM_COLUMNS", "FINDING_COLUMNS",
    "FINDING_COUNT_COLUMNS", "SELF_EVALUATION_COLUMNS", "PROJECT_COLUMNS", "SCORE_COUNT_COLUMNS",
    "QUALITY_COUNT_COLUMNS", "finding_totals", "document_finding_page", "finding_segments", "FINDING_PAGE_COLUMNS",
    "region_year_counts", "region_counts", "region_documents", "unplaced_agencies", "REGION_YEAR_COLUMNS",
    "REGION_COUNT_COLUMNS", "REGION_DOCUMENT_COLUMNS",
    "item_totals", "item_segments", "findings_slices",
]
