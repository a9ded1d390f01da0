"""OCR speed and memory on one scanned report.

    .venv/bin/python bench/ocr.py [FILE]

Default FILE: a 4-page scan made from ../shared/real/yantai-medical-security-2026-budget.pdf
(pages 1, 7, 11, 12: cover, 收支总表 and the two-page 支出总表) by tests/scans.py.  The file is
parsed in the sandbox (as an upload is) and in a fresh child process in-process, which
prints seconds per scanned page and its peak resident memory (ru_maxrss, including the
interpreter, the imports and the OCR models).  Aim: at most 3 s per page on the 2-core
machine, peak memory under 1.5 GB.  Nothing is asserted.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

CHILD = r"""
import json, resource, sys, time
sys.path[:0] = [sys.argv[2], sys.argv[2] + "/tests"]
from pipeline import parse_bytes
from loaders.readers import ocr_engine
data = open(sys.argv[1], "rb").read()
t0 = time.perf_counter(); ocr_engine.engine(); load = time.perf_counter() - t0
t0 = time.perf_counter()
try:
    doc = parse_bytes(data, sys.argv[1].rsplit("/", 1)[-1]); outcome = "parsed"
    pages = len(doc["source"].get("ocr_pages") or [])
except Exception as exc:
    outcome = f"refused: {exc}"; pages = None
seconds = time.perf_counter() - t0
print(json.dumps({"load": load, "seconds": seconds, "pages": pages, "outcome": outcome,
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def default_scan() -> Path:
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    from scans import make_scan

    out = Path(tempfile.gettempdir()) / "budgetlens-bench-yantai-scan.pdf"
    if not out.exists():
        out.write_bytes(make_scan(SHARED / "real" / "yantai-medical-security-2026-budget.pdf", [1, 7, 11, 12]))
    return out


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else default_scan()
    print(f"file: {path.name}")
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path), str(ROOT)], capture_output=True, text=True)
    if proc.returncode != 0:
        print(proc.stderr[-2000:])
        sys.exit(1)
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"in-process: {r['outcome']}; engine load {r['load']:.2f} s; parse {r['seconds']:.1f} s", end="")
    if r["pages"]:
        print(f" for {r['pages']} scanned pages = {r['seconds'] / r['pages']:.2f} s/page", end="")
    print(f"; peak memory {r['maxrss_mb']:.0f} MB (ru_maxrss)")
    sys.path[:0] = [str(ROOT)]
    import resource

    from loaders.errors import LoaderError
    from loaders.sandbox import parse_file_sandboxed

    t0 = time.perf_counter()
    try:
        parse_file_sandboxed(path)
        outcome = "parsed"
    except LoaderError as exc:
        outcome = f"refused: {exc}"
    seconds = time.perf_counter() - t0
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"sandbox: {outcome}; {seconds:.1f} s including start-up; peak child memory {child_mb:.0f} MB")
    print(f"cores: {os.cpu_count()}; load average now: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
