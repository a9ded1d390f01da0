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
