"""OCR of scanned reports (loaders/readers/ocr*.py).

Golden values were read by eye off the rendered pages (``pdftoppm -png -r 100``)
of the two real reports the scans are made from, never from our output:

* 国家信访局 2024 年度部门决算 (../shared/real/national-petition-bureau-2024-final.pdf):
  page 1 (cover), page 7 (收入支出决算总表, printed page 5), page 9 (支出决算表, printed 7);
* 烟台市医疗保障局 2026 年部门预算 (../shared/real/yantai-medical-security-2026-budget.pdf):
  page 1 (cover), page 7 (收支总体情况表), pages 11–12 (支出总体情况表, 类/款/项 in three columns).

The corpus has no scanned budget: its twelve files of kind ``scanned`` are notices,
work reports and forms (see README), so the scans here are made from real text
reports by ``tests/scans.py`` (rendered at 200 dpi, tilted 0.3°, blurred, speckled,
JPEG-compressed, wrapped in an image-only PDF).  Only the pages named are OCR'd, to
keep the suite fast.
"""
from __future__ import annotations

import functools
import io
from decimal import Decimal

import numpy as np
import pytest

from loaders.errors import NotAReportError, ScannedFileError
from loaders.model import Table
from pipeline import parse_bytes
from loaders.readers import ocr, ocr_engine, ocr_verify
from loaders.readers.ocr_engine import Reading
from loaders.readers.ocr_tables import CellMeta
from loaders.readers.ocr_text import clean_text
from loaders.registry import read_document, sniff
from scans import make_scan
from tabledata import table as table_rows
from tests.conftest import REAL, SHARED

CORPUS = SHARED / "corpus" / "files"
NATIONAL = REAL / "national-petition-bureau-2024-final.pdf"
YANTAI = REAL / "yantai-medical-security-2026-budget.pdf"

pytestmark = pytest.mark.xdist_group("ocr")


@functools.lru_cache(maxsize=None)
def national_scan() -> bytes:
    return make_scan(NATIONAL, [1, 7, 9])


@functools.lru_cache(maxsize=None)
def national() -> dict:
    return parse_bytes(national_scan(), "国家信访局2024年度部门决算（扫描件）.pdf")


@functools.lru_cache(maxsize=None)
def yantai() -> dict:
    return parse_bytes(make_scan(YANTAI, [1, 7, 11, 12]), "烟台市医疗保障局2026年部门预算（扫描件）.pdf")


def _lines(doc: dict) -> dict[str, dict]:
    return {line["code"]: line for line in doc["function_lines"]}


D = Decimal


# ------------------------------------------------------------------ the engine


def test_models_come_with_the_wheel():
    models = ocr_engine.model_dir()
    assert "site-packages" in str(models)
    names = {p.name for p in models.iterdir()}
    assert {"ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx"} <= names
    assert ocr_engine.engine() is ocr_engine.engine()  # one per process


def test_opencv_is_the_headless_build():
    from importlib.metadata import PackageNotFoundError, version

    assert version("opencv-python-headless")
    with pytest.raises(PackageNotFoundError):
        version("opencv-python")


# ------------------------------------------------------------------ golden scans


def _assert_totals(doc: dict, **want: str) -> None:
    """Each named total equals its printed amount."""
    for key, value in want.items():
        assert doc["totals"][key] == D(value), key


def _assert_line_totals(lines: dict[str, dict], want: dict[str, str]) -> None:
    """Each listed line's total equals its printed amount."""
    for code, total in want.items():
        assert lines[code]["total"] == D(total), code


def test_national_scan_golden():
    doc = national()
    assert (doc["agency"], doc["year"], doc["kind"], doc["scope"]) == ("国家信访局", 2024, "final_accounts", "department")
    assert doc["source"]["ocr_pages"] == [1, 2, 3]
    _assert_totals(doc, revenue_total="20451.35", expenditure_total="14572.53", grand_total="22066.59",
                   carryover_begin="1615.24", carryover_end="7494.06", basic="11073.11", project="3499.42")
    lines = _lines(doc)
    assert (lines["201"]["total"], lines["201"]["basic"], lines["201"]["project"]) == (D("10685.56"), D("7366.16"), D("3319.39"))
    assert lines["2014099"]["basic"] == D("540.61")
    _assert_line_totals(lines, {"2014001": "6026.13", "2014099": "1788.46", "205": "180.03", "208": "2228.57",
                                "2080505": "659.05", "210": "497.53", "221": "980.85", "2210203": "331.00"})
    assert len(lines) == 24


def test_national_scan_provenance_and_verification():
    doc = national()
    tables = {t["title"]: t for t in doc["tables"]}
    expenditure = tables["支出决算表"]
    assert expenditure["ocr"] is True
    assert expenditure["ocr_detail"]["verification"]["checked"] and expenditure["ocr_detail"]["verification"]["holds"]
    assert expenditure["verification"]["holds"]  # the checks agree
    assert expenditure["ocr_detail"]["engine"].startswith("rapidocr_onnxruntime")
    assert expenditure["caption"][-1].replace(" ", "") == "部门：国家信访局金额单位：万元"
    assert all(line["ocr"] is True for line in doc["function_lines"])
    assert doc["sources"]["totals"]["expenditure_total"]["ocr"] is True
    assert not [f for f in doc["findings"] if f["severity"] == "error"]
    assert not [f for f in doc["findings"] if f["rule"].startswith("ocr.")]


def test_yantai_scan_golden():
    doc = yantai()
    assert (doc["agency"], doc["year"], doc["kind"]) == ("烟台市医疗保障局", 2026, "budget")
    _assert_totals(doc, revenue_total="16375.67", expenditure_total="16375.67", grand_total="16375.67",
                   basic="2200.67", project="14175.00", general_public_budget="15375.67")
    lines = _lines(doc)
    assert (lines["208"]["total"], lines["208"]["basic"], lines["208"]["project"]) == (D("327.92"), D("257.92"), D("70.00"))
    assert (lines["210"]["total"], lines["210"]["basic"], lines["210"]["project"]) == (D("14870.93"), D("1765.93"), D("13105.00"))
    _assert_line_totals(lines, {"205": "4.70", "2080505": "201.42", "21013": "4285.00", "2101501": "420.75",
                                "2101550": "1202.92", "221": "172.12", "2230108": "1000.00"})
    tables = {t["title"]: t for t in doc["tables"]}
    assert tables["支出总体情况表"]["pages"] == [3, 4]
    assert tables["支出总体情况表"]["ocr_detail"]["verification"]["holds"]
    assert not [f for f in doc["findings"] if f["severity"] == "error"]


# ------------------------------------------------------------------ a misread digit


def _misreading(monkeypatch, right: str, wrong: str) -> None:
    """The page's first reading gives ``wrong`` for ``right``, with no
    candidates; re-reads (one crop at a time) are left alone."""
    real = ocr_engine.recognise

    def recognise(crops):
        out = real(crops)
        if len(crops) > 1:
            out = [Reading(wrong, r.score, []) if r.text.replace(" ", "") == right else r for r in out]
        return out

    monkeypatch.setattr(ocr_engine, "recognise", recognise)


def test_a_misread_digit_is_caught_and_read_again(monkeypatch):
    _misreading(monkeypatch, "1,788.46", "1,780.46")  # 8 read as 0
    doc = parse_bytes(make_scan(NATIONAL, [9]), "国家信访局2024年度部门决算支出决算表.pdf")
    fixes = [f for f in doc["findings"] if f["rule"] == "ocr.corrected"]
    assert len(fixes) == 1 and "1,780.46" in fixes[0]["message"] and "1,788.46" in fixes[0]["message"]
    assert _lines(doc)["2014099"]["total"] == D("1788.46")
    table = next(t for t in doc["tables"] if t["title"] == "支出决算表")
    assert table["ocr_detail"]["corrections"][0]["how"] == "reread"
    assert table["ocr_detail"]["verification"]["holds"] and table["verification"]["holds"]


def test_a_misread_digit_no_reading_explains_is_named(monkeypatch):
    _misreading(monkeypatch, "1,788.46", "1,780.46")
    monkeypatch.setattr(ocr, "_reread", lambda page, box: [])
    doc = parse_bytes(make_scan(NATIONAL, [9]), "国家信访局2024年度部门决算支出决算表.pdf")
    warnings = [f for f in doc["findings"] if f["rule"] == "ocr.unverified"]
    assert warnings, doc["findings"]
    assert any("其他信访事务支出" in f["message"] and "1,780.46" in f["message"] for f in warnings)
    assert all(f["severity"] == "warning" and f["page"] == 1 for f in warnings)
    table = next(t for t in doc["tables"] if t["title"] == "支出决算表")
    assert table["ocr_detail"]["verification"]["holds"] is False


# ------------------------------------------------------------------ verification, no OCR


def _table(rows: list[list[str]], readings: dict[tuple[int, int], Reading] | None = None):
    t = Table(rows=rows, row_pages=[1] * len(rows))
    t.ocr = {}
    cells = {k: CellMeta(page=1, box=(0, 0, 10, 10), readings=[r]) for k, r in (readings or {}).items()}
    return t, cells


ROWS = table_rows("ocr", "verified_expenditure")


def test_verify_keeps_the_candidate_that_makes_the_sums_hold():
    rows = [list(r) for r in ROWS]
    rows[4][2] = "100.00"  # 8 read as 0
    table, cells = _table(rows, {(4, 2): Reading("100.00", 0.91, ["130.00", "180.00", "1B0.00"])})
    ocr_verify.verify(table, cells)
    assert table.rows[4][2] == "180.00"
    assert table.ocr["corrections"] == [{"row": 4, "col": 2, "read": "100.00", "value": "180.00", "how": "candidate"}]
    assert table.ocr["verification"]["holds"] and not table.ocr["unverified"]


def test_verify_reads_again_when_no_candidate_fits():
    rows = [list(r) for r in ROWS]
    rows[5][4] = "12000"  # the decimal point dropped
    table, cells = _table(rows, {(5, 4): Reading("12000", 0.88, ["12900"])})
    ocr_verify.verify(table, cells, reread=lambda page, box: ["1200.0", "120.00"])
    assert table.rows[5][4] == "120.00"
    assert table.ocr["corrections"][0]["how"] == "reread"


def test_verify_names_the_cell_it_cannot_explain():
    rows = [list(r) for r in ROWS]
    rows[3][3] = "170.00"
    table, cells = _table(rows, {(3, 3): Reading("170.00", 0.7, ["176.00"])})
    ocr_verify.verify(table, cells, reread=lambda page, box: ["170.00"])
    assert table.rows[3][3] == "170.00"  # never made up
    assert not table.ocr["verification"]["holds"]
    assert any(c["row"] == 3 and c["col"] == 3 and "人大事务" in c["message"] for c in table.ocr["unverified"])


def test_verify_leaves_a_table_without_sums_unchecked():
    table, cells = _table([["项目", "金额"], ["甲", "1.00"], ["乙", "2.00"]])
    ocr_verify.verify(table, cells)
    assert table.ocr["verification"]["checked"] is False


def test_clean_text():
    assert clean_text("11, 073.11") == "11,073.11"
    assert clean_text("4. 70") == "4.70"
    assert clean_text("金额单位：方元") == "金额单位：万元"
    assert clean_text("06.") == "06"
    assert clean_text("补助.") == "补助"
    assert clean_text("一般公共服务支出") == "一般公共服务支出"


# ------------------------------------------------------------------ images and corpus scans


def test_png_upload_is_read_by_ocr():
    from scans import scan_images

    img = scan_images(NATIONAL, [9], dpi=150, tilt=0)[0]
    buf = io.BytesIO()
    img.save(buf, "PNG")
    data = buf.getvalue()
    assert sniff(data, "table.png") == "image"
    doc = read_document(data, "table.png")
    assert doc.source.format == "image" and doc.source.ocr_pages == [1]
    table = next(doc.tables())
    assert ["201", "一般公共服务支出", "10,685.56", "7,366.16", "3,319.39", "", "", ""] in table.rows


def test_corpus_scan_that_is_no_report_is_refused_with_its_title():
    f = CORPUS / "018_济南__规划和自然资源局_2026年部门预算.pdf"
    with pytest.raises(NotAReportError) as info:
        parse_bytes(f.read_bytes(), f.name)
    assert "扫描件经文字识别" in info.value.message() and "规范依申请公开办理流程" in info.value.message()


def test_truncated_scan_is_read_from_its_page_images():
    # the file ends inside its third page image: no trailer, no xref; pdfium
    # cannot open it, but the JPEG page images are there
    f = CORPUS / "021_泉州__文化广电旅游体育局_福建省财政厅_福建省文化和旅游厅关于提前下达2026年福建省文旅经济发展专项资金的通知.pdf"
    doc = read_document(f.read_bytes(), f.name)
    assert doc.source.ocr_pages == [1, 2, 3] and doc.source.damaged
    assert "文旅经济发展" in doc.text()
    with pytest.raises(NotAReportError) as info:
        parse_bytes(f.read_bytes(), f.name)
    assert "通知" in info.value.message()


def test_too_many_scanned_pages_are_refused(monkeypatch):
    from loaders.errors import TooManyPagesError

    monkeypatch.setenv("BUDGETLENS_OCR_MAX_PAGES", "2")
    with pytest.raises(TooManyPagesError) as info:
        read_document(make_scan(NATIONAL, [1, 7, 9], dpi=72), "scan.pdf")
    assert "文字识别" in info.value.message() and "上限 2 页" in info.value.message()


def test_blank_image_is_refused():
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.full((600, 800), 245, np.uint8)).save(buf, "PNG")
    with pytest.raises(ScannedFileError):
        read_document(buf.getvalue(), "blank.png")


# ------------------------------------------------------------------ sandbox: progress and limits


@functools.lru_cache(maxsize=None)
def small_scan() -> bytes:
    return make_scan(NATIONAL, [1], dpi=100)


def test_sandbox_reports_ocr_progress():
    from loaders.sandbox import parse_file_sandboxed

    events = []
    doc = parse_file_sandboxed(national_scan(), "scan.pdf", progress=lambda *e: events.append(e))
    assert doc["agency"] == "国家信访局"
    assert events[0] == ("ocr_pages", 3, 3)
    assert [e for e in events if e[0] == "ocr"] == [("ocr", 1, 3), ("ocr", 2, 3), ("ocr", 3, 3)]


def test_sandbox_time_limit_grows_with_the_scanned_pages(monkeypatch):
    from loaders.errors import ResourceLimitError, TooManyPagesError
    from loaders.sandbox import parse_file_sandboxed

    monkeypatch.setenv("BUDGETLENS_PARSE_TIMEOUT_S", "4")
    monkeypatch.setenv("BUDGETLENS_OCR_SECONDS_PER_PAGE", "0")
    with pytest.raises(ResourceLimitError) as info:
        parse_file_sandboxed(national_scan(), "scan.pdf")
    assert "秒" in info.value.message()
    # the same limit, with time for each scanned page: the scan is read
    monkeypatch.setenv("BUDGETLENS_OCR_SECONDS_PER_PAGE", "90")
    doc = parse_file_sandboxed(national_scan(), "scan.pdf")
    assert doc["totals"]["expenditure_total"] == D("14572.53")
    # over OCR_MAX_PAGES: refused before any page is read
    monkeypatch.setenv("BUDGETLENS_OCR_MAX_PAGES", "1")
    with pytest.raises(TooManyPagesError):
        parse_file_sandboxed(national_scan(), "scan.pdf")


def test_cli_prints_ocr_progress_on_request(tmp_path):
    import os
    import subprocess
    import sys

    f = tmp_path / "cover.pdf"
    f.write_bytes(small_scan())
    env = dict(os.environ, BUDGETLENS_PROGRESS="1")
    proc = subprocess.run([sys.executable, "-m", "loaders", "parse", str(f)], capture_output=True, text=True, env=env)
    lines = proc.stderr.strip().splitlines()
    assert lines[0] == "cover.pdf：扫描件，1 页需文字识别（OCR）…"
    assert "cover.pdf：文字识别（OCR）第 1/1 页" in lines
    # without the request (and not on a terminal) only the outcome is printed
    env["BUDGETLENS_PROGRESS"] = "0"
    quiet = subprocess.run([sys.executable, "-m", "loaders", "parse", str(f)], capture_output=True, text=True, env=env)
    assert "文字识别（OCR）第" not in quiet.stderr


def test_table_without_rules_is_clustered_from_the_text_boxes():
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 30)
    img = Image.new("L", (1600, 900), 255)
    draw = ImageDraw.Draw(img)
    draw.text((500, 40), "一般公共预算支出表", font=font, fill=0)
    draw.text((80, 100), "单位：某某县医疗保障局", font=font, fill=0)
    draw.text((1300, 100), "单位：万元", font=font, fill=0)
    rows = table_rows("ocr", "unruled_expenditure")
    for i, row in enumerate(rows):
        for x, text in zip([80, 300, 800, 1050, 1300], row):
            if text:
                w = draw.textlength(text, font=font)
                draw.text((x + (200 - w if i and x >= 800 else 0), 180 + 70 * i), text, font=font, fill=0)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    doc = read_document(buf.getvalue(), "unruled.png")
    table = next(doc.tables())
    assert table.ocr["ruled"] is False
    assert table.rows[0] == ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]
    assert table.rows[4] == ["2101501", "行政运行", "1,000.00", "1,000.00", ""]
    assert table.caption == ["一般公共预算支出表", "单位：某某县医疗保障局 单位：万元"]
    assert table.ocr["verification"]["holds"]


def test_real_scan_sideways_table_is_read_upright_and_adds_up():
    # 长财文指〔2025〕37号, page 2: the 资金安排表 scanned sideways, under a red seal.
    # By eye: three items 258.7907, 5.13, 0.17 and 合计 264.0907 万元.
    f = CORPUS / "015_长沙__文化广电旅游体育局_长财文指[2025]037号_关于下达2025年文化和旅游项目资金的通知.pdf.pdf"
    doc = read_document(f.read_bytes(), f.name)
    table = next(doc.tables())
    assert table.pages == [2]
    assert [r[-1] for r in table.rows[1:]] == ["258.7907", "5.13", "0.17", "264.0907"]
    assert table.rows[-1][0] == "合计"
    assert "金额单位：万元" in table.caption
    assert table.ocr["verification"] == {"checked": True, "holds": True, "sums": 1, "failed": 0}


def test_scanned_page_with_a_stamped_page_number_is_read_by_ocr():
    # a scanned page whose only text layer is a page number stamped on it
    from pypdf import PdfReader, PdfWriter

    from pdfgen import assemble
    from scans import scan_images

    img = scan_images(NATIONAL, [9], dpi=150)[0]
    buf = io.BytesIO()
    img.save(buf, "PDF", resolution=150)
    stream = b"BT /F1 10 Tf 380 20 Td (- 7 -) Tj ET"
    stamp = assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ])
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    writer.pages[0].merge_page(PdfReader(io.BytesIO(stamp)).pages[0])
    out = io.BytesIO()
    writer.write(out)
    doc = read_document(out.getvalue(), "stamped.pdf")
    assert doc.source.ocr_pages == [1]
    table = next(doc.tables())
    assert ["2014099", "其他信访事务支出", "1,788.46", "540.61", "1,247.85", "", "", ""] in table.rows
