"""PDF reports -> Document, with pdfplumber.

Per page: characters drawn twice (fake bold) are dropped, ruled tables are
found once (``page.find_tables()``) and their cells filled in one pass over the
characters; every character no cell took becomes running text, grouped into
lines and then paragraphs.  Blocks come out in reading order, top to bottom.
The text lines just above a table (title, 公开01表, agency and unit) are its
caption and also stay as paragraphs.  Tables cut by page breaks are joined by
``loaders.continuation.merge_continued_tables``.

No real report we have prints its financial tables without rules, so there is
no text-alignment table detection.
"""
from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

import settings
from loaders.continuation import merge_continued_tables
from loaders.errors import (
    CorruptFileError,
    EncryptedFileError,
    LoaderError,
    ScannedFileError,
    TooManyPagesError,
)
from loaders.model import Block, Document, Paragraph, Source, Table
from loaders.readers.pdf_tables import aligned, clean_grid, extract_grids, union_bounds
from loaders.readers.pdf_text import (
    Line,
    build_lines,
    continues_paragraph,
    drop_page_furniture,
    join_lines,
    paragraph_starts,
    right_edge,
)

for _name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_name).setLevel(logging.ERROR)

CAPTION_LINES = 5
# a paragraph this long is running text, not part of a table's caption
CAPTION_PARAGRAPH_LINES = 2


@dataclass
class _Page:
    number: int
    width: float
    height: float
    has_text: bool = False
    # (top, kind, payload) with kind "line" (Line) or "table" ((Table,
    # column bounds))
    items: list[tuple[float, str, object]] = field(default_factory=list)

    @property
    def lines(self) -> list[Line]:
        return [p for _, kind, p in self.items if kind == "line"]  # type: ignore[misc]


def read(data: bytes, source: Source) -> Document:
    name = source.file or None
    pdf = _open(data, name)
    try:
        try:
            pages = pdf.pages
            count = len(pages)
        except Exception as exc:  # pdfminer raises many kinds
            raise _classify(exc, name) from exc
        source.pages = count
        limit = int(settings.get("MAX_PAGES"))
        if count > limit:
            raise TooManyPagesError(f"共 {count} 页，上限 {limit} 页", file=name)
        parsed: list[_Page] = []
        for page in pages:
            try:
                parsed.append(_read_page(page))
            except LoaderError:
                raise
            except Exception as exc:
                raise _classify(exc, name, page.page_number) from exc
            finally:
                page.close()
    finally:
        try:
            pdf.close()
        except Exception:  # pragma: no cover - closing a broken file
            pass
    if not any(p.has_text for p in parsed):
        raise ScannedFileError("没有一页有文字层，请上传原始电子版（非扫描件）", file=name)
    return Document(source=source, blocks=merge_continued_tables(_assemble(parsed)))


def _open(data: bytes, name: str | None):
    try:
        return pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        raise _classify(exc, name) from exc


def _classify(exc: BaseException, name: str | None, page: int | None = None) -> LoaderError:
    causes = [exc]
    if isinstance(exc, PdfminerException) and exc.args and isinstance(exc.args[0], BaseException):
        causes.append(exc.args[0])
    if exc.__cause__ is not None:
        causes.append(exc.__cause__)
    if any(isinstance(c, (PDFPasswordIncorrect, PDFEncryptionError)) for c in causes):
        return EncryptedFileError("需要密码才能打开，请上传未加密的文件", file=name, page=page)
    if isinstance(exc, MemoryError):
        return CorruptFileError("文件结构异常，解析耗尽内存", file=name, page=page)
    detail = str(causes[-1]).strip() or type(causes[-1]).__name__
    return CorruptFileError(f"PDF 结构无法解析（{detail[:120]}）", file=name, page=page)


# ---------------------------------------------------------------- one page


def _read_page(page) -> _Page:
    out = _Page(number=page.page_number, width=float(page.width), height=float(page.height))
    chars = page.chars
    if not any(not c["text"].isspace() for c in chars):
        return out  # an image, or nothing: no blocks
    out.has_text = True
    duplicates = _duplicate_chars(chars)
    if duplicates:
        page = page.filter(lambda obj: obj.get("object_type") != "char" or id(obj) not in duplicates)
        chars = page.chars
    tables = page.find_tables()
    grids, taken = extract_grids(tables, chars)
    boxes = []
    for grid in grids:
        cleaned = clean_grid(grid)
        if cleaned is None:
            continue  # a ruled area with no text in it
        boxes.append(cleaned.bbox)
        table = Table(rows=cleaned.rows, row_pages=[out.number] * len(cleaned.rows), spans=cleaned.spans)
        out.items.append((cleaned.bbox[1], "table", (table, list(cleaned.bounds))))
    free = [c for c, t in zip(chars, taken) if not t]
    lines = drop_page_furniture(build_lines(free), out.height, boxes)
    out.items.extend((ln.top, "line", ln) for ln in lines)
    out.items.sort(key=lambda item: item[0])
    return out


def _duplicate_chars(chars: list[dict], tolerance: float = 1.0) -> set[int]:
    """ids of characters drawn again at (nearly) the same place as an earlier
    identical character — the fake bold of some report generators."""
    seen: dict[tuple[str, int, int], list[dict]] = {}
    dups: set[int] = set()
    for c in chars:
        text = c["text"]
        if text.isspace():
            continue
        x, y = c["x0"], c["top"]
        gx, gy = int(x // tolerance), int(y // tolerance)
        found = False
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for other in seen.get((text, gx + dx, gy + dy), ()):
                    if (
                        abs(other["x0"] - x) <= tolerance
                        and abs(other["top"] - y) <= tolerance
                        and abs(other["size"] - c["size"]) <= 0.5
                        and other.get("upright") == c.get("upright")
                    ):
                        found = True
                        break
                if found:
                    break
            if found:
                break
        if found:
            dups.add(id(c))
        else:
            seen.setdefault((text, gx, gy), []).append(c)
    return dups


# ------------------------------------------------------------ whole document


def _right_edges(pages: list[_Page]) -> dict[int, float | None]:
    """The right text margin of each page: its own when enough lines show it,
    else the one shared by the pages of its size."""
    groups: dict[tuple[int, int], list[Line]] = {}
    for p in pages:
        groups.setdefault((round(p.width), round(p.height)), []).extend(p.lines)
    group_edge = {}
    for key, lines in groups.items():
        long_count = sum(1 for ln in lines if len(ln.text) >= 8)
        group_edge[key] = right_edge(lines, min_count=max(3, long_count // 8))
    edges: dict[int, float | None] = {}
    for p in pages:
        own = right_edge(p.lines, min_count=3)
        edges[p.number] = own if own is not None else group_edge[(round(p.width), round(p.height))]
    return edges


def _assemble(pages: list[_Page]) -> list[Block]:
    edges = _right_edges(pages)
    blocks: list[Block] = []
    # the last table emitted: (table, its column bounds, index in blocks)
    last_table: list = []
    # the last line of the paragraph that ended the previous page, if a
    # paragraph did
    open_par: tuple[Paragraph, Line] | None = None
    for page in pages:
        right = edges[page.number]
        region: list[Line] = []
        first_region = True
        first_table = True

        def flush(item: tuple[Table, list[float]] | None) -> None:
            nonlocal first_table
            table = item[0] if item else None
            nonlocal open_par, first_region
            paragraphs = _paragraphs(region, right)
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
                    and n < caption_from
                    and continues_paragraph(open_par[1], par_lines[0], right)
                ):
                    open_par[0].text = join_lines([open_par[0].text, text])
                else:
                    blocks.append(Paragraph(text=text, page=page.number))
                open_par = (blocks[-1], par_lines[-1]) if isinstance(blocks[-1], Paragraph) else None  # type: ignore[assignment]
            if item is not None:
                table, bounds = item
                if first_table and last_table and last_table[0].pages[-1:] == [page.number - 1]:
                    _align_continuation(last_table, blocks[last_table[2] + 1 :], table, bounds)
                blocks.append(table)
                last_table[:] = [table, bounds, len(blocks) - 1]
                open_par = None
                first_table = False
            first_region = False
            region.clear()

        for _, kind, payload in page.items:
            if kind == "line":
                region.append(payload)  # type: ignore[arg-type]
            else:
                flush(payload)  # type: ignore[arg-type]
        if region:
            flush(None)
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


def _paragraphs(lines: list[Line], right: float | None) -> list[list[Line]]:
    out: list[list[Line]] = []
    for line, start in zip(lines, paragraph_starts(lines, right)):
        if start or not out:
            out.append([line])
        else:
            out[-1].append(line)
    return out
