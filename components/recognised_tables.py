"""报告库's 识别的表格: a recognised table as printed, and what OCR and the
arithmetic verification did to one read from a scan."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from components.safety import md

#: how the page marks a value or a table read by OCR
OCR_MARK = "OCR"


def table_grid(rows: list[list[str]]) -> pd.DataFrame:
    """The table's cells as printed: ragged rows padded, rows numbered from 1
    (as the line tabs number them), columns named 第N列."""
    width = max((len(r) for r in rows), default=0)
    grid = pd.DataFrame([list(r) + [""] * (width - len(r)) for r in rows], columns=[f"第{j + 1}列" for j in range(width)])
    grid.index = pd.RangeIndex(1, len(grid) + 1, name="行")
    return grid


def ocr_note(t: dict) -> None:
    """What OCR and the arithmetic verification did to this table."""
    detail = t.get("ocr_detail") or {}
    check = detail.get("verification") or {}
    if check.get("checked") and check.get("holds"):
        state = f"勾稽关系校验 {check.get('sums', 0)} 处全部成立"
    elif check.get("checked"):
        state = f"勾稽关系校验 {check.get('sums', 0)} 处，{check.get('failed', 0)} 处不成立"
    else:
        state = "表中没有可校验的合计关系，请对照原件核实"
    note = st.info if check.get("checked") and check.get("holds") else st.warning
    note(f"此表由扫描件文字识别（{OCR_MARK}）读出：{state}。", icon=":material/document_scanner:")
    for fix in detail.get("corrections") or []:
        st.caption(
            f"第{fix['row'] + 1}行第{fix['col'] + 1}列：初读 {fix['read']}，与合计不符；"
            f"{'候选读数' if fix.get('how') == 'candidate' else '放大重读'}为 {fix['value']}，采用后勾稽成立。"
        )
    for cell in detail.get("unverified") or []:
        st.caption(f"第{cell['row'] + 1}行第{cell['col'] + 1}列：{md(cell['message'])}")
