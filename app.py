"""预决算透视 / BudgetLens — entry point: page setup and navigation only.

Run with ``streamlit run app.py``.  The pages live in views/ and are listed, in
menu order with their Chinese titles and icons, in
``components.layout.NAV_PAGES``: 概览, 报告库, 部门对比, 年度趋势, 预决算对比,
绩效评分, 数据质检, 地区对比, 汇报.
"""
from __future__ import annotations

import streamlit as st

from components import auth, errors
from components.briefing import STATE_KEY
from components.layout import APP_TITLE, ensure_samples_loaded, register_navigation

current = register_navigation()

with st.sidebar:
    st.caption(f"**{APP_TITLE}**　部门预算·决算公开数据的解析、对比与质检。金额单位：万元。")
    collected = len(st.session_state.get(STATE_KEY, []))
    if collected:
        st.caption(f"汇报材料：已收集 {collected} 项，在「汇报」页导出。")

auth.sidebar()
auth.require_browsing()
ensure_samples_loaded()
try:
    current.run()
except Exception as exc:  # noqa: BLE001 - no traceback reaches a user (st.stop/st.rerun are not Exceptions)
    errors.show(exc, current.title)
