"""A document's headline values in columns of ``documents``.

概览 lists each agency's latest budget or final accounts with its expenditure
total, basic and project expenditure, 三公 total and the page of the first;
kept on the document (store.derived.headline_columns at every write) they are
read with the document instead of one index search per value and document.
Existing documents are filled in from their line items, the same values.

Revision ID: 0006
Revises: 0005 (agencies' regions)
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

#: documents column -> (section, measure, line_items column), as store.derived.HEADLINE_COLUMNS
COLUMNS = {
    "expenditure_total": ("totals", "expenditure_total", "amount"),
    "basic_total": ("totals", "basic", "amount"),
    "project_total": ("totals", "project", "amount"),
    "three_public_total": ("three_public", "total", "amount"),
    "expenditure_page": ("totals", "expenditure_total", "page"),
}


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        for column in COLUMNS:
            kind = sa.Integer() if column == "expenditure_page" else sa.Numeric(precision=20, scale=6)
            batch.add_column(sa.Column(column, kind, nullable=True))
    documents = sa.table("documents", sa.column("id", sa.Integer), *(sa.column(c) for c in COLUMNS))
    items = sa.table("line_items", sa.column("document_id", sa.Integer), sa.column("section", sa.String),
                     sa.column("measure", sa.String), sa.column("amount"), sa.column("page", sa.Integer))
    values = {
        column: sa.select(sa.func.max(items.c[field]))
        .where(items.c.document_id == documents.c.id, items.c.section == section, items.c.measure == measure)
        .scalar_subquery()
        for column, (section, measure, field) in COLUMNS.items()
    }
    op.get_bind().execute(documents.update().values(**values))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        for column in COLUMNS:
            batch.drop_column(column)
