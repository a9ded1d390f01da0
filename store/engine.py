"""Engine and session handling.

``get_engine()`` returns one cached engine per database URL (default: the
``DATABASE_URL`` setting, a SQLite file under data/).  For SQLite it creates the
parent directory, turns on foreign keys (needed for ``ON DELETE CASCADE``), uses
WAL journaling for file databases, and lets SQLAlchemy — not the sqlite3 module —
emit ``BEGIN`` so a transaction really spans everything done in it.  Tables are
created on first use (``init_db``; idempotent).
"""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

import settings
from store.models import Base

if TYPE_CHECKING:
    from alembic.config import Config

_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def _json_serializer(obj) -> str:
    # ensure_ascii=False keeps Chinese readable in the database file;
    # default=str turns any stray Decimal/date into its string form.
    return json.dumps(obj, ensure_ascii=False, default=str)


def _sqlite_database_path(url) -> Path | None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _install_sqlite_hooks(engine: Engine, file_backed: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised via tests
        # Let SQLAlchemy control transactions (the sqlite3 module otherwise
        # starts them lazily and commits on its own around DDL/PRAGMA).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if file_backed:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover - exercised via tests
        # A writing transaction takes the write lock up front: two deferred
        # transactions that both read, then write, deadlock, and SQLite gives
        # one of them "database is locked" without waiting for the other.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "BEGIN")


WRITE_OPTION = "budgetlens_write"


def writer(engine: Engine) -> Engine:
    """``engine`` for a transaction that writes (on SQLite it begins IMMEDIATE)."""
    return engine.execution_options(**{WRITE_OPTION: True})


def get_engine(url: str | None = None) -> Engine:
    """The engine for ``url`` (default ``settings.get("DATABASE_URL")``), cached per URL.

    Tables are created on first use, so a fresh SQLite file is ready at once.
    """
    url = url or settings.get("DATABASE_URL")
    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is not None:
            return engine
        parsed = make_url(url)
        if parsed.drivername in ("postgresql", "postgres"):
            # The installed driver is psycopg 3; a plain postgresql:// URL
            # would make SQLAlchemy look for psycopg2.
            parsed = parsed.set(drivername="postgresql+psycopg")
        kwargs: dict = {"json_serializer": _json_serializer}
        if parsed.get_backend_name() == "sqlite":
            path = _sqlite_database_path(parsed)
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(parsed, **kwargs)
            _install_sqlite_hooks(engine, file_backed=path is not None)
        else:
            engine = create_engine(parsed, pool_pre_ping=True, **kwargs)
        init_db(engine)
        _ENGINES[url] = engine
        return engine


MIGRATIONS = Path(__file__).with_name("migrations")
# The tables each revision leaves: a store made before migrations (by
# create_all) is stamped at the newest revision whose tables it already has,
# then upgraded (0004 changes columns of existing tables, so stamping such a
# store at the head would leave it without them).
_BASELINE = {"agencies", "meta", "documents", "document_files", "tables", "line_items", "findings", "projects",
             "self_evaluations"}
_0002 = _BASELINE | {"document_parts", "line_item_files"}
REVISION_TABLES = {"0001": _BASELINE, "0002": _0002, "0003": _0002 | {"users", "audit_events"}}
# any number, the same in every process: one migrating process at a time on PostgreSQL
_PG_LOCK = 7_210_415


def _alembic(connection) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def init_db(engine: Engine) -> None:
    """Bring the store's schema to the newest migration (safe to call repeatedly).

    A new store gets every table and is stamped at the head, and so does a
    store made before migrations whose tables already have every column of the
    models (it gets the missing tables); any other store made before
    migrations is stamped where its tables say and upgraded; a store
    at an older revision is upgraded.  Schema changes are Alembic revisions
    in store/migrations/versions.
    """
    from alembic import command
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect, text

    with writer(engine).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
        cfg = _alembic(conn)
        head = ScriptDirectory.from_config(cfg).get_current_head()
        current = MigrationContext.configure(conn).get_current_revision()
        if current == head:
            return
        if current is None:
            inspector = inspect(conn)
            tables = set(inspector.get_table_names())
            complete = all(
                {c.name for c in table.columns} <= {c["name"] for c in inspector.get_columns(table.name)}
                for table in Base.metadata.sorted_tables if table.name in tables
            )
            if not tables & _BASELINE or complete:
                # a new store, or one whose tables already have every column of
                # the models: the missing tables are all it lacks
                Base.metadata.create_all(conn)
                command.stamp(cfg, "head")
                return
            known = [rev for rev, needed in REVISION_TABLES.items() if needed <= tables]
            command.stamp(cfg, known[-1] if known else "0001")
        command.upgrade(cfg, "head")


def dispose_engines() -> None:
    """Dispose of and forget every cached engine (tests, or after moving the file)."""
    with _LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on error."""
    session = Session(engine or get_engine(), expire_on_commit=False)
    try:
        with session.begin():
            yield session
    finally:
        session.close()


__all__ = ["get_engine", "init_db", "session_scope", "dispose_engines", "writer"]
