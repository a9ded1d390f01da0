"""部门对比: several agencies side by side (pure functions over DataFrames).

The page asks for a year and 2–12 agencies.  :func:`choose_documents` picks one
document per agency — the chosen year's when the agency has one, otherwise its
latest, labelled plainly with its own year — and :func:`measure_table`,
:func:`structure_table`, :func:`side_by_side` and :func:`function_shares` shape
the numbers.  Amounts stay ``Decimal``.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from analysis.frames import (
    KIND_NAMES,
    MEASURE_LABELS,
    dec,
    diff,
    doc_title,
    function_class_amounts,
    pct,
)

#: kinds that carry financial tables (a performance-targets file has none)
FINANCIAL_KINDS: tuple[str, ...] = ("budget", "final_accounts")
#: "any kind" choice of the page
ANY_KIND = "any"
MIN_AGENCIES = 2
MAX_AGENCIES = 12

#: amount measures compared (wide column of totals_wide -> label), in display order
AMOUNT_MEASURES: list[tuple[str, str]] = [
    (m, MEASURE_LABELS[m]) for m in (
        "expenditure_total", "revenue_total", "basic", "project", "personnel", "public", "fiscal_appropriation",
        "three_public_total", "three_public_outbound", "three_public_vehicle_total", "three_public_vehicle_purchase",
        "three_public_vehicle_operation", "three_public_reception", "operating_expenses",
    )
]

#: structure / performance measures (key -> label, unit)
STRUCTURE_MEASURES: list[tuple[str, str, str]] = [
    ("basic_share", "基本支出占本年支出", "%"),
    ("project_share", "项目支出占本年支出", "%"),
    ("personnel_share", "人员经费占基本支出", "%"),
    ("public_share", "公用经费占基本支出", "%"),
    ("three_public_share", "“三公”经费占本年支出", "%"),
    ("project_count", "项目个数", "个"),
    ("self_evaluation_count", "绩效自评项目个数", "个"),
    ("mean_reported_score", "平均自评得分", "分"),
    ("mean_computed_score", "平均复核得分", "分"),
]


@dataclass
class Selection:
    """Documents chosen for the comparison.

    ``documents``: one row per agency (order of the request) with the columns of
    ``list_documents`` plus ``label`` (column header, names the agency and the
    document's year and kind) and ``note`` (why this document was taken, '' when
    it is the requested year's).  ``year`` is the year compared (None when each
    agency's latest document is used); ``shared_years`` the years every agency has.
    """

    documents: pd.DataFrame
    year: int | None
    shared_years: list[int]
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def mixed_years(self) -> bool:
        return self.documents["year"].nunique() > 1 if not self.documents.empty else False

    @property
    def mixed_kinds(self) -> bool:
        return self.documents["kind"].nunique() > 1 if not self.documents.empty else False


def _kinds(kind: str | None) -> tuple[str, ...]:
    if kind in (None, "", ANY_KIND):
        return FINANCIAL_KINDS
    return (kind,)


def available_years(documents: pd.DataFrame, kind: str | None = None) -> list[int]:
    """Years (descending) with at least one document of the kind."""
    if documents is None or documents.empty:
        return []
    df = documents[documents["kind"].isin(_kinds(kind))]
    return sorted({int(y) for y in df["year"]}, reverse=True)


def agencies_with(documents: pd.DataFrame, kind: str | None = None, year: int | None = None) -> list[str]:
    """Agencies (sorted) with a document of the kind (and year, if given)."""
    if documents is None or documents.empty:
        return []
    df = documents[documents["kind"].isin(_kinds(kind))]
    if year is not None:
        df = df[df["year"] == int(year)]
    return sorted(set(df["agency"]))


def shared_years(documents: pd.DataFrame, agencies: Sequence[str], kind: str | None = None) -> list[int]:
    """Years (descending) in which every one of ``agencies`` has a document of the kind."""
    if documents is None or documents.empty or not agencies:
        return []
    df = documents[documents["kind"].isin(_kinds(kind))]
    wanted = set(agencies)
    df = df[df["agency"].isin(wanted)]
    own_years = {a: {int(y) for y in g} for a, g in df.groupby("agency", sort=False)["year"]}
    years: set[int] | None = None
    for agency in agencies:
        own = own_years.get(agency, set())
        years = own if years is None else years & own
    return sorted(years or set(), reverse=True)


def _preference(kind_order: Sequence[str]):
    rank = {k: i for i, k in enumerate(kind_order)}

    def key(rec: Mapping[str, Any]) -> tuple:
        # latest year first; then the preferred kind; department before unit; lowest id
        return (-int(rec["year"]), rank.get(rec["kind"], 99), 0 if rec["scope"] == "department" else 1,
                int(rec["document_id"]))

    return key


def choose_documents(
    documents: pd.DataFrame,
    agencies: Sequence[str],
    year: int | None = None,
    kind: str | None = None,
    *,
    kind_order: Sequence[str] = FINANCIAL_KINDS,
) -> Selection:
    """One document per agency for the comparison.

    * ``kind``: ``budget`` / ``final_accounts`` or None / ``"any"`` (either; when an
      agency has both in one year, ``kind_order`` decides — budget first).
    * ``year`` None: the latest year all agencies share, or — when they share
      none — each agency's latest document.
    * ``year`` given: each agency's document of that year; an agency without one
      gets its latest document and a note saying so.
    Agencies with no document of the kind at all are listed in ``missing``.
    """
    cols = list(documents.columns) if documents is not None else []
    if documents is None or documents.empty or not agencies:
        return Selection(pd.DataFrame(columns=cols + ["label", "note"]), year, [], list(agencies or []))
    df = documents[documents["kind"].isin(_kinds(kind))]
    df = df[df["agency"].isin(set(agencies))]
    shared = shared_years(df, agencies, kind)
    target = int(year) if year is not None else (shared[0] if shared else None)
    key = _preference(kind_order)
    chosen, missing, notes = [], [], []
    by_agency: dict[str, list[dict]] = {}
    for rec in df.to_dict("records"):
        by_agency.setdefault(rec["agency"], []).append(rec)
    for agency in agencies:
        own = sorted(by_agency.get(agency, []), key=key)
        if not own:
            missing.append(agency)
            continue
        rec = None
        note = ""
        if target is not None:
            same_year = [r for r in own if int(r["year"]) == target]
            if same_year:
                rec = same_year[0]
            else:
                rec = own[0]
                note = f"无{target}年数据，取其最新的{doc_title(agency, rec['year'], rec['kind'])}"
        else:
            rec = own[0]
            note = f"各部门无共同年度，取其最新的{doc_title(agency, rec['year'], rec['kind'])}"
        rec = dict(rec)
        rec["note"] = note
        if note:
            notes.append(f"{agency}：{note}")
        chosen.append(rec)
    out = pd.DataFrame(chosen, columns=cols + ["note"])
    out["label"] = [_column_label(r) for r in chosen]
    return Selection(out.reset_index(drop=True), target, shared, missing, notes)


def _column_label(rec: Mapping[str, Any]) -> str:
    return f"{rec['agency']}（{rec['year']}年{KIND_NAMES.get(rec['kind'], rec['kind'])}）"


# --------------------------------------------------------------------------- measures


def performance_counts(
    chosen: pd.DataFrame, projects: pd.DataFrame | None, self_evaluations: pd.DataFrame | None
) -> pd.DataFrame:
    """Per chosen document: project_count (projects with performance targets of the
    same agency and year — in the document itself or in a separate 绩效目标 file),
    self_evaluation_count and mean reported / computed self-evaluation score (the
    same agency and year)."""
    cols = ["document_id", "project_count", "self_evaluation_count", "mean_reported_score", "mean_computed_score"]
    rows = []
    for rec in chosen.to_dict("records"):
        agency_id, year = rec["agency_id"], int(rec["year"])
        count = None
        if projects is not None and not projects.empty:
            own = projects[(projects["agency_id"] == agency_id) & (projects["year"] == year)]
            if not own.empty:
                # one file per document: prefer the chosen document's own projects
                in_doc = own[own["document_id"] == rec["document_id"]]
                count = len(in_doc) if not in_doc.empty else int(own.groupby("document_id").size().max())
        se_count = mean_rep = mean_comp = None
        if self_evaluations is not None and not self_evaluations.empty:
            own = self_evaluations[(self_evaluations["agency_id"] == agency_id) & (self_evaluations["year"] == year)]
            if not own.empty:
                se_count = len(own)
                mean_rep = _mean(own["reported_score"])
                mean_comp = _mean(own["computed_score"])
        rows.append(
            {"document_id": rec["document_id"], "project_count": count, "self_evaluation_count": se_count,
             "mean_reported_score": mean_rep, "mean_computed_score": mean_comp}
        )
    return pd.DataFrame(rows, columns=cols)


def _mean(values: Iterable[Any], places: int = 2) -> Decimal | None:
    nums = [d for d in (dec(v) for v in values) if d is not None]
    if not nums:
        return None
    return (sum(nums, Decimal(0)) / len(nums)).quantize(Decimal(1).scaleb(-places))


def measure_table(
    chosen: pd.DataFrame, totals: pd.DataFrame, counts: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per chosen document: label, agency, year, kind, document_id, every
    amount measure (Decimal, 万元) and the structure measures (shares in %,
    counts, mean scores).  ``totals`` is ``store.queries.totals_wide``."""
    amount_keys = [k for k, _ in AMOUNT_MEASURES]
    struct_keys = [k for k, _, _ in STRUCTURE_MEASURES]
    cols = ["label", "agency", "year", "kind", "document_id", "file_name", "note"] + amount_keys + struct_keys
    by_id = {int(r["document_id"]): r for r in (totals.to_dict("records") if totals is not None else [])}
    by_count = {int(r["document_id"]): r for r in (counts.to_dict("records") if counts is not None else [])}
    rows = []
    for rec in chosen.to_dict("records"):
        t = by_id.get(int(rec["document_id"]), {})
        row = {c: rec.get(c) for c in ("label", "agency", "year", "kind", "document_id", "file_name", "note")}
        for k in amount_keys:
            row[k] = dec(t.get(k))
        row["basic_share"] = pct(row["basic"], row["expenditure_total"])
        row["project_share"] = pct(row["project"], row["expenditure_total"])
        row["personnel_share"] = pct(row["personnel"], row["basic"])
        row["public_share"] = pct(row["public"], row["basic"])
        row["three_public_share"] = pct(row["three_public_total"], row["expenditure_total"], places=4)
        c = by_count.get(int(rec["document_id"]), {})
        for k in ("project_count", "self_evaluation_count"):
            v = c.get(k)
            row[k] = None if v is None or pd.isna(v) else int(v)
        row["mean_reported_score"] = dec(c.get("mean_reported_score"))
        row["mean_computed_score"] = dec(c.get("mean_computed_score"))
        rows.append(row)
    out = pd.DataFrame(rows, columns=cols, dtype=object)
    for k in ("project_count", "self_evaluation_count"):
        out[k] = pd.array([row[k] for row in rows], dtype="Int64")
    return out


def _matrix(table: pd.DataFrame, measures: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """Measures as rows (index = label), documents as columns (their labels)."""
    data = {rec["label"]: [rec.get(k) for k, _ in measures] for rec in table.to_dict("records")}
    return pd.DataFrame(data, index=[label for _, label in measures], dtype=object)


def amount_matrix(table: pd.DataFrame) -> pd.DataFrame:
    return _matrix(table, AMOUNT_MEASURES)


def structure_matrix(table: pd.DataFrame) -> pd.DataFrame:
    return _matrix(table, [(k, f"{label}（{unit}）") for k, label, unit in STRUCTURE_MEASURES])


def rank_of(values: Sequence[Decimal | None]) -> list[int | None]:
    """Dense-free competition ranks (1 = largest); blanks get None."""
    present = sorted((v for v in values if v is not None), reverse=True)
    return [None if v is None else present.index(v) + 1 for v in values]


DIFF_SUFFIX = "｜较基准"
RANK_SUFFIX = "｜排名"


def side_by_side(matrix: pd.DataFrame, baseline: str | None = None) -> pd.DataFrame:
    """The comparison table: one row per measure; for each document its value, its
    difference from the baseline document (``baseline`` label; default the first)
    and its rank (1 = largest); then 最高 / 最低 / 极差（最高−最低）.

    Values stay Decimal; a blank value has no difference and no rank."""
    labels = list(matrix.columns)
    if baseline is None and labels:
        baseline = labels[0]
    records = []
    for measure, row in matrix.iterrows():
        values = [dec(row[c]) for c in labels]
        ranks = rank_of(values)
        base = dec(row[baseline]) if baseline in labels else None
        rec: dict[str, Any] = {"指标": measure}
        for label, value, rank in zip(labels, values, ranks):
            rec[label] = value
            if label != baseline:
                rec[label + DIFF_SUFFIX] = diff(value, base)
            rec[label + RANK_SUFFIX] = rank
        present = [v for v in values if v is not None]
        rec["最高"] = max(present) if present else None
        rec["最低"] = min(present) if present else None
        rec["极差"] = (max(present) - min(present)) if len(present) > 1 else None
        records.append(rec)
    columns = ["指标"]
    for label in labels:
        columns.append(label)
        if label != baseline:
            columns.append(label + DIFF_SUFFIX)
        columns.append(label + RANK_SUFFIX)
    columns += ["最高", "最低", "极差"]
    out = pd.DataFrame(records, columns=columns)
    for label in labels:
        out[label + RANK_SUFFIX] = pd.array(out[label + RANK_SUFFIX].tolist(), dtype="Int64")
    return out


def value_columns(table: pd.DataFrame) -> list[str]:
    """Columns of :func:`side_by_side` that hold amounts (values, differences, 最高/最低/极差)."""
    return [c for c in table.columns if c != "指标" and not c.endswith(RANK_SUFFIX)]


def function_shares(chosen: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """Function-class structure per chosen document: label, class_code,
    class_name, amount (Decimal), share (Decimal %), derived."""
    classes = function_class_amounts(lines)
    cols = ["label", "document_id", "class_code", "class_name", "amount", "share", "derived"]
    if classes.empty or chosen.empty:
        return pd.DataFrame(columns=cols)
    labels = dict(zip(chosen["document_id"].astype(int), chosen["label"]))
    classes = classes[classes["document_id"].astype(int).isin(labels)]
    classes = classes.assign(label=classes["document_id"].astype(int).map(labels))
    order = {d: i for i, d in enumerate(labels)}
    classes = classes.sort_values(
        by=["document_id", "class_code"], key=lambda s: s.map(order) if s.name == "document_id" else s
    )
    return classes[cols].reset_index(drop=True)


def share_matrix(shares: pd.DataFrame, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Class (rows: ``208 社会保障和就业支出``) × document label (columns) of shares (%).

    ``names`` maps a document label to a shorter column header (the agency
    alone, see :func:`short_names`)."""
    if shares.empty:
        return pd.DataFrame()
    shares = shares.assign(类=shares["class_code"] + " " + shares["class_name"])
    labels = list(dict.fromkeys(shares["label"]))
    out = shares.pivot_table(index="类", columns="label", values="share", aggfunc="first")
    out = out.reindex(columns=labels).astype(object)
    out = out.where(pd.notna(out), None)
    out.columns.name = None
    if names:
        out = out.rename(columns={k: v for k, v in names.items() if k in out.columns})
    return out.reset_index()


def short_names(table: pd.DataFrame) -> dict[str, str]:
    """Document label -> the agency's name, when that names each document once
    (one document per agency, as :func:`choose_documents` gives); else the label."""
    agencies = list(table["agency"])
    if len(set(agencies)) != len(agencies):
        return {lb: lb for lb in table["label"]}
    return dict(zip(table["label"], agencies))


# --------------------------------------------------------------------------- the page's defaults and tables


def default_selection(documents: pd.DataFrame, kind: str | None = None) -> tuple[int | None, list[str]]:
    """What the page compares before anyone chooses: the year in which the most
    agencies have a document of the kind (the later year on a tie) and those
    agencies (at most :data:`MAX_AGENCIES`) — one year, so no agency is
    silently compared on another year's figures.  (None, every agency) when no
    year has two."""
    if documents is None or documents.empty:
        return None, []
    df = documents[documents["kind"].isin(_kinds(kind))]
    per_year = df.groupby("year")["agency"].nunique()
    per_year = per_year[per_year >= MIN_AGENCIES]
    if per_year.empty:
        return None, agencies_with(df, kind)[:MAX_AGENCIES]
    year = int(max(per_year.index, key=lambda y: (int(per_year[y]), int(y))))
    return year, agencies_with(df, kind, year)[:MAX_AGENCIES]


def kinds_of(kind: str | None) -> list[str]:
    """The document kinds a choice of ``kind`` compares (either financial kind for None / ``"any"``)."""
    return list(_kinds(kind))


def default_year(year_counts: pd.DataFrame) -> int | None:
    """:func:`default_selection`'s year from counts per year (``year``, ``agencies``:
    how many agencies have a document of the kind that year, e.g.
    ``store.queries.year_summary``): the year with the most agencies, the later
    on a tie; None when no year has :data:`MIN_AGENCIES`."""
    if year_counts is None or year_counts.empty:
        return None
    rows = [(int(n), int(y)) for y, n in zip(year_counts["year"], year_counts["agencies"]) if int(n) >= MIN_AGENCIES]
    return max(rows)[1] if rows else None


__all__ = [
    "kinds_of", "default_year",
    "FINANCIAL_KINDS", "ANY_KIND", "MIN_AGENCIES", "MAX_AGENCIES", "AMOUNT_MEASURES", "STRUCTURE_MEASURES",
    "Selection", "available_years", "agencies_with", "shared_years", "choose_documents", "performance_counts",
    "measure_table", "amount_matrix", "structure_matrix", "side_by_side", "value_columns", "function_shares",
    "share_matrix", "DIFF_SUFFIX", "RANK_SUFFIX", "short_names", "default_selection",
]
