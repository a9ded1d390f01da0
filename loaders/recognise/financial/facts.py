"""An amount read from a table cell, with where it was read (page, table, row).

Every recogniser of the financial tables reads its amounts through
:func:`fact`, so that each value keeps its provenance and a cell holding
something else is flagged once (:func:`distinct_problems`).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from loaders.recognise.cells import parse_amount
from loaders.recognise.views import TableView


@dataclass
class Fact:
    value: Decimal | None
    page: int | None
    table: str
    row: int | None
    origin: str = "table"
    file: str | None = None  # only for a document read from several files

    def source(self) -> dict:
        out = {"page": self.page, "table": self.table, "row": self.row, "origin": self.origin}
        if self.file is not None:
            out["file"] = self.file
        return out


def file_of(view: TableView) -> dict:
    """``{"file": …}`` for a table of a document read from several files, else ``{}``."""
    return {"file": view.table.file} if view.table.file is not None else {}


class AmountError(ValueError):
    """A cell where an amount belongs holds something else."""

    def __init__(self, view: TableView, row: int, col: int, text: str) -> None:
        self.view, self.row, self.col, self.text = view, row, col, text
        super().__init__(f"{view.title or '表格'} 第{row + 1}行第{col + 1}列不是金额：{text!r}")


def amount(view: TableView, row: int, col: int | None, problems: list | None = None) -> Decimal | None:
    if col is None or col >= view.table.width:
        return None
    text = view.table.rows[row][col]
    try:
        return parse_amount(text, view.scale)
    except ValueError:
        if problems is not None:
            problems.append(AmountError(view, row, col, text))
        return None


def fact(view: TableView, row: int, col: int | list[int] | None, problems: list | None = None) -> Fact:
    """The amount of one cell, or the sum of several (a heading printed only as its parts)."""
    if isinstance(col, list):
        parts = [amount(view, row, c, problems) for c in col]
        known = [p for p in parts if p is not None]
        value = sum(known, Decimal(0)) if known else None
        return Fact(value, view.row_page(row), view.title, row, file=view.table.file)
    return Fact(amount(view, row, col, problems), view.row_page(row), view.title, row, file=view.table.file)


def distinct_problems(problems: list) -> list:
    """Each flagged cell once, though several recognisers may have read it."""
    seen: set[tuple[int, int, int]] = set()
    out = []
    for p in problems:
        key = (p.view.index, p.row, p.col)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out
