"""Each agency's region at every level (county, city, province) in columns.

地区对比 counts a province's agencies by region and picks a region's documents
in SQL instead of reading every document and every agency's name on each page
run.  The regions are what the agency's name gives (analysis.peers /
analysis.regions, through store.derived.agency_regions); existing agencies are
filled in.

Revision ID: 0005
Revises: 0004 (indexes and summary columns for a province's store)
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = ("region_county", "region_city", "region_province")


def upgrade() -> None:
    from store.derived import agency_regions

    with op.batch_alter_table("agencies") as batch:
        for column in COLUMNS:
            batch.add_column(sa.Column(column, sa.String(length=200), nullable=True))
    bind = op.get_bind()
    agencies = sa.table("agencies", sa.column("id", sa.Integer), sa.column("name", sa.String),
                        *(sa.column(c, sa.String) for c in COLUMNS))
    rows = bind.execute(sa.select(agencies.c.id, agencies.c.name)).all()
    for agency_id, name in rows:
        bind.execute(agencies.update().where(agencies.c.id == agency_id).values(**agency_regions(name)))


def downgrade() -> None:
    with op.batch_alter_table("agencies") as batch:
        for column in COLUMNS:
            batch.drop_column(column)
