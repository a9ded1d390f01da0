"""Shared DataFrame shaping for the analysis pages (pure: no Streamlit, no SQL), by one name.

Pages write ``from analysis import frames as fr`` and ``fr.<name>``; the frames live in
modules by what they shape:

* ``analysis.frame_values`` — labels (measures, kinds, function classes), ``dec``, ``to_float``,
  ``pct``, ``doc_label``, ``provenance``, function-class amounts per document;
* ``analysis.performance_frames`` — self-evaluation and target tables, indicator rows, grades, totals;
* ``analysis.finding_frames`` — rule names, findings filtering, counts per document and rule (数据质检).
"""
from __future__ import annotations

from analysis.frame_values import (
    FUNCTION_CLASS_NAMES, GRADES, HUNDRED, KIND_NAMES, MEASURE_LABELS, SCOPE_NAMES, SEVERITY_ORDER,
    code_level, dec, diff, doc_label, doc_title, floats, function_class_amounts, group_segments, pct, provenance,
    stacked_parts, to_float,
)
from analysis.performance_frames import (
    FINDINGS_TABLE_COLUMNS, INDICATOR_TABLE_COLUMNS, QUALITY_ISSUES,
    SELF_EVALUATION_TABLE_COLUMNS, TARGET_INDICATOR_COLUMNS, TARGET_QUALITY_COLUMNS, drop_empty_columns,
    grade_counts, grade_of, indicator_table, item_findings_table, quality_issues, quality_summary_rows,
    self_evaluation_table, self_evaluation_totals, target_indicator_table, target_quality_summary,
    target_quality_table, target_quality_totals,
)
from analysis.finding_frames import (
    FINDINGS_VIEW_COLUMNS, RULE_NAMES, document_finding_counts, findings_by_rule, findings_counts, findings_view,
    rule_counts_table, rule_family, rule_label, rule_name,
)
from glossary import SEVERITY_LABELS

__all__ = [
    "MEASURE_LABELS", "KIND_NAMES", "SCOPE_NAMES", "SEVERITY_LABELS", "SEVERITY_ORDER",
    "FUNCTION_CLASS_NAMES", "GRADES", "dec", "to_float", "floats", "pct", "diff", "doc_label", "doc_title",
    "provenance", "code_level", "function_class_amounts", "grade_of", "self_evaluation_table",
    "indicator_table", "item_findings_table", "grade_counts", "target_quality_table",
    "target_quality_summary", "QUALITY_ISSUES", "quality_issues", "quality_summary_rows",
    "self_evaluation_totals", "target_quality_totals", "drop_empty_columns", "rule_family", "RULE_NAMES",
    "rule_name", "rule_label", "target_indicator_table", "findings_view", "findings_counts",
    "findings_by_rule", "document_finding_counts", "rule_counts_table",
    "HUNDRED", "FINDINGS_TABLE_COLUMNS", "INDICATOR_TABLE_COLUMNS", "SELF_EVALUATION_TABLE_COLUMNS",
    "TARGET_INDICATOR_COLUMNS", "TARGET_QUALITY_COLUMNS", "FINDINGS_VIEW_COLUMNS", "group_segments", "stacked_parts",
]
