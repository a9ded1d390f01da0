"""数据质检: the findings of the checks, filterable, each with its page."""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from analysis import frames as fr
from analysis import rules as rule_registry
from components import cached as q
from components import export, filters, layout, original
from components.filters import document_label
from components.paging import pager

#: the documents with the most findings drawn as bars; every document is in the table
CHART_DOCUMENTS = 20

layout.page_setup("数据质检", "勾稽关系、表间一致、情况说明与表格是否相符、绩效自评复核等检查发现的问题；每条注明所在页码和表格。")
layout.ensure_samples_loaded()

overview = q.counts_overview()
if not overview["documents"]:
    st.info("还没有报告。请先在「报告库」上传部门预算或决算公开文件，检查结果会显示在这里。")
    st.stop()

# the findings are counted in the store and read a page at a time (a province has hundreds of thousands)
rule_counts = q.finding_rule_counts()
rules_present = sorted(set(rule_counts["rule"]))

# ------------------------------------------------------------------ filters
c1, c2, c3, c4 = st.columns([2, 2, 3, 3])
severities = filters.multiselect("严重程度", list(fr.SEVERITY_ORDER), key="severity",
                                 default=list(fr.SEVERITY_ORDER), format_func=lambda s: fr.SEVERITY_LABELS.get(s, s),
                                 container=c1)
families_all = [f for f in rule_registry.FAMILIES if any(rule_registry.family_of(r) == f for r in rules_present)]
families = filters.multiselect("检查类别", families_all, key="family", default=[], container=c2,
                               format_func=rule_registry.FAMILIES.get, placeholder="全部类别")
rules_all = rules_present
if families:
    rules_all = [r for r in rules_all if rule_registry.family_of(r) in families]
rules = filters.multiselect("规则", rules_all, key="rule", default=[], container=c3,
                            format_func=fr.rule_label, placeholder="全部规则")
doc_ids = filters.store_documents_select(q.document_index, overview["documents"], key="docs", label="报告",
                                         container=c4)

family_rules = rules_all if families else None  # the counts below follow the chosen families too
listed_rules = rules or family_rules
scope = doc_ids or None
totals = q.finding_totals(list(severities), family_rules, scope)
chosen_docs = q.document_index(document_ids=doc_ids) if doc_ids else q.document_index(limit=6)
source = "；".join(f"{document_label(r)}（{r['file_name']}）" for r in chosen_docs.to_dict("records")[:6])
if totals["documents"] > 6:
    source += f" 等 {totals['documents']:,} 份报告"
source += "，检查结果"

layout.kpi_row(
    [
        ("报告", f"{totals['documents']:,} 份", None),
        ("错误", f"{totals['error']:,} 条", "超出容差的不一致，需要核实"),
        ("警告", f"{totals['warning']:,} 条", "可能有问题，或判断不确定"),
        ("提示", f"{totals['info']:,} 条", "在舍入容差之内的差异等"),
    ]
)

if rule_counts.empty:
    st.success(f"已载入的 {overview['documents']:,} 份报告没有检查发现的问题。")

# ------------------------------------------------------------------ counts per document
st.subheader("各报告问题数")
with_findings = totals["with_findings"]
if with_findings:
    top = q.document_finding_page(list(severities), family_rules, scope, limit=CHART_DOCUMENTS)
    shown = fr.document_finding_counts(top, top)
    shown = shown[shown["合计"] > 0]
    names = [f"{a} {y}年{k}" for a, y, k in zip(shown["部门"], shown["年度"], shown["类型"])]
    fig = go.Figure()
    colors = {"错误": "#C44E52", "警告": "#E07B39", "提示": "#8C8C8C"}
    for label in ("错误", "警告", "提示"):
        fig.add_bar(y=names, x=shown[label], name=label, orientation="h", marker_color=colors[label],
                    hovertemplate="%{x} 条<extra>" + label + "</extra>")
    title = "各报告检查发现的问题数（条）"
    if with_findings > CHART_DOCUMENTS:
        title = f"问题最多的 {CHART_DOCUMENTS} 份报告（条；共 {with_findings:,} 份报告有问题，见下表）"
    fig.update_layout(title=dict(text=title, x=0, xanchor="left"), barmode="stack",
                      xaxis_title="条数", height=max(320, 36 * len(names) + 160), margin=dict(t=90),
                      legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0, title_text="",
                                  traceorder="normal"))
    fig.update_yaxes(autorange="reversed", automargin=True, ticksuffix="  ")
    export.chart(fig, "quality-counts-chart", source=source, file_stem="数据质检_各报告问题数")
doc_offset, doc_limit = pager(totals["documents"], key="quality_docs_page", noun="份报告",
                              reset_on=(tuple(severities), tuple(families), tuple(doc_ids)))
counted = q.document_finding_page(list(severities), family_rules, scope, offset=doc_offset, limit=doc_limit)
export.table(fr.document_finding_counts(counted, counted).drop(columns=["document_id"]), "quality-counts",
             source=source, file_stem="数据质检_各报告问题数", money_columns=None)

# ------------------------------------------------------------------ counts per rule
st.subheader("各类问题")
in_view = q.finding_rule_counts(severity=list(severities), document_ids=doc_ids or None) if doc_ids else \
    rule_counts[rule_counts["severity"].isin(severities)]
if families:
    in_view = in_view[in_view["rule"].map(rule_registry.family_of).isin(families)]
by_rule = fr.rule_counts_table(in_view)
if by_rule.empty:
    st.caption("没有符合条件的问题。")
else:
    st.caption("每条检查规则发现的问题数（错误多的在前）；在上方“规则”中选择，可只看某一类问题。")
    export.table(by_rule, "quality-rules", source=source, file_stem="数据质检_各类问题", money_columns=None,
                 columns={"规则": {"width": 300}})

# ------------------------------------------------------------------ the findings, a page at a time
listed_total = totals["listed"] if listed_rules == family_rules else \
    q.finding_totals(list(severities), listed_rules, scope)["listed"]
st.subheader(f"问题清单（{listed_total:,} 条）")
if not listed_total:
    st.info("没有符合筛选条件的问题。" if not rule_counts.empty else "没有问题。")
else:
    offset, limit = pager(listed_total, key="quality_page", noun="条",
                          reset_on=(tuple(severities), tuple(families), tuple(rules), tuple(doc_ids)))
    segments = q.finding_segments(list(severities), listed_rules, scope, offset=offset, limit=limit)
    found = q.findings_slices(segments, listed_rules)
    view = fr.findings_view(found, rule_labels=fr.RULE_NAMES)
    shown = view.drop(columns=["finding_id", "document_id"])
    if len(doc_ids) == 1 or totals["documents"] == 1:  # one report: no need to repeat it on every row
        shown = shown.drop(columns=["报告"])
    export.table(shown, "quality-findings", source=source, file_stem="数据质检_问题清单", money_columns=None,
                 columns={"严重程度": {"width": 70}, "报告": {"width": 200}, "规则": {"width": 220},
                          "说明": {"width": 560}, "页码": {"width": 50}, "行号": {"width": 50}},
                 row_height=76)
    st.caption("页码为原文件中的页码（PDF 页、工作表序号），行号从表格第 1 行数起；文本文件没有页码。")

    # ------------------------------------------------------------------ one finding against its page
    st.subheader("对照原文")
    records = view.to_dict("records")
    for rec in records:
        rec["_page"] = None if rec["页码"] is None or rec["页码"] != rec["页码"] else int(rec["页码"])
    pick = st.selectbox(
        "选择一条问题，查看它所在的原文页面",
        range(len(records)),
        format_func=lambda i: f"[{records[i]['严重程度']}] {records[i]['报告']} 第{records[i]['_page'] or '—'}页 · "
        f"{str(records[i]['说明'])[:60]}",
        key="quality_pick",
    )
    if pick is not None:
        rec = records[pick]
        st.markdown(f"**{rec['规则']}**")
        st.text(str(rec["说明"]))
        where = f"{rec['文件']} 第{rec['_page']}页" if rec["_page"] else str(rec["文件"])
        original.show_page(rec["document_id"], rec["_page"], where)
