"""Run in child processes by tests/test_concurrency.py and bench/concurrency.py:
one ingest of a small constructed document, started at a set moment so that
all children write at once."""
from __future__ import annotations

import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
for path in (os.path.dirname(HERE), HERE):
    if path not in sys.path:
        sys.path.insert(0, path)


def ingest_one(url: str, n: int, start_at: float, lines: int = 40) -> tuple[int, str, str]:
    """(n, status, message) of ingesting document ``n``: agencies repeat every
    third document so that several writers create the same agency at once."""
    from fixtures_store import small_doc
    from store.ingest import ingest_document

    doc, data = small_doc(agency=f"并发测试县第{n % 3}局", year=2000 + n, file=f"doc{n}.pdf", content=f"%PDF-{n}".encode())
    base = doc["function_lines"][0]
    doc["function_lines"] = [dict(base, code=f"210{i:02d}", row=i + 1) for i in range(lines)]
    delay = start_at - time.time()
    if delay > 0:
        time.sleep(delay)
    try:
        result = ingest_document(doc, data, url=url)
    except Exception as exc:  # reported, so the caller can count failures
        return n, "failed", f"{type(exc).__name__}: {exc}"[:300]
    return n, result.status, result.message


def run_writers(url: str, writers: int, start_in: float = 3.0) -> list[tuple[int, str, str]]:
    """``writers`` processes each ingesting one document at the same moment; their results.

    Plain child processes (not multiprocessing, whose children re-run the
    parent's main module — under pytest, whatever a test made it)."""
    import json
    import subprocess

    start_at = time.time() + start_in
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.dirname(HERE), HERE]))
    procs = [
        subprocess.Popen([sys.executable, os.path.abspath(__file__), url, str(n), "40", str(start_at)],
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in range(writers)
    ]
    results = []
    for n, proc in enumerate(procs):
        out, err = proc.communicate(timeout=300)
        try:
            results.append(tuple(json.loads(out.strip().splitlines()[-1])))
        except (ValueError, IndexError):
            results.append((n, "failed", (err or out)[-300:]))
    return results


if __name__ == "__main__":  # python tests/concurrency_worker.py URL N LINES [START_AT]: one ingest
    import json

    url, n, lines = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    start_at = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    print(json.dumps(ingest_one(url, n, start_at, lines), ensure_ascii=False), flush=True)
