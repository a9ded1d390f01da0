"""An unexpected error becomes one Chinese sentence with a reference id; the
log (``LOG_FILE`` setting, data/budgetlens.log by default) keeps the detail."""
from __future__ import annotations

import logging
import secrets
import threading
from pathlib import Path

import streamlit as st

import settings

_LOCK = threading.Lock()
_LOGGER: logging.Logger | None = None


def logger() -> logging.Logger:
    global _LOGGER
    with _LOCK:
        if _LOGGER is None:
            log = logging.getLogger("budgetlens")
            log.setLevel(logging.INFO)
            path = Path(str(settings.get("LOG_FILE")))
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
            except OSError:  # a read-only install: the server's own stderr
                handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
            log.addHandler(handler)
            log.propagate = False
            _LOGGER = log
    return _LOGGER


def report(exc: BaseException, where: str = "") -> str:
    """Log ``exc`` with its traceback under a new reference id; return the id."""
    ref = secrets.token_hex(4).upper()
    logger().error("error %s on %s: %s", ref, where or "page", exc, exc_info=(type(exc), exc, exc.__traceback__))
    return ref


def show(exc: BaseException, where: str = "") -> None:
    """The user's side of an unexpected error: one sentence and the reference id."""
    ref = report(exc, where)
    st.error(f"页面出现意外错误，已记录。请刷新页面重试；如仍出现，请把编号 {ref} 告诉管理员。", icon=":material/error:")
