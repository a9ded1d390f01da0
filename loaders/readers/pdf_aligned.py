"""Tables printed without rules: columns from how the words line up.

Some reports print their tables with no rules, or with rules only around the
header, and a ruled grid can lose a column edge (two amounts end up in one
cell).  This module reads such a table from character positions alone:

* characters are grouped into text rows by their vertical centre, and each row
  into *segments* where the gap between two characters is wider than a
  character (letter-spaced headings '项    目' stay apart, and are put back
  together when they fall in one column);
* a table is a run of rows most of which hold an amount — a number with
  decimals or thousands separators, never a page number or a year — beside
  other text, with the rows of column headings just above it;
* columns are the stretches of the x axis the body rows' segments cover; the
  gaps no body segment crosses separate them.  A heading segment covering
  several columns is a merged cell over them.

``find_tables(chars)`` finds such tables among the characters a page's ruled
tables did not take (the reader's primary strategy for unruled pages);
``read_region(chars)`` reads every character of one region as a table (the
alternative strategy the pipeline falls back to when a ruled table's own
arithmetic fails).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# an amount as tables print it (thousands separators or decimals), and the end of a sentence
_STRONG_AMOUNT = re.compile(r"^[-−－]?(\d{1,3}(,\d{3})+(\.\d+)?|\d+\.\d{1,4})$")
_SENTENCE_END = re.compile(r"[。；;！？]$")

# characters farther apart than this many character widths start a new segment
SEGMENT_GAP = 1.0
# body rows without an amount allowed inside a table (wrapped labels, blank class rows)
MAX_TEXT_ROWS_INSIDE = 2
MIN_BODY_ROWS = 3
MAX_HEADER_ROWS = 4


@dataclass
class Segment:
    text: str
    x0: float
    x1: float
    size: float

    @property
    def amount(self) -> bool:
        return bool(_STRONG_AMOUNT.match(self.text.replace(" ", "")))


@dataclass
class Row:
    top: float
    bottom: float
    segments: list[Segment]
    chars: list[dict] = field(default_factory=list)

    @property
    def amounts(self) -> int:
        return sum(1 for s in self.segments if s.amount)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)


@dataclass
class AlignedTable:
    rows: list[list[str]]
    spans: dict[tuple[int, int], tuple[int, int]]
    bbox: tuple[float, float, float, float]
    bounds: list[float]
    chars: list[dict]


def _mid(c: dict) -> float:
    return (c["top"] + c["bottom"]) / 2


def text_rows(chars: list[dict]) -> list[Row]:
    """Characters grouped into rows (vertical centre inside the row's band), top to bottom."""
    visible = sorted((c for c in chars if not c["text"].isspace()), key=_mid)
    groups: list[list[dict]] = []
    bottom = float("-inf")
    for c in visible:
        if groups and _mid(c) < bottom:
            groups[-1].append(c)
            bottom = max(bottom, min(c["bottom"], _mid(c) + (c["bottom"] - c["top"])))
        else:
            groups.append([c])
            bottom = c["bottom"]
    rows = []
    for group in groups:
        group.sort(key=lambda c: c["x0"])
        rows.append(
            Row(
                top=min(c["top"] for c in group),
                bottom=max(c["bottom"] for c in group),
                segments=_segments(group),
                chars=group,
            )
        )
    return rows


def _segments(chars: list[dict]) -> list[Segment]:
    out: list[Segment] = []
    current: list[dict] = []
    for c in chars:
        if current:
            size = max(current[-1].get("size") or 0, c.get("size") or 0) or (c["x1"] - c["x0"]) or 1
            gap = c["x0"] - current[-1]["x1"]
            if gap > SEGMENT_GAP * size or (gap > 0.3 * size and _kind(current[-1]) != _kind(c)):
                out.append(_segment(current))
                current = []
        current.append(c)
    if current:
        out.append(_segment(current))
    return out


def _kind(c: dict) -> str:
    """'digit' for the characters of an amount, else 'text': an amount right
    against the next cell's label ('1,935.36一、基本支出') is two segments."""
    return "digit" if c["text"] in "0123456789.,-" else "text"


def _segment(chars: list[dict]) -> Segment:
    text = ""
    for prev, c in zip([None] + chars[:-1], chars):
        if prev is not None and c["x0"] - prev["x1"] > 0.25 * (c.get("size") or 1) and (
            c["text"].isascii() and prev["text"].isascii()
        ):
            text += " "
        text += c["text"]
    return Segment(text=text, x0=chars[0]["x0"], x1=chars[-1]["x1"], size=max(c.get("size") or 0 for c in chars))


def _is_body(row: Row) -> bool:
    return (
        row.amounts >= 1
        and len(row.segments) >= 2
        and not _SENTENCE_END.search(row.segments[0].text)
        and not any(len(s.text) > 30 and re.search(r"[，。；]", s.text) for s in row.segments)  # a sentence
    )


def _is_header(row: Row) -> bool:
    # '部门名称：…  单位：万元' is the caption's, not a heading
    if row.amounts or _SENTENCE_END.search(row.text) or re.search(r"[:：]", row.text):
        return False
    return len(row.segments) >= 2 or len(row.text) <= 12


def _columns(body: list[Row], header: list[Row]) -> list[tuple[float, float]]:
    """Stretches of x covered by the body rows' segments, left to right, then
    those of headings right of every filled column (empty columns at the end:
    上缴上级支出, 对附属单位补助支出 with nothing to report)."""
    cols = _merge(sorted((s.x0, s.x1) for r in body for s in r.segments))
    if not cols:
        return cols
    cols = _join_alternating_labels(cols, body)
    right = cols[-1][1]
    extra = sorted((s.x0, s.x1) for r in header for s in r.segments if s.x0 > right + s.size)
    return cols + _merge(extra)


def _join_alternating_labels(cols: list[tuple[float, float]], body: list[Row]) -> list[tuple[float, float]]:
    """Two neighbouring label columns no row fills both of are one column: a
    centred '本年支出合计' beside the left-aligned '一、基本支出' above it."""
    def used(i: int) -> list[tuple[int, bool]]:
        a, b = cols[i]
        return [(k, s.amount) for k, r in enumerate(body) for s in r.segments if s.x0 <= b and s.x1 >= a]

    out = [cols[0]]
    prev = used(0)
    for i in range(1, len(cols)):
        here = used(i)
        labels = not any(amt for _, amt in prev) and not any(amt for _, amt in here)
        if labels and not ({k for k, _ in prev} & {k for k, _ in here}):
            out[-1] = (out[-1][0], cols[i][1])
            prev = prev + here
        else:
            out.append(cols[i])
            prev = here
    return out


def _merge(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    cols: list[list[float]] = []
    for x0, x1 in spans:
        if cols and x0 <= cols[-1][1] + 1.0:
            cols[-1][1] = max(cols[-1][1], x1)
        else:
            cols.append([x0, x1])
    return [(a, b) for a, b in cols]


def _regions(cols: list[tuple[float, float]], amount_cols: set[int] | None = None) -> list[tuple[float, float]]:
    """Each column widened to the gaps beside it.  Figures are right-aligned
    against their cell's right rule, so a column of amounts ends just after
    them (the headings of the next column start left of its figures); labels
    are left-aligned, so a label column starts just before them."""
    amount_cols = amount_cols or set()
    cuts = []
    for i in range(len(cols) - 1):
        if i in amount_cols:
            cuts.append(cols[i][1] + 1.0)
        elif i + 1 not in amount_cols:
            cuts.append(cols[i + 1][0] - 1.0)
        else:
            cuts.append((cols[i][1] + cols[i + 1][0]) / 2)
    lefts = [float("-inf")] + cuts
    rights = cuts + [float("inf")]
    return list(zip(lefts, rights))


def _column_of(regions: list[tuple[float, float]], x: float) -> int:
    for i, (a, b) in enumerate(regions):
        if a <= x < b:
            return i
    return len(regions) - 1


def _amount_columns(cols: list[tuple[float, float]], body: list[Row]) -> set[int]:
    """Columns most of whose body segments are amounts."""
    out = set()
    for i, (a, b) in enumerate(cols):
        segs = [s for r in body for s in r.segments if s.x0 <= b and s.x1 >= a]
        if segs and sum(s.amount for s in segs) * 2 > len(segs):
            out.add(i)
    return out


def _grid(
    rows: list[Row], body_from: int, cols: list[tuple[float, float]], regions: list[tuple[float, float]]
) -> tuple[list[list[str]], dict]:
    width = len(cols)
    grid: list[list[str]] = []
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(rows):
        cells = [""] * width
        for seg in row.segments:
            first = last = _column_of(regions, seg.x1 - 0.1 if seg.amount else (seg.x0 + seg.x1) / 2)
            if r < body_from:
                # a heading over the figures of several columns is merged over them;
                # else it goes where most of it stands
                covered = [i for i, (a, b) in enumerate(cols) if min(seg.x1, b) - max(seg.x0, a) > 2]
                if len(covered) > 1:
                    first, last = covered[0], covered[-1]
                else:
                    first = last = max(
                        range(len(regions)), key=lambda i: min(seg.x1, regions[i][1]) - max(seg.x0, regions[i][0])
                    )
            joiner = "" if not cells[first] or not (cells[first][-1].isascii() and seg.text[0].isascii()) else " "
            cells[first] = cells[first] + joiner + seg.text
            if last > first:
                spans[(r, first)] = (1, last - first + 1)
        grid.append(cells)
    return grid, spans


def _wrapped_into_previous(row: Row, prev: list[str], regions: list[tuple[float, float]]) -> bool:
    """A row holding only text in the label column, under a body row: the rest
    of a label wrapped onto a second line."""
    if row.amounts or len(row.segments) != 1 or not prev:
        return False
    col = _column_of(regions, row.segments[0].x0)
    return bool(prev[col]) and not any(prev[c] for c in range(col)) and len(row.segments[0].text) <= 20


def _build(rows: list[Row], body_from: int) -> AlignedTable | None:
    body = [r for r in rows[body_from:] if _is_body(r)]
    cols = _columns(body, rows[:body_from])
    if len(cols) < 2:
        return None
    regions = _regions(cols, _amount_columns(cols, body))
    grid, spans = _grid(rows, body_from, cols, regions)
    # join wrapped label lines onto the row they belong to
    out_rows: list[list[str]] = []
    out_spans: dict[tuple[int, int], tuple[int, int]] = {}
    for r, (row, cells) in enumerate(zip(rows, grid)):
        if r >= body_from and out_rows and len(out_rows) > body_from and _wrapped_into_previous(row, out_rows[-1], regions):
            col = _column_of(regions, row.segments[0].x0)
            out_rows[-1][col] += row.segments[0].text
            continue
        for (sr, sc), span in spans.items():
            if sr == r:
                out_spans[(len(out_rows), sc)] = span
        out_rows.append(cells)
    chars = [c for r in rows for c in r.chars]
    bbox = (
        min(c["x0"] for c in chars),
        min(c["top"] for c in chars),
        max(c["x1"] for c in chars),
        max(c["bottom"] for c in chars),
    )
    bounds = [a for a, _ in cols] + [cols[-1][1]]
    return AlignedTable(rows=out_rows, spans=out_spans, bbox=bbox, bounds=bounds, chars=chars)


def find_tables(chars: list[dict]) -> list[AlignedTable]:
    """Unruled tables among ``chars`` (the characters outside ruled tables)."""
    rows = text_rows(chars)
    out: list[AlignedTable] = []
    i = 0
    while i < len(rows):
        if not _is_body(rows[i]):
            i += 1
            continue
        start = end = i
        gap = 0
        j = i + 1
        while j < len(rows) and gap <= MAX_TEXT_ROWS_INSIDE:
            if _is_body(rows[j]):
                end, gap = j, 0
            else:
                gap += 1
            j += 1
        block = rows[start : end + 1]
        if sum(1 for r in block if _is_body(r)) >= MIN_BODY_ROWS:
            head = start
            while head > 0 and start - head < MAX_HEADER_ROWS and _is_header(rows[head - 1]):
                head -= 1
            table = _build(rows[head : end + 1], start - head)
            if table is not None and any(sum(1 for c in r if c) >= 2 for r in table.rows):
                out.append(table)
        i = end + 1
    return out


def read_region(chars: list[dict]) -> AlignedTable | None:
    """Every character of one region (a ruled table's box) read as one table."""
    rows = text_rows(chars)
    first = next((k for k, r in enumerate(rows) if _is_body(r)), None)
    if first is None:
        return None
    return _build(rows, first)
