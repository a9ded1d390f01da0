"""Identities inside one table (DESIGN.md §5).

* 收支总表 / 财政拨款收支总表: each side's lines add up to 本年收入合计 /
  本年支出合计, which plus the carry-over lines make 总计; a numbered group
  (一、本年收入 with its （一）（二）… lines) equals its lines; both 总计 agree.
* Function-class tables (收入、支出、一般公共预算、政府性基金、国有资本经营):
  every 类 = its 款, every 款 = its 项, 合计 = its 类 — per amount column —
  and across a row 合计 = 基本 + 项目 (+ 上缴上级 + 经营 + 对附属单位补助),
  本年收入 小计 = its sources, 合计 = 本年收入 + 上年结转.
* Economic-class tables: classes = their items, 合计 = classes, per column;
  合计 = 人员经费 + 公用经费 across a row.
* 三公: 小计 = 出国 + 公务用车 + 接待; 公务用车 = 购置 + 运行; 合计 = 小计 (+ other rows).
* 固定资产占用情况表: 资产总额 = its numbered parts.

Which columns add up is read from the column headings; because printed headings
are often shifted (a PDF puts a merged heading over the wrong column), the
identity a table actually obeys on most of its rows is preferred when the
headings' reading fits fewer rows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from analysis.checks import Checker, Part, Where, fmt, total_of
from analysis.checks_context import (
    FUNCTION_FAMILIES,
    TOTAL_WORD,
    Context,
    is_total_label,
    value,
)
from loaders.recognise import financial as fin
from loaders.recognise.cells import is_amount, norm
from loaders.recognise.views import TableView

TOL = Decimal("0.01")

ECONOMIC_CLASS_NAMES = (
    "工资福利支出",
    "商品和服务支出",
    "对个人和家庭的补助",
    "资本性支出",
    "对企业补助",
    "债务利息及费用支出",
    "对社会保障基金补助",
    "其他支出",
)


def run(ctx: Context, checker: Checker) -> None:
    """Each table's own arithmetic, tallied per table (``checker.by_table``)."""
    for view in ctx.views:
        if not ctx.has_amounts(view):
            continue
        checker.scope = view.index
        try:
            _check_table(ctx, view, checker)
        finally:
            checker.scope = None


def _check_table(ctx: Context, view: TableView, checker: Checker) -> None:
    if view.family in ("summary", "fiscal_summary"):
        check_two_sided(ctx, view, checker)
    elif view.family in FUNCTION_FAMILIES:
        check_coded(ctx, view, checker, r"2\d{2}(\d{2}){0,2}")
    elif view.family == "basic_expenditure":
        check_basic_economic(ctx, view, checker)
    elif view.family == "economic_summary":
        check_economic_summary(ctx, view, checker)
    elif view.family == "three_public":
        check_three_public(ctx, view, checker)
    elif view.family == "assets":
        check_assets(ctx, view, checker)


def where(view: TableView, row: int | None) -> Where:
    return Where(table=view.title or None, page=view.row_page(row) if row is not None else view.page, row=row)


# ====================================================================== two-sided summaries

_CN_NUM = "一二三四五六七八九十"


def label_level(text: str) -> int | str:
    """'of' for 其中 lines, 'total'/'grand' for 合计/总计 lines, else the
    outline level: 1 for 一、, 2 for （一）, 3 for 1. / （1）, 0 unnumbered."""
    t = norm(text).rstrip(":：")
    if not t:
        return "empty"
    if t.startswith("其中"):
        return "of"
    if re.fullmatch(r"(收入|支出|收支)?总计", t):
        return "grand"
    if re.fullmatch(r"(本年)?(收入|支出)?(合计|小计)", t):
        return "total"
    if re.match(rf"^[{_CN_NUM}]+[、.．]", t):
        return 1
    if re.match(rf"^[（(][{_CN_NUM}]+[)）]", t):
        return 2
    if re.match(r"^\d+[、.．](?!\d)", t):
        return 3
    if re.match(r"^[（(]\d+[)）]", t):
        return 4
    return 0


@dataclass
class Line:
    row: int
    label: str
    value: Decimal | None
    level: int
    after_total: bool
    children: list["Line"] = field(default_factory=list)

    @property
    def effective(self) -> Decimal | None:
        if self.value is not None:
            return self.value
        vals = [c.effective for c in self.children]
        if any(v is not None for v in vals):
            return total_of(vals)
        return None


def sides(view: TableView) -> list[tuple[str, int, list[int]]]:
    """(side name, label column, value columns) of a two-sided table."""
    labels, values = fin._column_roles(view)
    out = []
    for i, lc in enumerate(labels):
        nxt = labels[i + 1] if i + 1 < len(labels) else view.table.width
        vcols = [c for c in values if lc < c < nxt]
        if not vcols:
            continue
        path = view.layout.path_text(lc)
        if "支出" in path and "收入" not in path:
            side = "支出"
        elif "收入" in path:
            side = "收入"
        else:
            side = "收入" if not out else "支出"
        out.append((side, lc, vcols))
    return out


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


def _outline(view: TableView, lc: int, vc: int, loose: bool) -> list[tuple[Line, list[Part], Line | None, list[Line]]]:
    """(total line, its parts, the previous total, the items) for every 合计/总计 line."""
    out = []
    items: list[Line] = []
    stack: list[Line] = []
    last_total: Line | None = None
    named = _function_levels(view, lc, vc)
    for r in view.layout.body:
        label = view.table.rows[r][lc]
        lv = named.get(r) or label_level(label)
        if lv in ("empty", "of"):
            continue
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
    named = _function_levels(view, lc, vc)
    for r in view.layout.body:
        label = view.table.rows[r][lc]
        lv = named.get(r) or label_level(label)
        if lv in ("empty", "of"):
            continue
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


# ====================================================================== row-wise identities


def _total_depth(path: list[str]) -> int | None:
    for i, label in enumerate(path):
        if TOTAL_WORD.match(label) or label in ("本年收入合计", "本年支出合计"):
            return i
    return None


def _is_of(path: list[str]) -> bool:
    return any(label.startswith("其中") for label in path)


def _header_candidate(view: TableView, t: int, cols: list[int]) -> list[int] | None:
    lay = view.layout
    path = lay.path(t)
    depth = _total_depth(path)
    if depth is None:
        return None
    parent = path[:depth]
    groups: dict[str, list[int]] = {}
    order: list[str] = []
    for c in cols:
        if c == t:
            continue
        p = lay.path(c)
        if _is_of(p) or len(p) <= len(parent) or p[: len(parent)] != parent:
            continue
        g = p[len(parent)]
        if TOTAL_WORD.match(g):
            continue  # another total at the same level (e.g. a second 合计)
        if g not in groups:
            groups[g] = []
            order.append(g)
        groups[g].append(c)
    out = []
    for g in order:
        members = groups[g]
        if len(members) == 1:
            out.append(members[0])
            continue
        sub = [c for c in members if _total_depth(lay.path(c)) == len(parent) + 1]
        if sub:
            out.append(sub[0])
        else:
            out.extend(c for c in members if _total_depth(lay.path(c)) is None)
    return out or None


def _runs(view: TableView, t: int, cols: list[int], ragged: bool) -> list[list[int]]:
    after = [c for c in cols if c > t]
    runs: list[list[int]] = []
    current: list[int] = []
    for c in after:
        if not ragged and _total_depth(view.layout.path(c)) is not None:
            break
        if not ragged and _is_of(view.layout.path(c)):
            break
        current = current + [c]
        runs.append(current)
    return runs


def _holds(view: TableView, t: int, comps: list[int], rows: list[int]) -> tuple[int, int]:
    holds = testable = 0
    for r in rows:
        tv = value(view, r, t)
        vals = [value(view, r, c) for c in comps]
        present = [v for v in vals if v is not None]
        if tv is None and not present:
            continue
        testable += 1
        diff = abs((tv or 0) - total_of(vals))
        if diff <= TOL * max(1, len(present)):
            holds += 1
    return holds, testable


def check_rowwise(view: TableView, cols: list[int], rows: list[int], checker: Checker, context_col: int | None = None,
                  name_of=None) -> None:
    """For every total column among ``cols``: total = its parts, on each row."""
    lay = view.layout
    ragged = view.table.ragged
    totals: list[int] = []
    if ragged:
        words = [norm(c) for row in lay.header_rows for c in row]
        if cols and any(TOTAL_WORD.match(w) for w in words):
            totals = [cols[0]]
    else:
        totals = [c for c in cols if _total_depth(lay.path(c)) is not None and not _is_of(lay.path(c))]
    for t in totals:
        candidates: list[tuple[str, list[int]]] = []
        header = None if ragged else _header_candidate(view, t, cols)
        if header:
            candidates.append(("header", header))
        for run in _runs(view, t, cols, ragged):
            if run != header:
                candidates.append(("run", run))
        best = None
        best_score = (-1, 0)
        for origin, comps in candidates:
            holds, testable = _holds(view, t, comps, rows)
            if testable == 0:
                continue
            score = (holds, len(comps) if origin == "run" else 100)
            if best is None or score > best_score:
                best, best_score = (origin, comps, holds, testable), score
        if best is None:
            continue
        origin, comps, holds, testable = best
        if testable >= 3 and holds < 0.6 * testable:
            continue  # no reading of the columns fits this table
        if testable < 3 and origin != "header":
            continue
        t_name = _col_name(view, t)
        names = [_col_name(view, c) for c in comps]
        names = [f"{n}（第{c + 1}列）" if names.count(n) > 1 else n for n, c in zip(names, comps)]
        for r in rows:
            parts = [Part(n, value(view, r, c)) for n, c in zip(names, comps)]
            label = _row_label(view, r, context_col, name_of)
            checker.sum_identity(
                "table.row_sum",
                t_name,
                value(view, r, t),
                parts,
                where(view, r),
                context=f"{view.title} {label}".strip(),
            )


def _col_name(view: TableView, c: int) -> str:
    if view.table.ragged:
        return f"第{c + 1}列"
    path = view.layout.path(c)
    if not path:
        return f"第{c + 1}列"
    last = path[-1]
    if TOTAL_WORD.match(last) and len(path) > 1 and last in ("小计", "合计"):
        return "".join(path[-2:])
    return last


def _row_label(view: TableView, r: int, context_col: int | None, name_of) -> str:
    if name_of is not None:
        return name_of(r)
    row = view.table.rows[r]
    if context_col is not None:
        return norm(row[context_col])
    return norm(next((c for c in row if norm(c)), ""))


# ====================================================================== coded (function) tables


def _first_amount_col(cols: fin.CodeColumns) -> int:
    last = max([c for c in [cols.code, cols.name, *cols.split] if c is not None], default=-1)
    return last


def check_coded(ctx: Context, view: TableView, checker: Checker, pattern: str) -> None:
    coded, cols = ctx.coded_rows(view, pattern)
    if not coded:
        return
    amount_cols = ctx.amount_columns(view, _first_amount_col(cols))
    names = {x.row: (x.label if x.code else x.name or "合计") for x in coded}
    if not ctx.uncoded_amount_rows(view, coded):
        check_hierarchy(view, coded, amount_cols, checker)
    rows = _distinct_rows(view, coded, amount_cols)
    check_rowwise(view, amount_cols, rows, checker, name_of=lambda r: names.get(r, ""))


def _distinct_rows(view: TableView, coded, amount_cols: list[int]) -> list[int]:
    """Coded and total rows; a unit row repeating the 合计 row's figures is left out."""
    totals = [tuple(value(view, x.row, c) for c in amount_cols) for x in coded if x.kind == "total"]
    out = []
    for x in coded:
        if x.kind == "unit" and tuple(value(view, x.row, c) for c in amount_cols) in totals:
            continue
        out.append(x.row)
    return out


def tree(codes: list[str]) -> list[int | None]:
    """Parent index of each code, by position: a 类 row owns the deeper rows
    that follow it until the next row of its level or above.  (A table may
    print the same 类 twice — 301 under 501 and again under 505 — so codes
    alone do not say which rows belong together.)"""
    parents: list[int | None] = []
    stack: list[int] = []
    for i, code in enumerate(codes):
        while stack and not (len(codes[stack[-1]]) < len(code) and code.startswith(codes[stack[-1]])):
            stack.pop()
        parents.append(stack[-1] if stack else None)
        stack.append(i)
    return parents


def _children(parents: list[int | None]) -> dict[int | None, list[int]]:
    out: dict[int | None, list[int]] = {}
    for i, p in enumerate(parents):
        out.setdefault(p, []).append(i)
    return out


def check_hierarchy(view: TableView, coded, amount_cols: list[int], checker: Checker, values=None) -> None:
    """类 = Σ 款, 款 = Σ 项, 合计 = Σ 类 — in every amount column."""
    lines = [x for x in coded if x.kind == "line"]
    if not lines:
        return
    kids = _children(tree([x.code for x in lines]))
    total_rows = [x for x in coded if x.kind == "total"]
    for c in amount_cols:
        col = _col_name(view, c)
        for parent, members in kids.items():
            if parent is None:
                continue
            p = lines[parent]
            checker.sum_identity(
                "table.code_sum",
                p.label,
                value(view, p.row, c),
                [Part(lines[k].short, value(view, lines[k].row, c)) for k in members],
                where(view, p.row),
                context=f"{view.title}·{col}",
            )
        for tr in total_rows[:2]:
            tops = kids.get(None, [])
            checker.sum_identity(
                "table.code_sum",
                norm(tr.name) or "合计",
                value(view, tr.row, c),
                [Part(lines[k].short, value(view, lines[k].row, c)) for k in tops],
                where(view, tr.row),
                context=f"{view.title}·{col}",
            )


# ====================================================================== economic tables


def check_basic_economic(ctx: Context, view: TableView, checker: Checker) -> None:
    lines, totals = fin.economic_lines(view, [])
    lines = [ln for ln in lines if re.fullmatch(r"3\d{2}(\d{2})?", ln["code"] or "")]
    if not lines:
        return
    measures = [("total", "合计"), ("personnel", "人员经费"), ("public", "公用经费")]
    kids = _children(tree([ln["code"] for ln in lines]))
    tops = [lines[k] for k in kids.get(None, [])]
    # Are 人员经费 / 公用经费 printed in their own columns, or only derived
    # from the class (one 决算数 per row, as in 公开06表)?
    separate = any(
        (ln["personnel"] is not None and ln["personnel"] != ln["total"])
        or (ln["public"] is not None and ln["public"] != ln["total"])
        or (ln["personnel"] is not None and ln["public"] is not None)
        for ln in lines
    )
    for key, label in measures:
        if all(ln[key] is None for ln in lines) and key not in totals:
            continue
        if key != "total" and not separate:
            # derived: only the labelled group totals (人员经费合计) can be checked
            if key in totals:
                f = totals[key]
                checker.sum_identity(
                    "table.code_sum",
                    f"{label}合计",
                    f.value,
                    [Part(k["code"], k[key]) for k in tops if k[key] is not None],
                    Where(view.title or None, f.page, f.row),
                    context=view.title,
                )
            continue
        for parent, members in kids.items():
            if parent is None:
                continue
            p = lines[parent]
            checker.sum_identity(
                "table.code_sum",
                f"{p['code']} {p['name']}",
                p[key],
                [Part(lines[k]["code"], lines[k][key]) for k in members],
                Where(view.title or None, p["page"], p["row"]),
                context=f"{view.title}·{label}",
            )
        if key in totals:
            f = totals[key]
            checker.sum_identity(
                "table.code_sum",
                f"{label}合计" if key != "total" else "合计",
                f.value,
                [Part(k["code"], k[key]) for k in tops],
                Where(view.title or None, f.page, f.row),
                context=view.title,
            )
    # across a row: 合计 = 人员经费 + 公用经费 (only where the table prints both columns)
    if "total" in totals and "personnel" in totals and "public" in totals:
        f = totals["total"]
        checker.sum_identity(
            "table.row_sum",
            "合计",
            f.value,
            [Part("人员经费", totals["personnel"].value), Part("公用经费", totals["public"].value)],
            Where(view.title or None, f.page, f.row),
            context=f"{view.title} 合计行",
        )
    if separate:
        for ln in lines:
            checker.sum_identity(
                "table.row_sum",
                "合计",
                ln["total"],
                [Part("人员经费", ln["personnel"]), Part("公用经费", ln["public"])],
                Where(view.title or None, ln["page"], ln["row"]),
                context=f"{view.title} {ln['code']} {ln['name']}",
            )


def check_economic_summary(ctx: Context, view: TableView, checker: Checker) -> None:
    # 部门 (3xx) and 政府 (5xx) economic classes may share one list ('[512]债务还本支出').
    coded, cols = ctx.coded_rows(view, r"[35]\d{2}(\d{2})?")
    lines = [x for x in coded if x.kind == "line"]
    if len(lines) >= 2 and not ctx.uncoded_amount_rows(view, coded):
        amount_cols = ctx.amount_columns(view, _first_amount_col(cols))
        check_hierarchy(view, coded, amount_cols, checker)
        names = {x.row: (x.label if x.code else x.name or "合计") for x in coded}
        rows = _distinct_rows(view, coded, amount_cols)
        check_rowwise(view, amount_cols, rows, checker, name_of=lambda r: names.get(r, ""))
        return
    _check_flat(ctx, view, checker, cols.name)


def _check_flat(ctx: Context, view: TableView, checker: Checker, name_col: int | None = None) -> None:
    """A table whose codes cannot be read: 合计 = Σ detail rows, provided no
    row names an economic class (which would be a subtotal of other rows)."""
    t, lay = view.table, view.layout
    total_row = None
    details: list[tuple[int, str]] = []
    first_amount = None
    for r in lay.body:
        row = t.rows[r]
        cells = [norm(c) for c in row]
        amount_cells = [i for i, c in enumerate(cells) if is_amount(c) and "." in c]
        if not amount_cells:
            continue
        first_amount = amount_cells[0] if first_amount is None else min(first_amount, amount_cells[0])
        label_cells = [c for c in cells[: amount_cells[0]] if c and not is_amount(c)]
        label = label_cells[-1] if label_cells else ""
        if any(is_total_label(c) for c in label_cells):
            if total_row is None:
                total_row = r
            continue
        if any(ctx.is_unit_name(c) for c in label_cells):
            continue
        names = [cells[name_col]] if name_col is not None and name_col < amount_cells[0] else label_cells
        if any(norm(c) in ECONOMIC_CLASS_NAMES for c in names):
            return  # a class subtotal among the rows: not flat
        if name_col is not None and name_col < amount_cells[0] and cells[name_col]:
            label = cells[name_col]
        details.append((r, label))
    if total_row is None or len(details) < 2 or first_amount is None:
        return
    for c in range(first_amount, t.width):
        if not any(is_amount(t.rows[r][c]) for r, _ in details) and value(view, total_row, c) is None:
            continue
        checker.sum_identity(
            "table.rows_sum",
            "合计",
            value(view, total_row, c),
            [Part(label, value(view, r, c)) for r, label in details],
            where(view, total_row),
            context=f"{view.title}·{_col_name(view, c)}",
        )


# ====================================================================== 三公


def _three_item(label: str) -> str | None:
    t = fin._OF_LIST.sub("", norm(label))
    if not t:
        return None
    if t.startswith("其中") and "出国" in t:
        return None
    if "其他因公出国" in t or "教学科研" in t:
        return None
    item = fin._three_public_item(t)
    if item:
        return item
    if re.match(rf"^[{_CN_NUM}]+[、.．]", t) or re.match(r"^\d+[、.．]", t):
        return "other"
    return None


def _stage_of_path(path: list[str]) -> str:
    """'budget' / 'actual' when a heading level is exactly 预算数 / 决算数."""
    for label in path:
        t = norm(label)
        if re.fullmatch(r"(\d{4}年度?)?(全年)?(预算|预算数|年初预算数?)", t):
            return "budget"
        if re.fullmatch(r"(\d{4}年度?)?(决算|决算数|实际支出|执行数)", t):
            return "actual"
    return ""


def three_public_groups(ctx: Context, view: TableView) -> list[tuple[str, dict[str, list[tuple]]]]:
    """[(group, {item: [(value, row, label)]})] of a 三公 table in either
    orientation; group is 'budget' | 'actual' | '' or a column heading.
    Items: total (合计), total3 (“三公”经费小计), outbound, vehicle_total,
    vehicle_purchase, vehicle_operation, reception, other (会议费, 培训费 …)."""
    lay, t = view.layout, view.table
    col_items = {c: fin._item_of_path(lay.path(c)) for c in range(t.width)}
    horizontal = sum(1 for v in col_items.values() if v) >= 3
    groups: list[tuple[str, dict[str, list[tuple]]]] = []
    if horizontal:
        for c in range(t.width):
            path = lay.path_text(c)
            if col_items[c] is None and re.search(r"会议费|培训费", path):
                col_items[c] = "other"
        by_group: dict[str, dict] = {}
        for r in lay.body:
            if not any(is_amount(x) for x in t.rows[r]):
                continue
            for c, item in col_items.items():
                if not item:
                    continue
                head = lay.path(c)[0] if lay.path(c) else ""
                if re.search(r"增减|变化|差额|比上年", head):
                    continue  # the change columns
                year = re.search(r"(20\d{2})", head)
                if year and ctx.year and int(year.group(1)) != ctx.year:
                    continue  # another year's columns
                g = _stage_of_path(lay.path(c))
                label = lay.path(c)[-1] if lay.path(c) else ""
                by_group.setdefault(g, {}).setdefault(item, []).append((value(view, r, c), r, label))
            break
        return list(by_group.items())
    label_col = None
    for r in lay.body:
        for c in range(t.width):
            if fin._three_public_item(t.rows[r][c]):
                label_col = c
                break
        if label_col is not None:
            break
    if label_col is None:
        return []
    value_cols = [c for c in range(label_col + 1, t.width) if any(is_amount(t.rows[r][c]) for r in lay.body)]
    seen_cols: list[tuple] = []
    for c in value_cols[:4]:
        signature = tuple(value(view, r, c) for r in lay.body)
        if signature in seen_cols:
            continue
        seen_cols.append(signature)
        items: dict[str, list] = {}
        for r in lay.body:
            item = _three_item(t.rows[r][label_col])
            if item:
                items.setdefault(item, []).append((value(view, r, c), r, norm(t.rows[r][label_col])))
        g = fin._group_of(lay.path_text(c), ctx.year) if not t.ragged else None
        if g in ("budget", "actual"):
            groups.append((g, items))
        else:
            groups.append(("" if t.ragged or len(value_cols) == 1 else _col_name(view, c), items))
    return groups


def check_three_public(ctx: Context, view: TableView, checker: Checker) -> None:
    groups = three_public_groups(ctx, view)
    names = {"budget": "预算数", "actual": "决算数", "": ""}
    for g, items in groups:
        label_g = names.get(g, g)
        ctx_text = f"{view.title}{('·' + label_g) if label_g else ''}"

        def one(key):
            vals = items.get(key) or []
            return vals[0] if vals else None

        def val(key):
            x = one(key)
            return x[0] if x else None

        def row_of(key):
            x = one(key)
            return x[1] if x else None

        purchase, operation = val("vehicle_purchase"), val("vehicle_operation")
        vehicle = val("vehicle_total")
        if one("vehicle_total") is not None:
            checker.sum_identity(
                "three_public.vehicle",
                "公务用车购置及运行维护费",
                vehicle,
                [Part("公务用车购置费", purchase), Part("公务用车运行维护费", operation)],
                where(view, row_of("vehicle_total")),
                context=ctx_text,
            )
        vehicle_eff = vehicle if vehicle is not None else (
            total_of([purchase, operation]) if purchase is not None or operation is not None else None
        )
        parts = [
            Part("因公出国（境）费", val("outbound")),
            Part("公务用车购置及运行维护费", vehicle_eff),
            Part("公务接待费", val("reception")),
        ]
        sub = one("total3")
        total = one("total")
        if sub is not None:
            checker.sum_identity(
                "three_public.sum", "“三公”经费小计", sub[0], parts, where(view, sub[1]), context=ctx_text
            )
        others = items.get("other") or []
        sub_eff = sub[0] if sub is not None and sub[0] is not None else (
            total_of(p.value for p in parts) if any(p.value is not None for p in parts) else None
        )
        if total is not None:
            if sub is not None or others:
                tparts = [Part("“三公”经费小计", sub_eff)] + [Part(lbl, v) for v, _r, lbl in others]
            else:
                tparts = parts
            checker.sum_identity("three_public.sum", "合计", total[0], tparts, where(view, total[1]), context=ctx_text)
        declared = re.search(r"会议费|培训费", norm(view.title))
        for v, r, lbl in others:
            if v is not None and v != 0 and not declared:
                checker.add(
                    "three_public.extra_rows",
                    "warning",
                    "arithmetic",
                    f"{ctx_text}：列示了不属于“三公”经费的“{fin.label_key(lbl)}”{fmt(v)}万元"
                    + (f"，合计 {fmt(total[0])} 包含此项" if total is not None and total[0] is not None else ""),
                    where(view, r),
                    found=v,
                )


# ====================================================================== 固定资产


def check_assets(ctx: Context, view: TableView, checker: Checker) -> None:
    t = view.table
    col = _assets_value_col(view)
    label_col = 0
    if col is None:
        return
    total_row = None
    parts: list[tuple[int, str]] = []
    # every row: a small integer such as 29 makes the layout take the
    # 资产总额 row for a heading
    for r in range(len(t.rows)):
        label = norm(t.rows[r][label_col])
        if re.match(r"^(资产总额|合计|总计)", label):
            total_row = r
        elif re.match(r"^\d+[、.．]", label):
            parts.append((r, label))
    if total_row is None or not parts:
        return
    checker.sum_identity(
        "assets.sum",
        "资产总额",
        value(view, total_row, col),
        [Part(fin.label_key(lbl), value(view, r, col)) for r, lbl in parts],
        where(view, total_row),
        context=view.title,
    )


def _assets_value_col(view: TableView) -> int | None:
    """The 价值/金额 column of a 固定资产占用情况表 (by its heading cell)."""
    for row in view.table.rows[:4]:
        for c, cell in enumerate(row):
            if re.search(r"价值|金额", norm(cell)) and not re.search(r"单价", norm(cell)):
                return c
    return None
