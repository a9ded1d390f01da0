"""地区对比: the stored agencies of each county (city, province) summed, regions side by side."""
from __future__ import annotations

import streamlit as st

from analysis import regions as ar
from analysis.frames import KIND_NAMES, group_segments, provenance, stacked_parts
from components import cached as q
from components import charts, export, filters, layout
from components.safety import md

#: agencies without a region named under the selection (the rest are counted)
UNPLACED_SHOWN = 30

layout.page_setup("地区对比", "把同一县（区）、市或省已载入的部门合计起来，地区之间并排比较：支出规模、基本与项目支出、"
                  "功能分类结构和“三公”经费。每个合计都注明包含几个部门——部门数不同的地区，合计数不能直接比较规模。")
layout.ensure_samples_loaded()

# counted by region in the store (agencies.region_*): a province's documents are never read one by one here
counts = q.region_year_counts(kind=list(ar.KIND_ORDER))
if counts.empty:
    st.info("还没有部门预算或决算。请先在「报告库」上传同一地区几个部门的预算或决算公开文件，再来按地区汇总。")
    st.stop()

# ------------------------------------------------------------------ selection
c1, c2, c3 = st.columns([1, 1, 1])
kinds = [k for k in ar.KIND_ORDER if (counts["kind"] == k).any()]
kind = filters.kind_select(kinds, key="region_kind", default=kinds[0], container=c2, label="口径")
level = filters.select("地区级次", list(ar.REGION_LEVELS), key="region_level", default=ar.best_level(counts, kind),
                       format_func=lambda v: ar.REGION_LEVELS[v], container=c1,
                       help="按部门名称中的地名归入地区：县（区）如“秦皇岛市北戴河区”，市如“秦皇岛市”；"
                       "默认选能并排最多地区的级次")
years = ar.ranked_years(counts, level, kind)
if not years:
    missing, _n = q.unplaced_agencies(level, kind=kind, limit=3)
    st.info(f"已载入的{KIND_NAMES.get(kind, kind)}中，没有部门的名称写明所在的{ar.REGION_LEVELS[level]}"
            f"（如：{'、'.join(missing)}）。请换一个地区级次，或上传名称中带有地名的部门文件。")
    st.stop()
year = filters.year_select(sorted(years, reverse=True), key="region_year", default=years[0], container=c3,
                           help="默认选地区最多的年度")
region_agencies = dict(zip(*(q.region_counts(level, year, kind)[c] for c in ("region", "agencies"))))
options = list(region_agencies)
chosen_regions = filters.multiselect(
    "地区", options, key="regions", default=options[:12],
    format_func=lambda r: f"{r}（{region_agencies.get(r, 0)} 个部门）", max_selections=12,
    placeholder="选择地区", help="每个地区合计其已载入的部门；最多 12 个地区")
left_out, left_out_n = q.unplaced_agencies(level, year, kind, limit=UNPLACED_SHOWN)
if left_out:
    more = f" 等 {left_out_n:,} 个" if left_out_n > len(left_out) else ""
    st.caption(f"名称中没有写明{ar.REGION_LEVELS[level]}的部门未计入：{md('、'.join(left_out))}{more}。")
if not chosen_regions:
    st.info("请至少选择 1 个地区。")
    st.stop()

chosen = q.region_documents(level, year, kind, chosen_regions)
doc_ids = [int(d) for d in chosen["document_id"]]
totals = q.totals_wide(document_ids=doc_ids, measures=[m for m, _ in ar.SUM_MEASURES])
table = ar.region_totals(chosen, totals)
source_rows = q.line_items(doc_ids, section=["totals", "three_public"])
source = provenance(source_rows if not source_rows.empty else chosen)
lines = q.function_lines(doc_ids)  # 支出功能分类 lines, for the structure tab
kind_name = KIND_NAMES.get(kind, kind)
stem = f"地区对比_{ar.REGION_LEVELS[level]}_{year}年{kind_name}"
categories = [f"{r}<br>（{int(n)} 个部门）" for r, n in zip(table["地区"], table[ar.COUNT_COLUMN])]

note = ar.coverage_note(table)
if note:
    st.warning(note)
else:
    st.caption(f"{year}年{kind_name}：每个地区合计 {int(table[ar.COUNT_COLUMN].iloc[0])} 个部门。")

layout.kpi_row([
    ("地区", f"{len(table)} 个", None),
    ("合计部门", f"{int(table[ar.COUNT_COLUMN].sum())} 个", "各地区合计所含的部门数之和"),
    ("本年支出合计最大", layout.fmt_wan(max((v for v in table["本年支出合计"] if v is not None), default=None)),
     None),
])

# ------------------------------------------------------------------ charts
tab_scale, tab_structure, tab_three = st.tabs(["支出规模", "功能分类结构", "“三公”经费"])
with tab_scale:
    scale = table.rename(columns={"本年支出合计": "expenditure_total", "基本支出": "basic", "项目支出": "project"})
    segments, ends = stacked_parts(scale, "expenditure_total", [("basic", "基本支出"), ("project", "项目支出")],
                                   other_label="其他支出")
    export.chart(charts.hbar_stacked(categories, segments, totals=ends, title=f"{year}年 各地区本年支出合计（万元）"),
                 "regions-scale", source=source, file_stem=f"{stem}_支出规模")
with tab_structure:
    sums = ar.region_function_sums(chosen, lines)
    if sums.empty:
        st.info("所选地区的文件没有可用的支出功能分类明细。请换一个年度或地区。")
    else:
        segments = group_segments(sums, "类", "地区", "share", table["地区"])
        line_source = provenance(lines) if not lines.empty else source
        export.chart(charts.hbar_stacked(categories, segments, percent=True,
                                         title=f"{year}年 各地区支出功能分类结构（按类，占比%）"),
                     "regions-structure", source=line_source, file_stem=f"{stem}_功能分类结构")
        export.table(ar.function_matrix(sums, "amount"), "regions-structure-table", source=line_source,
                     file_stem=f"{stem}_功能分类金额", money_columns=list(table["地区"]), unit_in_header=False,
                     title=f"{year}年 各地区支出功能分类（按类，万元）")
with tab_three:
    three = table.rename(columns={"“三公”经费": "three_public_total", "因公出国（境）费": "o",
                                  "公务用车购置及运行维护费": "v", "公务接待费": "r"})
    segments, ends = stacked_parts(three, "three_public_total", [("o", "因公出国（境）费"),
                                                                 ("v", "公务用车购置及运行维护费"), ("r", "公务接待费")],
                                   other_label="未分项")
    if all(e is None for e in ends):
        st.info("所选地区的文件没有列示“三公”经费。请换一个年度或口径，或在「报告库」上传含“三公”经费表的文件。")
    else:
        export.chart(charts.hbar_stacked(categories, segments, totals=ends, title=f"{year}年 各地区“三公”经费（万元）"),
                     "regions-three", source=source, file_stem=f"{stem}_三公经费")

# ------------------------------------------------------------------ tables
st.subheader("各地区合计")
money = [h for _, h in ar.SUM_MEASURES]
export.table(table, "regions-totals", source=source, file_stem=f"{stem}_合计", money_columns=money,
             unit_in_header=False, title=f"{year}年 各地区{kind_name}合计（万元）",
             columns={ar.COUNT_COLUMN: {"width": 70, "help": "合计所含的部门数"},
                      ar.COVERAGE_COLUMN: {"help": "少于全部部门列示的项目：列示的部门数/部门数"},
                      ar.MEMBERS_COLUMN: {"width": "large"}})
st.caption("空白表示该地区没有部门列示此项。“列示情况”注明哪些项目只有部分部门列示，其合计只含这些部门。")
st.subheader("计入的部门和文件")
export.table(ar.member_table(chosen), "regions-members", source=source, file_stem=f"{stem}_部门",
             title=f"{year}年 各地区计入的部门")
