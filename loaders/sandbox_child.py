"""The parse child (``python -m loaders _child``): it caps its own memory and
CPU time, reads one request (a pickle) on stdin, parses, and writes one reply
(a pickle) on stdout; progress lines go to the parent on stderr, and the OCR
limits are raised page by page when OCR is announced.  It dies with its parent.
"""
from __future__ import annotations

import importlib
import os
import pickle
import signal
import sys
import traceback

from loaders.errors import LoaderError, debug_enabled

# Starts each progress line the child writes on stderr (the parent reads them out).
PROGRESS_PREFIX = b"\x1ebudgetlens-progress "


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
