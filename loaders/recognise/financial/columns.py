"""Which column of a financial table holds what: labels or values, this
year's figures or another period's, a heading's total or its parts.

Columns are found by the words of their headings (``Layout.path``), and where
the headings are shifted (``Table.ragged``) by their order.
"""
from __future__ import annotations

import re

from loaders.recognise.cells import is_amount, norm
from loaders.recognise.views import TableView


def _heading_parts(view: TableView, word: str, allowed: set[int] | None = None) -> list[int] | None:
    """The sub-columns of a heading that has no total column of its own.

    '基本支出' over '人员支出 | 日常公用支出' with no 小计 beside them: the
    heading's amount is the sum of its parts.  None when the heading has one
    column, or a 小计/合计 of its own.
    """
    lay = view.layout
    cols = []
    for c in range(view.table.width):
        path = lay.path(c)
        if word not in path or (allowed is not None and c not in allowed):
            continue
        below = path[path.index(word) + 1 :]
        if not below or below[0] in ("小计", "合计"):
            return None  # the heading has a column of its own
        cols.append(c)
    return cols if len(cols) >= 2 else None


# ---------------------------------------------------------------- column roles


def _column_roles(view: TableView) -> tuple[list[int], list[int]]:
    """(label columns, value columns) of a two-sided summary table."""
    t, lay = view.table, view.layout
    labels, values = [], []
    for col in range(t.width):
        path = lay.path_text(col)
        if "行次" in path or "栏次" in path:
            continue
        cells = [norm(t.rows[r][col]) for r in lay.body if norm(t.rows[r][col])]
        if not cells:
            if any(w in path for w in ("预算数", "决算数", "金额", "合计", "小计", "拨款")):
                values.append(col)
            continue
        numeric = sum(1 for c in cells if is_amount(c))
        small_ints = sum(1 for c in cells if re.fullmatch(r"\d{1,2}", c))
        if numeric - small_ints >= len(cells) / 2 or (numeric >= len(cells) / 2 and "项目" not in path):
            if small_ints == numeric and small_ints > 3 and "序号" not in path:
                continue  # a 行次 column without its heading
            values.append(col)
        elif numeric <= len(cells) / 3:
            labels.append(col)
    return labels, values


def label_groups(view: TableView) -> list[tuple[int, int, list[int]]]:
    """(place among the label columns, label column, its value columns) of a
    two-sided table: a label's values stand to its right, before the next
    label column.  A label column with no value column is left out."""
    labels, values = _column_roles(view)
    out = []
    for li, lc in enumerate(labels):
        nxt = labels[li + 1] if li + 1 < len(labels) else view.table.width
        vcols = [v for v in values if lc < v < nxt]
        if vcols:
            out.append((li, lc, vcols))
    return out


def side_of_heading(path: str, first: bool) -> str:
    """'income' or 'expenditure' for a label column by its heading: 支出
    without 收入 is expenditure, 收入 income; a heading that names neither is
    income on the first side of the table and expenditure after it."""
    if "支出" in path and "收入" not in path:
        return "expenditure"
    if "收入" in path:
        return "income"
    return "income" if first else "expenditure"


_YEAR_IN_HEADING = re.compile(r"(20\d{2})\s*年")


def current_column(view: TableView, cols: list[int], year: int | None = None) -> int:
    """Of several value columns beside one label column, the report's own figures.

    A final-accounts table may print 年初预算数 beside 决算数 (the 决算数 is
    the report's); headings with years ('2024年预算数 | 2025年预算数') give
    the document year's column, or the latest year; a 上年 column gives way
    to the others.  Otherwise the first column (合计 before its parts).
    """
    if len(cols) == 1:
        return cols[0]
    paths = {c: view.layout.path_text(c) for c in cols}
    actual = [c for c in cols if "决算" in paths[c] and not re.search(r"[%％]|率|比", paths[c])]
    if actual and len(actual) < len(cols):
        return actual[0]
    years = {c: int(m.group(1)) for c in cols if (m := _YEAR_IN_HEADING.search(paths[c]))}
    if len(set(years.values())) > 1:
        wanted = year if year in years.values() else max(years.values())
        return next(c for c in cols if years.get(c) == wanted)
    current = [c for c in cols if "上年" not in paths[c]]
    return current[0] if current else cols[0]


# A heading over a group of amount columns that names whose figures they are.
_PERIOD_GROUP = re.compile(r"^((20\d{2}年度?|上年|本年|当年).{0,6}(预算|决算|执行)数?|(年初)?(预算|决算|执行)数)$")


def current_group_columns(view: TableView, year: int | None = None) -> set[int] | None:
    """Columns outside another period's heading group.

    Tables may print last year's figures beside this year's under group
    headings ('2024年预算数 | 2025年预算数', '上年执行数 | 本年预算数').  The
    group holding the report's own figures is chosen like a value column
    (:func:`current_column`); the other groups' columns are left out.  None
    when the headings form no such groups.
    """
    lay, width = view.layout, view.table.width
    tops = {c: lay.path(c)[0] for c in range(width) if lay.path(c) and _PERIOD_GROUP.match(lay.path(c)[0])}
    firsts: dict[str, int] = {}
    for c, top in tops.items():
        firsts.setdefault(top, c)
    if len(firsts) < 2:
        return None
    chosen = tops[current_column(view, list(firsts.values()), year)]
    return {c for c in range(width) if tops.get(c, chosen) == chosen}


def _amount_col(
    view: TableView, *options: tuple[str, ...], exclude: tuple[str, ...] = (), allowed: set[int] | None = None
) -> int | None:
    """First column matching any of the word groups, preferring a 小计/合计 under it.

    ``allowed`` (see :func:`current_group_columns`) leaves out the columns of
    another year's group.
    """
    lay = view.layout
    for words in options:
        cols = [c for c in lay.find_all(*words, exclude=exclude) if allowed is None or c in allowed]
        if not cols:
            continue
        for c in cols:
            if lay.path(c)[-1:] in (["小计"], ["合计"]):
                return c
        for c in cols:
            if lay.path(c)[-1:] == [words[-1]]:
                return c
        return cols[0]
    return None


def _ragged_amount_cols(view: TableView, first_amount: int, targets: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Header cells shifted (Word table pasted as text): map by order instead."""
    out: dict[str, int] = {}
    skip = ("序号", "栏次", "项目", "单位名称", "单位代码")
    for row in view.layout.header_rows:
        labels = [norm(c) for c in row if norm(c)]
        amount_labels = [c for c in labels if c not in skip and "科目" not in c and "编码" not in c]
        for key, words in targets.items():
            if key in out:
                continue
            for i, label in enumerate(amount_labels):
                if any(w == label or label.startswith(w) for w in words):
                    out[key] = first_amount + i
                    break
    return out
