"""Findings frames for 数据质检: rule names, filtering, counts per document and rule
(pure: no Streamlit, no SQL)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from analysis import rules as rules_registry
from analysis.frame_values import KIND_NAMES, SEVERITY_ORDER
from glossary import SEVERITY_LABELS


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
