"""Performance frames: self-evaluation and target tables, indicator rows, grades and their totals
(绩效自评 / 绩效目标; pure: no Streamlit, no SQL)."""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import pandas as pd

from analysis.finding_frames import rule_label, rule_name
from analysis.frame_values import GRADES, dec, diff, pct
from glossary import SEVERITY_LABELS


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


def _item_row(rec: Mapping[str, Any], id_column: str) -> dict[str, Any]:
    """The columns that open a row of a project table: its ids, agency, year and 序号 (from 1)."""
    return {
        id_column: rec.get(id_column),
        "document_id": rec.get("document_id"),
        "部门": rec.get("agency"),
        "年度": rec.get("year"),
        "序号": (int(rec["seq"]) + 1) if rec.get("seq") is not None and not pd.isna(rec.get("seq")) else None,
    }


def _number(rec: Mapping[str, Any], data: Mapping[str, Any], key: str) -> Decimal | None:
    """A number of a project: its stored column, else the parse's value."""
    value = dec(rec.get(key))
    return value if value is not None else dec(data.get(key))


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
        reported = _number(rec, data, "reported_score")
        computed = _number(rec, data, "computed_score")
        budget = _number(rec, data, "budget")
        executed = _number(rec, data, "executed")
        rate = dec(data.get("execution_rate"))
        if rate is None:
            rate = pct(executed, budget)
        findings = data.get("findings") or []
        grade = rec.get("grade") or data.get("grade") or grade_of(computed if computed is not None else reported)
        rows.append(
            {
                **_item_row(rec, "self_evaluation_id"),
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
                **_item_row(rec, "project_id"),
                "项目编码": rec.get("code") or data.get("code"),
                "项目名称": rec.get("name") or data.get("name"),
                "预算数": _number(rec, data, "amount"),
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
