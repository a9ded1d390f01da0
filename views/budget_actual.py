"""预决算对比: one agency and year, budget against final accounts."""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from analysis import budget_actual as ba
from analysis.frames import floats, provenance
from components import cached as q
from components import charts, export, filters, layout
from components.filters import document_label
from components.safety import md

GAP_COLORS = {"增加": "#2F5D8A", "减少": "#C44E52", "持平": "#8C8C8C"}
STATE_COLORS = {"已全部执行": "#2F5D8A", "未全部执行": "#E07B39", "无法计算": "#8C8C8C"}

layout.page_setup("预决算对比", "同一部门同一年度：预算安排与决算执行逐项对比（按功能分类、基本/项目支出、“三公”经费）。只有决算时，使用决算文件自身列示的预算数。")
layout.ensure_samples_loaded()

# one row per agency (counted in SQL); the chosen agency's documents only
summary = filters.financial_agencies("还没有部门预算或决算。请先在「报告库」上传同一部门同一年度的预算公开和决算公开文件。")

# ------------------------------------------------------------------ selection
with_finals = summary.loc[summary["finals"] > 0, "agency"]
default_agency = with_finals.iloc[0] if not with_finals.empty else summary["agency"].iloc[0]
c1, c2 = st.columns([2, 1])
agency, agency_id = filters.agency_of(summary, default=default_agency, container=c1, help="默认选有决算的部门")
own = q.document_index(kind=["budget", "final_accounts"], agency_id=agency_id)
years = sorted({int(y) for y in own["year"]}, reverse=True)
final_years = sorted({int(y) for y in own.loc[own["kind"] == "final_accounts", "year"]}, reverse=True)
year = filters.year_select(years, key="year", default=(final_years or years)[0], container=c2)


def _pick(kind: str):
    part = own[(own["year"] == year) & (own["kind"] == kind)]
    if part.empty:
        return None
    part = part.assign(_u=(part["scope"] != "department").astype(int)).sort_values(["_u", "document_id"])
    return part.iloc[0].to_dict()


budget_doc, final_doc = _pick("budget"), _pick("final_accounts")
ids = [int(d["document_id"]) for d in (budget_doc, final_doc) if d]
wide = q.totals_wide(year=year, agency_ids=[int(own["agency_id"].iloc[0])])
rows = {int(r["document_id"]): r for r in wide.to_dict("records")}
budget_row = rows.get(int(budget_doc["document_id"])) if budget_doc else None
final_row = rows.get(int(final_doc["document_id"])) if final_doc else None
source_rows = q.line_items(ids, section=["totals", "three_public", "three_public_budget"])
source = provenance(source_rows if not source_rows.empty else own[own["document_id"].isin(ids)])
stem = f"预决算对比_{agency}_{year}"

if budget_doc and final_doc:
    st.success(f"已载入 {year} 年预算（{md(document_label(budget_doc))}）和决算（{md(document_label(final_doc))}），下面逐项对比预算安排与实际执行。")
elif final_doc:
    st.info(f"只载入了 {year} 年的决算，没有同年度的预算文件。下面使用决算文件自己列示的预算数：“三公”经费表的预算数、"
            "情况说明中“完成年初预算的 x%”所隐含的年初预算，以及各项目绩效自评表中的预算数与执行数。"
            f"如需逐项对比，请在「报告库」上传 {year} 年的部门预算公开文件。")
else:
    st.info(f"只载入了 {year} 年的预算，尚未载入该年度的决算，暂无法对比执行情况。请在「报告库」上传 {year} 年的部门决算公开文件。")

# ------------------------------------------------------------------ both documents
if budget_doc and final_doc:
    measures = ba.pair_measures(budget_row, final_row)
    if not measures.empty:
        layout.kpi_row(
            [
                (f"{r['指标']}执行率", layout.fmt_pct(r["执行率（%）"]),
                 f"预算 {layout.fmt_wan(r['预算数'])}，决算 {layout.fmt_wan(r['决算数'])}")
                for r in measures.to_dict("records")[:3]
            ]
        )
    st.subheader("基本支出、项目支出与总额")
    export.table(measures, "ba-measures", source=source, file_stem=f"{stem}_总额",
                 money_columns=["预算数", "决算数", "差额"])

    st.subheader("按支出功能分类")
    lines = q.function_lines(ids)
    pairs = ba.pair_lines(lines[lines["document_id"] == budget_doc["document_id"]],
                          lines[lines["document_id"] == final_doc["document_id"]])
    if pairs.empty:
        st.info("两份文件都没有支出功能分类明细。请在「报告库」核对这两份文件解析出的科目，必要时重新解析。")
    else:
        level = filters.select("级次", ["类", "款", "项", "全部"], key="level", default="类")
        shown = pairs if level == "全部" else pairs[pairs["级次"] == level]
        line_source = provenance(lines) if not lines.empty else source
        if not shown.empty:
            names = [f"{c or ''} {n or ''}".strip() for c, n in zip(shown["科目编码"], shown["科目名称"])]
            fig = go.Figure()
            fig.add_bar(y=names, x=floats(shown["预算数"]), name="预算数", orientation="h",
                        hovertemplate="%{x:,.2f} 万元<extra>预算数</extra>")
            fig.add_bar(y=names, x=floats(shown["决算数"]), name="决算数", orientation="h",
                        customdata=floats(shown["执行率（%）"]),
                        hovertemplate="%{x:,.2f} 万元（执行率 %{customdata:.2f}%）<extra>决算数</extra>")
            fig.update_layout(title=dict(text=f"{agency} {year}年 预算数与决算数（按{level if level != '全部' else '科目'}，万元）",
                                         x=0, xanchor="left"),
                              barmode="group", xaxis_title="万元", xaxis_tickformat=",.0f",
                              legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0, title_text=""),
                              height=charts.bar_height(len(names), 56), margin=dict(t=90))
            fig.update_yaxes(autorange="reversed", automargin=True)
            export.chart(fig, "ba-lines-chart", source=line_source, file_stem=f"{stem}_功能分类")
        export.table(shown, "ba-lines", source=line_source, file_stem=f"{stem}_功能分类",
                     money_columns=["预算数", "决算数", "差额"])
        only_one = pairs[pairs["预算数"].isna() | pairs["决算数"].isna()]
        if not only_one.empty:
            st.caption(f"有 {len(only_one)} 个科目只出现在其中一份文件中（另一侧为空白）。")

# ------------------------------------------------------------------ 三公 (both or final only)
if final_doc:
    st.subheader("“三公”经费：预算数与决算数")
    three = ba.three_public_pairs(final_row, budget_row)
    if three.empty:
        st.info("决算文件没有列示“三公”经费。请在「报告库」查看该文件是否含“三公”经费支出决算表。")
    else:
        if budget_doc is None:
            three = three.drop(columns=["预算文件数"])
            st.caption("预算数取自决算文件“三公”经费支出决算表的预算数栏。")
        else:
            st.caption("“预算文件数”取自同年度部门预算；“决算表预算数”是决算表自己列示的预算数（含调整），差额和执行率以它为准。")
        fig = charts.hbar_grouped(list(three["项目"]), [("预算数", list(three["决算表预算数"])),
                                                      ("决算数", list(three["决算数"]))],
                                  title=f"{agency} {year}年“三公”经费预算与决算（万元）")
        export.chart(fig, "ba-three-chart", source=source, file_stem=f"{stem}_三公经费")
        export.table(three, "ba-three", source=source, file_stem=f"{stem}_三公经费",
                     money_columns=[c for c in ("预算文件数", "决算表预算数", "决算数", "差额") if c in three.columns])

    parsed = (q.get_document(int(final_doc["document_id"])) or {}).get("parsed") or {}
    st.subheader("决算说明中的年初预算数")
    narrative = ba.narrative_budget_figures(parsed.get("paragraphs") or [], agency=agency)
    if narrative.empty:
        st.caption("决算说明中没有可识别的年初预算数或“完成年初预算的 x%”表述。")
    else:
        st.caption("年初预算数来自决算说明：文中直接列明的照录；只写了“完成年初预算的 x%”或“比年初预算增加/减少 y 万元”的，按其推算并在“依据”中注明。")
        narrative_source = f"{document_label(final_doc)}，情况说明"
        gaps = ba.variance_rows(narrative)
        if len(gaps) >= 2:
            export.chart(
                charts.hbar(list(gaps["项目"]), list(gaps["差额"]),
                            title=f"{agency} {year}年 决算数较年初预算的增减（万元；括号内为执行率）",
                            text=list(gaps["标注"]), colors=[GAP_COLORS[d] for d in gaps["方向"]],
                            height=charts.bar_height(len(gaps), 34)),
                "ba-narrative-chart", source=narrative_source, file_stem=f"{stem}_年初预算增减",
            )
        export.table(narrative, "ba-narrative", source=narrative_source,
                     file_stem=f"{stem}_年初预算", money_columns=["年初预算数", "决算数", "差额"],
                     columns={"项目": {"width": 300}})

    st.subheader("项目预算数与执行数（绩效自评表）")
    projects = ba.project_execution(q.self_evaluations(int(final_doc["document_id"])))
    if projects.empty:
        st.caption("决算文件没有项目绩效自评表。")
    else:
        summary = ba.execution_summary(projects, "预算数", "执行数")
        layout.kpi_row(
            [
                ("自评项目", f"{len(projects)} 个", None),
                ("项目预算数合计", layout.fmt_wan(summary["budget"]), None),
                ("项目执行数合计", layout.fmt_wan(summary["actual"]), None),
                ("总体执行率", layout.fmt_pct(summary["rate"]), "执行数合计 ÷ 预算数合计"),
            ]
        )
        bars = ba.execution_bars(projects)
        fig = charts.hbar(list(bars["名称"]), list(bars["执行率（%）"]), unit="%", hover_unit="%",
                          title=f"{agency} {year}年 项目预算执行率（%；橙色为未全部执行）",
                          text=list(bars["标注"]), colors=[STATE_COLORS[c] for c in bars["状态"]],
                          height=charts.bar_height(len(bars), 30), x_range=[0, max(125.0, bars["上限"].max())])
        fig.add_vline(x=100, line_dash="dot", line_color="#8C8C8C")
        export.chart(fig, "ba-projects-chart", source=f"{document_label(final_doc)}，项目绩效自评表",
                     file_stem=f"{stem}_项目执行率")
        export.table(projects, "ba-projects", source=f"{document_label(final_doc)}，项目绩效自评表",
                     file_stem=f"{stem}_项目执行", money_columns=["预算数", "到位数", "执行数", "差额"],
                     columns={"项目名称": {"width": 330}}, unit_in_header=False)
elif budget_doc:
    st.subheader(f"{year}年预算概况")
    measures = ba.pair_measures(budget_row, None)
    export.table(measures[["指标", "预算数"]], "ba-budget-only", source=source, file_stem=f"{stem}_预算",
                 money_columns=["预算数"])
