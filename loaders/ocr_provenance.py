"""What OCR adds to the parsed document (schema budgetlens.document/1, keys
added only):

* ``source.ocr_pages``: the pages read by OCR (absent when none);
* on each table read by OCR: ``"ocr": true`` and ``"ocr_detail"`` (engine,
  dpi, OCR's own arithmetic verification {checked, holds, sums, failed},
  corrections it made, cells it left unverified); the table's
  ``"verification"`` (the checks' tally, pipeline) is left as it is;
* ``"ocr": true`` on every value whose source is such a table: the entries of
  ``sources`` and the function / economic lines;
* findings: ``ocr.unverified`` (warning, one per cell whose sums fail after
  every alternative reading was tried) and ``ocr.corrected`` (info, a cell
  whose first reading broke the sums and whose alternative reading was kept).
"""
from __future__ import annotations

import re

from loaders.model import Document, Paragraph


def annotate(out: dict, doc: Document, views: list) -> None:
    if doc.source.ocr_pages:
        out["source"]["ocr_pages"] = list(doc.source.ocr_pages)
    if doc.source.damaged:
        out.setdefault("findings", []).append(
            {
                "rule": "ocr.damaged_file",
                "family": "extraction",
                "severity": "warning",
                "kind": "ocr",
                "message": f"文件已损坏（{doc.source.damaged}），按残存的页面图像文字识别读出 {len(doc.source.ocr_pages)} 页，内容可能不完整",
                "page": None,
                "table": None,
                "row": None,
            }
        )
    ocr_views = [v for v in views if getattr(v.table, "ocr", None) is not None]
    if not ocr_views:
        return
    by_index = {v.index: v for v in ocr_views}
    for t in out.get("tables") or []:
        v = by_index.get(t.get("index"))
        if v is None:
            continue
        info = v.table.ocr or {}
        t["ocr"] = True
        t["ocr_detail"] = {k: info.get(k) for k in ("engine", "dpi", "ruled", "corrections", "unverified")}
        t["ocr_detail"]["verification"] = dict(info.get("verification") or {"checked": False, "holds": None})
    keys = {(v.title, p) for v in ocr_views for p in v.table.pages}
    titles = {v.title for v in ocr_views}

    def from_ocr(src: dict) -> bool:
        if not isinstance(src, dict) or src.get("table") not in titles:
            return False
        return src.get("page") is None or (src.get("table"), src.get("page")) in keys

    for group in (out.get("sources") or {}).values():
        if isinstance(group, dict):
            for src in group.values():
                if from_ocr(src):
                    src["ocr"] = True
    for key in ("function_lines", "economic_lines"):
        for line in out.get(key) or []:
            if from_ocr(line):
                line["ocr"] = True
            basic = line.get("basic_source")
            if isinstance(basic, dict) and from_ocr(basic):
                basic["ocr"] = True
    findings = out.setdefault("findings", [])
    for v in ocr_views:
        info = v.table.ocr or {}
        for cell in info.get("unverified") or []:
            findings.append(
                {
                    "rule": "ocr.unverified",
                    "family": "extraction",
                    "severity": "warning",
                    "kind": "ocr",
                    "message": f"{v.title or '表格'}：{cell['message']}",
                    "page": cell.get("page"),
                    "table": v.title,
                    "row": cell.get("row"),
                    "col": cell.get("col"),
                }
            )
        for fix in info.get("corrections") or []:
            how = "候选读数" if fix.get("how") == "candidate" else "放大重读"
            r = fix.get("row")
            findings.append(
                {
                    "rule": "ocr.corrected",
                    "family": "extraction",
                    "severity": "info",
                    "kind": "ocr",
                    "message": (
                        f"{v.title or '表格'} 第{(r or 0) + 1}行第{(fix.get('col') or 0) + 1}列：文字识别初读 {fix.get('read')} "
                        f"与勾稽关系不符，采用{how} {fix.get('value')}（勾稽成立）"
                    ),
                    "page": v.table.row_pages[r] if r is not None and r < len(v.table.row_pages) else v.table.page,
                    "table": v.title,
                    "row": r,
                    "col": fix.get("col"),
                }
            )


_TITLE_HINT = re.compile(r"(关于|通知|报告|决定|意见|办法|方案|名单|流程|报表|公告)")


def refusal_detail(doc: Document, detail: str) -> str:
    """The refusal of a scanned document that is not a report, naming what
    OCR found on its first page, so that the reason is plain."""
    if not doc.source.ocr_pages:
        return detail
    first = doc.source.ocr_pages[0]
    pars = [p.text.strip() for p in doc.blocks if isinstance(p, Paragraph) and p.page == first and p.text.strip()]
    at = next((i for i, t in enumerate(pars) if _TITLE_HINT.search(t) and 4 <= len(t) <= 80), None)
    if at is None:
        at = next((i for i, t in enumerate(pars) if len(t) >= 4), None)
    title = pars[at] if at is not None else ""
    # a title set on several centred lines: "关于下达2025年文化和旅游项目资金" + "的通知"
    for nxt in pars[at + 1 : at + 3] if at is not None else ():
        complete = title.endswith(("。", "：", ":", "通知", "报告", "报表", "名单", "流程", "决定", "意见", "办法", "方案", "公告", "）", ")"))
        if complete or len(nxt) > 24 or len(title) + len(nxt) > 80 or nxt.endswith(("：", ":")):
            break
        title += nxt
    # a title runs to its kind of document (…的通知, …报表（2024年度）), not into the lines after it
    end = re.search(r"(通知|报告|报表|名单|流程|决定|意见|办法|方案|公告)(（[^）]{1,12}）)?", title)
    if end:
        title = title[: end.end()]
    what = f"；首页标题为“{title[:80]}”" if title else ""
    return f"扫描件经文字识别（OCR），{detail}{what}"
