"""PDF reports -> Document, with pdfplumber.

Per page: the page's objects are built once (``pdf_objects``), characters
drawn twice (fake bold) are dropped and glyph boxes some broken fonts misplace
are put right (``pdf_glyphs``), ruled tables are found once (pdfplumber's
``TableFinder``, only on a page with both horizontal and vertical rules) and
their cells filled in one pass over the characters; every character no cell took becomes running text, grouped into
lines (see ``pdf_text``), page numbers in the top or bottom margin dropped.
The pages' lines and tables are then laid out as blocks in reading order,
with captions, and paragraphs joined across page breaks (``pdf_assemble``).

Characters a clipping path hides are not read (``pdf_clip``): LibreOffice
draws a merged cell that crosses a page break on both pages, clipped to each
page's part, and without this the other page's part came out as stray lines
above the table, which kept the two pieces from joining.

Pages whose /Rotate leaves the text sideways are read turned upright; pages
whose content is drawn turned (the usual landscape table page) need nothing.

Not handled: text drawn invisible (render mode 3) is read, as it is the text
layer of a scanned page that has one; text clipping modes (4–7) are not
followed.  Tables printed without rules are found from how their words line
up (``pdf_aligned``), among the characters no ruled table took.

Pages without a text layer (or with only a stamp in the margin over a page
image) are read by OCR (``ocr.py``); a broken scan is read from what pdfium
can render or from the JPEG page images left in it (``pdf_scan``).
"""
from __future__ import annotations

import io
import logging
import re

import pdfplumber
from pdfplumber.table import TableFinder
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
from loaders.model import Block, Document, Source, Table
from loaders.readers.pdf_aligned import find_tables, read_region
from loaders.readers.pdf_assemble import PageContent, assemble
from loaders.readers.pdf_clip import load_layout
from loaders.readers.pdf_objects import load_objects
from loaders.readers.pdf_glyphs import duplicate_chars, rebox_displaced_glyphs, text_turn, turned
from loaders.readers.pdf_tables import clean_grid, extract_grids
from loaders.readers.pdf_text import build_lines, drop_page_furniture

for _name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_name).setLevel(logging.ERROR)

# a page whose free text has no digit holds no unruled table
_DIGIT = re.compile(r"\d")


def read(data: bytes, source: Source) -> Document:
    return _read(data, source)


def reread(data: bytes, source: Source, pages: set[int]) -> Document:
    """The given pages read again with the other strategy: every table's cells
    from how its words line up, its rules ignored (``pdf_aligned``).  The
    pipeline compares the two readings of a table whose arithmetic fails."""
    return _read(data, source, strategy="aligned", only=pages)


def _read(data: bytes, source: Source, strategy: str = "ruled", only: set[int] | None = None) -> Document:
    name = source.file or None
    try:
        pdf = _open(data, name)
    except CorruptFileError as exc:
        if only is not None:
            raise
        return _salvaged(data, source, exc)
    try:
        limit = int(settings.get("MAX_PAGES"))
        declared = _declared_page_count(pdf)
        if declared is not None and declared > limit:
            source.pages = declared
            raise TooManyPagesError(f"共 {declared} 页，上限 {limit} 页", file=name)
        try:
            pages = pdf.pages
            count = len(pages)
        except Exception as exc:  # pdfminer raises many kinds
            classified = _classify(exc, name)
            if isinstance(classified, CorruptFileError) and only is None:
                return _salvaged(data, source, classified)
            raise classified from exc
        source.pages = count
        if count > limit:
            raise TooManyPagesError(f"共 {count} 页，上限 {limit} 页", file=name)
        parsed: list[PageContent] = []
        for page in pages:
            if only is not None and page.page_number not in only:
                continue
            try:
                parsed.append(_read_page(page, strategy))
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
    # Pages drawn as an image with no text layer are read by OCR (once: a
    # re-read of some pages with the other table strategy leaves them out).
    scanned = [p.number for p in parsed if not p.has_text and p.has_images] if only is None else []
    ocr_blocks: list[Block] = []
    if scanned:
        from loaders.readers import ocr, pdf_scan

        ocr_blocks, source.ocr_pages = ocr.ocr_pages(pdf_scan.page_images(data, scanned), name)
    if not any(p.has_text for p in parsed) and not source.ocr_pages:
        if only is not None:
            return Document(source=source, blocks=[])  # re-read scanned pages: nothing new to read
        if scanned:
            raise ScannedFileError("扫描件中没有可识别的文字（已尝试文字识别）", file=name)
        raise ScannedFileError("没有一页有文字层，请上传原始电子版（非扫描件）", file=name)
    blocks = assemble(parsed)
    if ocr_blocks:
        blocks = _by_page(blocks, ocr_blocks)
    return Document(source=source, blocks=merge_continued_tables(blocks))


def _by_page(text_blocks: list[Block], ocr_blocks: list[Block]) -> list[Block]:
    """Both lists (each in page order) interleaved by page."""
    def page_of(b: Block) -> int:
        return b.page or 0

    out: list[Block] = []
    i = j = 0
    while i < len(text_blocks) or j < len(ocr_blocks):
        if j >= len(ocr_blocks) or (i < len(text_blocks) and page_of(text_blocks[i]) <= page_of(ocr_blocks[j])):
            out.append(text_blocks[i])
            i += 1
        else:
            out.append(ocr_blocks[j])
            j += 1
    return out


def _salvaged(data: bytes, source: Source, error: CorruptFileError) -> Document:
    """A PDF pdfminer cannot open: when it is a scan (no fonts anywhere in
    it), read its pages by OCR if pdfium can render them, or else if its
    page images can be cut out of the bytes.  A damaged text PDF stays
    refused: reading part of it would give numbers without the rest."""
    from loaders.readers import ocr, pdf_scan

    name = source.file or None
    if b"/Font" in data:
        raise error
    count = pdf_scan.can_render(data)
    if count:
        pages = pdf_scan.page_images(data, list(range(1, count + 1)))
    else:
        pages = pdf_scan.salvage(data)
    if not pages:
        raise error
    source.pages = count or len(pages)
    blocks, source.ocr_pages = ocr.ocr_pages(pages, name)
    if not source.ocr_pages:
        raise error
    source.damaged = error.detail
    return Document(source=source, blocks=blocks)


def _declared_page_count(pdf) -> int | None:
    """/Count of the page tree, read without building every page."""
    try:
        from pdfminer.pdftypes import resolve1

        count = resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"])
        return int(count) if isinstance(count, int) and count >= 0 else None
    except Exception:
        return None


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


def _read_page(page, strategy: str = "ruled") -> PageContent:
    load_layout(page)
    load_objects(page)
    chars = page.chars
    turn = text_turn(chars)
    if turn:
        page = turned(page, turn)
        load_layout(page)
        load_objects(page)
        chars = page.chars
    else:
        rebox_displaced_glyphs(chars)
    out = PageContent(number=page.page_number, width=float(page.width), height=float(page.height))
    shown = [c for c in chars if not c["text"].isspace()]
    if not shown or (
        len(shown) <= SCAN_STAMP_CHARS
        and all(c["bottom"] < 0.12 * out.height or c["top"] > 0.88 * out.height for c in shown)
        and _image_cover(page) >= SCAN_IMAGE_COVER
    ):
        # an image (read by OCR; a scanned page may carry a stamped page
        # number or file name as its only text), or nothing: no blocks
        out.has_images = bool(page.images)
        return out
    out.has_text = True
    duplicates = duplicate_chars(chars)
    if duplicates:
        page = page.filter(lambda obj: obj.get("object_type") != "char" or id(obj) not in duplicates)
        chars = page.chars
    ruled, rules = _ruled_tables(page)
    boxes = []
    if strategy == "aligned":
        chars = _aligned_regions(ruled, chars, out, boxes)
        grids, taken = [], [False] * len(chars)
    else:
        grids, taken = extract_grids(ruled, chars, rules)
    for grid in grids:
        cleaned = clean_grid(grid)
        if cleaned is None:
            continue  # a ruled area with no text in it
        boxes.append(cleaned.bbox)
        table = Table(rows=cleaned.rows, row_pages=[out.number] * len(cleaned.rows), spans=cleaned.spans, strategy="ruled")
        out.items.append((cleaned.bbox[1], "table", (table, list(cleaned.bounds))))
    free = [c for c, t in zip(chars, taken) if not t]
    if any(_DIGIT.match(c["text"]) for c in free):
        for found in find_tables(free):
            table = Table(rows=found.rows, row_pages=[out.number] * len(found.rows), spans=found.spans, strategy="aligned")
            out.items.append((found.bbox[1], "table", (table, list(found.bounds))))
            boxes.append(found.bbox)
            used = {id(c) for c in found.chars}
            free = [c for c in free if id(c) not in used]
    lines = drop_page_furniture(build_lines(free), out.height, boxes)
    out.items.extend((ln.top, "line", ln) for ln in lines)
    out.items.sort(key=lambda item: item[0])
    return out


def _ruled_tables(page) -> tuple[list, list[dict]]:
    """pdfplumber's ruled tables of ``page`` and the rules (edges) they were
    found from.  A cell closes where rules cross, so a page without both a
    horizontal and a vertical rule holds none: there the table search is not
    run (the finder only snaps, joins and drops edges, never turns one)."""
    edges = page.edges
    if not any(e["orientation"] == "h" for e in edges) or not any(e["orientation"] == "v" for e in edges):
        return [], []
    finder = TableFinder(page)
    return finder.tables, finder.edges


# A page whose text layer is no more than this many characters, all in the
# top or bottom margin, over an image covering this share of it is a scanned
# page (its text a stamped page number or file name).
SCAN_STAMP_CHARS = 20
SCAN_IMAGE_COVER = 0.6


def _image_cover(page) -> float:
    area = float(page.width) * float(page.height)
    if area <= 0:
        return 0.0
    best = 0.0
    for im in page.images:
        w = max(0.0, min(float(im["x1"]), float(page.width)) - max(float(im["x0"]), 0.0))
        h = max(0.0, min(float(im["bottom"]), float(page.height)) - max(float(im["top"]), 0.0))
        best = max(best, w * h / area)
    return best


def _aligned_regions(found: list, chars: list[dict], out: PageContent, boxes: list) -> list[dict]:
    """Each ruled table's box read from its words' positions; returns the
    characters left outside them."""
    left = chars
    for ruled in found:
        x0, top, x1, bottom = ruled.bbox
        inside = [c for c in left if x0 - 1 <= c["x0"] and c["x1"] <= x1 + 1 and top - 1 <= c["top"] and c["bottom"] <= bottom + 1]
        read = read_region(inside)
        if read is None:
            continue
        table = Table(rows=read.rows, row_pages=[out.number] * len(read.rows), spans=read.spans, strategy="aligned")
        out.items.append((read.bbox[1], "table", (table, list(read.bounds))))
        boxes.append(read.bbox)
        taken = {id(c) for c in inside}
        left = [c for c in left if id(c) not in taken]
    return left
