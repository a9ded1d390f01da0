"""汇报: the charts and tables collected with "加入汇报", in order, with notes;
exported as one PowerPoint and one Word file."""
from __future__ import annotations

import datetime as dt
import re

import plotly.io as pio
import streamlit as st

from components import briefing, briefing_files, layout

layout.page_setup("汇报", "在各页面的图表和表格下点击“加入汇报”，收集的内容列在这里：调整顺序、删除、添加说明，"
                  "再导出为一份 PowerPoint 和一份 Word 文件（封面、图表、表格及其数据来源）。")

items = briefing.collected()
if not items:
    st.info("还没有收集任何图表或表格。请到「部门对比」「年度趋势」「地区对比」等页面，在图表或表格下方点击「加入汇报」，"
            "收集的内容会列在这里，再导出为 PowerPoint 或 Word。")
    cols = st.columns(3)
    for col, (path, label) in zip(cols, [("views/compare.py", "前往部门对比"), ("views/trends.py", "前往年度趋势"),
                                         ("views/regions.py", "前往地区对比")]):
        with col:
            st.page_link(path, label=label, icon=":material/arrow_forward:")
    st.stop()


def _move(index: int, step: int) -> None:
    st.session_state[briefing.STATE_KEY] = briefing.move(briefing.collected(), index, step)


def _remove(ident: str) -> None:
    st.session_state[briefing.STATE_KEY] = [i for i in briefing.collected() if i["id"] != ident]


def _note(ident: str) -> None:
    for item in briefing.collected():
        if item["id"] == ident:
            item["note"] = st.session_state.get(f"brief-note-{ident}", "")


def _clear() -> None:
    st.session_state[briefing.STATE_KEY] = []


# ------------------------------------------------------------------ cover
c1, c2 = st.columns([3, 1])
title = c1.text_input("汇报标题", value=briefing.DEFAULT_TITLE, key="brief_title", max_chars=60)
day = c2.text_input("日期", value=briefing.chinese_date(dt.date.today()), key="brief_date", max_chars=20,
                    help="封面上的日期，可改写，如“2026年12月”")
charts_n = sum(1 for i in items if i["kind"] == "chart")
st.caption(f"共 {len(items)} 项：{charts_n} 张图、{len(items) - charts_n} 张表。封面：{title or briefing.DEFAULT_TITLE}，"
           f"{day}。")

# ------------------------------------------------------------------ the items
for n, item in enumerate(items):
    with st.container(border=True):
        head, buttons = st.columns([5, 2])
        kind = "图" if item["kind"] == "chart" else "表"
        head.markdown(f"**{n + 1}. {item['title']}**　（{kind}{'，来自「' + item['page'] + '」' if item.get('page') else ''}）")
        head.caption(briefing.source_text(item["source"]) or "（未注明数据来源）")
        with buttons.container(horizontal=True, gap="small"):
            st.button("上移", key=f"brief-up-{item['id']}", icon=":material/arrow_upward:", disabled=n == 0,
                      on_click=_move, args=(n, -1))
            st.button("下移", key=f"brief-down-{item['id']}", icon=":material/arrow_downward:",
                      disabled=n == len(items) - 1, on_click=_move, args=(n, 1))
            st.button("删除", key=f"brief-del-{item['id']}", icon=":material/delete:", on_click=_remove,
                      args=(item["id"],))
        st.text_area("说明（导出时写在图表下方，可不填）", value=item.get("note", ""), key=f"brief-note-{item['id']}",
                     on_change=_note, args=(item["id"],), height=68, placeholder="例如：青龙为决算数，其余为预算数")
        with st.expander("预览"):
            if item["kind"] == "chart":
                st.plotly_chart(pio.from_json(item["figure"]), width="stretch", theme=None,
                                key=f"brief-preview-{item['id']}", config={"displayModeBar": False})
            else:
                st.dataframe(item["frame"], hide_index=True, width="stretch", key=f"brief-frame-{item['id']}")

# ------------------------------------------------------------------ export
st.subheader("导出")
stem = re.sub(r'[\\/:*?"<>|\s]+', "_", f"{(title or briefing.DEFAULT_TITLE).strip()}_{day.strip()}")
snapshot = [dict(i) for i in items]
with st.container(horizontal=True, gap="small"):
    st.download_button("下载 PowerPoint（PPTX）", key="brief-pptx", icon=":material/slideshow:", on_click="ignore",
                       data=lambda: briefing_files.pptx_bytes(snapshot, title, day), file_name=f"{stem}.pptx",
                       mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                       type="primary", help="16:9 幻灯片：封面，每张图一页，表格每页 12 行，页脚注明数据来源")
    st.download_button("下载 Word（DOCX）", key="brief-docx", icon=":material/description:", on_click="ignore",
                       data=lambda: briefing_files.docx_bytes(snapshot, title, day), file_name=f"{stem}.docx",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                       help="A4 横向：封面和目录，每项一个标题，图下、表下注明单位和数据来源")
    st.button("清空汇报", key="brief-clear", icon=":material/clear_all:", type="tertiary", on_click=_clear)
st.caption("图表按 2400 像素宽的高清图片导出；表格金额保留两位小数并加千分位，单位万元；中文使用“微软雅黑”，"
           "Office 和 WPS 均可正常显示。")
