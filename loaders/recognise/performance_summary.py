"""A summary of all projects' targets (Henan 项目绩效目标汇总表, 004): one row per
project (编码, 名称, 资金总额 …) with side-by-side column pairs 三级指标 | 指标值
under 成本/产出/效益/满意度指标, continued on the rows below.
"""
from __future__ import annotations

from decimal import Decimal

from loaders.model import Table
from loaders.recognise.cells import is_amount, norm
from loaders.recognise.layout import Layout, _fill_labels
from loaders.recognise.performance_common import (
    Token,
    amount_of,
    clean_text,
    is_project_code,
    name_text,
    project_record,
)
from loaders.recognise.values import parse_value
from loaders.recognise.views import TableView


def _summary_layout(table: Table) -> Layout | None:
    """The header of a summary table ends at its '三级指标 | 指标值' row (the generic
    layout may run it into rows whose targets are not amounts)."""
    last = next((r for r in range(min(8, len(table.rows))) if "三级指标" in [norm(c) for c in table.rows[r]]), None)
    if last is None:
        return None
    start = next(
        (r for r in range(last + 1) if any("编码" in norm(c) or norm(c).startswith(("项目名称", "项目单位")) for c in table.rows[r])),
        0,
    )
    return Layout(table=table, header_start=start, body_start=last + 1, labels=_fill_labels(table, start, last + 1))


def parse_summary(v: TableView, carry: dict | None = None) -> list[dict]:
    """Projects of a 项目绩效目标汇总表; rows before the first project continue ``carry``
    (the last project of the page before)."""
    table = v.table
    layout = _summary_layout(table)
    if layout is None:
        return []
    width = table.width
    code_col = layout.find("编码")
    name_col = layout.find("名称")
    amount_col = layout.find("资金总额") or layout.find("金额", exclude=("政府", "专户", "单位资金"))
    fiscal_col = layout.find("政府预算资金") or layout.find("财政拨款")
    other_cols = [c for c in (layout.find("财政专户"), layout.find("单位资金"), layout.find("其他资金")) if c is not None]
    groups: list[tuple[int, int, str]] = []  # (name col, value col, level1)
    for c in range(width):
        path = layout.path(c)
        if path and path[-1] == "三级指标":
            level1 = next((p for p in reversed(path[:-1]) if p.endswith("指标") and p != "绩效指标"), None)
            value_col = c + 1 if c + 1 < width and "指标值" in layout.path_text(c + 1) else c + 1
            groups.append((c, value_col, level1 or ""))
    if not groups or name_col is None:
        return []
    first_ind = min(g[0] for g in groups)
    projects: list[dict] = []
    cur: dict | None = carry
    for r in layout.body:
        cells = table.rows[r]
        code = norm(cells[code_col]) if code_col is not None else ""
        if code and is_project_code(code):
            cur = project_record(
                code=code,
                name=name_text(cells[name_col]),
                amount=amount_of(cells[amount_col], v.scale) if amount_col is not None and cells[amount_col].strip() else None,
                fiscal=amount_of(cells[fiscal_col], v.scale) if fiscal_col is not None and cells[fiscal_col].strip() else None,
                other=_sum_amounts([cells[c] for c in other_cols], v.scale),
                table=v.title,
                table_index=v.index,
                page=v.row_page(r),
                pages=[v.row_page(r)] if v.row_page(r) is not None else [],
                row=r,
            )
            projects.append(cur)
        elif code:
            cur = None  # a unit subtotal row ('308', '308001') or debris
            continue
        if cur is None:
            continue
        toks = [
            Token(c, cells[c].strip())
            for c in range(max(0, first_ind - 1), width)
            if cells[c].strip() and not (c < first_ind and is_amount(cells[c]))
        ]
        i = 0
        while i < len(toks):
            a = toks[i]
            b = toks[i + 1] if i + 1 < len(toks) and toks[i + 1].col == a.col + 1 else None
            i += 2 if b is not None else 1
            level1 = _group_of(groups, a, b)
            pv = parse_value(b.text if b else "")
            page = v.row_page(r)
            if page is not None and page not in cur["pages"]:
                cur["pages"].append(page)
            cur["indicators"].append(
                {
                    "level1": norm(level1) or None,
                    "level2": None,
                    "level3": clean_text(a.text),
                    "description": None,
                    "target": clean_text(b.text) if b else None,
                    "operator": pv.operator,
                    "value": pv.value,
                    "unit": pv.unit,
                    "basis": None,
                    "row": r,
                    "page": page,
                }
            )
    return projects


def _group_of(groups: list[tuple[int, int, str]], a: Token, b: Token | None) -> str:
    if b is not None:
        for name_col, value_col, level1 in groups:
            if value_col == b.col:
                return level1
        for name_col, value_col, level1 in groups:
            if value_col == b.col + 1:
                return level1
    for name_col, value_col, level1 in groups:
        if name_col in (a.col, a.col + 1):
            return level1
    return min(groups, key=lambda g: abs(g[0] - a.col))[2]


def _sum_amounts(texts: list[str], scale: str) -> Decimal | None:
    values = [amount_of(t, scale) for t in texts if t and t.strip()]
    values = [x for x in values if x is not None]
    return sum(values, Decimal(0)) if values else None
