"""A province's store: indexes and summary columns so that no page reads every row.

* the parsed dict moves from ``documents.parsed`` to a table of its own,
  ``document_parsed`` (SQLite keeps a row's columns together: with 100–400 KB
  of parse in every documents row, each scan of the documents read them all);
* ``documents.errors`` / ``warnings`` / ``infos``: the document's finding
  counts by severity, so that totals and lists never count findings;
* ``line_items``: (document_id, section, measure, amount, page) replaces
  (document_id, section), so that a document's headline values come from the
  index alone;
* ``findings``: (document_id, severity, rule) — replacing the index on
  document_id alone — and (rule, severity, document_id), so that counts per
  document, severity and rule come from an index;
* ``projects.quality_score`` / ``quality_issues`` and
  ``self_evaluations.finding_count``, taken from each item's data
  (store/derived.py), with indexes over them, so that a province's
  performance totals are sums over an index.

Existing rows are filled in.

Revision ID: 0004
Revises: 0003 (user accounts and the audit trail)
"""
from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from store.migrations.schema_parts import create_document_row_table

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_BATCH = 2000


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _loads(value):
    if value is None or isinstance(value, (dict, list)):
        return value
    return json.loads(value)


def upgrade() -> None:
    bind = op.get_bind()

    # -- the parsed dict in a table of its own
    create_document_row_table("document_parsed", sa.Column("parsed", sa.JSON(), nullable=False))
    op.execute("INSERT INTO document_parsed (document_id, parsed) SELECT id, parsed FROM documents WHERE parsed IS NOT NULL")
    if _sqlite():
        # SQLite drops a column in place (3.35+); a batch rebuild of documents
        # would DROP the table, and with foreign keys on that deletes every child row
        op.execute("ALTER TABLE documents DROP COLUMN parsed")
    else:
        op.drop_column("documents", "parsed")

    # -- line items: a document's values of a section from the index alone
    op.drop_index("ix_line_items_document_section", table_name="line_items")
    op.create_index("ix_line_items_values", "line_items", ["document_id", "section", "measure", "amount", "page"])

    # -- findings: indexes for counts by document, severity and rule
    op.drop_index("ix_findings_document_id", table_name="findings")
    op.create_index("ix_findings_document_severity_rule", "findings", ["document_id", "severity", "rule"])
    op.create_index("ix_findings_rule_severity_document", "findings", ["rule", "severity", "document_id"])

    # -- documents: finding counts by severity
    for column, severity in (("errors", "error"), ("warnings", "warning"), ("infos", "info")):
        op.add_column("documents", sa.Column(column, sa.Integer(), server_default="0", nullable=False))
        op.execute(
            sa.text(
                f"UPDATE documents SET {column} = (SELECT COUNT(*) FROM findings "
                f"WHERE findings.document_id = documents.id AND findings.severity = :severity)"
            ).bindparams(severity=severity)
        )

    # -- projects and self-evaluations: values taken from their data
    op.add_column("projects", sa.Column("quality_score", sa.Numeric(precision=20, scale=6), nullable=True))
    op.add_column("projects", sa.Column("quality_issues", sa.String(length=128), nullable=True))
    op.add_column("self_evaluations", sa.Column("finding_count", sa.Integer(), nullable=True))

    from store.derived import project_columns, self_evaluation_columns

    projects = sa.table("projects", sa.column("id", sa.Integer), sa.column("data", sa.Text),
                        sa.column("quality_score", sa.Numeric(20, 6)), sa.column("quality_issues", sa.String))
    evaluations = sa.table("self_evaluations", sa.column("id", sa.Integer), sa.column("data", sa.Text),
                           sa.column("finding_count", sa.Integer))
    for table, derive in ((projects, project_columns), (evaluations, self_evaluation_columns)):
        last = 0
        while True:
            rows = bind.execute(
                sa.select(table.c.id, sa.cast(table.c.data, sa.Text)).where(table.c.id > last)
                .order_by(table.c.id).limit(_BATCH)
            ).all()
            if not rows:
                break
            last = rows[-1][0]
            values = [{"row_id": row_id, **derive(_loads(data) or {})} for row_id, data in rows]
            columns = [c for c in values[0] if c != "row_id"]
            bind.execute(
                table.update().where(table.c.id == sa.bindparam("row_id"))
                .values({c: sa.bindparam(c) for c in columns}),
                values,
            )
    op.create_index("ix_projects_quality", "projects", ["quality_score", "quality_issues"])
    op.create_index("ix_self_evaluations_scores", "self_evaluations",
                    ["grade", "reported_score", "computed_score", "finding_count"])


def _drop_column(table: str, column: str) -> None:
    if _sqlite():  # in place, as in upgrade()
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)


def downgrade() -> None:
    op.drop_index("ix_self_evaluations_scores", table_name="self_evaluations")
    op.drop_index("ix_projects_quality", table_name="projects")
    _drop_column("self_evaluations", "finding_count")
    _drop_column("projects", "quality_issues")
    _drop_column("projects", "quality_score")
    for column in ("infos", "warnings", "errors"):
        _drop_column("documents", column)
    op.drop_index("ix_line_items_values", table_name="line_items")
    op.create_index("ix_line_items_document_section", "line_items", ["document_id", "section"])
    op.drop_index("ix_findings_rule_severity_document", table_name="findings")
    op.drop_index("ix_findings_document_severity_rule", table_name="findings")
    op.create_index("ix_findings_document_id", "findings", ["document_id"])
    op.add_column("documents", sa.Column("parsed", sa.JSON(), nullable=True))
    op.execute("UPDATE documents SET parsed = (SELECT parsed FROM document_parsed "
               "WHERE document_parsed.document_id = documents.id)")
    op.drop_table("document_parsed")
