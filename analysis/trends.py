"""年度趋势: one agency over the years (pure functions over DataFrames and text).

* :func:`quoted_prior_figures` reads the narrative (情况说明) of a document for
  prior-year figures it quotes — "2024年预算收支安排6570.38万元，较2023年预算减少
  406.20万元" says the 2023 budget was 6976.58 — so a year that is not loaded can
  still be shown, marked as quoted.
* :func:`yearly_values` puts the loaded documents' measures and the quoted
  figures on one time line with 同比 change and %.
* :func:`composition` gives the function-class composition per year.

The reading of quoted figures is in ``analysis.trends_quoted``.

Amounts stay ``Decimal`` (万元).
"""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pandas as pd

from analysis.frames import KIND_NAMES, MEASURE_LABELS, dec, diff, doc_title, function_class_amounts, pct
from analysis.trends_quoted import QuotedFigure, joined_paragraphs, quoted_frame, quoted_prior_figures


#: measures on the trend page (wide column of totals_wide), in display order
TREND_MEASURES: list[str] = [
    "expenditure_total",
    "revenue_total",
    "basic",
    "project",
    "personnel",
    "public",
    "fiscal_appropriation",
    "three_public_total",
    "operating_expenses",
]

# --------------------------------------------------------------------------- time line


def one_per_year(documents: pd.DataFrame) -> pd.DataFrame:
    """One document per year (department before unit, then lowest id)."""
    if documents is None or documents.empty:
        return documents
    df = documents.assign(_scope=(documents["scope"] != "department").astype(int))
    df = df.sort_values(["year", "_scope", "document_id"], kind="stable")
    return df.drop_duplicates("year", keep="first").drop(columns="_scope").reset_index(drop=True)


YEARLY_COLUMNS = ["year", "measure", "指标", "amount", "origin", "来源", "对比年度", "change", "change_pct"]


def yearly_values(
    totals: pd.DataFrame,
    quoted: pd.DataFrame | None = None,
    *,
    kind: str,
    measures: Sequence[str] = TREND_MEASURES,
) -> pd.DataFrame:
    """Each measure per year with 同比 change and %.

    ``totals``: ``totals_wide`` rows of ONE agency and ``kind`` (one per year is
    kept: department before unit).  ``quoted``: :func:`quoted_frame` of its
    documents; a quoted figure of the same basis fills a year that no loaded
    document covers (origin ``quoted``, 来源 names the quoting document and page).
    ``change`` / ``change_pct`` compare with the previous year on the line
    (``对比年度``), loaded or quoted.
    """
    rows: list[dict[str, Any]] = []
    docs = one_per_year(totals) if totals is not None and not totals.empty else pd.DataFrame()
    loaded_years = {int(y) for y in docs["year"]} if not docs.empty else set()
    for rec in docs.to_dict("records") if not docs.empty else []:
        for m in measures:
            rows.append(
                {
                    "year": int(rec["year"]),
                    "measure": m,
                    "指标": MEASURE_LABELS.get(m, m),
                    "amount": dec(rec.get(m)),
                    "origin": "table",
                    "来源": f"{doc_title(rec['agency'], rec['year'], rec['kind'])}（{rec.get('file_name') or ''}）",
                }
            )
    if quoted is not None and not quoted.empty:
        q = quoted[(quoted["basis"] == kind) & quoted["measure"].isin(list(measures))]
        # the quote nearest in time first (the next year's document)
        q = q.assign(_gap=q["source_year"] - q["year"]).sort_values(["_gap", "source_year"], kind="stable")
        filled: set[tuple[str, int]] = set()
        for rec in q.to_dict("records"):
            y = int(rec["year"])
            if y in loaded_years or (rec["measure"], y) in filled:
                continue
            filled.add((rec["measure"], y))
            page = rec.get("page")
            where = f"第{int(page)}页" if page is not None and not pd.isna(page) else "情况说明"
            rows.append(
                {
                    "year": y,
                    "measure": rec["measure"],
                    "指标": MEASURE_LABELS.get(rec["measure"], rec["measure"]),
                    "amount": dec(rec["amount"]),
                    "origin": "quoted",
                    "来源": f"引自{rec['source_year']}年{KIND_NAMES.get(rec['source_kind'], rec['source_kind'])}"
                    f"{where}：{_short(rec['text'])}",
                }
            )
    out = pd.DataFrame(rows, columns=YEARLY_COLUMNS[:6])
    if out.empty:
        return pd.DataFrame(columns=YEARLY_COLUMNS)
    order = {m: i for i, m in enumerate(measures)}
    out = out.assign(_m=out["measure"].map(order)).sort_values(["_m", "year"], kind="stable").drop(columns="_m")
    prev_year, changes, pcts = [], [], []
    for _measure, group in out.groupby("measure", sort=False):
        last_year, last_amount = None, None
        for rec in group.to_dict("records"):
            amount = rec["amount"]
            if amount is not None and last_amount is not None:
                prev_year.append(last_year)
                changes.append(amount - last_amount)
                pcts.append(pct(amount - last_amount, last_amount))
            else:
                prev_year.append(last_year if amount is not None and last_year is not None else None)
                changes.append(None)
                pcts.append(None)
            if amount is not None:
                last_year, last_amount = rec["year"], amount
    out = out.reset_index(drop=True)
    out["对比年度"] = pd.array(prev_year, dtype="Int64")
    out["change"] = changes
    out["change_pct"] = pcts
    return out[YEARLY_COLUMNS]


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def wide_years(values: pd.DataFrame) -> pd.DataFrame:
    """Measures (rows) × years (columns ``2023年`` …, Decimal) plus, per year after
    the first, ``2024年同比`` and ``2024年同比%``; a ``说明`` column names the cells
    that are quoted figures."""
    if values is None or values.empty:
        return pd.DataFrame(columns=["指标"])
    years = sorted({int(y) for y in values["year"]})
    records = []
    for label, group in values.groupby("指标", sort=False):
        by_year = {int(r["year"]): r for r in group.to_dict("records")}
        rec: dict[str, Any] = {"指标": label}
        notes = []
        for i, y in enumerate(years):
            r = by_year.get(y)
            rec[f"{y}年"] = r["amount"] if r else None
            if i:
                rec[f"{y}年同比"] = r["change"] if r else None
                rec[f"{y}年同比%"] = r["change_pct"] if r else None
            if r and r["origin"] == "quoted" and r["amount"] is not None:
                notes.append(f"{y}年为引用数")
        rec["说明"] = "；".join(notes)
        records.append(rec)
    cols = ["指标"]
    for i, y in enumerate(years):
        cols.append(f"{y}年")
        if i:
            cols += [f"{y}年同比", f"{y}年同比%"]
    cols.append("说明")
    return pd.DataFrame(records, columns=cols)


def split_wide(wide: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`wide_years` as two narrower tables: the amounts (指标, one column
    per year, 说明) and the changes (指标, ``2024年同比`` and ``2024年同比%`` per
    year after the first).  The changes table is empty when there is one year."""
    if wide is None or wide.empty or "指标" not in wide.columns:
        return wide, pd.DataFrame(columns=["指标"])
    change_cols = [c for c in wide.columns if c.endswith("年同比") or c.endswith("年同比%")]
    amount_cols = [c for c in wide.columns if c not in change_cols]
    changes = wide[["指标"] + change_cols] if change_cols else pd.DataFrame(columns=["指标"])
    return wide[amount_cols].reset_index(drop=True), changes.reset_index(drop=True)


def change_sentence(values: pd.DataFrame, measure: str = "expenditure_total") -> str:
    """A plain sentence on the latest change: ``2025年本年支出合计较2024年增加3,355.64万元（+21.48%）``."""
    if values is None or values.empty:
        return ""
    rows = values[(values["measure"] == measure) & values["change"].notna()]
    if rows.empty:
        return ""
    r = rows.iloc[-1]
    change = r["change"]
    word = "增加" if change > 0 else ("减少" if change < 0 else "持平")
    label = MEASURE_LABELS.get(measure, measure)
    if change == 0:
        return f"{r['year']}年{label}与{r['对比年度']}年持平"
    p = r["change_pct"]
    pct_text = f"（{'+' if change > 0 else '−'}{abs(p):,.2f}%）" if p is not None else ""
    return f"{r['year']}年{label}较{r['对比年度']}年{word}{abs(change):,.2f}万元{pct_text}"


def quote_check(quoted: pd.DataFrame, totals: pd.DataFrame, *, kind: str,
                tolerance: Decimal = Decimal("0.02")) -> pd.DataFrame:
    """Quoted prior-year figures against the loaded document of that year:
    指标, 年度, 引用数, 文件数, 差额, 一致 (|差额| ≤ tolerance: the quote is rounded
    to 0.01 twice), 出处."""
    cols = ["指标", "年度", "引用数", "文件数", "差额", "一致", "出处"]
    if quoted is None or quoted.empty or totals is None or totals.empty:
        return pd.DataFrame(columns=cols)
    docs = {int(r["year"]): r for r in one_per_year(totals).to_dict("records")}
    rows = []
    for rec in quoted[quoted["basis"] == kind].to_dict("records"):
        doc = docs.get(int(rec["year"]))
        if doc is None:
            continue
        loaded = dec(doc.get(rec["measure"]))
        d = diff(rec["amount"], loaded)
        rows.append(
            {
                "指标": MEASURE_LABELS.get(rec["measure"], rec["measure"]),
                "年度": int(rec["year"]),
                "引用数": dec(rec["amount"]),
                "文件数": loaded,
                "差额": d,
                "一致": "文件未列示" if loaded is None else ("是" if abs(d) <= tolerance else "否"),
                "出处": f"{rec['source_year']}年文件：{_short(rec['text'], 80)}",
            }
        )
    return pd.DataFrame(rows, columns=cols)


COMPOSITION_COLUMNS = ["year", "document_id", "class_code", "class_name", "类", "amount", "share", "derived"]


def composition(documents: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """Function-class composition per year: one row per (year, 类) with amount and
    share of that year's total (Decimal %)."""
    if documents is None or documents.empty:
        return pd.DataFrame(columns=COMPOSITION_COLUMNS)
    docs = one_per_year(documents)
    classes = function_class_amounts(lines)
    if classes.empty:
        return pd.DataFrame(columns=COMPOSITION_COLUMNS)
    years = dict(zip(docs["document_id"].astype(int), docs["year"].astype(int)))
    classes = classes[classes["document_id"].astype(int).isin(years)]
    classes = classes.assign(
        year=classes["document_id"].astype(int).map(years),
        类=classes["class_code"] + " " + classes["class_name"],
    )
    return classes.sort_values(["year", "class_code"]).reset_index(drop=True)[COMPOSITION_COLUMNS]


__all__ = [
    "TREND_MEASURES", "QuotedFigure", "quoted_prior_figures", "joined_paragraphs", "quoted_frame", "one_per_year", "yearly_values",
    "wide_years", "split_wide", "change_sentence", "quote_check", "composition",
]
