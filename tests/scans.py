"""Scans made from real text PDFs, for the OCR tests.

``make_scan(path, pages)`` renders the given pages of a text PDF to grey
images the way an office scanner would give them back (150–200 dpi, a slight
tilt, speckle and JPEG compression) and wraps them in an image-only PDF: no
text layer, so the PDF reader hands every page to OCR.  Deterministic (fixed
seed), so golden values read by eye off the rendered pages stay valid.
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter


def scan_images(path: str | Path, pages: list[int], dpi: int = 200, tilt: float = 0.3, seed: int = 7) -> list[Image.Image]:
    rng = np.random.default_rng(seed)
    doc = pdfium.PdfDocument(str(path))
    out = []
    for n in pages:
        page = doc[n - 1]
        img = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        page.close()
        if tilt:
            img = img.rotate(tilt, resample=Image.BICUBIC, expand=False, fillcolor=255)
        img = img.filter(ImageFilter.GaussianBlur(0.4))
        arr = np.asarray(img).astype(np.int16)
        arr = arr + rng.normal(0, 6, arr.shape).astype(np.int16)
        speckle = rng.random(arr.shape) < 0.0004
        arr[speckle] = 40
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
        out.append(img)
    doc.close()
    return out


def images_to_pdf(images: list[Image.Image], dpi: int = 200) -> bytes:
    buf = io.BytesIO()
    jpegs = []
    for img in images:
        b = io.BytesIO()
        img.save(b, format="JPEG", quality=80)
        jpegs.append(Image.open(io.BytesIO(b.getvalue())))
    jpegs[0].save(buf, format="PDF", save_all=True, append_images=jpegs[1:], resolution=dpi)
    return buf.getvalue()


def make_scan(path: str | Path, pages: list[int], dpi: int = 200, **kw) -> bytes:
    return images_to_pdf(scan_images(path, pages, dpi=dpi, **kw), dpi=dpi)
