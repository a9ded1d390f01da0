"""年度趋势: one agency over the years loaded, with 同比 and quoted prior-year figures."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis import peers as ap
from analysis import trends as at
from analysis.frames import KIND_NAMES, MEASURE_LABELS, floats, provenance
from components import cached as q
from components import export, filters, layout
from components.safety import md

layout.page_setup("年度趋势", "同一部门跨年度的变化：各项指标的同比增减与增幅、支出功能分类构成；未载入的年度用文件说明中引用的上年数补足，并标明为引用数。")
layout.ensure_samples_loaded()

# one row per agency (its years counted in SQL); the chosen agency's documents only
summary = filters.financial_agencies("还没有部门预算或决算。请先在「报告库」上传文件，再查看年度趋势。")

# ------------------------------------------------------------------ selection
years_per_agency = summary.set_index("agency")["years"].sort_values(ascending=False, kind="stable")
c1, c2 = st.columns([2, 1])
agency, agency_id = filters.agency_of(summary, default=years_per_agency.index[0], container=c1,
                                      help="默认选年度最多的部门")
own = q.document_index(kind=["budget", "final_accounts"], agency_id=agency_id)
kinds = [k for k in ("budget", "final_accounts") if (own["kind"] == k).any()]
default_kind = max(kinds, key=lambda k: (own["kind"] == k).sum())
kind = filters.kind_select(kinds, key="kind", default=default_kind, container=c2, label="口径")
own = at.one_per_year(own[own["kind"] == kind])
years = sorted(int(y) for y in own["year"])
kind_name = KIND_NAMES.get(kind, kind)

totals = q.totals_wide(kind=kind, agency_ids=[int(own["agency_id"].iloc[0])])
totals = totals[totals["document_id"].isin(own["document_id"])]
figures = []
for rec in totals.to_dict("records"):
    doc = q.get_document(int(rec["document_id"])) or {}
    parsed = doc.get("parsed") or {}
    figures += at.quoted_prior_figures(parsed.get("paragraphs") or [], year=int(rec["year"]), kind=kind, current=rec)
quoted = at.quoted_frame(figures)
values = at.yearly_values(totals, quoted, kind=kind)
quoted_years = sorted({int(y) for y in values.loc[values["origin"] == "quoted", "year"]}) if not values.empty else []
all_years = sorted({int(y) for y in values["year"]}) if not values.empty else years

st.caption(
    f"{agency}：已载入 {len(years)} 个年度的{kind_name}（{'、'.join(f'{y}年' for y in years)}）"
    + (f"；{'、'.join(f'{y}年' for y in quoted_years)}的数字引自后一年文件的说明（引用数）。" if quoted_years else "。")
)
if len(all_years) < 2:
    st.info(f"{md(agency)}只有一个年度的{kind_name}，文件中也没有可引用的上年数，暂无法看出趋势。请在「报告库」上传该部门其他年度的文件后再来查看。")

source_rows = q.line_items([int(d) for d in own["document_id"]], section=["totals", "three_public"])
source = provenance(source_rows if not source_rows.empty else own)
if quoted_years:
    source += "；引用数出自各文件情况说明"
stem = f"年度趋势_{agency}_{kind_name}"

# ------------------------------------------------------------------ KPIs and the plain sentence
latest = values[values["year"] == max(all_years)] if not values.empty else values
if not latest.empty:
    def _latest(measure: str):
        row = latest[latest["measure"] == measure]
        return row.iloc[0] if not row.empty else None

    items = []
    for m in ("expenditure_total", "basic", "project"):
        r = _latest(m)
        if r is None:
            continue
        change = r["change"]
        help_text = (f"较{r['对比年度']}年{'增加' if change >= 0 else '减少'}{abs(change):,.2f}万元"
                     if change is not None else "无上年数可比")
        delta = None
        if change is not None:
            p = r["change_pct"]
            pct_text = f"（{float(p):+,.2f}%）" if p is not None and p == p else ""
            delta = f"较{r['对比年度']}年 {change:+,.2f} 万元{pct_text}"
        items.append((f"{max(all_years)}年{MEASURE_LABELS.get(m, m)}", layout.fmt_wan(r["amount"]), help_text, delta))
    layout.kpi_row(items)
    sentences = [at.change_sentence(values, m) for m in ("expenditure_total", "basic", "project", "three_public_total")]
    sentences = [s for s in sentences if s]
    if sentences:
        st.markdown("**同比变化：** " + "；".join(sentences) + "。")

# ------------------------------------------------------------------ chart of the measures
labels = {m: MEASURE_LABELS.get(m, m) for m in at.TREND_MEASURES}
m1, m2 = st.columns([3, 1], vertical_alignment="bottom")
chosen = filters.multiselect("指标", at.TREND_MEASURES, key="measures",
                             default=["expenditure_total", "basic", "project"],
                             format_func=lambda m: labels.get(m, m), container=m1)
show_median = filters.checkbox("显示同类同级中位数", key="peer_median", container=m2,
                               help="与本部门类别相同、级次相同的其他部门（同一口径）每年的中位数，画成虚线")
with_kind = q.agency_summary(kind=kind)
peer_group = ap.peers(agency, list(with_kind["agency"]))
medians = pd.DataFrame(columns=["year", "measure", "median", "agencies", "names"])
if show_median:
    group_name = ap.group_label([agency])
    if len(peer_group) < 2:
        st.info(f"还没有与{md(agency)}同类同级（{md(group_name)}）的其他部门的{kind_name}，无法计算中位数。"
                "请在「报告库」上传同类同级部门的文件后再来查看。")
    else:
        peer_ids = sorted(int(a) for a in with_kind.loc[with_kind["agency"].isin(peer_group), "agency_id"])
        medians = ap.median_by_year(q.totals_wide(kind=kind, agency_ids=peer_ids, measures=list(chosen)), chosen,
                                    agencies=peer_group, exclude=agency)
        st.caption(f"同类同级（{md(group_name)}）：{md('、'.join(a for a in peer_group if a != agency))}；"
                   "虚线为这些部门每年的中位数（不含本部门），悬停可见计入的部门数。")
if chosen and not values.empty:
    fig = go.Figure()
    plotted_years: set[int] = set()
    highest = 0.0
    # the lowest line's labels go under its points, so that two close lines do not print over each other
    means = {m: floats(values.loc[values["measure"] == m, "amount"]).mean() for m in chosen}
    lowest = min((m for m in chosen if means[m] == means[m]), key=lambda m: means[m], default=None)
    for k, m in enumerate(chosen):
        part = values[(values["measure"] == m) & values["amount"].notna()]
        if part.empty:
            continue
        quoted_mask = (part["origin"] == "quoted").tolist()
        ys = floats(part["amount"])
        plotted_years |= {int(y) for y in part["year"]}
        highest = max([highest] + [v for v in ys if v == v])
        fig.add_scatter(
            x=part["year"].astype(int), y=ys, name=labels[m], mode="lines+markers+text",
            marker=dict(size=[11 if qm else 9 for qm in quoted_mask],
                        symbol=["circle-open" if qm else "circle" for qm in quoted_mask]),
            text=[f"{v:,.2f}{'（引）' if qm else ''}" for v, qm in zip(ys, quoted_mask)],
            textposition="bottom center" if m == lowest and len(chosen) > 1 else "top center", cliponaxis=False,
            customdata=[[p if p is not None else float("nan"), "引用数" if qm else "文件数"]
                        for p, qm in zip(floats(part["change_pct"]), quoted_mask)],
            hovertemplate="%{x}年：%{y:,.2f} 万元（%{customdata[1]}）<br>同比 %{customdata[0]:.2f}%<extra>"
            + labels[m] + "</extra>", line=dict(color=export.COLORWAY[k % len(export.COLORWAY)]),
        )
        peer = medians[medians["measure"] == m] if not medians.empty else medians
        if not peer.empty:
            ys = floats(peer["median"])
            plotted_years |= {int(y) for y in peer["year"]}
            highest = max([highest] + [v for v in ys if v == v])
            fig.add_scatter(
                x=peer["year"].astype(int), y=ys, name=f"{labels[m]}（同类同级中位数）", mode="lines+markers",
                line=dict(dash="dash", color=export.COLORWAY[k % len(export.COLORWAY)]), marker=dict(size=7),
                customdata=list(peer["agencies"]),
                hovertemplate="%{x}年：%{y:,.2f} 万元<br>同类同级 %{customdata} 个部门的中位数<extra>"
                + labels[m] + "</extra>",
            )
    shown_years = sorted(plotted_years) or all_years
    fig.update_layout(title=dict(text=f"{agency} {kind_name}主要指标（万元；空心点为引用数）", x=0, xanchor="left"),
                      yaxis_tickformat=",.0f", yaxis_rangemode="tozero", yaxis_range=[0, highest * 1.15 or 1],
                      legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0, title_text=""),
                      margin=dict(t=90))
    fig.update_xaxes(tickmode="array", tickvals=shown_years, ticktext=[f"{y}年" for y in shown_years],
                     range=[min(shown_years) - 0.5, max(shown_years) + 0.5])
    export.chart(fig, "trends-measures", source=source, file_stem=stem)

if not medians.empty:
    shown_medians = medians.assign(指标=medians["measure"].map(labels)).rename(
        columns={"year": "年度", "median": "同类同级中位数", "agencies": "部门数", "names": "计入的部门"})
    export.table(shown_medians[["年度", "指标", "同类同级中位数", "部门数", "计入的部门"]], "trends-peer-median",
                 source=provenance(q.document_index(kind=kind, agency_id=[i for i in peer_ids if i != agency_id])),
                 file_stem=f"{stem}_同类同级中位数", money_columns=["同类同级中位数"],
                 title=f"{agency} 同类同级中位数（{kind_name}）")

# ------------------------------------------------------------------ tables
st.subheader("各年度数据与同比")
amounts, changes = at.split_wide(at.wide_years(values))
export.table(amounts, "trends-wide", source=source, file_stem=f"{stem}_各年度",
             money_columns=[c for c in amounts.columns if c.endswith("年")], unit_in_header=False,
             columns={"说明": {"help": "引用数：未载入年度的数字，引自后一年文件情况说明中的上年数"}})
if len(changes.columns) > 1:
    st.markdown("**同比增减**（较上一年度，金额单位：万元）")
    export.table(changes, "trends-changes", source=source, file_stem=f"{stem}_同比",
                 money_columns=[c for c in changes.columns if c.endswith("年同比")], unit_in_header=False)
with st.expander("逐项明细（含来源与同比%）"):
    long = values.rename(columns={"year": "年度", "amount": "金额", "change": "同比增减", "change_pct": "同比%"})
    long = long.assign(数字类型=long["origin"].map({"table": "文件数", "quoted": "引用数"}))
    export.table(long[["年度", "指标", "金额", "数字类型", "对比年度", "同比增减", "同比%", "来源"]], "trends-long",
                 source=source, file_stem=f"{stem}_明细", money_columns=["金额", "同比增减"])

# ------------------------------------------------------------------ composition
st.subheader("支出功能分类构成")
lines = q.function_lines([int(d) for d in own["document_id"]])
comp = at.composition(own, lines)
if comp.empty:
    st.info("这些文件没有可用的支出功能分类明细。请在「报告库」上传含支出总表的文件，或选择其他部门。")
else:
    fig = go.Figure()
    for cls, group in comp.groupby("类", sort=True):
        fig.add_bar(x=group["year"].astype(int), y=floats(group["amount"]), name=cls, customdata=floats(group["share"]),
                    hovertemplate="%{x}年：%{y:,.2f} 万元（%{customdata:.2f}%）<extra>" + cls + "</extra>")
    fig.update_layout(title=dict(text=f"{agency} 支出功能分类构成（按类，万元）", x=0, xanchor="left"), barmode="stack",
                      yaxis_tickformat=",.0f", legend=dict(title_text="功能分类"))
    fig.update_xaxes(tickmode="array", tickvals=years, ticktext=[f"{y}年" for y in years])
    line_source = provenance(lines) if not lines.empty else source
    export.chart(fig, "trends-composition", source=line_source, file_stem=f"{stem}_功能分类构成")
    share = comp.pivot_table(index="类", columns="year", values="share", aggfunc="first").astype(object)
    share = share.where(share.notna(), None)
    share.columns = [f"{int(c)}年占比%" for c in share.columns]
    amount = comp.pivot_table(index="类", columns="year", values="amount", aggfunc="first").astype(object)
    amount = amount.where(amount.notna(), None)
    amount.columns = [f"{int(c)}年" for c in amount.columns]
    both = amount.join(share).reset_index()
    export.table(both, "trends-composition-table", source=line_source, file_stem=f"{stem}_功能分类构成",
                 money_columns=list(amount.columns), unit_in_header=False)

# ------------------------------------------------------------------ quoted figures
st.subheader("文件说明中引用的上年数")
if quoted.empty:
    st.caption("这些文件的说明中没有可识别的上年比较数。")
else:
    st.caption("上年数 = 本年数（按说明所写）− 增减额；“持平”即与本年相同。用于补足未载入的年度，并与已载入的文件核对。")
    shown = quoted.assign(
        口径=quoted["basis"].map({"budget": "预算", "final_accounts": "决算", "executed": "预算执行数"}),
        页码=quoted["page"],
    ).rename(columns={"year": "年度", "amount": "上年数", "current": "本年数（说明）", "change": "增减额",
                      "change_pct": "增幅%", "text": "原文", "source_year": "引自年度"})
    export.table(shown[["指标", "年度", "口径", "上年数", "本年数（说明）", "增减额", "增幅%", "引自年度", "页码", "原文"]],
                 "trends-quoted", source=source, file_stem=f"{stem}_引用上年数",
                 money_columns=["上年数", "本年数（说明）", "增减额"])
    check = at.quote_check(quoted, totals, kind=kind)
    if not check.empty:
        st.markdown("**引用数与已载入文件核对**")
        export.table(check, "trends-quote-check", source=source, file_stem=f"{stem}_引用核对",
                     money_columns=["引用数", "文件数", "差额"], unit_in_header=False,
                     columns={"一致": {"width": 90, "help": "引用数与该年度已载入文件的数字相差不超过 0.02 万元"}})
