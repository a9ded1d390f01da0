"""N ingests at the same moment into one store, on SQLite and on PostgreSQL.

    .venv/bin/python bench/concurrency.py [--writers 8] [--pg URL]

Each writer is a separate process storing one small document (several of them
for the same agency); the table gives, per database, how many were stored,
how many failed, and the seconds from the common start to the last commit.
PostgreSQL: ``--pg URL``, else ``BUDGETLENS_TEST_PG_URL``, else a throwaway
server (tests/pgcluster.py) when PostgreSQL is installed.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from concurrency_worker import run_writers  # noqa: E402


def run(url: str, writers: int) -> tuple[int, int, float]:
    from store.engine import dispose_engines, get_engine

    get_engine(url)
    dispose_engines()
    start_at = time.time() + 3.0
    results = run_writers(url, writers, start_in=3.0)
    seconds = time.time() - start_at
    stored = sum(1 for _n, status, _m in results if status == "stored")
    for _n, status, message in results:
        if status != "stored":
            print(f"  {status}: {message}", file=sys.stderr)
    return stored, writers - stored, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--pg", default=os.environ.get("BUDGETLENS_TEST_PG_URL"))
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(("SQLite", *run(f"sqlite:///{Path(tmp) / 'bench.db'}", args.writers)))
    cluster = None
    url = args.pg
    if not url:
        import pgcluster

        cluster = pgcluster.start()
        url = cluster.url if cluster else None
    try:
        if url:
            rows.append(("PostgreSQL", *run(url, args.writers)))
        else:
            print("PostgreSQL: not installed, skipped", file=sys.stderr)
    finally:
        if cluster is not None:
            import pgcluster

            pgcluster.stop(cluster)
    print(f"{'database':<12}{'writers':>8}{'stored':>8}{'failed':>8}{'seconds':>9}")
    for name, stored, failed, seconds in rows:
        print(f"{name:<12}{args.writers:>8}{stored:>8}{failed:>8}{seconds:>9.2f}")


if __name__ == "__main__":
    main()
