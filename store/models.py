"""SQLAlchemy models of the store.

One row in ``documents`` per ingested report (one file, or several files read
as one document: ``document_parts``); everything parsed from it hangs off
that row and is deleted with it (``ON DELETE CASCADE`` in the database and
``passive_deletes`` in the ORM).  Only portable types are used so the same
models run on SQLite (default) and PostgreSQL:

* amounts are :class:`Amount` (``NUMERIC(20, 6)``): 万元 with up to 6 decimals
  (元 ÷ 10000 is exact at 6 places).  Values come back as ``Decimal`` with at least
  two decimals and no other trailing zeros (``17334.30``, ``2569.81145``), so the
  printed figure round-trips.  On SQLite NUMERIC is stored as an IEEE double,
  which is exact up to 15 significant digits (up to 999 999 999.999999 万元);
  :class:`Amount` refuses anything longer there instead of rounding silently.
* structured blobs (the parsed document, table grids, performance items) are
  ``JSON`` with ``Decimal`` written as strings;
* the original file is ``LargeBinary`` in its own table, so listing documents
  never loads it.
"""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Index,
    MetaData,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, deferred, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Section names of line items (``line_items.section``).
SECTIONS = ("totals", "three_public", "three_public_budget", "function", "economic")
KINDS = ("budget", "final_accounts", "performance_targets")
SCOPES = ("department", "unit")
SEVERITIES = ("error", "warning", "info")

FUNCTION_MEASURES = ("total", "basic", "project")
ECONOMIC_MEASURES = ("total", "personnel", "public")
# the Chinese names of the measures, kinds and scopes live in the glossary (one place)
from glossary import KIND_LABELS, SCOPE_LABELS, THREE_PUBLIC_LABELS, TOTALS_LABELS  # noqa: E402,F401

AMOUNT_PRECISION = 20
AMOUNT_SCALE = 6
SQLITE_EXACT_DIGITS = 15  # an IEEE double keeps 15 significant decimal digits


def tidy_amount(value: Decimal | None) -> Decimal | None:
    """``Decimal('17334.300000')`` -> ``Decimal('17334.30')``; keep >= 2 decimals."""
    if value is None:
        return None
    value = Decimal(value)
    normal = value.normalize()
    if normal.as_tuple().exponent > -2:  # fewer than two decimals (or exponent form)
        return value.quantize(Decimal("0.01"))
    return normal


def amount_problem(value: Decimal, dialect_name: str | None = None) -> str | None:
    """Why ``value`` cannot be stored exactly in an amount column, or None."""
    if not value.is_finite():
        return f"金额不是有限数：{value}"
    _sign, digits, exponent = value.normalize().as_tuple()
    decimals = max(0, -exponent)
    integer_digits = max(0, len(digits) + exponent)
    if decimals > AMOUNT_SCALE:
        return f"金额超过 {AMOUNT_SCALE} 位小数，保存会被舍入：{value}"
    if integer_digits > AMOUNT_PRECISION - AMOUNT_SCALE:
        return f"金额超出存储范围：{value}"
    if dialect_name == "sqlite" and integer_digits + decimals > SQLITE_EXACT_DIGITS:
        return f"金额有效数字超过 {SQLITE_EXACT_DIGITS} 位，SQLite 无法精确保存：{value}"
    return None


class Amount(TypeDecorator):
    """``NUMERIC(20, 6)`` holding 万元 as exact ``Decimal``.

    Binding refuses values that the column cannot hold exactly (more than 6
    decimals, more than 14 integer digits, or more than 15 significant digits on
    SQLite) rather than rounding them.
    """

    impl = Numeric(AMOUNT_PRECISION, AMOUNT_SCALE, asdecimal=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, float):
            value = Decimal(repr(value))
        value = Decimal(value)
        problem = amount_problem(value, dialect.name)
        if problem:
            raise ValueError(problem)
        return value

    def process_result_value(self, value: Any, dialect) -> Decimal | None:
        return tidy_amount(value)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use an aware UTC datetime")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


def _document_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)


class Agency(Base):
    """A reporting agency (部门/单位), identified by its printed name."""

    __tablename__ = "agencies"
    __table_args__ = (UniqueConstraint("name", name="uq_agencies_name"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str | None] = mapped_column(String(64))
    # the region its name gives at each level (analysis.regions.region_of; store/derived.py):
    # 地区对比 counts and picks a province's agencies by region in SQL
    region_county: Mapped[str | None] = mapped_column(String(200))
    region_city: Mapped[str | None] = mapped_column(String(200))
    region_province: Mapped[str | None] = mapped_column(String(200))

    documents: Mapped[list[Document]] = relationship(back_populates="agency", passive_deletes=True)


class Document(Base):
    """One ingested file: one agency, year, kind and scope."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("sha256", name="uq_documents_sha256"),
        UniqueConstraint("agency_id", "year", "kind", "scope", name="uq_documents_agency_year_kind_scope"),
        # never reuse a deleted document's id (SQLite would): caches and links key on it
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="RESTRICT"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(500))
    format: Mapped[str] = mapped_column(String(16))
    pages: Mapped[int | None] = mapped_column(Integer)
    parser_version: Mapped[str | None] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    year: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    scope: Mapped[str] = mapped_column(String(32))
    unit_scale: Mapped[str | None] = mapped_column(String(16))
    # How many findings of each severity the document has (findings.severity):
    # kept with every write of its findings, so that lists and totals never count them.
    errors: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    warnings: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    infos: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Its headline values, as its line items hold them (store/derived.py): 概览 lists
    # each agency's latest document with them without a search per value.
    expenditure_total: Mapped[Decimal | None] = mapped_column(Amount())
    basic_total: Mapped[Decimal | None] = mapped_column(Amount())
    project_total: Mapped[Decimal | None] = mapped_column(Amount())
    three_public_total: Mapped[Decimal | None] = mapped_column(Amount())
    expenditure_page: Mapped[int | None] = mapped_column(Integer)

    agency: Mapped[Agency] = relationship(back_populates="documents")
    file: Mapped[DocumentFile | None] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True, lazy="raise"
    )
    # The whole parsed document (Decimals as strings), in a table of its own:
    # only get_document reads it, and a list of documents never passes over it.
    parsed_row: Mapped[DocumentParsed | None] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True, lazy="raise"
    )
    parts: Mapped[list[DocumentPart]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True, order_by="DocumentPart.seq"
    )
    tables: Mapped[list[ParsedTable]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True, order_by="ParsedTable.seq"
    )
    line_items: Mapped[list[LineItem]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )
    findings: Mapped[list[Finding]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )
    projects: Mapped[list[Project]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True, order_by="Project.seq"
    )
    self_evaluations: Mapped[list[SelfEvaluation]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True, order_by="SelfEvaluation.seq"
    )


class DocumentFile(Base):
    """The original bytes of a document, kept apart from ``documents``."""

    __tablename__ = "document_files"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)

    document: Mapped[Document] = relationship(back_populates="file")


class DocumentParsed(Base):
    """The parsed dict of a document, kept apart from ``documents`` (SQLite
    stores a row's columns together: a parse of 100–400 KB inside every
    documents row made each scan of the documents read all of them)."""

    __tablename__ = "document_parsed"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    parsed: Mapped[dict] = mapped_column(JSON)

    document: Mapped[Document] = relationship(back_populates="parsed_row")


class DocumentPart(Base):
    """One original file of a document read from several files (a report
    published as a narrative PDF plus table files, say).

    Every file of such a document has a row, ``seq`` in document order
    (``parsed.source.files``).  The first file's bytes stay in
    ``document_files`` like any document's original (``data`` is NULL at seq
    0); the others carry theirs here.  A document read from one file has no
    rows.
    """

    __tablename__ = "document_parts"
    __table_args__ = (UniqueConstraint("document_id", "seq", name="uq_document_parts_document_id_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = _document_fk()
    seq: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    format: Mapped[str] = mapped_column(String(16))
    pages: Mapped[int | None] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, nullable=True))

    document: Mapped[Document] = relationship(back_populates="parts")


class Meta(Base):
    """Small facts about the store itself (e.g. which sample set was loaded)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


ROLES = ("viewer", "editor", "admin")
ROLE_LABELS = {"viewer": "查看", "editor": "编辑", "admin": "管理员"}


class User(Base):
    """A person who may sign in: viewer (browse), editor (upload, replace,
    re-parse), admin (also delete).  Only an argon2 hash of the password is kept."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("name", name="uq_users_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))  # None: signs in through the identity provider
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditEvent(Base):
    """Who stored, replaced, re-parsed or deleted which document, and when.
    Kept when the document goes (no foreign key)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    user: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(32))
    document_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(Text)


class ParsedTable(Base):
    """A table recognised in a document: title as printed, pages, cell texts."""

    __tablename__ = "tables"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = _document_fk()
    seq: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(64))
    pages: Mapped[list | None] = mapped_column(JSON)
    rows: Mapped[list | None] = mapped_column(JSON)
    extra: Mapped[dict | None] = mapped_column(JSON)  # the table dict's other keys (row_pages, spans …)

    document: Mapped[Document] = relationship(back_populates="tables")


class LineItem(Base):
    """One amount in long format, with its provenance.

    ``section`` is one of :data:`SECTIONS`; ``measure`` is the totals / three_public
    key (``revenue_total``, ``vehicle_operation`` …) or the column of a function /
    economic line (``total``, ``basic``, ``project``, ``personnel``, ``public``).
    ``seq`` is the position of the line within its section (lines of one function
    or economic row share it).  A blank cell is a row with ``amount`` NULL.
    """

    __tablename__ = "line_items"
    # (document_id, section) leads, for a document's lines of a section; measure,
    # amount and page follow so that headline values (latest_documents,
    # totals_wide) are read from the index alone
    __table_args__ = (Index("ix_line_items_values", "document_id", "section", "measure", "amount", "page"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    table_id: Mapped[int | None] = mapped_column(ForeignKey("tables.id", ondelete="SET NULL"), index=True)
    section: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int] = mapped_column(Integer)
    code: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(Text)
    measure: Mapped[str] = mapped_column(String(64))
    amount: Mapped[Decimal | None] = mapped_column(Amount())
    page: Mapped[int | None] = mapped_column(Integer)
    table_title: Mapped[str | None] = mapped_column(Text)
    row: Mapped[int | None] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(String(16), default="table")

    document: Mapped[Document] = relationship(back_populates="line_items")
    table: Mapped[ParsedTable | None] = relationship()
    source_file: Mapped[LineItemFile | None] = relationship(
        back_populates="line_item", cascade="all, delete-orphan", passive_deletes=True
    )


class LineItemFile(Base):
    """The file a line item was read from, for a document read from several
    files (``document_parts``); a document read from one file has no rows."""

    __tablename__ = "line_item_files"

    line_item_id: Mapped[int] = mapped_column(ForeignKey("line_items.id", ondelete="CASCADE"), primary_key=True)
    file_name: Mapped[str] = mapped_column(String(500))

    line_item: Mapped[LineItem] = relationship(back_populates="source_file")


class Finding(Base):
    """A check result (parser or checks engine) with where it was found."""

    __tablename__ = "findings"
    # counts per document and severity, per rule, and a document's findings by
    # severity, all from an index alone
    __table_args__ = (
        Index("ix_findings_document_severity_rule", "document_id", "severity", "rule"),
        Index("ix_findings_rule_severity_document", "rule", "severity", "document_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    page: Mapped[int | None] = mapped_column(Integer)
    table_title: Mapped[str | None] = mapped_column(Text)
    row: Mapped[int | None] = mapped_column(Integer)
    expected: Mapped[str | None] = mapped_column(Text)
    found: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict | None] = mapped_column(JSON)  # the whole finding dict

    document: Mapped[Document] = relationship(back_populates="findings")


class Project(Base):
    """A project (项目) of a performance target table; ``data`` is the whole item."""

    __tablename__ = "projects"
    # the store's target-quality totals from an index alone
    __table_args__ = (Index("ix_projects_quality", "quality_score", "quality_issues"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = _document_fk()
    seq: Mapped[int] = mapped_column(Integer)
    code: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[Decimal | None] = mapped_column(Amount())
    # from data["quality"] (analysis/target_quality.py): the target-quality score
    # and what cost it points (analysis.frames.QUALITY_ISSUES keys, ",a,b,"), so
    # that a province's totals are summed in SQL instead of read from every item
    quality_score: Mapped[Decimal | None] = mapped_column(Amount())
    quality_issues: Mapped[str | None] = mapped_column(String(128))
    data: Mapped[dict | None] = mapped_column(JSON)

    document: Mapped[Document] = relationship(back_populates="projects")


class SelfEvaluation(Base):
    """A project self-evaluation (项目支出绩效自评); ``data`` is the whole item."""

    __tablename__ = "self_evaluations"
    # the store's score totals (means, grades, bins) from an index alone
    __table_args__ = (
        Index("ix_self_evaluations_scores", "grade", "reported_score", "computed_score", "finding_count"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = _document_fk()
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(Text)
    budget: Mapped[Decimal | None] = mapped_column(Amount())
    executed: Mapped[Decimal | None] = mapped_column(Amount())
    reported_score: Mapped[Decimal | None] = mapped_column(Amount())
    computed_score: Mapped[Decimal | None] = mapped_column(Amount())
    grade: Mapped[str | None] = mapped_column(String(16))
    # len(data["findings"]): the review's findings about this item
    finding_count: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict | None] = mapped_column(JSON)

    document: Mapped[Document] = relationship(back_populates="self_evaluations")


__all__ = [
    "Base", "Agency", "Document", "DocumentFile", "DocumentParsed", "DocumentPart", "ParsedTable", "LineItem", "LineItemFile", "Finding",
    "Project", "SelfEvaluation", "User", "AuditEvent", "ROLES", "ROLE_LABELS", "Amount", "amount_problem", "UTCDateTime", "tidy_amount", "utcnow",
    "SECTIONS", "KINDS", "SCOPES", "SEVERITIES", "TOTALS_LABELS", "THREE_PUBLIC_LABELS",
    "FUNCTION_MEASURES", "ECONOMIC_MEASURES", "KIND_LABELS", "SCOPE_LABELS",
]
