"""Reports published as several files (issue 9, point 5): a narrative PDF and a
workbook of tables read as ONE document (loaders.multifile), grouped in a
folder ingest and in one upload, stored with every original."""
from __future__ import annotations

import hashlib
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT, run_loaders
from loaders.multifile import files_sha256, group
from pipeline import parse_bytes, parse_files
from pdfgen import cjk_pdf, text_op
from variants import (
    FUNCTION_YUAN,
    Sheet,
    balanced_summary,
    economic_rows,
    expenditure_rows,
    summary_rows,
    text,
    three_public_rows,
    workbook,
)

D = Decimal
AGENCY = "XX县卫生健康局"
NARRATIVE = "情况说明.pdf"
TABLES = "报表.xlsx"


def _lines(lines: list[str], top: float = 540) -> bytes:
    return b"".join(text_op(60, top - 22 * i, line, 12) for i, line in enumerate(lines))


def narrative_pdf() -> bytes:
    """The 情况说明 alone: a cover naming the agency and the report, then the narrative."""
    return cjk_pdf(
        [
            text_op(300, 400, AGENCY, 20) + text_op(320, 360, "2025年部门预算", 20),
            _lines(
                [
                    f"第一部分 {AGENCY}2025年部门预算情况说明",
                    "一、收支预算总体情况",
                    "2025年收入预算总计1,358.02万元，其中一般公共预算拨款收入1,200.00万元。",
                    "2025年支出预算总计1,358.02万元，其中基本支出358.02万元，项目支出1,000.00万元。",
                    "二、机关运行经费",
                    "2025年机关运行经费358.02万元，与上年持平。",
                ]
            ),
        ]
    )


def _nameless(rows: list[list]) -> list[list]:
    """The tables without the 部门名称 line (the narrative names the agency)."""
    return [["" for _ in row[:-1]] + [row[-1]] if i == 1 else row for i, row in enumerate(rows)]


def tables_workbook() -> bytes:
    """The tables alone, in 元; the 三公 合计 does not add up (1 万元 more than its parts)."""
    three = _nameless(three_public_rows())
    three[-1][0] = "133,456.78"
    return workbook(
        [
            Sheet("收支总表", _nameless(summary_rows()), ["A1:D1", "A3:B3", "C3:D3"]),
            Sheet("支出总表", _nameless(expenditure_rows()), ["A1:E1"]),
            Sheet("基本支出表", _nameless(economic_rows()), ["A1:C1", "A3:C3"]),
            Sheet("三公", three, ["A1:F1", "A3:A4", "B3:B4", "C3:E3", "F3:F4"]),
        ]
    )


def unit_text() -> bytes:
    """The same agency's 本级 (unit) budget: another report, never combined with the 部门 one."""
    summary = balanced_summary("500.00")
    return text([f"{AGENCY}（本级）2025年单位预算", "单位收支总表", "单位：万元", summary]).encode("utf-8")


@pytest.fixture(scope="module")
def report_files() -> dict[str, bytes]:
    return {NARRATIVE: narrative_pdf(), TABLES: tables_workbook()}


@pytest.fixture(scope="module")
def combined(report_files) -> dict:
    # the tables given first: the narrative is put first all the same
    return parse_files([(report_files[TABLES], TABLES), (report_files[NARRATIVE], NARRATIVE)])


# --------------------------------------------------------------------------- parsing


def test_each_file_alone_is_half_a_report(report_files):
    narrative = parse_bytes(report_files[NARRATIVE], NARRATIVE)
    assert (narrative["agency"], narrative["year"], narrative["kind"]) == (AGENCY, 2025, "budget")
    assert narrative["tables"] == [] and narrative["totals"]["expenditure_total"] is None
    tables = parse_bytes(report_files[TABLES], TABLES)
    assert tables["unknown"] == ["agency"] and tables["agency"] is None
    assert tables["totals"]["expenditure_total"] == D("1358.024679")
    # one file: no file keys anywhere, as before
    assert "files" not in tables["source"] and "file" not in tables["function_lines"][0]
    assert all("file" not in t for t in tables["tables"]) and all("file" not in s for s in tables["sources"]["totals"].values())


def test_narrative_and_tables_become_one_document(combined, report_files):
    doc = combined
    assert (doc["agency"], doc["year"], doc["kind"], doc["scope"], doc["unknown"]) == (AGENCY, 2025, "budget", "department", [])
    # the totals and the function lines from the tables (元 -> 万元)
    t = doc["totals"]
    assert (t["revenue_total"], t["expenditure_total"], t["basic"], t["project"]) == (
        D("1234.56789"), D("1358.024679"), D("358.024679"), D("1000")
    )
    assert [line["code"] for line in doc["function_lines"]] == [code for code, *_ in FUNCTION_YUAN]
    assert doc["function_lines"][3]["total"] == D("1123.456789")
    assert [line["code"] for line in doc["economic_lines"]] == ["301", "30101", "30102", "302", "30201"]
    assert doc["three_public"]["reception"] == D("2.345678")
    # the narrative's own fact
    assert t["operating_expenses"] == D("358.02")


def test_every_fact_names_its_file(combined):
    doc = combined
    sources = doc["sources"]["totals"]
    assert {k: (s["file"], s["table"]) for k, s in sources.items() if k in ("expenditure_total", "revenue_total")} == {
        "expenditure_total": (TABLES, "2025年部门预算收支总表"),
        "revenue_total": (TABLES, "2025年部门预算收支总表"),
    }
    assert sources["operating_expenses"] == {"page": 2, "table": "情况说明", "row": None, "origin": "narrative", "file": NARRATIVE}
    assert all(s.get("file") == TABLES for s in doc["sources"]["three_public"].values())
    assert {line["file"] for line in doc["function_lines"] + doc["economic_lines"]} == {TABLES}
    assert [(t["title"], t["file"], t["pages"]) for t in doc["tables"]][:2] == [
        ("2025年部门预算收支总表", TABLES, [1]),
        ("2025年部门预算支出总表", TABLES, [2]),
    ]
    assert {p["file"] for p in doc["paragraphs"] if p["page"] == 2} == {NARRATIVE}
    assert doc["paragraphs"][0] == {"text": AGENCY, "page": 1, "file": NARRATIVE}
    # a finding about a table names the table's file
    three = [f for f in doc["findings"] if f["rule"].startswith("three_public") and f["severity"] == "error"]
    assert three and all(f["file"] == TABLES and f["table"] == '2025年财政拨款"三公"经费支出表' for f in three)
    assert all("file" in f for f in doc["findings"] if f.get("table_index") is not None)


def test_source_lists_the_files_and_hashes_the_set(combined, report_files):
    src = combined["source"]
    sha = {name: hashlib.sha256(data).hexdigest() for name, data in report_files.items()}
    assert src["file"] == NARRATIVE and src["format"] == "pdf"
    assert src["files"] == [
        {"file": NARRATIVE, "sha256": sha[NARRATIVE], "format": "pdf", "pages": 2},
        {"file": TABLES, "sha256": sha[TABLES], "format": "xlsx", "pages": 4},
    ]
    assert src["pages"] == 6
    assert src["sha256"] == files_sha256([sha[TABLES], sha[NARRATIVE]]) == files_sha256([sha[NARRATIVE], sha[TABLES]])
    assert src["sha256"] not in sha.values()
    # the other order gives the same document
    again = parse_files([(report_files[NARRATIVE], NARRATIVE), (report_files[TABLES], TABLES)])
    assert again["source"] == src and again["totals"] == combined["totals"]
    # one file is parse_bytes exactly
    assert parse_files([(report_files[TABLES], TABLES)]) == parse_bytes(report_files[TABLES], TABLES)
    assert files_sha256([sha[TABLES]]) == sha[TABLES]


# --------------------------------------------------------------------------- grouping


def _doc(agency, year=2025, kind="budget", scope="department"):
    unknown = [k for k, v in (("agency", agency), ("year", year), ("kind", kind), ("scope", scope)) if v is None]
    return {"agency": agency, "year": year, "kind": kind, "scope": scope, "unknown": unknown}


def test_group_by_identity_scope_apart():
    docs = [
        _doc("甲局"),                      # 0
        _doc("甲局", scope="unit"),        # 1  本级: another report
        None,                              # 2  refused
        _doc("乙局"),                      # 3
        _doc("甲局"),                      # 4  with 0
        _doc("甲局", kind="final_accounts"),  # 5
        _doc("甲局", year=2024),           # 6
    ]
    assert group(docs) == [[0, 4], [1], [2], [3], [5], [6]]


def test_group_a_file_without_its_agency_joins_the_only_report_it_can_belong_to():
    assert group([_doc(None), _doc("甲局"), _doc("乙局", scope="unit")]) == [[0, 1], [2]]
    # two reports of that year, kind and scope: it stays alone (the user is asked)
    assert group([_doc(None), _doc("甲局"), _doc("乙局")]) == [[0], [1], [2]]
    # nothing to join, or another scope: alone
    assert group([_doc(None), _doc("甲局", scope="unit")]) == [[0], [1]]
    assert group([_doc(None, year=None), _doc("甲局")]) == [[0], [1]]


def test_group_never_combines_a_second_copy_of_the_same_bytes():
    assert group([_doc("甲局"), _doc("甲局"), _doc("甲局")], ["a", "a", "b"]) == [[0, 2], [1]]


# --------------------------------------------------------------------------- folder ingest


def test_folder_ingest_stores_one_document_with_both_originals(tmp_path, db_url, report_files):
    from store import queries
    from store.samples import reparse_document

    folder = tmp_path / "报告"
    folder.mkdir()
    for name, data in report_files.items():
        (folder / name).write_bytes(data)
    (folder / "本级.txt").write_bytes(unit_text())

    proc = run_loaders("ingest", folder, "--jobs", "2", "--db", db_url, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(f"stored  {NARRATIVE} + {TABLES}  {AGENCY} 2025 部门预算 (document ")
    assert lines[1].startswith(f"stored  本级.txt  {AGENCY} 2025 部门预算 (document ")
    assert lines[2].startswith("文件 3 个：")
    docs = queries.list_documents(url=db_url)
    assert sorted(zip(docs["scope"], docs["files"], docs["file_names"])) == [
        ("department", 2, f"{NARRATIVE} + {TABLES}"),
        ("unit", 1, "本级.txt"),
    ]
    doc_id = int(docs[docs["scope"] == "department"]["document_id"].iloc[0])
    originals = queries.document_originals(doc_id, url=db_url)
    assert [(o["seq"], o["file_name"], o["format"], o["size"]) for o in originals] == [
        (0, NARRATIVE, "pdf", len(report_files[NARRATIVE])),
        (1, TABLES, "xlsx", len(report_files[TABLES])),
    ]
    for o in originals:  # each original downloadable, byte for byte
        assert queries.get_original_file(doc_id, o["seq"], url=db_url) == (o["file_name"], report_files[o["file_name"]])
    # each number keeps its file
    items = queries.line_items(doc_id, section="totals", url=db_url).set_index("measure")
    assert items.loc["expenditure_total", "source_file"] == TABLES and items.loc["expenditure_total", "page"] == 1
    assert items.loc["operating_expenses", "source_file"] == NARRATIVE
    fn = queries.function_lines(doc_id, url=db_url)
    assert set(fn["source_file"]) == {TABLES} and len(fn) == len(FUNCTION_YUAN)
    finds = queries.findings(doc_id, url=db_url)
    assert set(finds[finds["rule"].str.startswith("three_public")]["source_file"]) == {TABLES}

    # the same folder again: the same set of files is a duplicate; one of its files alone too
    again = run_loaders("ingest", folder, "--jobs", "1", "--db", db_url, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    lines = again.stdout.splitlines()
    assert lines[0].startswith(f"duplicate  {NARRATIVE} + {TABLES}  {AGENCY} 2025 部门预算：已存在由相同文件组成的报告")
    assert lines[1].startswith("duplicate  本级.txt  ")
    alone = run_loaders("ingest", folder / NARRATIVE, "--db", db_url, timeout=300)
    assert alone.stdout.startswith(f"duplicate  {NARRATIVE}  ") and "多文件报告的一部分" in alone.stdout
    assert len(queries.list_documents(url=db_url)) == 2

    # a re-parse reads both files again
    from store.engine import get_engine

    result = reparse_document(doc_id, engine=get_engine(db_url))
    assert result.status == "stored", result.message
    docs = queries.list_documents(url=db_url)
    new_id = int(docs[docs["scope"] == "department"]["document_id"].iloc[0])
    assert [o["file_name"] for o in queries.document_originals(new_id, url=db_url)] == [NARRATIVE, TABLES]
    assert queries.get_document(new_id, url=db_url)["parsed"]["totals"]["expenditure_total"] == "1358.024679"


def test_parse_several_files_prints_one_document(tmp_path, report_files):
    for name, data in report_files.items():
        (tmp_path / name).write_bytes(data)
    proc = run_loaders("parse", tmp_path / TABLES, tmp_path / NARRATIVE, timeout=300)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["agency"] == AGENCY and [f["file"] for f in doc["source"]["files"]] == [NARRATIVE, TABLES]
    assert doc["sources"]["totals"]["expenditure_total"]["file"] == TABLES


# --------------------------------------------------------------------------- upload page


def test_upload_of_a_report_in_two_files_stores_one_document(tmp_path, monkeypatch, report_files):
    from streamlit.testing.v1 import AppTest

    from store import queries
    from store.engine import get_engine

    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("BUDGETLENS_DATABASE_URL", url)
    monkeypatch.setenv("BUDGETLENS_NO_SAMPLES", "1")
    engine = get_engine(url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("views/library.py")
    at.run()
    at.get("file_uploader")[0].set_value(
        [
            (TABLES, report_files[TABLES], "application/octet-stream"),
            (NARRATIVE, report_files[NARRATIVE], "application/pdf"),
            ("本级.txt", unit_text(), "text/plain"),
        ]
    )
    at.run()
    assert not at.exception, at.exception
    success = [s.value for s in at.success]
    # one result line for the two files, saying they were combined; the 本级 report on its own
    combined = [s for s in success if NARRATIVE in s and TABLES in s]
    assert len(combined) == 1 and "2 个文件合并为一份报告" in combined[0] and AGENCY in combined[0], success
    assert any(s.startswith("**本级.txt**") and "已保存" in s for s in success), success
    assert not at.warning or not any("待补充" in w.value for w in at.warning)  # the nameless tables were not asked about
    docs = queries.list_documents(engine=engine)
    assert sorted(docs["files"]) == [1, 2]
    doc_id = int(docs[docs["files"] == 2]["document_id"].iloc[0])
    # the combined report opens with its files, each downloadable
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("views/library.py")
    at.query_params["doc"] = str(doc_id)
    at.run()
    assert not at.exception, at.exception
    labels = [b.label for b in at.get("download_button")]
    assert f"下载 {NARRATIVE}" in labels and f"下载 {TABLES}" in labels and "下载原始文件" not in labels
    assert any("2 个文件合并为一份报告" in c.value for c in at.caption)
    fn = next(df.value for df in at.dataframe if "科目编码" in df.value.columns and "基本支出" in df.value.columns)
    assert set(fn["文件"]) == {TABLES}
    assert [o["file_name"] for o in queries.document_originals(doc_id, engine=engine)] == [NARRATIVE, TABLES]


def test_an_existing_database_gains_the_new_tables(tmp_path):
    """create_all on a store made before reports in several files: the new tables
    appear, nothing else changes."""
    from sqlalchemy import create_engine, inspect, text as sql

    from store.engine import get_engine
    from store.models import Base

    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = create_engine(url)
    new_tables = {"document_parts", "line_item_files"}
    Base.metadata.create_all(old, tables=[t for t in Base.metadata.sorted_tables if t.name not in new_tables])
    with old.begin() as conn:
        conn.execute(sql("INSERT INTO meta (key, value) VALUES ('kept', 'yes')"))
    assert not new_tables & set(inspect(old).get_table_names())
    old.dispose()
    engine = get_engine(url)
    try:
        assert new_tables <= set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            assert conn.execute(sql("SELECT value FROM meta WHERE key = 'kept'")).scalar() == "yes"
    finally:
        engine.dispose()
