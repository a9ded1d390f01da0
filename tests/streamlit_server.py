"""``streamlit run app.py`` on a free port for the browser tests: a fresh store
(no sample loading), the system Chromium for chart export, the log kept.
bench/first_start.py uses its port and health wait too (no pytest needed)."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(base: str, proc: subprocess.Popen, deadline_s: float, on_fail, interval: float = 0.3) -> None:
    """Until Streamlit's health endpoint answers ok; ``on_fail()`` when the
    process ended or the deadline passed."""
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=min(2.0, max(interval * 10, 1.0))) as r:
                if r.read().strip() == b"ok":
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            on_fail()
            return
        time.sleep(interval)


@contextlib.contextmanager
def serve(tmp: Path, database_url: str) -> Iterator[str]:
    """The app's base URL while it runs on ``database_url``; the server log is
    ``tmp/streamlit.log``."""
    env = dict(os.environ)
    env.update(
        BUDGETLENS_DATABASE_URL=database_url,
        BUDGETLENS_NO_SAMPLES="1",
        BROWSER_PATH=CHROMIUM,
        PYTHONPATH=os.pathsep.join([str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]),
    )
    env.pop("DATABASE_URL", None)
    port = free_port()
    log_path = tmp / "streamlit.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"

    def failed() -> None:
        import pytest

        log.flush()
        pytest.fail("streamlit did not start:\n" + log_path.read_text(errors="replace")[-3000:])

    try:
        wait_healthy(base, proc, 60, failed)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@contextlib.contextmanager
def launch_browser() -> Iterator:
    """Headless Chromium through Playwright; skips the test where Playwright is missing."""
    import pytest

    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            yield b
        finally:
            b.close()
