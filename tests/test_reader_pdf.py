"""The PDF reader on the fixtures and the real published reports.

Each PDF is parsed once per session (``_doc``); the synthetic PDFs and the
error cases are in tests/test_reader_pdf_synthetic.py.
"""
from __future__ import annotations

import functools
import io
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from loaders.model import Document, Paragraph, Source, Table
from loaders.readers import pdf as pdf_reader
from tests.conftest import FIXTURES, REAL



def _read(data: bytes, name: str = "test.pdf") -> Document:
    return pdf_reader.read(data, Source(file=name, sha256="", format="pdf", pages=0))


@functools.lru_cache(maxsize=None)
def _doc(path: str) -> Document:
    return _read(Path(path).read_bytes(), Path(path).name)


PDFS = {
    "xianghe": FIXTURES / "xianghe-2024-budget.pdf", "qinglong": FIXTURES / "qinglong-2023-final.pdf",
    "shilong": FIXTURES / "shilong-2023-budget.pdf", "national": REAL / "national-petition-bureau-2024-final.pdf",
    "xian": REAL / "xian-medical-security-2022-budget.pdf", "yantai": REAL / "yantai-medical-security-2026-budget.pdf",
    "putuo_finance": REAL / "putuo-finance-bureau-2024-final.pdf",
}


def pdf(key: str) -> Document:
    """One of the PDFS as the reader reads it (once per session)."""
    return _doc(str(PDFS[key]))


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
    doc = pdf("xianghe")
    assert doc.source.pages == 36
    pages = {b.page for b in doc.paragraphs()} | {p for t in doc.tables() for p in t.pages}
    assert min(pages) == 1 and max(pages) == 36


def test_expenditure_table_is_one_table_over_two_pages_without_repeated_header():
    table = table_with(pdf("xianghe"), "部门预算支出总表")
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
    table = table_with(pdf("xianghe"), "部门预算支出总表")
    assert table.rows[0][:3] == ["序号", "功能分类科目", ""]
    assert table.rows[1][:3] == ["", "科目编码", "科目名称"]
    assert table.spans[(0, 0)] == (2, 1)  # 序号 over two header rows
    assert table.spans[(0, 1)] == (1, 2)  # 功能分类科目 over 科目编码 | 科目名称
    assert table.spans[(0, 3)] == (2, 1)  # 合计


def test_caption_lines_stay_as_paragraphs_before_the_table():
    doc = pdf("xianghe")
    table = table_with(doc, "部门预算收支总表")
    assert "部门预算收支总表" in table.caption
    index = doc.blocks.index(table)
    before = [b.text for b in doc.blocks[index - 2 : index]]
    assert before == ["部门预算收支总表", "320 香河县医疗保障局 预算年度：2024 单位：万元"]
    assert table.pages == [2, 3]
    assert table.rows[-1][1:] == ["收入总计", "6570.38", "支出总计", "6570.38"]


def test_page_numbers_are_dropped():
    texts = [p.text for p in pdf("xianghe").paragraphs()] + [p.text for p in pdf("yantai").paragraphs()]
    assert not [t for t in texts if t.startswith("第 ") and t.endswith(" 页")]
    assert not [t for t in texts if t.startswith("—") and t.endswith("—")]


def test_empty_tables_are_kept_with_their_header_and_note():
    doc = pdf("xianghe")
    table = table_with(doc, "部门预算政府性基金预算财政拨款支出表")
    assert len(table.rows) == 3 and table.rows[2][0] == "栏次"
    index = doc.blocks.index(table)
    assert doc.blocks[index + 1].text == "注：无政府基金预算财政拨款预算，空表列示。"


def test_performance_table_continued_with_a_coarser_grid_is_joined():
    # page 23 rules the rest of this table with one column edge fewer than page 22
    table = table_with(pdf("xianghe"), "1、医保局日常业务经费绩效目标表")
    assert table.pages == [22, 23]
    assert table.width == 7
    assert ["满意度指标", "服务对象满意\n度指标", "服务对象满意度", "服务对象满意度", "≥95%", "问卷调查", ""] in table.rows


def test_final_accounts_table_03():
    table = table_with(pdf("qinglong"), "公开03表")
    assert table.pages == [9, 10]
    assert ["210", "卫生健康支出", "17,246.17", "330.00", "16,916.18", "", "", ""] in table.rows
    assert "支出决算表" in table.caption


def test_right_aligned_table_number_is_its_own_line():
    doc = pdf("qinglong")
    table = table_with(doc, "公开01表")
    assert table.caption == ["收入支出决算总表", "公开01表", "部门：青龙满族自治县医疗保障局（汇总） 2023年度 金额单位：万元"]
    assert any(p.text == "公开01表" and p.page == 6 for p in doc.paragraphs())


def test_note_under_a_table_wraps_at_the_table_width():
    paragraph_with(pdf("qinglong"), "本部门（或单位）本年度无收支及结转结余情况，按要求以空表列示。")


# ---------------------------------------------------------- real documents


def test_national_table_01():
    doc = pdf("national")
    table = table_with(doc, "公开01表")
    assert table.pages == [7]
    assert table.caption == ["收入支出决算总表", "公开01表", "部门：国家信访局 金额单位：万元"]
    assert table.rows[3] == ["一、一般公共预算财政拨款收入", "1", "19,572.91", "一、一般公共服务支出", "32", "10,685.56"]


def test_national_self_evaluation_continues_onto_next_page():
    # the last row on page 30 is not closed by a rule there: its labels must
    # still land in the grid, and page 31 (a grid with fewer column edges)
    # must join the table
    table = table_with(pdf("national"), "信访干部培训专项项目绩效自评表")
    assert table.pages == [30, 31]
    assert any("效益指" in c for row in table.rows for c in row)
    assert ["总分", "", "", "", "", "", "", "100", "98", "", ""] in table.rows
    assert ["", "满意度\n指标", "服务对象\n满意度指标", "受训学员满意率", "", "≥95%", "100%", "10", "10", "", ""] in table.rows


def test_paragraph_lines_are_joined_into_whole_sentences():
    doc = pdf("national")
    p = paragraph_with(doc, "（二）负责向党中央、国务院及中共中央办公厅")
    assert p.page == 4
    assert p.text == (
        "（二）负责向党中央、国务院及中共中央办公厅、国务院办公厅反映来信来电来访中提出的重要建议、"
        "意见和问题，综合研判信访信息，开展调查研究，提出制定修改完善有关方针、政策和法律法规的建议。"
    )
    # the next numbered item is a paragraph of its own
    assert paragraph_with(doc, "（三）承担督促检查").text.startswith("（三）")


def test_heading_that_fills_its_line_stays_apart_from_the_next_paragraph():
    doc = pdf("national")
    assert any(p.text == "（二）“三公”经费财政拨款支出决算具体情况说明" for p in doc.paragraphs())


def test_paragraph_cut_by_a_page_break_is_joined():
    p = paragraph_with(pdf("xian"), "（5）行政单位医疗（2101101）")
    assert p.page == 18
    assert p.text.endswith("原因是上年含全市行政在职和退休人员医疗定额补助支出预算；")


def test_xian_tables_in_yuan():
    doc = pdf("xian")
    table = table_with(doc, "2022年部门综合预算收支总表")
    assert "单位：元" in table.caption
    assert table.rows[2][:2] == ["一、部门预算", "480544221.62"]
    func = table_with(doc, "表5", exact=True)
    assert ["2101501", "行政运行", "18075270.36", "16440637.19", "1634633.17", "0", ""] in func.rows


def test_image_page_inside_a_text_pdf_is_read_by_ocr():
    doc = pdf("xian")
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
    table = table_with(pdf("yantai"), "支出总体情况表")
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
    original = table_with(pdf("xianghe"), "部门预算支出总表")
    assert tables[0].rows == original.rows


def test_digits_set_lower_than_the_text_stay_on_their_line():
    # putuo-finance prints digits in Times New Roman ~5 pt below the 仿宋 text
    doc = pdf("putuo_finance")
    paragraph_with(doc, "年初预算为1560.05万元，支出决算为1511.89万元。")
    table = table_with(doc, "收入支出决算总表", exact=True)
    assert table.caption[0] == "第二部分 上海市普陀区财政局2024年度部门决算表"
    assert "财政拨款“三公”经费支出决算表" in table_with(doc, "三公").caption


def test_ruled_page_without_text_yields_nothing():
    # putuo-finance page 14: rules only, no characters
    doc = pdf("putuo_finance")
    assert not [b for b in doc.paragraphs() if b.page == 14]
    assert all(14 not in t.pages for t in doc.tables())


def test_text_drawn_over_other_text_is_not_interleaved():
    doc = pdf("yantai")
    texts = [p.text for p in doc.paragraphs() if p.page == 31]
    assert "（三）部门预算项目绩效目标表" in texts
    assert "政策和项目预算绩效目标表" in texts


def test_text_clipped_out_of_sight_is_not_read():
    # LibreOffice draws a merged cell that crosses a page break on both
    # pages, clipped to each page's part: page 32 draws the top of the
    # project row of page 31 above its own table, out of sight
    doc = pdf("shilong")
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
    doc = pdf("xian")
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
    table = table_with(pdf("xian"), "2022年部门预算专项业务经费绩效目标表")
    first = next(i for i, r in enumerate(table.rows) if r[3] == "媒体宣传等")
    assert table.rows[first][1:3] == ["产\n出\n指\n标", "数量指标"]
    assert table.spans[(first, 1)] == (22, 1)  # down to the foot of page 46
    quality = next(i for i, r in enumerate(table.rows) if r[3] == "综合运行服务工作保障率")
    assert table.rows[quality][2] == "质量指标"  # printed lower down its cell
    assert table.spans[(quality, 2)] == (8, 1)
    # the cell's piece on page 47 is one (empty) cell as well
    top47 = table.row_pages.index(47)
    assert table.rows[top47][2] == "" and table.spans[(top47, 2)] == (4, 1)
