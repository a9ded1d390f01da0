"""Write a small PDF by hand (tests need PDFs with known text and no fonts to embed)."""
from __future__ import annotations


def assemble(objects: list[bytes], header: bytes = b"%PDF-1.4\n") -> bytes:
    """Objects numbered from 1 (object 1 the catalog), an xref table and a trailer."""
    out = bytearray(header)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# ---------------------------------------------------------------- pages with Chinese text

# A CJK font no file has to carry: Adobe's STSong-Light with the UCS-2 CMap,
# which pdfminer maps back to Unicode.  Every glyph is one em wide.
_CJK_FONT = (
    b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H"
    b" /DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
    b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000"
    b" /FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 4 /FontBBox [0 -120 1000 880]"
    b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 80 >> >>] >>"
)


def text_op(x: float, y: float, text: str, size: float = 9) -> bytes:
    """Draw ``text`` with its left end at (x, y) (PDF points, origin bottom left)."""
    return b"BT /F1 %.2f Tf %.2f %.2f Td <%s> Tj ET\n" % (size, x, y, text.encode("utf-16-be").hex().encode())


def right_text_op(x1: float, y: float, text: str, size: float = 9) -> bytes:
    """Draw ``text`` ending at x1 (amounts are right-aligned in their cells)."""
    return text_op(x1 - size * len(text), y, text, size)


def line_op(x0: float, y0: float, x1: float, y1: float) -> bytes:
    return b"%.2f %.2f m %.2f %.2f l S\n" % (x0, y0, x1, y1)


def cjk_pdf(pages: list[bytes], width: float = 842, height: float = 595) -> bytes:
    """A PDF of one page per content stream, with the CJK font as /F1."""
    n = len(pages)
    kids = b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(n))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n), _CJK_FONT]
    for i, content in enumerate(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R >> >>"
            b" /Contents %d 0 R >>" % (width, height, 5 + 2 * i)
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    return assemble(objects)
