"""表内勾稽 of the two-sided summary tables (收支总表, 财政拨款收支总表): each
side's lines add up to 本年收入合计 / 本年支出合计, which plus the carry-over
lines make 总计; a numbered group equals its lines; both 总计 agree.
"""
from __future__ import annotations

import re
from decimal import Decimal

from analysis.arithmetic_columns import check_rowwise
from analysis.checks import Checker, Part, total_of
from analysis.checks_context import Context, value
from analysis.table_reading import TOL, Line, label_level, sides, where
from loaders.recognise import financial as fin
from loaders.recognise.cells import norm
from loaders.recognise.views import TableView


def check_two_sided(ctx: Context, view: TableView, checker: Checker) -> None:
    grand: dict[str, Decimal | None] = {}
    for side, lc, vcols in sides(view):
        seen_cols: list[tuple] = []
        for vc in vcols:
            signature = tuple(value(view, r, vc) for r in view.layout.body)
            if signature in seen_cols:
                continue  # same figures as a column already checked (一般公共预算 = 合计)
            seen_cols.append(signature)
            heading = view.layout.path_text(vc)
            col_name = "" if view.table.ragged else _short_heading(heading, side)
            g = _side_sums(view, side, lc, vc, col_name, checker)
            if g is not None and side not in grand:
                grand[side] = g
        if len(vcols) > 1:
            body = [r for r in view.layout.body if norm(view.table.rows[r][lc])]
            check_rowwise(view, vcols, body, checker, context_col=lc)
    if "收入" in grand and "支出" in grand:
        checker.equal(
            "summary.balance",
            "收入总计",
            grand["收入"],
            "支出总计",
            grand["支出"],
            where(view, None),
            context=view.title,
            kind="arithmetic",
        )


def _short_heading(path: str, side: str) -> str:
    parts = [p for p in path.split("/") if p and p not in (side, "收入", "支出", "项目")]
    return parts[-1] if parts else ""


_FUND = re.compile(r"一般公共预算|政府性基金|国有资本经营")


def _is_child(parent: Line, line: Line, loose: bool) -> bool:
    """Does ``line`` belong under ``parent`` in the side's outline?

    Always: a deeper numbering (一、本年收入 › （一）…), and numbered lines under
    an unnumbered carry-over line (年初结转和结余 › 一、一般公共预算…).  In the
    loose reading also: unnumbered lines right under a numbered one
    (一、财政拨款收入 › 一般公共预算收入) and fund lines under a carry-over line.
    """
    if parent.level > 0 and line.level > parent.level:
        return True
    if parent.level == 0 and parent.after_total and line.level >= 1:
        return True
    if loose:
        if parent.level > 0 and line.level == 0 and not line.after_total:
            return True
        if parent.level == 0 and parent.after_total and re.search(r"结转|结余", norm(parent.label)) and _FUND.search(
            norm(line.label)
        ):
            return True
    return False


def _function_levels(view: TableView, lc: int, vc: int) -> dict[int, int | str]:
    """Outline levels for 类 lines printed by name and the 款/项 lines under them.

    A side may list its spending by function class with every 款 and 项 below
    (杭州), all unnumbered: the 类 is known by its name and the lines under it
    are 款 or 项 by their sums (``financial.partition_levels``).  The levels
    given sit below the printed numbering, so each 类 holds its own lines and a
    total sums the 类 only.
    """
    from glossary import function_class_of

    out: dict[int, int] = {}
    rows = [r for r in view.layout.body if norm(view.table.rows[r][lc])]
    heads = [i for i, r in enumerate(rows) if function_class_of(view.table.rows[r][lc])]
    for n, i in enumerate(heads):
        head = rows[i]
        printed = label_level(view.table.rows[head][lc])
        end = heads[n + 1] if n + 1 < len(heads) else len(rows)
        kids = []
        for r in rows[i + 1 : end]:
            if label_level(view.table.rows[r][lc]) != 0:
                break
            kids.append(r)
        if not kids or not isinstance(printed, int):
            continue
        levels = fin.partition_levels([value(view, r, vc) for r in kids], value(view, head, vc))
        base = printed if printed > 0 else 10
        out[head] = base
        for k, r in enumerate(kids):
            # 款 base+10, 项 base+11; lines whose level no sum tells are left
            # out like 其中 lines, so the 类 keeps its own figure and is not
            # checked against them.
            out[r] = base + 8 + levels[k] if levels is not None else "of"
    return out


def _levelled_rows(view: TableView, lc: int, vc: int):
    """(row, label, outline level) of each body row of a side that is neither blank nor a 其中 line."""
    named = _function_levels(view, lc, vc)
    for r in view.layout.body:
        label = view.table.rows[r][lc]
        lv = named.get(r) or label_level(label)
        if lv not in ("empty", "of"):
            yield r, label, lv


def _outline(view: TableView, lc: int, vc: int, loose: bool) -> list[tuple[Line, list[Part], Line | None, list[Line]]]:
    """(total line, its parts, the previous total, the items) for every 合计/总计 line."""
    out = []
    items: list[Line] = []
    stack: list[Line] = []
    last_total: Line | None = None
    for r, label, lv in _levelled_rows(view, lc, vc):
        v = value(view, r, vc)
        if lv in ("total", "grand"):
            stack = []
            line = Line(r, label, v, -1 if lv == "total" else -2, True)
            parts = []
            if last_total is not None:
                parts.append(Part(norm(last_total.label).rstrip(":："), last_total.value))
            for it in items:
                parts.append(Part(fin.label_key(it.label), it.effective))
            out.append((line, parts, last_total, items))
            last_total = line
            items = []
            continue
        _attach(Line(r, label, v, int(lv), last_total is not None), stack, items, loose)
    return out


def _attach(line: Line, stack: list[Line], items: list[Line], loose: bool) -> None:
    """Put ``line`` under the innermost open line it belongs to (or at the top)."""
    while stack and not _is_child(stack[-1], line, loose):
        stack.pop()
    if stack:
        stack[-1].children.append(line)
    else:
        items.append(line)
    stack.append(line)


def _trailing_items(view: TableView, lc: int, vc: int, loose: bool) -> list[Line]:
    """Lines after the last total (or all lines of a side without totals)."""
    items: list[Line] = []
    stack: list[Line] = []
    seen_total = False
    for r, label, lv in _levelled_rows(view, lc, vc):
        if lv in ("total", "grand"):
            items, stack, seen_total = [], [], True
            continue
        _attach(Line(r, label, value(view, r, vc), int(lv), seen_total), stack, items, loose)
    return items


def _check_groups(items: list, view: TableView, side: str, checker: Checker) -> None:
    """Each labelled group (一、… with its 1. 2. lines) sums to its own value."""
    todo = list(items)
    while todo:
        parent = todo.pop(0)
        kids = parent.children
        todo.extend(kids)
        if kids and parent.value is not None and any(k.effective is not None for k in kids):
            checker.sum_identity(
                "summary.group",
                fin.label_key(parent.label),
                parent.value,
                [Part(fin.label_key(k.label), k.effective) for k in kids],
                where(view, parent.row),
                context=view.title + f"（{side}方）",
            )

def _side_sums(view: TableView, side: str, lc: int, vc: int, col_name: str, checker: Checker) -> Decimal | None:
    """Check one side's outline; returns the side's 总计 (or last total).

    Outlines are printed loosely (a sub-line may or may not be numbered), so
    a total holds when it holds under either reading; the groups (a line =
    its sub-lines) are checked under the reading that fits the totals."""
    strict = _outline(view, lc, vc, loose=False)
    loose = _outline(view, lc, vc, loose=True)
    context_base = view.title + (f"（{side}方{('·' + col_name) if col_name else ''}）")
    fits = {"strict": 0, "loose": 0}
    for (line, s_parts, _lt, _it), (_l2, l_parts, _lt2, _it2) in zip(strict, loose):
        for name, parts in (("strict", s_parts), ("loose", l_parts)):
            exp = total_of(p.value for p in parts)
            if abs((line.value or 0) - exp) <= TOL * max(1, len([p for p in parts if p.value is not None])):
                fits[name] += 1
    chosen = loose if fits["loose"] > fits["strict"] else strict
    grand: Decimal | None = None
    for line, parts, _last, items in chosen:
        if parts and (line.value is not None or any(p.value for p in parts)):
            checker.sum_identity(
                "summary.side_sum",
                norm(line.label).rstrip(":："),
                line.value,
                parts,
                where(view, line.row),
                context=context_base,
            )
        if line.level == -2:
            grand = line.value
        _check_groups(items, view, side, checker)
    if not chosen:
        # lines after the last total (a side printed without 合计 rows keeps its groups)
        _check_groups(_trailing_items(view, lc, vc, loose=fits["loose"] > fits["strict"]), view, side, checker)
    if grand is None and chosen:
        grand = chosen[-1][0].value
    return grand

