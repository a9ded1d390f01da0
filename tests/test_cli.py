"""``python -m loaders parse|ingest|check`` as a person runs them, and loaders.jsonout."""
from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path, PurePosixPath

import pytest

from conftest import FIXTURES, SEEDS, run_loaders
from loaders import jsonout

SEED_000 = SEEDS / "000_e1a466dd2d0fafcf.txt"
SEED_002 = SEEDS / "002_fee3c3d538398af5.txt"


# --------------------------------------------------------------------------- jsonout


def test_jsonout_decimals_are_plain_strings():
    doc = {"a": Decimal("6570.38"), "b": Decimal("1E+2"), "c": Decimal("1E-7"), "d": Decimal("-0.50"), "e": None}
    out = json.loads(jsonout.dumps(doc))
    assert out == {"a": "6570.38", "b": "100", "c": "0.0000001", "d": "-0.50", "e": None}
    assert "E" not in jsonout.dumps(doc)


def test_jsonout_chinese_indent_and_odd_types():
    @dataclass
    class Src:
        file: str
        path: Path

    text = jsonout.dumps(
        {
            "agency": "香河县医疗保障局",
            "src": Src("a.pdf", PurePosixPath("/tmp/a.pdf")),
            "spans": {(0, 1): (1, 2)},
            "tags": {"b", "a"},
            "row": ("x", Decimal("1.0")),
        }
    )
    assert "香河县医疗保障局" in text  # ensure_ascii=False
    assert text.startswith("{\n  ")  # indent=2
    out = json.loads(text)
    assert out["src"] == {"file": "a.pdf", "path": "/tmp/a.pdf"}
    assert out["spans"] == {"0,1": [1, 2]}
    assert out["tags"] == ["a", "b"]
    assert out["row"] == ["x", "1.0"]


# --------------------------------------------------------------------------- parse


def test_parse_prints_document_json():
    proc = run_loaders("parse", SEED_000)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == ""
    doc = json.loads(proc.stdout)
    assert doc["schema"] == "budgetlens.document/1"
    assert doc["agency"] == "香河县医疗保障局"
    assert doc["year"] == 2024
    assert doc["source"]["file"] == SEED_000.name
    # amounts are decimal strings, never floats
    assert doc["totals"]["revenue_total"] == "6570.38"
    assert all(v is None or isinstance(v, str) for v in doc["totals"].values())


def test_parse_output_equals_in_process_pipeline():
    from pipeline import parse_bytes

    proc = run_loaders("parse", SEED_002)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == jsonout.dumps(parse_bytes(SEED_002.read_bytes(), SEED_002.name)) + "\n"


def test_parse_pdf_fixture():
    pdf = FIXTURES / "xianghe-2024-budget.pdf"
    proc = run_loaders("parse", pdf)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert (doc["agency"], doc["year"], doc["kind"]) == ("香河县医疗保障局", 2024, "budget")
    assert doc["source"]["format"] == "pdf"


def test_parse_missing_file_is_one_line():
    proc = run_loaders("parse", "no/such/file.pdf")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "file.pdf：文件不存在"
    assert proc.stdout == ""


def test_no_command_shows_usage():
    proc = run_loaders()
    assert proc.returncode == 2
    assert "usage" in proc.stderr.lower()
    assert "Traceback" not in proc.stderr


# --------------------------------------------------------------------------- ingest


def test_ingest_stored_duplicate_refused(tmp_path, db_url):
    from store.queries import counts_overview

    proc = run_loaders("ingest", SEED_000, "--db", db_url)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    line = proc.stdout.strip()
    assert line.startswith(f"stored  {SEED_000.name}  香河县医疗保障局 2024 部门预算 (document ")
    assert counts_overview(url=db_url)["documents"] == 1

    proc = run_loaders("ingest", SEED_000, "--db", db_url)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith(f"duplicate  {SEED_000.name}  ")

    # same agency / year / kind / scope from other bytes: refused unless --replace
    other = tmp_path / "xianghe-copy.txt"
    other.write_bytes(SEED_000.read_bytes() + b"\n")
    proc = run_loaders("ingest", other, "--db", db_url)
    assert proc.returncode == 2
    assert proc.stdout.startswith("refused  xianghe-copy.txt  ")
    assert "Traceback" not in proc.stderr
    assert counts_overview(url=db_url)["documents"] == 1

    proc = run_loaders("ingest", other, "--db", db_url, "--replace")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("stored  xianghe-copy.txt  ")
    assert counts_overview(url=db_url)["documents"] == 1


def test_ingest_mixed_good_and_bad(tmp_path, db_url):
    from store.queries import counts_overview

    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"")
    proc = run_loaders("ingest", SEED_002, bad, "--db", db_url)
    assert proc.returncode == 2
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(f"stored  {SEED_002.name}  青龙满族自治县医疗保障局 2023 部门决算")
    assert lines[1] == "refused  bad.pdf  空文件"
    assert counts_overview(url=db_url)["documents"] == 1


def test_ingest_uses_database_url_setting(tmp_path):
    from store.queries import counts_overview

    url = f"sqlite:///{tmp_path / 'env.db'}"
    proc = run_loaders("ingest", SEED_000, BUDGETLENS_DATABASE_URL=url)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert counts_overview(url=url)["documents"] == 1


# --------------------------------------------------------------------------- check


def test_check_lists_findings_and_summary():
    proc = run_loaders("check", SEED_002)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[0].startswith("青龙满族自治县医疗保障局 2023 部门决算")
    assert lines[-1].startswith("共 ")


def test_check_renders_findings():
    from loaders.cli import render_findings

    doc = {
        "agency": "香河县医疗保障局",
        "year": 2024,
        "kind": "budget",
        "source": {"file": "x.pdf"},
        "findings": [
            {"rule": "identity.totals", "severity": "warning", "message": "收入总计 ≠ 支出总计", "page": 2},
            {"rule": "identity.three_public", "severity": "error", "message": "三公合计不等", "page": 9,
             "table": "财政拨款“三公”经费支出表", "row": 3},
            {"rule": "narrative.amount", "severity": "info", "message": "说明中的金额\n与表格一致", "page": None},
        ],
    }
    text = render_findings(doc)
    lines = text.splitlines()
    assert lines[0] == "香河县医疗保障局 2024 部门预算（x.pdf）"
    # grouped by family (名称与年度一致 before 说明与表格), errors first within a family
    assert lines[1] == "【名称与年度一致】"
    assert lines[2] == "1. [错误] identity.three_public  第9页，财政拨款“三公”经费支出表，第3行"
    assert lines[3] == "   三公合计不等"
    assert lines[4] == "2. [警告] identity.totals  第2页"
    assert lines[6] == "【说明与表格】"
    assert lines[7] == "3. [提示] narrative.amount"
    assert lines[8] == "   说明中的金额 与表格一致"
    assert lines[-1] == "共 3 条：错误 1 条，警告 1 条，提示 1 条"
    assert render_findings({"findings": []}).splitlines()[-1] == "共 0 条：未发现问题"


def test_check_bad_file_is_one_line(tmp_path):
    f = tmp_path / "e.docx"
    f.write_bytes(b"")
    proc = run_loaders("check", f)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "e.docx：空文件"


def test_check_lists_self_evaluation_findings_too():
    """`check` shows the scoring engine's findings beside the table checks:
    seed 002 item (12) states 98 in its narrative against 97 in its table."""
    import subprocess
    import sys

    from golden import seed_path

    result = subprocess.run(
        [sys.executable, "-m", "loaders", "check", str(seed_path("002"))],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    at = [i for i, l in enumerate(lines) if "score.narrative_mismatch" in l]
    assert at, result.stdout
    messages = [lines[i + 1] for i in at]
    assert any("自评：" in m and "98分" in m and "97分" in m for m in messages)


def test_ingest_asks_for_the_identity_the_document_does_not_give(tmp_path, db_url):
    from store.queries import counts_overview

    nameless = tmp_path / "报表.txt"
    nameless.write_text(
        "2026年部门预算\n\n部门收支总表\n单位：万元\n\n收入\t\t支出\t\n项目\t预算数\t项目\t预算数\n"
        "一、一般公共预算拨款收入\t100.00\t一、卫生健康支出\t100.00\n本年收入合计\t100.00\t本年支出合计\t100.00\n",
        encoding="utf-8",
    )
    proc = run_loaders("ingest", nameless, "--db", db_url)
    assert proc.returncode == 2
    assert proc.stdout.strip() == "refused  报表.txt  未识别单位名称：请用 --agency 指定，未保存"
    assert counts_overview(url=db_url)["documents"] == 0

    proc = run_loaders("ingest", nameless, "--db", db_url, "--agency", "某县卫生健康局", "--kind", "预算")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("stored  报表.txt  某县卫生健康局 2026 部门预算")

    proc = run_loaders("parse", nameless, "--year", "26")
    assert proc.returncode == 2 and "年度须为四位年份" in proc.stderr


def test_settings_never_print_the_database_password():
    proc = run_loaders("settings", BUDGETLENS_DATABASE_URL="postgresql+psycopg://bureau:s3cr3t@db.local:5432/bl")
    assert proc.returncode == 0, proc.stderr
    assert "s3cr3t" not in proc.stdout
    assert "DATABASE_URL = postgresql+psycopg://bureau:***@db.local:5432/bl" in proc.stdout


def test_user_command_manages_accounts_and_hashes_passwords(tmp_path):
    url = f"sqlite:///{tmp_path / 'users.db'}"
    proc = run_loaders("user", "list", "--db", url)
    assert proc.returncode == 0 and "本机单用户模式" in proc.stdout
    proc = subprocess_run_with_input(["user", "add", "张三", "--role", "admin", "--password-stdin", "--db", url], "s3cret-pass\n")
    assert proc.returncode == 0, proc.stderr
    proc = subprocess_run_with_input(["user", "add", "李四", "--password-stdin", "--db", url], "short\n")
    assert proc.returncode == 2 and "密码至少 8 位" in proc.stderr
    proc = run_loaders("user", "list", "--db", url)
    assert "张三\tadmin（管理员）" in proc.stdout
    from sqlalchemy import create_engine, text

    with create_engine(url).connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM users")).scalar()
    assert stored.startswith("$argon2") and "s3cret-pass" not in stored
    from store import users
    from store.engine import get_engine

    assert users.authenticate("张三", "s3cret-pass", engine=get_engine(url)).role == "admin"
    assert users.authenticate("张三", "wrong-pass", engine=get_engine(url)) is None
    assert run_loaders("user", "remove", "张三", "--db", url).returncode == 0
    assert run_loaders("user", "remove", "张三", "--db", url).returncode == 2


def subprocess_run_with_input(args: list[str], stdin: str):
    import subprocess
    import sys

    from conftest import ROOT, cli_env

    return subprocess.run([sys.executable, "-m", "loaders", *args], cwd=ROOT, env=cli_env(), input=stdin,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
