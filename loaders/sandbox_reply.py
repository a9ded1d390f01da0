"""The parse child's reply, read in the parent: the document dict, or the
exception to raise.

The reply is a pickle on the child's stdout, unpickled allowing only plain data
(containers, numbers, text, Decimal, dates).  A ``LoaderError`` comes back as
class + detail + file/page/table/row (``sandbox_child._error_payload``) and is
raised again as the same type; a child that died is judged by its exit signal
and its stderr (out of memory, a limit, or a crash).
"""
from __future__ import annotations

import importlib
import io
import pickle
import signal
import sys

from loaders import errors
from loaders.errors import CorruptFileError, LoaderError, ResourceLimitError, debug_enabled

# Bytes of the child's stderr kept for the debug log.
STDERR_TAIL = 64 * 1024


def debug_log(text: str) -> None:
    if debug_enabled() and text:
        sys.stderr.write(text if text.endswith("\n") else text + "\n")
        sys.stderr.flush()


def stderr_tail(err: bytes) -> str:
    return err[-STDERR_TAIL:].decode("utf-8", "replace")


def answer(returncode: int, out: bytes, err: bytes, name: str, memory_mb: int, cpu_s: int) -> dict:
    memory_error = ResourceLimitError(f"内存超过 {memory_mb} MB，已中止", file=name)
    reply = None
    if out:
        try:
            reply = _SafeUnpickler(io.BytesIO(out)).load()
        except _Disallowed as exc:
            debug_log(stderr_tail(err))
            raise CorruptFileError(f"解析结果含有无法传回的类型 {exc}", file=name) from None
        except Exception:
            reply = None
    if isinstance(reply, tuple) and len(reply) >= 2:
        kind, payload = reply[0], reply[1]
        if kind == "ok":
            debug_log(stderr_tail(err))
            return payload
        if kind == "loader_error":
            debug_log(stderr_tail(err))
            raise _rebuild(payload, name) from None
        if kind == "memory":
            debug_log(stderr_tail(err))
            raise memory_error from None
        if kind == "crash":
            debug_log(stderr_tail(err))
            debug_log(reply[2] if len(reply) > 2 else "")
            raise CorruptFileError(f"解析时出错（{payload}）", file=name) from None
    # No answer: the child died.
    text = stderr_tail(err)
    debug_log(text)
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
