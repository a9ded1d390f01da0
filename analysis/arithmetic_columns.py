"""表内勾稽 by columns and by codes: across a row 合计 = its component columns
(the identity a table actually obeys on most rows where its headings are
shifted), and down a coded table each 类 = its 款, each 款 = its 项.

Used for every table with amount columns (function, economic and summary tables).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from analysis.checks import Checker, Part, Where, total_of
from analysis.checks_context import TOTAL_WORD, Context, value
from analysis.table_reading import TOL, children_of, column_name, distinct_rows, first_amount_col, tree, where
from loaders.recognise.cells import norm
from loaders.recognise.views import TableView


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
        t_name = column_name(view, t)
        names = [column_name(view, c) for c in comps]
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


def _row_label(view: TableView, r: int, context_col: int | None, name_of) -> str:
    if name_of is not None:
        return name_of(r)
    row = view.table.rows[r]
    if context_col is not None:
        return norm(row[context_col])
    return norm(next((c for c in row if norm(c)), ""))


def check_coded(ctx: Context, view: TableView, checker: Checker, pattern: str) -> None:
    coded, cols = ctx.coded_rows(view, pattern)
    if not coded:
        return
    amount_cols = ctx.amount_columns(view, first_amount_col(cols))
    names = {x.row: (x.label if x.code else x.name or "合计") for x in coded}
    if not ctx.uncoded_amount_rows(view, coded):
        check_hierarchy(view, coded, amount_cols, checker)
    rows = distinct_rows(view, coded, amount_cols)
    check_rowwise(view, amount_cols, rows, checker, name_of=lambda r: names.get(r, ""))


def check_code_sums(
    checker: Checker,
    lines: Sequence[Any],
    kids: dict[int | None, list[int]],
    *,
    amount: Callable[[Any], Decimal | None],
    label: Callable[[Any], str],
    short: Callable[[Any], str],
    where_of: Callable[[Any], Where],
    context: str,
) -> None:
    """Each parent code = Σ its children (类 = Σ 款, 款 = Σ 项).  The lines are
    coded rows of a table or the economic lines' dicts: the accessors read either."""
    for parent, members in kids.items():
        if parent is None:
            continue
        p = lines[parent]
        checker.sum_identity(
            "table.code_sum", label(p), amount(p), [Part(short(lines[k]), amount(lines[k])) for k in members],
            where_of(p), context=context,
        )


def check_hierarchy(view: TableView, coded, amount_cols: list[int], checker: Checker, values=None) -> None:
    """类 = Σ 款, 款 = Σ 项, 合计 = Σ 类 — in every amount column."""
    lines = [x for x in coded if x.kind == "line"]
    if not lines:
        return
    kids = children_of(tree([x.code for x in lines]))
    total_rows = [x for x in coded if x.kind == "total"]
    for c in amount_cols:
        col = column_name(view, c)
        check_code_sums(
            checker, lines, kids,
            amount=lambda x, c=c: value(view, x.row, c),
            label=lambda x: x.label, short=lambda x: x.short, where_of=lambda x: where(view, x.row),
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


