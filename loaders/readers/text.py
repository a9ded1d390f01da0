"""Text and markdown extractions (UTF-8 or GB18030/GBK).

Three table layouts occur in extractions: tab-separated rows; one cell per line
(each line starting with a tab) with rows separated by blank lines and a cell's
later lines carrying no tab; and markdown pipe tables.  Everything else is a
paragraph.  Markup (``<b>``, ``[bookmark: …]``, ``#`` headings, ``- `` list
marks) is stripped.  A form feed starts a new page.
"""
from __future__ import annotations

import re

from loaders.continuation import merge_continued_tables
from loaders.errors import CorruptFileError
from loaders.model import Block, Document, Paragraph, Source, Table

_TAGS = re.compile(r"</?(b|strong|p|br|span|i|em|u)\b[^>]*>", re.I)
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_LIST = re.compile(r"^\s*[-*+]\s+")
_RULE = re.compile(r"^[\s\-=_*|:]{3,}$")


def decode(data: bytes, name: str = "") -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CorruptFileError("文本编码无法识别（应为 UTF-8 或 GBK/GB18030）", file=name or None)


def _clean(text: str) -> str:
    text = _BOOKMARK.sub("", _TAGS.sub("", text)).replace("**", "")
    return text.replace("\u3000", " ").replace("\xa0", " ")


def _is_cell_line(line: str) -> bool:
    return line.startswith("\t") and "\t" not in line[1:]


def _pipe_cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [c.strip() for c in inner.split("|")]


def read(data: bytes, source: Source) -> Document:
    text = decode(data, source.file).replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[Block] = []
    pending: list[str] = []  # recent paragraph lines, for captions
    has_pages = "\f" in text
    # Each line with the page it is on: a form feed starts a new page.
    lines: list[str] = []
    line_pages: list[int] = []
    for number, chunk in enumerate(text.split("\f"), start=1):
        for line in chunk.split("\n"):
            lines.append(line)
            line_pages.append(number)
    i = 0

    def page_of(index: int) -> int | None:
        return line_pages[min(index, len(line_pages) - 1)] if has_pages else None

    def add_table(rows: list[tuple[list[str], int | None]], cell_per_line: bool = False) -> None:
        rows = [([_clean(c).strip() for c in r], p) for r, p in rows]
        rows = [(r, p) for r, p in rows if any(r)]
        # A page break inside a block of rows starts a new table; the
        # continuation step joins them again (dropping repeated headers).
        start = 0
        while start < len(rows):
            end = start + 1
            while end < len(rows) and rows[end][1] == rows[start][1]:
                end += 1
            part = rows[start:end]
            grid = [r for r, _ in part]
            ragged = cell_per_line and len({len(r) for r in grid}) > 1
            blocks.append(
                Table(
                    rows=grid,
                    row_pages=[p for _, p in part],
                    caption=pending[-5:] if not start else [],
                    ragged=ragged,
                    strategy="delimited",
                )
            )
            start = end
        pending.clear()

    while i < len(lines):
        line = _clean(lines[i])
        if not line.strip():
            i += 1
            continue
        if _is_cell_line(line):
            i = _read_cell_per_line(lines, i, add_table, page_of)
            continue
        if "\t" in line:
            rows: list[tuple[list[str], int | None]] = []
            while i < len(lines):
                cur = _clean(lines[i])
                if "\t" in cur and not _is_cell_line(cur):
                    rows.append((cur.split("\t"), page_of(i)))
                    i += 1
                elif not cur.strip():
                    # a blank line inside a table: continue if more rows follow
                    j = i + 1
                    while j < len(lines) and not lines[j].strip():
                        j += 1
                    nxt = _clean(lines[j]) if j < len(lines) else ""
                    if "\t" in nxt and not _is_cell_line(nxt):
                        i = j
                    else:
                        break
                else:
                    break
            add_table(rows)
            continue
        if line.lstrip().startswith("|") and line.count("|") >= 2:
            rows = []
            while i < len(lines) and _clean(lines[i]).lstrip().startswith("|"):
                cur = _clean(lines[i])
                if not _RULE.match(cur):
                    rows.append((_pipe_cells(cur), page_of(i)))
                i += 1
            add_table(rows)
            continue
        page = page_of(i)
        i += 1
        if _RULE.match(line):
            continue
        par = _LIST.sub("", _HEADING.sub("", line)).strip()
        if par:
            blocks.append(Paragraph(text=par, page=page))
            pending.append(par)
    source.pages = line_pages[-1] if has_pages else 1
    return Document(source=source, blocks=merge_continued_tables(blocks))


def _read_cell_per_line(lines: list[str], i: int, add_table, page_of) -> int:
    """One cell per line, rows separated by blank lines (a Word table pasted as text)."""
    rows: list[tuple[list[str], int | None]] = []
    row: list[str] = []
    row_page = page_of(i)
    while i < len(lines):
        line = _clean(lines[i])
        if _is_cell_line(line):
            if not row:
                row_page = page_of(i)
            row.append(line[1:])
            i += 1
        elif not line.strip():
            if row:
                rows.append((row, row_page))
                row = []
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j < len(lines) and _is_cell_line(_clean(lines[j])):
                i = j
            else:
                i = j
                break
        elif row:
            # a later line of a multi-line cell
            row[-1] = row[-1] + "\n" + line.strip()
            i += 1
        else:
            break
    if row:
        rows.append((row, row_page))
    add_table(rows, cell_per_line=True)
    return i
