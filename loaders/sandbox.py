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
"""
from __future__ import annotations

import importlib
import io
import os
import pickle
import signal
import subprocess
import sys
import threading
import traceback
from pathlib import Path

import settings
from loaders import errors
from loaders.errors import (
    CorruptFileError,
    EmptyFileError,
    FileTooLargeError,
    MissingFileError,
    LoaderError,
    ResourceLimitError,
)

ROOT = Path(__file__).resolve().parent.parent

# "module:function" called in the child as function(data: bytes, name: str) -> dict.
# Tests point it elsewhere; it travels to the child as a string.
TARGET = "pipeline:parse_bytes"
# The same for several files of one report: function(files: list[(bytes, name)]) -> dict.
FILES_TARGET = "pipeline:parse_files"

# Bytes of the child's stderr kept for the debug log.
_STDERR_TAIL = 64 * 1024

# The children running now (parses in other threads), so that an interrupted
# batch can end them: see kill_children().
_LIVE: set[subprocess.Popen] = set()
_LIVE_LOCK = threading.Lock()


def debug_enabled() -> bool:
    return os.environ.get("BUDGETLENS_DEBUG", "").strip().lower() not in ("", "0", "false", "no")


def _debug(text: str) -> None:
    if debug_enabled() and text:
        sys.stderr.write(text if text.endswith("\n") else text + "\n")
        sys.stderr.flush()


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
    timeout_s: float | None = None,
    memory_mb: int | None = None,
    target: str | None = None,
    identity: dict | None = None,
    progress=None,
) -> dict:
    """Parse a file (path) or its bytes in a limited child process; return the document dict.

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

    request = {"data": data, "name": name, "target": target or TARGET}
    del data
    return _run_child(request, name, timeout_s, memory_mb, identity, progress)


def parse_files_sandboxed(
    files: list[tuple[bytes, str]],
    *,
    timeout_s: float | None = None,
    memory_mb: int | None = None,
    target: str | None = None,
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
    if timeout_s is None:
        timeout_s = float(settings.get("PARSE_TIMEOUT_S")) * len(files)
    request = {"files": files, "name": files[0][1], "target": target or FILES_TARGET}
    return _run_child(request, files[0][1], timeout_s, memory_mb, identity, progress)


def _run_child(
    request: dict, name: str, timeout_s: float | None, memory_mb: int | None, identity: dict | None, progress=None
) -> dict:
    timeout_s = float(timeout_s if timeout_s is not None else settings.get("PARSE_TIMEOUT_S"))
    memory_mb = int(memory_mb if memory_mb is not None else settings.get("PARSE_MEMORY_MB"))
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
        _debug(_tail(err))
        raise ResourceLimitError(f"解析超过 {_fmt_num(limits['timeout'])} 秒，已中止", file=name) from None
    return _answer(proc.returncode, out, err, name, int(limits["memory"]), int(limits["cpu"]))


PROGRESS_PREFIX = b"\x1ebudgetlens-progress "


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
            if kept > 4 * _STDERR_TAIL:
                err_parts[:] = [b"".join(err_parts)[-_STDERR_TAIL:]]
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


def _tail(err: bytes) -> str:
    return err[-_STDERR_TAIL:].decode("utf-8", "replace")


def _answer(returncode: int, out: bytes, err: bytes, name: str, memory_mb: int, cpu_s: int) -> dict:
    memory_error = ResourceLimitError(f"内存超过 {memory_mb} MB，已中止", file=name)
    reply = None
    if out:
        try:
            reply = _SafeUnpickler(io.BytesIO(out)).load()
        except _Disallowed as exc:
            _debug(_tail(err))
            raise CorruptFileError(f"解析结果含有无法传回的类型 {exc}", file=name) from None
        except Exception:
            reply = None
    if isinstance(reply, tuple) and len(reply) >= 2:
        kind, payload = reply[0], reply[1]
        if kind == "ok":
            _debug(_tail(err))
            return payload
        if kind == "loader_error":
            _debug(_tail(err))
            raise _rebuild(payload, name) from None
        if kind == "memory":
            _debug(_tail(err))
            raise memory_error from None
        if kind == "crash":
            _debug(_tail(err))
            _debug(reply[2] if len(reply) > 2 else "")
            raise CorruptFileError(f"解析时出错（{payload}）", file=name) from None
    # No answer: the child died.
    text = _tail(err)
    _debug(text)
    if returncode < 0:
        sig = -returncode
        if sig == signal.SIGXCPU or sig == signal.SIGKILL:
            raise ResourceLimitError(f"CPU 时间超过 {cpu_s} 秒或内存超限，已中止", file=name) from None
        if _looks_like_oom(text):
            raise memory_error from None
        raise CorruptFileError(f"解析进程异常终止（信号 {_signame(sig)}）", file=name) from None
    if _looks_like_oom(text):
        raise memory_error from None
    raise CorruptFileError(f"解析进程异常退出（返回码 {returncode}）", file=name) from None


def _looks_like_oom(stderr_text: str) -> bool:
    return any(s in stderr_text for s in ("MemoryError", "bad_alloc", "Cannot allocate memory", "out of memory"))


def _signame(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return str(sig)


def _rebuild(payload: dict, name: str) -> LoaderError:
    """The parser's LoaderError, raised again in the parent as the same type."""
    cls = None
    module, qualname = payload.get("module"), payload.get("qualname")
    if module and qualname and "." not in qualname:
        try:
            cls = getattr(importlib.import_module(module), qualname, None)
        except Exception:
            cls = None
    if not (isinstance(cls, type) and issubclass(cls, LoaderError)):
        cls = _class_for_code(payload.get("code")) or LoaderError
    exc = cls.__new__(cls)
    message_zh = payload.get("message_zh")
    if message_zh and message_zh != cls.message_zh:
        exc.message_zh = message_zh
    LoaderError.__init__(
        exc,
        payload.get("detail") or "",
        file=payload.get("file") or name,
        page=payload.get("page"),
        table=payload.get("table"),
        row=payload.get("row"),
    )
    return exc


def _class_for_code(code: str | None) -> type[LoaderError] | None:
    if not code:
        return None
    for value in vars(errors).values():
        if isinstance(value, type) and issubclass(value, LoaderError) and value.code == code:
            return value
    return None


class _Disallowed(pickle.UnpicklingError):
    pass


class _SafeUnpickler(pickle.Unpickler):
    """Only plain data comes back from the child: containers, numbers, text, Decimal, dates."""

    ALLOWED = {
        ("decimal", "Decimal"),
        ("builtins", "set"),
        ("builtins", "frozenset"),
        ("builtins", "complex"),
        ("datetime", "date"),
        ("datetime", "datetime"),
        ("datetime", "time"),
        ("datetime", "timedelta"),
        ("datetime", "timezone"),
        ("collections", "OrderedDict"),
    }

    def find_class(self, module: str, name: str):
        if (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise _Disallowed(f"{module}.{name}")


# --------------------------------------------------------------------------- child


def _cap(which: int, soft: int, hard: int) -> None:
    import resource

    _, cur_hard = resource.getrlimit(which)
    if cur_hard != resource.RLIM_INFINITY:
        soft, hard = min(soft, cur_hard), min(hard, cur_hard)
    resource.setrlimit(which, (soft, hard))


def _set_limits(memory_mb: int, cpu_s: int, memory_max_mb: int = 0, cpu_max_s: int = 0) -> None:
    """Soft limits as given; hard limits as far as OCR may raise them."""
    import resource

    if memory_mb > 0:
        cap_mb = max(memory_mb, memory_max_mb)
        _cap(resource.RLIMIT_AS, memory_mb * 1024 * 1024, cap_mb * 1024 * 1024)
    if cpu_s > 0:
        _cap(resource.RLIMIT_CPU, cpu_s, max(cpu_s, cpu_max_s) + 5)
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        pass


def _resolve(target: str):
    module, _, func = target.partition(":")
    return getattr(importlib.import_module(module), func)


def _error_payload(exc: LoaderError) -> dict:
    cls = type(exc)
    return {
        "module": cls.__module__,
        "qualname": cls.__qualname__,
        "code": getattr(exc, "code", None),
        "message_zh": getattr(exc, "message_zh", None),
        "detail": str(getattr(exc, "detail", "") or ""),
        "file": getattr(exc, "file", None),
        "page": getattr(exc, "page", None),
        "table": getattr(exc, "table", None),
        "row": getattr(exc, "row", None),
    }


def _die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this child when its parent dies (Linux), so a
    parent killed with SIGKILL leaves no parse running on."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - not Linux: the CPU limit still ends the child
        return
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def child_main(argv: list[str]) -> None:
    """``python -m loaders _child MEMORY_MB CPU_S``: one request on stdin, one reply on stdout."""
    _die_with_parent(int(os.environ.get("BUDGETLENS_PARENT_PID", os.getppid())))
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, not into the reply
    memory_mb, cpu_s = int(argv[0]), int(argv[1])
    memory_max_mb = int(argv[2]) if len(argv) > 2 else 0
    ocr_s = int(argv[3]) if len(argv) > 3 else 0
    ocr_max = int(argv[4]) if len(argv) > 4 else 0
    if not debug_enabled():
        import logging
        import warnings

        logging.disable(logging.WARNING)
        warnings.simplefilter("ignore")
    reply: tuple
    try:
        _set_limits(memory_mb, cpu_s, memory_max_mb, cpu_s + ocr_s * ocr_max)
        _listen_progress(memory_mb, memory_max_mb, cpu_s, ocr_s, ocr_max)
        request = pickle.load(sys.stdin.buffer)
        for p in request.get("sys_path") or []:
            if p not in sys.path:
                sys.path.append(p)
        func = _resolve(request["target"])
        kwargs = request.get("kwargs") or {}
        args = (request["files"],) if "files" in request else (request["data"], request["name"])
        del request
        reply = ("ok", func(*args, **kwargs))
    except LoaderError as exc:
        reply = ("loader_error", _error_payload(exc))
    except MemoryError:
        reply = ("memory", "")
    except RecursionError:
        reply = ("crash", "结构嵌套过深", traceback.format_exc())
    except BaseException as exc:  # noqa: BLE001 - everything else is reported, not raised
        reply = ("crash", _short(exc), traceback.format_exc())
    data = None
    try:
        payload = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        reply = None
        payload = pickle.dumps(("memory", ""))
    except Exception as exc:  # noqa: BLE001
        payload = pickle.dumps(("crash", f"结果无法传回：{_short(exc)}", traceback.format_exc()))
    try:
        out.write(payload)
        out.flush()
    finally:
        sys.stderr.flush()
        os._exit(0)


def _listen_progress(memory_mb: int, memory_max_mb: int, cpu_s: int, ocr_s: int, ocr_max: int) -> None:
    """In the child: progress lines to the parent on stderr; when OCR is
    announced, the soft memory and CPU limits raised for it."""
    import resource

    from loaders import progress

    err = sys.stderr.buffer

    def listener(event: str, done: int, total: int) -> None:
        if event == "ocr_pages":
            if memory_mb > 0 and memory_max_mb > memory_mb:
                _, hard = resource.getrlimit(resource.RLIMIT_AS)
                resource.setrlimit(resource.RLIMIT_AS, (min(memory_max_mb * 1024 * 1024, hard), hard))
            if cpu_s > 0 and ocr_s > 0:
                _, hard = resource.getrlimit(resource.RLIMIT_CPU)
                want = cpu_s + ocr_s * min(done, ocr_max)
                resource.setrlimit(resource.RLIMIT_CPU, (want if hard == resource.RLIM_INFINITY else min(want, hard), hard))
        try:
            err.write(b"\n" + PROGRESS_PREFIX + f"{event} {done} {total}\n".encode())
            err.flush()
        except OSError:
            pass

    progress.listen(listener)


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return text[:200]


__all__ = ["parse_file_sandboxed", "parse_files_sandboxed", "FILES_TARGET", "read_limited", "kill_children", "MissingFileError", "TARGET", "child_main"]
