"""Basic expenditure by economic class (经济分类): every 3xx line with its
人员经费 and 公用经费, from one code/name/amount group or several printed side
by side (公开06表).
"""
from __future__ import annotations

import re

from loaders.recognise.cells import is_amount, norm
from loaders.recognise.financial.codes import (
    CodeColumns,
    _code_columns,
    _first_amount_col,
    _is_total_label,
    _row_code,
    _row_name,
    name_tail,
)
from loaders.recognise.financial.columns import _ragged_amount_cols
from loaders.recognise.financial.facts import Fact, amount, fact, file_of
from loaders.recognise.views import TableView


_PERSONNEL_CODES = ("301", "303")


def _blocks(view: TableView) -> list[tuple[int, int]]:
    """Side-by-side column groups, each starting with its own code column.

    A group of 政府预算经济分类 codes printed beside the 部门 codes is not a
    group of its own: it belongs to the group on its left, or, printed first,
    to the group on its right.
    """
    lay, t = view.layout, view.table

    def is_code(c: int) -> bool:
        path = lay.path_text(c)
        return ("编码" in path or "代码" in path or path.endswith("类")) and "名称" not in path

    starts = [c for c in range(t.width) if is_code(c) and not (c and is_code(c - 1))]
    if not starts:
        return [(0, t.width)]
    bounds = starts + [t.width]
    blocks = [(bounds[i], bounds[i + 1]) for i in range(len(starts))]
    merged: list[tuple[int, int]] = []
    leading: int | None = None  # start of 政府 groups printed before any 部门 group
    for start, end in blocks:
        government = any("政府" in lay.path_text(c) for c in range(start, end) if not is_code(c))
        if merged and government:
            merged[-1] = (merged[-1][0], end)
        elif government:
            leading = start if leading is None else leading
        else:
            merged.append((start if leading is None else leading, end))
            leading = None
    if leading is not None:
        merged.append((leading, t.width))
    return merged


def economic_lines(view: TableView, problems: list) -> tuple[list[dict], dict[str, Fact]]:
    """Every row of a basic-expenditure-by-economic-class table.

    Handles one code/name/amount group, or several side by side (公开06表 prints
    人员经费 and 公用经费 groups next to each other with one 决算数 each).
    """
    lines: list[dict] = []
    totals: dict[str, Fact] = {}
    blocks = _blocks(view)
    for start, end in blocks if len(blocks) > 1 else [(0, view.table.width)]:
        sub = _BlockView(view, start, end)
        cols = _code_columns(sub.view_like())
        if cols.code is None and not cols.split:
            continue
        cols = CodeColumns(
            code=None if cols.code is None else cols.code + start,
            split=[c + start for c in cols.split],
            name=None if cols.name is None else cols.name + start,
            combined=cols.combined,
        )
        first = _first_amount_col(view, cols)
        group_path = " ".join(view.layout.path_text(c) for c in range(start, end))
        if view.table.ragged:
            found = _ragged_amount_cols(
                view,
                first,
                {"total": ("合计", "小计"), "personnel": ("人员经费", "人员支出"), "public": ("公用经费", "日常公用")},
            )
            total, personnel, public = found.get("total", first), found.get("personnel"), found.get("public")
        else:
            def in_block(c: int | None) -> int | None:
                return c if c is not None and start <= c < end else None

            lay = view.layout
            lo = max(start, first)
            total = in_block(_first_in(lay, lo, end, ("合计",), ("小计",), ("决算数",), ("预算数",), ("金额",)))
            personnel = in_block(_first_in(lay, lo, end, ("人员经费",), ("人员支出",)))
            public = in_block(_first_in(lay, lo, end, ("公用经费",), ("日常公用",), ("公用支出",)))
            if personnel is not None and personnel == total:
                personnel = None
            if public is not None and public == total:
                public = None
            if total is None or total < first:
                total = first if first < end else None
        group = "personnel" if "人员经费" in group_path and "公用经费" not in group_path else (
            "public" if "公用经费" in group_path and "人员经费" not in group_path else None
        )
        context = ["", "", ""]
        last: tuple[int, dict] | None = None  # (next row, line) of this group's last line
        for r in view.layout.body:
            row = view.table.rows[r]
            tail = name_tail(view, r, cols, start, end) if last and last[0] == r else None
            if tail:
                last[1]["name"] += tail
                last = (r + 1, last[1])
                continue
            name = _row_name(view, r, cols)
            code = _row_code(view, r, cols, context)
            label = norm(" ".join(row[start:end]))
            if code is None:
                if re.search(r"(人员|公用)经费(合计|小计)", norm(" ".join(row))):
                    _labelled_totals(view, r, totals, problems)
                elif _is_total_label(name) or label.startswith("合计"):
                    totals.setdefault("total", fact(view, r, total, problems))
                    if personnel is not None:
                        totals.setdefault("personnel", fact(view, r, personnel, problems))
                    if public is not None:
                        totals.setdefault("public", fact(view, r, public, problems))
                continue
            if not re.fullmatch(r"3\d{2}(\d{2})?", code):
                continue
            t_val = amount(view, r, total, problems)
            if personnel is not None or public is not None:
                p_val = amount(view, r, personnel, problems)
                q_val = amount(view, r, public, problems)
            else:
                side = group or ("personnel" if code.startswith(_PERSONNEL_CODES) else "public")
                p_val = t_val if side == "personnel" else None
                q_val = t_val if side == "public" else None
            lines.append(
                {
                    "code": code,
                    "name": name,
                    "total": t_val,
                    "personnel": p_val,
                    "public": q_val,
                    "page": view.row_page(r),
                    "table": view.title,
                    "row": r,
                    **file_of(view),
                }
            )
            last = (r + 1, lines[-1])
    return lines, totals


def _labelled_totals(view: TableView, r: int, totals: dict[str, Fact], problems: list) -> None:
    """'人员经费合计 … 390.50 公用经费合计 … 15.63': each label takes the next amount on its right."""
    row = view.table.rows[r]
    for c, cell in enumerate(row):
        m = re.search(r"(人员|公用)经费(合计|小计)", norm(cell))
        if not m:
            continue
        key = "personnel" if m.group(1) == "人员" else "public"
        for v in range(c + 1, len(row)):
            if is_amount(row[v]):
                totals.setdefault(key, fact(view, r, v, problems))
                break
            if re.search(r"经费(合计|小计)", norm(row[v])):
                break


def _first_in(lay, start: int, end: int, *options: tuple[str, ...]) -> int | None:
    for words in options:
        for c in range(start, end):
            text = lay.path_text(c)
            if all(w in text for w in words) and "政府" not in text:
                return c
    return None


class _BlockView:
    """A column slice of a view, to reuse the column finder on one group."""

    def __init__(self, view: TableView, start: int, end: int) -> None:
        self.view, self.start, self.end = view, start, end

    def view_like(self) -> TableView:
        from loaders.model import Table
        from loaders.recognise.layout import Layout

        t = self.view.table
        sub = Table(
            rows=[r[self.start : self.end] for r in t.rows],
            row_pages=list(t.row_pages),
            ragged=t.ragged,
        )
        lay = Layout(table=sub, header_start=self.view.layout.header_start, body_start=self.view.layout.body_start)
        lay.labels = [lv[self.start : self.end] for lv in self.view.layout.labels]
        return TableView(
            index=self.view.index,
            table=sub,
            layout=lay,
            family=self.view.family,
            title=self.view.title,
            scale=self.view.scale,
            scale_declared=self.view.scale_declared,
        )
