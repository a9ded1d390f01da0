"""部门对比: a year and 2–12 agencies side by side."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis import compare as ac
from analysis.frames import floats, provenance
from components import export, filters, layout
from store import queries as q

layout.page_setup("部门对比", "同一年度的多个部门并排比较：支出规模、基本与项目支出、人员与公用经费、功能分类结构、“三公”经费、机关运行经费与项目绩效。")
layout.ensure_samples_loaded()
eng = layout.engine()

docs = q.list_documents(engine=eng)
docs = docs[docs["kind"].isin(ac.FINANCIAL_KINDS)] if not docs.empty else docs
if docs.empty:
    st.info("还没有可对比的部门预算或决算。请先在「报告库」上传部门预算公开或部门决算公开文件。")
    st.stop()

# ------------------------------------------------------------------ selection
c1, c2, c3 = st.columns([1, 1, 1])
kind = filters.kind_select([ac.ANY_KIND, "budget", "final_accounts"], key="kind", default=ac.ANY_KIND,
                           container=c1, help="“预算和决算”：同一年度两者都有时取预算")
years = ac.available_years(docs, kind)
year = filters.year_select([None] + years, key="year", default=None, none_label="自动（共同年度，否则各自最新）",
                           container=c2, help="所选部门在该年度没有文件时，取其最新一份并注明年度")
all_agencies = filters.checkbox("全部部门", key="all", container=c3,
                                help="对比所有有该类文件的部门（不受 12 个的限制）")
options = ac.agencies_with(docs, kind)
if all_agencies:
    agencies = options
    st.caption(f"已选全部 {len(options)} 个部门。")
else:
    agencies = filters.agencies_select(options, key="agencies", default=options[: ac.MAX_AGENCIES],
                                       max_selections=ac.MAX_AGENCIES, label="部门（2–12 个）")

if len(agencies) < ac.MIN_AGENCIES:
    st.info("请至少选择 2 个部门进行对比。")
    st.stop()

selection = ac.choose_documents(docs, agencies, year, kind)
chosen = selection.documents
if selection.missing:
    st.warning("以下部门没有所选类型的文件，未列入对比：" + "、".join(selection.missing))
if chosen.empty or len(chosen) < ac.MIN_AGENCIES:
    st.info("可对比的部门不足 2 个，请调整选择。")
    st.stop()
if selection.year is None:
    st.warning("所选部门没有共同的年度，以下对比各部门最新的一份文件，列标题注明了各自的年度和类型。")
elif selection.notes:
    st.warning(f"对比年度：{selection.year}年。" + "；".join(selection.notes) + "。")
else:
    st.caption(f"对比年度：{selection.year}年。")
if selection.mixed_kinds:
    st.info("注意：所选文件既有预算也有决算，预算数与决算数口径不同。")

doc_ids = [int(d) for d in chosen["document_id"]]
totals = q.totals_wide(agency_ids=[int(a) for a in chosen["agency_id"]], engine=eng)
totals = totals[totals["document_id"].isin(doc_ids)]
counts = ac.performance_counts(chosen, q.projects(engine=eng), q.self_evaluations(engine=eng))
table = ac.measure_table(chosen, totals, counts)
source_rows = q.line_items(doc_ids, section=["totals", "three_public"], engine=eng)
source = provenance(source_rows if not source_rows.empty else chosen)
labels = list(table["label"])
axis_labels = [f"{a}<br>{lbl[len(a):]}" for a, lbl in zip(table["agency"], table["label"])]
stem_year = str(selection.year) if selection.year else "各自最新"

# ------------------------------------------------------------------ KPIs
largest = table.loc[table["expenditure_total"].map(lambda v: v is not None)]
if not largest.empty:
    top = max(largest.to_dict("records"), key=lambda r: r["expenditure_total"])
    low = min(largest.to_dict("records"), key=lambda r: r["expenditure_total"])
    layout.kpi_row(
        [
            ("对比部门", f"{len(table)} 个", None),
            ("支出规模最大", layout.fmt_wan(top["expenditure_total"]), top["label"]),
            ("支出规模最小", layout.fmt_wan(low["expenditure_total"]), low["label"]),
        ]
    )


def _bar(measures: list[tuple[str, str]], title: str, *, stacked: bool = False) -> go.Figure:
    fig = go.Figure()
    for key, name in measures:
        ys = floats(table[key])
        fig.add_bar(x=axis_labels, y=ys, name=name, hovertemplate="%{y:,.2f} 万元<extra>" + name + "</extra>",
                    text=[f"{v:,.2f}" if v == v else "" for v in ys], textposition="auto")
    fig.update_layout(title=title, barmode="stack" if stacked else "group", yaxis_title="万元",
                      yaxis_tickformat=",.2f", legend_title_text="", margin=dict(b=120))
    return fig


# ------------------------------------------------------------------ charts
tab_scale, tab_structure, tab_three, tab_perf = st.tabs(["支出规模", "功能分类结构", "“三公”与机关运行经费", "项目与绩效"])
with tab_scale:
    export.chart(
        _bar([("expenditure_total", "本年支出合计"), ("basic", "基本支出"), ("project", "项目支出")],
             "本年支出：基本支出与项目支出"),
        "compare-scale", source=source, file_stem=f"部门对比_支出规模_{stem_year}",
    )
    export.chart(
        _bar([("personnel", "人员经费"), ("public", "公用经费")], "基本支出构成：人员经费与公用经费", stacked=True),
        "compare-basic", source=source, file_stem=f"部门对比_人员与公用经费_{stem_year}",
    )

with tab_structure:
    lines = q.function_lines(doc_ids, engine=eng)
    shares = ac.function_shares(chosen, lines)
    if shares.empty:
        st.info("所选文件没有可用的支出功能分类明细。")
    else:
        fig = go.Figure()
        label_axis = dict(zip(labels, axis_labels))
        for (code, name), group in shares.groupby(["class_code", "class_name"], sort=True):
            fig.add_bar(
                y=[label_axis[lb] for lb in group["label"]], x=floats(group["share"]), name=f"{code} {name}",
                orientation="h", customdata=floats(group["amount"]),
                hovertemplate="%{x:.2f}%（%{customdata:,.2f} 万元）<extra>" + f"{code} {name}" + "</extra>",
            )
        fig.update_layout(title="支出功能分类结构（按类，占本年支出%）", barmode="stack", xaxis_title="占比（%）",
                          xaxis_range=[0, 100], legend_title_text="功能分类", height=max(360, 90 * len(labels)))
        fig.update_yaxes(autorange="reversed")
        line_source = provenance(lines) if not lines.empty else source
        export.chart(fig, "compare-structure", source=line_source, file_stem=f"部门对比_功能分类结构_{stem_year}")
        if shares["derived"].any():
            st.caption("注：未列示“类”级合计的文件，按其最明细科目的前三位汇总到“类”。")
        export.table(ac.share_matrix(shares), "compare-structure-table", source=line_source,
                     file_stem=f"部门对比_功能分类占比_{stem_year}", money_columns=None)

with tab_three:
    export.chart(
        _bar([("three_public_total", "“三公”经费合计"), ("three_public_vehicle_total", "公务用车购置及运行维护费"),
              ("three_public_reception", "公务接待费"), ("three_public_outbound", "因公出国（境）费"),
              ("operating_expenses", "机关运行经费")], "“三公”经费与机关运行经费"),
        "compare-three", source=source, file_stem=f"部门对比_三公经费_{stem_year}",
    )

with tab_perf:
    has_counts = table["project_count"].notna().any() or table["self_evaluation_count"].notna().any()
    if not has_counts:
        st.info("所选文件没有项目绩效目标表或绩效自评表。")
    else:
        fig = go.Figure()
        fig.add_bar(x=axis_labels, y=[None if pd.isna(v) else int(v) for v in table["project_count"]],
                    name="项目个数（绩效目标表）", hovertemplate="%{y} 个<extra></extra>")
        fig.add_bar(x=axis_labels, y=[None if pd.isna(v) else int(v) for v in table["self_evaluation_count"]],
                    name="绩效自评项目个数", hovertemplate="%{y} 个<extra></extra>")
        scores = floats(table["mean_reported_score"])
        fig.add_scatter(x=axis_labels, y=scores, name="平均自评得分", mode="markers+text", yaxis="y2",
                        text=[f"{v:.2f}" if v == v else "" for v in scores], textposition="top center",
                        marker=dict(size=12, symbol="diamond"), hovertemplate="%{y:.2f} 分<extra></extra>")
        fig.update_layout(title="项目个数与平均自评得分", barmode="group", yaxis_title="个",
                          yaxis2=dict(title="分", overlaying="y", side="right", range=[0, 100]),
                          legend_title_text="", margin=dict(b=120))
        export.chart(fig, "compare-perf", source=source, file_stem=f"部门对比_项目与绩效_{stem_year}")

# ------------------------------------------------------------------ side-by-side tables
st.subheader("对比表")
baseline = filters.select("基准部门（差额 = 本部门 − 基准）", labels, key="base", default=labels[0])
amounts = ac.side_by_side(ac.amount_matrix(table), baseline)
export.table(amounts, "compare-amounts", source=source, file_stem=f"部门对比_金额_{stem_year}",
             money_columns=ac.value_columns(amounts))
st.caption("排名：1 为最大；空白表示文件未列示该项。")
structure = ac.side_by_side(ac.structure_matrix(table), baseline)
export.table(structure, "compare-structure-measures", source=source, file_stem=f"部门对比_结构与绩效_{stem_year}",
             money_columns=None)
