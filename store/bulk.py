"""Bulk writes: many parsed documents stored a batch at a time.

:func:`bulk_ingest` writes for every document what
:func:`store.ingest.ingest_document` writes — the document with its parsed
dict, the original bytes, the tables, line items (with their table), findings,
projects and self-evaluations — but hundreds of documents per transaction, each
table's rows in one multi-row INSERT, instead of one ORM transaction per
document.  It is the path for loading a large set of new documents (a
province's archive, bench/scale.py).

* A document whose bytes, or whose agency / year / kind / scope, are already
  stored (or earlier in the same call) is skipped, with the ``duplicate`` /
  ``refused`` result ``ingest_document`` gives without ``replace``; nothing is
  ever replaced here.
* A document that lacks its agency, year, kind or scope is refused as
  ``ingest_document`` refuses it.  A document read from several files is
  handed to ``ingest_document`` (one transaction of its own).
* Each batch is one transaction: an error (a malformed amount) stores nothing
  of that batch and is raised.
* ``findings``: the document's findings as ``analysis.checks.all_findings``
  gives them; computed when not given.

The store's revision moves on once per batch (store/revision.py).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, insert, select, update

from analysis.checks import all_findings
from store.engine import get_engine, writer
from model import ParsedDocument
from store.ingest import (
    DUPLICATE_MESSAGE, DUPLICATE_PART_MESSAGE, IngestResult, _originals, checked_identity, describe,
    ingest_document, read_document,
)
from store.rows import build_line_items, finding_row, present, project_row, self_evaluation_row, table_row
from store.models import (
    Agency, Document, DocumentFile, DocumentParsed, DocumentPart, Finding, LineItem, ParsedTable, Project,
    SelfEvaluation, utcnow,
)
from store.derived import agency_regions, headline_columns, severity_counts
from store.revision import bump_revision

DEFAULT_BATCH = 200


@dataclass
class BulkEntry:
    """One document to store: the parsed document (``model.ParsedDocument`` or
    its dict), its original bytes and, when already computed, its findings
    (``analysis.checks.all_findings(doc)``)."""

    doc: ParsedDocument | Mapping[str, Any]
    data: bytes | Sequence[tuple[str, bytes]]
    findings: list[Mapping[str, Any]] | None = None
    #: the doc is a dict of plain JSON already (read back from JSON: amounts as
    #: strings, no Decimal, date or tuple anywhere): it is stored as given
    json_ready: bool = False


@dataclass
class _Prepared:
    index: int
    ident: tuple[str, int, str, str]
    sha256: str
    code: str | None
    document: dict[str, Any]
    parsed: Any
    data: bytes
    tables: list[dict[str, Any]] = field(default_factory=list)
    table_keys: list[tuple[str | None, str | None]] = field(default_factory=list)
    line_items: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    projects: list[dict[str, Any]] = field(default_factory=list)
    self_evaluations: list[dict[str, Any]] = field(default_factory=list)


def _entry(value: BulkEntry | tuple) -> BulkEntry:
    if isinstance(value, BulkEntry):
        return value
    return BulkEntry(*value)


def _prepare(index: int, entry: BulkEntry) -> _Prepared | IngestResult | None:
    """The rows of one document, or the IngestResult refusing it, or None
    when it must go through ingest_document (several files).  A dict is read
    into the typed document here."""
    doc, parsed = read_document(entry.doc, entry.json_ready)
    originals = _originals(doc, entry.data)
    if len(originals) > 1:
        return None
    checked = checked_identity(doc, originals)
    if isinstance(checked, IngestResult):
        return checked
    sha256, ident = checked
    _agency, year, kind, scope = ident
    source = doc.source
    original = originals[0]
    prepared = _Prepared(
        index=index,
        ident=ident,
        sha256=sha256,
        code=doc.agency_code,
        document={
            "sha256": sha256,
            "file_name": source.file or "未命名文件",
            "format": source.format or "unknown",
            "pages": source.pages,
            "parser_version": doc.parser_version,
            "year": year,
            "kind": kind,
            "scope": scope,
            "unit_scale": doc.unit_scale,
        },
        parsed=parsed,
        data=original.data,
    )
    for seq, table in enumerate(doc.tables):
        prepared.tables.append(table_row(seq, table))
        prepared.table_keys.append((present(table.file), table.title))
    for item in build_line_items(doc):
        item.pop("file", None)  # one file: every item's file is the document's
        prepared.line_items.append(item)
    findings = entry.findings if entry.findings is not None else all_findings(parsed)
    prepared.findings = [finding_row(f) for f in findings]
    prepared.document.update(severity_counts(f["severity"] for f in prepared.findings))
    prepared.document.update(headline_columns(prepared.line_items))
    prepared.projects = [project_row(seq, item) for seq, item in enumerate(doc.projects)]
    prepared.self_evaluations = [self_evaluation_row(seq, item) for seq, item in enumerate(doc.self_evaluations)]
    return prepared


def _stored_message(p: _Prepared) -> str:
    return f"已保存{describe(*p.ident)}：{len(p.line_items)} 个数据项，{len(p.findings)} 条检查结果"


def _refused_message(ident: tuple, file_name: str) -> str:
    return (
        f"已存在{describe(*ident)}的文件“{file_name}”，未保存。"
        "如需用新文件替换，请选择“替换”（命令行 --replace）。"
    )


def _write(engine: Engine, batch: list[_Prepared]) -> dict[int, IngestResult]:
    """Store one batch in one transaction; a result per entry index."""
    out: dict[int, IngestResult] = {}
    with writer(engine).begin() as conn:
        shas = [p.sha256 for p in batch]
        names = sorted({p.ident[0] for p in batch})
        stored = dict(conn.execute(select(Document.sha256, Document.id).where(Document.sha256.in_(shas))).all())
        as_part = dict(
            conn.execute(select(DocumentPart.sha256, DocumentPart.document_id).where(DocumentPart.sha256.in_(shas))).all()
        )
        slots = {
            (r.name, r.year, r.kind, r.scope): (r.id, r.file_name)
            for r in conn.execute(
                select(Agency.name, Document.year, Document.kind, Document.scope, Document.id, Document.file_name)
                .join(Document, Document.agency_id == Agency.id)
                .where(Agency.name.in_(names))
            )
        }
        keep: list[_Prepared] = []
        seen_sha: dict[str, int] = {}
        seen_slot: dict[tuple, tuple[int, str]] = {}
        for p in batch:
            if p.sha256 in stored:
                out[p.index] = IngestResult("duplicate", DUPLICATE_MESSAGE, stored[p.sha256])
            elif p.sha256 in as_part:
                out[p.index] = IngestResult("duplicate", DUPLICATE_PART_MESSAGE, as_part[p.sha256])
            elif p.sha256 in seen_sha:
                out[p.index] = IngestResult("duplicate", DUPLICATE_MESSAGE)
            elif p.ident in slots or p.ident in seen_slot:
                doc_id, file_name = slots.get(p.ident) or seen_slot[p.ident]
                out[p.index] = IngestResult("refused", _refused_message(p.ident, file_name), doc_id)
            else:
                seen_sha[p.sha256] = p.index
                seen_slot[p.ident] = (None, p.document["file_name"])
                keep.append(p)
        if not keep:
            return out

        # agencies: the new ones made, a missing code filled in
        known = {r.name: (r.id, r.code) for r in conn.execute(select(Agency.id, Agency.name, Agency.code).where(Agency.name.in_(names)))}
        codes: dict[str, str | None] = {}
        for p in keep:
            codes[p.ident[0]] = codes.get(p.ident[0]) or p.code
        new = [{"name": n, "code": c, **agency_regions(n)} for n, c in codes.items() if n not in known]
        if new:
            conn.execute(insert(Agency), new)
        for name, (agency_id, code) in known.items():
            if code is None and codes.get(name):
                conn.execute(update(Agency).where(Agency.id == agency_id).values(code=codes[name]))
        agency_ids = dict(conn.execute(select(Agency.name, Agency.id).where(Agency.name.in_(list(codes)))).all())

        now = utcnow()
        doc_rows = [{**p.document, "agency_id": agency_ids[p.ident[0]], "uploaded_at": now} for p in keep]
        doc_ids = conn.execute(
            insert(Document).returning(Document.id, sort_by_parameter_order=True), doc_rows
        ).scalars().all()
        conn.execute(insert(DocumentFile), [{"document_id": d, "data": p.data} for d, p in zip(doc_ids, keep)])
        conn.execute(insert(DocumentParsed), [{"document_id": d, "parsed": p.parsed} for d, p in zip(doc_ids, keep)])

        table_rows = [{**t, "document_id": d} for d, p in zip(doc_ids, keep) for t in p.tables]
        table_ids = (
            conn.execute(insert(ParsedTable).returning(ParsedTable.id, sort_by_parameter_order=True), table_rows)
            .scalars()
            .all()
            if table_rows
            else []
        )
        items, found, projects, evaluations = [], [], [], []
        position = 0
        for doc_id, p in zip(doc_ids, keep):
            by_title: dict[str, int] = {}
            for (_file, title), table_id in zip(p.table_keys, table_ids[position:position + len(p.tables)]):
                if title is not None:
                    by_title.setdefault(title, table_id)
            position += len(p.tables)
            for item in p.line_items:
                items.append({**item, "document_id": doc_id, "table_id": by_title.get(item.get("table_title") or "")})
            found += [{**f, "document_id": doc_id} for f in p.findings]
            projects += [{**r, "document_id": doc_id} for r in p.projects]
            evaluations += [{**r, "document_id": doc_id} for r in p.self_evaluations]
        for model, rows in ((LineItem, items), (Finding, found), (Project, projects), (SelfEvaluation, evaluations)):
            if rows:
                conn.execute(insert(model), rows)
        bump_revision(conn)
    for doc_id, p in zip(doc_ids, keep):
        out[p.index] = IngestResult("stored", _stored_message(p), doc_id)
    return out


def bulk_ingest(
    entries: Iterable[BulkEntry | tuple],
    *,
    engine: Engine | None = None,
    url: str | None = None,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[int], None] | None = None,
) -> list[IngestResult]:
    """Store every entry (``BulkEntry`` or ``(doc, data[, findings])``); one
    result per entry, in order.  ``progress(done)`` after each batch."""
    engine = engine if engine is not None else get_engine(url)
    results: dict[int, IngestResult] = {}
    batch: list[_Prepared] = []
    count = 0

    def flush() -> None:
        if batch:
            results.update(_write(engine, batch))
            batch.clear()
            if progress is not None:
                progress(count)

    for index, raw in enumerate(entries):
        count = index + 1
        entry = _entry(raw)
        prepared = _prepare(index, entry)
        if prepared is None:  # several files: the ordinary path, after what came before it
            flush()
            results[index] = ingest_document(entry.doc, entry.data, engine=engine)
        elif isinstance(prepared, IngestResult):
            results[index] = prepared
        else:
            batch.append(prepared)
            if len(batch) >= batch_size:
                flush()
    flush()
    return [results[i] for i in range(count)]


__all__ = ["BulkEntry", "bulk_ingest", "DEFAULT_BATCH"]
