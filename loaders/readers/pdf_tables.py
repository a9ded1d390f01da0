"""Cell grids from pdfplumber's ruled tables.

``pdfplumber.table.Table.extract`` scans every character of the page once per
row.  Here each character is placed into its cell by binary search over the
grid instead (one pass over the page), which gives the same cell texts — the
same characters, in the same order, through the same ``extract_text`` — and
lets the reader know which characters the tables took.  Characters inside
the table's frame where no cell closed (a label whose bottom rule is on the
next page) go to the grid position they fall in, where pdfplumber drops them
(``None``).  Merged cells come from the cell boxes: a cell covers every grid row whose top and every grid
column whose left edge lies inside it.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from pdfplumber.utils import extract_text

# Grid lines closer than this (pt) to a cell's far edge are not inside it.
_EDGE = 0.5


@dataclass
class Grid:
    bbox: tuple[float, float, float, float]
    rows: list[list[str]]
    spans: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    # x of each column's left edge, then the table's right edge
    bounds: list[float] = field(default_factory=list)


class _TableIndex:
    def __init__(self, cells: list[tuple[float, float, float, float]]):
        self.cells = cells
        self.xs = sorted({c[0] for c in cells})
        self.tops = sorted({c[1] for c in cells})
        x0 = min(c[0] for c in cells)
        top = min(c[1] for c in cells)
        x1 = max(c[2] for c in cells)
        bottom = max(c[3] for c in cells)
        self.bbox = (x0, top, x1, bottom)
        self.start: dict[int, tuple[int, int]] = {}
        self.cover: dict[tuple[int, int], int] = {}
        self.spans: dict[tuple[int, int], tuple[int, int]] = {}
        for k, (cx0, ctop, cx1, cbottom) in enumerate(cells):
            i = bisect_left(self.tops, ctop)
            j = bisect_left(self.xs, cx0)
            rowspan = max(1, bisect_left(self.tops, cbottom - _EDGE) - i)
            colspan = max(1, bisect_left(self.xs, cx1 - _EDGE) - j)
            self.start[k] = (i, j)
            if rowspan > 1 or colspan > 1:
                self.spans[(i, j)] = (rowspan, colspan)
            for r in range(i, i + rowspan):
                for c in range(j, j + colspan):
                    self.cover.setdefault((r, c), k)

    def place(self, h: float, v: float) -> int | tuple[int, int] | None:
        """The cell (its index) holding the point, else the free grid
        position (row, col) it falls in, else None."""
        i = bisect_right(self.tops, v) - 1
        j = bisect_right(self.xs, h) - 1
        if i < 0 or j < 0:
            return None
        k = self.cover.get((i, j))
        if k is None:
            # inside the table's frame where no cell closed: a label cut by
            # the page end (its bottom rule is on the next page)
            return (i, j)
        x0, top, x1, bottom = self.cells[k]
        if x0 <= h < x1 and top <= v < bottom:
            return k
        return None


def extract_grids(tables: list, chars: list[dict]) -> tuple[list[Grid], list[bool]]:
    """Cell texts of ``tables`` (pdfplumber Table objects) and, for each of
    ``chars``, whether a table cell took it."""
    indexes = [_TableIndex(t.cells) for t in tables if t.cells]
    cell_chars: list[dict] = [{} for _ in indexes]
    taken = [False] * len(chars)
    if indexes:
        for n, ch in enumerate(chars):
            h = (ch["x0"] + ch["x1"]) / 2
            v = (ch["top"] + ch["bottom"]) / 2
            for t, index in enumerate(indexes):
                x0, top, x1, bottom = index.bbox
                if not (x0 <= h < x1 and top <= v < bottom):
                    continue
                k = index.place(h, v)
                if k is not None:
                    cell_chars[t].setdefault(k, []).append(ch)
                    taken[n] = True
                    break
    grids = []
    for index, per_cell in zip(indexes, cell_chars):
        rows: list[list[str | None]] = [[None] * len(index.xs) for _ in index.tops]
        for k, (i, j) in index.start.items():
            found = per_cell.get(k)
            rows[i][j] = extract_text(found) if found else ""
        for key, found in per_cell.items():
            if isinstance(key, tuple):
                rows[key[0]][key[1]] = extract_text(found)
        bounds = index.xs + [index.bbox[2]]
        grids.append(Grid(bbox=index.bbox, rows=rows, spans=dict(index.spans), bounds=bounds))  # type: ignore[arg-type]
    return grids, taken


def clean_grid(grid: Grid) -> Grid | None:
    """None -> "", strip cells, drop rows with no text (fixing the spans that
    cross them); None when no cell has text."""
    rows = [[(c or "").strip() for c in row] for row in grid.rows]
    keep = [i for i, row in enumerate(rows) if any(row)]
    if not keep:
        return None
    new_index = {old: new for new, old in enumerate(keep)}
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for (r, c), (rs, cs) in grid.spans.items():
        kept = [i for i in range(r, r + rs) if i in new_index]
        if not kept:
            continue
        first = new_index[kept[0]]
        rs2 = len(kept)
        if rs2 > 1 or cs > 1:
            spans[(first, c)] = (rs2, cs)
    return Grid(bbox=grid.bbox, rows=[rows[i] for i in keep], spans=spans, bounds=grid.bounds)


# ------------------------------------------------- one grid for two pages

_SAME_X = 2.0


def union_bounds(a: list[float], b: list[float]) -> list[float] | None:
    """Column edges of two pieces of one table printed on two pages: the
    union of both, when both have the same frame (left and right edge)."""
    if len(a) < 2 or len(b) < 2:
        return None
    if abs(a[0] - b[0]) > _SAME_X or abs(a[-1] - b[-1]) > _SAME_X:
        return None
    merged: list[float] = []
    for x in sorted(a + b):
        if merged and x - merged[-1] <= _SAME_X:
            continue
        merged.append(x)
    return merged


def aligned(rows: list[list[str]], spans: dict, bounds: list[float], union: list[float]):
    """``rows``/``spans`` laid on the finer column grid ``union``: a column
    covering several union columns keeps its text in the first and spans
    the rest.  Returns (rows, spans)."""
    def index(x: float) -> int:
        return min(range(len(union)), key=lambda k: abs(union[k] - x))

    starts = [index(x) for x in bounds]
    width = len(union) - 1
    covered = set()
    for (r, c), (rs, cs) in spans.items():
        for i in range(r, r + rs):
            for j in range(c, c + cs):
                if (i, j) != (r, c):
                    covered.add((i, j))
    new_rows = []
    for row in rows:
        out = [""] * width
        for j, text in enumerate(row):
            out[starts[j]] = text
        new_rows.append(out)
    new_spans: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(rows):
        for j in range(len(row)):
            if (r, j) in covered:
                continue
            rs, cs = spans.get((r, j), (1, 1))
            cs2 = starts[j + cs] - starts[j]
            if rs > 1 or cs2 > 1:
                new_spans[(r, starts[j])] = (rs, cs2)
    return new_rows, new_spans
