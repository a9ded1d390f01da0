"""Expenditure by function class (功能分类): every 类/款/项 line with its 合计,
基本支出 and 项目支出, from a table with codes or one naming its lines without
them (杭州: levels then come from the names and the arithmetic).
"""
from __future__ import annotations

import re
from decimal import Decimal

from loaders.recognise.cells import is_amount, norm
from loaders.recognise.financial.codes import (
    CodeColumns,
    CodedRow,
    _code_columns,
    _first_amount_col,
    _is_total_label,
    code_level,
    coded_rows,
)
from loaders.recognise.financial.columns import (
    _amount_col,
    _heading_parts,
    _ragged_amount_cols,
    current_group_columns,
)
from loaders.recognise.financial.facts import Fact, amount, fact, file_of
from loaders.recognise.views import TableView


# ---------------------------------------------------------------- lines named without codes


def _name_column(view: TableView) -> int | None:
    """The column holding the row labels of a table without codes."""
    lay, t = view.layout, view.table
    for words in (("科目名称",), ("名称",), ("项目",), ("科目",)):
        col = lay.find(*words, exclude=("单位名称", "项目支出", "项目名称"))
        if col is not None:
            return col
    for c in range(min(3, t.width)):
        cells = [norm(t.rows[r][c]) for r in lay.body if norm(t.rows[r][c])]
        if cells and sum(1 for x in cells if is_amount(x)) <= len(cells) / 3:
            return c
    return None


def partition_levels(values: list[Decimal | None], total: Decimal | None) -> list[int] | None:
    """Levels (2 款 / 3 项) of the rows under one 类, from the arithmetic.

    Rows come depth first: a 款, then its 项, then the next 款.  When the rows
    alone add up to the 类 they are all 款; otherwise each 款 is followed by 项
    summing to it.  Sums hold within the rounding of their summands (0.01 万元
    each).  None when neither reading adds up: the levels stay unknown rather
    than guessed.
    """
    step = Decimal("0.01")
    known = [v if v is not None else Decimal(0) for v in values]

    def near(a: Decimal, b: Decimal, n: int) -> bool:
        return abs(a - b) <= step * max(1, n)

    if total is not None and near(sum(known, Decimal(0)), total, len(known)):
        return [2] * len(values)
    levels: list[int] = []
    i = 0
    while i < len(known):
        head, acc, j = known[i], Decimal(0), i + 1
        while j < len(known) and not (j > i + 1 and near(acc, head, j - i - 1)) and acc < head + step:
            acc += known[j]
            j += 1
        if j == i + 1 or not near(acc, head, j - i - 1):
            return None
        levels += [2] + [3] * (j - i - 1)
        i = j
    heads = [v for v, lv in zip(known, levels) if lv == 2]
    return levels if total is None or near(sum(heads, Decimal(0)), total, len(heads)) else None


def named_rows(view: TableView, value_col: int | None) -> list[CodedRow]:
    """Rows of an expenditure table that names its 类/款/项 without codes (杭州).

    A 类 is known by its name (``glossary.FUNCTION_CLASSES``); the rows under it
    are 款 or 项 by the arithmetic of ``value_col`` (:func:`partition_levels`); a code
    is given only where the name and its parent determine it
    (``glossary.function_code``).  Empty when no row names a 类.
    """
    from glossary import function_class_of, function_code

    name_col = _name_column(view)
    if name_col is None or value_col is None:
        return []
    t = view.table
    entries: list[CodedRow] = []
    for r in view.layout.body:
        name = norm(t.rows[r][name_col])
        if not name:
            continue
        if _is_total_label(name) or any(_is_total_label(t.rows[r][c]) for c in range(min(3, t.width))):
            entries.append(CodedRow(row=r, code=None, name=name, is_total=True))
            continue
        code = function_class_of(name)
        entries.append(CodedRow(row=r, code=code, name=name, is_total=False, level=1 if code else None))
    if not any(e.level == 1 for e in entries):
        return []
    out: list[CodedRow] = [e for e in entries if e.is_total]
    groups: list[tuple[CodedRow, list[CodedRow]]] = []
    for e in entries:
        if e.is_total:
            continue
        if e.level == 1:
            groups.append((e, []))
        elif groups:
            groups[-1][1].append(e)
    for head, children in groups:
        out.append(head)
        by_name = _levels_by_name(head, children)
        if None in by_name:
            values = [amount(view, c.row, value_col) for c in children]
            by_sum = partition_levels(values, amount(view, head.row, value_col))
            levels = by_sum if by_sum is not None else by_name
        else:
            levels = by_name
        section: CodedRow | None = None
        for child, level in zip(children, levels):
            child.level = level
            if level == 2:
                child.code = function_code(child.name, head.code, head.name)
                section = child
            elif level == 3 and section is not None:
                child.code = function_code(child.name, section.code, section.name)
            out.append(child)
    return sorted(out, key=lambda e: e.row)


def _levels_by_name(head: CodedRow, children: list[CodedRow]) -> list[int | None]:
    """Levels the names alone give: a 项 of the current 款, else a 款 of the 类."""
    from glossary import function_code

    levels: list[int | None] = []
    section: CodedRow | None = None
    for child in children:
        if section is not None and section.code and function_code(child.name, section.code, section.name):
            levels.append(3)
        elif (code := function_code(child.name, head.code, head.name)) is not None:
            levels.append(2)
            section = CodedRow(row=child.row, code=code, name=child.name, is_total=False)
        else:
            levels.append(None)
    return levels


FUNCTION_CODE = re.compile(r"2(0[1-9]|1\d|2\d|3[0-4])(\d{2}){0,2}")


def function_lines(view: TableView, problems: list, year: int | None = None) -> tuple[list[dict], dict[str, Fact]]:
    """Every coded row of an expenditure-by-function table, and its 合计 row.

    A table naming its rows without codes gives its lines by name and level
    (:func:`named_rows`), with codes only where the names determine them.
    """
    cols = _code_columns(view)
    named = cols.code is None and not cols.split
    if named:
        cols = CodeColumns(code=None, split=[], name=_name_column(view))
        if cols.name is None:
            return [], {}
    first = _first_amount_col(view, cols)
    if view.table.ragged:
        found = _ragged_amount_cols(
            view, first, {"total": ("合计", "本年支出合计"), "basic": ("基本支出",), "project": ("项目支出",)}
        )
        total, basic, project = found.get("total", first), found.get("basic"), found.get("project")
    else:
        allowed = current_group_columns(view, year)
        total = _amount_col(
            view, ("本年支出合计",), ("合计",), ("支出合计",), ("总计",), exclude=("科目",), allowed=allowed
        )
        if total is None or total < first:
            total = min((c for c in allowed if c >= first), default=None) if allowed else first
        basic = _amount_col(view, ("基本支出",), allowed=allowed)
        project = _amount_col(view, ("项目支出",), ("专项业务经费",), allowed=allowed)
        # 基本支出 printed only as its parts (人员支出 | 日常公用支出): their sum.
        basic_parts = _heading_parts(view, "基本支出", allowed)
        if basic_parts:
            basic = basic_parts
    lines, totals = [], {}
    rows = named_rows(view, total) if named else coded_rows(view, cols)
    for cr in rows:
        values = {
            "total": fact(view, cr.row, total, problems),
            "basic": fact(view, cr.row, basic, problems),
            "project": fact(view, cr.row, project, problems),
        }
        if cr.is_total:
            if not totals:
                totals = values
            continue
        if not FUNCTION_CODE.fullmatch(cr.code or "") and not (named and cr.level):
            continue
        lines.append(
            {
                "code": cr.code,
                "name": cr.name,
                "total": values["total"].value,
                "basic": values["basic"].value,
                "project": values["project"].value,
                "page": view.row_page(cr.row),
                "table": view.title,
                "row": cr.row,
                "level": cr.level or code_level(cr.code),
                **file_of(view),
            }
        )
    return lines, totals
