"""PDF pages without a text layer -> page images for OCR (``ocr.py``).

Pages are rendered with pypdfium2 at ``ocr.DPI`` (scaled down when a page's
media box is huge: some scanners write 300 dpi pixel counts as points).  A PDF
that neither pdfminer nor pdfium can open (truncated: no trailer, no xref)
may still hold its page images intact: ``salvage`` cuts the JPEG streams
(``/DCTDecode`` image XObjects) out of the bytes, in file order, so that the
pages they carry can be read; an image cut short by the truncation is read as
far as it goes.
"""
from __future__ import annotations

import io
import re

import numpy as np

from loaders.readers.ocr import DPI, MAX_SIDE, PageImage

_IMAGE_OBJ = re.compile(rb"/Subtype\s*/Image\b")


def _pdfium():
    import pypdfium2 as pdfium

    return pdfium


def page_images(data: bytes, numbers: list[int]) -> list[PageImage]:
    """Render callbacks for the given (1-based) pages of the PDF in ``data``."""
    pdfium = _pdfium()
    doc = pdfium.PdfDocument(data)
    out = []
    for n in numbers:
        out.append(_page_image(doc, n))
    return out


def _page_image(doc, n: int) -> PageImage:
    def scale_for(base: float) -> float:
        page = doc[n - 1]
        w, h = page.get_size()
        page.close()
        return min(base * DPI / 72, base * MAX_SIDE / max(w, h, 1))

    def render(factor: float = 1.0) -> np.ndarray:
        page = doc[n - 1]
        try:
            bitmap = page.render(scale=scale_for(factor), grayscale=True, draw_annots=False)
            arr = bitmap.to_numpy()
            return np.ascontiguousarray(arr[:, :, 0] if arr.ndim == 3 else arr)
        finally:
            page.close()

    return PageImage(number=n, render=render, render_scaled=render, dpi=DPI)


def can_render(data: bytes) -> int | None:
    """Page count when pdfium opens the file, else None."""
    try:
        doc = _pdfium().PdfDocument(data)
    except Exception:
        return None
    try:
        return len(doc)
    finally:
        doc.close()


def salvage(data: bytes) -> list[PageImage]:
    """The JPEG page images of a PDF too broken to open."""
    from PIL import Image, ImageFile

    out: list[PageImage] = []
    for m in _IMAGE_OBJ.finditer(data):
        head_end = data.find(b"stream", m.end())
        if head_end < 0:
            break
        obj = data.rfind(b"obj", max(0, m.start() - 2000), m.start())
        if b"DCTDecode" not in data[obj if obj >= 0 else m.start() : head_end]:
            continue
        start = head_end + len(b"stream")
        while data[start : start + 1] in (b"\r", b"\n"):
            start += 1
        if data[start : start + 2] != b"\xff\xd8":
            continue
        end = data.find(b"endstream", start)
        blob = data[start : end if end > 0 else len(data)]
        try:
            ImageFile.LOAD_TRUNCATED_IMAGES = True
            img = Image.open(io.BytesIO(blob))
            img.load()
        except Exception:
            continue
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = False
        if min(img.size) < 200:
            continue  # a logo or a thumbnail, not a page
        gray = np.asarray(img.convert("L"))
        out.append(PageImage(number=len(out) + 1, render=(lambda g=gray: g), render_scaled=None, dpi=None))
    return out
