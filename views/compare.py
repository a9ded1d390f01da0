"""部门对比: a year and 2–12 agencies side by side."""
from __future__ import annotations

import streamlit as st

from analysis import compare as ac
from analysis import compare_tables as act
from analysis import peers as ap
from analysis.frames import doc_title, group_segments, provenance, stacked_parts
from components import cached as q
from components import charts, export, filters, layout
from components.safety import md

layout.page_setup("部门对比", "同一年度的多个部门并排比较：支出规模、基本与项目支出、人员与公用经费、功能分类结构、“三公”经费、机关运行经费与项目绩效。")
layout.ensure_samples_loaded()

# agencies and years counted in SQL; documents read only for the agencies chosen
if q.year_summary(kind=list(ac.FINANCIAL_KINDS)).empty:
    st.info("还没有可对比的部门预算或决算。请先在「报告库」上传部门预算公开或部门决算公开文件。")
    st.stop()

# ------------------------------------------------------------------ selection
c1, c2, c3 = st.columns([1, 1, 1])
kind = filters.kind_select([ac.ANY_KIND, "budget", "final_accounts"], key="kind", default=ac.ANY_KIND,
                           container=c1, help="“预算和决算”：同一年度两者都有时取预算")
kinds = ac.kinds_of(kind)
year_counts = q.year_summary(kind=kinds)
years = [int(y) for y in year_counts["year"]]
year = filters.year_select([None] + years, key="year", default=None, none_label="自动（共同年度，否则各自最新）",
                           container=c2, help="所选部门在该年度没有文件时，取其最新一份并注明年度")
all_agencies = filters.checkbox("全部部门", key="all", container=c3,
                                help="对比所有有该类文件的部门（不受 12 个的限制）")
summary = q.agency_summary(kind=kinds)
all_options = list(summary["agency"])
agency_ids = dict(zip(summary["agency"], (int(a) for a in summary["agency_id"])))
default_year = ac.default_year(year_counts)
default_agencies = (list(q.agency_summary(kind=kinds, year=default_year)["agency"]) if default_year is not None
                    else all_options)[: ac.MAX_AGENCIES]

# peer groups: narrow the agencies by level, province, city and kind; "同类同级" picks the anchor's peers
provinces, cities = ap.region_options(all_options)
f1, f2, f3, f4 = st.columns([1, 1, 1, 1])
levels = filters.multiselect("级次", [lv for lv in ap.LEVELS if lv in {ap.profile(a).level for a in all_options}],
                             key="levels", container=f1, placeholder="全部级次",
                             help="按部门名称判断：省、市、区县、乡镇街道（中央部门为“中央”）")
chosen_provinces = filters.multiselect("省份", provinces, key="provinces", container=f2, placeholder="全部省份",
                                       help="部门名称中写明的省份，或其所在城市所属的省份")
chosen_cities = filters.multiselect("城市", cities, key="cities", container=f3, placeholder="全部城市")
kinds_found = sorted({ap.profile(a).kind for a in all_options})
chosen_kinds = filters.multiselect("部门类别", kinds_found, key="kinds", container=f4, placeholder="全部类别",
                                   help="按部门名称归类：医疗保障局、财政局、卫生健康委员会、教育局、街道办事处等，简称（医保局、卫健委）归入全称")
options = ap.filter_agencies(all_options, levels=levels, provinces=chosen_provinces, cities=chosen_cities,
                             kinds=chosen_kinds)
if not options:
    st.info("没有符合所选级次、地区和类别的部门。请放宽上面的筛选条件。")
    st.stop()


def _pick_peers(anchor: str, pool: list[str]) -> None:
    st.session_state["agencies"] = ap.peers(anchor, pool)[: ac.MAX_AGENCIES]
    st.session_state["all"] = False


p1, p2 = st.columns([3, 1], vertical_alignment="bottom")
peer_counts = ap.peer_counts(options)
anchor = filters.search_select("参照部门", options, key="peer_of", container=p1,
                        default=max(options, key=lambda a: (peer_counts[a], a in default_agencies)),
                        format_func=lambda a: f"{a}（{ap.profile(a).kind} · {ap.profile(a).level or '级次不详'}）",
                        help="“同类同级”选出与它类别相同、级次相同的部门（受上面的地区筛选限制）")
p2.button(f"同类同级（{peer_counts.get(anchor, 0)} 个）", key="peer_button", icon=":material/group:", on_click=_pick_peers,
          args=(anchor, options), disabled=anchor is None, width="stretch",
          help="一键选出与参照部门类别相同、级次相同的部门进行对比")
default_agencies = [a for a in default_agencies if a in options] or options[: ac.MAX_AGENCIES]
if all_agencies:
    agencies = options
    st.caption(f"已选全部 {len(options)} 个部门。")
else:
    agencies = filters.agencies_select(
        options, key="agencies", default=default_agencies, max_selections=ac.MAX_AGENCIES, label="部门（2–12 个）",
        help=(f"默认选 {default_year} 年有文件的部门（该年度部门最多）" if default_year else None),
    )

if len(agencies) < ac.MIN_AGENCIES:
    st.info("请至少选择 2 个部门进行对比。")
    st.stop()

docs = (q.document_index(kind=kinds) if all_agencies
        else q.document_index(kind=kinds, agency_id=[agency_ids[a] for a in agencies if a in agency_ids]))
selection = ac.choose_documents(docs, agencies, year, kind)
chosen = selection.documents
if selection.missing:
    st.warning("以下部门没有所选类型的文件，未列入对比：" + "、".join(selection.missing))
if chosen.empty or len(chosen) < ac.MIN_AGENCIES:
    st.info("可对比的部门不足 2 个，请调整选择。")
    st.stop()
if selection.year is None:
    st.warning("所选部门没有共同的年度，以下对比各部门最新的一份文件，图表和表格中注明了各自的年度和类型。")
elif selection.notes:
    st.warning(f"对比年度：{selection.year}年。" + "；".join(selection.notes) + "。")
else:
    st.caption(f"对比年度：{selection.year}年。")
if selection.mixed_kinds:
    st.info("注意：所选文件既有预算也有决算，预算数与决算数口径不同。")

doc_ids = [int(d) for d in chosen["document_id"]]
totals = q.totals_wide(document_ids=doc_ids)
# the chosen agencies' projects and self-evaluations in the chosen years: counts and scores only
agency_ids = sorted({int(a) for a in chosen["agency_id"]})
chosen_years = sorted({int(y) for y in chosen["year"]})
counts = ac.performance_counts(chosen, q.projects(agency_ids=agency_ids, years=chosen_years, with_data=False),
                               q.self_evaluations(agency_ids=agency_ids, years=chosen_years, with_data=False))
table = ac.measure_table(chosen, totals, counts)
source_rows = q.line_items(doc_ids, section=["totals", "three_public"])
source = provenance(source_rows if not source_rows.empty else chosen)
lines = q.function_lines(doc_ids)  # 支出功能分类 lines, for the structure tab
labels = list(table["label"])
# chart categories: the agency, its document on a second line
categories = [f"{a}<br>（{doc_title(a, y, k)}）" for a, y, k in zip(table["agency"], table["year"], table["kind"])]
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


def _stacked(total_key: str, parts: list[tuple[str, str]], title: str, *, total_name: str, other: str):
    segments, ends = stacked_parts(table, total_key, parts, other_label=other)
    return charts.hbar_stacked(categories, segments, totals=ends, total_name=total_name, title=title)


# ------------------------------------------------------------------ charts
tab_scale, tab_structure, tab_three, tab_perf = st.tabs(["支出规模", "功能分类结构", "“三公”与机关运行经费", "项目与绩效"])
with tab_scale:
    export.chart(
        _stacked("expenditure_total", [("basic", "基本支出"), ("project", "项目支出")],
                 "本年支出合计：基本支出与项目支出（万元）", total_name="合计", other="其他支出"),
        "compare-scale", source=source, file_stem=f"部门对比_支出规模_{stem_year}",
    )
    export.chart(
        _stacked("basic", [("personnel", "人员经费"), ("public", "公用经费")],
                 "基本支出：人员经费与公用经费（万元）", total_name="基本支出", other="未分项"),
        "compare-basic", source=source, file_stem=f"部门对比_人员与公用经费_{stem_year}",
    )

with tab_structure:
    shares = ac.function_shares(chosen, lines)
    if shares.empty:
        st.info("所选文件没有可用的支出功能分类明细。请换选其他部门或年度，或在「报告库」上传含支出总表的文件。")
    else:
        segments = group_segments(shares, ["class_code", "class_name"], "label", "share", labels,
                                  name=lambda key: f"{key[0]} {key[1]}")
        fig = charts.hbar_stacked(categories, segments, title="支出功能分类结构（按类，占本年支出的%）", percent=True)
        line_source = provenance(lines) if not lines.empty else source
        export.chart(fig, "compare-structure", source=line_source, file_stem=f"部门对比_功能分类结构_{stem_year}")
        if shares["derived"].any():
            st.caption("注：未列示“类”级合计的文件，按其最明细科目的前三位汇总到“类”。")
        st.markdown("**各类支出占本年支出的比例（%）**")
        export.table(ac.share_matrix(shares, ac.short_names(table)), "compare-structure-table", source=line_source,
                     file_stem=f"部门对比_功能分类占比_{stem_year}", money_columns=None)

with tab_three:
    export.chart(
        _stacked("three_public_total", [("three_public_outbound", "因公出国（境）费"),
                                        ("three_public_vehicle_total", "公务用车购置及运行维护费"),
                                        ("three_public_reception", "公务接待费")],
                 "“三公”经费及其构成（万元）", total_name="合计", other="未分项"),
        "compare-three", source=source, file_stem=f"部门对比_三公经费_{stem_year}",
    )
    export.chart(
        charts.hbar(categories, list(table["operating_expenses"]), title="机关运行经费（万元）"),
        "compare-operating", source=source, file_stem=f"部门对比_机关运行经费_{stem_year}",
    )

with tab_perf:
    has_counts = table["project_count"].notna().any() or table["self_evaluation_count"].notna().any()
    if not has_counts:
        st.info("所选文件没有项目绩效目标表或绩效自评表。请在「报告库」上传附有绩效目标表的部门预算或附有绩效自评表的部门决算。")
    else:
        export.chart(
            charts.hbar_grouped(
                categories,
                [("项目个数（绩效目标表）", list(table["project_count"])),
                 ("绩效自评项目个数", list(table["self_evaluation_count"]))],
                title="项目个数（个）", unit="个", decimals=0,
            ),
            "compare-perf", source=source, file_stem=f"部门对比_项目个数_{stem_year}",
        )
        scored = table[table["mean_reported_score"].map(lambda v: v is not None)]
        if not scored.empty:
            keep = [lb in set(scored["label"]) for lb in labels]
            export.chart(
                charts.hbar_grouped(
                    [c for c, k in zip(categories, keep) if k],
                    [("平均自评得分", list(scored["mean_reported_score"])),
                     ("平均复核得分", list(scored["mean_computed_score"]))],
                    title="项目绩效自评平均得分（分）", unit="分", x_range=[0, 112],
                ),
                "compare-scores", source=source, file_stem=f"部门对比_平均自评得分_{stem_year}",
            )

# ------------------------------------------------------------------ the comparison tables (one row per agency)
st.subheader("对比表")
c1, c2 = st.columns([1, 1])
view = filters.select("显示", list(act.VIEWS), key="view", default="value", format_func=lambda v: act.VIEWS[v],
                      container=c1, help="数值；与基准部门之差（本部门 − 基准部门）；或各项在所选部门中的排名")
baseline = None
if view == "diff":
    baseline = filters.select("基准部门", labels, key="base", default=labels[0], container=c2)
suffix = {"value": "", "diff": "_与基准之差", "rank": "_排名"}[view]
help_cols = {h: {"help": t} for h, t in act.COLUMN_HELP.items()}
money = view != "rank"


def _rows(title: str, measures, key: str, stem: str, *, amounts: bool) -> None:
    st.markdown(f"**{title}**")
    frame = act.agency_rows(table, measures, view=view, baseline=baseline)
    export.table(frame, key, source=source, file_stem=f"部门对比_{stem}{suffix}_{stem_year}",
                 money_columns=[h for _, h in measures] if amounts and money else None, columns=help_cols,
                 unit_in_header=False)


_rows("收支规模", act.SCALE_COLUMNS, "compare-amounts", "收支规模", amounts=True)
_rows("“三公”经费与机关运行经费", act.THREE_PUBLIC_COLUMNS, "compare-three-table", "三公经费", amounts=True)
_rows("支出结构（占比，%）", act.SHARE_COLUMNS, "compare-structure-measures", "支出结构", amounts=False)
_rows("项目与绩效", act.PERFORMANCE_COLUMNS, "compare-performance-table", "项目与绩效", amounts=False)
st.caption("空白表示文件未列示该项或无法计算。" + ("排名：1 为最大，并列者名次相同。" if view == "rank" else ""))

# ------------------------------------------------------------------ peer group: rank and median
st.subheader("组内排名与中位数")
group = ap.group_label(list(table["agency"]))
st.caption(f"所选部门：{md(group)}。排名 1 为最大（n/N：N 个列示该项的部门中第 n），最后一行为同组中位数。")
with st.expander("各部门的类别、级次和地区"):
    export.table(ap.profile_table(list(table["agency"])), "compare-profiles", source="部门名称",
                 file_stem=f"部门对比_部门类别与地区_{stem_year}", title="所选部门的类别、级次和地区")
rank_measures = [("expenditure_total", "本年支出合计"), ("basic", "基本支出"), ("project", "项目支出"),
                 ("three_public_total", "“三公”经费"), ("operating_expenses", "机关运行经费")]
ranked = ap.rank_table(table, rank_measures)
export.table(ranked, "compare-ranks", source=source, file_stem=f"部门对比_组内排名_{stem_year}",
             money_columns=[h for _, h in rank_measures], unit_in_header=False,
             title=f"组内排名与中位数（{group}）",
             columns={"部门": {"width": 240, "pinned": True},
                      **{f"{h}排名": {"help": f"{h}在组内的名次（1 为最大）/ 列示该项的部门数"} for _, h in rank_measures}})
