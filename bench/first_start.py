"""How long a fresh clone's first ``make run`` takes to show data.

    .venv/bin/python bench/first_start.py [--venv DIR] [--keep]

1. ``git clone`` this repository (its committed HEAD) into a temporary folder —
   no data/budgetlens.db, nothing loaded: what a new user gets;
2. gives the clone a ready virtual environment (a symlink to ``--venv``, default
   the one running this script) and runs ``make setup`` once, so that what is
   timed starts when the install has ended (setup's own time is printed too);
3. starts ``make run`` (headless, a free port) and, with headless Chromium
   (Playwright, /usr/bin/chromium), opens the first page as soon as the server
   answers, and waits until it shows data: the 概览 KPI row and the heading
   “各部门最新一份报告的支出” with its chart, i.e. the samples are stored.

It prints the seconds from starting ``make run`` to the server answering and to
data on the first page.  The issue's bound is 20 s.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from streamlit_server import free_port, wait_healthy  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
DATA_TEXT = "各部门最新一份报告的支出"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--venv", type=Path, default=Path(sys.prefix))
    ap.add_argument("--keep", action="store_true", help="keep the clone (its path is printed)")
    ap.add_argument("--timeout", type=float, default=180)
    args = ap.parse_args(argv)

    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="budgetlens-first-start-"))
    clone = tmp / "budgetlens"
    proc = None
    try:
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        (clone / ".venv").symlink_to(args.venv.resolve(), target_is_directory=True)
        for name in ("requirements.txt", "requirements-ocr.txt"):
            if (clone / name).read_bytes() != (ROOT / name).read_bytes():
                sys.exit(f"{name} differs from the venv's checkout; run from the same commit")
        env = {k: v for k, v in os.environ.items() if not k.startswith("BUDGETLENS_") and k != "DATABASE_URL"}
        t = time.perf_counter()
        subprocess.run(["make", "setup"], cwd=clone, env=env, check=True, stdout=subprocess.DEVNULL)
        setup_s = time.perf_counter() - t
        port = free_port()
        streamlit_args = (f"--server.headless true --server.port {port} --server.address 127.0.0.1 "
                          "--browser.gatherUsageStats false")
        log = open(tmp / "run.log", "wb")
        t0 = time.perf_counter()
        proc = subprocess.Popen(["make", "run", f"STREAMLIT_ARGS={streamlit_args}"], cwd=clone, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base, proc, args.timeout, lambda: sys.exit(
            "the app did not start:\n" + (tmp / "run.log").read_text(errors="replace")[-2000:]), interval=0.1)
        up_s = time.perf_counter() - t0
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(base, wait_until="domcontentloaded")
            page.get_by_text(DATA_TEXT).first.wait_for(timeout=args.timeout * 1000)
            page.locator('[data-testid="stMetric"]').first.wait_for(timeout=args.timeout * 1000)
            data_s = time.perf_counter() - t0
            metrics = page.locator('[data-testid="stMetric"]').all_inner_texts()
            browser.close()
        print(f"setup (make setup, venv ready): {setup_s:.1f} s")
        print(f"make run → server answers: {up_s:.1f} s")
        print(f"make run → data on the first page: {data_s:.1f} s  ({' · '.join(m.replace(chr(10), ' ') for m in metrics[:3])})")
        print(f"first start: {data_s:.1f} s (bound 20 s)")
        return 0 if data_s <= 20 else 1
    finally:
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        if args.keep:
            print(f"clone kept: {clone}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
