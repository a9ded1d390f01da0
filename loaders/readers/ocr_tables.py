"""Tables on a scanned page, with each cell's boxes and readings (``CellMeta``,
for the arithmetic verification).

* Rules: dark horizontal and vertical strokes (OpenCV morphology on the
  binarised page).  A group of crossing strokes is a table; its column and
  row edges are the strokes' positions, and two neighbouring grid cells with
  no stroke between them are one merged cell (a span).
* Without rules: consecutive lines that each hold several text boxes, some of
  them amounts, are a table; columns are where the boxes' x-extents leave a
  gap on every one of those lines.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from loaders.model import Table
from loaders.readers.ocr_engine import Reading
from loaders.readers.ocr_text import Box, Line, TextBox, cell_text, clean_text


@dataclass
class CellMeta:
    page: int
    box: Box  # the cell's text boxes' union, in page pixels
    readings: list[Reading]


@dataclass
class OcrTable:
    table: Table
    bbox: Box
    cells: dict[tuple[int, int], CellMeta] = field(default_factory=dict)
    ruled: bool = True


# ------------------------------------------------------------------ rules


def _binary(gray: np.ndarray) -> np.ndarray:
    import cv2

    blur = cv2.GaussianBlur(gray, (3, 3), 0)
    return cv2.adaptiveThreshold(blur, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)


@dataclass
class Rules:
    horizontal: np.ndarray  # mask
    vertical: np.ndarray
    # segments: (position, start, end)
    h_segments: list[tuple[float, float, float]]
    v_segments: list[tuple[float, float, float]]


def find_rules(gray: np.ndarray, text_height: float) -> Rules:
    import cv2

    binary = _binary(gray)
    h, w = binary.shape
    min_len = max(int(text_height * 3), 20)
    hk = cv2.getStructuringElement(cv2.MORPH_RECT, (min_len, 1))
    vk = cv2.getStructuringElement(cv2.MORPH_RECT, (1, min_len))
    hor = cv2.morphologyEx(binary, cv2.MORPH_OPEN, hk)
    ver = cv2.morphologyEx(binary, cv2.MORPH_OPEN, vk)
    # close small breaks in scanned rules
    gap = max(3, int(text_height * 0.4))
    hor = cv2.morphologyEx(hor, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (gap, 1)))
    ver = cv2.morphologyEx(ver, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, gap)))
    return Rules(hor, ver, _segments(hor, horizontal=True), _segments(ver, horizontal=False))


def _segments(mask: np.ndarray, horizontal: bool) -> list[tuple[float, float, float]]:
    import cv2

    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if horizontal:
            if w < 4 * max(h, 1):
                continue
            out.append((y + h / 2, float(x), float(x + w)))
        else:
            if h < 4 * max(w, 1):
                continue
            out.append((x + w / 2, float(y), float(y + h)))
    return out


def _cluster(values: list[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def table_regions(rules: Rules, text_height: float) -> list[Box]:
    """Bounding boxes of groups of crossing rules (at least 2 × 2)."""
    segs = [("h", s) for s in rules.h_segments] + [("v", s) for s in rules.v_segments]
    if not segs:
        return []
    tol = max(4.0, text_height * 0.5)

    def bbox(kind, s):
        pos, a, b = s
        return (a, pos, b, pos) if kind == "h" else (pos, a, pos, b)

    boxes = [list(bbox(k, s)) for k, s in segs]
    parent = list(range(len(boxes)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            a, b = boxes[i], boxes[j]
            if a[0] - tol <= b[2] and b[0] - tol <= a[2] and a[1] - tol <= b[3] and b[1] - tol <= a[3]:
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(boxes)):
        groups.setdefault(find(i), []).append(i)
    out = []
    for members in groups.values():
        hs = [segs[i][1] for i in members if segs[i][0] == "h"]
        vs = [segs[i][1] for i in members if segs[i][0] == "v"]
        if len(_cluster([s[0] for s in hs], tol)) < 2 or len(_cluster([s[0] for s in vs], tol)) < 2:
            continue
        x0 = min(boxes[i][0] for i in members)
        y0 = min(boxes[i][1] for i in members)
        x1 = max(boxes[i][2] for i in members)
        y1 = max(boxes[i][3] for i in members)
        if y1 - y0 < 2 * text_height or x1 - x0 < 6 * text_height:
            continue
        out.append((x0, y0, x1, y1))
    return sorted(out, key=lambda b: b[1])


def _coverage(mask: np.ndarray, horizontal: bool, pos: float, a: float, b: float, slack: int) -> float:
    p = int(round(pos))
    a, b = int(a), int(b)
    if b <= a:
        return 1.0
    if horizontal:
        band = mask[max(0, p - slack) : p + slack + 1, a:b]
        if band.size == 0:
            return 0.0
        return float((band.max(axis=0) > 0).mean())
    band = mask[a:b, max(0, p - slack) : p + slack + 1]
    if band.size == 0:
        return 0.0
    return float((band.max(axis=1) > 0).mean())


def ruled_table(region: Box, rules: Rules, boxes: list[TextBox], text_height: float, page: int) -> OcrTable | None:
    x0, y0, x1, y1 = region
    tol = max(4.0, text_height * 0.6)
    inside = lambda pos, a, b, lo, hi: lo - tol <= pos <= hi + tol and b > lo - tol and a < hi + tol  # noqa: E731
    ys = _cluster([s[0] for s in rules.h_segments if inside(s[0], s[1], s[2], y0, y1) and s[1] < x1 and s[2] > x0], tol)
    xs = _cluster([s[0] for s in rules.v_segments if inside(s[0], s[1], s[2], x0, x1) and s[1] < y1 and s[2] > y0], tol)
    # open sides: a table drawn without its outer verticals (or top/bottom rule)
    if xs and x0 < xs[0] - text_height:
        xs.insert(0, x0)
    if xs and x1 > xs[-1] + text_height:
        xs.append(x1)
    if ys and y0 < ys[0] - text_height:
        ys.insert(0, y0)
    if ys and y1 > ys[-1] + text_height:
        ys.append(y1)
    # grid lines closer than half a text line are one (double rules)
    xs = _merge_close(xs, text_height * 0.8)
    ys = _merge_close(ys, text_height * 0.6)
    nr, nc = len(ys) - 1, len(xs) - 1
    if nr < 1 or nc < 2:
        return None
    slack = max(2, int(text_height * 0.15))
    # union-find over grid cells with no rule between them
    parent = list(range(nr * nc))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and _coverage(rules.vertical, False, xs[c + 1], ys[r], ys[r + 1], slack) < 0.5:
                parent[find(r * nc + c)] = find(r * nc + c + 1)
            if r + 1 < nr and _coverage(rules.horizontal, True, ys[r + 1], xs[c], xs[c + 1], slack) < 0.5:
                parent[find(r * nc + c)] = find((r + 1) * nc + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(nr):
        for c in range(nc):
            groups.setdefault(find(r * nc + c), []).append((r, c))
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for members in groups.values():
        r0 = min(r for r, _ in members)
        c0 = min(c for _, c in members)
        r1 = max(r for r, _ in members)
        c1 = max(c for _, c in members)
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                owner.setdefault((r, c), (r0, c0))
        if r1 > r0 or c1 > c0:
            spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
    cell_boxes: dict[tuple[int, int], list[TextBox]] = {}
    used = []
    for tb in boxes:
        if not (xs[0] - tol <= tb.cx <= xs[-1] + tol and ys[0] - tol / 2 <= tb.cy <= ys[-1] + tol / 2):
            continue
        c = _index(xs, tb.cx)
        r = _index(ys, tb.cy)
        cell_boxes.setdefault(owner[(r, c)], []).append(tb)
        used.append(tb)
    if not used:
        return None
    rows = [[""] * nc for _ in range(nr)]
    cells: dict[tuple[int, int], CellMeta] = {}
    for key, tbs in cell_boxes.items():
        text = cell_text(tbs)
        rows[key[0]][key[1]] = text
        bx = (min(t.box[0] for t in tbs), min(t.box[1] for t in tbs), max(t.box[2] for t in tbs), max(t.box[3] for t in tbs))
        cells[key] = CellMeta(page=page, box=bx, readings=[t.reading for t in sorted(tbs, key=lambda t: (t.cy, t.cx))])
    rows, spans, cells = _drop_empty(rows, spans, cells)
    if len(rows) < 2 or len(rows[0]) < 2:
        return None  # a frame or a chart, not a table: its text is read as lines
    table = Table(rows=rows, row_pages=[page] * len(rows), spans=spans)
    return OcrTable(table=table, bbox=(xs[0], ys[0], xs[-1], ys[-1]), cells=cells)


def _merge_close(values: list[float], gap: float) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] < gap:
            continue
        out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    for i in range(len(edges) - 1):
        if v < edges[i + 1]:
            return i
    return len(edges) - 2


def _drop_empty(rows, spans, cells):
    """Drop grid rows and columns that hold nothing and start no merged cell
    (the thin strips between double rules)."""
    nr, nc = len(rows), len(rows[0]) if rows else 0
    keep_r = [r for r in range(nr) if any(rows[r]) or any(k[0] == r for k in spans)]
    keep_c = [c for c in range(nc) if any(rows[r][c] for r in range(nr)) or any(k[1] == c for k in spans)]
    if len(keep_r) == nr and len(keep_c) == nc:
        return rows, spans, cells
    rmap = {r: i for i, r in enumerate(keep_r)}
    cmap = {c: i for i, c in enumerate(keep_c)}
    new_rows = [[rows[r][c] for c in keep_c] for r in keep_r]
    new_spans = {}
    for (r, c), (rs, cs) in spans.items():
        if r in rmap and c in cmap:
            nrs = sum(1 for x in range(r, r + rs) if x in rmap)
            ncs = sum(1 for x in range(c, c + cs) if x in cmap)
            if nrs > 1 or ncs > 1:
                new_spans[(rmap[r], cmap[c])] = (max(1, nrs), max(1, ncs))
    new_cells = {(rmap[r], cmap[c]): m for (r, c), m in cells.items() if r in rmap and c in cmap}
    return new_rows, new_spans, new_cells


# ------------------------------------------------------------------ unruled tables

_AMOUNT = re.compile(r"^-?[\d,]*\d(\.\d+)?$")


def unruled_tables(lines: list[Line], text_height: float, page: int) -> list[tuple[int, int, OcrTable]]:
    """Runs of lines that look like rows of a table without rules: (first line,
    last line, table)."""
    def rowlike(ln: Line) -> bool:
        return len(ln.boxes) >= 3 and any(_AMOUNT.match(clean_text(t.text)) for t in ln.boxes)

    out = []
    i = 0
    while i < len(lines):
        if not rowlike(lines[i]):
            i += 1
            continue
        j = i
        while j + 1 < len(lines) and (rowlike(lines[j + 1]) or len(lines[j + 1].boxes) >= 2) and lines[j + 1].box[1] - lines[j].box[3] < 2.5 * text_height:
            j += 1
        # a heading line of several boxes just above belongs to the table
        if i > 0 and len(lines[i - 1].boxes) >= 3 and lines[i].box[1] - lines[i - 1].box[3] < 2 * text_height:
            i -= 1
        if j - i + 1 >= 3:
            table = _columns(lines[i : j + 1], text_height, page)
            if table is not None:
                out.append((i, j, table))
        i = j + 1
    return out


def _columns(rows: list[Line], text_height: float, page: int) -> OcrTable | None:
    spans = sorted((t.box[0], t.box[2]) for ln in rows for t in ln.boxes)
    cols: list[list[float]] = []
    for a, b in spans:
        if cols and a <= cols[-1][1] + 0.5 * text_height:
            cols[-1][1] = max(cols[-1][1], b)
        else:
            cols.append([a, b])
    if len(cols) < 2:
        return None
    grid = [[""] * len(cols) for _ in rows]
    cells: dict[tuple[int, int], CellMeta] = {}
    for r, ln in enumerate(rows):
        per: dict[int, list[TextBox]] = {}
        for t in ln.boxes:
            c = next(k for k, (a, b) in enumerate(cols) if a - 1 <= t.cx <= b + 1)
            per.setdefault(c, []).append(t)
        for c, tbs in per.items():
            grid[r][c] = cell_text(tbs)
            bx = (min(t.box[0] for t in tbs), min(t.box[1] for t in tbs), max(t.box[2] for t in tbs), max(t.box[3] for t in tbs))
            cells[(r, c)] = CellMeta(page=page, box=bx, readings=[t.reading for t in tbs])
    box = (cols[0][0], rows[0].box[1], cols[-1][1], rows[-1].box[3])
    return OcrTable(table=Table(rows=grid, row_pages=[page] * len(grid)), bbox=box, cells=cells, ruled=False)
