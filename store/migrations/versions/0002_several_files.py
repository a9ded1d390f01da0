"""Reports read from several files: every original of a document
(document_parts) and the file each line item came from (line_item_files).

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from store.migrations.schema_parts import create_document_table

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_document_table(
        "document_parts",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        unique=("document_id", "seq"),
        indexed=("document_id", "sha256"),
    )
    op.create_table(
        "line_item_files",
        sa.Column("line_item_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["line_item_id"], ["line_items.id"], name=op.f("fk_line_item_files_line_item_id_line_items"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("line_item_id", name=op.f("pk_line_item_files")),
    )


def downgrade() -> None:
    op.drop_table("line_item_files")
    with op.batch_alter_table("document_parts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_parts_sha256"))
        batch_op.drop_index(batch_op.f("ix_document_parts_document_id"))
    op.drop_table("document_parts")
