"""Progress of a long parse (OCR), reported page by page.

Readers call ``report(done, total, stage)``; whoever runs the parse installs a
listener with ``listen(fn)``.  In the sandbox child the listener writes one
control line per call to the parent (``loaders.sandbox``), which passes it on
to the CLI (stderr) or the upload page (``st.progress``).

``announce_ocr(pages)`` tells the listener, before the slow part starts, how
many pages will be read by OCR: the sandbox raises the child's time and memory
limits by ``OCR_SECONDS_PER_PAGE`` per page (settings) when it hears it.
"""
from __future__ import annotations

from typing import Callable

Listener = Callable[[str, int, int], None]  # (event, done or pages, total)

_listeners: list[Listener] = []


def listen(fn: Listener | None) -> None:
    """Install ``fn`` as the only listener (None removes it)."""
    _listeners.clear()
    if fn is not None:
        _listeners.append(fn)


def report(done: int, total: int, stage: str = "ocr") -> None:
    for fn in list(_listeners):
        fn(stage, done, total)


def announce_ocr(pages: int) -> None:
    for fn in list(_listeners):
        fn("ocr_pages", pages, pages)
