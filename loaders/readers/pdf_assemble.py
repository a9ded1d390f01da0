"""The lines and tables of a PDF's pages -> blocks in reading order.

Blocks come out top to bottom.  The text lines just above a table (title,
公开01表, agency and unit; at most five, from paragraphs of at most two lines)
are its caption and also stay as paragraphs.  A paragraph cut by a page break
is joined to its start (and keeps the page it starts on).  Margins are the
page's own where enough of its lines show them, else those of the pages of its
size, and the edges of a table the text is printed against.

A table carried onto the next page can be ruled there with fewer or more
column edges, or without its outer columns (their merged cells cross the
break, so no cell closes there); both pieces are then laid on the union of
the edges when that makes ``loaders.continuation.merge_continued_tables``
join them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from loaders.continuation import merge_continued_tables
from loaders.model import Block, Paragraph, Table
from loaders.readers.pdf_tables import aligned, union_bounds
from loaders.readers.regions import regions
from loaders.readers.pdf_text import (
    Line,
    Margins,
    continues_paragraph,
    join_lines,
    left_edge,
    paragraph_starts,
    right_edge,
)

CAPTION_LINES = 5
# a paragraph this long is running text, not part of a table's caption
CAPTION_PARAGRAPH_LINES = 2


@dataclass
class PageContent:
    number: int
    width: float
    height: float
    has_text: bool = False
    has_images: bool = False
    # (top, kind, payload) with kind "line" (Line) or "table" ((Table,
    # column bounds))
    items: list[tuple[float, str, object]] = field(default_factory=list)

    @property
    def lines(self) -> list[Line]:
        return [p for _, kind, p in self.items if kind == "line"]  # type: ignore[misc]


def _page_margins(pages: list[PageContent]) -> dict[int, tuple[float | None, float | None]]:
    """The (left, right) text margins of each page: its own where enough of
    its lines show them, else those shared by the pages of its size."""
    groups: dict[tuple[int, int], list[Line]] = {}
    for p in pages:
        groups.setdefault((round(p.width), round(p.height)), []).extend(p.lines)
    shared = {}
    for key, lines in groups.items():
        need = max(3, sum(1 for ln in lines if len(ln.text) >= 8) // 8)
        shared[key] = (left_edge(lines, need), right_edge(lines, need))
    out = {}
    for p in pages:
        lines = p.lines
        group = shared[(round(p.width), round(p.height))]
        left = left_edge(lines, 3)
        right = right_edge(lines, 3)
        out[p.number] = (left if left is not None else group[0], right if right is not None else group[1])
    return out


def _margins(page_margins: tuple[float | None, float | None], region: list[Line], tables: list[list[float]]) -> Margins:
    margins = Margins(
        lefts=[page_margins[0]] if page_margins[0] is not None else [],
        rights=[page_margins[1]] if page_margins[1] is not None else [],
    )
    if region:
        start = min(ln.x0 for ln in region)
        size = max(ln.size for ln in region)
        for bounds in tables:
            if start >= bounds[0] - 2 * size:
                margins.lefts.append(bounds[0])
                margins.rights.append(bounds[-1])
    return margins


def assemble(pages: list[PageContent]) -> list[Block]:
    page_margins = _page_margins(pages)
    blocks: list[Block] = []
    # the last table emitted: [table, its column bounds, index in blocks]
    last_table: list = []
    # the paragraph that ended the previous page, its last line and margins
    open_par: tuple[Paragraph, Line, Margins] | None = None
    for page in pages:
        first_region = True
        first_table = True
        table_before: list[float] | None = None

        def flush(region: list[Line], item: tuple[Table, list[float]] | None) -> None:
            nonlocal open_par, first_region, first_table, table_before
            table, bounds = item if item is not None else (None, None)
            adjacent = [b for b in (table_before, bounds) if b is not None]
            margins = _margins(page_margins[page.number], region, adjacent)
            paragraphs = _paragraphs(region, margins)
            caption_from = len(paragraphs)
            if table is not None:
                count = 0
                while caption_from > 0:
                    par_lines = paragraphs[caption_from - 1]
                    if len(par_lines) > CAPTION_PARAGRAPH_LINES or count + len(par_lines) > CAPTION_LINES:
                        break
                    count += len(par_lines)
                    caption_from -= 1
                table.caption = [ln.text for par in paragraphs[caption_from:] for ln in par]
            for n, par_lines in enumerate(paragraphs):
                text = join_lines([ln.text for ln in par_lines])
                if (
                    n == 0
                    and first_region
                    and open_par is not None
                    and continues_paragraph(open_par[1], par_lines[0], open_par[2])
                ):
                    open_par[0].text = join_lines([open_par[0].text, text])
                else:
                    blocks.append(Paragraph(text=text, page=page.number))
                last = blocks[-1]
                open_par = (last, par_lines[-1], margins) if isinstance(last, Paragraph) else None
            if table is not None and bounds is not None:
                if first_table and last_table and last_table[0].pages[-1:] == [page.number - 1]:
                    _align_continuation(last_table, blocks[last_table[2] + 1 :], table, bounds)
                blocks.append(table)
                last_table[:] = [table, bounds, len(blocks) - 1]
                open_par = None
                first_table = False
                table_before = bounds
            first_region = False

        for region, item in regions(page.items):
            flush(region, item)  # type: ignore[arg-type]
    return blocks


def _align_continuation(last: list, between: list[Block], table: Table, bounds: list[float]) -> None:
    """A table carried over to the next page is ruled anew there, and its
    grid can lack (or add) a column edge the other page has, which leaves
    the two pieces with different widths.  Lay both on the union of their
    column edges when, so laid, the pieces join as one table."""
    prev, prev_bounds = last[0], last[1]
    if len(bounds) == len(prev_bounds) and prev.width == table.width:
        return
    union = union_bounds(prev_bounds, bounds)
    if union is None:
        return
    prev_rows, prev_spans = aligned(prev.rows, prev.spans, prev_bounds, union)
    rows, spans = aligned(table.rows, table.spans, bounds, union)
    trial = merge_continued_tables(
        [
            Table(rows=[list(r) for r in prev_rows], row_pages=list(prev.row_pages), caption=list(prev.caption), spans=dict(prev_spans)),
            *[Paragraph(text=b.text, page=b.page) for b in between if isinstance(b, Paragraph)],
            Table(rows=[list(r) for r in rows], row_pages=list(table.row_pages), caption=list(table.caption), spans=dict(spans)),
        ]
    )
    if any(not isinstance(b, Paragraph) for b in between) or sum(isinstance(b, Table) for b in trial) != 1:
        return
    prev.rows, prev.spans = prev_rows, prev_spans
    table.rows, table.spans = rows, spans
    last[1] = union
    bounds[:] = union


def _paragraphs(lines: list[Line], margins: Margins) -> list[list[Line]]:
    out: list[list[Line]] = []
    for line, start in zip(lines, paragraph_starts(lines, margins)):
        if start or not out:
            out.append([line])
        else:
            out[-1].append(line)
    return out
