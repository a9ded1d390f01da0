"""The department's overall targets (部门（单位）整体绩效目标表, 部门整体预算绩效目标
申报表): its name, budget and the parts of it the form prints, its overall goal,
its key tasks, and the indicator grid (``performance_indicators``).
"""
from __future__ import annotations

from decimal import Decimal

from loaders.model import Table
from loaders.recognise.cells import is_amount
from loaders.recognise.performance_common import Token, amount_of, clean_text, name_text, tokens
from loaders.recognise.performance_forms import FORM_UNIT, cell_paragraphs, heading_above, value_right_or_below
from loaders.recognise.performance_indicators import header_columns, indicator_header, indicator_rows
from loaders.recognise.views import TableView


def parse_department(v: TableView) -> dict:
    table = v.table
    rows = [tokens(r) for r in table.rows]
    hr = indicator_header(table)
    dept: dict = {
        "name": None,
        "budget": None,
        "indicators": indicator_rows(table, hr) if hr is not None else [],
        "_cols": (header_columns(table, hr), table.width) if hr is not None else None,
        "table": v.title or heading_above(table),
        "table_index": v.index,
        "page": table.page,
        "pages": table.pages,
    }
    scale = v.scale
    budget = None
    for r in range(hr if hr is not None else len(rows)):
        toks = rows[r]
        for i, t in enumerate(toks):
            if "名称" in t.n and i + 1 < len(toks) and dept["name"] is None:
                dept["name"] = name_text(toks[i + 1].text)
            elif ("预算总额" in t.n or t.n.rstrip(":：") in _DEPARTMENT_TOTALS) and budget is None:
                val = value_right_or_below(rows, r, t.col, numeric=True)
                if val is not None:
                    budget = val.text
            if FORM_UNIT.search(t.n):
                scale = FORM_UNIT.search(t.n).group(2)  # '预算金额（万元）' heads the amounts
    if budget is not None:
        dept["budget"] = amount_of(budget, scale)
    top = hr if hr is not None else len(rows)
    _department_funds(dept, rows, top, scale)
    goal = _labelled_text(rows, top, _DEPARTMENT_GOALS)
    if goal is not None:
        dept["goal"] = cell_paragraphs(goal)
    tasks = _department_tasks(table, rows, top, scale)
    if tasks:
        dept["tasks"] = tasks
    return dept


# the row that totals the department's tasks ('金额合计' under 预算金额（万元）)
_DEPARTMENT_TOTALS = ("金额合计", "预算金额合计", "资金合计")

_DEPARTMENT_GOALS = ("总体绩效目标", "部门整体绩效目标", "整体绩效目标", "年度总体目标", "总体目标", "年度绩效目标")

# Blocks of a 部门整体预算绩效目标申报表's 预算整体情况: a heading cell over
# label | amount pairs.  (heading words, key of the block, {label word: key})
_FUND_BLOCKS = (
    (("收入来源", "资金来源"), "income", {"财政拨款": "fiscal", "其他资金": "other"}),
    (("部门预算支出", "预算支出", "支出构成"), "expenditure", {"基本支出": "basic", "项目支出": "project"}),
    (("预算级次",), "levels", {"本级": "own_use", "转移支付": "transfer"}),
)


def _block_pairs(rows: list[list[Token]], r0: int, col: int, top: int) -> list[tuple[str, str, int]]:
    """(label, amount text, row) of the label | amount pairs printed below the
    heading at (r0, col), down the heading's column, until a cell there that
    is not followed by an amount (the next block's heading)."""
    out = []
    for r in range(r0 + 1, top):
        toks = rows[r]
        at = next((i for i, t in enumerate(toks) if t.col == col), None)
        if at is None or at + 1 >= len(toks) or not is_amount(toks[at + 1].text):
            break
        out.append((toks[at].n, toks[at + 1].text, r))
    return out


def _department_funds(dept: dict, rows: list[list[Token]], top: int, scale: str) -> None:
    """The parts of the department's budget a 申报表 prints (基本/项目支出, 财政拨款/其他资金,
    本级/对下转移支付), and its total when no 预算总额 is printed: the sum of the
    收入来源 (every fund the department has, transfers to lower levels and
    other funds included), else of its 部门预算支出."""
    sums: dict[str, Decimal] = {}
    for r in range(top):
        for t in rows[r]:
            for heads, block, keys in _FUND_BLOCKS:
                if block in sums or not any(h in t.n for h in heads):
                    continue
                pairs = _block_pairs(rows, r, t.col, top)
                if not pairs:
                    continue
                total = Decimal(0)
                for label, text, _row in pairs:
                    value = amount_of(text, scale)
                    if value is None:
                        continue
                    total += value
                    key = next((k for word, k in keys.items() if word in label), None)
                    if key is not None and key not in dept:
                        dept[key] = value
                sums[block] = total
    if dept.get("budget") is None:
        for block, basis in (("income", "收入来源合计"), ("expenditure", "部门预算支出合计")):
            if block in sums:
                dept["budget"] = sums[block]
                dept["budget_basis"] = basis
                break


def _labelled_text(rows: list[list[Token]], top: int, labels: tuple[str, ...]) -> str | None:
    for r in range(top):
        toks = rows[r]
        for i, t in enumerate(toks[:-1]):
            if t.n.rstrip(":：") in labels and not is_amount(toks[i + 1].text):
                return toks[i + 1].text
    return None


def _department_tasks(table: Table, rows: list[list[Token]], top: int, scale: str) -> list[dict]:
    """The 年度重点工作任务 rows: 名称 | 主要实施内容 | 拟投入的资金（万元）| 期望达到的目标,
    columns by their header words."""
    for r in range(top):
        heads = {t.col: t.n for t in rows[r]}
        name = next((c for c, h in heads.items() if h in ("名称", "任务名称", "重点工作任务", "工作任务")), None)
        amount = next((c for c, h in heads.items() if "资金" in h or "金额" in h), None)
        if name is None or amount is None:
            continue
        content = next((c for c, h in heads.items() if "内容" in h), None)
        goal = next((c for c, h in heads.items() if "目标" in h), None)
        out = []
        for rr in range(r + 1, top):
            cells = table.rows[rr]
            if not cells[name].strip() and not cells[amount].strip():
                break
            out.append(
                {
                    "name": name_text(cells[name]),
                    "content": clean_text(cells[content]) if content is not None else None,
                    "amount": amount_of(cells[amount], scale) if cells[amount].strip() else None,
                    "goal": clean_text(cells[goal]) if goal is not None else None,
                    "page": table.row_pages[rr] if rr < len(table.row_pages) else table.page,
                    "row": rr,
                }
            )
        return out
    return []
