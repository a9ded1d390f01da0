"""The table shapes the migrations repeat, written once.

Frozen with the revisions that call it: a revision must create the same schema
for as long as it exists, so nothing here may import the models (or anything
else of the app's) or change what a call creates — a new shape is a new
function.  It sits beside env.py, not in versions/, because Alembic loads every
``*.py`` in versions/ as a revision.  Names are the ones autogenerate wrote
(``op.f``: final, not run through the naming convention env.py hands
Alembic), and constraints are made in the order the revisions made them
before, since SQLite keeps a table's CREATE statement as written.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def _cascade_from_documents(table: str) -> sa.ForeignKeyConstraint:
    """``table.document_id`` → ``documents.id``: the table's rows go with their document."""
    return sa.ForeignKeyConstraint(
        ["document_id"], ["documents.id"], name=op.f(f"fk_{table}_document_id_documents"), ondelete="CASCADE"
    )


def create_indexes(table: str, *columns: str) -> None:
    """One index per column, named ``ix_<table>_<column>`` (in a batch, as autogenerate writes them)."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def create_id_table(table: str, *columns_and_constraints: sa.SchemaItem, **kw) -> None:
    """``op.create_table`` with the integer key ``id`` as the first column, its primary key ``pk_<table>``."""
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        *columns_and_constraints,
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        **kw,
    )


def create_document_table(
    table: str,
    *columns: sa.Column,
    references: dict[str, tuple[str, str]] | None = None,
    unique: tuple[str, ...] = (),
    indexed: tuple[str, ...] = ("document_id",),
) -> None:
    """A table of a document's many rows: ``id``, ``document_id`` (deleted with the document), ``columns``.

    ``references`` maps a further column to the table whose ``id`` it refers to
    and its ON DELETE; ``unique`` names the columns of the one unique
    constraint (``uq_<table>_<columns>``); ``indexed`` the columns indexed one
    by one.  They are made here rather than passed in because SQLAlchemy writes
    a table's constraints in the order they were made, and SQLite keeps that
    CREATE statement: the document's foreign key first, then these, as
    autogenerate wrote them.
    """
    parts: list[sa.SchemaItem] = [sa.Column("document_id", sa.Integer(), nullable=False), *columns,
                                  _cascade_from_documents(table)]
    parts += [
        sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete)
        for column, (target, ondelete) in (references or {}).items()
    ]
    if unique:
        parts.append(sa.UniqueConstraint(*unique, name=f"uq_{table}_{'_'.join(unique)}"))
    create_id_table(table, *parts)
    if indexed:
        create_indexes(table, *indexed)


def create_document_row_table(table: str, *columns: sa.Column) -> None:
    """A table of at most one row per document, keyed by ``document_id`` and deleted with the document."""
    op.create_table(
        table,
        sa.Column("document_id", sa.Integer(), nullable=False),
        *columns,
        _cascade_from_documents(table),
        sa.PrimaryKeyConstraint("document_id", name=op.f(f"pk_{table}")),
    )
