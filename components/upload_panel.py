"""The upload panel of 报告库: files in, one progress bar overall and one per
file, one outcome line per file (stored / duplicate / needs the agency, year,
kind or scope / refused and why), the form that asks for a missing identity, and
"replace" for a report whose slot is taken.  The page passes ``on_stored``
(refresh the caches, open the stored report)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st

import settings
from components import auth
from components.layout import localise_uploader
from components.safety import md
from glossary import KIND_SHORT, SCOPE_LABELS
from store import samples, users

UPLOAD_TYPES = ["pdf", "xlsx", "xls", "docx", "txt", "md", "png", "jpg", "jpeg"]
SCOPE_SHORT = SCOPE_LABELS

ss = st.session_state


def _ocr_progress(bar, file_bar, name: str, index: int, total: int):
    """Sandbox progress -> the upload's bars: pages done / total of a scan, on
    the overall bar and on the file's own."""
    if file_bar is not None:
        file_bar.progress(0.0, text=f"{name}：正在解析…")

    def show(event: str, done: int, pages: int) -> None:
        if event not in ("ocr", "ocr_pages") or pages <= 0:
            return
        done = 0 if event == "ocr_pages" else done
        share = (index + done / pages) / total
        bar.progress(min(share, 1.0), text=f"正在文字识别（OCR）{name}：第 {done}/{pages} 页（文件 {index + 1}/{total}）…")
        if file_bar is not None:
            file_bar.progress(min(done / pages, 1.0), text=f"{name}：文字识别第 {done}/{pages} 页…")

    return show


def _without_name(message: str, name: str) -> str:
    for prefix in (f"{name}：", f"{name}:"):
        if message.startswith(prefix):
            return message[len(prefix):]
    return message


def _record(name: str, result, files: int = 1) -> dict:
    conflict = result.status == "refused" and result.document_id is not None
    return {
        "name": name,
        "status": result.status,
        "message": result.message,
        "document_id": result.document_id,
        "conflict": conflict,
        "found": result.found,
        "files": files,  # more than 1: files of one report stored as one document
    }


def _combined_note(r: dict, message: str) -> str:
    """The result line of files stored as one report says so."""
    n = r.get("files") or 1
    if n > 1 and "合并为一份报告" not in message:
        return f"{n} 个文件合并为一份报告 · {message}"
    return message


def _identity_form(k: int, r: dict, eng, on_stored) -> None:
    """Ask for the agency, year, kind and scope a file does not state, then store it."""
    found = r.get("found") or {}
    kinds = list(KIND_SHORT)
    scopes = list(SCOPE_SHORT)
    with st.form(key=f"lib_identity_{k}", border=True):
        st.caption("请补充或确认以下信息后保存（文件中已识别的内容已填入）")
        c1, c2, c3, c4 = st.columns([3, 1, 1, 1])
        agency = c1.text_input("单位名称", value=found.get("agency") or "", key=f"lib_id_agency_{k}")
        year = c2.number_input(
            "年度", min_value=2000, max_value=2100, step=1, value=int(found.get("year") or date.today().year), key=f"lib_id_year_{k}"
        )
        kind = c3.selectbox(
            "类型", kinds, index=kinds.index(found["kind"]) if found.get("kind") in kinds else 0,
            format_func=KIND_SHORT.get, key=f"lib_id_kind_{k}",
        )
        scope = c4.selectbox(
            "范围", scopes, index=scopes.index(found["scope"]) if found.get("scope") in scopes else 0,
            format_func=SCOPE_SHORT.get, key=f"lib_id_scope_{k}",
        )
        if st.form_submit_button("保存", icon=":material/save:"):
            if not agency.strip():
                st.error("请填写单位名称")
                return
            identity = {"agency": agency.strip(), "year": int(year), "kind": kind, "scope": scope}
            if not auth.can("upload"):
                auth.write_note()
                return
            with st.spinner(f"正在保存 {r['name']}…"), users.acting_as(auth.actor()):
                result = samples.parse_and_ingest_files(
                    ss.lib_pending[r["name"]], engine=eng, replace=ss.get("lib_replace", False), identity=identity
                )
            ss.lib_results[k] = _record(r["name"], result, r.get("files") or 1)
            if result.status == "stored":
                ss.lib_pending.pop(r["name"], None)
                on_stored(result.document_id)
            st.rerun()


def upload_panel(eng, on_stored: Callable[[int], None]) -> None:
    """The panel; ``on_stored(document_id)`` after a report is stored."""
    ss.setdefault("lib_uploader", 0)
    ss.setdefault("lib_results", [])
    ss.setdefault("lib_pending", {})

    with st.container(border=True):
        st.subheader("上传报告")
        if auth.current() is not None and auth.current().local:
            st.caption("本机单用户模式：尚未设置用户，任何能打开本页的人都可上传和删除报告。"
                       "管理员在服务器上添加用户后（见使用说明），上传、替换和删除须登录。")
        if not auth.can("upload"):
            auth.write_note()
        else:
            limit_mb = int(settings.get("MAX_FILE_MB"))
            replace = st.checkbox(
                "替换同一部门同年度同类型的已有报告",
                key="lib_replace",
                help="不勾选时，同一部门、同一年度、同一类型（预算/决算/绩效目标）和范围已有报告的文件会被拒绝，已有报告保持不变。",
            )
            localise_uploader(f"将文件拖到这里，或点击“选择文件”。单个文件不超过 {limit_mb} MB · PDF、Excel、Word、文本、图片（扫描件）")
            files = st.file_uploader(
                "选择或拖入文件（可多选）",
                type=UPLOAD_TYPES,
                accept_multiple_files=True,
                key=f"lib_uploader_{ss.lib_uploader}",
                help=(
                    f"支持 PDF、Excel（xlsx/xls）、Word（docx）、文本（txt/md）和图片（png/jpg），单个文件不超过 {limit_mb} MB。"
                    "扫描件（无文字层的 PDF 页面、图片）经文字识别（OCR）读取，每页需数秒，数字经勾稽关系校验并标明“OCR”。"
                ),
            )
            if files:
                bar = st.progress(0.0, text="准备解析…")
                total = len(files)
                # one bar per file under the overall one
                file_bars = [st.progress(0.0, text=f"{f.name}：等待解析") for f in files] if total > 1 else [None]
                results = []
                last_stored = None

                def _parsed(done: int, _total: int, name: str) -> None:
                    bar.progress(done / (total + 1), text=f"已解析 {name}（{done}/{total}）…")
                    if total > 1:
                        file_bars[done - 1].progress(1.0, text=f"{name}：已解析")

                # files uploaded together that form one report are stored as one document
                with users.acting_as(auth.actor()):
                    items = samples.parse_and_ingest_batch(
                        [(f.getvalue(), f.name) for f in files], engine=eng, replace=replace, progress=_parsed,
                        ocr_progress=lambda index, name: _ocr_progress(bar, file_bars[index], name, index, total),
                    )
                for item in items:
                    result = item.result
                    record = _record(item.name, result, len(item.names))
                    if record["conflict"] or result.status == "needs_identity":
                        ss.lib_pending[item.name] = item.files
                    if result.status == "stored":
                        last_stored = result.document_id
                    results.append(record)
                bar.progress(1.0, text=f"已处理 {total} 个文件")
                ss.lib_results = results + ss.lib_results
                ss.lib_uploader += 1  # a fresh, empty uploader
                if last_stored is not None:
                    on_stored(last_stored)
                st.rerun()

        for k, r in enumerate(ss.lib_results):
            name, message = r["name"], _combined_note(r, _without_name(r["message"], r["name"]))
            if r["status"] == "stored":
                st.success(f"**{md(name)}**　{md(message)}", icon=":material/check_circle:")
            elif r["status"] == "duplicate":
                st.info(f"**{md(name)}**　重复文件：{md(message)}", icon=":material/content_copy:")
            elif r["status"] == "deleted":
                st.info(f"**{md(name)}**　{md(message)}", icon=":material/delete:")
            elif r["status"] == "needs_identity":
                st.warning(f"**{md(name)}**　待补充：{md(message)}", icon=":material/edit_note:")
                if name in ss.lib_pending:
                    _identity_form(k, r, eng, on_stored)
            else:
                st.error(f"**{md(name)}**　已拒绝：{md(message)}", icon=":material/block:")
                if r["conflict"] and name in ss.lib_pending and auth.can("replace"):
                    if st.button("用此文件替换已有报告", key=f"lib_replace_{k}", icon=":material/swap_horiz:"):
                        with st.spinner(f"正在用 {name} 替换已有报告…"), users.acting_as(auth.actor()):
                            result = samples.parse_and_ingest_files(ss.lib_pending[name], engine=eng, replace=True)
                        ss.lib_results[k] = _record(name, result, r.get("files") or 1)
                        if result.status == "stored":
                            ss.lib_pending.pop(name, None)
                            on_stored(result.document_id)
                        st.rerun()
        if ss.lib_results:
            if st.button("清除上传记录", key="lib_clear_results", type="tertiary", icon=":material/clear_all:"):
                ss.lib_results = []
                ss.lib_pending = {}
                st.rerun()
