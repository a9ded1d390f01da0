"""概览: what is loaded, the headline figures, and where to go next."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import cached as queries
from components.export import chart, table
from components.layout import NAV_PAGES, fmt_wan, kpi_row, page_setup
from components.paging import PAGE_SIZE, pager
from glossary import FORMAT_LABELS, KIND_SHORT

_KIND_ORDER = {"budget": 0, "final_accounts": 1, "performance_targets": 2}
_SCOPE_RANK = {"department": 0, "unit": 1}
#: more agencies than this: the chart shows the largest, the tables a page at a time
CHART_AGENCIES = 20

page_setup("概览", "已载入的部门预算、决算和绩效目标公开报告，以及各部门最新一份报告的主要数字。")
counts = queries.counts_overview()

if counts["documents"] == 0:
    st.info("还没有任何报告。请先到“报告库”上传部门预算、部门决算或绩效目标公开文件（PDF、Excel、Word 或文本均可）。")
    st.page_link("views/library.py", label="前往报告库上传文件", icon=":material/upload_file:")
    st.stop()

years = counts["years"]
year_text = (f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])) if years else "—"
errors = counts["findings"].get("error", 0)
warnings = counts["findings"].get("warning", 0)
kpi_row(
    [
        ("部门", f"{counts['agencies']:,} 个", "已载入报告的部门（单位）数"),
        ("年度", year_text, "、".join(str(y) for y in years)),
        ("报告", f"{counts['documents']:,} 份", "每个部门每年每种报告（预算/决算/绩效目标）各一份"),
        ("检查发现", f"{errors:,} 错误 · {warnings:,} 警告", "勾稽关系与解析检查发现的问题，详见“数据质检”"),
    ]
)

kinds_text = " · ".join(f"{KIND_SHORT.get(k, k)} {n} 份" for k, n in counts["by_kind"].items())
formats_text = " · ".join(f"{FORMAT_LABELS.get(k, k)} {n} 份" for k, n in counts["by_format"].items())
st.caption(f"按类型：{kinds_text}　　按格式：{formats_text}")

st.subheader("已载入的报告")
st.caption("每个部门每个年度已有哪些报告；点击“报告库”可查看每份报告的原表和解析结果。")
# the agencies (one row each, from SQL), then the documents of the agencies on this page only
summary = queries.agency_summary()
agencies = list(summary["agency"])
if len(agencies) > PAGE_SIZE:
    needle = st.text_input("查找部门", key="overview_search", placeholder=f"共 {len(agencies):,} 个部门，输入名称中的文字")
    if needle.strip():
        agencies = [a for a in agencies if needle.strip().lower() in a.lower()]
    offset, limit = pager(len(agencies), key="overview_page", noun="个部门")
    agencies = agencies[offset:offset + limit]
    agency_ids = dict(zip(summary["agency"], (int(a) for a in summary["agency_id"])))
    docs = queries.document_index(agency_id=[agency_ids[a] for a in agencies])
else:
    docs = queries.document_index()
docs = docs.assign(
    label=[
        KIND_SHORT.get(k, k) + ("（单位）" if s == "unit" else "")
        for k, s in zip(docs["kind"], docs["scope"])
    ]
)
if docs.empty:
    st.info("没有名称中含有这些文字的部门。请换一个词查找。")
else:
    coverage = (
        docs.sort_values(["kind", "scope"], key=lambda col: col.map({**_KIND_ORDER, **_SCOPE_RANK}).fillna(9))
        .groupby(["agency", "year"])["label"]
        .agg("、".join)
        .unstack("year")
        .sort_index(axis=1)
    )
    coverage.columns = [f"{int(y)}年" for y in coverage.columns]
    coverage.index.name = "部门"
    coverage = coverage.fillna("").reset_index()  # no report that year: an empty cell
    # a year column as wide as its longest entry ("预算（单位）、绩效目标"), at least 80 px
    year_widths = {c: {"width": max(80, 14 * max(len(str(v)) for v in coverage[c]) + 28)}
                   for c in coverage.columns if c != "部门"}
    table(coverage, "overview-coverage", source="报告库中已保存的报告", file_stem="已载入的报告",
          columns=year_widths)

# ----------------------------------------------------------------- headline figures

st.subheader("各部门最新一份报告的支出")
st.caption("每个部门取年度最新的一份预算或决算（同一年度两者都有时取决算，部门与单位口径都有时取部门）；金额单位：万元。")

latest = queries.latest_documents(kind=["budget", "final_accounts"])
if latest.empty:
    st.info("已载入的报告中没有预算或决算报表（只有绩效目标）。请到「报告库」上传部门预算或部门决算公开文件。")
else:
    many = len(latest) > CHART_AGENCIES
    latest = latest.assign(kind_label=latest["kind"].map(KIND_SHORT))

    def _where(row) -> str:
        page = row.page
        return f"{row.file_name}，第{int(page)}页" if page is not None and not pd.isna(page) else f"{row.file_name}"

    latest["source"] = [_where(r) for r in latest.itertuples()]
    latest = latest.assign(_spent=latest["expenditure_total"].map(lambda v: float(v) if v is not None else None))
    latest = latest.sort_values("_spent", ascending=False, na_position="last", kind="stable")

    plotted = latest[latest["expenditure_total"].notna()].head(CHART_AGENCIES).iloc[::-1]
    if not plotted.empty:
        sources = "；".join(plotted["source"].iloc[::-1])
        if many:
            sources += f"（支出最大的 {len(plotted)} 个部门；全部 {len(latest):,} 个部门见下表）"
        labels = [f"{a}（{y}{k}）" for a, y, k in zip(plotted["agency"], plotted["year"], plotted["kind_label"])]
        values = [float(v) for v in plotted["expenditure_total"]]
        fig = go.Figure(
            go.Bar(
                x=values,
                y=labels,
                orientation="h",
                text=[fmt_wan(v) for v in plotted["expenditure_total"]],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}<br>本年支出合计：%{x:,.2f} 万元<extra></extra>",
                marker_color="#2F5D8A",
            )
        )
        fig.update_layout(
            title=f"本年支出合计最大的 {len(plotted)} 个部门（万元）" if many else "本年支出合计（万元）",
            height=max(320, 90 + 42 * len(plotted)),
            margin=dict(l=10, r=110, t=60, b=40),
            xaxis=dict(title="万元", separatethousands=True, tickformat=",.0f"),
            yaxis=dict(automargin=True),
            showlegend=False,
        )
        chart(fig, "overview-expenditure", source=sources, file_stem="各部门本年支出合计")

    shown = latest
    if many:
        offset, limit = pager(len(latest), key="overview_latest_page", noun="个部门")
        shown = latest.iloc[offset:offset + limit]
    headline = shown[
        ["agency", "year", "kind_label", "expenditure_total", "basic", "project", "three_public_total", "source"]
    ].rename(
        columns={
            "agency": "部门",
            "year": "年度",
            "kind_label": "类型",
            "expenditure_total": "本年支出合计",
            "basic": "基本支出",
            "project": "项目支出",
            "three_public_total": "“三公”经费",
            "source": "来源",
        }
    )
    table(
        headline,
        "overview-headline",
        source="各部门报告的收支总表（文件和页码见“来源”列）",
        file_stem="各部门最新报告主要数字",
        money_columns=["本年支出合计", "基本支出", "项目支出", "“三公”经费"],
        columns={"来源": {"help": "本年支出合计所在的文件和页码"}},
        unit_in_header=False,
    )

# ----------------------------------------------------------------- where next

st.subheader("下一步")
cols = st.columns(2)
others = [p for p in NAV_PAGES if p[0] != "views/overview.py"]
for i, (path, title, icon, description) in enumerate(others):
    with cols[i % 2]:
        with st.container(border=True):
            st.page_link(path, label=f"**{title}**", icon=icon)
            st.caption(description)
