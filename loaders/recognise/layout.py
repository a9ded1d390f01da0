"""Where a table's header ends and what each column is called.

Tables arrive with their title/agency/unit rows still on top (worksheets) or
not (PDF), with one to four header rows whose merged cells may or may not be
marked, and sometimes (text pasted from Word) with header cells shifted.  This
module finds the header rows by their words and gives every column a path of
header labels ("本年收入/财政拨款收入"), so recognisers can ask for a column by
the words in its heading.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from loaders.model import Table
from loaders.recognise.cells import is_amount, norm, split_code
from loaders.recognise.identity import bare_agency

_PREAMBLE = re.compile(
    r"(单位[:：]|预算年度|年度$|^\d{4}年度?$|部门[:：]|部门名称|编制(部门|单位)|公开\d+表$|^预算\d+表$|^公开表\d+$|^表\d+$"
    r"|表([（(][^）)]{1,20}[)）])?$|^\d{3,}\D+$|^[（(]?续[表)）]?|^金额单位|^单位\s*[:：]|截[止至]|^\d{4}-\d{2}-\d{2})"
)
_NUMBERING = re.compile(r"^(栏次|行次|\d{1,2}|\*+)$")


# A column group heading such as '2025年预算数' or '2024年决算数', never a preamble line.
_GROUP_HEADING = re.compile(r"^(20\d{2}年度?)?.{0,8}(预算|决算|执行|调整)数$")


def is_preamble_row(row: list[str]) -> bool:
    cells = [norm(c) for c in row if norm(c)]
    if not cells:
        return True
    return all(
        (_PREAMBLE.search(c) or bare_agency(c)) and not is_amount(c) and not _GROUP_HEADING.match(c) for c in cells
    )


def is_numbering_row(row: list[str]) -> bool:
    """The '栏次 1 2 3 …' row, or a row of column numbers."""
    cells = [norm(c) for c in row if norm(c)]
    if not cells:
        return False
    if cells[0] in ("栏次", "行次"):
        return True
    return len(cells) >= 3 and all(_NUMBERING.match(c) for c in cells)


def is_data_row(row: list[str]) -> bool:
    if is_numbering_row(row):
        return False
    cells = [norm(c) for c in row if norm(c)]
    if not cells:
        return False
    if any(is_amount(c) and not re.fullmatch(r"\d{1,2}", c) for c in cells):
        return True
    return split_code(cells[0]) is not None and len(cells[0]) in (3, 5, 7)


@dataclass
class Layout:
    table: Table
    header_start: int
    body_start: int
    labels: list[list[str]] = field(default_factory=list)  # [header row][col], filled

    @property
    def header_rows(self) -> list[list[str]]:
        return self.table.rows[self.header_start : self.body_start]

    @property
    def preamble(self) -> list[str]:
        return [c for row in self.table.rows[: self.header_start] for c in row if c.strip()]

    @property
    def body(self) -> range:
        return range(self.body_start, len(self.table.rows))

    def path(self, col: int) -> list[str]:
        out: list[str] = []
        for level in self.labels:
            label = level[col]
            if label and (not out or out[-1] != label):
                out.append(label)
        return out

    def path_text(self, col: int) -> str:
        return "/".join(self.path(col))

    def find(self, *words: str, exclude: tuple[str, ...] = (), start: int = 0) -> int | None:
        """First column at or after ``start`` whose heading contains every word."""
        for col in range(start, self.table.width):
            text = self.path_text(col)
            if all(w in text for w in words) and not any(x in text for x in exclude):
                return col
        return None

    def find_all(self, *words: str, exclude: tuple[str, ...] = ()) -> list[int]:
        return [
            col
            for col in range(self.table.width)
            if all(w in self.path_text(col) for w in words)
            and not any(x in self.path_text(col) for x in exclude)
        ]


_TOTAL_LABEL = re.compile(r"^(合计|总计|小计|本年支出合计|支出合计|基本支出合计)$")
# A heading over row labels ('项目', '科目名称', '支出功能分类科目'), not over amounts ('项目支出').
_ROW_LABEL_HEADING = re.compile(r"^(项目|.{0,10}名称|.{0,10}科目)$")


def is_total_row_under_labels(rows: list[list[str]], r: int, start: int) -> bool:
    """A 合计 row that holds no amount ('见附表', or blank) but sits under a
    row-label heading (项目 / 科目名称): the first body row, not a header row.

    '合计' heading a column of a horizontal 三公 table has no label heading
    above it and stays a heading.
    """
    row = rows[r]
    first = next((c for c, cell in enumerate(row) if norm(cell)), None)
    if first is None or not _TOTAL_LABEL.match(norm(row[first])):
        return False
    above = next((norm(rows[k][first]) for k in range(r - 1, start - 1, -1) if norm(rows[k][first])), "")
    rest = [norm(c) for c in row[first + 1 :] if norm(c)]
    return bool(_ROW_LABEL_HEADING.match(above)) and not any(_ROW_LABEL_HEADING.match(c) for c in rest)


def analyse(table: Table) -> Layout:
    rows = table.rows
    start = 0
    while start < len(rows) and is_preamble_row(rows[start]):
        start += 1
    body = start
    while body < len(rows) and not is_data_row(rows[body]) and not (
        body > start and is_total_row_under_labels(rows, body, start)
    ):
        body += 1
    if body == len(rows):
        # No data: the header is what follows the preamble, up to the numbering row.
        body = start
        while body < len(rows) and not is_numbering_row(rows[body]) and body - start < 4:
            body += 1
        body = min(len(rows), body + (1 if body < len(rows) and is_numbering_row(rows[body]) else 0))
    layout = Layout(table=table, header_start=start, body_start=body)
    layout.labels = _fill_labels(table, start, body)
    return layout


def _fill_labels(table: Table, start: int, end: int) -> list[list[str]]:
    width = table.width
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    for (r, c), (rs, cs) in table.spans.items():
        for dr in range(rs):
            for dc in range(cs):
                if dr or dc:
                    covered[(r + dr, c + dc)] = (r, c)
    levels: list[list[str]] = []
    for r in range(start, end):
        row = table.rows[r]
        if is_numbering_row(row):
            continue
        level = []
        for c in range(width):
            origin = covered.get((r, c))
            if origin is not None:
                orow, ocol = origin
                # vertical continuation repeats nothing; horizontal repeats the label
                level.append(norm(table.rows[orow][ocol]) if orow == r else "")
            else:
                level.append(norm(row[c]))
        levels.append(level)
    if not table.spans:
        # Without merge marks, an empty cell continues the label on its left
        # when both sit under the same parent heading.
        for i, level in enumerate(levels):
            for c in range(1, width):
                if level[c] or not level[c - 1]:
                    continue
                parent_here = [levels[j][c] for j in range(i)]
                parent_left = [levels[j][c - 1] for j in range(i)]
                if parent_here == parent_left:
                    level[c] = level[c - 1]
    return levels
