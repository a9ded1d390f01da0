"""Sample reports shipped with the app, and the parse-then-store path shared
by the sample loader and the 报告库 page.

``parse_and_ingest_batch(files)`` stores the files of one upload, those that
form one report (several files of one agency, year, kind and scope) as ONE
document.  ``load_samples(engine)`` ingests every file in ``data/samples`` (PDF forms
first, then by name), each parsed in the sandboxed child process
(``loaders.sandbox``, which runs ``pipeline.parse_bytes``).  Several samples are the same document in
another format (Excel/Word twins kept for upload demos); the store refuses the
second form of a document, which is expected.  Nothing here raises for a bad
file: every outcome — stored, duplicate, refused, unreadable — comes back as an
:class:`~store.ingest.IngestResult` with a Chinese message.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from sqlalchemy import Engine

from loaders.errors import LoaderError
from store.ingest import IngestResult, ingest_document, set_meta
from store.queries import get_document, get_meta, get_original, get_originals, stored_sha256s

ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = ROOT / "data" / "samples"
#: formats a sample may have (README.md and other notes are not samples)
SAMPLE_SUFFIXES = (".pdf", ".xlsx", ".xls", ".docx", ".txt")

Progress = Callable[[int, int, str], None]


# --------------------------------------------------------------------------- parsing


def parse_document(data: bytes, name: str, identity: dict | None = None, progress=None) -> dict:
    """Parse ``data`` (a file called ``name``) into the document dict, in the
    sandboxed child process.  Raises ``LoaderError``.
    ``progress(event, done, total)`` follows OCR page by page (loaders.sandbox)."""
    from loaders.sandbox import parse_file_sandboxed

    return parse_file_sandboxed(data, name, identity=identity, progress=progress)


_FIELD_ZH = {"agency": "单位名称", "year": "年度", "kind": "类型", "scope": "范围"}


def _parsed(parse: Callable[[], dict], label: str) -> dict | IngestResult:
    """``parse()``, or the refusal saying why the file(s) called ``label`` could not be read."""
    try:
        return parse()
    except LoaderError as exc:
        return IngestResult("refused", exc.message())
    except Exception as exc:  # noqa: BLE001 - a page shows it, it never crashes the app
        return IngestResult("refused", f"{label}：解析时出错（{type(exc).__name__}）")


def _outcome(parse: Callable[[], dict], label: str) -> dict | IngestResult:
    """The parsed dict, or an IngestResult saying why it cannot be stored as it is."""
    doc = _parsed(parse, label)
    return doc if isinstance(doc, IngestResult) else _complete(doc, label)


def _parse_outcome(data: bytes, name: str, identity: dict | None = None, progress=None) -> dict | IngestResult:
    """One file's :func:`_outcome`."""

    def parse() -> dict:
        if progress is None:
            return parse_document(data, name, identity)
        return parse_document(data, name, identity, progress)

    return _outcome(parse, name)


def _complete(doc: dict, name: str) -> dict | IngestResult:
    """``doc``, or ``needs_identity`` when it does not state its agency, year, kind or scope."""
    unknown = [k for k in doc.get("unknown") or [] if k in _FIELD_ZH]
    if unknown:
        found = {k: doc.get(k) for k in _FIELD_ZH}
        found["unknown"] = unknown
        return IngestResult(
            "needs_identity", f"{name}：文件中未找到{'、'.join(_FIELD_ZH[k] for k in unknown)}，请补充后保存", found=found
        )
    return doc


def _store(
    doc: dict, data: bytes | list[tuple[str, bytes]], name: str, engine: Engine | None, replace: bool,
    reparse: bool = False,
) -> IngestResult:
    try:
        return ingest_document(doc, data, engine=engine, replace=replace, reparse=reparse)
    except ValueError as exc:
        return IngestResult("refused", f"{name}：{exc}")
    except Exception as exc:  # noqa: BLE001 - a database problem is reported, not raised
        return IngestResult("refused", f"{name}：保存失败（{type(exc).__name__}: {str(exc)[:160]}）")


def parse_and_ingest(
    data: bytes, name: str, *, engine: Engine | None = None, replace: bool = False, identity: dict | None = None, progress=None
) -> IngestResult:
    """Parse one uploaded file and store it in one transaction.

    ``status`` is ``stored`` / ``duplicate`` / ``refused`` / ``needs_identity``;
    a refusal because another file occupies the same agency/year/kind/scope
    carries that file's ``document_id``, a refusal because the file could not
    be read has none.  ``identity`` is what the user said the file is (it wins
    over the document); without it a document that does not name its agency,
    year, kind or scope is not stored but comes back as ``needs_identity``.
    """
    parsed = _parse_outcome(data, name, identity, progress)
    if isinstance(parsed, IngestResult):
        return parsed
    return _store(parsed, data, name, engine, replace)


# --------------------------------------------------------------------------- several files at once


@dataclass
class BatchItem:
    """What became of one report of an upload: the files it was read from (one,
    or several read as one document) and the outcome."""

    names: list[str]
    result: IngestResult
    files: list[tuple[bytes, str]] = field(default_factory=list)  # (bytes, name), to store again later

    @property
    def name(self) -> str:
        return " + ".join(self.names)

    @property
    def combined(self) -> bool:
        return len(self.names) > 1


def parse_files_document(files: list[tuple[bytes, str]], identity: dict | None = None) -> dict:
    """Several files of one report parsed as ONE document, in the sandboxed
    child process when available.  Raises ``LoaderError``."""
    from loaders.sandbox import parse_files_sandboxed

    return parse_files_sandboxed(files, identity=identity)


def parse_and_ingest_files(
    files: list[tuple[bytes, str]], *, engine: Engine | None = None, replace: bool = False,
    identity: dict | None = None,
) -> IngestResult:
    """Parse several files of one report as ONE document and store it in one
    transaction with all its originals (one file: :func:`parse_and_ingest`)."""
    if len(files) == 1:
        return parse_and_ingest(files[0][0], files[0][1], engine=engine, replace=replace, identity=identity)
    label = " + ".join(name for _data, name in files)
    parsed = _outcome(lambda: parse_files_document(files, identity), label)
    if isinstance(parsed, IngestResult):
        return parsed
    return _store(parsed, [(name, data) for data, name in files], label, engine, replace)


def parse_and_ingest_batch(
    files: list[tuple[bytes, str]], *, engine: Engine | None = None, replace: bool = False,
    identity: dict | None = None, progress: Progress | None = None, ocr_progress=None,
) -> list[BatchItem]:
    """Parse the files of one upload and store them: the files that form one
    report (``loaders.multifile.group``: same agency, year, kind and scope; a
    file without its agency joins the one report of its year, kind and scope)
    as ONE document, every other file as today (:func:`parse_and_ingest`).

    One :class:`BatchItem` per stored (or refused) report, in the order of the
    files; ``progress(done, total, file_name)`` after each file is parsed;
    ``ocr_progress(index, file_name)`` gives the sandbox's progress callback
    for one file (OCR pages done / total of a scan), or None.
    """
    from loaders import multifile

    total = len(files)
    outcomes: list[dict | IngestResult] = []

    def parse_one(data: bytes, name: str, index: int) -> dict:
        pages = ocr_progress(index, name) if ocr_progress is not None else None
        return parse_document(data, name, identity, pages)

    for done, (data, name) in enumerate(files, start=1):
        outcomes.append(_parsed(partial(parse_one, data, name, done - 1), name))
        if progress is not None:
            try:
                progress(done, total, name)
            except Exception:  # noqa: BLE001
                pass
    docs = [o if isinstance(o, dict) else None for o in outcomes]
    shas = [hashlib.sha256(data).hexdigest() for data, _name in files]
    items: list[BatchItem] = []
    for members in multifile.group(docs, shas):
        if len(members) > 1:
            item = _store_group([files[i] for i in members], [docs[i] for i in members], engine, replace, identity)
            if item is not None:
                items.append(item)
                continue
        for i in members:  # one file, or files that read together are not the report each said
            data, name = files[i]
            outcome = outcomes[i]
            if isinstance(outcome, dict):
                outcome = _complete(outcome, name)
            result = outcome if isinstance(outcome, IngestResult) else _store(outcome, data, name, engine, replace)
            items.append(BatchItem([name], result, [(data, name)]))
    return items


def _store_group(
    files: list[tuple[bytes, str]], docs: list[dict], engine: Engine | None, replace: bool, identity: dict | None
) -> BatchItem | None:
    """Files that form one report read together and stored as one document;
    None when, read together, they are not the report each said it was."""
    from loaders import multifile

    expected = next(multifile.identity_key(d) for d in docs if multifile.identity_key(d))
    try:
        doc = parse_files_document(files, identity)
    except Exception:  # noqa: BLE001 - then each file is stored on its own, as before
        return None
    if multifile.identity_key(doc) != expected:
        return None
    names = [f["file"] for f in (doc.get("source") or {}).get("files") or []] or [name for _d, name in files]
    result = _store(doc, [(name, data) for data, name in files], " + ".join(names), engine, replace)
    return BatchItem(names, result, list(files))


def reparse_document(document_id: int, *, engine: Engine | None = None) -> IngestResult:
    """Parse a stored original again with the current parser and replace the
    stored result (a report read from several files: all of them, as one
    document).  If the new parse fails nothing changes."""
    originals = get_originals(document_id, engine=engine)
    if len(originals) > 1:
        return _reparse_files(document_id, originals, engine)
    original = get_original(document_id, engine=engine)
    if original is None:
        return IngestResult("refused", "找不到该报告的原始文件")
    name, data = original
    parsed = _parse_outcome(data, name)
    if isinstance(parsed, IngestResult) and parsed.status == "needs_identity":
        # stored under what the user said it is: keep that
        stored = get_document(document_id, engine=engine) or {}
        parsed = _parse_outcome(data, name, {k: stored.get(k) for k in _FIELD_ZH if stored.get(k)})
    return _store_again(parsed, data, name, engine)


def _reparse_files(document_id: int, originals: list[tuple[str, bytes]], engine: Engine | None) -> IngestResult:
    files = [(data, name) for name, data in originals]
    label = " + ".join(name for name, _data in originals)
    stored = get_document(document_id, engine=engine) or {}

    def parse() -> dict:
        doc = parse_files_document(files)
        if doc.get("unknown"):  # stored under what the user said it is: keep that
            doc = parse_files_document(files, {k: stored.get(k) for k in _FIELD_ZH if stored.get(k)})
        return doc

    return _store_again(_outcome(parse, label), originals, label, engine)


def _store_again(parsed: dict | IngestResult, data: bytes | list[tuple[str, bytes]], label: str,
                 engine: Engine | None) -> IngestResult:
    """A document parsed again stored over its old result (or why it is not)."""
    if isinstance(parsed, IngestResult):
        return parsed
    result = _store(parsed, data, label, engine, replace=True, reparse=True)
    if result.status == "stored":
        result = IngestResult("stored", "已重新解析并替换原结果：" + result.message, result.document_id, label)
    return result


# --------------------------------------------------------------------------- samples


def _sort_key(path: Path) -> tuple[int, str]:
    return (0 if path.suffix.lower() == ".pdf" else 1, path.name)


def sample_files(directory: Path | None = None) -> list[Path]:
    """The sample files, PDF forms first, then by name."""
    directory = directory or SAMPLES_DIR
    if not directory.is_dir():
        return []
    files = [p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in SAMPLE_SUFFIXES]
    return sorted(files, key=_sort_key)


SAMPLES_MARK = "samples_loaded"
#: the samples' parses shipped with the app: ``<sample file name>.json`` (the
#: document dict as stored, amounts as strings).  tests/test_samples_shipped.py
#: parses every sample again and demands the same dict; refresh them with
#: ``python -m store.samples freeze`` after a parser change.
PARSED_DIR_NAME = "parsed"


def shipped_parse_path(path: Path) -> Path:
    return path.parent / PARSED_DIR_NAME / f"{path.name}.json"


def shipped_parse(path: Path, data: bytes) -> dict | None:
    """The shipped parse of the sample ``path`` whose bytes are ``data``, or None
    when there is none or it was made from other bytes."""
    try:
        doc = json.loads(shipped_parse_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    source = doc.get("source") if isinstance(doc, dict) else None
    if not isinstance(source, dict) or source.get("sha256") != hashlib.sha256(data).hexdigest():
        return None
    return doc


def freeze_samples(paths: Iterable[Path] | None = None) -> list[Path]:
    """Parse every sample (the sandboxed parse the first run would do) and
    write its shipped parse; the files written."""
    from loaders.jsonout import plain

    written = []
    for path in paths if paths is not None else sample_files():
        doc = parse_document(path.read_bytes(), path.name)
        target = shipped_parse_path(path)
        target.parent.mkdir(exist_ok=True)
        target.write_text(json.dumps(plain(doc), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(target)
    return written


def samples_fingerprint(paths: Iterable[Path]) -> str:
    """Names and sizes of the sample set: a new set is loaded again."""
    text = "\n".join(f"{p.name}:{p.stat().st_size}" for p in sorted(paths))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pending_samples(engine: Engine | None = None) -> list[Path]:
    """Sample files still to load: none once a full pass over this sample set
    has finished; otherwise those whose bytes are not stored yet (a pass cut
    short, e.g. by a closed browser tab, resumes where it stopped)."""
    paths = sample_files()
    if not paths or get_meta(SAMPLES_MARK, engine=engine) == samples_fingerprint(paths):
        return []
    stored = stored_sha256s(engine=engine)
    return [p for p in paths if hashlib.sha256(p.read_bytes()).hexdigest() not in stored]


def load_samples(
    engine: Engine | None = None,
    progress: Progress | None = None,
    *,
    files: Iterable[Path] | None = None,
    workers: int = 2,
) -> list[IngestResult]:
    """Ingest every sample file (see :func:`sample_files`); one result per file.

    A sample with a shipped parse (``data/samples/parsed``, made from the same
    bytes) is stored from it without parsing; the others are parsed
    ``workers`` at a time (each in its own child process).  Files are stored one
    by one in order, so a PDF is always stored before its Excel or Word twin.
    ``progress(done, total, file_name)`` is called after each file.
    """
    paths = list(files) if files is not None else sample_files()
    finishes_pass = {p.resolve() for p in paths} >= {p.resolve() for p in pending_samples(engine)}
    total = len(paths)
    results: list[IngestResult] = []

    def read_and_parse(path: Path) -> tuple[bytes | None, dict | IngestResult]:
        try:
            data = path.read_bytes()
        except OSError as exc:
            return None, IngestResult("refused", f"{path.name}：无法读取（{exc.strerror or exc}）")
        shipped = shipped_parse(path, data)
        if shipped is not None:
            return data, _complete(shipped, path.name)
        return data, _parse_outcome(data, path.name)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for done, (path, (data, parsed)) in enumerate(zip(paths, pool.map(read_and_parse, paths)), start=1):
            if isinstance(parsed, IngestResult):
                result = parsed
            else:
                result = _store(parsed, data or b"", path.name, engine, replace=False)
            results.append(result)
            if progress is not None:
                try:
                    progress(done, total, path.name)
                except Exception:  # noqa: BLE001 - a broken progress bar must not stop loading
                    pass
    if finishes_pass and sample_files():
        # Reached only when the pass was not cut short: the sample set is done.
        set_meta(engine, SAMPLES_MARK, samples_fingerprint(sample_files()))
    return results


__all__ = [
    "SAMPLES_MARK",
    "pending_samples",
    "samples_fingerprint",
    "SAMPLES_DIR",
    "SAMPLE_SUFFIXES",
    "sample_files",
    "load_samples",
    "parse_document",
    "parse_and_ingest",
    "parse_and_ingest_files",
    "parse_and_ingest_batch",
    "parse_files_document",
    "BatchItem",
    "reparse_document",
    "shipped_parse",
    "shipped_parse_path",
    "freeze_samples",
]


if __name__ == "__main__":  # python -m store.samples freeze
    import sys

    if sys.argv[1:] != ["freeze"]:
        sys.exit("usage: python -m store.samples freeze")
    for written in freeze_samples():
        print(written.relative_to(ROOT))
