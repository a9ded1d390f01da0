"""``python -m loaders ingest DIR --jobs N``: a folder parsed in parallel children,
stored one file at a time, with the survey's progress and summary (loaders/batch.py)."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, SEEDS, cli_env, run_loaders
from loaders import batch, sandbox

SEED_000 = SEEDS / "000_e1a466dd2d0fafcf.txt"
SEED_002 = SEEDS / "002_fee3c3d538398af5.txt"
SHILONG_XLSX = FIXTURES / "shilong-2023-budget.xlsx"

EXPECTED = {  # file -> (agency, year, kind)
    SEED_000.name: ("香河县医疗保障局", 2024, "budget"),
    SEED_002.name: ("青龙满族自治县医疗保障局", 2023, "final_accounts"),
    SHILONG_XLSX.name: ("平顶山市石龙区医疗保障局", 2023, "budget"),
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three small reports (one in a subfolder), an empty PDF and a file the survey does not read."""
    d = tmp_path / "reports"
    (d / "sub").mkdir(parents=True)
    shutil.copy(SEED_000, d)
    shutil.copy(SEED_002, d)
    shutil.copy(SHILONG_XLSX, d / "sub")
    (d / "bad.pdf").write_bytes(b"")
    (d / "notes.csv").write_text("not read\n", encoding="utf-8")
    return d


def _outcomes(lines: list[str]) -> list[list[str]]:
    """(outcome, file) of the first four lines: one per file, in the folder's sorted order."""
    return [line.split("  ")[:2] for line in lines[:4]]


def _expected_outcomes(report: str) -> list[list[str]]:
    """Each report ``report`` ('stored', 'duplicate'); bad.pdf refused."""
    return [[report, SEED_000.name], [report, SEED_002.name], ["refused", "bad.pdf"], [report, SHILONG_XLSX.name]]


def test_ingest_folder_in_parallel_then_duplicates(folder, tmp_path, db_url):
    from store.queries import list_documents

    proc = run_loaders("ingest", folder, "--jobs", "2", "--db", db_url, timeout=120)
    assert proc.returncode == 2, proc.stdout + proc.stderr  # bad.pdf was refused
    lines = proc.stdout.splitlines()
    # one line per file in the order of the input (the folder's files sorted by path), then the summary
    assert _outcomes(lines) == _expected_outcomes("stored")
    assert lines[0].startswith(f"stored  {SEED_000.name}  香河县医疗保障局 2024 部门预算 (document ")
    assert lines[2] == "refused  bad.pdf  空文件"
    assert lines[4] == "文件 4 个：识别 3/4（75%），读全 0/4（0%）"
    assert lines[5] == "拒收：empty 1"
    assert lines[6].startswith("每页耗时中位数 ")
    assert len(lines) == 7
    # the progress, one line per file as each parse completes, on stderr
    progress = proc.stderr.splitlines()
    assert [line.split(" ")[0] for line in progress] == ["[1/4]", "[2/4]", "[3/4]", "[4/4]"]
    assert sorted(line.split(" ", 2)[2] for line in progress) == sorted([*EXPECTED, "bad.pdf"])
    assert "[4/4] " in proc.stderr and "拒收 bad.pdf" in proc.stderr
    assert "Traceback" not in proc.stderr

    docs = list_documents(url=db_url)
    assert len(docs) == 3
    stored = {row.file_name: (row.agency, row.year, row.kind) for row in docs.itertuples()}
    assert stored == EXPECTED
    assert (docs["line_items"] > 0).all()

    # the same folder again, serially, with a manifest: every report is a duplicate
    manifest = tmp_path / "manifest.tsv"
    manifest.write_text(
        "file\tkind\n"
        + "".join(f"{name}\treport\n" for name in EXPECTED)
        + "bad.pdf\tother\n",
        encoding="utf-8",
    )
    again = run_loaders("ingest", folder, "--jobs", "1", "--db", db_url, "--manifest", manifest, timeout=120)
    assert again.returncode == 2, again.stdout + again.stderr
    lines = again.stdout.splitlines()
    assert _outcomes(lines) == _expected_outcomes("duplicate")
    assert "已存在相同文件" in lines[0]
    assert lines[4] == "文件 4 个：识别 3/4（75%），读全 0/4（0%）"
    assert any(line.startswith("报告（report）3 个：") for line in lines[5:])
    assert "非公开文件（other）1 个：拒收并说明原因 1 个；识别 0，读全 0" in lines[5:]
    assert len(list_documents(url=db_url)) == 3


def test_ingest_files_and_folder_mixed(folder, db_url):
    """Files and folders together; a folder with nothing to read is one line on stderr."""
    empty = folder.parent / "empty"
    empty.mkdir()
    proc = run_loaders("ingest", SEED_002, empty, folder / "sub", "--db", db_url, "--jobs", "2", timeout=120)
    assert proc.returncode == 2
    assert f"{empty}：没有可解析的文件" in proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(f"stored  {SEED_002.name}  ")
    assert lines[1].startswith(f"stored  {SHILONG_XLSX.name}  ")
    assert lines[2] == "文件 2 个：识别 2/2（100%），读全 0/2（0%）"


def test_ingest_files_only_prints_no_summary(db_url):
    proc = run_loaders("ingest", SEED_000, "--jobs", "2", "--db", db_url, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert len(proc.stdout.splitlines()) == 1
    assert proc.stderr == ""


def test_jobs_must_be_positive():
    proc = run_loaders("ingest", SEED_000, "--jobs", "0")
    assert proc.returncode == 2
    assert "并行数须为正整数：0" in proc.stderr
    assert "Traceback" not in proc.stderr


# --------------------------------------------------------------------------- order and progress


def test_parse_in_order_yields_input_order_and_reports_completion(tmp_path):
    """Later files finishing first are held back; progress follows completion."""
    paths = []
    for i in range(6):
        p = tmp_path / f"{i}.txt"
        p.write_text(str(i))
        paths.append(p)
    delays = {"0.txt": 0.6, "1.txt": 0.0, "2.txt": 0.3, "3.txt": 0.0, "4.txt": 0.1, "5.txt": 0.0}
    threads = set()

    def fake_parse(data: bytes, name: str) -> dict:
        threads.add(threading.get_ident())
        time.sleep(delays[name])
        if name == "3.txt":
            from loaders.errors import NotAReportError

            raise NotAReportError("测试", file=name)
        return {"agency": f"单位{name}", "year": 2024, "kind": "budget"}

    seen = []
    got = [
        r for r in batch.parse_in_order(paths, jobs=3, progress=lambda k, n, g: seen.append((k, n, g.file)), parse=fake_parse)
    ]
    assert [r.name for r in got] == [p.name for p in paths]
    assert [r.data for r in got] == [str(i).encode() if i != 3 else None for i in range(6)]
    assert got[3].error is not None and got[3].grade.refused == "不是预决算公开文件：测试"
    assert got[0].grade.agency == "单位0.txt"
    assert [k for k, _, _ in seen] == [1, 2, 3, 4, 5, 6]
    assert seen[-1][1] == 6
    assert seen[0][2] != "0.txt"  # the slow first file did not finish first
    assert len(threads) > 1


# --------------------------------------------------------------------------- interruption


def test_store_interrupted_leaves_nothing(monkeypatch, db_url):
    """Ctrl-C in the middle of a store rolls the whole file back."""
    from pipeline import parse_bytes
    from store import ingest as ingest_mod
    from store.queries import counts_overview, list_documents

    data = SEED_000.read_bytes()
    doc = parse_bytes(data, SEED_000.name)

    def interrupted(_doc):  # called after the document, file and tables are flushed
        raise KeyboardInterrupt

    monkeypatch.setattr(ingest_mod, "all_findings", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ingest_mod.ingest_document(doc, data, url=db_url)
    assert counts_overview(url=db_url)["documents"] == 0
    assert counts_overview(url=db_url)["agencies"] == 0
    assert len(list_documents(url=db_url)) == 0


SLOW_TARGET = textwrap.dedent(
    """
    import os, time
    from pathlib import Path

    def parse(data, name):
        Path(os.environ["BATCH_TEST_PIDS"], str(os.getpid())).write_text(name)
        if name.startswith("slow"):
            time.sleep(600)
        from pipeline import parse_bytes
        return parse_bytes(data, name)
    """
)


def test_interrupted_ingest_leaves_no_children_and_no_partial_document(tmp_path, db_url):
    from store.queries import list_documents

    (tmp_path / "slowparse.py").write_text(SLOW_TARGET, encoding="utf-8")
    pids = tmp_path / "pids"
    pids.mkdir()
    d = tmp_path / "reports"
    # a folder is stored once all its files are parsed (its files may form one
    # report): a.txt is alone in its folder, so it is stored before the others end
    (d / "a").mkdir(parents=True)
    (d / "b").mkdir()
    shutil.copy(SEED_000, d / "a" / "a.txt")
    shutil.copy(SEED_002, d / "b" / "slow1.txt")
    shutil.copy(SHILONG_XLSX, d / "b" / "slow2.xlsx")
    # Ctrl-C in a terminal: a suite started in the background (``make test &``, nohup)
    # hands its processes SIGINT ignored, so the driver takes Python's own handler back
    driver = (
        "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "from loaders import sandbox; sandbox.TARGET = 'slowparse:parse'; "
        "from loaders.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    env = cli_env(BATCH_TEST_PIDS=str(pids))
    env["PYTHONPATH"] = os.pathsep.join([env["PYTHONPATH"], str(tmp_path)])
    proc = subprocess.Popen(
        [sys.executable, "-c", driver, "ingest", str(d), "--jobs", "2", "--db", db_url],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        first = proc.stdout.readline()  # a.txt stored; slow1 and slow2 are now parsing
        assert first.startswith("stored  a.txt  香河县医疗保障局 2024 部门预算"), first + proc.stderr.read()
        deadline = time.monotonic() + 30
        while len(list(pids.iterdir())) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        children = [int(p.name) for p in pids.iterdir()]
        assert len(children) == 3
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)  # to the parent only: it must end its children itself
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, out + err
    assert err.splitlines()[-1] == "已中断"
    assert "Traceback" not in err
    assert out == ""  # nothing printed for the interrupted files, no summary
    for pid in children:
        assert not _alive(pid), f"child {pid} outlived the run"
    docs = list_documents(url=db_url)
    assert list(docs["file_name"]) == ["a.txt"]
    assert int(docs["line_items"].iloc[0]) > 0


def _alive(pid: int) -> bool:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        time.sleep(0.1)
    return True


def test_a_long_batch_waits_on_disk_not_in_memory(monkeypatch, tmp_path):
    """Files of a folder wait for the folder's last file (they may form one report);
    beyond a few, their parses wait in temporary files and come back whole."""
    import glob
    import tempfile

    from loaders import batch
    from loaders.survey import Grade

    monkeypatch.setattr(batch, "HELD_IN_MEMORY", 2)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    results = [
        batch.Parsed(Path(f"{i}.txt"), f"{i}.txt", Grade(file=f"{i}.txt"), doc={"n": i}, data=b"x" * i) for i in range(5)
    ]
    seen_on_disk = []

    def produce():
        for r in results:
            yield r
            seen_on_disk.append(len(glob.glob(str(tmp_path / "budgetlens-parsed-*"))))

    out = list(batch.in_batches(produce(), ["d"] * 5))
    assert [[r.doc["n"] for r in group] for group in out] == [[0, 1, 2, 3, 4]]
    assert [r.data for r in out[0]] == [b"x" * i for i in range(5)]
    assert seen_on_disk[:4] == [0, 0, 1, 2]  # beyond two, each waited on disk until the last file came
    assert glob.glob(str(tmp_path / "budgetlens-parsed-*")) == []  # and were removed
