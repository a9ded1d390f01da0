"""部门对比's per-agency tables: one row per agency's document, the measures as
columns, shown as the figures, as differences from a baseline agency, or as
ranks (pure functions over the frame ``analysis.compare.measure_table`` makes).
"""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pandas as pd

from analysis.compare import rank_of
from analysis.frames import dec, diff
from glossary import KIND_SHORT


#: the page's per-agency tables (one row per document): measure -> short header
SCALE_COLUMNS: list[tuple[str, str]] = [
    ("expenditure_total", "本年支出合计"),
    ("revenue_total", "本年收入合计"),
    ("fiscal_appropriation", "财政拨款"),
    ("basic", "基本支出"),
    ("project", "项目支出"),
    ("personnel", "人员经费"),
    ("public", "公用经费"),
]
THREE_PUBLIC_COLUMNS: list[tuple[str, str]] = [
    ("three_public_total", "“三公”经费"),
    ("three_public_outbound", "出国（境）"),
    ("three_public_vehicle_total", "公务用车"),
    ("three_public_vehicle_purchase", "其中：购置"),
    ("three_public_vehicle_operation", "其中：运行维护"),
    ("three_public_reception", "公务接待"),
    ("operating_expenses", "机关运行经费"),
]
SHARE_COLUMNS: list[tuple[str, str]] = [
    ("basic_share", "基本支出占比%"),
    ("project_share", "项目支出占比%"),
    ("personnel_share", "人员经费占比%"),
    ("public_share", "公用经费占比%"),
    ("three_public_share", "“三公”占比%"),
]
PERFORMANCE_COLUMNS: list[tuple[str, str]] = [
    ("project_count", "项目个数"),
    ("self_evaluation_count", "自评项目个数"),
    ("mean_reported_score", "平均自评得分"),
    ("mean_computed_score", "平均复核得分"),
]
STRUCTURE_COLUMNS: list[tuple[str, str]] = SHARE_COLUMNS + PERFORMANCE_COLUMNS
#: what a header means, for its tooltip
COLUMN_HELP: dict[str, str] = {
    "基本支出占比%": "基本支出 ÷ 本年支出合计 × 100",
    "项目支出占比%": "项目支出 ÷ 本年支出合计 × 100",
    "人员经费占比%": "人员经费 ÷ 基本支出 × 100",
    "公用经费占比%": "公用经费 ÷ 基本支出 × 100",
    "“三公”占比%": "“三公”经费 ÷ 本年支出合计 × 100",
    "项目个数": "同一部门同一年度绩效目标表中的项目个数",
    "自评项目个数": "同一部门同一年度的项目绩效自评表个数",
    "平均复核得分": "按《项目支出绩效评价管理办法》规则重新计算的得分的平均数",
    "出国（境）": "因公出国（境）费",
    "公务用车": "公务用车购置及运行维护费",
    "其中：购置": "公务用车购置费",
    "其中：运行维护": "公务用车运行维护费",
    "公务接待": "公务接待费",
    "财政拨款": "财政拨款收入（一般公共预算、政府性基金预算、国有资本经营预算拨款）",
}
#: how the per-agency tables can be shown
VIEWS: dict[str, str] = {"value": "数值", "diff": "与基准部门之差", "rank": "排名（1 为最大）"}
DOCUMENT_COLUMN = "文件"
BASELINE_MARK = "（基准）"


def agency_rows(
    table: pd.DataFrame,
    measures: Sequence[tuple[str, str]],
    *,
    view: str = "value",
    baseline: str | None = None,
) -> pd.DataFrame:
    """One row per compared document — 部门, 文件 (``2024年预算``) — and a
    column per measure (short header).

    ``view``: ``value`` (the figures; Decimal, counts as Int64), ``diff`` (each
    figure minus the ``baseline`` document's — a document label; default the
    first — whose 文件 is marked ``（基准）``) or ``rank`` (1 = largest; ties
    share a rank; blank stays blank)."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}")
    records = table.to_dict("records")
    labels = [r["label"] for r in records]
    if baseline not in labels:
        baseline = labels[0] if labels else None
    base = next((r for r in records if r["label"] == baseline), {})
    out = pd.DataFrame(
        {
            "部门": [r["agency"] for r in records],
            DOCUMENT_COLUMN: [
                f"{r['year']}年{KIND_SHORT.get(r['kind'], r['kind'])}"
                + (BASELINE_MARK if view == "diff" and r["label"] == baseline else "")
                for r in records
            ],
        }
    )
    for key, header in measures:
        values = [r.get(key) for r in records]
        values = [None if v is None or (not isinstance(v, Decimal) and pd.isna(v)) else v for v in values]
        if view == "rank":
            out[header] = pd.array(rank_of([dec(v) for v in values]), dtype="Int64")
        elif view == "diff":
            out[header] = pd.Series([diff(v, base.get(key)) for v in values], dtype=object)
        elif key in ("project_count", "self_evaluation_count"):
            out[header] = pd.array(values, dtype="Int64")
        else:
            out[header] = pd.Series([dec(v) for v in values], dtype=object)
    return out
