"""Printed tables the tests feed to the recognisers, kept as data.

The rows of a layout variant are what a report prints, not logic; written as
Python lists they read as long runs of look-alike code.  They live in
``tests/data/tables/<family>.txt`` instead:

    # a comment
    == name
    科目编码 | 科目名称 | 合计
     | 合计 | 30.00
    210 | 卫生健康支出 | 30.00

``== name`` starts a table; each following line is a row, cells separated by
``|`` (surrounding spaces dropped, so an empty cell is just nothing between two
bars); blank lines and ``#`` lines are skipped.  Every cell is a string.
"""
from __future__ import annotations

import functools
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "tables"


@functools.cache
def _parse(family: str) -> dict[str, tuple[tuple[str, ...], ...]]:
    tables: dict[str, list[tuple[str, ...]]] = {}
    rows: list[tuple[str, ...]] | None = None
    for number, line in enumerate((DATA / f"{family}.txt").read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith("== "):
            name = line[3:].strip()
            if name in tables:
                raise ValueError(f"{family}.txt:{number}: table {name!r} given twice")
            rows = tables[name] = []
            continue
        if rows is None:
            raise ValueError(f"{family}.txt:{number}: a row before the first '== name'")
        rows.append(tuple(cell.strip() for cell in line.split("|")))
    return {name: tuple(body) for name, body in tables.items()}


def tables(family: str) -> dict[str, list[list[str]]]:
    """All tables of ``tests/data/tables/<family>.txt`` by name, as fresh lists
    (a test may change its copy)."""
    return {name: [list(row) for row in rows] for name, rows in _parse(family).items()}


def table(family: str, name: str) -> list[list[str]]:
    """One table of a family, as a fresh list of rows."""
    return [list(row) for row in _parse(family)[name]]
