"""The schema as it stood when migrations began (agencies, documents and their
originals, parsed tables, line items, findings, projects, self-evaluations, meta).

A store made before then by ``create_all`` is stamped at this revision and
upgraded from here.

Revision ID: 0001
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from store.migrations.schema_parts import (
    create_document_row_table,
    create_document_table,
    create_id_table,
    create_indexes,
)

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_id_table(
        "agencies",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=True),
        sa.UniqueConstraint("name", name="uq_agencies_name"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_meta")),
    )
    create_id_table(
        "documents",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("parser_version", sa.String(length=64), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("unit_scale", sa.String(length=16), nullable=True),
        sa.Column("parsed", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_documents_agency_id_agencies"), ondelete="RESTRICT"
        ),
        sa.UniqueConstraint("agency_id", "year", "kind", "scope", name="uq_documents_agency_year_kind_scope"),
        sa.UniqueConstraint("sha256", name="uq_documents_sha256"),
        sqlite_autoincrement=True,
    )
    create_indexes("documents", "agency_id", "kind", "year")

    create_document_row_table(
        "document_files",
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )
    create_document_table(
        "findings",
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("table_title", sa.Text(), nullable=True),
        sa.Column("row", sa.Integer(), nullable=True),
        sa.Column("expected", sa.Text(), nullable=True),
        sa.Column("found", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
    )
    create_document_table(
        "projects",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
    )
    create_document_table(
        "self_evaluations",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("budget", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("executed", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("reported_score", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("computed_score", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("grade", sa.String(length=16), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
    )
    create_document_table(
        "tables",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(length=64), nullable=True),
        sa.Column("pages", sa.JSON(), nullable=True),
        sa.Column("rows", sa.JSON(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
    )
    create_document_table(
        "line_items",
        sa.Column("table_id", sa.Integer(), nullable=True),
        sa.Column("section", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("measure", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("table_title", sa.Text(), nullable=True),
        sa.Column("row", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        references={"table_id": ("tables", "SET NULL")},
        indexed=(),  # indexed below: (document_id, section), then table_id
    )
    with op.batch_alter_table("line_items", schema=None) as batch_op:
        batch_op.create_index("ix_line_items_document_section", ["document_id", "section"], unique=False)
        batch_op.create_index(batch_op.f("ix_line_items_table_id"), ["table_id"], unique=False)


def downgrade() -> None:
    op.drop_table("self_evaluations")
    op.drop_table("projects")
    op.drop_table("findings")
    op.drop_table("line_items")
    op.drop_table("tables")
    op.drop_table("document_files")
    op.drop_table("documents")
    op.drop_table("meta")
    op.drop_table("agencies")
