"""The store's revision: a counter that every write moves on by one.

Pages cache query results keyed on it (``components/cached.py``): a result
computed at revision 41 is good until something is stored, replaced or
deleted.  The counter lives in the ``meta`` table (key ``revision``) and is
bumped inside the writing transaction, so a reader sees the new revision
together with the new rows, never before them.

Every function in store/ that writes documents or what hangs off them calls
:func:`bump_revision` once per transaction (``store/ingest.py``,
``store/bulk.py``).  A fresh store has no row: revision 0.  The first bump
starts the counter at a random number, so a store deleted and made again at
the same address never repeats the revisions of the one before it (a cache
keyed on address and revision would otherwise serve the old store's rows).
"""
from __future__ import annotations

import secrets

from sqlalchemy import Connection, Integer, String, cast, select, update
from sqlalchemy.orm import Session

from store.models import Meta

REVISION_KEY = "revision"


def _connection(target: Connection | Session) -> Connection:
    return target.connection() if isinstance(target, Session) else target


def bump_revision(target: Connection | Session) -> None:
    """Move the revision on by one, in the caller's transaction (a Session or a
    Connection).  One atomic upsert (INSERT … ON CONFLICT DO UPDATE), so that
    writers that start the counter at the same moment neither fail nor leave
    their transaction aborted (PostgreSQL)."""
    conn = _connection(target)
    table = Meta.__table__
    start = str(secrets.randbelow(10**9) + 1)
    dialect = conn.dialect.name
    if dialect in ("postgresql", "sqlite"):
        from sqlalchemy.dialects.postgresql import insert as pg_insert
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        stmt = insert(table).values(key=REVISION_KEY, value=start)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.key], set_={"value": cast(cast(table.c.value, Integer) + 1, String)}
        )
        conn.execute(stmt)
        return
    bump = update(Meta).where(Meta.key == REVISION_KEY).values(value=cast(cast(Meta.value, Integer) + 1, String))
    if not conn.execute(bump).rowcount:
        conn.execute(table.insert().values(key=REVISION_KEY, value=start))


def read_revision(conn: Connection) -> int:
    """The revision (0 for a store never written to)."""
    value = conn.scalar(select(Meta.value).where(Meta.key == REVISION_KEY))
    try:
        return int(value) if value is not None else 0
    except ValueError:
        return 0


__all__ = ["REVISION_KEY", "bump_revision", "read_revision"]
