"""Many writers at once, and a writer killed mid-transaction (issue 12).

Eight processes ingest at the same moment into one store — on SQLite (WAL, a
busy timeout, write transactions that take the lock up front) and on the
throwaway PostgreSQL server — several of them creating the same agency; all
must be stored.  An ingest killed with SIGKILL at any moment leaves either its
whole document or nothing.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from concurrency_worker import ingest_one, run_writers
import pgcluster
from store.engine import dispose_engines, get_engine
from store.models import Agency, Document, LineItem

HERE = Path(__file__).resolve().parent
DATABASES = pgcluster.databases()



@pytest.mark.parametrize("kind", DATABASES)
def test_eight_simultaneous_ingests_all_succeed(kind, tmp_path):
    url = pgcluster.database_url(kind, tmp_path, "concurrent")
    get_engine(url)  # the schema exists before the writers start, as in the app
    results = run_writers(url, 8)
    assert [(n, status) for n, status, _ in results] == [(n, "stored") for n in range(8)], results
    engine = get_engine(url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Document)) == 8
        assert conn.scalar(select(func.count()).select_from(Agency)) == 3
    dispose_engines()


@pytest.mark.parametrize("kind", DATABASES)
def test_an_ingest_killed_at_any_moment_leaves_no_partial_document(kind, tmp_path):
    url = pgcluster.database_url(kind, tmp_path, "killed")
    engine = get_engine(url)
    lines = 3000
    env = dict(os.environ, PYTHONPATH=str(HERE.parent))
    outcomes = []
    for n, delay in enumerate((0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.4)):
        proc = subprocess.Popen([sys.executable, str(HERE / "concurrency_worker.py"), url, str(n), str(lines)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        outcomes.append(proc.returncode)
        with engine.connect() as conn:
            docs = conn.execute(select(Document.id)).scalars().all()
            for doc_id in docs:
                count = conn.scalar(select(func.count()).select_from(LineItem).where(LineItem.document_id == doc_id))
                assert count >= lines, f"document {doc_id} half-written: {count} of {lines} lines"
    assert -signal.SIGKILL in outcomes, "at least one ingest was really killed"
    # and the store still takes writes afterwards
    n, status, message = ingest_one(url, 99, 0.0, 10)
    assert status == "stored", message
    dispose_engines()


def test_the_parse_child_dies_with_its_parent(tmp_path):
    """A parent killed with SIGKILL in the middle of a parse leaves no child running."""
    pidfile = tmp_path / "child.pid"
    script = tmp_path / "parent.py"
    script.write_text(
        "import sys, threading, time, os\n"
        f"sys.path[:0] = [{str(HERE.parent)!r}, {str(HERE)!r}]\n"
        "from loaders import sandbox\n"
        "sandbox.TARGET = 'slow_target:parse'\n"
        "t = threading.Thread(target=lambda: sandbox.parse_file_sandboxed(b'%PDF-1.4 slow', 'slow.pdf'), daemon=True)\n"
        "t.start()\n"
        "time.sleep(60)\n",
        encoding="utf-8",
    )
    parent = subprocess.Popen([sys.executable, str(script)], env=dict(os.environ, PYTHONPATH=str(HERE.parent)))
    child = None
    for _ in range(100):  # wait for the parse child to start
        time.sleep(0.2)
        out = subprocess.run(["pgrep", "-P", str(parent.pid), "-f", "loaders _child"], capture_output=True, text=True)
        if out.stdout.strip():
            child = int(out.stdout.split()[0])
            break
    assert child is not None, "the parse child started"
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    for _ in range(50):
        time.sleep(0.1)
        if not os.path.exists(f"/proc/{child}") or "Z" in open(f"/proc/{child}/stat").read().split()[2]:
            break
    alive = os.path.exists(f"/proc/{child}") and "Z" not in open(f"/proc/{child}/stat").read().split()[2]
    if alive:  # leave nothing behind, then fail
        os.kill(child, signal.SIGKILL)
    assert not alive, "the parse child outlived its killed parent"


@pytest.mark.parametrize("kind", DATABASES)
def test_eight_uploads_at_once_through_the_apps_path_all_succeed(kind, tmp_path):
    """Streamlit serves each browser session in a thread of one process: eight
    sessions uploading at once go through store.samples.parse_and_ingest together."""
    from concurrent.futures import ThreadPoolExecutor

    from store import samples
    from variants import text as text_doc

    url = pgcluster.database_url(kind, tmp_path, "uploads")
    engine = get_engine(url)

    def upload(n: int):
        summary = [["收入", "", "支出", ""], ["项目", "预算数", "项目", "预算数"],
                   ["一、一般公共预算拨款收入", f"{100 + n}.00", "一、卫生健康支出", f"{100 + n}.00"],
                   ["本年收入合计", f"{100 + n}.00", "本年支出合计", f"{100 + n}.00"]]
        data = text_doc([f"{'甲乙丙'[n % 3]}县卫生健康局{2000 + n}年部门预算", "部门收支总表", "单位：万元", summary]).encode("utf-8")
        return samples.parse_and_ingest(data, f"upload{n}.txt", engine=engine)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(upload, range(8)))
    assert [r.status for r in results] == ["stored"] * 8, [r.message for r in results]
    dispose_engines()
