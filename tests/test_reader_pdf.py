"""The PDF reader on the fixtures and the real published reports.

Each PDF is parsed once per session (``_doc``); the synthetic PDFs for fake
bold, rotation and the error cases are built here in a few lines.
"""
from __future__ import annotations

import functools
import io
import logging
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from loaders.errors import (
    CorruptFileError,
    EncryptedFileError,
    ScannedFileError,
    TooManyPagesError,
)
from loaders.model import Document, Paragraph, Source, Table
from loaders.readers import pdf as pdf_reader
from loaders.readers.pdf_text import join_lines
from tests.conftest import FIXTURES, REAL
from pdfgen import assemble



def _read(data: bytes, name: str = "test.pdf") -> Document:
    return pdf_reader.read(data, Source(file=name, sha256="", format="pdf", pages=0))


@functools.lru_cache(maxsize=None)
def _doc(path: str) -> Document:
    return _read(Path(path).read_bytes(), Path(path).name)


def xianghe() -> Document:
    return _doc(str(FIXTURES / "xianghe-2024-budget.pdf"))


def qinglong() -> Document:
    return _doc(str(FIXTURES / "qinglong-2023-final.pdf"))


def national() -> Document:
    return _doc(str(REAL / "national-petition-bureau-2024-final.pdf"))


def xian() -> Document:
    return _doc(str(REAL / "xian-medical-security-2022-budget.pdf"))


def yantai() -> Document:
    return _doc(str(REAL / "yantai-medical-security-2026-budget.pdf"))


def putuo_finance() -> Document:
    return _doc(str(REAL / "putuo-finance-bureau-2024-final.pdf"))


def shilong() -> Document:
    return _doc(str(FIXTURES / "shilong-2023-budget.pdf"))


def table_with(doc: Document, caption_part: str, exact: bool = False) -> Table:
    found = [
        t for t in doc.tables() if any(caption_part == line if exact else caption_part in line for line in t.caption)
    ]
    assert len(found) == 1, [t.caption for t in doc.tables()]
    return found[0]


def paragraph_with(doc: Document, text: str) -> Paragraph:
    found = [p for p in doc.paragraphs() if text in p.text]
    assert found, text
    return found[0]


# ------------------------------------------------------------------ fixtures


def test_page_count_and_pages_are_one_based():
    doc = xianghe()
    assert doc.source.pages == 36
    pages = {b.page for b in doc.paragraphs()} | {p for t in doc.tables() for p in t.pages}
    assert min(pages) == 1 and max(pages) == 36


def test_expenditure_table_is_one_table_over_two_pages_without_repeated_header():
    table = table_with(xianghe(), "部门预算支出总表")
    assert table.pages == [6, 7]
    assert ["17", "2101501", "行政运行", "259.34", "259.34", "", "", "", ""] in table.rows
    # the header rows printed again on page 7 are gone
    assert sum(1 for row in table.rows if row[0] == "栏次") == 1
    assert sum(1 for row in table.rows if row[0] == "序号") == 1
    # rows keep their page
    row_19 = next(i for i, row in enumerate(table.rows) if row[:2] == ["19", "2101505"])
    assert table.row_pages[row_19] == 7
    assert table.row_pages[0] == 6
    # a cell's own line break stays
    assert "上解上级支\n出" in table.rows[0]
    assert table.caption == ["部门预算支出总表", "320 香河县医疗保障局 预算年度：2024 单位：万元"]


def test_merged_header_cells_are_recorded_as_spans():
    table = table_with(xianghe(), "部门预算支出总表")
    assert table.rows[0][:3] == ["序号", "功能分类科目", ""]
    assert table.rows[1][:3] == ["", "科目编码", "科目名称"]
    assert table.spans[(0, 0)] == (2, 1)  # 序号 over two header rows
    assert table.spans[(0, 1)] == (1, 2)  # 功能分类科目 over 科目编码 | 科目名称
    assert table.spans[(0, 3)] == (2, 1)  # 合计


def test_caption_lines_stay_as_paragraphs_before_the_table():
    doc = xianghe()
    table = table_with(doc, "部门预算收支总表")
    assert "部门预算收支总表" in table.caption
    index = doc.blocks.index(table)
    before = [b.text for b in doc.blocks[index - 2 : index]]
    assert before == ["部门预算收支总表", "320 香河县医疗保障局 预算年度：2024 单位：万元"]
    assert table.pages == [2, 3]
    assert table.rows[-1][1:] == ["收入总计", "6570.38", "支出总计", "6570.38"]


def test_page_numbers_are_dropped():
    texts = [p.text for p in xianghe().paragraphs()] + [p.text for p in yantai().paragraphs()]
    assert not [t for t in texts if t.startswith("第 ") and t.endswith(" 页")]
    assert not [t for t in texts if t.startswith("—") and t.endswith("—")]


def test_empty_tables_are_kept_with_their_header_and_note():
    doc = xianghe()
    table = table_with(doc, "部门预算政府性基金预算财政拨款支出表")
    assert len(table.rows) == 3 and table.rows[2][0] == "栏次"
    index = doc.blocks.index(table)
    assert doc.blocks[index + 1].text == "注：无政府基金预算财政拨款预算，空表列示。"


def test_performance_table_continued_with_a_coarser_grid_is_joined():
    # page 23 rules the rest of this table with one column edge fewer than page 22
    table = table_with(xianghe(), "1、医保局日常业务经费绩效目标表")
    assert table.pages == [22, 23]
    assert table.width == 7
    assert ["满意度指标", "服务对象满意\n度指标", "服务对象满意度", "服务对象满意度", "≥95%", "问卷调查", ""] in table.rows


def test_final_accounts_table_03():
    table = table_with(qinglong(), "公开03表")
    assert table.pages == [9, 10]
    assert ["210", "卫生健康支出", "17,246.17", "330.00", "16,916.18", "", "", ""] in table.rows
    assert "支出决算表" in table.caption


def test_right_aligned_table_number_is_its_own_line():
    doc = qinglong()
    table = table_with(doc, "公开01表")
    assert table.caption == ["收入支出决算总表", "公开01表", "部门：青龙满族自治县医疗保障局（汇总） 2023年度 金额单位：万元"]
    assert any(p.text == "公开01表" and p.page == 6 for p in doc.paragraphs())


def test_note_under_a_table_wraps_at_the_table_width():
    paragraph_with(qinglong(), "本部门（或单位）本年度无收支及结转结余情况，按要求以空表列示。")


# ---------------------------------------------------------- real documents


def test_national_table_01():
    doc = national()
    table = table_with(doc, "公开01表")
    assert table.pages == [7]
    assert table.caption == ["收入支出决算总表", "公开01表", "部门：国家信访局 金额单位：万元"]
    assert table.rows[3] == ["一、一般公共预算财政拨款收入", "1", "19,572.91", "一、一般公共服务支出", "32", "10,685.56"]


def test_national_self_evaluation_continues_onto_next_page():
    # the last row on page 30 is not closed by a rule there: its labels must
    # still land in the grid, and page 31 (a grid with fewer column edges)
    # must join the table
    table = table_with(national(), "信访干部培训专项项目绩效自评表")
    assert table.pages == [30, 31]
    assert any("效益指" in c for row in table.rows for c in row)
    assert ["总分", "", "", "", "", "", "", "100", "98", "", ""] in table.rows
    assert ["", "满意度\n指标", "服务对象\n满意度指标", "受训学员满意率", "", "≥95%", "100%", "10", "10", "", ""] in table.rows


def test_paragraph_lines_are_joined_into_whole_sentences():
    doc = national()
    p = paragraph_with(doc, "（二）负责向党中央、国务院及中共中央办公厅")
    assert p.page == 4
    assert p.text == (
        "（二）负责向党中央、国务院及中共中央办公厅、国务院办公厅反映来信来电来访中提出的重要建议、"
        "意见和问题，综合研判信访信息，开展调查研究，提出制定修改完善有关方针、政策和法律法规的建议。"
    )
    # the next numbered item is a paragraph of its own
    assert paragraph_with(doc, "（三）承担督促检查").text.startswith("（三）")


def test_heading_that_fills_its_line_stays_apart_from_the_next_paragraph():
    doc = national()
    assert any(p.text == "（二）“三公”经费财政拨款支出决算具体情况说明" for p in doc.paragraphs())


def test_paragraph_cut_by_a_page_break_is_joined():
    p = paragraph_with(xian(), "（5）行政单位医疗（2101101）")
    assert p.page == 18
    assert p.text.endswith("原因是上年含全市行政在职和退休人员医疗定额补助支出预算；")


def test_xian_tables_in_yuan():
    doc = xian()
    table = table_with(doc, "2022年部门综合预算收支总表")
    assert "单位：元" in table.caption
    assert table.rows[2][:2] == ["一、部门预算", "480544221.62"]
    func = table_with(doc, "表5", exact=True)
    assert ["2101501", "行政运行", "18075270.36", "16440637.19", "1634633.17", "0", ""] in func.rows


def test_image_page_inside_a_text_pdf_is_read_by_ocr():
    doc = xian()
    assert doc.source.pages == 50
    # page 16 is a picture (a pie chart of staff): OCR reads its labels as
    # text, and its frame is no table
    assert doc.source.ocr_pages == [16]
    assert any("人员构成" in b.text for b in doc.paragraphs() if b.page == 16)
    assert not [t for t in doc.tables() if 16 in t.pages]
    # the text on both sides is there
    assert any(b.page == 15 for b in doc.paragraphs()) and any(b.page == 17 for b in doc.paragraphs())


def test_rotated_landscape_pages_read_upright():
    # yantai pages 8-26 carry /Rotate 90
    table = table_with(yantai(), "支出总体情况表")
    assert table.pages == [11, 12]
    assert table.rows[0] == ["科目编码", "", "", "科目名称", "合计", "基本支出", "项目支出", "结转下年"]
    assert ["", "", "", "合 计", "16,375.67", "2,200.67", "14,175.00", ""] in table.rows
    # the repeat of the header on page 12 is gone
    assert sum(1 for row in table.rows if row[0] == "科目编码") == 1


def test_rotating_a_page_does_not_change_what_is_read():
    source = FIXTURES / "xianghe-2024-budget.pdf"
    reader = PdfReader(str(source))
    writer = PdfWriter()
    for n in (5, 6):  # the expenditure table, pages 6-7
        writer.add_page(reader.pages[n])
        writer.pages[-1].rotate(90)
    out = io.BytesIO()
    writer.write(out)
    doc = _read(out.getvalue())
    tables = list(doc.tables())
    assert len(tables) == 1 and tables[0].pages == [1, 2]
    original = table_with(xianghe(), "部门预算支出总表")
    assert tables[0].rows == original.rows


def test_digits_set_lower_than_the_text_stay_on_their_line():
    # putuo-finance prints digits in Times New Roman ~5 pt below the 仿宋 text
    doc = putuo_finance()
    paragraph_with(doc, "年初预算为1560.05万元，支出决算为1511.89万元。")
    table = table_with(doc, "收入支出决算总表", exact=True)
    assert table.caption[0] == "第二部分 上海市普陀区财政局2024年度部门决算表"
    assert "财政拨款“三公”经费支出决算表" in table_with(doc, "三公").caption


def test_ruled_page_without_text_yields_nothing():
    # putuo-finance page 14: rules only, no characters
    doc = putuo_finance()
    assert not [b for b in doc.paragraphs() if b.page == 14]
    assert all(14 not in t.pages for t in doc.tables())


def test_text_drawn_over_other_text_is_not_interleaved():
    doc = yantai()
    texts = [p.text for p in doc.paragraphs() if p.page == 31]
    assert "（三）部门预算项目绩效目标表" in texts
    assert "政策和项目预算绩效目标表" in texts


def test_text_clipped_out_of_sight_is_not_read():
    # LibreOffice draws a merged cell that crosses a page break on both
    # pages, clipped to each page's part: page 32 draws the top of the
    # project row of page 31 above its own table, out of sight
    doc = shilong()
    assert not [p.text for p in doc.paragraphs() if p.page == 32]
    summary = table_with(doc, "2023 年部门预算项目绩效目标汇总表")
    assert summary.pages == [29, 30, 31, 32, 33]
    assert sum(1 for row in summary.rows if row[0] == "410404230000000032901") == 1
    # the department table runs on over four pages, its 一级/二级 columns
    # ruled on page 27 only down their frame (no cell closes there)
    dept = table_with(doc, "部门（单位）整体绩效目标表", exact=True)
    assert dept.pages == [25, 26, 27, 28]
    row = next(r for r in dept.rows if r[2] == "政府采购执行率")
    assert row[:4] == ["", "", "政府采购执行率", "≥80%"]


def test_xian_performance_tables_join_across_the_clipped_page_break():
    doc = xian()
    targets = table_with(doc, "2022年部门预算专项业务经费绩效目标表")
    department = table_with(doc, "2022年部门整体支出绩效目标表")
    assert targets.pages == [46, 47] and targets.width == 6
    assert department.pages == [48, 49] and department.width == 7
    # nothing of the clipped cells is left over as text on the next page
    assert not [p.text for p in doc.paragraphs() if p.page in (47, 49)]
    # page 49 lacks the frame's first column and rules 指标值 over two
    # columns of page 48: it is laid on page 48's column edges
    row = department.rows[department.row_pages.index(49)]
    assert row[3:6] == ["智能识别审核", "", "21800份"]
    # a cell's second line that its clip hides ('、获得感') is not read
    assert [r[3] for r in department.rows if r[3].startswith("促进各类")] == [
        "促进各类医疗保障互补衔接，积极应对人口老龄化，助推医养结合服务体系建设，群众幸福感"
    ]


def test_merged_cell_left_open_by_the_page_break_is_one_cell():
    # 产出指标 is printed one character a row in a merged cell whose bottom
    # rule is on page 47: the text goes to the cell's first row, the cell's
    # rows are its span
    table = table_with(xian(), "2022年部门预算专项业务经费绩效目标表")
    first = next(i for i, r in enumerate(table.rows) if r[3] == "媒体宣传等")
    assert table.rows[first][1:3] == ["产\n出\n指\n标", "数量指标"]
    assert table.spans[(first, 1)] == (22, 1)  # down to the foot of page 46
    quality = next(i for i, r in enumerate(table.rows) if r[3] == "综合运行服务工作保障率")
    assert table.rows[quality][2] == "质量指标"  # printed lower down its cell
    assert table.spans[(quality, 2)] == (8, 1)
    # the cell's piece on page 47 is one (empty) cell as well
    top47 = table.row_pages.index(47)
    assert table.rows[top47][2] == "" and table.spans[(top47, 2)] == (4, 1)


# ------------------------------------------------------------- synthetic


def _pdf(content: bytes, rotate: int = 0) -> bytes:
    """A one-page PDF (A4) drawing ``content`` with Helvetica as /F1."""
    rot = f" /Rotate {rotate}" if rotate else ""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
            + rot.encode()
            + b" /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
        ),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return assemble(objects)


def _text(x: float, y: float, s: str, size: int = 12) -> bytes:
    return b"BT /F1 %d Tf %.2f %.2f Td (%s) Tj ET\n" % (size, x, y, s.encode())


def _grid(x0: float, y0: float, widths: list[float], heights: list[float]) -> bytes:
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    ys = [y0]
    for h in heights:
        ys.append(ys[-1] - h)
    ops = []
    for y in ys:
        ops.append(b"%.2f %.2f m %.2f %.2f l S" % (xs[0], y, xs[-1], y))
    for x in xs:
        ops.append(b"%.2f %.2f m %.2f %.2f l S" % (x, ys[0], x, ys[-1]))
    return b"0.8 w\n" + b"\n".join(ops) + b"\n"


def _fake_bold_page() -> bytes:
    content = _text(72, 760, "Budget Report")
    content += _text(72.3, 760.2, "Budget Report")  # the same again, shifted: fake bold
    content += _grid(72, 700, [150, 150], [24, 24])
    for dx in (0, 0.35):
        content += _text(80 + dx, 684, "Total")
        content += _text(230 + dx, 684, "123.45")
    content += _text(80, 660, "Other")
    content += _text(230, 660, "6.00")
    return content


def test_fake_bold_duplicates_do_not_double_text():
    doc = _read(_pdf(_fake_bold_page()))
    assert [p.text for p in doc.paragraphs()] == ["Budget Report"]
    tables = list(doc.tables())
    assert len(tables) == 1
    assert tables[0].rows == [["Total", "123.45"], ["Other", "6.00"]]
    assert tables[0].row_pages == [1, 1]
    assert doc.source.pages == 1


def test_rotated_synthetic_page_reads_the_same():
    doc = _read(_pdf(_fake_bold_page(), rotate=90))
    assert [p.text for p in doc.paragraphs()] == ["Budget Report"]
    assert list(doc.tables())[0].rows == [["Total", "123.45"], ["Other", "6.00"]]


def test_entirely_empty_ruled_table_is_skipped():
    doc = _read(_pdf(_text(72, 760, "Heading") + _grid(72, 700, [100, 100], [20, 20])))
    assert list(doc.tables()) == []
    assert [p.text for p in doc.paragraphs()] == ["Heading"]


def test_page_number_at_the_bottom_is_dropped_but_numbers_in_text_stay():
    content = _text(72, 760, "Total 2024") + _text(72, 740, "17") + _text(290, 40, "3")
    doc = _read(_pdf(content))
    assert [p.text for p in doc.paragraphs()] == ["Total 2024", "17"]


def test_ascii_words_keep_a_space_when_lines_are_joined():
    assert join_lines(["DRG/DIP 支付方式改革三年行动计", "划，聚焦抓扩面"]) == "DRG/DIP 支付方式改革三年行动计划，聚焦抓扩面"
    assert join_lines(["the budget of", "2024 was"]) == "the budget of 2024 was"


def test_text_outside_the_clipping_path_is_not_read():
    content = (
        b"q 50 700 300 40 re W n\n"
        + _text(72, 710, "Shown")
        + _text(72, 600, "Hidden below")
        + b"q 60 705 20 30 re W n\n"
        + _text(120, 712, "Hidden beside")  # outside the inner clip (intersected)
        + b"Q\n"
        + _text(200, 712, "Inner restored")
        + b"Q\n"
        + _text(72, 500, "After")
    )
    doc = _read(_pdf(content))
    assert [p.text for p in doc.paragraphs()] == ["Shown Inner restored", "After"]


def test_frame_column_without_cells_is_part_of_the_table():
    # a column ruled only down its sides (its merged cell crosses the page
    # break, so no rule closes a cell in it) belongs to the table beside it
    content = _grid(72, 700, [80, 80], [20, 20]) + b"0.8 w 40 700 m 40 660 l S\n"
    for x, y, t in ((80, 685, "A1"), (160, 685, "A2"), (80, 665, "A3"), (160, 665, "A4"), (45, 680, "L")):
        content += _text(x, y, t, size=8)
    doc = _read(_pdf(content))
    (table,) = doc.tables()
    assert table.rows == [["L", "A1", "A2"], ["", "A3", "A4"]]
    assert table.spans == {(0, 0): (2, 1)}
    assert list(doc.paragraphs()) == []


def test_tables_side_by_side_stay_apart():
    content = _grid(72, 700, [80, 80], [20, 20]) + _grid(300, 700, [80, 80], [20, 20])
    for x0, name in ((72, "A"), (300, "B")):
        for k, (dx, y) in enumerate(((8, 685), (88, 685), (8, 665), (88, 665)), start=1):
            content += _text(x0 + dx, y, f"{name}{k}")
    tables = list(_read(_pdf(content)).tables())
    assert [t.rows for t in tables] == [[["A1", "A2"], ["A3", "A4"]], [["B1", "B2"], ["B3", "B4"]]]


# ------------------------------------------------------------------ errors


def _small_pdf() -> bytes:
    return (FIXTURES / "beidaihe-2021-targets.pdf").read_bytes()


def test_password_protected_pdf():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_small_pdf())))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(EncryptedFileError) as info:
        _read(out.getvalue(), "locked.pdf")
    assert info.value.file == "locked.pdf"
    assert info.value.__cause__ is not None


def test_owner_password_only_still_reads():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_small_pdf())))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    doc = _read(out.getvalue())
    assert doc.source.pages == 11 and len(list(doc.tables())) == 11


@pytest.mark.parametrize("data", [_small_pdf()[: len(_small_pdf()) // 2], b"%PDF-1.7\n" + b"\x00junk" * 50])
def test_truncated_or_garbage_pdf_is_corrupt(data):
    with pytest.raises(CorruptFileError) as info:
        _read(data)
    assert info.value.__cause__ is not None


def test_no_text_layer_anywhere_is_read_by_ocr():
    reader = PdfReader(str(REAL / "xian-medical-security-2022-budget.pdf"))
    writer = PdfWriter()
    writer.add_page(reader.pages[15])  # the image page
    out = io.BytesIO()
    writer.write(out)
    doc = _read(out.getvalue())
    assert doc.source.ocr_pages == [1]
    assert "人员构成" in doc.text()


def test_a_blank_scan_is_refused():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (1240, 1754), 250).save(buf, "PDF", resolution=150)
    with pytest.raises(ScannedFileError) as info:
        _read(buf.getvalue(), "blank.pdf")
    assert "没有可识别的文字" in info.value.message()


def test_too_many_pages_is_refused_before_parsing(monkeypatch):
    monkeypatch.setenv("BUDGETLENS_MAX_PAGES", "10")
    parsed = []
    monkeypatch.setattr(pdf_reader, "_read_page", lambda page: parsed.append(page))
    with pytest.raises(TooManyPagesError):
        _read(_small_pdf())
    assert parsed == []


def test_pdfminer_warnings_are_silenced():
    assert logging.getLogger("pdfminer").getEffectiveLevel() >= logging.ERROR
