"""The store as a whole: its counts, revision, meta values and stored originals' hashes."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from store.revision import read_revision
from store.models import Agency, Document, DocumentPart, Meta
from store.queries.base import engine_for


def counts_overview(*, engine: Engine | None = None, url: str | None = None) -> dict[str, Any]:
    """``{"agencies": n, "documents": n, "by_kind": {kind: n}, "by_format": {fmt: n},
    "years": [ascending], "findings": {severity: n}}``"""
    eng = engine_for(engine, url)
    with eng.connect() as conn:
        agencies = conn.scalar(select(func.count()).select_from(Agency)) or 0
        documents = conn.scalar(select(func.count()).select_from(Document)) or 0
        by_kind = dict(conn.execute(select(Document.kind, func.count()).group_by(Document.kind).order_by(Document.kind)).all())
        by_format = dict(
            conn.execute(select(Document.format, func.count()).group_by(Document.format).order_by(Document.format)).all()
        )
        years = [int(y) for y in conn.scalars(select(Document.year).distinct().order_by(Document.year))]
        # the documents' stored counts (store/derived.py), not a count of every finding
        sums = conn.execute(select(func.sum(Document.errors), func.sum(Document.warnings), func.sum(Document.infos))).one()
        by_severity = {s: int(n) for s, n in zip(("error", "info", "warning"), (sums[0], sums[2], sums[1])) if n}
    return {
        "agencies": int(agencies),
        "documents": int(documents),
        "by_kind": {k: int(n) for k, n in by_kind.items()},
        "by_format": {k: int(n) for k, n in by_format.items()},
        "years": years,
        "findings": {k: int(n) for k, n in by_severity.items()},
    }


def revision(*, engine: Engine | None = None, url: str | None = None) -> int:
    """The store's revision: moves on with every write (store/revision.py), so a
    result cached at one revision is good until it changes."""
    with engine_for(engine, url).connect() as conn:
        return read_revision(conn)


def get_meta(key: str, *, engine: Engine | None = None, url: str | None = None) -> str | None:
    """A value of the store's own ``meta`` table, or None."""
    eng = engine_for(engine, url)
    with eng.connect() as conn:
        return conn.scalar(select(Meta.value).where(Meta.key == key))


def stored_sha256s(*, engine: Engine | None = None, url: str | None = None) -> set[str]:
    """The sha256 of every stored original (and of every set of files a
    report was read from)."""
    eng = engine_for(engine, url)
    with eng.connect() as conn:
        return set(conn.scalars(select(Document.sha256))) | set(conn.scalars(select(DocumentPart.sha256)))
