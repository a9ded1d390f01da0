"""报告库: upload disclosure files, list the stored reports, look inside one.

Each upload is parsed in a limited child process (loaders.sandbox) and stored
in one transaction (store.ingest); files uploaded together that form one
report (a narrative PDF and its tables, Excel attachments) are stored as one
document with all its originals.  The selected report is ``?doc=<id>``.
"""
from __future__ import annotations

import hashlib
import mimetypes
from datetime import timezone
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from components import cached
from components.export import table
from components.upload_panel import upload_panel
from components import auth
from components.paging import pager
from components.recognised_tables import OCR_MARK, ocr_note, table_grid
from components.safety import md
from analysis.frames import rule_label
from components.layout import MISSING, engine, fmt_number, kpi_row, page_setup
from glossary import FORMAT_LABELS, KIND_LABELS, KIND_SHORT, SCOPE_LABELS, SEVERITY_LABELS
from loaders.jsonout import dumps
from store import queries, samples
from store import users
from store.ingest import delete_document, unit_warning
from store.models import THREE_PUBLIC_LABELS, TOTALS_LABELS

KIND_LONG, SCOPE_SHORT = KIND_LABELS, SCOPE_LABELS
FAMILY_LABELS = {
    "summary": "收支总表",
    "income": "收入总表",
    "expenditure": "支出总表",
    "fiscal_summary": "财政拨款收支总表",
    "general_public_budget": "一般公共预算财政拨款支出表",
    "basic_expenditure": "基本支出表",
    "government_fund": "政府性基金预算表",
    "state_capital": "国有资本经营预算表",
    "three_public": "“三公”经费表",
    "economic_summary": "经济分类汇总表",
    "project_expenditure": "项目支出表",
    "procurement": "政府采购表",
    "assets": "资产情况表",
    "organisation": "机构设置表",
    "performance_target": "绩效目标表",
    "self_evaluation": "绩效自评表",
    "unknown": "未归类",
}
SECTION_LABELS = {"totals": "收支汇总", "three_public": "“三公”经费", "three_public_budget": "“三公”经费预算数"}
ORIGIN_LABELS = {"table": "报表", "narrative": "情况说明"}
LOCAL_TZ = ZoneInfo("Asia/Shanghai")

ss = st.session_state
ss.setdefault("lib_results", [])  # the upload panel's outcome lines; a deletion adds one

page_setup("报告库", "上传部门预算、部门决算或绩效目标公开文件；查看每份报告解析出的表格、科目和检查结果。")


eng = engine()


# ----------------------------------------------------------------- helpers


def _doc_param() -> int | None:
    raw = st.query_params.get("doc")
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _select(document_id: int | None) -> None:
    if document_id is None:
        st.query_params.pop("doc", None)
    else:
        st.query_params["doc"] = str(document_id)


def _pages_text(pages) -> str:
    nums = sorted({int(p) for p in (pages or []) if p is not None})
    if not nums:
        return "页码不详"
    if len(nums) == 1:
        return f"第{nums[0]}页"
    if nums == list(range(nums[0], nums[-1] + 1)):
        return f"第{nums[0]}–{nums[-1]}页"
    return "第" + "、".join(str(n) for n in nums) + "页"


def _local_time(value) -> str:
    if value is None or pd.isna(value):
        return MISSING
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        ts = ts.tz_localize(timezone.utc)
    return ts.tz_convert(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def _after_change() -> None:
    """The store changed: drop cached query results of every page."""
    st.cache_data.clear()


def _stored(document_id: int) -> None:
    """A report was stored from the upload panel: refresh, then open it."""
    _after_change()
    _select(document_id)


# ----------------------------------------------------------------- upload

upload_panel(eng, _stored)


# ----------------------------------------------------------------- audit trail

_ACTIONS = {"stored": "保存", "replaced": "替换", "reparsed": "重新解析", "deleted": "删除"}


def _audit_trail() -> None:
    """Who stored, replaced, re-parsed or deleted which report, and when."""
    events = users.audit_events(200, engine=eng)
    if not events:
        return
    with st.expander(f"操作记录（最近 {len(events)} 条：谁在何时保存、替换、重新解析或删除了哪份报告）"):
        st.dataframe(
            pd.DataFrame(
                {
                    "时间": [_local_time(e["at"]) for e in events],
                    "用户": [e["user"] for e in events],
                    "操作": [_ACTIONS.get(e["action"], e["action"]) for e in events],
                    "报告": [e["detail"] for e in events],
                }
            ),
            hide_index=True,
            width="stretch",
            height=min(38 + 35 * len(events), 38 + 35 * 10),
        )


# ----------------------------------------------------------------- document list

# a province's store holds tens of thousands: the list is searched and read a page at a time
stored = cached.count_documents()
st.subheader(f"已保存的报告（{stored:,} 份）")
if not stored:
    st.info("报告库是空的。请在上方上传部门预算、部门决算或绩效目标公开文件。")
    _audit_trail()
    st.stop()

f1, f2, _ = st.columns([2, 1, 2])
with f1:
    needle = st.text_input("筛选", placeholder="部门名称或文件名中的文字", key="lib_filter").strip()
with f2:
    kind_choice = st.selectbox("类型", ["全部", "预算", "决算", "绩效目标"], key="lib_kind")

kind_filter = None if kind_choice == "全部" else next(k for k, v in KIND_SHORT.items() if v == kind_choice)
matching = cached.count_documents(needle or None, kind_filter) if needle or kind_filter else stored
offset, limit = pager(matching, key="lib_page", noun="份", reset_on=(needle, kind_choice))
view = cached.documents_page(needle or None, kind_filter, limit=limit, offset=offset).reset_index(drop=True)

listing = pd.DataFrame(
    {
        "部门": view["agency"],
        "年度": view["year"],
        "类型": view["kind"].map(KIND_SHORT),
        "范围": view["scope"].map(SCOPE_SHORT),
        "格式": view["format"].map(lambda f: FORMAT_LABELS.get(f, f)),
        "页数": view["pages"],
        "识别表格数": view["tables"],
        "错误": view["errors"],
        "警告": view["warnings"],
        "提示": view["infos"],
        "文件": view["file_names"],
    }
)
current = _doc_param()
ids = [int(i) for i in view["document_id"]]
default_rows = [ids.index(current)] if current in ids else []
event = st.dataframe(
    listing,
    hide_index=True,
    width="stretch",
    height=min(38 + 35 * max(len(listing), 1), 38 + 35 * 15),
    placeholder="—",
    on_select="rerun",
    selection_mode="single-row",
    selection_default={"selection": {"rows": default_rows}} if default_rows else None,
    # a new widget whenever the rows change, so a selection never points at a shifted row
    key="lib_docs_" + hashlib.sha1(repr((ids, needle, kind_choice)).encode()).hexdigest()[:12],
    column_config={
        "年度": st.column_config.NumberColumn(format="%d"),
        "页数": st.column_config.NumberColumn(format="%d"),
        "识别表格数": st.column_config.NumberColumn(help="识别出的预决算报表和绩效表数量"),
        "文件": st.column_config.TextColumn(help="上传的原始文件（一份报告分多个文件发布时以“+”连接）；上传时间见下方报告详情"),
        "错误": st.column_config.NumberColumn(help="检查发现的错误数"),
        "警告": st.column_config.NumberColumn(help="检查发现的警告数"),
        "提示": st.column_config.NumberColumn(help="检查发现的提示数"),
    },
)
rows = event.selection.rows if event is not None else []
if rows:
    chosen = ids[rows[0]]
    if chosen != current:
        _select(chosen)
        current = chosen
if view.empty:
    st.caption("没有符合筛选条件的报告。")
elif current is None:
    st.caption("点选表格左侧的方框，查看该报告解析出的表格和数据。")
_audit_trail()


# ----------------------------------------------------------------- document view

if current is None:
    st.stop()
doc = queries.get_document(current, engine=eng)
if doc is None:
    st.warning("所选报告不存在（可能已被删除）。")
    _select(None)
    st.stop()

parsed = doc["parsed"] or {}
title = f"{doc['agency']} {doc['year']}年{KIND_LONG.get(doc['kind'], doc['kind'])}（{SCOPE_SHORT.get(doc['scope'], doc['scope'])}）"
file_name = doc["file_name"]
stem = file_name.rsplit(".", 1)[0]
originals = queries.document_originals(current, engine=eng)
several = len(originals) > 1
files_text = "、".join(o["file_name"] for o in originals) if several else file_name
st.divider()
st.subheader(md(title))
_slip = unit_warning(parsed) if parsed else None
if _slip:
    st.error(md(_slip), icon=":material/warning:")
st.caption(
    (f"文件：{md(files_text)}（{len(originals)} 个文件合并为一份报告）" if several else f"文件：{md(file_name)}")
    + f"　·　格式：{FORMAT_LABELS.get(doc['format'], doc['format'])}"
    f"　·　页数：{doc['pages'] if doc['pages'] is not None else MISSING}"
    f"　·　原表单位：{doc['unit_scale'] or '万元'}（已统一换算为万元）"
    + (f"　·　扫描页经文字识别（{OCR_MARK}）：{_pages_text((parsed.get('source') or {}).get('ocr_pages'))}"
       if (parsed.get("source") or {}).get("ocr_pages") else "")
    + f"　·　上传：{_local_time(doc['uploaded_at'])}"
    f"　·　解析器版本：{doc['parser_version'] or MISSING}"
    f"　·　SHA-256：{doc['sha256'][:12]}…"
)

totals = parsed.get("totals") or {}
three = parsed.get("three_public") or {}
if doc["kind"] != "performance_targets":
    kpi_row(
        [
            ("本年支出合计（万元）", fmt_number(totals.get("expenditure_total")), None),
            ("本年收入合计（万元）", fmt_number(totals.get("revenue_total")), None),
            ("基本支出（万元）", fmt_number(totals.get("basic")), None),
            ("项目支出（万元）", fmt_number(totals.get("project")), None),
            ("“三公”经费（万元）", fmt_number(three.get("total")), "因公出国（境）费、公务用车购置及运行维护费、公务接待费合计"),
        ]
    )
else:
    projects = parsed.get("projects") or []
    kpi_row([("项目绩效目标表", f"{len(projects)} 个项目", None), ("识别表格", f"{len(parsed.get('tables') or [])} 张", None)])

def _original_bytes(seq: int):
    return lambda: (queries.get_original_file(current, seq, engine=eng) or ("", b""))[1]


if several:
    # a report published as several files: each original, downloadable
    with st.container(border=True):
        st.caption(f"本报告由 {len(originals)} 个文件合并而成，出处中的页码、表格、行号均指所注明的文件：")
        for o in originals:
            row = st.container(horizontal=True, gap="small", vertical_alignment="center")
            row.markdown(
                f"{o['seq'] + 1}. **{md(o['file_name'])}**　{FORMAT_LABELS.get(o['format'], o['format'])}"
                f"　·　{o['pages'] if o['pages'] is not None else MISSING} 页　·　{(o['size'] or 0) / 1024:,.0f} KB"
            )
            row.download_button(
                f"下载 {o['file_name']}",
                data=_original_bytes(o["seq"]),
                file_name=o["file_name"],
                mime=mimetypes.guess_type(o["file_name"])[0] or "application/octet-stream",
                key=f"lib_original_{current}_{o['seq']}",
                icon=":material/description:",
                on_click="ignore",
            )

# actions
with st.container(horizontal=True, gap="small"):
    if not several:
        st.download_button(
            "下载原始文件",
            data=_original_bytes(0),
            file_name=file_name,
            mime=mimetypes.guess_type(file_name)[0] or "application/octet-stream",
            key=f"lib_original_{current}",
            icon=":material/description:",
            on_click="ignore",
        )
    st.download_button(
        "下载解析结果（JSON）",
        data=lambda: dumps((queries.get_document(current, engine=eng) or {}).get("parsed")).encode("utf-8"),
        file_name=f"{stem}.json",
        mime="application/json",
        key=f"lib_json_{current}",
        icon=":material/data_object:",
        on_click="ignore",
    )
    reparse = auth.can("reparse") and st.button(
        "重新解析", key=f"lib_reparse_{current}", icon=":material/refresh:",
        help="用当前版本的解析程序重新解析已保存的原始文件，并替换解析结果",
    )
    if auth.can("delete") and st.button(
        "删除", key=f"lib_delete_{current}", icon=":material/delete:", help="删除此报告及其全部解析结果"
    ):
        ss.lib_confirm_delete = current

if reparse and auth.can("reparse"):
    with st.spinner(f"正在重新解析 {file_name}…"), users.acting_as(auth.actor()):
        result = samples.reparse_document(current, engine=eng)
    if result.status == "stored":
        _after_change()
        _select(result.document_id)
        ss.lib_flash = ("success", f"{file_name}：{result.message}")
        st.rerun()
    else:
        st.error(f"重新解析未完成：{md(result.message)}", icon=":material/error:")

flash = ss.pop("lib_flash", None)
if flash:
    st.success(md(flash[1]), icon=":material/check_circle:")

if ss.get("lib_confirm_delete") == current and auth.can("delete"):
    with st.container(border=True):
        st.warning(f"确定删除“{md(title)}”（{md(file_name)}）吗？其解析出的表格、数据和检查结果将一并删除，且无法恢复。")
        row = st.container(horizontal=True, gap="small")
        if row.button("确认删除", key=f"lib_confirm_{current}", type="primary", icon=":material/delete_forever:"):
            delete_document(eng, current, actor=auth.actor())
            ss.pop("lib_confirm_delete", None)
            _after_change()
            _select(None)
            ss.lib_results = [
                {"name": file_name, "status": "deleted", "message": f"已删除{title}", "document_id": None, "conflict": False}
            ] + [r for r in ss.lib_results if r["document_id"] != current]
            st.rerun()
        if row.button("取消", key=f"lib_cancel_{current}"):
            ss.pop("lib_confirm_delete", None)
            st.rerun()

tables = queries.document_tables(current, engine=eng)
# (title, page) of the tables read by OCR: their values are marked
ocr_tables = {(t.get("title"), p) for t in tables if t.get("ocr") for p in (t.get("pages") or [None])}


def _read_how(title, page) -> str:
    page = None if page is None or pd.isna(page) else int(page)
    return OCR_MARK if (title, page) in ocr_tables else "文字层"


fl = queries.function_lines(current, engine=eng)
el = queries.economic_lines(current, engine=eng)
sums = queries.line_items(current, section=["totals", "three_public", "three_public_budget"], engine=eng)
finds = queries.findings(current, engine=eng)

tab_tables, tab_sums, tab_fn, tab_eco, tab_find = st.tabs(
    [
        f"识别的表格（{len(tables)}）",
        f"汇总数字（{sums['amount'].notna().sum() if not sums.empty else 0}）",
        f"功能分类科目（{len(fl)}）",
        f"经济分类科目（{len(el)}）",
        f"检查结果（{len(finds)}）",
    ]
)

with tab_tables:
    if not tables:
        st.info("这份文件中没有识别出预决算报表或绩效表。")
    else:
        st.caption("表格按原文照录（行号从 1 开始，与“功能分类科目”等页签中的行号一致）。")
    for t in tables:
        rows = t.get("rows") or []
        grid = table_grid(rows)
        family = FAMILY_LABELS.get(t.get("kind") or "unknown", t.get("kind") or "未归类")
        label = f"{t.get('title') or '（无标题）'}　·　{family}　·　{_pages_text(t.get('pages'))}　·　{len(rows)} 行"
        if several and t.get("file"):
            label += f"　·　{t['file']}"
        if t.get("ocr"):
            label += f"　·　{OCR_MARK}"
        with st.expander(label, expanded=len(tables) == 1):
            if t.get("ocr"):
                ocr_note(t)
            st.dataframe(grid, width="stretch", height=min(38 + 35 * len(grid), 420))
            unit = t.get("unit")
            st.caption(
                f"数据来源：{md(t.get('file') or file_name)}，{_pages_text(t.get('pages'))}，表“{md(t.get('title') or '（无标题）')}”"
                + (f"；原表单位：{unit}" if unit else "")
            )


def _lines_frame(df: pd.DataFrame, measures: list[tuple[str, str]]) -> pd.DataFrame:
    out = pd.DataFrame({"科目编码": df["code"], "科目名称": df["name"]})
    for col, label in measures:
        out[label] = df[col]
    if several:
        out["文件"] = df["source_file"]
    out["页码"] = df["page"]
    out["表格"] = df["table_title"]
    out["行号"] = df["row"].map(lambda r: None if pd.isna(r) else int(r) + 1)
    if ocr_tables:
        out["读取方式"] = [_read_how(t, p) for t, p in zip(df["table_title"], df["page"])]
    return out


with tab_sums:
    if sums.empty:
        st.info("这份文件没有收支汇总数字（绩效目标文件只有项目和指标）。")
    else:
        labels = {**TOTALS_LABELS, **{k: v for k, v in THREE_PUBLIC_LABELS.items()}}
        frame = pd.DataFrame(
            {
                "类别": sums["section"].map(lambda s: SECTION_LABELS.get(s, s)),
                "项目": sums["measure"].map(lambda m: labels.get(m, m)),
                "金额": sums["amount"],
                **({"文件": sums["source_file"]} if several else {}),
                "页码": sums["page"],
                "表格": sums["table_title"],
                "行号": sums["row"].map(lambda r: None if pd.isna(r) else int(r) + 1),
                "出处": [
                    ORIGIN_LABELS.get(o, o) + (f"（{OCR_MARK}）" if _read_how(t, p) == OCR_MARK else "")
                    for o, t, p in zip(sums["origin"], sums["table_title"], sums["page"])
                ],
            }
        )
        table(frame, f"lib-sums-{current}", source=f"{files_text}（{'文件、' if several else ''}页码、表格、行号见表）",
              file_stem=f"{stem}_汇总数字", money_columns=["金额"])



def _lines_table(lines, measures: list[tuple[str, str]], key: str, what: str) -> None:
    """One classification's lines with their measures (万元) and provenance."""
    if lines.empty:
        st.info(f"没有识别出按{what}的支出科目。")
        return
    table(
        _lines_frame(lines, measures),
        f"lib-{key}-{current}",
        source=f"{files_text}（{'文件、' if several else ''}页码、表格、行号见表）",
        file_stem=f"{stem}_{what}",
        money_columns=[label for _key, label in measures],
    )


with tab_fn:
    _lines_table(fl, [("total", "合计"), ("basic", "基本支出"), ("project", "项目支出")], "fn", "功能分类")

with tab_eco:
    _lines_table(el, [("total", "合计"), ("personnel", "人员经费"), ("public", "公用经费")], "eco", "经济分类")

with tab_find:
    if finds.empty:
        st.success("没有检查发现。", icon=":material/check_circle:")
    else:
        order = {s: i for i, s in enumerate(SEVERITY_LABELS)}  # errors first, then by page
        finds = finds.assign(_sev=finds["severity"].map(lambda s: order.get(s, 9))).sort_values(
            ["_sev", "page"], na_position="last", kind="stable")
        frame = pd.DataFrame(
            {
                "级别": finds["severity"].map(lambda s: SEVERITY_LABELS.get(s, s)),
                "规则": finds["rule"].map(rule_label),
                "说明": finds["message"],
                **({"文件": finds["source_file"]} if several else {}),
                "页码": finds["page"],
                "表格": finds["table_title"],
                "行号": pd.array([None if pd.isna(r) else int(r) + 1 for r in finds["row"]], dtype="Int64"),
            }
        )
        table(frame, f"lib-findings-{current}", source=f"{files_text}（{'文件、' if several else ''}页码、表格、行号见表）",
              file_stem=f"{stem}_检查结果", money_columns=None,
              columns={"级别": {"width": 60}, "规则": {"width": 250}, "说明": {"width": 560}}, row_height=66)
        st.caption("按规则筛选、跨报告汇总见“数据质检”页。")
