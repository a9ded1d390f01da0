"""The PDF reader on synthetic PDFs built here in a few lines (fake bold,
rotation, clipping, frames) and on broken, locked or oversized files.
"""
from __future__ import annotations

import io
import logging

import pytest
from pypdf import PdfReader, PdfWriter

from loaders.errors import (
    CorruptFileError,
    EncryptedFileError,
    ScannedFileError,
    TooManyPagesError,
)
from loaders.readers import pdf as pdf_reader
from loaders.readers.pdf_text import join_lines
from pdfgen import assemble
from test_reader_pdf import _read
from tests.conftest import FIXTURES, REAL


# ------------------------------------------------------------- synthetic


def _pdf(content: bytes, rotate: int = 0) -> bytes:
    """A one-page PDF (A4) drawing ``content`` with Helvetica as /F1."""
    rot = f" /Rotate {rotate}" if rotate else ""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
            + rot.encode()
            + b" /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
        ),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return assemble(objects)


def _text(x: float, y: float, s: str, size: int = 12) -> bytes:
    return b"BT /F1 %d Tf %.2f %.2f Td (%s) Tj ET\n" % (size, x, y, s.encode())


def _grid(x0: float, y0: float, widths: list[float], heights: list[float]) -> bytes:
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    ys = [y0]
    for h in heights:
        ys.append(ys[-1] - h)
    ops = []
    for y in ys:
        ops.append(b"%.2f %.2f m %.2f %.2f l S" % (xs[0], y, xs[-1], y))
    for x in xs:
        ops.append(b"%.2f %.2f m %.2f %.2f l S" % (x, ys[0], x, ys[-1]))
    return b"0.8 w\n" + b"\n".join(ops) + b"\n"


def _fake_bold_page() -> bytes:
    content = _text(72, 760, "Budget Report")
    content += _text(72.3, 760.2, "Budget Report")  # the same again, shifted: fake bold
    content += _grid(72, 700, [150, 150], [24, 24])
    for dx in (0, 0.35):
        content += _text(80 + dx, 684, "Total")
        content += _text(230 + dx, 684, "123.45")
    content += _text(80, 660, "Other")
    content += _text(230, 660, "6.00")
    return content


def test_fake_bold_duplicates_do_not_double_text():
    doc = _read(_pdf(_fake_bold_page()))
    assert [p.text for p in doc.paragraphs()] == ["Budget Report"]
    tables = list(doc.tables())
    assert len(tables) == 1
    assert tables[0].rows == [["Total", "123.45"], ["Other", "6.00"]]
    assert tables[0].row_pages == [1, 1]
    assert doc.source.pages == 1


def test_rotated_synthetic_page_reads_the_same():
    doc = _read(_pdf(_fake_bold_page(), rotate=90))
    assert [p.text for p in doc.paragraphs()] == ["Budget Report"]
    assert list(doc.tables())[0].rows == [["Total", "123.45"], ["Other", "6.00"]]


def test_entirely_empty_ruled_table_is_skipped():
    doc = _read(_pdf(_text(72, 760, "Heading") + _grid(72, 700, [100, 100], [20, 20])))
    assert list(doc.tables()) == []
    assert [p.text for p in doc.paragraphs()] == ["Heading"]


def test_page_number_at_the_bottom_is_dropped_but_numbers_in_text_stay():
    content = _text(72, 760, "Total 2024") + _text(72, 740, "17") + _text(290, 40, "3")
    doc = _read(_pdf(content))
    assert [p.text for p in doc.paragraphs()] == ["Total 2024", "17"]


def test_ascii_words_keep_a_space_when_lines_are_joined():
    assert join_lines(["DRG/DIP 支付方式改革三年行动计", "划，聚焦抓扩面"]) == "DRG/DIP 支付方式改革三年行动计划，聚焦抓扩面"
    assert join_lines(["the budget of", "2024 was"]) == "the budget of 2024 was"


def test_text_outside_the_clipping_path_is_not_read():
    content = (
        b"q 50 700 300 40 re W n\n"
        + _text(72, 710, "Shown")
        + _text(72, 600, "Hidden below")
        + b"q 60 705 20 30 re W n\n"
        + _text(120, 712, "Hidden beside")  # outside the inner clip (intersected)
        + b"Q\n"
        + _text(200, 712, "Inner restored")
        + b"Q\n"
        + _text(72, 500, "After")
    )
    doc = _read(_pdf(content))
    assert [p.text for p in doc.paragraphs()] == ["Shown Inner restored", "After"]


def test_frame_column_without_cells_is_part_of_the_table():
    # a column ruled only down its sides (its merged cell crosses the page
    # break, so no rule closes a cell in it) belongs to the table beside it
    content = _grid(72, 700, [80, 80], [20, 20]) + b"0.8 w 40 700 m 40 660 l S\n"
    for x, y, t in ((80, 685, "A1"), (160, 685, "A2"), (80, 665, "A3"), (160, 665, "A4"), (45, 680, "L")):
        content += _text(x, y, t, size=8)
    doc = _read(_pdf(content))
    (table,) = doc.tables()
    assert table.rows == [["L", "A1", "A2"], ["", "A3", "A4"]]
    assert table.spans == {(0, 0): (2, 1)}
    assert list(doc.paragraphs()) == []


def test_tables_side_by_side_stay_apart():
    content = _grid(72, 700, [80, 80], [20, 20]) + _grid(300, 700, [80, 80], [20, 20])
    for x0, name in ((72, "A"), (300, "B")):
        for k, (dx, y) in enumerate(((8, 685), (88, 685), (8, 665), (88, 665)), start=1):
            content += _text(x0 + dx, y, f"{name}{k}")
    tables = list(_read(_pdf(content)).tables())
    assert [t.rows for t in tables] == [[["A1", "A2"], ["A3", "A4"]], [["B1", "B2"], ["B3", "B4"]]]


# ------------------------------------------------------------------ errors


def _small_pdf() -> bytes:
    return (FIXTURES / "beidaihe-2021-targets.pdf").read_bytes()


def test_password_protected_pdf():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_small_pdf())))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(EncryptedFileError) as info:
        _read(out.getvalue(), "locked.pdf")
    assert info.value.file == "locked.pdf"
    assert info.value.__cause__ is not None


def test_owner_password_only_still_reads():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_small_pdf())))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    doc = _read(out.getvalue())
    assert doc.source.pages == 11 and len(list(doc.tables())) == 11


@pytest.mark.parametrize("data", [_small_pdf()[: len(_small_pdf()) // 2], b"%PDF-1.7\n" + b"\x00junk" * 50])
def test_truncated_or_garbage_pdf_is_corrupt(data):
    with pytest.raises(CorruptFileError) as info:
        _read(data)
    assert info.value.__cause__ is not None


def test_no_text_layer_anywhere_is_read_by_ocr():
    reader = PdfReader(str(REAL / "xian-medical-security-2022-budget.pdf"))
    writer = PdfWriter()
    writer.add_page(reader.pages[15])  # the image page
    out = io.BytesIO()
    writer.write(out)
    doc = _read(out.getvalue())
    assert doc.source.ocr_pages == [1]
    assert "人员构成" in doc.text()


def test_a_blank_scan_is_refused():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (1240, 1754), 250).save(buf, "PDF", resolution=150)
    with pytest.raises(ScannedFileError) as info:
        _read(buf.getvalue(), "blank.pdf")
    assert "没有可识别的文字" in info.value.message()


def test_too_many_pages_is_refused_before_parsing(monkeypatch):
    monkeypatch.setenv("BUDGETLENS_MAX_PAGES", "10")
    parsed = []
    monkeypatch.setattr(pdf_reader, "_read_page", lambda page: parsed.append(page))
    with pytest.raises(TooManyPagesError):
        _read(_small_pdf())
    assert parsed == []


def test_pdfminer_warnings_are_silenced():
    assert logging.getLogger("pdfminer").getEffectiveLevel() >= logging.ERROR
