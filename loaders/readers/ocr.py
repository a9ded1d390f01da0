"""Scanned pages and images -> Document blocks, by OCR.

``ocr_pages(pages, source)`` reads page images one at a time (rendered from a
PDF page without a text layer, an image salvaged from a broken PDF, or an
uploaded PNG/JPEG): text boxes by RapidOCR (``ocr_engine``), lines, paragraphs
and tables from the page (``ocr_layout``), tables continued across
pages joined as for text PDFs (``loaders.continuation``), then every table's
arithmetic verified, and misread cells replaced by one of their alternative
readings where that makes the sums hold (``ocr_verify``).

Each OCR table carries ``Table.ocr`` (engine, dpi, verification, corrections,
unverified cells), which the pipeline turns into provenance (``"ocr": true``)
and findings.  Progress goes to ``loaders.progress`` page by page.

``read(data, source)`` is the registry's reader for image uploads.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Callable

import numpy as np

import settings
from loaders import progress
from loaders.continuation import merge_continued_tables
from loaders.errors import CorruptFileError, ScannedFileError, TooManyPagesError
from loaders.model import Block, Document, Source, Table
from loaders.readers import ocr_engine, ocr_layout, ocr_tables, ocr_text, ocr_verify

ENGINE_NAME = "rapidocr_onnxruntime 1.4.4 (PP-OCRv4)"
# Render resolution of scanned PDF pages.
DPI = 200
# A page image is scaled so that its longer side is at most this many pixels
# (a 300 dpi A4 scan is 3508).
MAX_SIDE = 3400
MIN_SCORE = 0.6


@dataclass
class PageImage:
    number: int
    # () -> grayscale uint8 array at the base resolution
    render: Callable[[], np.ndarray]
    # (scale) -> the same page at ``scale`` times the base resolution, for re-reading cells
    render_scaled: Callable[[float], np.ndarray] | None = None
    dpi: int | None = DPI


def check_page_count(count: int, name: str | None) -> None:
    limit = int(settings.get("OCR_MAX_PAGES"))
    if count > limit:
        raise TooManyPagesError(f"需文字识别（OCR）的扫描页 {count} 页，上限 {limit} 页", file=name)


def ocr_pages(pages: list[PageImage], name: str | None) -> tuple[list[Block], list[int]]:
    """Blocks of the OCR'd pages (in page order) and the numbers of the pages
    that had legible text."""
    check_page_count(len(pages), name)
    progress.announce_ocr(len(pages))
    blocks: list[Block] = []
    metas: dict[int, ocr_tables.OcrTable] = {}
    legible_pages: list[int] = []
    renders = {p.number: p for p in pages}
    for done, page in enumerate(pages, 1):
        gray, found = _upright(page.render(), page.number)
        _shapes[page.number] = gray.shape[:2]
        boxes = _read_boxes(gray, found)
        lay = ocr_layout.layout(
            gray, boxes, page.number, read=lambda box, g=gray: ocr_engine.recognise([ocr_engine.crop(g, box)])[0]
        )
        if lay.legible >= 4:
            legible_pages.append(page.number)
            blocks.extend(lay.blocks)
            for t in lay.tables:
                metas[id(t.table)] = t
                t.table.ocr = {"engine": ENGINE_NAME, "dpi": page.dpi, "ruled": t.ruled}  # type: ignore[attr-defined]
        progress.report(done, len(pages), "ocr")
        del gray
    merged_blocks, merged = _merge(blocks, metas)
    for table, cells in merged:
        if getattr(table, "ocr", None) is not None:
            ocr_verify.verify(table, cells, lambda page, box: _reread(renders.get(page), box))
    _hires.clear()
    _turns.clear()
    _shapes.clear()
    return merged_blocks, legible_pages


def _read_boxes(gray: np.ndarray, boxes: list) -> list[ocr_text.TextBox]:
    readings = ocr_engine.recognise([ocr_engine.crop(gray, b) for b in boxes])
    return [ocr_text.TextBox(b, r) for b, r in zip(boxes, readings) if r.text.strip()]


def _upright(gray: np.ndarray, page: int | None = None) -> tuple[np.ndarray, list]:
    """The page turned so that its text lines run left to right (a table
    page scanned in landscape comes as a portrait image with vertical lines
    of text; which way round is decided by the recogniser's confidence), and
    the text boxes detected on it."""
    import cv2

    gray = _limit(gray)
    boxes = ocr_engine.detect(gray)
    tall = [b for b in boxes if (b[3] - b[1]) > 2 * (b[2] - b[0])]
    wide = [b for b in boxes if (b[2] - b[0]) > 2 * (b[3] - b[1])]
    if len(tall) <= max(3, len(wide)):
        _turns[page] = None
        return gray, boxes
    best, best_score, best_code = gray, -1.0, None
    for code in (cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_90_COUNTERCLOCKWISE):
        turned = cv2.rotate(gray, code)
        score = _sample_score(turned)
        if score > best_score:
            best, best_score, best_code = turned, score, code
    _turns[page] = best_code
    return best, ocr_engine.detect(best)


def _sample_score(gray: np.ndarray) -> float:
    import cv2

    scale = min(1.0, 1000 / max(gray.shape))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    boxes = [b for b in ocr_engine.detect(small) if (b[2] - b[0]) > 2 * (b[3] - b[1])]
    boxes = sorted(boxes, key=lambda b: -(b[2] - b[0]))[:8]
    if not boxes:
        return 0.0
    readings = ocr_engine.recognise([ocr_engine.crop(gray, tuple(v / scale for v in b)) for b in boxes])
    return sum(r.score * len(r.text) for r in readings)


def _limit(gray: np.ndarray) -> np.ndarray:
    import cv2

    if gray.ndim == 3:
        gray = cv2.cvtColor(gray, cv2.COLOR_BGR2GRAY if gray.shape[2] == 3 else cv2.COLOR_BGRA2GRAY)
    scale = MAX_SIDE / max(gray.shape)
    if scale < 1:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(gray)


# ------------------------------------------------------------------ re-reading a cell

_hires: dict[int, tuple[np.ndarray, float]] = {}
# how each page was turned upright (cv2 rotate code or None), by page number
_turns: dict[int | None, int | None] = {}
# the shape each page was read at
_shapes: dict[int, tuple[int, int]] = {}
REREAD_SCALE = 2.0


def _reread(page: PageImage | None, box) -> list[str]:
    """The cell's text read again from the page rendered at twice the
    resolution (PDF pages), or from the crop enlarged (images)."""
    import cv2

    if page is None:
        return []
    if page.number not in _hires:
        _hires.clear()
        if page.render_scaled is not None:
            _hires[page.number] = _upright_like(page)
        else:
            # an image: its own pixels, turned as it was read
            base = _limit(page.render())
            code = _turns.get(page.number)
            _hires[page.number] = (cv2.rotate(base, code) if code is not None else base, 1.0)
    img, scale = _hires[page.number]
    x0, y0, x1, y1 = (v * scale for v in box)
    piece = ocr_engine.crop(img, (x0, y0, x1, y1), pad=0.15)
    if not piece.size:
        return []
    out = []
    # a cell holds one line of text: the whole crop is read as it is and
    # enlarged, with the recogniser's candidates for each reading
    for variant in (piece, cv2.resize(piece, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC)):
        whole = ocr_engine.recognise([variant])[0]
        out.append(whole.text)
        out.extend(whole.alternatives)
    return [ocr_text.clean_text(t) for t in out if t]


def _upright_like(page: PageImage) -> tuple[np.ndarray, float]:
    """The page at REREAD_SCALE, turned as its base rendering was, and its
    scale relative to the base."""
    import cv2

    big = page.render_scaled(REREAD_SCALE)  # type: ignore[misc]
    if big.ndim == 3:
        big = cv2.cvtColor(big, cv2.COLOR_BGR2GRAY)
    code = _turns.get(page.number)
    if code is not None:
        big = cv2.rotate(big, code)
    base = _shapes.get(page.number)
    scale = big.shape[1] / base[1] if base else REREAD_SCALE
    return np.ascontiguousarray(big), scale


# ------------------------------------------------------------------ joining pages


def _merge(blocks: list[Block], metas: dict[int, ocr_tables.OcrTable]) -> tuple[list[Block], list[tuple[Table, dict]]]:
    """Join continued tables; return each resulting OCR table with its cells'
    meta re-indexed onto the joined rows (matched by content)."""
    tables_before = [b for b in blocks if isinstance(b, Table)]
    merged_blocks = merge_continued_tables(list(blocks))
    kept = [b for b in merged_blocks if isinstance(b, Table)]
    kept_ids = {id(t) for t in kept}
    out: list[tuple[Table, dict]] = []
    groups: list[list[Table]] = []
    for t in tables_before:
        if id(t) in kept_ids or not groups:
            groups.append([t])
        else:
            groups[-1].append(t)
    by_first = {id(g[0]): g for g in groups}
    for table in kept:
        pieces = by_first.get(id(table), [table])
        cells: dict[tuple[int, int], ocr_tables.CellMeta] = {}
        if id(table) in metas:
            if len(pieces) == 1:
                cells = dict(metas[id(table)].cells)
            else:
                cells = _rematch(table, pieces, metas)
        out.append((table, cells))
    return merged_blocks, out


def _rematch(table: Table, pieces: list[Table], metas) -> dict:
    cells = {}
    first = metas.get(id(pieces[0]))
    if first is not None:
        # the first piece's own rows were extended in place: its meta indices hold
        for (r, c), m in first.cells.items():
            if r < len(table.rows):
                cells[(r, c)] = m
    source_rows: list[tuple[list[str], dict[int, ocr_tables.CellMeta]]] = []
    for piece in pieces[1:]:
        meta = metas.get(id(piece))
        if meta is None:
            continue
        for r, row in enumerate(meta.table.rows):
            source_rows.append(([ocr_text.clean_text(x) for x in row], {c: m for (rr, c), m in meta.cells.items() if rr == r}))
    # match the joined table's later rows to the pieces' rows by content
    pos = 0
    for r, row in enumerate(table.rows):
        if any(k[0] == r for k in cells):
            continue
        key = [x for x in row]
        for k in range(pos, len(source_rows)):
            src, by_col = source_rows[k]
            stripped = [x for x in key if x]
            if stripped and stripped == [x for x in src if x]:
                # align columns: the joined row may have padding in front
                offset = len(key) - len(src)
                for c, m in by_col.items():
                    if 0 <= c + offset < len(key):
                        cells[(r, c + offset)] = m
                pos = k + 1
                break
    return cells


# ------------------------------------------------------------------ images


def read(data: bytes, source: Source) -> Document:
    """An uploaded PNG / JPEG (a photographed or scanned table)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = source.file or None
    try:
        img = Image.open(io.BytesIO(data))
        frames = getattr(img, "n_frames", 1)
        img = ImageOps.exif_transpose(img)
        img.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise CorruptFileError(f"图片无法打开（{exc}）", file=name) from exc
    source.pages = 1
    if frames > 1:
        source.pages = frames
    gray = np.asarray(img.convert("L"))
    page = PageImage(number=1, render=lambda: gray, render_scaled=None, dpi=None)
    blocks, legible = ocr_pages([page], name)
    if not legible:
        raise ScannedFileError("图片中没有可识别的文字", file=name)
    source.ocr_pages = legible  # type: ignore[attr-defined]
    return Document(source=source, blocks=blocks)
