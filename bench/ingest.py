"""How long parse + store takes, next to bare pdfplumber on the same pages.

    .venv/bin/python bench/ingest.py [--repeat N] [FILE ...]

For each PDF (default: ../shared/fixtures/xianghe-2024-budget.pdf and
../shared/real/yantai-medical-security-2026-budget.pdf) it prints:

* ours: ``pipeline.parse_bytes`` in-process + ``store.ingest.ingest_document``
  into a fresh temporary SQLite file, in seconds;
* pdfplumber: ``pdfplumber.open`` + ``page.extract_tables()`` on every page, seconds;
* the ratio ours / pdfplumber;
* sandbox: ``loaders.sandbox.parse_file_sandboxed`` (child process, parse only);
* peak memory of each measured step, as the ru_maxrss of a fresh child process
  that ran only that step (so it includes the interpreter and imports).

Each timing is the best of ``--repeat`` runs (default 1), measured inside the child
after its imports.  Nothing is asserted.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEFAULT_FILES = [
    SHARED / "fixtures" / "xianghe-2024-budget.pdf",
    SHARED / "real" / "yantai-medical-security-2026-budget.pdf",
]


# --------------------------------------------------------------------------- steps (run in a child)


def step_ours(path: Path, repeat: int) -> dict:
    from pipeline import parse_bytes
    from store.engine import dispose_engines
    from store.ingest import ingest_document

    data = path.read_bytes()
    best = None
    status = ""
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="budgetlens-bench-") as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            from store.engine import get_engine

            get_engine(url)  # schema creation is not part of the measurement
            t0 = time.perf_counter()
            doc = parse_bytes(data, path.name)
            t1 = time.perf_counter()
            result = ingest_document(doc, data, url=url)
            t2 = time.perf_counter()
            status = result.status
            dispose_engines()
        if best is None or t2 - t0 < best[0]:
            best = (t2 - t0, t1 - t0, t2 - t1)
    return {"seconds": best[0], "parse": best[1], "store": best[2], "status": status, "pages": doc["source"]["pages"]}


def step_pdfplumber(path: Path, repeat: int) -> dict:
    import pdfplumber

    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        n_tables = 0
        with pdfplumber.open(path) as pdf:
            pages = len(pdf.pages)
            for page in pdf.pages:
                n_tables += len(page.extract_tables())
        elapsed = time.perf_counter() - t0
        best = elapsed if best is None else min(best, elapsed)
    return {"seconds": best, "pages": pages, "tables": n_tables}


def step_sandbox(path: Path, repeat: int) -> dict:
    from loaders.sandbox import parse_file_sandboxed

    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        parse_file_sandboxed(path)
        elapsed = time.perf_counter() - t0
        best = elapsed if best is None else min(best, elapsed)
    # the parse ran in a grandchild: report the largest child's peak
    return {"seconds": best, "child_maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}


STEPS = {"ours": step_ours, "pdfplumber": step_pdfplumber, "sandbox": step_sandbox}


def child(step: str, path: str, repeat: int) -> None:
    sys.path.insert(0, str(ROOT))
    out = STEPS[step](Path(path), repeat)
    out["maxrss_kb"] = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, out.pop("child_maxrss_kb", 0))
    print(json.dumps(out))


def run_step(step: str, path: Path, repeat: int) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", step, str(path), "--repeat", str(repeat)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return {"error": tail}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--child", nargs=2, metavar=("STEP", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child[0], args.child[1], args.repeat)
        return 0

    files = args.files or DEFAULT_FILES
    header = (
        f"{'file':<42} {'pages':>5} {'ours s':>8} {'(parse':>7} {'store)':>7} "
        f"{'plumber s':>9} {'ratio':>6} {'sandbox s':>9} {'ours MB':>8} {'plumber MB':>10} {'sandbox MB':>10}"
    )
    print(header)
    print("-" * len(header))
    for path in files:
        path = Path(path)
        if not path.exists():
            print(f"{path.name:<42} missing ({path})")
            continue
        ours = run_step("ours", path, args.repeat)
        plumber = run_step("pdfplumber", path, args.repeat)
        sandboxed = run_step("sandbox", path, args.repeat)
        if "error" in ours or "error" in plumber:
            print(f"{path.name:<42} error: ours={ours.get('error', 'ok')} pdfplumber={plumber.get('error', 'ok')}")
            continue
        ratio = ours["seconds"] / plumber["seconds"] if plumber["seconds"] else float("nan")
        sb_s = f"{sandboxed['seconds']:9.2f}" if "seconds" in sandboxed else f"{'error':>9}"
        sb_mb = f"{sandboxed['maxrss_kb'] / 1024:10.0f}" if "maxrss_kb" in sandboxed else f"{'-':>10}"
        print(
            f"{path.name:<42} {plumber['pages']:>5} {ours['seconds']:8.2f} {ours['parse']:7.2f} {ours['store']:7.2f} "
            f"{plumber['seconds']:9.2f} {ratio:5.2f}x {sb_s} {ours['maxrss_kb'] / 1024:8.0f} "
            f"{plumber['maxrss_kb'] / 1024:10.0f} {sb_mb}"
        )
    print()
    print("ours = pipeline.parse_bytes in-process + store.ingest.ingest_document into a temp SQLite;")
    print("plumber = pdfplumber.open + extract_tables() on every page; ratio = ours / plumber;")
    print("sandbox = parse_file_sandboxed (child process, parse only, includes interpreter start-up).")
    print(f"MB = peak RSS (ru_maxrss) of a fresh child process that ran only that step; best of {args.repeat} run(s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
