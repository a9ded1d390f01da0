"""Bad input never crashes the parser: every file below gives exit code 2 and ONE
Chinese line on stderr naming the problem, no traceback, and nothing stored.

Each bad file is made in tmp_path; the CLI runs as a subprocess, so this also
covers the sandbox end to end.
"""
from __future__ import annotations

import json
import os
import random
import re
import time
import zipfile
from pathlib import Path

import pytest

from conftest import FIXTURES, SEEDS, run_loaders
from loaders import sandbox
from loaders.errors import (
    CorruptFileError,
    EmptyFileError,
    FileTooLargeError,
    NotAReportError,
    ResourceLimitError,
)
from pdfgen import assemble

XIANGHE_PDF = FIXTURES / "xianghe-2024-budget.pdf"
SEED_000 = SEEDS / "000_e1a466dd2d0fafcf.txt"

CJK = re.compile(r"[\u4e00-\u9fff]")


def assert_refused(proc, *expected: str, name: str | None = None) -> str:
    """Exit 2, empty stdout, exactly one Chinese stderr line containing one of ``expected``."""
    err = proc.stderr
    assert "Traceback" not in err, err
    lines = [l for l in err.splitlines() if l.strip()]
    assert proc.returncode == 2, (proc.returncode, err)
    assert len(lines) == 1, err
    line = lines[0]
    assert CJK.search(line), line
    assert any(e in line for e in expected), f"{line!r} names none of {expected}"
    if name:
        assert name in line, line
    assert proc.stdout.strip() == ""
    return line


# --------------------------------------------------------------------------- makers


def minimal_pdf(text: str) -> bytes:
    """A small valid one-page PDF with ``text`` in Helvetica, xref offsets exact."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    return assemble(objects, header=b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")


def scanned_pdf(path: Path) -> None:
    """An image-only PDF: a page of drawn budget text, no text layer."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(img)
    font = None
    for candidate in (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ):
        if os.path.exists(candidate):
            font = ImageFont.truetype(candidate, 40)
            break
    lines = ["香河县医疗保障局2024年部门预算", "收支总表  单位：万元", "本年收入合计 6570.38", "本年支出合计 6570.38"]
    for i, line in enumerate(lines):
        draw.text((100, 150 + 80 * i), line, fill="black", font=font)
    draw.rectangle((90, 130, 1150, 500), outline="black", width=3)
    img.save(path, "PDF", resolution=150)


def encrypted_pdf(src: Path, dst: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(str(src))
    writer = pypdf.PdfWriter()
    for page in reader.pages[:3]:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner-secret")
    with dst.open("wb") as fh:
        writer.write(fh)


def zip_bomb(path: Path, megabytes: int) -> None:
    """A small .xlsx-looking zip whose one sheet inflates to ``megabytes`` MB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        zf.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheets><sheet name="收支总表" sheetId="1" r:id="rId1" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></sheets></workbook>',
        )
        chunk = b" " * (1024 * 1024)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet><sheetData>')
            for _ in range(megabytes):
                fh.write(chunk)
            fh.write(b"</sheetData></worksheet>")


# --------------------------------------------------------------------------- cases


def test_empty_file(tmp_path):
    f = tmp_path / "empty.pdf"
    f.write_bytes(b"")
    assert_refused(run_loaders("parse", f), "空文件", name="empty.pdf")


@pytest.mark.parametrize("name", ["random.pdf", "random"])
def test_random_bytes(tmp_path, name):
    f = tmp_path / name
    f.write_bytes(random.Random(7).randbytes(64 * 1024))
    assert_refused(run_loaders("parse", f), "文件已损坏", "不支持的格式", name=name)


def test_truncated_pdf(tmp_path):
    data = XIANGHE_PDF.read_bytes()
    f = tmp_path / "truncated.pdf"
    f.write_bytes(data[: int(len(data) * 0.3)])
    assert_refused(run_loaders("parse", f), "文件已损坏", name="truncated.pdf")


def test_password_protected_pdf(tmp_path):
    f = tmp_path / "locked.pdf"
    encrypted_pdf(XIANGHE_PDF, f)
    assert_refused(run_loaders("parse", f), "加密文件", name="locked.pdf")


def test_scanned_pdf_without_tables_is_refused_after_ocr(tmp_path):
    # the page is read by OCR; four lines and a frame are no report
    f = tmp_path / "scan.pdf"
    scanned_pdf(f)
    err = assert_refused(run_loaders("parse", f), "不是预决算公开文件", name="scan.pdf")
    assert "文字识别" in err and "香河县医疗保障局" in err


def test_blank_scan_is_refused(tmp_path):
    from PIL import Image

    f = tmp_path / "blank.pdf"
    Image.new("L", (1240, 1754), 250).save(f, "PDF", resolution=150)
    assert_refused(run_loaders("parse", f), "扫描件中没有可识别的文字", name="blank.pdf")


def test_photo_of_something_else_is_refused(tmp_path):
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1200, 900), (90, 140, 200))
    draw = ImageDraw.Draw(img)
    for i in range(12):
        draw.ellipse((60 * i, 40 * i, 60 * i + 300, 40 * i + 200), fill=(30 + 15 * i, 160, 90))
    f = tmp_path / "photo.jpg"
    img.save(f, "JPEG", quality=85)
    assert_refused(run_loaders("parse", f), "图片中没有可识别的文字", name="photo.jpg")


def test_image_with_the_wrong_extension_is_refused(tmp_path):
    f = tmp_path / "table.png"
    f.write_bytes(b"\xff\xd8\xff" + b"\x00" * 100)
    assert_refused(run_loaders("parse", f), "文件已损坏", "不是有效", "不符", name="table.png")


def test_pdf_that_is_not_a_report(tmp_path):
    f = tmp_path / "hello.pdf"
    f.write_bytes(minimal_pdf("Hello world, this is not a budget"))
    assert_refused(run_loaders("parse", f), "不是预决算公开文件", name="hello.pdf")


def test_xlsx_that_is_not_a_zip(tmp_path):
    f = tmp_path / "table.xlsx"
    f.write_bytes(b"this is not a spreadsheet at all\n" * 100)
    assert_refused(run_loaders("parse", f), "文件已损坏", name="table.xlsx")


def test_zip_bomb_posing_as_xlsx(tmp_path):
    f = tmp_path / "bomb.xlsx"
    zip_bomb(f, megabytes=260)  # past the default MAX_UNZIPPED_MB (200)
    assert f.stat().st_size < 2 * 1024 * 1024
    t0 = time.monotonic()
    proc = run_loaders("parse", f)
    assert_refused(proc, "文件过大", "文件已损坏", "解压", "压缩", "超出内存或时间限制", name="bomb.xlsx")
    assert time.monotonic() - t0 < 60


def test_docx_without_document_xml(tmp_path):
    f = tmp_path / "hollow.docx"
    with zipfile.ZipFile(f, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/styles.xml", "<w:styles/>")
    assert_refused(run_loaders("parse", f), "文件已损坏", name="hollow.docx")


def test_pdf_named_xlsx(tmp_path):
    f = tmp_path / "report.xlsx"
    f.write_bytes(XIANGHE_PDF.read_bytes())
    line = assert_refused(run_loaders("parse", f), "不支持的格式", "与扩展名", name="report.xlsx")
    assert "扩展名" in line


def test_binary_named_txt(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_bytes(bytes(range(256)) * 64)
    assert_refused(run_loaders("parse", f), "文件已损坏", "不支持的格式", name="notes.txt")


def test_over_size_file(tmp_path):
    f = tmp_path / "big.pdf"
    f.write_bytes(b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    assert_refused(run_loaders("parse", f, BUDGETLENS_MAX_FILE_MB="1"), "文件过大", name="big.pdf")


def test_huge_file_refused_before_reading(tmp_path):
    f = tmp_path / "huge.pdf"
    with f.open("wb") as fh:  # sparse: 8 GB on paper, nothing on disk
        fh.truncate(8 * 1024**3)
    t0 = time.monotonic()
    assert_refused(run_loaders("parse", f), "文件过大", name="huge.pdf")
    assert time.monotonic() - t0 < 20


def test_too_many_pages(tmp_path):
    assert_refused(run_loaders("parse", XIANGHE_PDF, BUDGETLENS_MAX_PAGES="5"), "页数过多", name=XIANGHE_PDF.name)


def test_missing_file(tmp_path):
    assert_refused(run_loaders("parse", tmp_path / "nowhere.pdf"), "文件不存在", name="nowhere.pdf")


# --------------------------------------------------------------------------- nothing stored


def _counts(url: str) -> dict:
    from store.queries import counts_overview

    return counts_overview(url=url)


def test_ingest_of_bad_files_stores_nothing(tmp_path, db_url):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    hello = tmp_path / "hello.pdf"
    hello.write_bytes(minimal_pdf("Hello world, this is not a budget"))
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    proc = run_loaders("ingest", empty, hello, binary, "--db", db_url)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 3, proc.stdout
    assert all(l.startswith("refused  ") for l in lines), proc.stdout
    counts = _counts(db_url)
    assert counts["documents"] == 0
    assert counts["agencies"] == 0
    assert sum(counts["findings"].values()) == 0


# --------------------------------------------------------------------------- encodings


def test_gbk_text_parses_like_utf8(tmp_path):
    utf8 = tmp_path / "seed-utf8.txt"
    gbk = tmp_path / "seed-gbk.txt"
    text = SEED_000.read_text("utf-8")
    utf8.write_bytes(text.encode("utf-8"))
    gbk.write_bytes(text.encode("gbk"))
    a, b = run_loaders("parse", utf8), run_loaders("parse", gbk)
    assert a.returncode == 0, a.stderr
    assert b.returncode == 0, b.stderr
    doc_a, doc_b = json.loads(a.stdout), json.loads(b.stdout)
    assert doc_a["source"]["format"] == doc_b["source"]["format"] == "text"
    doc_a.pop("source")
    doc_b.pop("source")
    assert doc_a == doc_b


# --------------------------------------------------------------------------- sandbox
# Targets run in the child as "test_bad_input:<name>"(data, name); tests/ is on
# the child's sys.path because the parent passes its own along.


def _hog_memory(data: bytes, name: str) -> dict:
    blocks = []
    for _ in range(64):  # up to 4 GB in 64 MB steps
        blocks.append(bytearray(64 * 1024 * 1024))
    return {"allocated": len(blocks)}


def _sleep_forever(data: bytes, name: str) -> dict:
    time.sleep(3600)
    return {}


def _raise_unexpected(data: bytes, name: str) -> dict:
    raise KeyError("internal\nbug")


def _raise_loader_error(data: bytes, name: str) -> dict:
    raise NotAReportError("没有收支总表", file=name, page=3, table="收支总表", row=7)


def _echo(data: bytes, name: str) -> dict:
    from decimal import Decimal

    return {"name": name, "size": len(data), "amount": Decimal("6570.3800"), "tiny": Decimal("1E-7")}


def _crash_hard(data: bytes, name: str) -> dict:
    os.abort()


def _target(monkeypatch, func) -> None:
    monkeypatch.setattr(sandbox, "TARGET", f"{__name__}:{func.__name__}")


def _over_limit(monkeypatch, limit: str, value: str, func, data: bytes, name: str) -> tuple[ResourceLimitError, float]:
    """Run ``func`` in the sandbox under the limit ``limit=value``: the error it
    must end in, and the seconds that took."""
    monkeypatch.setenv(limit, value)
    _target(monkeypatch, func)
    t0 = time.monotonic()
    with pytest.raises(ResourceLimitError) as info:
        sandbox.parse_file_sandboxed(data, name)
    return info.value, time.monotonic() - t0


def test_sandbox_memory_limit(monkeypatch):
    error, seconds = _over_limit(monkeypatch, "BUDGETLENS_PARSE_MEMORY_MB", "300", _hog_memory, b"%PDF-1.4 whatever", "hog.pdf")
    assert error.file == "hog.pdf"
    assert "内存" in error.message()
    assert seconds < 60


def test_sandbox_timeout(monkeypatch):
    error, seconds = _over_limit(monkeypatch, "BUDGETLENS_PARSE_TIMEOUT_S", "2", _sleep_forever, b"x", "slow.pdf")
    assert seconds < 15
    assert "秒" in error.message()


def test_sandbox_unexpected_error_is_corrupt_file(monkeypatch, capfd):
    _target(monkeypatch, _raise_unexpected)
    monkeypatch.delenv("BUDGETLENS_DEBUG", raising=False)
    with pytest.raises(CorruptFileError) as info:
        sandbox.parse_file_sandboxed(b"x", "odd.pdf")
    message = info.value.message()
    assert message.startswith("odd.pdf：文件已损坏")
    assert "\n" not in message and "Traceback" not in message
    assert "Traceback" not in capfd.readouterr().err


def test_sandbox_debug_logs_traceback(monkeypatch, capfd):
    _target(monkeypatch, _raise_unexpected)
    monkeypatch.setenv("BUDGETLENS_DEBUG", "1")
    with pytest.raises(CorruptFileError):
        sandbox.parse_file_sandboxed(b"x", "odd.pdf")
    assert "Traceback" in capfd.readouterr().err


def test_sandbox_child_killed_by_signal(monkeypatch):
    _target(monkeypatch, _crash_hard)
    with pytest.raises((CorruptFileError, ResourceLimitError)):
        sandbox.parse_file_sandboxed(b"x", "abort.pdf")


def test_sandbox_reraises_loader_error_with_location(monkeypatch):
    _target(monkeypatch, _raise_loader_error)
    with pytest.raises(NotAReportError) as info:
        sandbox.parse_file_sandboxed(b"x", "x.pdf")
    exc = info.value
    assert (exc.file, exc.page, exc.table, exc.row, exc.detail) == ("x.pdf", 3, "收支总表", 7, "没有收支总表")
    assert exc.message() == "x.pdf，第3页，收支总表，第7行：不是预决算公开文件：没有收支总表"


def test_sandbox_returns_decimals_intact(monkeypatch, tmp_path):
    from decimal import Decimal

    _target(monkeypatch, _echo)
    f = tmp_path / "a.txt"
    f.write_bytes(b"abc")
    doc = sandbox.parse_file_sandboxed(f)
    assert doc == {"name": "a.txt", "size": 3, "amount": Decimal("6570.3800"), "tiny": Decimal("1E-7")}
    assert str(doc["amount"]) == "6570.3800"
    doc = sandbox.parse_file_sandboxed(b"abcd", "b.txt")
    assert (doc["name"], doc["size"]) == ("b.txt", 4)


def test_sandbox_checks_size_before_reading(monkeypatch, tmp_path):
    monkeypatch.setenv("BUDGETLENS_MAX_FILE_MB", "1")
    f = tmp_path / "big.bin"
    with f.open("wb") as fh:
        fh.truncate(5 * 1024 * 1024)
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: pytest.fail("opened the file"))
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read the whole file"))
    with pytest.raises(FileTooLargeError):
        sandbox.parse_file_sandboxed(f)
    with pytest.raises(FileTooLargeError):
        sandbox.parse_file_sandboxed(b"0" * (1024 * 1024 + 1), "big.bin")


def test_sandbox_empty_and_missing(tmp_path):
    f = tmp_path / "e.txt"
    f.write_bytes(b"")
    with pytest.raises(EmptyFileError):
        sandbox.parse_file_sandboxed(f)
    with pytest.raises(sandbox.MissingFileError) as info:
        sandbox.parse_file_sandboxed(tmp_path / "gone.txt")
    assert info.value.message() == "gone.txt：文件不存在"


def test_sandbox_parses_real_seed_like_in_process():
    from pipeline import parse_bytes

    data = SEED_000.read_bytes()
    assert sandbox.parse_file_sandboxed(SEED_000) == parse_bytes(data, SEED_000.name)
