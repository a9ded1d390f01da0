"""绩效评分: project self-evaluations re-scored, and the quality of performance targets."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis import frames as fr
from components import cached as q
from components import charts, export, filters, layout
from components.filters import document_label
from components.paging import pager

# 5-point bins closed on the right, (95, 100], so a full score shares the top bin.
SCORE_BINS = dict(start=0.001, end=100.001, size=5)

layout.page_setup("绩效评分", "项目支出绩效自评：自评得分与按《项目支出绩效评价管理办法》规则复核的得分、差异、等级和发现的问题；预算项目绩效目标的编制质量。")
layout.ensure_samples_loaded()

# how many documents have items: the documents and the items are read a page at a time
evaluation_total = q.item_totals("self_evaluations")
project_total = q.item_totals("projects")
if not q.counts_overview()["documents"]:
    st.info("还没有报告。请先在「报告库」上传含项目绩效自评表的部门决算，或含项目绩效目标表的部门预算。")
    st.stop()
if not evaluation_total["documents"] and not project_total["documents"]:
    st.info("已载入的报告中没有识别到项目绩效自评表或项目绩效目标表。请在「报告库」上传附有绩效自评表的部门决算，或附有绩效目标表的部门预算。")
    st.stop()



def _floor5(low: float) -> float:
    """Left end of a score axis: a multiple of 5 below the lowest score (at most 0)."""
    return max(0.0, (int(low) // 5) * 5 - 5.0)


def _points(value) -> str:
    text = layout.fmt_number(value)
    return text if text == layout.MISSING else f"{text} 分"


def _title(text: str) -> dict:
    return dict(text=text, x=0, xanchor="left")


#: rows of the item tables per page
ITEMS_PER_PAGE = 100
#: more reports than this: no bar per report, the reports are named in the tables
CHART_REPORTS = 20


def _sources(first_docs, total: int, what: str) -> str:
    """The source line: each report, or the first six and how many in all."""
    records = first_docs.to_dict("records")
    line = "；".join(f"{document_label(r)}，{what}" for r in records[:6])
    return line + (f" 等 {total:,} 份报告" if total > 6 else "")


def _report_scope(items: str, total: int, key: str, what: str, prefix: str):
    """The report picker of a tab -> (document id or None for all, the first reports
    in scope (at most CHART_REPORTS + 1), how many in all, their source line, the
    export file stem).  The picker searches the store: a province has thousands."""
    def find(**kwargs):
        return q.documents_with_items(items, **kwargs)

    doc_id = filters.store_document_select(find, total, key=key, label="报告", all_label="全部报告（跨部门）")
    scope_docs = find(document_ids=[doc_id]) if doc_id is not None else find(limit=CHART_REPORTS + 1)
    in_scope = 1 if doc_id is not None else total
    stem = prefix + ("全部报告" if doc_id is None else document_label(scope_docs.iloc[0]))
    return doc_id, scope_docs, in_scope, _sources(scope_docs, in_scope, what), stem


def _page_of(fetch, segments, id_column: str):
    """The rows of one page: each document's slice of its items, in order."""
    if not segments:
        return None
    rows = fetch(document_ids=[d for d, _skip, _take in segments])
    parts = []
    for doc_id, skip, take in segments:
        own = rows[rows["document_id"] == doc_id].sort_values("seq", kind="stable")
        parts.append(own.iloc[skip:skip + take])
    return pd.concat(parts, ignore_index=True) if parts else rows.iloc[0:0]


def _histogram(fig, pairs, name: str) -> None:
    """Scores counted per value, binned by plotly as the raw scores would be."""
    fig.add_histogram(x=[float(v) for v, _n in pairs], y=[n for _v, n in pairs], histfunc="sum", name=name,
                      xbins=SCORE_BINS, texttemplate="%{y}", textposition="outside", cliponaxis=False,
                      hovertemplate="%{x} 分：%{y} 个项目<extra>" + name + "</extra>")


def _pick_item(table: pd.DataFrame, scope: pd.DataFrame, id_column: str, key: str) -> tuple[int, pd.Series, dict] | None:
    """The project picked below a tab's table -> (its id, its stored row, its data);
    None when the table is empty.  Both tabs name a project alike."""
    ids = [int(i) for i in table[id_column]]
    names = {int(r[id_column]): f"{r['序号']}. {r['项目名称']}（{r['部门']} {r['年度']}年）" for r in table.to_dict("records")}
    chosen = filters.select("项目", ids, key=key, default=ids[0] if ids else None, format_func=lambda i: names.get(i, str(i)))
    if chosen is None:
        return None
    rec = scope[scope[id_column] == chosen].iloc[0]
    return chosen, rec, rec["data"] if isinstance(rec["data"], dict) else {}


#: one report chosen: its agency and year need not be repeated on every row
PER_REPORT_COLUMNS = ["部门", "年度"]
#: the indicator table fits the page with two-line rows, 计分说明 the widest
INDICATOR_WIDTHS = {
    "一级指标": {"width": 64}, "二级指标": {"width": 84}, "三级指标": {"width": 120}, "分值": {"width": 44},
    "指标值": {"width": 84}, "实际完成值": {"width": 84}, "完成情况": {"width": 64}, "自评得分": {"width": 64},
    "复核得分": {"width": 64}, "差异": {"width": 44, "help": "自评得分 − 复核得分"},
    "评分规则": {"width": 96, "help": "复核时所用的规则，详见“计分说明”"}, "计分说明": {"width": 260},
}


def _evaluation_tab(doc_id, scope_docs, in_scope: int, source: str, stem: str) -> None:
    """项目绩效自评复核: the self-evaluations of the chosen report(s), re-scored."""
    totals = fr.self_evaluation_totals(q.self_evaluation_score_counts(doc_id))

    layout.kpi_row(
        [
            ("自评项目", f"{totals['items']:,} 个", None),
            ("平均自评得分", _points(totals["mean_reported"]), None),
            ("平均复核得分", _points(totals["mean_computed"]), "按规则重新计算的得分"),
            ("得分不一致", f"{totals['differing']:,} 个", "自评得分与复核得分不同的项目"),
            ("发现问题", f"{totals['findings']:,} 条", None),
        ]
    )
    if not totals["computed"]:
        st.caption("这些项目还没有复核得分（评分引擎尚未对其运行），下表只列自评得分和表中的数字。")

    c1, c2 = st.columns(2)
    with c1:
        fig = go.Figure()
        _histogram(fig, totals["reported"], "自评得分")
        if totals["computed"]:
            _histogram(fig, totals["computed"], "复核得分")
        low = min([float(v) for v, _n in totals["reported"] + totals["computed"]] or [0.0])
        fig.update_layout(title=_title("得分分布（每 5 分一档，项目个数）"), barmode="group", xaxis_title="得分（分）",
                          xaxis_range=[_floor5(low), 100.5], xaxis_tick0=0, xaxis_dtick=5, bargap=0.15,
                          margin=dict(t=90),
                          legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0,
                                      title_text=""))
        export.chart(fig, "perf-hist", source=source, file_stem=f"{stem}_得分分布")
    with c2:
        grades = totals["grades"]
        fig = go.Figure(go.Bar(x=grades["等级"], y=grades["项目数"], text=grades["项目数"], textposition="outside",
                               cliponaxis=False, hovertemplate="%{x}：%{y} 个<extra></extra>"))
        fig.update_layout(title=_title("等级分布（项目个数；优≥90，良80–90，中60–80，差<60）"), xaxis_title="等级",
                          yaxis_range=[0, max(grades["项目数"].max(), 1) * 1.18], margin=dict(t=90))
        export.chart(fig, "perf-grades", source=source, file_stem=f"{stem}_等级分布")

    if doc_id is None and 1 < in_scope <= CHART_REPORTS:
        light = q.self_evaluations(document_ids=[int(d) for d in scope_docs["document_id"]], with_data=False)
        doc_names = {int(r["document_id"]): document_label(r) for r in scope_docs.to_dict("records")}
        per_doc = []
        for did, group in light.groupby("document_id", sort=False):
            vals = [v for v in group["reported_score"] if v is not None]
            comp = [v for v in group["computed_score"] if v is not None]
            per_doc.append({"报告": doc_names.get(int(did), str(did)), "项目数": len(group),
                            "平均自评得分": float(sum(vals) / len(vals)) if vals else None,
                            "平均复核得分": float(sum(comp) / len(comp)) if comp else None})
        by_doc = pd.DataFrame(per_doc)
        fig = charts.hbar_grouped(
            [f"{r}<br>（{n} 个项目）" for r, n in zip(by_doc["报告"], by_doc["项目数"])],
            [("平均自评得分", list(by_doc["平均自评得分"])), ("平均复核得分", list(by_doc["平均复核得分"]))],
            title="各报告平均得分（分）", unit="分", x_range=[0, 112],
        )
        export.chart(fig, "perf-by-doc", source=source, file_stem=f"{stem}_各报告平均分")
    elif doc_id is None and in_scope > CHART_REPORTS:
        st.caption(f"共 {in_scope:,} 份报告有项目绩效自评表；在上方“报告”中选择一份，可看它的得分和每个项目。")

    st.subheader("项目得分")
    offset, limit = pager(totals["items"], key="perf_page", page_size=ITEMS_PER_PAGE, noun="个项目",
                          reset_on=doc_id)
    scope = _page_of(q.self_evaluations, q.item_segments("self_evaluations", doc_id, offset=offset, limit=limit),
                     "self_evaluation_id")
    table = fr.self_evaluation_table(scope)
    shown = table.drop(columns=["self_evaluation_id", "document_id"]
                       + (PER_REPORT_COLUMNS if doc_id is not None else []))
    export.table(shown, "perf-table", source=source, file_stem=stem, money_columns=["预算数", "执行数"],
                 unit_in_header=False,
                 columns={"项目名称": {"width": 300}, "主要问题": {"width": "large"},
                          "差异": {"help": "自评得分 − 复核得分"}})

    st.subheader("单个项目的指标与评分规则")
    picked = _pick_item(table, scope, "self_evaluation_id", key="project")
    if picked is not None:
        chosen, rec, data = picked
        row = table[table["self_evaluation_id"] == chosen].iloc[0]
        layout.kpi_row(
            [
                ("预算数", layout.fmt_wan(row["预算数"]), None),
                ("执行数", layout.fmt_wan(row["执行数"]), f"执行率 {layout.fmt_pct(row['执行率（%）'])}"),
                ("自评得分", _points(row["自评得分"]),
                 f"其中预算执行率得分 {layout.fmt_number(fr.dec(data.get('execution_points')))}"
                 "（执行数÷预算数，超过 1 按 1 计，再乘以 10）"),
                ("复核得分", _points(row["复核得分"]), f"等级：{row['等级'] or '—'}"),
            ]
        )
        narrative = data.get("narrative_score")
        if narrative is not None and fr.dec(narrative) != row["自评得分"]:
            st.warning(f"说明中写的得分为 {layout.fmt_number(narrative)} 分，与表中自评得分 {layout.fmt_number(row['自评得分'])} 分不一致。")
        item_source = f"{document_label(rec)}，项目绩效自评表《{data.get('table') or rec['name']}》"
        indicators = fr.indicator_table(data)
        if indicators.empty:
            st.caption("该项目没有识别到指标行。")
        else:
            export.table(fr.drop_empty_columns(indicators, ["实际完成值", "完成情况", "复核得分", "差异", "计分说明"]),
                         "perf-indicators", source=item_source, file_stem=f"绩效自评指标_{rec['name']}",
                         money_columns=None, row_height=66, columns=INDICATOR_WIDTHS)
        item_findings = fr.item_findings_table(data)
        if item_findings.empty:
            st.caption("复核未发现该项目的问题。" if row["复核得分"] is not None else "该项目暂无复核结果。")
        else:
            st.markdown("**发现的问题**")
            export.table(item_findings, "perf-findings", source=item_source,
                         file_stem=f"绩效自评问题_{rec['name']}", money_columns=None,
                         columns={"规则": {"width": 240}, "严重程度": {"width": 70}, "说明": {"width": 700}},
                         row_height=66)


def _target_tab(tdoc, _scope_docs, _in_scope: int, tsource: str, tstem: str) -> None:
    """绩效目标质量: how well the chosen report(s) wrote their performance targets."""
    qtotals = fr.target_quality_totals(q.project_quality_counts(tdoc))
    layout.kpi_row(
        [
            ("项目", f"{qtotals['items']:,} 个", None),
            ("平均目标质量得分", _points(qtotals["mean"]) if qtotals["scores"] else "—",
             "指标齐全、量化（符号+数值+单位）、单位相符、未照搬模板"),
            ("低于 80 分", f"{qtotals['below_80']:,} 个", None),
        ]
    )
    if not qtotals["scores"]:
        st.caption("这些项目还没有目标质量评分，下表只列项目和指标数。")
    else:
        st.markdown("**常见问题**（项目个数）")
        layout.kpi_row([(label, f"{n:,} 个", why) for label, n, why in fr.quality_summary_rows(qtotals["issues"])])
        fig = go.Figure()
        fig.add_histogram(x=[float(v) for v, _n in qtotals["scores"]], y=[n for _v, n in qtotals["scores"]],
                          histfunc="sum", xbins=SCORE_BINS, texttemplate="%{y}", textposition="outside",
                          cliponaxis=False, hovertemplate="%{x} 分：%{y} 个项目<extra></extra>")
        fig.update_layout(title=_title("绩效目标质量得分分布（每 5 分一档，项目个数）"), xaxis_title="得分（分）",
                          xaxis_range=[_floor5(min(float(v) for v, _n in qtotals["scores"])), 100.5],
                          xaxis_tick0=0, xaxis_dtick=5, bargap=0.15)
        export.chart(fig, "target-hist", source=tsource, file_stem=f"{tstem}_得分分布")
    toffset, tlimit = pager(qtotals["items"], key="target_page", page_size=ITEMS_PER_PAGE, noun="个项目",
                            reset_on=tdoc)
    tscope = _page_of(q.projects, q.item_segments("projects", tdoc, offset=toffset, limit=tlimit), "project_id")
    quality = fr.target_quality_table(tscope)
    export.table(quality.drop(columns=["project_id", "document_id"] + (PER_REPORT_COLUMNS if tdoc is not None else [])),
                 "target-table", source=tsource, file_stem=tstem, money_columns=["预算数"], unit_in_header=False,
                 columns={"项目名称": {"width": 260}, "评分依据": {"width": "large"},
                          "可量化（%）": {"help": "指标值写成“符号+数值+单位”的指标所占比例"},
                          "单位相符（%）": {"help": "带单位的指标中，单位与指标相符的比例"},
                          "雷同项目数": {"help": "指标设置与本项目雷同（疑为套用模板）的其他项目个数"}})

    st.subheader("单个项目的绩效指标")
    picked = _pick_item(quality, tscope, "project_id", key="target")
    if picked is not None:
        _pid, prec, pdata = picked
        reasons = (pdata.get("quality") or {}).get("reasons") or []
        if reasons:
            st.markdown("**目标质量评分依据：** " + "；".join(str(r) for r in reasons))
        pind = fr.target_indicator_table(pdata)
        if pind.empty:
            st.caption("该项目没有识别到指标行。")
        else:
            export.table(fr.drop_empty_columns(pind, ["指标描述", "指标值确定依据"]), "target-indicators",
                         source=f"{document_label(prec)}，项目绩效目标表",
                         file_stem=f"绩效目标指标_{prec['name']}", money_columns=None)


# (tab, what it shows, items, totals, picker key, table name, export prefix, when there is nothing)
TABS = [
    ("项目绩效自评复核", _evaluation_tab, "self_evaluations", evaluation_total, "doc", "项目绩效自评表", "绩效自评复核_",
     "已载入的报告中没有项目绩效自评表（通常附在部门决算公开之后）。请在「报告库」上传附有绩效自评表的部门决算，或切换到「绩效目标质量」页签。"),
    ("绩效目标质量", _target_tab, "projects", project_total, "tdoc", "项目绩效目标表", "绩效目标质量_",
     "已载入的报告中没有项目绩效目标表（通常附在部门预算公开之后）。请在「报告库」上传附有绩效目标表的部门预算，或切换到「项目绩效自评复核」页签。"),
]
for tab, (_label, show, items, total, key, what, prefix, empty) in zip(st.tabs([t[0] for t in TABS]), TABS):
    with tab:
        if not total["documents"]:
            st.info(empty)
        else:
            show(*_report_scope(items, total["documents"], key, what, prefix))
