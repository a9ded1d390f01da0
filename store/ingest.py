"""Writing parsed documents into the store.

``ingest_document`` stores one parsed document (see docs/document-schema.md) and
its original bytes in ONE transaction: either every row is written or none.  A
document read from several files (``pipeline.parse_files``) is stored
the same way with all its originals (``document_parts``); its sha256 is that of
the set of files (``loaders.multifile.files_sha256``).

* same bytes (sha256; for several files: the same set of files) already
  stored, or one file that is already stored as part of a document ->
  ``duplicate``;
* another file already stored for the same agency / year / kind / scope ->
  ``refused`` (naming the stored file), unless ``replace=True``: then the old
  document and everything hanging off it is deleted in the same transaction.

The document is the typed ``model.ParsedDocument``; a dict is read into it once,
here (:func:`typed_document`): a key the model does not know, a missing key or a
malformed amount is refused with a Chinese sentence naming where, before anything
is stored.  Amounts become exact ``Decimal`` (``None`` stays NULL); the parsed
document is kept whole in ``document_parsed.parsed`` with Decimals as strings.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from store.derived import agency_regions, headline_columns, severity_counts
from store.revision import bump_revision
from store.rows import (
    build_line_items, finding_row, present, project_row, self_evaluation_row, table_row, to_decimal,
)

from analysis.checks import all_findings
from loaders.jsonout import plain
from loaders.multifile import files_sha256
from model import ParsedDocument, SchemaError

from store import users
from store.engine import get_engine, writer
from store.models import (
    KIND_LABELS, KINDS, SCOPE_LABELS, SCOPES, Agency, Document, DocumentFile, DocumentParsed, DocumentPart,
    Finding, LineItem, LineItemFile, Meta, ParsedTable, Project, SelfEvaluation, utcnow,
)

DUPLICATE_MESSAGE = "已存在相同文件（sha256 相同），未重复保存"
DUPLICATE_SET_MESSAGE = "已存在由相同文件组成的报告（各文件 sha256 均相同），未重复保存"
DUPLICATE_PART_MESSAGE = "该文件已作为一份多文件报告的一部分保存（sha256 相同），未重复保存"

@dataclass(frozen=True)
class IngestResult:
    """Outcome of :func:`ingest_document`.

    ``status`` is ``'stored'``, ``'duplicate'``, ``'refused'`` or
    ``'needs_identity'`` (parsed, but the agency, year, kind or scope is not
    in the document: ``found`` holds what was found and the names of the
    unknown fields under ``"unknown"``); ``message`` is a Chinese sentence for
    the page / CLI; ``document_id`` is the new document (stored), the identical
    one (duplicate) or the conflicting one (refused); ``replaced`` names the
    file that a ``replace=True`` ingest deleted.
    """

    status: str
    message: str
    document_id: int | None = None
    replaced: str | None = None
    found: dict | None = None


# --------------------------------------------------------------------------- helpers

def describe(agency: str, year: Any, kind: str, scope: str) -> str:
    """``青龙满族自治县医疗保障局 2023年部门决算（部门）``"""
    return f"{agency} {year}年{KIND_LABELS.get(kind, kind)}（{SCOPE_LABELS.get(scope, scope)}）"


def _resolve_engine(engine: Engine | None, url: str | None) -> Engine:
    return engine if engine is not None else get_engine(url)


def _find_duplicate(session: Session, sha256: str) -> Document | None:
    return session.scalars(select(Document).where(Document.sha256 == sha256)).first()


def _find_conflict(session: Session, agency: str, year: int, kind: str, scope: str) -> Document | None:
    stmt = (
        select(Document)
        .join(Agency, Document.agency_id == Agency.id)
        .where(Agency.name == agency, Document.year == year, Document.kind == kind, Document.scope == scope)
    )
    return session.scalars(stmt).first()


def _refused_message(agency: str, year: int, kind: str, scope: str, existing: Document) -> str:
    when = existing.uploaded_at.strftime("%Y-%m-%d %H:%M UTC") if existing.uploaded_at else "未知时间"
    return (
        f"已存在{describe(agency, year, kind, scope)}的文件“{existing.file_name}”（上传于 {when}），"
        f"未保存。如需用新文件替换，请选择“替换”（命令行 --replace）。"
    )


def _find_part(session: Session, sha256: str) -> Document | None:
    """The document read from several files that has a file with these bytes."""
    stmt = select(Document).join(DocumentPart, DocumentPart.document_id == Document.id).where(DocumentPart.sha256 == sha256)
    return session.scalars(stmt).first()


def _check_existing(
    session: Session, sha256: str, ident: tuple, replace: bool, reparse: bool = False, files: int = 1
) -> IngestResult | list[Document]:
    """An IngestResult to return, or the Documents the new one replaces.
    ``files``: how many files the new document was read from."""
    dup = _find_duplicate(session, sha256)
    if dup is not None and not reparse:
        return IngestResult("duplicate", DUPLICATE_MESSAGE if files == 1 else DUPLICATE_SET_MESSAGE, dup.id)
    if dup is None and files == 1 and not reparse:
        whole = _find_part(session, sha256)
        if whole is not None:
            return IngestResult("duplicate", DUPLICATE_PART_MESSAGE, whole.id)
    conflict = _find_conflict(session, *ident)
    if conflict is not None and (dup is None or conflict.id != dup.id) and not replace:
        return IngestResult("refused", _refused_message(*ident, conflict), conflict.id)
    replaced: list[Document] = []
    for document in (dup, conflict):
        if document is not None and all(document.id != other.id for other in replaced):
            replaced.append(document)
    return replaced


# --------------------------------------------------------------------------- public API


@dataclass(frozen=True)
class _Original:
    file_name: str
    sha256: str
    format: str
    pages: int | None
    data: bytes


def typed_document(doc: ParsedDocument | Mapping[str, Any]) -> ParsedDocument:
    """``doc`` as the typed document: a dict is read through the model here, once.
    Raises ``ValueError`` with a Chinese sentence naming where when it does not
    fit the model (an unknown or missing key, a malformed amount)."""
    if isinstance(doc, ParsedDocument):
        return doc
    try:
        return ParsedDocument.from_dict(doc if isinstance(doc, dict) else dict(doc))
    except SchemaError as exc:
        raise ValueError(f"解析结果不符合文档格式：{str(exc).lstrip('.')}") from None


def read_document(doc: ParsedDocument | Mapping[str, Any], json_ready: bool = False) -> tuple[ParsedDocument, Any]:
    """The typed document (:func:`typed_document`) and the JSON kept whole in
    ``document_parsed.parsed``: a dict as given (``json_ready``: it is plain JSON
    already), a ``ParsedDocument`` as its ``to_dict()``; amounts as strings."""
    typed = typed_document(doc)
    if typed is doc:
        return typed, plain(typed.to_dict())
    return typed, doc if json_ready else plain(doc)


def _originals(doc: ParsedDocument, data: bytes | Sequence[tuple[str, bytes]]) -> list[_Original]:
    """The originals of ``doc`` in document order (``source.files``); one for a
    document read from one file.  Raises ValueError when the bytes are not the
    files the document was read from."""
    source = doc.source
    if isinstance(data, (bytes, bytearray, memoryview)):
        data = bytes(data)
        return [_Original(source.file or "未命名文件", hashlib.sha256(data).hexdigest(),
                          source.format or "unknown", source.pages, data)]
    given = {hashlib.sha256(bytes(b)).hexdigest(): (name, bytes(b)) for name, b in data}
    listed = source.files or []
    if len(given) == 1 and not listed:
        return _originals(doc, next(iter(given.values()))[1])
    if sorted(given) != sorted(f.sha256.lower() for f in listed):
        raise ValueError("文件内容与解析结果的文件清单（source.files）不一致")
    return [
        _Original(f.file or given[f.sha256.lower()][0], f.sha256.lower(),
                  f.format or "unknown", f.pages, given[f.sha256.lower()][1])
        for f in listed
    ]


def checked_identity(doc: ParsedDocument, originals: Sequence["_Original"]) -> tuple[str, tuple] | IngestResult:
    """The document's sha256 (of its set of files) and (agency, year, kind,
    scope), or the refusal when one of them is missing or unknown.  Raises
    ``ValueError`` when the parse names other bytes than the files given."""
    sha256 = files_sha256(o.sha256 for o in originals)
    claimed = doc.source.sha256
    if claimed and claimed.lower() != sha256:
        raise ValueError(f"文件内容与解析结果的 sha256 不一致：{claimed} ≠ {sha256}")
    agency = (doc.agency or "").strip()
    year, kind, scope = doc.year, doc.kind, doc.scope
    missing = [label for label, v in (("单位名称", agency), ("年度", year), ("类型", kind), ("范围", scope)) if not v]
    if missing:
        return IngestResult("refused", f"无法识别{'、'.join(missing)}，未保存")
    if kind not in KINDS or scope not in SCOPES:
        return IngestResult("refused", f"未知的文件类型或范围（{kind}/{scope}），未保存")
    return sha256, (agency, year, kind, scope)


def ingest_document(
    doc: ParsedDocument | Mapping[str, Any],
    data: bytes | Sequence[tuple[str, bytes]],
    *,
    engine: Engine | None = None,
    url: str | None = None,
    replace: bool = False,
    reparse: bool = False,
    actor: str | None = None,
) -> IngestResult:
    """Store ``doc`` (the parsed document: a ``model.ParsedDocument`` or its dict)
    and ``data`` (its original bytes; for a document read from several files,
    ``[(name, bytes), …]`` of all of them).
    ``actor`` (the signed-in user) goes into the audit trail, in the same transaction.

    One transaction for everything; see the module docstring for the outcomes.
    ``reparse``: the same bytes are already stored and ``doc`` is a new parse
    of them; it replaces the stored parse in the same transaction.
    Raises ``ValueError`` for a malformed document (a dict that does not fit the
    model, a bad amount, sha256 of ``doc`` not matching ``data``) — nothing is
    stored then.
    """
    engine = _resolve_engine(engine, url)
    doc, parsed = read_document(doc)
    originals = _originals(doc, data)
    checked = checked_identity(doc, originals)
    if isinstance(checked, IngestResult):
        return checked
    sha256, ident = checked

    try:
        return _ingest(engine, doc, parsed, originals, sha256, ident, replace, reparse, actor)
    except IntegrityError:
        # Another writer stored the same file or slot between our check and insert.
        with Session(engine) as session:
            outcome = _check_existing(session, sha256, ident, replace=False, files=len(originals))
        if isinstance(outcome, IngestResult):
            return outcome
        raise
    except StatementError as exc:
        if isinstance(exc.orig, ValueError):  # an amount the column cannot hold exactly
            raise ValueError(str(exc.orig)) from exc
        raise


def _agency(session: Session, name: str, code: str | None) -> Agency:
    """The agency called ``name``, made if new.  Another writer may make it
    between our look and our insert (PostgreSQL lets two transactions run side
    by side): the insert is tried in a savepoint and, on a clash, the other's
    row is taken."""
    agency = session.scalars(select(Agency).where(Agency.name == name)).first()
    if agency is None:
        try:
            with session.begin_nested():
                agency = Agency(name=name, code=code, **agency_regions(name))
                session.add(agency)
                session.flush()
        except IntegrityError:
            agency = session.scalars(select(Agency).where(Agency.name == name)).one()
    if agency.code is None and code:
        agency.code = code
    return agency


def _ingest(
    engine: Engine,
    doc: ParsedDocument,
    parsed: Any,
    originals: list[_Original],
    sha256: str,
    ident: tuple,
    replace: bool,
    reparse: bool = False,
    actor: str | None = None,
) -> IngestResult:
    agency_name, year, kind, scope = ident
    source = doc.source
    with Session(writer(engine), expire_on_commit=False) as session, session.begin():
        outcome = _check_existing(session, sha256, ident, replace, reparse, files=len(originals))
        if isinstance(outcome, IngestResult):
            return outcome
        replaced_name = None
        for old in outcome:  # the slot's document (replace) or the same bytes (reparse)
            replaced_name = old.file_name
            session.execute(delete(Document).where(Document.id == old.id))
        session.flush()

        agency = _agency(session, agency_name, doc.agency_code)

        document = Document(
            agency=agency,
            sha256=sha256,
            file_name=source.file or "未命名文件",
            format=source.format or "unknown",
            pages=source.pages,
            parser_version=doc.parser_version,
            uploaded_at=utcnow(),
            year=year,
            kind=kind,
            scope=scope,
            unit_scale=doc.unit_scale,
            parsed_row=DocumentParsed(parsed=parsed),
        )
        document.file = DocumentFile(data=originals[0].data)
        if len(originals) > 1:
            for seq, original in enumerate(originals):
                document.parts.append(
                    DocumentPart(
                        seq=seq,
                        file_name=original.file_name,
                        sha256=original.sha256,
                        format=original.format,
                        pages=original.pages,
                        size=len(original.data),
                        data=original.data if seq else None,  # the first file's bytes: document_files
                    )
                )
        # a table by (file, title): a document read from several files may print one title in two of them
        tables_by_title: dict[tuple[str | None, str], ParsedTable] = {}
        for seq, table in enumerate(doc.tables):
            row = ParsedTable(document=document, **table_row(seq, table))
            if row.title is not None:
                tables_by_title.setdefault((present(table.file), row.title), row)
        session.add(document)
        session.flush()  # document, file and tables are now in the transaction

        line_items = build_line_items(doc)
        for column, value in headline_columns(line_items).items():
            setattr(document, column, value)
        for item in line_items:
            file = item.pop("file", None)
            row = LineItem(document=document, table=tables_by_title.get((file, item.get("table_title") or "")), **item)
            if file is not None:
                row.source_file = LineItemFile(file_name=str(file))
            session.add(row)
        findings = [finding_row(f) for f in all_findings(parsed)]
        for finding in findings:
            session.add(Finding(document=document, **finding))
        for column, count in severity_counts(f["severity"] for f in findings).items():
            setattr(document, column, count)
        for seq, item in enumerate(doc.projects):
            session.add(Project(document=document, **project_row(seq, item)))
        for seq, item in enumerate(doc.self_evaluations):
            session.add(SelfEvaluation(document=document, **self_evaluation_row(seq, item)))
        session.flush()
        document_id = document.id
        action = "reparsed" if reparse else "replaced" if replaced_name is not None else "stored"
        files = " + ".join(o.file_name for o in originals)
        users.record(session, actor, action, document_id, f"{describe(*ident)}；{files}")
        bump_revision(session)

    what = describe(*ident)
    slip = unit_warning(parsed)
    if len(originals) > 1:
        what += f"（{len(originals)} 个文件合并为一份报告）"
    message = f"已保存{what}：{len(line_items)} 个数据项，{len(findings)} 条检查结果"
    if replaced_name is not None:
        message = f"已用新文件替换“{replaced_name}”，" + message
    if slip:
        message += f"；{slip}"
    return IngestResult("stored", message, document_id, replaced_name)


def unit_warning(doc: Mapping[str, Any]) -> str | None:
    """'疑似元与万元混用 2 处…' when the checks found amounts 10,000 times off (the ``unit`` family)."""
    slips = [f for f in all_findings(dict(doc)) if f.get("severity") == "error" and (f.get("family") == "unit"
             or str(f.get("rule") or "").startswith("unit."))]
    if not slips:
        return None
    pages = sorted({f.get("page") for f in slips if f.get("page") is not None})
    where = f"（第{'、'.join(str(p) for p in pages[:5])}页）" if pages else ""
    return f"注意：疑似元与万元混用 {len(slips)} 处{where}，相关数字可能相差一万倍，请对照原文核对"


def delete_document(engine: Engine | None, document_id: int, actor: str | None = None) -> bool:
    """Delete a document and everything parsed from it (cascade); drop its agency
    if it has no other document.  Returns False if there was no such document.
    ``actor`` goes into the audit trail."""
    engine = _resolve_engine(engine, None)
    with Session(writer(engine)) as session, session.begin():
        found = session.execute(
            select(Document.agency_id, Agency.name, Document.year, Document.kind, Document.scope, Document.file_name)
            .join(Agency, Document.agency_id == Agency.id)
            .where(Document.id == document_id)
        ).first()
        if found is None:
            return False
        agency_id = found[0]
        users.record(session, actor, "deleted", document_id, f"{describe(*found[1:5])}；{found[5]}")
        session.execute(delete(Document).where(Document.id == document_id))
        remaining = session.scalar(select(func.count()).select_from(Document).where(Document.agency_id == agency_id))
        if not remaining:
            session.execute(delete(Agency).where(Agency.id == agency_id))
        bump_revision(session)
    return True


def replace_findings(engine: Engine | None, document_id: int, findings: Iterable[Mapping[str, Any]]) -> int:
    """Replace all findings of a document (the checks engine re-ran); returns the count.

    Raises ``LookupError`` if the document does not exist.
    """
    engine = _resolve_engine(engine, None)
    rows = [finding_row(f) for f in findings]
    with Session(writer(engine)) as session, session.begin():
        if session.get(Document, document_id) is None:
            raise LookupError(f"no document {document_id}")
        session.execute(delete(Finding).where(Finding.document_id == document_id))
        session.add_all(Finding(document_id=document_id, **row) for row in rows)
        session.execute(update(Document).where(Document.id == document_id)
                        .values(**severity_counts(row["severity"] for row in rows)))
        session.flush()
        bump_revision(session)
    return len(rows)


def set_meta(engine: Engine | None, key: str, value: str) -> None:
    """Set a value of the store's own ``meta`` table."""
    engine = _resolve_engine(engine, None)
    with Session(writer(engine)) as session, session.begin():
        session.merge(Meta(key=key, value=value))


__all__ = [
    "set_meta",
    "IngestResult",
    "ingest_document",
    "delete_document",
    "replace_findings",
    "build_line_items",
    "to_decimal",
    "describe",
    "DUPLICATE_MESSAGE",
    "DUPLICATE_SET_MESSAGE",
    "DUPLICATE_PART_MESSAGE",
]
