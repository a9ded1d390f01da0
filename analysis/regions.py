"""Regions side by side: the agencies of one county (city, province) summed (pure).

A region is a place an agency's name gives (:mod:`analysis.peers`): at the level
区县 it is the county with its city (``秦皇岛市北戴河区``, ``上海市普陀区``), at 市 the
city, at 省 the province.  An agency whose name does not give the place at that
level (``香河县医疗保障局`` at 市) is left out of that level's view and counted as
such.  For one year and kind, :func:`choose_documents` takes one document per
agency (department scope first), :func:`region_totals` sums them by region —
expenditure, basic / project, personnel / public, 三公 and its parts, operating
expenses — and says for every region how many agencies the sum covers and how
many of them print each measure, so that unequal coverage shows;
:func:`region_function_sums` sums the function classes (类).
"""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pandas as pd

from analysis.frames import FUNCTION_CLASS_NAMES, KIND_NAMES, dec, function_class_amounts
from analysis.peers import AgencyProfile, profile

#: region levels offered (name -> what it sums)
REGION_LEVELS: dict[str, str] = {"区县": "县（区）", "市": "市（州）", "省": "省（区、市）"}
KIND_ORDER: tuple[str, ...] = ("budget", "final_accounts")

#: measures summed (wide column of totals_wide -> Chinese header), in display order
SUM_MEASURES: list[tuple[str, str]] = [
    ("expenditure_total", "本年支出合计"),
    ("basic", "基本支出"),
    ("project", "项目支出"),
    ("personnel", "人员经费"),
    ("public", "公用经费"),
    ("three_public_total", "“三公”经费"),
    ("three_public_outbound", "因公出国（境）费"),
    ("three_public_vehicle_total", "公务用车购置及运行维护费"),
    ("three_public_reception", "公务接待费"),
    ("operating_expenses", "机关运行经费"),
]
COUNT_COLUMN = "部门数"
MEMBERS_COLUMN = "包含部门"
COVERAGE_COLUMN = "列示情况"


def region_of(p: AgencyProfile, level: str) -> str | None:
    """The region of an agency at ``level`` (区县 / 市 / 省), or None when its name does not say."""
    if level == "区县":
        if not p.county:
            return None
        return f"{p.city or ''}{p.county}"
    if level == "市":
        return p.city
    if level == "省":
        return p.province
    raise ValueError(f"unknown region level {level!r}")


def members(agencies: Sequence[str], level: str) -> dict[str, list[str]]:
    """Region -> its agencies (sorted regions; agencies in the order given)."""
    out: dict[str, list[str]] = {}
    for name in dict.fromkeys(agencies):
        region = region_of(profile(name), level)
        if region:
            out.setdefault(region, []).append(name)
    return dict(sorted(out.items()))


def unplaced(agencies: Sequence[str], level: str) -> list[str]:
    """Agencies whose name gives no region at ``level``."""
    return [a for a in dict.fromkeys(agencies) if region_of(profile(a), level) is None]


def year_counts(documents: pd.DataFrame, kind: str | None = None) -> pd.DataFrame:
    """For every level and year of ``documents`` (of ``kind``): how many regions and
    how many agencies placed in one — ``level, kind, year, regions, agencies``, as
    ``store.queries.region_year_counts`` counts them in the store."""
    cols = ["level", "kind", "year", "regions", "agencies"]
    if documents is None or documents.empty:
        return pd.DataFrame(columns=cols)
    df = documents if kind is None else documents[documents["kind"] == kind]
    rows = []
    for level in REGION_LEVELS:
        for (k, year), part in df.groupby(["kind", "year"]):
            placed = members(list(part["agency"]), level)
            rows.append((level, k, int(year), len(placed), sum(len(v) for v in placed.values())))
    return pd.DataFrame(rows, columns=cols)


def _ranked(counts: pd.DataFrame, level: str, kind: str | None) -> list[tuple[int, int, int]]:
    """(regions, agencies, year) at ``level`` for ``kind``, the best first: most
    regions, then most agencies summed, then the latest."""
    if counts is None or counts.empty:
        return []
    df = counts[counts["level"] == level]
    if kind is not None:
        df = df[df["kind"] == kind]
    found = [(int(n), int(a), int(y)) for n, a, y in zip(df["regions"], df["agencies"], df["year"])]
    return sorted(found, key=lambda t: (-t[0], -t[1], -t[2]))


def ranked_years(counts: pd.DataFrame, level: str, kind: str | None = None) -> list[int]:
    """Years with at least one region at ``level``, the best first (:func:`year_counts`' rows)."""
    return [y for n, _a, y in _ranked(counts, level, kind) if n > 0]


def best_level(counts: pd.DataFrame, kind: str | None = None) -> str:
    """The level whose best year sets the most regions side by side (区县 on a tie)."""
    best = {level: max(((n, a) for n, a, _y in _ranked(counts, level, kind)), default=(0, 0))
            for level in REGION_LEVELS}
    return max(REGION_LEVELS, key=lambda lv: (best[lv], lv == "区县"))


def years_with_regions(documents: pd.DataFrame, level: str, kind: str | None = None) -> list[int]:
    """:func:`ranked_years` of ``documents``."""
    return ranked_years(year_counts(documents, kind), level, kind)


def default_level(documents: pd.DataFrame, kind: str | None = None) -> str:
    """:func:`best_level` of ``documents``."""
    return best_level(year_counts(documents, kind), kind)


def choose_documents(documents: pd.DataFrame, level: str, year: int, kind: str,
                     regions: Sequence[str] | None = None) -> pd.DataFrame:
    """One document per agency of ``year`` and ``kind`` (department scope first),
    with its ``region``; only agencies placed at ``level`` (and in ``regions``, if given)."""
    cols = list(documents.columns) + ["region"] if documents is not None else ["region"]
    if documents is None or documents.empty:
        return pd.DataFrame(columns=cols)
    df = documents[(documents["year"] == int(year)) & (documents["kind"] == kind)]
    df = df.assign(_unit=(df["scope"] != "department").astype(int)).sort_values(["agency", "_unit", "document_id"])
    df = df.drop_duplicates("agency", keep="first").drop(columns="_unit")
    df = df.assign(region=[region_of(profile(a), level) for a in df["agency"]])
    df = df[df["region"].notna()]
    if regions:
        df = df[df["region"].isin(list(regions))]
    return df.sort_values(["region", "agency"]).reset_index(drop=True)[cols]


def region_totals(chosen: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """One row per region: 地区, 部门数, each summed measure (Decimal; None when no
    agency of the region prints it), 列示情况 (which measures fewer than all of its
    agencies print: ``“三公”经费 2/3``) and 包含部门."""
    headers = [h for _, h in SUM_MEASURES]
    cols = ["地区", COUNT_COLUMN] + headers + [COVERAGE_COLUMN, MEMBERS_COLUMN]
    if chosen is None or chosen.empty:
        return pd.DataFrame(columns=cols)
    by_doc = {int(r["document_id"]): r for r in (totals.to_dict("records") if totals is not None else [])}
    rows = []
    for region, part in chosen.groupby("region", sort=True):
        docs = [by_doc.get(int(d), {}) for d in part["document_id"]]
        n = len(part)
        row: dict[str, Any] = {"地区": region, COUNT_COLUMN: n}
        partial = []
        for key, header in SUM_MEASURES:
            values = [dec(d.get(key)) for d in docs]
            present = [v for v in values if v is not None]
            row[header] = sum(present, Decimal(0)) if present else None
            if len(present) < n:
                partial.append(f"{header} {len(present)}/{n}")
        row[COVERAGE_COLUMN] = "全部列示" if not partial else "列示部门数：" + "，".join(partial)
        row[MEMBERS_COLUMN] = "、".join(part["agency"])
        rows.append(row)
    out = pd.DataFrame(rows, columns=cols)
    out[COUNT_COLUMN] = out[COUNT_COLUMN].astype("Int64")
    return out


def region_function_sums(chosen: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """Function classes (类) summed by region: 地区, 类, amount (Decimal), share (% of
    the region's classified total), agencies (how many of the region's agencies print classes)."""
    cols = ["地区", "类", "amount", "share", "agencies"]
    if chosen is None or chosen.empty or lines is None or lines.empty:
        return pd.DataFrame(columns=cols)
    classes = function_class_amounts(lines)
    if classes.empty:
        return pd.DataFrame(columns=cols)
    region_of_doc = dict(zip(chosen["document_id"].astype(int), chosen["region"]))
    classes = classes[classes["document_id"].astype(int).isin(region_of_doc)]
    classes = classes.assign(地区=classes["document_id"].astype(int).map(region_of_doc))
    rows = []
    for region, part in classes.groupby("地区", sort=True):
        total = sum((dec(v) or Decimal(0) for v in part["amount"]), Decimal(0))
        agencies = part["document_id"].nunique()
        for code, group in part.groupby("class_code", sort=True):
            amount = sum((dec(v) or Decimal(0) for v in group["amount"]), Decimal(0))
            name = FUNCTION_CLASS_NAMES.get(str(code)) or str(group["class_name"].iloc[0] or "")
            share = (amount / total * 100).quantize(Decimal("0.01")) if total else None
            rows.append({"地区": region, "类": f"{code} {name}".strip(), "amount": amount, "share": share,
                         "agencies": agencies})
    return pd.DataFrame(rows, columns=cols)


def function_matrix(sums: pd.DataFrame, value: str = "amount") -> pd.DataFrame:
    """类 (rows) × 地区 (columns) of ``amount`` or ``share``; blank where a region has none."""
    if sums.empty:
        return pd.DataFrame()
    out = sums.pivot_table(index="类", columns="地区", values=value, aggfunc="first").astype(object)
    out = out.where(pd.notna(out), None)
    out.columns.name = None
    return out.reset_index()


def member_table(chosen: pd.DataFrame) -> pd.DataFrame:
    """The documents summed: 地区, 部门, 文件 (``2024年部门预算``), 文件名."""
    if chosen is None or chosen.empty:
        return pd.DataFrame(columns=["地区", "部门", "文件", "文件名"])
    return pd.DataFrame({
        "地区": chosen["region"],
        "部门": chosen["agency"],
        "文件": [f"{int(y)}年{KIND_NAMES.get(k, k)}" for y, k in zip(chosen["year"], chosen["kind"])],
        "文件名": chosen["file_name"],
    })


def coverage_note(table: pd.DataFrame) -> str | None:
    """A plain sentence when the regions' sums cover different numbers of agencies, else None."""
    if table is None or table.empty:
        return None
    counts = dict(zip(table["地区"], table[COUNT_COLUMN]))
    if len(set(counts.values())) <= 1:
        return None
    listed = "，".join(f"{r} {int(n)} 个" for r, n in counts.items())
    return f"各地区合计所含部门数不同（{listed}），合计数反映的是已载入部门之和，不代表地区全部支出，不宜直接比较规模。"


__all__ = [
    "REGION_LEVELS", "SUM_MEASURES", "COUNT_COLUMN", "MEMBERS_COLUMN", "COVERAGE_COLUMN", "region_of", "members",
    "unplaced", "years_with_regions", "default_level", "choose_documents", "region_totals", "region_function_sums",
    "function_matrix", "member_table", "coverage_note",
]
