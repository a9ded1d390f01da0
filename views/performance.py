"""绩效评分: project self-evaluations re-scored, and the quality of performance targets."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis import frames as fr
from components import charts, export, filters, layout
from components.filters import document_label
from store import queries as q

# 5-point bins closed on the right, (95, 100], so a full score shares the top bin.
SCORE_BINS = dict(start=0.001, end=100.001, size=5)

layout.page_setup("绩效评分", "项目支出绩效自评：自评得分与按《项目支出绩效评价管理办法》规则复核的得分、差异、等级和发现的问题；预算项目绩效目标的编制质量。")
layout.ensure_samples_loaded()
eng = layout.engine()

docs = q.list_documents(engine=eng)
evaluations = q.self_evaluations(engine=eng)
projects = q.projects(engine=eng)
if docs.empty:
    st.info("还没有报告。请先在「报告库」上传含项目绩效自评表的部门决算，或含项目绩效目标表的部门预算。")
    st.stop()
if evaluations.empty and projects.empty:
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


#: one report chosen: its agency and year need not be repeated on every row
PER_REPORT_COLUMNS = ["部门", "年度"]
#: the indicator table fits the page with two-line rows, 计分说明 the widest
INDICATOR_WIDTHS = {
    "一级指标": {"width": 64}, "二级指标": {"width": 84}, "三级指标": {"width": 120}, "分值": {"width": 44},
    "指标值": {"width": 84}, "实际完成值": {"width": 84}, "完成情况": {"width": 64}, "自评得分": {"width": 64},
    "复核得分": {"width": 64}, "差异": {"width": 44, "help": "自评得分 − 复核得分"},
    "评分规则": {"width": 96, "help": "复核时所用的规则，详见“计分说明”"}, "计分说明": {"width": 260},
}


tab_eval, tab_target = st.tabs(["项目绩效自评复核", "绩效目标质量"])

# ------------------------------------------------------------------ self-evaluations
with tab_eval:
    if evaluations.empty:
        st.info("已载入的报告中没有项目绩效自评表（通常附在部门决算公开之后）。请在「报告库」上传附有绩效自评表的部门决算，或切换到「绩效目标质量」页签。")
    else:
        eval_docs = docs[docs["document_id"].isin(evaluations["document_id"])]
        doc_id = filters.document_select(eval_docs, key="doc", label="报告", all_label="全部报告（跨部门）")
        scope = evaluations if doc_id is None else evaluations[evaluations["document_id"] == doc_id]
        table = fr.self_evaluation_table(scope)
        scope_docs = eval_docs if doc_id is None else eval_docs[eval_docs["document_id"] == doc_id]
        source = "；".join(f"{document_label(r)}，项目绩效自评表" for r in scope_docs.to_dict("records"))
        stem = "绩效自评复核_" + ("全部报告" if doc_id is None else document_label(scope_docs.iloc[0]))

        reported = [v for v in table["自评得分"] if v is not None]
        computed = [v for v in table["复核得分"] if v is not None]
        differing = [d for d in table["差异"] if d is not None and abs(d) > 0]
        mean = lambda xs: sum(xs) / len(xs) if xs else None  # noqa: E731
        layout.kpi_row(
            [
                ("自评项目", f"{len(table)} 个", None),
                ("平均自评得分", _points(mean(reported)), None),
                ("平均复核得分", _points(mean(computed)), "按规则重新计算的得分"),
                ("得分不一致", f"{len(differing)} 个", "自评得分与复核得分不同的项目"),
                ("发现问题", f"{int(table['问题数'].sum())} 条", None),
            ]
        )
        if not computed:
            st.caption("这些项目还没有复核得分（评分引擎尚未对其运行），下表只列自评得分和表中的数字。")

        c1, c2 = st.columns(2)
        with c1:
            fig = go.Figure()
            fig.add_histogram(x=[float(v) for v in reported], name="自评得分", xbins=SCORE_BINS, texttemplate="%{y}",
                              textposition="outside", cliponaxis=False,
                              hovertemplate="%{x} 分：%{y} 个项目<extra>自评得分</extra>")
            if computed:
                fig.add_histogram(x=[float(v) for v in computed], name="复核得分", xbins=SCORE_BINS,
                                  texttemplate="%{y}", textposition="outside", cliponaxis=False,
                                  hovertemplate="%{x} 分：%{y} 个项目<extra>复核得分</extra>")
            low = min([float(v) for v in reported + computed] or [0.0])
            fig.update_layout(title=_title("得分分布（每 5 分一档，项目个数）"), barmode="group", xaxis_title="得分（分）",
                              xaxis_range=[_floor5(low), 100.5], xaxis_tick0=0, xaxis_dtick=5, bargap=0.15,
                              margin=dict(t=90),
                              legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0,
                                          title_text=""))
            export.chart(fig, "perf-hist", source=source, file_stem=f"{stem}_得分分布")
        with c2:
            grades = fr.grade_counts(table["等级"])
            fig = go.Figure(go.Bar(x=grades["等级"], y=grades["项目数"], text=grades["项目数"], textposition="outside",
                                   cliponaxis=False, hovertemplate="%{x}：%{y} 个<extra></extra>"))
            fig.update_layout(title=_title("等级分布（项目个数；优≥90，良80–90，中60–80，差<60）"), xaxis_title="等级",
                              yaxis_range=[0, max(grades["项目数"].max(), 1) * 1.18], margin=dict(t=90))
            export.chart(fig, "perf-grades", source=source, file_stem=f"{stem}_等级分布")

        if doc_id is None and scope["document_id"].nunique() > 1:
            doc_names = {int(r["document_id"]): document_label(r) for r in eval_docs.to_dict("records")}
            per_doc = []
            for did, group in table.groupby("document_id", sort=False):
                vals = [v for v in group["自评得分"] if v is not None]
                comp = [v for v in group["复核得分"] if v is not None]
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

        st.subheader("项目得分")
        shown = table.drop(columns=["self_evaluation_id", "document_id"]
                           + (PER_REPORT_COLUMNS if doc_id is not None else []))
        export.table(shown, "perf-table", source=source, file_stem=stem, money_columns=["预算数", "执行数"],
                     unit_in_header=False,
                     columns={"项目名称": {"width": 300}, "主要问题": {"width": "large"},
                              "差异": {"help": "自评得分 − 复核得分"}})

        st.subheader("单个项目的指标与评分规则")
        ids = [int(i) for i in table["self_evaluation_id"]]
        names = {int(r["self_evaluation_id"]): f"{r['序号']}. {r['项目名称']}（{r['部门']} {r['年度']}年）"
                 for r in table.to_dict("records")}
        chosen = filters.select("项目", ids, key="project", default=ids[0] if ids else None,
                                format_func=lambda i: names.get(i, str(i)))
        if chosen is not None:
            rec = scope[scope["self_evaluation_id"] == chosen].iloc[0]
            data = rec["data"] if isinstance(rec["data"], dict) else {}
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

# ------------------------------------------------------------------ performance targets
with tab_target:
    if projects.empty:
        st.info("已载入的报告中没有项目绩效目标表（通常附在部门预算公开之后）。请在「报告库」上传附有绩效目标表的部门预算，或切换到「项目绩效自评复核」页签。")
    else:
        target_docs = docs[docs["document_id"].isin(projects["document_id"])]
        tdoc = filters.document_select(target_docs, key="tdoc", label="报告", all_label="全部报告（跨部门）")
        tscope = projects if tdoc is None else projects[projects["document_id"] == tdoc]
        quality = fr.target_quality_table(tscope)
        tscope_docs = target_docs if tdoc is None else target_docs[target_docs["document_id"] == tdoc]
        tsource = "；".join(f"{document_label(r)}，项目绩效目标表" for r in tscope_docs.to_dict("records"))
        tstem = "绩效目标质量_" + ("全部报告" if tdoc is None else document_label(tscope_docs.iloc[0]))
        scores = [v for v in quality["目标质量得分"] if v is not None]
        layout.kpi_row(
            [
                ("项目", f"{len(quality)} 个", None),
                ("平均目标质量得分", _points(sum(scores) / len(scores)) if scores else "—",
                 "指标齐全、量化（符号+数值+单位）、单位相符、未照搬模板"),
                ("低于 80 分", f"{sum(1 for s in scores if s < 80)} 个", None),
            ]
        )
        if not scores:
            st.caption("这些项目还没有目标质量评分，下表只列项目和指标数。")
        else:
            st.markdown("**常见问题**（项目个数）")
            layout.kpi_row([(label, f"{n} 个", why) for label, n, why in fr.target_quality_summary(quality)])
            fig = go.Figure(go.Histogram(x=[float(s) for s in scores], xbins=SCORE_BINS, texttemplate="%{y}",
                                         textposition="outside", cliponaxis=False,
                                         hovertemplate="%{x} 分：%{y} 个项目<extra></extra>"))
            fig.update_layout(title=_title("绩效目标质量得分分布（每 5 分一档，项目个数）"), xaxis_title="得分（分）",
                              xaxis_range=[_floor5(min(float(s) for s in scores)), 100.5], xaxis_tick0=0,
                              xaxis_dtick=5, bargap=0.15)
            export.chart(fig, "target-hist", source=tsource, file_stem=f"{tstem}_得分分布")
        export.table(quality.drop(columns=["project_id", "document_id"] + (PER_REPORT_COLUMNS if tdoc is not None else [])),
                     "target-table", source=tsource, file_stem=tstem, money_columns=["预算数"], unit_in_header=False,
                     columns={"项目名称": {"width": 260}, "评分依据": {"width": "large"},
                              "可量化（%）": {"help": "指标值写成“符号+数值+单位”的指标所占比例"},
                              "单位相符（%）": {"help": "带单位的指标中，单位与指标相符的比例"},
                              "雷同项目数": {"help": "指标设置与本项目雷同（疑为套用模板）的其他项目个数"}})

        st.subheader("单个项目的绩效指标")
        pids = [int(i) for i in quality["project_id"]]
        pnames = {int(r["project_id"]): f"{r['序号']}. {r['项目名称']}（{r['部门']} {r['年度']}年）"
                  for r in quality.to_dict("records")}
        pid = filters.select("项目", pids, key="target", default=pids[0] if pids else None,
                             format_func=lambda i: pnames.get(i, str(i)))
        if pid is not None:
            prec = tscope[tscope["project_id"] == pid].iloc[0]
            pdata = prec["data"] if isinstance(prec["data"], dict) else {}
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
