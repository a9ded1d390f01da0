"""PDF reports -> Document, with pdfplumber.

Per page: characters drawn twice (fake bold) are dropped, ruled tables are
found once (``page.find_tables()``) and their cells filled in one pass over the
characters; every character no cell took becomes running text, grouped into
lines and then paragraphs (see ``pdf_text``).  Blocks come out in reading
order, top to bottom.  The text lines just above a table (title, 公开01表,
agency and unit; at most five, from paragraphs of at most two lines) are its
caption and also stay as paragraphs.  Page numbers in the top or bottom margin
are dropped; a paragraph cut by a page break is joined to its start (and keeps
the page it starts on).

Characters a clipping path hides are not read (``pdf_clip``): LibreOffice
draws a merged cell that crosses a page break on both pages, clipped to each
page's part, and without this the other page's part came out as stray lines
above the table, which kept the two pieces from joining.

Pages whose /Rotate leaves the text sideways are read turned upright; pages
whose content is drawn turned (the usual landscape table page) need nothing.
A table carried onto the next page can be ruled there with fewer or more
column edges, or without its outer columns (their merged cells cross the
break, so no cell closes there); both pieces are then laid on the union of
the edges when that makes ``loaders.continuation.merge_continued_tables``
join them.

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
import math
import re
from operator import itemgetter
from dataclasses import dataclass, field

import pdfplumber
import pdfplumber.page
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
from loaders.model import Block, Document, Paragraph, Source, Table
from loaders.readers.pdf_aligned import find_tables, read_region
from loaders.readers.pdf_clip import load_layout
from loaders.readers.pdf_tables import aligned, clean_grid, extract_grids, union_bounds
from loaders.readers.pdf_text import (
    Line,
    Margins,
    build_lines,
    continues_paragraph,
    drop_page_furniture,
    join_lines,
    left_edge,
    paragraph_starts,
    right_edge,
)

for _name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_name).setLevel(logging.ERROR)

CAPTION_LINES = 5
# a page whose free text has no digit holds no unruled table
_DIGIT = re.compile(r"\d")
# a paragraph this long is running text, not part of a table's caption
CAPTION_PARAGRAPH_LINES = 2


@dataclass
class _Page:
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
        parsed: list[_Page] = []
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
    blocks = _assemble(parsed)
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


def _read_page(page, strategy: str = "ruled") -> _Page:
    load_layout(page)
    chars = page.chars
    turn = _text_turn(chars)
    if turn:
        page = _turned(page, turn)
        load_layout(page)
        chars = page.chars
    else:
        rebox_displaced_glyphs(chars)
    out = _Page(number=page.page_number, width=float(page.width), height=float(page.height))
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
    duplicates = _duplicate_chars(chars)
    if duplicates:
        page = page.filter(lambda obj: obj.get("object_type") != "char" or id(obj) not in duplicates)
        chars = page.chars
    finder = TableFinder(page)
    boxes = []
    if strategy == "aligned":
        chars = _aligned_regions(finder.tables, chars, out, boxes)
        grids, taken = [], [False] * len(chars)
    else:
        grids, taken = extract_grids(finder.tables, chars, finder.edges)
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


def _aligned_regions(found: list, chars: list[dict], out: _Page, boxes: list) -> list[dict]:
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


# a glyph box whose top is less than this share of the font size above its
# baseline does not cover the glyph: the font's ascent/descent are wrong
_MIN_ASCENT = 0.3
_DEFAULT_ASCENT = 0.8


def rebox_displaced_glyphs(chars: list[dict]) -> None:
    """Move, in place, glyph boxes that lie below their own baseline onto it.

    Some embedded fonts (重庆's "E-BZ", used for digits and brackets) carry
    metrics that put every glyph box about one em under the baseline, so
    "2026" and "（）、" would fall onto a line of their own below the text they
    belong to. The baseline (the text matrix) is right; the box is rebuilt
    from it with the ascent the page's other fonts use.
    """
    def ascent(c: dict) -> float | None:
        a, b, cc, d, _, f = c["matrix"]
        if abs(b) > 1e-6 or abs(cc) > 1e-6 or a <= 0 or d <= 0 or not c.get("size"):
            return None
        return (c["y1"] - f) / c["size"]

    shares = [s for c in chars if not c["text"].isspace() and (s := ascent(c)) is not None and s >= _MIN_ASCENT]
    share = sorted(shares)[len(shares) // 2] if shares else _DEFAULT_ASCENT
    displaced = []
    for c in chars:
        s = ascent(c)
        if s is None or s >= _MIN_ASCENT:
            continue
        shift = (share - s) * c["size"]
        c["y1"] += shift
        c["y0"] += shift
        for key in ("top", "bottom", "doctop"):
            if key in c:
                c[key] -= shift
        displaced.append(c)
    if displaced:
        _narrow_to_advance(displaced, chars)


def _narrow_to_advance(glyphs: list[dict], chars: list[dict]) -> None:
    """Cut each of ``glyphs`` at the next character drawn on its baseline.

    The same broken fonts give every glyph a full em of width, so the digits
    of "86,685.29" would overlap like two texts drawn over each other.
    """
    rows: dict[int, list[dict]] = {}
    for c in chars:
        if not c["text"].isspace():
            rows.setdefault(round(c["matrix"][5] / 2), []).append(c)
    for row in rows.values():
        row.sort(key=itemgetter("x0"))
    for g in glyphs:
        base = g["matrix"][5]
        nxt = [
            d["x0"]
            for key in (round(base / 2) - 1, round(base / 2), round(base / 2) + 1)
            for d in rows.get(key, ())
            if g["x0"] + 0.5 < d["x0"] < g["x1"] and abs(d["matrix"][5] - base) < 0.3 * g["size"]
        ]
        if nxt:
            g["x1"] = min(nxt)
            g["width"] = g["x1"] - g["x0"]


def _text_turn(chars: list[dict]) -> int:
    """Degrees to add to the page's /Rotate so that its text reads upright:
    0 unless most characters run sideways or upside down on the page as
    displayed (a page turned with /Rotate whose text was not)."""
    turns: dict[int, int] = {}
    visible = 0
    for c in chars:
        if c["text"].isspace():
            continue
        visible += 1
        if not c.get("upright", True):
            a, b = c["matrix"][0], c["matrix"][1]
            angle = round(math.degrees(math.atan2(b, a)) / 90) * 90 % 360
            if angle:
                turns[angle] = turns.get(angle, 0) + 1
    if not turns:
        return 0
    angle, count = max(turns.items(), key=lambda item: item[1])
    return angle if count > 0.6 * visible else 0


def _turned(page, turn: int):
    """The same page read with its /Rotate changed by ``turn`` degrees."""
    page.close()
    page_obj = page.page_obj
    rotation = (page.rotation + turn) % 360
    page_obj.rotate = rotation
    page_obj.attrs["Rotate"] = rotation
    return pdfplumber.page.Page(page.pdf, page_obj, page_number=page.page_number, initial_doctop=page.initial_doctop)


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


def _page_margins(pages: list[_Page]) -> dict[int, tuple[float | None, float | None]]:
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


def _assemble(pages: list[_Page]) -> list[Block]:
    page_margins = _page_margins(pages)
    blocks: list[Block] = []
    # the last table emitted: [table, its column bounds, index in blocks]
    last_table: list = []
    # the paragraph that ended the previous page, its last line and margins
    open_par: tuple[Paragraph, Line, Margins] | None = None
    for page in pages:
        region: list[Line] = []
        first_region = True
        first_table = True
        table_before: list[float] | None = None

        def flush(item: tuple[Table, list[float]] | None) -> None:
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


def _paragraphs(lines: list[Line], margins: Margins) -> list[list[Line]]:
    out: list[list[Line]] = []
    for line, start in zip(lines, paragraph_starts(lines, margins)):
        if start or not out:
            out.append([line])
        else:
            out[-1].append(line)
    return out
