"""Cell grids from pdfplumber's ruled tables.

``pdfplumber.table.Table.extract`` scans every character of the page once per
row.  Here each character is placed into its cell by binary search over the
grid instead (one pass over the page), which gives the same cell texts — the
same characters, in the same order, through the same ``extract_text`` — and
lets the reader know which characters the tables took.  Merged cells come
from the cell boxes: a cell covers every grid row whose top and every grid
column whose left edge lies inside it.

Where no cell closed (a merged cell whose top or bottom rule is on another
page) pdfplumber drops the characters (``None``).  Here each column's run of
such grid positions, up to a rule drawn across it, is one open cell: its
characters are its text, on its first row, and its rows its span — so a
label set one character a row or in the middle of a cell cut by the page
break reads as one label over the rows it stands for.  Columns of the
table's frame that hold no cell at all on a page (the outer label column
of a form continued from the page before) are added from the vertical rules
that run the table's height beside it.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from pdfplumber.utils import extract_text

# Grid lines closer than this (pt) to a cell's far edge are not inside it.
_EDGE = 0.5
# Two rules or edges this close (pt) are the same line.
_SAME_X = 2.0


@dataclass
class Grid:
    bbox: tuple[float, float, float, float]
    rows: list[list[str]]
    spans: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    # x of each column's left edge, then the table's right edge
    bounds: list[float] = field(default_factory=list)


class _TableIndex:
    def __init__(
        self,
        cells: list[tuple[float, float, float, float]],
        edges: list[dict] | None = None,
        others: list[tuple[float, float, float, float]] | None = None,
    ):
        self.cells = cells
        x0 = min(c[0] for c in cells)
        top = min(c[1] for c in cells)
        x1 = max(c[2] for c in cells)
        bottom = max(c[3] for c in cells)
        xs = {c[0] for c in cells}
        # horizontal rules (x0, x1, y) that may close an open cell
        self.rules: list[tuple[float, float, float]] = []
        if edges:
            outer = _frame_columns(edges, x0, top, x1, bottom, others or [])
            left = sorted(x for x in outer if x < x0)
            right = sorted(x for x in outer if x > x1)
            xs.update(left)
            if right:
                xs.update([x1] + right[:-1])
            x0 = left[0] if left else x0
            x1 = right[-1] if right else x1
            self.rules = [
                (e["x0"], e["x1"], e["top"])
                for e in edges
                if e["orientation"] == "h" and top - _SAME_X < e["top"] < bottom + _SAME_X and e["x1"] > x0 and e["x0"] < x1
            ]
        self.xs = sorted(xs)
        self.tops = sorted({c[1] for c in cells})
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

    def ruled(self, i: int, j: int) -> bool:
        """Whether a rule runs along the top of grid position (i, j)."""
        y = self.tops[i]
        left = self.xs[j]
        right = self.xs[j + 1] if j + 1 < len(self.xs) else self.bbox[2]
        return any(
            abs(ry - y) <= _SAME_X and rx0 <= left + _SAME_X and rx1 >= right - _SAME_X for rx0, rx1, ry in self.rules
        )

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


def _frame_columns(
    edges: list[dict], x0: float, top: float, x1: float, bottom: float, others: list[tuple[float, float, float, float]]
) -> list[float]:
    """x of the vertical rules beside a table's cells that run its whole
    height: the frame of columns whose merged cells cross the page break
    (no rule closes them on this page, so the table finder found no cell
    there).  The frame stops at another table beside it."""
    beside = [o for o in others if o[1] < bottom and o[3] > top]
    out = []
    for e in edges:
        if e["orientation"] != "v":
            continue
        x = e["x0"]
        if x0 - _SAME_X <= x <= x1 + _SAME_X:
            continue
        if not (abs(e["top"] - top) <= _SAME_X and abs(e["bottom"] - bottom) <= _SAME_X):
            continue
        lo, hi = (x, x0) if x < x0 else (x1, x)
        if any(o[0] - _SAME_X < hi and o[2] + _SAME_X > lo for o in beside):
            continue
        out.append(x)
    return out


def extract_grids(tables: list, chars: list[dict], edges: list[dict] | None = None) -> tuple[list[Grid], list[bool]]:
    """Cell texts of ``tables`` (pdfplumber Table objects) and, for each of
    ``chars``, whether a table cell took it.  ``edges`` (the table finder's
    rules) extend a table over the columns of its frame that hold no ruled
    cell and split its open cells where a rule crosses them."""
    ruled = [t for t in tables if t.cells]
    boxes = [t.bbox for t in ruled]
    indexes = [_TableIndex(t.cells, edges, boxes[:n] + boxes[n + 1 :]) for n, t in enumerate(ruled)]
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
        spans = dict(index.spans)
        for (i, j), rowspan, found in _open_cells(index, per_cell):
            rows[i][j] = extract_text(found) if found else ""
            if rowspan > 1:
                spans[(i, j)] = (rowspan, 1)
        bounds = index.xs + [index.bbox[2]]
        grids.append(Grid(bbox=index.bbox, rows=rows, spans=spans, bounds=bounds))  # type: ignore[arg-type]
    return grids, taken


def _open_cells(index: _TableIndex, per_cell: dict) -> list[tuple[tuple[int, int], int, list[dict]]]:
    """The cells a page break left open: in each column, a run of grid
    positions that no ruled cell covers and no rule crosses is one cell (a
    merged cell whose top or bottom rule is on another page, its label set
    one character a row or in its middle).  Returns ((top row, col),
    rowspan, characters) for each, empty ones too: their span tells which
    rows the cell on the other page reaches."""
    out = []
    height = len(index.tops)
    for j in range(len(index.xs)):
        i = 0
        while i < height:
            if (i, j) in index.cover:
                i += 1
                continue
            top = i
            found: list[dict] = list(per_cell.get((i, j), ()))
            i += 1
            while i < height and (i, j) not in index.cover and not index.ruled(i, j):
                found.extend(per_cell.get((i, j), ()))
                i += 1
            found.sort(key=lambda c: (c["top"], c["x0"]))
            out.append(((top, j), i - top, found))
    return out


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


def union_bounds(a: list[float], b: list[float]) -> list[float] | None:
    """Column edges of two pieces of one table printed on two pages: the
    union of both, when both have the same frame (left and right edge), or
    share one edge of it while the other edge of the narrower piece is a
    column edge of the wider one (its outer columns hold merged cells that
    cross the page break, so no ruled cell closes there and the table
    finder leaves them out)."""
    if len(a) < 2 or len(b) < 2:
        return None

    def on(x: float, edges: list[float]) -> bool:
        return any(abs(x - e) <= _SAME_X for e in edges)

    same_left = abs(a[0] - b[0]) <= _SAME_X
    same_right = abs(a[-1] - b[-1]) <= _SAME_X
    if not (same_left and same_right):
        if not (same_left or same_right):
            return None
        narrow, wide = (a, b) if a[-1] - a[0] < b[-1] - b[0] else (b, a)
        if not (on(narrow[0], wide) and on(narrow[-1], wide)):
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
