"""Parse untrusted files in a child process with memory and time limits.

``parse_file_sandboxed(path_or_bytes, name)`` runs
``pipeline.parse_bytes(data, name)`` in a fresh interpreter
(``python -m loaders _child``) whose address space (``RLIMIT_AS`` =
``PARSE_MEMORY_MB``) and CPU time (``RLIMIT_CPU``) are capped by the child itself
before it reads the file, while the parent enforces the wall-clock limit
(``PARSE_TIMEOUT_S``) by killing it.  The file size is checked against
``MAX_FILE_MB`` before the file is read.

``parse_files_sandboxed([(bytes, name), …])`` does the same for several files of
one report, read as one document (``pipeline.parse_files``), with the
time limit per file.

The request (bytes, name) goes to the child's stdin as a pickle; the answer comes
back on its stdout as a pickle: the document dict with its ``Decimal`` amounts
intact, or the ``LoaderError`` as class + detail + file/page/table/row, which the
parent raises again as the same type.  A child that runs out of memory, is
killed by a limit or times out becomes ``ResourceLimitError``; any other failure
``CorruptFileError`` with a short detail (the child's traceback goes to stderr only
when ``BUDGETLENS_DEBUG`` is set).

The child's side is ``sandbox_child``; reading its reply, ``sandbox_reply``.
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from pathlib import Path

import settings
from loaders.errors import (
    EmptyFileError,
    FileTooLargeError,
    MissingFileError,
    LoaderError,
    ResourceLimitError,
)
from loaders.sandbox_child import PROGRESS_PREFIX
from loaders.sandbox_reply import STDERR_TAIL, answer, debug_log, stderr_tail

ROOT = Path(__file__).resolve().parent.parent

# "module:function" called in the child as function(data: bytes, name: str) -> dict.
# Tests point it elsewhere; it travels to the child as a string.
TARGET = "pipeline:parse_bytes"
# The same for several files of one report: function(files: list[(bytes, name)]) -> dict.
FILES_TARGET = "pipeline:parse_files"

# The children running now (parses in other threads), so that an interrupted
# batch can end them: see kill_children().
_LIVE: set[subprocess.Popen] = set()
_LIVE_LOCK = threading.Lock()


def _max_bytes() -> int:
    return int(settings.get("MAX_FILE_MB")) * 1024 * 1024


def _too_large(size: int, name: str | None) -> FileTooLargeError:
    limit_mb = int(settings.get("MAX_FILE_MB"))
    return FileTooLargeError(f"{size / 1024 / 1024:.1f} MB，上限 {limit_mb} MB", file=name)


def read_limited(path: str | os.PathLike, name: str | None = None) -> bytes:
    """The bytes of ``path``, refusing a file over ``MAX_FILE_MB`` before reading it."""
    path = Path(path)
    name = name or path.name
    try:
        st = path.stat()
    except FileNotFoundError:
        raise MissingFileError(file=name) from None
    except OSError as exc:
        raise LoaderError(exc.strerror or type(exc).__name__, file=name) from None
    if path.is_dir():
        raise MissingFileError("这是一个文件夹", file=name)
    limit = _max_bytes()
    if st.st_size > limit:
        raise _too_large(st.st_size, name)
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)  # a special file may say 0 bytes and never end
    except PermissionError:
        raise LoaderError("没有读取权限", file=name) from None
    except OSError as exc:
        raise LoaderError(exc.strerror or type(exc).__name__, file=name) from None
    if len(data) > limit:
        raise _too_large(len(data), name)
    return data


def parse_file_sandboxed(
    path_or_bytes: str | os.PathLike | bytes | bytearray | memoryview,
    name: str | None = None,
    *,
    identity: dict | None = None,
    progress=None,
) -> dict:
    """Parse a file (path) or its bytes in a limited child process; return the document dict.

    The limits are the settings ``PARSE_TIMEOUT_S`` and ``PARSE_MEMORY_MB``; the
    child runs ``TARGET`` (``FILES_TARGET`` for several files), which tests point
    at a parse of their own.

    ``identity`` ({"agency", "year", "kind", "scope"}, any subset) is what the
    user said the file is; it wins over what the parser finds.

    Raises the ``LoaderError`` subclass the parser raised, ``ResourceLimitError``
    when the child hits a limit, ``CorruptFileError`` when it fails otherwise.
    ``progress(event, done, total)`` is called (in the calling thread) as the
    child reports progress: event "ocr_pages" (pages to OCR, before it starts)
    and "ocr" (pages done).
    """
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        data = bytes(path_or_bytes)
        name = name or "未命名文件"
        if len(data) > _max_bytes():
            raise _too_large(len(data), name)
    else:
        name = name or Path(path_or_bytes).name
        data = read_limited(path_or_bytes, name)
    if not data:
        raise EmptyFileError(file=name)

    request = {"data": data, "name": name, "target": TARGET}
    del data
    return _run_child(request, name, float(settings.get("PARSE_TIMEOUT_S")), identity, progress)


def parse_files_sandboxed(
    files: list[tuple[bytes, str]],
    *,
    identity: dict | None = None,
    progress=None,
) -> dict:
    """Several files of one report (``(bytes, name)``) parsed as ONE document
    (``pipeline.parse_files``) in a limited child process.

    The time limit is ``PARSE_TIMEOUT_S`` per file; memory as for one file.
    Raises as :func:`parse_file_sandboxed` does; the error names the file it
    happened in (or the first file).
    """
    files = [(bytes(data), name) for data, name in files]
    if not files:
        raise ValueError("parse_files_sandboxed needs at least one file")
    for data, name in files:
        if len(data) > _max_bytes():
            raise _too_large(len(data), name)
        if not data:
            raise EmptyFileError(file=name)
    timeout_s = float(settings.get("PARSE_TIMEOUT_S")) * len(files)
    request = {"files": files, "name": files[0][1], "target": FILES_TARGET}
    return _run_child(request, files[0][1], timeout_s, identity, progress)


def _run_child(request: dict, name: str, timeout_s: float, identity: dict | None, progress=None) -> dict:
    memory_mb = int(settings.get("PARSE_MEMORY_MB"))
    request["sys_path"] = [p for p in sys.path if p]
    request["kwargs"] = {"identity": identity} if identity else {}
    request = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
    cpu_s = max(1, int(timeout_s + 0.999))
    # OCR: the child may raise its own soft limits up to these, page by page
    # (``loaders.progress.announce_ocr``); the parent extends the deadline.
    ocr_s = float(settings.get("OCR_SECONDS_PER_PAGE"))
    ocr_max = int(settings.get("OCR_MAX_PAGES"))
    ocr_mb = int(settings.get("OCR_MEMORY_MB"))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env["BUDGETLENS_PARENT_PID"] = str(os.getpid())  # the child dies with us (_die_with_parent)
    # Under RLIMIT_AS, keep thread pools and malloc arenas from reserving address space.
    for key, value in (("OPENBLAS_NUM_THREADS", "1"), ("OMP_NUM_THREADS", "1"), ("MALLOC_ARENA_MAX", "2")):
        env.setdefault(key, value)
    cmd = [
        sys.executable, "-m", "loaders", "_child", str(memory_mb), str(cpu_s),
        str(memory_mb + ocr_mb if memory_mb > 0 else 0), str(int(ocr_s)), str(ocr_max),
    ]
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=str(ROOT),
        env=env,
    )
    limits = {"timeout": timeout_s, "memory": memory_mb, "cpu": cpu_s}

    def on_event(event: str, done: int, total: int) -> None:
        if event == "ocr_pages":
            extra = min(done, ocr_max) * ocr_s
            limits["timeout"] = timeout_s + extra
            limits["cpu"] = cpu_s + int(extra)
            if memory_mb > 0:
                limits["memory"] = memory_mb + ocr_mb
        if progress is not None:
            try:
                progress(event, done, total)
            except Exception:  # a progress display must never break a parse
                pass

    with _LIVE_LOCK:
        _LIVE.add(proc)
    try:
        out, err, timed_out = _communicate(proc, request, limits, on_event)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        with _LIVE_LOCK:
            _LIVE.discard(proc)
    if timed_out:
        debug_log(stderr_tail(err))
        raise ResourceLimitError(f"解析超过 {_fmt_num(limits['timeout'])} 秒，已中止", file=name) from None
    return answer(proc.returncode, out, err, name, int(limits["memory"]), int(limits["cpu"]))


def _communicate(proc: subprocess.Popen, request: bytes, limits: dict, on_event) -> tuple[bytes, bytes, bool]:
    """Send the request, collect stdout, and read stderr line by line: the
    child's progress lines go to ``on_event`` (in this thread), the rest is
    kept for the debug log.  The deadline (``limits["timeout"]`` seconds from
    the start) may move while the child runs.  Returns (stdout, stderr, timed out)."""
    import queue
    import threading
    import time

    start = time.monotonic()
    out_parts: list[bytes] = []
    err_parts: list[bytes] = []
    lines: "queue.Queue[bytes | None]" = queue.Queue()

    def feed() -> None:
        try:
            proc.stdin.write(request)  # type: ignore[union-attr]
        except (BrokenPipeError, OSError):
            pass
        finally:
            try:
                proc.stdin.close()  # type: ignore[union-attr]
            except OSError:
                pass

    def drain_out() -> None:
        out_parts.append(proc.stdout.read())  # type: ignore[union-attr]

    def drain_err() -> None:
        for line in iter(proc.stderr.readline, b""):  # type: ignore[union-attr]
            lines.put(line)
        lines.put(None)

    threads = [threading.Thread(target=f, daemon=True) for f in (feed, drain_out, drain_err)]
    for t in threads:
        t.start()
    kept = 0
    err_done = False
    while True:
        remaining = start + float(limits["timeout"]) - time.monotonic()
        if remaining <= 0:
            proc.kill()
            proc.wait()
            for t in threads:
                t.join(timeout=5)
            return b"".join(out_parts), b"".join(err_parts), True
        if err_done:
            try:
                proc.wait(timeout=min(remaining, 0.5))
            except subprocess.TimeoutExpired:
                continue
            break
        try:
            line = lines.get(timeout=min(remaining, 0.5))
        except queue.Empty:
            continue
        if line is None:
            err_done = True
            continue
        at = line.find(PROGRESS_PREFIX)
        if at >= 0:
            parts = line[at + len(PROGRESS_PREFIX) :].split()
            if len(parts) == 3:
                try:
                    on_event(parts[0].decode(), int(parts[1]), int(parts[2]))
                except ValueError:
                    pass
            line = line[:at]
        if line:
            err_parts.append(line)
            kept += len(line)
            if kept > 4 * STDERR_TAIL:
                err_parts[:] = [b"".join(err_parts)[-STDERR_TAIL:]]
                kept = len(err_parts[0])
    for t in threads:
        t.join(timeout=5)
    return b"".join(out_parts), b"".join(err_parts), False


def kill_children() -> int:
    """Kill every parse child this process is running now; returns how many.

    For an interrupted batch (``ingest DIR --jobs N``): the threads waiting on
    them then return at once (their parse fails) and no child outlives the run.
    """
    with _LIVE_LOCK:
        procs = [p for p in _LIVE if p.poll() is None]
    for proc in procs:
        try:
            proc.kill()
        except OSError:  # already gone
            pass
    return len(procs)


def _fmt_num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


__all__ = ["parse_file_sandboxed", "parse_files_sandboxed", "FILES_TARGET", "read_limited", "kill_children", "MissingFileError", "TARGET"]
