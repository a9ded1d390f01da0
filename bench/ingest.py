"""How long parse + store takes, next to bare pdfplumber on the same pages.

    .venv/bin/python bench/ingest.py [--runs N] [--folder DIR] [--reports 20] [--no-batch] [FILE ...]

For each PDF (default: ../shared/fixtures/xianghe-2024-budget.pdf and
../shared/real/yantai-medical-security-2026-budget.pdf) it prints:

* ours: ``pipeline.parse_bytes`` in-process + ``store.ingest.ingest_document``
  into a fresh temporary SQLite file, in seconds;
* pdfplumber: ``pdfplumber.open`` + ``page.extract_tables()`` + ``page.extract_text()``
  on every page, seconds;
* the ratio ours / pdfplumber: the two are measured side by side in ONE child
  process, alternating (ours, pdfplumber, ours, …) ``--runs`` times (default 5),
  so that the machine's other load falls on both alike; each is the median;
* cpu: the same ratio in CPU seconds of that process (``time.process_time``):
  the machine's other load moves it less than the wall-clock ratio;
* sandbox: ``loaders.sandbox.parse_file_sandboxed`` (child process, parse only);
* peak memory of each measured step, as the ru_maxrss of a fresh child process
  that ran only that step once (so it includes the interpreter and imports).

Then, unless ``--no-batch``:

* batch: ``python -m loaders ingest DIR --jobs 1`` and ``--jobs 2`` on a folder of
  the first ``--reports`` (20) PDFs of ``--folder`` (../shared/corpus/files), each into
  a fresh SQLite file, and the speed-up jobs 1 / jobs 2;
* peak memory of parse + store on the longest report (most pages) in ``--folder``.

Nothing is asserted.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
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
DEFAULT_FOLDER = SHARED / "corpus" / "files"


# --------------------------------------------------------------------------- steps (run in a child)


def _ours_once(path: Path) -> dict:
    from pipeline import parse_bytes
    from store.engine import dispose_engines, get_engine
    from store.ingest import ingest_document

    data = path.read_bytes()
    with tempfile.TemporaryDirectory(prefix="budgetlens-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        get_engine(url)  # schema creation is not part of the measurement
        c0 = time.process_time()
        t0 = time.perf_counter()
        doc = parse_bytes(data, path.name)
        t1 = time.perf_counter()
        result = ingest_document(doc, data, url=url)
        t2 = time.perf_counter()
        c2 = time.process_time()
        dispose_engines()
    return {"seconds": t2 - t0, "parse": t1 - t0, "store": t2 - t1, "cpu": c2 - c0, "status": result.status,
            "pages": doc["source"]["pages"]}


def _plumber_once(path: Path) -> dict:
    import pdfplumber

    c0 = time.process_time()
    t0 = time.perf_counter()
    n_tables = 0
    with pdfplumber.open(path) as pdf:
        pages = len(pdf.pages)
        for page in pdf.pages:
            n_tables += len(page.extract_tables())
            page.extract_text()
    return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0, "pages": pages, "tables": n_tables}


def step_ours(path: Path, repeat: int) -> dict:
    return _ours_once(path)


def step_pdfplumber(path: Path, repeat: int) -> dict:
    return _plumber_once(path)


def step_pair(path: Path, repeat: int) -> dict:
    """ours and pdfplumber alternately, ``repeat`` times each, after one warm-up of each (imports, caches)."""
    _ours_once(path)
    _plumber_once(path)
    ours, plumber = [], []
    for _ in range(repeat):
        ours.append(_ours_once(path))
        plumber.append(_plumber_once(path))
    med = lambda runs, key: statistics.median(r[key] for r in runs)  # noqa: E731
    ratios = [o["seconds"] / p["seconds"] for o, p in zip(ours, plumber)]
    return {"seconds": med(ours, "seconds"), "parse": med(ours, "parse"), "store": med(ours, "store"),
            "plumber": med(plumber, "seconds"), "pages": plumber[0]["pages"], "status": ours[0]["status"],
            "ratio": med(ours, "seconds") / med(plumber, "seconds"), "ratio_min": min(ratios),
            "ratio_max": max(ratios), "cpu_ratio": med(ours, "cpu") / med(plumber, "cpu")}


def step_sandbox(path: Path, repeat: int) -> dict:
    from loaders.sandbox import parse_file_sandboxed

    t0 = time.perf_counter()
    parse_file_sandboxed(path)
    best = time.perf_counter() - t0
    # the parse ran in a grandchild: report the largest child's peak
    return {"seconds": best, "child_maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}


STEPS = {"ours": step_ours, "pdfplumber": step_pdfplumber, "sandbox": step_sandbox, "pair": step_pair}


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


# --------------------------------------------------------------------------- batch


def _pages(path: Path) -> int:
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(str(path))
    except Exception:  # noqa: BLE001 - not a readable PDF: not the longest
        return 0
    try:
        return len(pdf)
    finally:
        pdf.close()


def batch_speedup(folder: Path, reports: int) -> dict:
    """``loaders ingest DIR --jobs 1`` against ``--jobs 2`` on the first ``reports`` PDFs of ``folder``."""
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".pdf")[:reports]
    out: dict = {"files": len(files)}
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    with tempfile.TemporaryDirectory(prefix="budgetlens-batch-") as tmp:
        src = Path(tmp) / "reports"
        src.mkdir()
        for p in files:
            shutil.copy(p, src / p.name)
        for jobs in (1, 2):
            db = Path(tmp) / f"jobs{jobs}.db"
            t0 = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "loaders", "ingest", str(src), "--jobs", str(jobs),
                                   "--db", f"sqlite:///{db}"], cwd=ROOT, env=env, capture_output=True, text=True)
            out[f"jobs{jobs}"] = time.perf_counter() - t0
            out[f"stored{jobs}"] = sum(1 for line in proc.stdout.splitlines() if line.startswith("stored"))
    out["speedup"] = out["jobs1"] / out["jobs2"] if out["jobs2"] else float("nan")
    return out


# --------------------------------------------------------------------------- report


def peak_memory(folder: Path, tries: int = 5) -> None:
    """Peak memory of parse + store on the longest report of ``folder``: the PDFs
    by pages, the longest first; one that is refused (not a report) is named and
    the next longest measured."""
    pdfs = [p for p in folder.iterdir() if p.suffix.lower() == ".pdf"]
    for path in sorted(pdfs, key=lambda p: (_pages(p), p.stat().st_size), reverse=True)[:tries]:
        peak = run_step("ours", path, 1)
        if "maxrss_kb" in peak:
            print(f"peak memory: {peak['maxrss_kb'] / 1024:.0f} MB for parse + store of the longest report, "
                  f"{path.name} ({peak['pages']} pages, {peak['seconds']:.1f} s)")
            return
        print(f"peak memory: {path.name} ({_pages(path)} pages): refused — {str(peak.get('error'))[:80]}; the next longest")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--runs", "--repeat", dest="repeat", type=int, default=5)
    ap.add_argument("--folder", type=Path, default=DEFAULT_FOLDER)
    ap.add_argument("--reports", type=int, default=20)
    ap.add_argument("--no-batch", action="store_true")
    ap.add_argument("--child", nargs=2, metavar=("STEP", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child[0], args.child[1], args.repeat)
        return 0

    files = args.files or DEFAULT_FILES
    header = (
        f"{'file':<42} {'pages':>5} {'ours s':>8} {'(parse':>7} {'store)':>7} "
        f"{'plumber s':>9} {'ratio':>6} {'range':>11} {'cpu':>6} {'sandbox s':>9} {'ours MB':>8} {'plumber MB':>10} "
        f"{'sandbox MB':>10}"
    )
    print(f"load average at the start: {_load()}")
    print(header)
    print("-" * len(header))
    for path in files:
        path = Path(path)
        if not path.exists():
            print(f"{path.name:<42} missing ({path})")
            continue
        pair = run_step("pair", path, args.repeat)
        ours_mem = run_step("ours", path, 1)
        plumber_mem = run_step("pdfplumber", path, 1)
        sandboxed = run_step("sandbox", path, 1)
        if "error" in pair:
            print(f"{path.name:<42} error: {pair['error']}")
            continue
        sb_s = f"{sandboxed['seconds']:9.2f}" if "seconds" in sandboxed else f"{'error':>9}"
        sb_mb = f"{sandboxed['maxrss_kb'] / 1024:10.0f}" if "maxrss_kb" in sandboxed else f"{'-':>10}"
        mem = lambda r: f"{r['maxrss_kb'] / 1024:.0f}" if "maxrss_kb" in r else "-"  # noqa: E731
        print(
            f"{path.name:<42} {pair['pages']:>5} {pair['seconds']:8.2f} {pair['parse']:7.2f} {pair['store']:7.2f} "
            f"{pair['plumber']:9.2f} {pair['ratio']:5.2f}x {pair['ratio_min']:5.2f}–{pair['ratio_max']:<5.2f} "
            f"{pair['cpu_ratio']:5.2f}x {sb_s} "
            f"{mem(ours_mem):>8} {mem(plumber_mem):>10} {sb_mb}"
        )
    print()
    print("ours = pipeline.parse_bytes in-process + store.ingest.ingest_document into a temp SQLite;")
    print("plumber = pdfplumber.open + extract_tables() + extract_text() on every page; ratio = ours / plumber,")
    print(f"medians of {args.repeat} alternating runs in one process (range: the per-run ratios);")
    print("cpu = the same ratio in CPU seconds of that process (time.process_time), which other load moves less;")
    print("sandbox = parse_file_sandboxed (child process, parse only, includes interpreter start-up).")
    print("MB = peak RSS (ru_maxrss) of a fresh child process that ran only that step once.")
    if not args.no_batch and args.folder.is_dir():
        print()
        batch = batch_speedup(args.folder, args.reports)
        print(f"batch: {batch['files']} reports of {args.folder}: --jobs 1 {batch['jobs1']:.1f} s "
              f"({batch['stored1']} stored), --jobs 2 {batch['jobs2']:.1f} s ({batch['stored2']} stored), "
              f"speed-up {batch['speedup']:.2f}x")
        peak_memory(args.folder)
    print(f"load average at the end: {_load()}")
    return 0


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
