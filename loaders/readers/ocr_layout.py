"""One scanned page -> text lines and tables, from the image and the OCR text
boxes: tables found from the rules or from how the boxes line up
(``ocr_tables``), the text outside them as lines and paragraphs (``ocr_text``).

The output is what ``pdf.py`` gives for a text page: paragraphs and Tables
with rows of cell strings, spans, captions (the short lines just above a
table) and page numbers; each table cell also keeps the box and the reading
it came from (``CellMeta``), for the arithmetic verification.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

import numpy as np

from loaders.model import Paragraph
from loaders.readers.ocr_tables import OcrTable, Rules, find_rules, ruled_table, table_regions, unruled_tables
from loaders.readers.ocr_text import TextBox, group_lines, join_lines, make_line, paragraphs
from loaders.readers.regions import regions

CAPTION_LINES = 5


@dataclass
class PageLayout:
    number: int
    blocks: list  # Paragraph | Table, top to bottom
    tables: list[OcrTable]
    legible: int  # text boxes read with some confidence


_FURNITURE = re.compile(r"^([-—–－一]\s*\d{1,4}\s*[-—–－一]|第\s*\d+\s*页(\s*[，,/]?\s*共\s*\d+\s*页)?|\d{1,4}|\d+\s*/\s*\d+)$")


def split_across_rules(boxes: list[TextBox], rules: Rules, text_height: float, read) -> list[TextBox]:
    """Text boxes that run across a vertical rule (two cells' text the
    detector took for one line: "1,000.00四、教育支出") cut at the rule and
    read again piece by piece with ``read(box) -> Reading``."""
    out: list[TextBox] = []
    margin = max(3.0, text_height * 0.3)
    for tb in boxes:
        x0, y0, x1, y1 = tb.box
        cuts = sorted(
            pos for pos, a, b in rules.v_segments
            if x0 + margin < pos < x1 - margin and a <= y0 + (y1 - y0) * 0.3 and b >= y1 - (y1 - y0) * 0.3
        )
        if not cuts or read is None:
            out.append(tb)
            continue
        edges = [x0, *cuts, x1]
        for a, b in zip(edges, edges[1:]):
            if b - a < margin:
                continue
            piece = (a + 2, y0, b - 2, y1)
            reading = read(piece)
            if reading.text.strip():
                out.append(TextBox(piece, reading))
    return out


def layout(gray: np.ndarray, boxes: list[TextBox], page: int, read=None) -> PageLayout:
    legible = [b for b in boxes if b.reading.score >= 0.6 and b.text.strip()]
    if sum(len(b.text.strip()) for b in legible) < 4:
        return PageLayout(page, [], [], 0)
    height, width = gray.shape[:2]
    text_height = statistics.median(b.h for b in legible)
    rules = find_rules(gray, text_height)
    legible = split_across_rules(legible, rules, text_height, read)
    tables: list[OcrTable] = []
    for region in table_regions(rules, text_height):
        t = ruled_table(region, rules, legible, text_height, page)
        if t is not None:
            tables.append(t)
    def in_table(tb: TextBox) -> bool:
        return any(t.bbox[0] - 2 <= tb.cx <= t.bbox[2] + 2 and t.bbox[1] - 2 <= tb.cy <= t.bbox[3] + 2 for t in tables)

    free = [b for b in legible if not in_table(b)]
    lines = [make_line(ln) for ln in group_lines(free)]
    lines = [ln for ln in lines if ln.text]
    # page numbers in the top or bottom margin
    lines = [
        ln for ln in lines
        if not (_FURNITURE.match(ln.text.replace(" ", "")) and (ln.box[3] < 0.08 * height or ln.box[1] > 0.9 * height))
    ]
    if not tables:
        found = unruled_tables(lines, text_height, page)
        taken = set()
        for i, j, t in found:
            tables.append(t)
            taken.update(range(i, j + 1))
        lines = [ln for k, ln in enumerate(lines) if k not in taken]
    items: list[tuple[float, str, object]] = [(ln.box[1], "line", ln) for ln in lines]
    items += [(t.bbox[1], "table", t) for t in tables]
    items.sort(key=lambda it: it[0])
    if lines:
        lefts = sorted(ln.box[0] for ln in lines)
        rights = sorted(ln.box[2] for ln in lines)
        left = lefts[len(lefts) // 10]
        right = rights[(len(rights) * 9) // 10]
    else:
        left, right = 0.0, float(width)
    blocks: list = []
    for region, table in regions(items):
        pars = paragraphs(region, left, right, float(width))
        if table is not None:
            caption: list[str] = []
            for par in reversed(pars):
                if len(par) > 2 or len(caption) + len(par) > CAPTION_LINES:
                    break
                caption[:0] = [ln.text for ln in par]
            table.table.caption = caption
        for par in pars:
            blocks.append(Paragraph(text=join_lines([ln.text for ln in par]), page=page))
        if table is not None:
            blocks.append(table.table)
    return PageLayout(page, blocks, tables, sum(len(b.text.strip()) for b in legible))
