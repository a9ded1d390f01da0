"""Shared DataFrame shaping for the analysis pages (pure: no Streamlit, no SQL).

Amounts stay exact ``Decimal`` in every frame returned here; ``to_float`` is the
one place a number becomes a float, for plotting.  Names follow DESIGN.md §6.

Contents:
* labels — measures (``MEASURE_LABELS``), kinds, function classes, severities;
* small helpers — ``dec``, ``to_float``, ``pct``, ``doc_label``, ``provenance``;
* function-class amounts per document (``function_class_amounts``);
* performance — self-evaluation and target tables, indicator rows, grades;
* findings — filtering and counts per document (数据质检).
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

from analysis import rules as rules_registry

from glossary import FUNCTION_CLASSES, KIND_LABELS, SCOPE_LABELS, SEVERITY_LABELS, THREE_PUBLIC_LABELS, TOTALS_LABELS

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


def grade_of(score: Any) -> str | None:
    """优 ≥ 90, 良 80–<90, 中 60–<80, 差 < 60 (DESIGN.md §4)."""
    s = dec(score)
    if s is None:
        return None
    if s >= 90:
        return "优"
    if s >= 80:
        return "良"
    if s >= 60:
        return "中"
    return "差"


def _data(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _finding_text(f: Any) -> str:
    if isinstance(f, Mapping):
        return str(f.get("message") or f.get("rule") or "")
    return str(f)


SELF_EVALUATION_TABLE_COLUMNS = [
    "self_evaluation_id", "document_id", "部门", "年度", "序号", "项目名称", "预算数", "执行数", "执行率（%）",
    "自评得分", "复核得分", "差异", "等级", "问题数", "主要问题",
]


def self_evaluation_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per self-evaluation from ``store.queries.self_evaluations``:
    reported vs recomputed score, difference, grade and findings.

    The recomputed score is the ``computed_score`` column (or ``data`` key) when
    the scoring engine produced one; the grade falls back to the reported score's
    grade when none is stored.  Amounts stay Decimal."""
    if frame is None or frame.empty:
        return pd.DataFrame(columns=SELF_EVALUATION_TABLE_COLUMNS)
    rows = []
    for rec in frame.to_dict("records"):
        data = _data(rec.get("data"))
        reported = dec(rec.get("reported_score")) if dec(rec.get("reported_score")) is not None else dec(data.get("reported_score"))
        computed = dec(rec.get("computed_score")) if dec(rec.get("computed_score")) is not None else dec(data.get("computed_score"))
        budget = dec(rec.get("budget")) if dec(rec.get("budget")) is not None else dec(data.get("budget"))
        executed = dec(rec.get("executed")) if dec(rec.get("executed")) is not None else dec(data.get("executed"))
        rate = dec(data.get("execution_rate"))
        if rate is None:
            rate = pct(executed, budget)
        findings = data.get("findings") or []
        grade = rec.get("grade") or data.get("grade") or grade_of(computed if computed is not None else reported)
        rows.append(
            {
                "self_evaluation_id": rec.get("self_evaluation_id"),
                "document_id": rec.get("document_id"),
                "部门": rec.get("agency"),
                "年度": rec.get("year"),
                "序号": (int(rec["seq"]) + 1) if rec.get("seq") is not None and not pd.isna(rec.get("seq")) else None,
                "项目名称": rec.get("name") or data.get("name"),
                "预算数": budget,
                "执行数": executed,
                "执行率（%）": rate,
                "自评得分": reported,
                "复核得分": computed,
                "差异": diff(reported, computed),
                "等级": grade,
                "问题数": len(findings),
                "主要问题": "；".join(t for t in (_finding_text(f) for f in findings[:3]) if t),
            }
        )
    return pd.DataFrame(rows, columns=SELF_EVALUATION_TABLE_COLUMNS)


INDICATOR_TABLE_COLUMNS = [
    "一级指标", "二级指标", "三级指标", "分值", "指标值", "实际完成值", "完成情况", "自评得分", "复核得分", "差异",
    "评分规则", "计分说明",
]


def _target_text(ind: Mapping[str, Any]) -> str:
    parts = [str(ind.get(k)) for k in ("operator", "target", "unit") if ind.get(k) not in (None, "")]
    return " ".join(parts)


def indicator_table(item: Mapping[str, Any] | None) -> pd.DataFrame:
    """The indicator rows of one self-evaluation with the rule behind each score."""
    rows = []
    for ind in (item or {}).get("indicators") or []:
        if not isinstance(ind, Mapping):
            continue
        rows.append(
            {
                "一级指标": ind.get("level1"),
                "二级指标": ind.get("level2"),
                "三级指标": ind.get("level3"),
                "分值": dec(ind.get("weight")),
                "指标值": _target_text(ind),
                "实际完成值": ind.get("actual"),
                "完成情况": ind.get("status"),
                "自评得分": dec(ind.get("reported_score")),
                "复核得分": dec(ind.get("computed_score")),
                "差异": diff(ind.get("reported_score"), ind.get("computed_score")),
                "评分规则": rule_name(ind.get("rule")),
                "计分说明": "；".join(
                    str(t) for t in (ind.get("explanation"), ind.get("interpretation")) if t not in (None, "")
                ),
            }
        )
    return pd.DataFrame(rows, columns=INDICATOR_TABLE_COLUMNS)


FINDINGS_TABLE_COLUMNS = ["规则", "严重程度", "说明"]


def item_findings_table(item: Mapping[str, Any] | None) -> pd.DataFrame:
    rows = []
    for f in (item or {}).get("findings") or []:
        if isinstance(f, Mapping):
            sev = str(f.get("severity") or "")
            rows.append({"规则": rule_label(f.get("rule")), "严重程度": SEVERITY_LABELS.get(sev, sev),
                         "说明": f.get("message")})
        else:
            rows.append({"规则": "", "严重程度": "", "说明": str(f)})
    return pd.DataFrame(rows, columns=FINDINGS_TABLE_COLUMNS)


def grade_counts(grades: Iterable[Any]) -> pd.DataFrame:
    """Counts per grade in the order 优 良 中 差 (then anything else)."""
    counts: dict[str, int] = {g: 0 for g in GRADES}
    for g in grades:
        if g is None or (isinstance(g, float) and math.isnan(g)) or g == "":
            continue
        counts[str(g)] = counts.get(str(g), 0) + 1
    return pd.DataFrame({"等级": list(counts), "项目数": list(counts.values())})


TARGET_QUALITY_COLUMNS = ["project_id", "document_id", "部门", "年度", "序号", "项目名称", "预算数", "指标数",
                          "目标质量得分", "可量化（%）", "单位相符（%）", "指标层级齐全", "成本指标", "雷同项目数", "评分依据",
                          "项目编码"]


def target_quality_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Projects of performance target tables with their target-quality score and
    its parts (analysis/target_quality): the share of quantified indicators, of
    units that fit, whether 产出/效益/满意度 and a 成本指标 are present, and how many
    other projects share the same indicator set (a copied template)."""
    if frame is None or frame.empty:
        return pd.DataFrame(columns=TARGET_QUALITY_COLUMNS)
    rows = []
    for rec in frame.to_dict("records"):
        data = _data(rec.get("data"))
        quality = _data(data.get("quality"))
        reasons = quality.get("reasons") or []
        if isinstance(reasons, str):
            reasons = [reasons]
        indicators = data.get("indicators")
        count = len(indicators) if isinstance(indicators, list) else data.get("indicator_count")
        parts = _data(quality.get("components"))
        level1 = parts.get("level1")
        copied = parts.get("copied_with")
        rows.append(
            {
                "project_id": rec.get("project_id"),
                "document_id": rec.get("document_id"),
                "部门": rec.get("agency"),
                "年度": rec.get("year"),
                "序号": (int(rec["seq"]) + 1) if rec.get("seq") is not None and not pd.isna(rec.get("seq")) else None,
                "项目编码": rec.get("code") or data.get("code"),
                "项目名称": rec.get("name") or data.get("name"),
                "预算数": dec(rec.get("amount")) if dec(rec.get("amount")) is not None else dec(data.get("amount")),
                "指标数": count,
                "目标质量得分": dec(quality.get("score")),
                "可量化（%）": dec(parts.get("quantified")),
                "单位相符（%）": dec(parts.get("unit_fit")),
                "指标层级齐全": None if level1 is None else (
                    "齐全" if {"产出", "效益", "满意度"} <= set(level1) else "缺" + "、".join(
                        x for x in ("产出", "效益", "满意度") if x not in set(level1))),
                "成本指标": None if parts.get("cost") is None else ("有" if parts.get("cost") else "无"),
                "雷同项目数": len(copied) if isinstance(copied, list) else None,
                "评分依据": "；".join(_finding_text(r) for r in reasons),
            }
        )
    return pd.DataFrame(rows, columns=TARGET_QUALITY_COLUMNS)


#: what costs a project target-quality points: (key, label, explanation), in the
#: order of :func:`target_quality_summary`; the keys are stored per project
#: (``projects.quality_issues``) by :func:`quality_issues`
QUALITY_ISSUES: list[tuple[str, str, str]] = [
    ("unquantified", "有未量化的指标", "指标值没有写成“符号+数值+单位”（如“≥95%”）的项目"),
    ("unit_mismatch", "计量单位与指标不符", "如人数用百分比、成本用%"),
    ("levels_incomplete", "指标层级不全", "缺产出、效益或满意度指标"),
    ("no_cost", "缺成本指标", "没有设成本指标"),
    ("copied", "疑似套用模板", "指标与其他项目雷同"),
]
_LEVELS = {"产出", "效益", "满意度"}


def quality_issues(item: Mapping[str, Any] | None) -> list[str] | None:
    """The :data:`QUALITY_ISSUES` keys that apply to one project item (its
    ``quality.components``, as :func:`target_quality_table` reads them); None
    when the project has no target-quality assessment."""
    quality = _data(_data(item).get("quality"))
    if not quality:
        return None
    parts = _data(quality.get("components"))
    out = []
    quantified, unit_fit = dec(parts.get("quantified")), dec(parts.get("unit_fit"))
    if quantified is not None and quantified < 100:
        out.append("unquantified")
    if unit_fit is not None and unit_fit < 100:
        out.append("unit_mismatch")
    level1 = parts.get("level1")
    if level1 is not None and not _LEVELS <= set(level1):
        out.append("levels_incomplete")
    if parts.get("cost") is not None and not parts.get("cost"):
        out.append("no_cost")
    copied = parts.get("copied_with")
    if isinstance(copied, list) and len(copied) > 0:
        out.append("copied")
    return out


def quality_summary_rows(counts: Mapping[str, int]) -> list[tuple[str, int, str]]:
    """:func:`target_quality_summary`'s rows from counts per issue key (a store's
    totals: :func:`target_quality_totals` over ``store.queries.project_quality_counts``)."""
    return [(label, int(counts.get(key) or 0), why) for key, label, why in QUALITY_ISSUES]


def target_quality_summary(quality: pd.DataFrame) -> list[tuple[str, int, str]]:
    """What most often costs a project target-quality points, over the rows of
    :func:`target_quality_table`: (label, number of projects, explanation)."""
    if quality is None or quality.empty:
        return []

    def count(column: str, test) -> int:
        if column not in quality.columns:
            return 0
        return int(sum(1 for v in quality[column] if v is not None and not (isinstance(v, float) and math.isnan(v))
                       and test(v)))

    return [
        ("有未量化的指标", count("可量化（%）", lambda v: dec(v) is not None and dec(v) < 100),
         "指标值没有写成“符号+数值+单位”（如“≥95%”）的项目"),
        ("计量单位与指标不符", count("单位相符（%）", lambda v: dec(v) is not None and dec(v) < 100),
         "如人数用百分比、成本用%"),
        ("指标层级不全", count("指标层级齐全", lambda v: v != "齐全"), "缺产出、效益或满意度指标"),
        ("缺成本指标", count("成本指标", lambda v: v == "无"), "没有设成本指标"),
        ("疑似套用模板", count("雷同项目数", lambda v: int(v) > 0), "指标与其他项目雷同"),
    ]


# --------------------------------------------------------------------------- a province's totals and pages


def page_segments(counts: Iterable[tuple[Any, int]], offset: int, limit: int) -> list[tuple[Any, int, int]]:
    """Where rows ``offset`` to ``offset + limit`` of a list lie, when the list
    is groups of ``counts`` rows one after the other (a document's findings,
    then the next document's …): ``[(group, skip, take), …]`` — take ``take``
    rows of ``group`` after its first ``skip``."""
    out = []
    start, end = max(int(offset), 0), max(int(offset), 0) + max(int(limit), 0)
    position = 0
    for group, n in counts:
        n = int(n)
        if n <= 0:
            continue
        lo, hi = max(start, position), min(end, position + n)
        if lo < hi:
            out.append((group, lo - position, hi - lo))
        position += n
        if position >= end:
            break
    return out


def _weighted_mean(pairs: list[tuple[Decimal, int]]) -> Decimal | None:
    n = sum(c for _v, c in pairs)
    return sum((v * c for v, c in pairs), Decimal(0)) / n if n else None


def self_evaluation_totals(counts: pd.DataFrame) -> dict[str, Any]:
    """The 绩效评分 page's totals from ``store.queries.self_evaluation_score_counts``
    (items counted by grade, reported and computed score): items, the reported
    and computed scores as ``[(score, items)]``, their means, how many differ,
    how many findings, and :func:`grade_counts`' frame — what the page shows
    over the items themselves (:func:`self_evaluation_table`)."""
    reported: dict[Decimal, int] = {}
    computed: dict[Decimal, int] = {}
    grades: dict[str, int] = {g: 0 for g in GRADES}
    items = differing = findings = 0
    for rec in counts.to_dict("records") if counts is not None else []:
        n = int(rec["items"])
        items += n
        findings += int(rec.get("findings") or 0)
        rep, comp = dec(rec.get("reported_score")), dec(rec.get("computed_score"))
        if rep is not None:
            reported[rep] = reported.get(rep, 0) + n
        if comp is not None:
            computed[comp] = computed.get(comp, 0) + n
        d = diff(rep, comp)
        if d is not None and abs(d) > 0:
            differing += n
        stored = rec.get("grade")
        grade = (stored if isinstance(stored, str) and stored else None) or grade_of(comp if comp is not None else rep)
        if grade:
            grades[str(grade)] = grades.get(str(grade), 0) + n
    rep_pairs, comp_pairs = sorted(reported.items()), sorted(computed.items())
    return {
        "items": items,
        "reported": rep_pairs,
        "computed": comp_pairs,
        "mean_reported": _weighted_mean(rep_pairs),
        "mean_computed": _weighted_mean(comp_pairs),
        "differing": differing,
        "findings": findings,
        "grades": pd.DataFrame({"等级": list(grades), "项目数": list(grades.values())}),
    }


def target_quality_totals(counts: pd.DataFrame) -> dict[str, Any]:
    """The target-quality totals from ``store.queries.project_quality_counts``:
    items, the scores as ``[(score, items)]``, their mean, how many score below
    80, and the :func:`quality_summary_rows` counts per issue."""
    scores: dict[Decimal, int] = {}
    issues: dict[str, int] = {}
    items = 0
    for rec in counts.to_dict("records") if counts is not None else []:
        n = int(rec["items"])
        items += n
        score = dec(rec.get("quality_score"))
        if score is not None:
            scores[score] = scores.get(score, 0) + n
        for key in str(rec.get("quality_issues") or "").strip(",").split(","):
            if key:
                issues[key] = issues.get(key, 0) + n
    pairs = sorted(scores.items())
    return {
        "items": items,
        "scores": pairs,
        "mean": _weighted_mean(pairs),
        "below_80": sum(c for v, c in pairs if v < 80),
        "issues": issues,
    }


def drop_empty_columns(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """``frame`` without those of ``columns`` that are blank in every row."""
    def blank(v: Any) -> bool:
        if v is None:
            return True
        if isinstance(v, str):
            return not v.strip()
        try:
            return bool(pd.isna(v))
        except (TypeError, ValueError):
            return False

    empty = [c for c in columns if c in frame.columns and all(blank(v) for v in frame[c])]
    return frame.drop(columns=empty)


TARGET_INDICATOR_COLUMNS = ["一级指标", "二级指标", "三级指标", "指标描述", "指标值", "指标值确定依据"]


def target_indicator_table(item: Mapping[str, Any] | None) -> pd.DataFrame:
    """The indicator rows of one project's performance targets (指标值 as printed)."""
    rows = []
    for ind in (item or {}).get("indicators") or []:
        if not isinstance(ind, Mapping):
            continue
        printed = ind.get("target")
        composed = _target_text({"operator": ind.get("operator"), "target": ind.get("value"), "unit": ind.get("unit")})
        rows.append(
            {
                "一级指标": ind.get("level1"),
                "二级指标": ind.get("level2"),
                "三级指标": ind.get("level3"),
                "指标描述": ind.get("description"),
                "指标值": str(printed) if printed not in (None, "") else composed,
                "指标值确定依据": ind.get("basis"),
            }
        )
    return pd.DataFrame(rows, columns=TARGET_INDICATOR_COLUMNS)


# --------------------------------------------------------------------------- findings (数据质检)

#: rule id -> short Chinese name, for every rule of the registry (analysis/rules.py)
RULE_NAMES: dict[str, str] = {r.id: r.name for r in rules_registry.load().values()}


def rule_name(rule: Any) -> str:
    """The Chinese name of a rule id (``cross.total`` -> ``各表本年支出合计一致``);
    an unknown id gets its family's name (``表间一致``); blank -> ''."""
    return rules_registry.name_of(rule)


def rule_label(rule: Any) -> str:
    """``各表本年支出合计一致（cross.total）``: the Chinese name with the id kept for reference."""
    text = str(rule or "").strip()
    return f"{rule_name(text)}（{text}）" if text else ""


def rule_family(rule: Any) -> str:
    """``table.sum_rows`` -> ``表内勾稽``: the Chinese name of the rule's family."""
    return rules_registry.FAMILIES.get(rules_registry.family_of(rule), "其他")


FINDINGS_VIEW_COLUMNS = ["finding_id", "document_id", "严重程度", "报告", "页码", "规则", "说明", "表格", "行号", "应为",
                         "实为", "检查类别", "部门", "年度", "类型", "文件"]


def findings_view(
    frame: pd.DataFrame,
    *,
    severities: Iterable[str] | None = None,
    rules: Iterable[str] | None = None,
    document_ids: Iterable[int] | None = None,
    rule_labels: Mapping[str, str] | None = None,
    families: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Findings filtered by severity (error/warning/info), rule family
    (``analysis.rules.FAMILIES`` keys), rule and document,
    shaped for display: severity in Chinese, each with its page and its row
    counted from 1; ``rule_labels`` (id -> Chinese name, e.g. :data:`RULE_NAMES`)
    shows a rule as ``中文名（id）``."""
    if frame is None or frame.empty:
        return pd.DataFrame(columns=FINDINGS_VIEW_COLUMNS)
    df = frame
    if severities is not None:
        df = df[df["severity"].isin(list(severities))]
    if families is not None:
        wanted = set(families)
        df = df[df["rule"].map(lambda r: rules_registry.family_of(r) in wanted)]
    if rules is not None:
        df = df[df["rule"].isin(list(rules))]
    if document_ids is not None:
        df = df[df["document_id"].isin([int(i) for i in document_ids])]
    order = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    df = df.assign(_sev=df["severity"].map(lambda s: order.get(s, 9))).sort_values(
        ["_sev", "agency", "year", "document_id", "page", "finding_id"], na_position="last", kind="stable"
    )
    labels = dict(rule_labels or {})
    out = pd.DataFrame(
        {
            "finding_id": df["finding_id"],
            "document_id": df["document_id"],
            "文件": df["file_name"],
            "部门": df["agency"],
            "年度": df["year"],
            "类型": df["kind"].map(lambda k: KIND_NAMES.get(k, k)),
            "报告": [f"{a} {y}年{KIND_NAMES.get(k, k)}" for a, y, k in zip(df["agency"], df["year"], df["kind"])],
            "严重程度": df["severity"].map(lambda s: SEVERITY_LABELS.get(s, s)),
            "检查类别": df["rule"].map(rule_family),
            "规则": df["rule"].map(lambda r: f"{labels[r]}（{r}）" if r in labels else r),
            "说明": df["message"],
            "页码": df["page"],
            "表格": df["table_title"],
            # rows are stored 0-based; shown from 1, as in 报告库
            "行号": pd.array([None if pd.isna(r) else int(r) + 1 for r in df["row"]], dtype="Int64"),
            "应为": df["expected"],
            "实为": df["found"],
        }
    )
    return out.reset_index(drop=True)[FINDINGS_VIEW_COLUMNS]


def findings_by_rule(findings: pd.DataFrame) -> pd.DataFrame:
    """Counts per rule — 检查类别, 规则 (Chinese name), 错误 / 警告 / 提示 / 合计,
    规则编号 — most errors first."""
    cols = ["检查类别", "规则", "错误", "警告", "提示", "合计", "规则编号"]
    if findings is None or findings.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for rule, group in findings.groupby("rule", sort=False):
        sev = group["severity"].value_counts()
        counts = {SEVERITY_LABELS[k]: int(sev.get(k, 0)) for k in SEVERITY_ORDER}
        rows.append({"检查类别": rule_family(rule), "规则": rule_name(rule), **counts,
                     "合计": sum(counts.values()), "规则编号": rule})
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["错误", "警告", "合计", "规则编号"], ascending=[False, False, False, True],
                           kind="stable").reset_index(drop=True)


def document_finding_counts(counts: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """:func:`findings_counts`' table from counts per document
    (``store.queries.finding_counts``: document_id, errors, warnings, infos)
    for every one of ``documents`` (none counted: zeros)."""
    cols = ["document_id", "部门", "年度", "类型", "文件", "错误", "警告", "提示", "合计"]
    if documents is None or documents.empty:
        return pd.DataFrame(columns=cols)
    merged = documents[["document_id", "agency", "year", "kind", "file_name"]].merge(
        counts[["document_id", "errors", "warnings", "infos"]] if counts is not None and not counts.empty
        else pd.DataFrame(columns=["document_id", "errors", "warnings", "infos"]),
        on="document_id", how="left",
    )
    out = pd.DataFrame({
        "document_id": merged["document_id"].astype(int),
        "部门": merged["agency"],
        "年度": merged["year"],
        "类型": merged["kind"].map(lambda k: KIND_NAMES.get(k, k)),
        "文件": merged["file_name"],
        "错误": merged["errors"].fillna(0).astype(int),
        "警告": merged["warnings"].fillna(0).astype(int),
        "提示": merged["infos"].fillna(0).astype(int),
    })
    out["合计"] = out["错误"] + out["警告"] + out["提示"]
    out = out.sort_values(["错误", "警告", "提示", "部门"], ascending=[False, False, False, True], kind="stable")
    return out.reset_index(drop=True)[cols]


def rule_counts_table(counts: pd.DataFrame) -> pd.DataFrame:
    """:func:`findings_by_rule`' table from counts per rule and severity
    (``store.queries.finding_rule_counts``: rule, severity, n)."""
    cols = ["检查类别", "规则", "错误", "警告", "提示", "合计", "规则编号"]
    if counts is None or counts.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for rule, group in counts.groupby("rule", sort=False):
        by_sev = dict(zip(group["severity"], group["n"].astype(int)))
        row = {SEVERITY_LABELS[k]: int(by_sev.get(k, 0)) for k in SEVERITY_ORDER}
        rows.append({"检查类别": rule_family(rule), "规则": rule_name(rule), **row, "合计": sum(row.values()),
                     "规则编号": rule})
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["错误", "警告", "合计", "规则编号"], ascending=[False, False, False, True],
                           kind="stable").reset_index(drop=True)


def findings_counts(findings: pd.DataFrame, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Counts per document: 错误 / 警告 / 提示 / 合计; documents without findings
    appear with zeros when ``documents`` (``list_documents``) is given."""
    cols = ["document_id", "部门", "年度", "类型", "文件", "错误", "警告", "提示", "合计"]
    docs: dict[int, dict[str, Any]] = {}
    if documents is not None and not documents.empty:
        for rec in documents.to_dict("records"):
            docs[int(rec["document_id"])] = {
                "document_id": int(rec["document_id"]), "部门": rec["agency"], "年度": rec["year"],
                "类型": KIND_NAMES.get(rec["kind"], rec["kind"]), "文件": rec.get("file_name"),
                "错误": 0, "警告": 0, "提示": 0,
            }
    if findings is not None and not findings.empty:
        for rec in findings.to_dict("records"):
            doc_id = int(rec["document_id"])
            entry = docs.setdefault(
                doc_id,
                {"document_id": doc_id, "部门": rec["agency"], "年度": rec["year"],
                 "类型": KIND_NAMES.get(rec["kind"], rec["kind"]), "文件": rec.get("file_name"),
                 "错误": 0, "警告": 0, "提示": 0},
            )
            label = SEVERITY_LABELS.get(rec["severity"])
            if label:
                entry[label] += 1
    rows = []
    for entry in docs.values():
        entry["合计"] = entry["错误"] + entry["警告"] + entry["提示"]
        rows.append(entry)
    out = pd.DataFrame(rows, columns=cols)
    if not out.empty:
        out = out.sort_values(["错误", "警告", "提示", "部门"], ascending=[False, False, False, True], kind="stable")
    return out.reset_index(drop=True)


__all__ = [
    "MEASURE_LABELS", "KIND_NAMES", "SCOPE_NAMES", "SEVERITY_LABELS", "SEVERITY_ORDER", "FUNCTION_CLASS_NAMES",
    "GRADES", "dec", "to_float", "floats", "pct", "diff", "doc_label", "doc_title", "provenance", "code_level",
    "function_class_amounts", "grade_of", "self_evaluation_table", "indicator_table", "item_findings_table",
    "grade_counts", "target_quality_table", "target_quality_summary", "QUALITY_ISSUES", "quality_issues",
    "quality_summary_rows", "page_segments", "self_evaluation_totals", "target_quality_totals", "drop_empty_columns", "rule_family", "RULE_NAMES", "rule_name", "rule_label", "target_indicator_table", "findings_view", "findings_counts", "findings_by_rule", "document_finding_counts", "rule_counts_table",
]
