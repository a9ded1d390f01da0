"""Values the store keeps beside what it was given, so that totals over a
province's documents are sums of columns instead of reads of every item.

* a document's finding counts by severity (``documents.errors`` / ``warnings`` / ``infos``);
* a project's target-quality score and issues (``projects.quality_score`` /
  ``quality_issues``), from its ``quality`` (analysis/target_quality.py);
* a self-evaluation's number of findings (``self_evaluations.finding_count``);
* a document's headline values (``documents.expenditure_total`` / ``basic_total`` /
  ``project_total`` / ``three_public_total`` and the page of the first), from its line items;
* an agency's region at each level its name gives (``agencies.region_county`` /
  ``region_city`` / ``region_province``), for 地区对比.

Every write path (store/ingest.py, store/bulk.py) takes them from here, and
migrations 0004 and 0005 fill them in for the rows stored before them.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from analysis.frames import dec, quality_issues
from analysis.peers import profile
from analysis.regions import region_of
from model import Project, SelfEvaluation

#: documents column per finding severity
SEVERITY_COLUMNS = {"error": "errors", "warning": "warnings", "info": "infos"}


#: agencies column per region level (analysis.regions.REGION_LEVELS)
REGION_COLUMNS = {"区县": "region_county", "市": "region_city", "省": "region_province"}


def agency_regions(name: str) -> dict[str, str | None]:
    """``{"region_county": …, "region_city": …, "region_province": …}``: the regions an agency's name gives."""
    found = profile(name)
    return {column: region_of(found, level) for level, column in REGION_COLUMNS.items()}


#: documents column -> the (section, measure) of the line items it holds, and the value taken
HEADLINE_COLUMNS: dict[str, tuple[str, str, str]] = {
    "expenditure_total": ("totals", "expenditure_total", "amount"),
    "basic_total": ("totals", "basic", "amount"),
    "project_total": ("totals", "project", "amount"),
    "three_public_total": ("three_public", "total", "amount"),
    "expenditure_page": ("totals", "expenditure_total", "page"),
}


def headline_columns(line_items: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """A document's headline values from its line item rows (store.rows.build_line_items):
    for each column the largest value of its (section, measure) — there is one — or None."""
    items = list(line_items)
    out: dict[str, Any] = {}
    for column, (section, measure, field) in HEADLINE_COLUMNS.items():
        values = [i.get(field) for i in items
                  if i.get("section") == section and i.get("measure") == measure and i.get(field) is not None]
        out[column] = max(values) if values else None
    return out


def severity_counts(severities: Iterable[str]) -> dict[str, int]:
    """``{"errors": n, "warnings": n, "infos": n}`` for the severities of a document's findings."""
    out = dict.fromkeys(SEVERITY_COLUMNS.values(), 0)
    for severity in severities:
        column = SEVERITY_COLUMNS.get(severity)
        if column:
            out[column] += 1
    return out


def issues_text(keys: list[str] | None) -> str | None:
    """``["copied", "no_cost"]`` -> ``",copied,no_cost,"`` (a LIKE '%,key,%' finds one); None stays None."""
    return None if keys is None else "," + ",".join(keys) + ("," if keys else "")


def project_columns(item: Project | Mapping[str, Any]) -> dict[str, Any]:
    """``quality_score`` and ``quality_issues`` of one project (a ``Project``, or
    the ``data`` dict stored for it: migration 0004 reads those)."""
    if isinstance(item, Project):
        quality = item.quality.to_dict() if item.quality else {}
    else:
        quality = item.get("quality") if isinstance(item.get("quality"), Mapping) else {}
    score: Decimal | None = dec(quality.get("score")) if quality else None
    return {"quality_score": score, "quality_issues": issues_text(quality_issues({"quality": quality}))}


def self_evaluation_columns(item: SelfEvaluation | Mapping[str, Any]) -> dict[str, Any]:
    """``finding_count`` of one self-evaluation (a ``SelfEvaluation``, or its stored ``data`` dict)."""
    findings = item.findings if isinstance(item, SelfEvaluation) else item.get("findings")
    return {"finding_count": len(findings) if isinstance(findings, list) else 0}


__all__ = ["SEVERITY_COLUMNS", "severity_counts", "issues_text", "project_columns", "self_evaluation_columns"]
