"""Labels and small exact-number helpers shared by every analysis frame (pure: no Streamlit, no SQL).

Amounts stay exact ``Decimal``; ``to_float`` is the one place a number becomes a
float, for plotting.  Names follow DESIGN.md §6.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

from glossary import FUNCTION_CLASSES, KIND_LABELS, SCOPE_LABELS, THREE_PUBLIC_LABELS, TOTALS_LABELS

# --------------------------------------------------------------------------- labels

#: wide measure column (as in ``store.queries.totals_wide``) -> Chinese label
MEASURE_LABELS: dict[str, str] = {
    **dict(TOTALS_LABELS),
    "grand_total": "收入总计",
    **{f"three_public_{k}": v for k, v in THREE_PUBLIC_LABELS.items()},
    **{f"three_public_budget_{k}": f"{v}（预算数）" for k, v in THREE_PUBLIC_LABELS.items()},
}

KIND_NAMES: dict[str, str] = dict(KIND_LABELS)
SCOPE_NAMES: dict[str, str] = dict(SCOPE_LABELS)

SEVERITY_ORDER: tuple[str, ...] = ("error", "warning", "info")

#: 政府收支分类科目 支出功能分类 类 (the 3-digit codes), from the glossary
FUNCTION_CLASS_NAMES: dict[str, str] = FUNCTION_CLASSES

#: self-evaluation grades (DESIGN.md §4)
GRADES: tuple[str, ...] = ("优", "良", "中", "差")
HUNDRED = Decimal(100)


# --------------------------------------------------------------------------- small helpers


def dec(value: Any) -> Decimal | None:
    """``Decimal`` of an amount (Decimal, str, int, float) or None for blank / NA."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return None if math.isnan(value) else Decimal(repr(value))
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    text = str(value).strip().replace(",", "").replace("，", "")
    if not text:
        return None
    try:
        result = Decimal(text)
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def to_float(value: Any) -> float:
    """Float for plotting; NaN for blank."""
    d = dec(value)
    return float(d) if d is not None else float("nan")


def floats(series: pd.Series) -> pd.Series:
    """A Decimal/object column as float64 (NaN for blank), for charts only."""
    return pd.Series([to_float(v) for v in series], index=series.index, dtype="float64")


def pct(part: Any, whole: Any, places: int = 2) -> Decimal | None:
    """``part / whole × 100`` rounded to ``places``; None when either is blank or whole is 0."""
    p, w = dec(part), dec(whole)
    if p is None or w is None or w == 0:
        return None
    return (p / w * HUNDRED).quantize(Decimal(1).scaleb(-places))


def diff(a: Any, b: Any) -> Decimal | None:
    """``a − b`` (exact), None if either is blank."""
    x, y = dec(a), dec(b)
    if x is None or y is None:
        return None
    return x - y


def doc_label(agency: str, year: Any, kind: str, scope: str | None = None, *, with_scope: bool = False) -> str:
    """``香河县医疗保障局（2024年部门预算）``; ``with_scope`` adds ``·单位`` for unit documents."""
    kind_name = KIND_NAMES.get(kind, kind)
    scope_part = f"·{SCOPE_NAMES.get(scope, scope)}" if with_scope and scope else ""
    return f"{agency}（{year}年{kind_name}{scope_part}）"


def doc_title(agency: str, year: Any, kind: str) -> str:
    """``2024年部门预算`` style short title of a document."""
    return f"{year}年{KIND_NAMES.get(kind, kind)}"


def _pages_text(pages: Iterable[Any]) -> str:
    """``[9, 13, 18, 19, 20]`` -> ``第9、13、18–20页``."""
    nums = sorted({int(p) for p in pages if p is not None and not pd.isna(p)})
    if not nums:
        return ""
    runs: list[list[int]] = []
    for n in nums:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return "第" + "、".join(str(a) if a == b else f"{a}–{b}" for a, b in runs) + "页"


def provenance(rows: pd.DataFrame | Iterable[Mapping[str, Any]], *, extra: str = "", max_tables: int = 2) -> str:
    """A Chinese source line naming each document, its file, tables and pages.

    ``rows`` carries agency, year, kind, file_name and optionally table_title /
    page (line-item or totals rows).  Example:
    ``香河县医疗保障局 2024年部门预算（000_….txt） 《部门预算支出总表》第4–5页；…``
    (at most ``max_tables`` table titles per document, pages as ranges).
    """
    if isinstance(rows, pd.DataFrame):
        records = rows.to_dict("records")
    else:
        records = [dict(r) for r in rows]
    by_doc: dict[tuple, dict[str, Any]] = {}
    for r in records:
        key = (r.get("agency"), r.get("year"), r.get("kind"), r.get("file_name"))
        entry = by_doc.setdefault(key, {"tables": [], "pages": []})
        title = r.get("table_title")
        if title and not (isinstance(title, float) and math.isnan(title)) and title not in entry["tables"]:
            entry["tables"].append(str(title))
        entry["pages"].append(r.get("page"))
    parts = []
    for (agency, year, kind, file_name), entry in by_doc.items():
        text = f"{agency} {doc_title(agency, year, kind)}"
        if file_name:
            text += f"（{file_name}）"
        where = "、".join(f"《{t}》" for t in entry["tables"][:max_tables])
        if len(entry["tables"]) > max_tables:
            where += f"等{len(entry['tables'])}张表"
        pages = _pages_text(entry["pages"])
        if where or pages:
            text += " " + "，".join(x for x in (where, pages) if x)
        parts.append(text)
    line = "；".join(parts) if parts else "（无数据）"
    if extra:
        line += "。" + extra
    return line


# --------------------------------------------------------------------------- function classes


def code_level(code: Any) -> str:
    """类 / 款 / 项 by code length (3/5/7 digits); '' for anything else."""
    c = str(code or "").strip()
    return {3: "类", 5: "款", 7: "项"}.get(len(c), "") if c.isdigit() else ""


def function_class_amounts(lines: pd.DataFrame, measure: str = "total") -> pd.DataFrame:
    """Amounts by function class (类) per document, with shares.

    ``lines`` is ``store.queries.function_lines`` (one row per printed line).  A
    document's 类 rows (3-digit codes) are used when it prints them; otherwise
    (Henan layout: only 项 rows) its most detailed rows are summed by their first
    three digits.  Columns: document_id, class_code, class_name, amount (Decimal),
    share (Decimal %, of the document's class total), derived (bool: summed from
    detail rows).
    """
    out_cols = ["document_id", "class_code", "class_name", "amount", "share", "derived"]
    if lines is None or lines.empty:
        return pd.DataFrame(columns=out_cols)
    records = []
    for doc_id, group in lines.groupby("document_id", sort=False):
        codes = group["code"].fillna("").astype(str).str.strip()
        digits = codes.str.fullmatch(r"\d{3,}")
        if not digits.any():
            continue
        names: dict[str, str] = {}
        for code, name in zip(codes, group["name"]):
            if len(code) == 3 and code not in names and name:
                names[code] = str(name)
        class_rows = group[codes.str.fullmatch(r"\d{3}")]
        derived = class_rows.empty
        amounts: dict[str, Decimal] = {}
        if not derived:
            for code, value in zip(class_rows["code"].astype(str).str.strip(), class_rows[measure]):
                d = dec(value)
                if d is not None:
                    amounts[code] = amounts.get(code, Decimal(0)) + d
        else:
            valid = group[digits]
            # sum only leaves: rows whose code is not a prefix of a longer code
            all_codes = set(valid["code"].astype(str).str.strip())
            for code, value in zip(valid["code"].astype(str).str.strip(), valid[measure]):
                if any(o != code and o.startswith(code) for o in all_codes):
                    continue
                d = dec(value)
                if d is not None:
                    amounts[code[:3]] = amounts.get(code[:3], Decimal(0)) + d
        total = sum(amounts.values(), Decimal(0))
        for code in sorted(amounts):
            records.append(
                {
                    "document_id": doc_id,
                    "class_code": code,
                    "class_name": names.get(code) or FUNCTION_CLASS_NAMES.get(code, code),
                    "amount": amounts[code],
                    "share": pct(amounts[code], total) if total else None,
                    "derived": derived,
                }
            )
    return pd.DataFrame(records, columns=out_cols)


# --------------------------------------------------------------------------- performance


def group_segments(frame: pd.DataFrame, by: str | list[str], member: str, value: str, members: Iterable[Any],
                   name: Any = str) -> list[tuple[str, list[Any]]]:
    """The segments of a stacked bar: one per group of ``by`` (sorted), named
    ``name(group key)``, with its ``value`` for each of ``members`` in order (None
    for a member the group lacks) — the function classes of several documents
    or regions, say."""
    members = list(members)
    out = []
    for key, group in frame.groupby(by, sort=True):
        values = dict(zip(group[member], group[value]))
        out.append((name(key), [values.get(m) for m in members]))
    return out


def stacked_parts(
    table: pd.DataFrame,
    total_key: str,
    parts: Sequence[tuple[str, str]],
    other_label: str = "其他",
) -> tuple[list[tuple[str, list[Decimal | None]]], list[Decimal | None]]:
    """The segments of a stacked bar per document — each part's values and,
    when the parts fall short of the total by more than 0.005, an
    ``other_label`` segment with the rest — and the totals.  A document that
    prints only the total gets it all as ``other_label``."""
    records = table.to_dict("records")
    totals = [dec(r.get(total_key)) for r in records]
    segments = [(label, [dec(r.get(key)) for r in records]) for key, label in parts]
    rest: list[Decimal | None] = []
    for i, total in enumerate(totals):
        if total is None:
            rest.append(None)
            continue
        covered = sum((values[i] for _, values in segments if values[i] is not None), Decimal(0))
        gap = total - covered
        rest.append(gap if gap > Decimal("0.005") else None)
    if any(v is not None for v in rest):
        segments.append((other_label, rest))
    return segments, totals
