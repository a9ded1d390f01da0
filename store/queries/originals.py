"""The uploaded original files of a document (one, or several for a report read from several files)."""
from __future__ import annotations

from sqlalchemy import Engine, func, select

from store.models import Document, DocumentFile, DocumentPart
from store.queries.base import engine_for, fetch_dicts


def get_original(document_id: int, *, engine: Engine | None = None, url: str | None = None) -> tuple[str, bytes] | None:
    """``(file_name, bytes)`` of the uploaded original, or None."""
    stmt = (
        select(Document.file_name, DocumentFile.data)
        .join(DocumentFile, DocumentFile.document_id == Document.id)
        .where(Document.id == document_id)
    )
    with engine_for(engine, url).connect() as conn:
        row = conn.execute(stmt).first()
    return (row.file_name, bytes(row.data)) if row else None


def document_originals(document_id: int, *, engine: Engine | None = None, url: str | None = None) -> list[dict]:
    """The original files of a document in document order (one for a report read
    from one file): dicts with seq, file_name, sha256, format, pages, size (bytes).
    Never loads the bytes; empty when there is no such document."""
    eng = engine_for(engine, url)
    size = func.length(DocumentFile.data)
    parts = fetch_dicts(
        eng,
        select(
            DocumentPart.seq, DocumentPart.file_name, DocumentPart.sha256, DocumentPart.format, DocumentPart.pages,
            DocumentPart.size,
        )
        .where(DocumentPart.document_id == document_id)
        .order_by(DocumentPart.seq),
    )
    if parts:
        return parts
    rows = fetch_dicts(
        eng,
        select(Document.file_name, Document.sha256, Document.format, Document.pages, size.label("size"))
        .outerjoin(DocumentFile, DocumentFile.document_id == Document.id)
        .where(Document.id == document_id),
    )
    return [{"seq": 0, **rows[0]}] if rows else []


def get_original_file(
    document_id: int, seq: int = 0, *, engine: Engine | None = None, url: str | None = None
) -> tuple[str, bytes] | None:
    """``(file_name, bytes)`` of one original of a document (``seq`` as in
    :func:`document_originals`; 0 is the first, and the only one of a report
    read from one file), or None."""
    eng = engine_for(engine, url)
    stmt = select(DocumentPart.file_name, DocumentPart.data).where(
        DocumentPart.document_id == document_id, DocumentPart.seq == seq
    )
    with eng.connect() as conn:
        row = conn.execute(stmt).first()
    if row is not None and row.data is not None:
        return row.file_name, bytes(row.data)
    if seq != 0:
        return None
    first = get_original(document_id, engine=eng)
    if first is None:
        return None
    return (row.file_name if row is not None else first[0]), first[1]


def get_originals(document_id: int, *, engine: Engine | None = None, url: str | None = None) -> list[tuple[str, bytes]]:
    """``[(file_name, bytes), …]`` of every original of a document, in document order."""
    eng = engine_for(engine, url)
    out = []
    for part in document_originals(document_id, engine=eng):
        got = get_original_file(document_id, part["seq"], engine=eng)
        if got is not None:
            out.append(got)
    return out
