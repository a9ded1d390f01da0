"""Parse many files in parallel sandboxed children, in the order given.

``python -m loaders ingest FILE|DIR... --jobs N`` uses this: a folder becomes
the files under it that the survey reads (:func:`expand`), ``N`` threads each
run one sandboxed parse at a time (``loaders.sandbox.parse_file_sandboxed``,
a child process with limits), and :func:`parse_in_order` hands the results
back one by one **in the order of the input**, so the caller can store each
file in its own transaction from a single thread (SQLite never sees two
writers) and print its line in a stable order.  :func:`in_batches` gathers
them per batch (one folder, or the files named together) so that the files
of one batch that form one report can be stored as one document.  Each result carries the
survey's :class:`~loaders.survey.Grade`, so the caller can print the survey's
summary for the batch.

Interrupting the caller (Ctrl-C) while it iterates, or closing the generator,
cancels the parses not yet started, kills the children still running and waits
for the threads, so no child outlives the run.
"""
from __future__ import annotations

import functools
import os
import pickle
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from loaders import sandbox
from loaders.errors import LoaderError
from loaders.survey import Grade, files_in, grade_document, grade_refusal

# Results parsed ahead of the one the caller waits for, per job: bounds the
# documents held in memory when one slow file holds up the rest.
AHEAD_PER_JOB = 4


@dataclass
class Parsed:
    """One file's parse: the document and its bytes, or the refusal."""

    path: Path
    name: str
    grade: Grade
    doc: dict | None = None
    data: bytes | None = None
    error: LoaderError | None = None
    spilled: str | None = None  # a temporary file holding doc and data while its batch waits


def default_jobs() -> int:
    """The CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def expand(inputs: Iterable[str | os.PathLike]) -> tuple[list[Path], list[str]]:
    """The files to read for the command-line arguments, and the folders that had none.

    A folder gives the files under it with the extensions the survey reads
    (``loaders.survey.files_in``, sorted); anything else is taken as a file
    as given (a missing one is refused when it is read).
    """
    paths, _batches, empty = expand_batches(inputs)
    return paths, empty


# The batch of the files named on the command line (they were given together).
ARGUMENTS = ""


def expand_batches(inputs: Iterable[str | os.PathLike]) -> tuple[list[Path], list[str], list[str]]:
    """As :func:`expand`, with each file's batch: the files of one batch that
    form one report become one document (``loaders.multifile.group``).

    A file found in a folder belongs to the batch of that folder (the folder it
    is directly in); the files named as arguments form one batch together
    (:data:`ARGUMENTS`), as the files of one upload do.
    """
    paths: list[Path] = []
    batches: list[str] = []
    empty: list[str] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = files_in(path)
            if not found:
                empty.append(str(item))
            paths.extend(found)
            batches.extend(str(p.parent.resolve()) for p in found)
        else:
            paths.append(path)
            batches.append(ARGUMENTS)
    return paths, batches, empty


# Parsed files of an unfinished batch kept in memory; the rest wait on disk, so a
# folder of thousands of reports is stored with bounded memory.
HELD_IN_MEMORY = 16


def in_batches(results: Iterable[Parsed], batches: list[str]) -> Iterator[list[Parsed]]:
    """The results of :func:`parse_in_order` gathered per batch (``batches[i]``
    is the batch of the i-th file): each batch is handed on, in input order,
    as soon as its last file is parsed.  Beyond :data:`HELD_IN_MEMORY` results
    waiting, a result's document and bytes wait in a temporary file."""
    last = {batch: i for i, batch in enumerate(batches)}
    held: dict[str, list[Parsed]] = {}
    in_memory = 0
    try:
        for i, result in enumerate(results):
            if in_memory >= HELD_IN_MEMORY and result.doc is not None:
                _spill(result)
            else:
                in_memory += 1
            held.setdefault(batches[i], []).append(result)
            if last[batches[i]] == i:
                ready = held.pop(batches[i])
                in_memory -= sum(1 for r in ready if r.spilled is None)
                for r in ready:
                    _restore(r)
                yield ready
    finally:
        for waiting in held.values():
            for r in waiting:
                _discard(r)


def _spill(result: Parsed) -> None:
    fd, path = tempfile.mkstemp(prefix="budgetlens-parsed-", suffix=".pickle")
    with os.fdopen(fd, "wb") as fh:
        pickle.dump((result.doc, result.data), fh, protocol=pickle.HIGHEST_PROTOCOL)
    result.doc = result.data = None
    result.spilled = path


def _restore(result: Parsed) -> None:
    if result.spilled is None:
        return
    with open(result.spilled, "rb") as fh:
        result.doc, result.data = pickle.load(fh)
    _discard(result)


def _discard(result: Parsed) -> None:
    if result.spilled is not None:
        try:
            os.unlink(result.spilled)
        except OSError:
            pass
        result.spilled = None


def display_name(path: Path) -> str:
    return path.name or str(path)


def parse_one(
    path: Path,
    manifest: dict[str, str] | None = None,
    parse: Callable[[bytes, str], dict] | None = None,
    identity: dict | None = None,
) -> Parsed:
    """Read ``path`` (size-limited) and parse its bytes in the sandbox; grade the outcome.
    ``identity``: what the user said the files are (agency, year, kind, scope)."""
    if parse is None:
        parse = functools.partial(sandbox.parse_file_sandboxed, identity=identity) if identity else sandbox.parse_file_sandboxed
    name = display_name(path)
    start = time.monotonic()
    try:
        data = sandbox.read_limited(path, name)
        doc = parse(data, name)
    except LoaderError as exc:
        result = Parsed(path, name, grade_refusal(exc, name, time.monotonic() - start), error=exc)
    else:
        result = Parsed(path, name, grade_document(doc, name, time.monotonic() - start), doc=doc, data=data)
    if manifest is not None:
        result.grade.expected = manifest.get(name)
    return result


def parse_in_order(
    paths: Iterable[Path],
    jobs: int = 1,
    manifest: dict[str, str] | None = None,
    progress: Callable[[int, int, Grade], None] | None = None,
    parse: Callable[[bytes, str], dict] | None = None,
    identity: dict | None = None,
) -> Iterator[Parsed]:
    """Yield each file's :class:`Parsed` in the order of ``paths``, ``jobs`` parses at a time.

    ``progress(k, n, grade)`` is called from the caller's thread as each parse
    completes (completion order).  ``jobs == 1`` parses in the caller's thread,
    one file after the other.  Use it under ``contextlib.closing`` so an
    exception in the caller ends the parses still running.
    """
    paths = list(paths)
    total = len(paths)
    if jobs <= 1:
        for k, path in enumerate(paths, 1):
            result = parse_one(path, manifest, parse, identity)
            if progress:
                progress(k, total, result.grade)
            yield result
        return

    ahead = max(2, AHEAD_PER_JOB * jobs)
    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="budgetlens-parse")
    index_of: dict[Future, int] = {}
    ready: dict[int, Parsed] = {}
    submitted = done = 0
    try:
        for i in range(total):
            while submitted < total and submitted < i + ahead:
                index_of[pool.submit(parse_one, paths[submitted], manifest, parse, identity)] = submitted
                submitted += 1
            while i not in ready:
                finished, _ = wait(list(index_of), return_when=FIRST_COMPLETED)
                for fut in sorted(finished, key=index_of.__getitem__):
                    result = fut.result()
                    ready[index_of.pop(fut)] = result
                    done += 1
                    if progress:
                        progress(done, total, result.grade)
            yield ready.pop(i)
    finally:
        _stop(pool, list(index_of))


def _stop(pool: ThreadPoolExecutor, running: list[Future]) -> None:
    """Cancel what has not started, kill the children of what has, wait for the threads."""
    while True:
        try:
            pool.shutdown(wait=False, cancel_futures=True)
            while not all(f.done() for f in running):
                sandbox.kill_children()
                wait(running, timeout=0.2)
            pool.shutdown(wait=True)
            return
        except KeyboardInterrupt:  # a second Ctrl-C: finish cleaning up all the same
            continue


__all__ = [
    "Parsed", "default_jobs", "expand", "expand_batches", "in_batches", "parse_one", "parse_in_order",
    "AHEAD_PER_JOB", "ARGUMENTS",
]
