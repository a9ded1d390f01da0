"""The Excel (.xlsx/.xls) and Word (.docx) readers on the fixture files, on
number formats, and on damaged, encrypted and malicious inputs."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from functools import lru_cache

import pytest

from golden import FIXTURES
from loaders.errors import CorruptFileError, EncryptedFileError, LoaderError, UnsupportedFormatError
from loaders.model import Document, Paragraph, Source, Table
from loaders.readers import docx as docx_reader
from loaders.readers import xls as xls_reader
from loaders.readers import xlsx as xlsx_reader
from loaders.readers.xlsx import render_number
from loaders.registry import read_document

XIANGHE_SHEETS = [
    "部门预算收支总表",
    "部门预算收入总表",
    "部门预算支出总表",
    "部门预算财政拨款收支总表",
    "一般公共预算财政拨款支出表",
    "一般公共预算财政拨款基本支出表",
    "政府性基金预算财政拨款支出表",
    "国有资本经营预算财政拨款支出表",
    "部门预算财政拨款“三公”经费支出表",
]


@lru_cache(maxsize=None)
def _doc(name: str) -> Document:
    return read_document((FIXTURES / name).read_bytes(), name)


def _source(fmt: str, name: str = "t") -> Source:
    return Source(file=name, sha256="0" * 64, format=fmt, pages=0)


def _sheet(doc: Document, name: str) -> Table:
    return next(t for t in doc.tables() if t.sheet == name)


def _has_row(table: Table, *cells: str) -> bool:
    """Some row holds ``cells`` in this order (other cells may sit between)."""
    for row in table.rows:
        it = iter(row)
        if all(any(c == want for c in it) for want in cells):
            return True
    return False


# --------------------------------------------------------------------------
# .xlsx
# --------------------------------------------------------------------------


def test_xianghe_sheets_in_order():
    doc = _doc("xianghe-2024-budget.xlsx")
    assert doc.source.format == "xlsx"
    assert doc.source.pages == 9
    assert [t.sheet for t in doc.tables()] == XIANGHE_SHEETS
    assert [t.caption for t in doc.tables()] == [[s] for s in XIANGHE_SHEETS]
    assert [t.page for t in doc.tables()] == list(range(1, 10))
    assert not list(doc.paragraphs())


def test_qinglong_and_shilong_sheet_names():
    assert [t.sheet for t in _doc("qinglong-2023-final.xlsx").tables()] == [f"公开0{i}表" for i in range(1, 10)]
    shilong = _doc("shilong-2023-budget.xlsx")
    assert shilong.source.pages == 13
    names = [t.sheet for t in shilong.tables()]
    assert len(names) == 13
    assert names[0] == "预算01表 部门收支总体情况表"
    assert names[-1] == "预算14表 项目绩效目标汇总表"
    assert not any(n.startswith("预算12表") for n in names)


def test_xianghe_expenditure_row():
    table = _sheet(_doc("xianghe-2024-budget.xlsx"), "部门预算支出总表")
    assert ["17", "2101501", "行政运行", "259.34", "259.34", "", "", "", ""] in table.rows
    # Title, agency/unit line and headers are kept as rows.
    assert table.rows[0][0] == "部门预算支出总表"
    assert table.rows[1][0] == "320 香河县医疗保障局"
    assert "单位：万元" in table.rows[1]
    assert table.width == 9


def test_qinglong_amounts_have_no_thousands_separator():
    doc = _doc("qinglong-2023-final.xlsx")
    table = _sheet(doc, "公开03表")
    assert ["210", "卫生健康支出", "17246.17", "330.00", "16916.18", "", "", ""] in table.rows
    assert _has_row(_sheet(doc, "公开01表"), "17334.30")
    assert not any("," in c for t in doc.tables() for r in t.rows for c in r if c[:1].isdigit())


def test_used_range_is_trimmed_and_notes_kept():
    table = _sheet(_doc("qinglong-2023-final.xlsx"), "公开07表")
    columns = list(zip(*table.rows))
    assert any(table.rows[0]) and any(table.rows[-1])
    assert any(columns[0]) and any(columns[-1])
    assert table.rows[0][0] == "政府性基金预算财政拨款收入支出决算表"
    assert table.rows[-1][0].startswith("注")


def test_merged_header_cells_are_spans():
    table = _sheet(_doc("qinglong-2023-final.xlsx"), "公开03表")
    assert table.spans[(0, 0)] == (1, 8)  # the title across the table
    r = next(i for i, row in enumerate(table.rows) if row[2] == "本年支出合计")
    assert table.spans[(r, 2)] == (2, 1)  # merged down over the code/name row
    assert table.rows[r + 1][2] == ""  # covered cell is empty
    assert table.spans[(r, 0)] == (1, 2)  # 项目 across 编码 | 名称
    assert table.rows[r + 1][:2] == ["功能分类科目编码", "科目名称"]

    expenditure = _sheet(_doc("xianghe-2024-budget.xlsx"), "部门预算支出总表")
    r = next(i for i, row in enumerate(expenditure.rows) if "功能分类科目" in row)
    c = expenditure.rows[r].index("功能分类科目")
    assert expenditure.spans[(r, c)] == (1, 2)
    assert expenditure.rows[r][c + 1] == ""


def test_xls_gives_the_same_tables_as_xlsx():
    xls = _doc("qinglong-2023-final.xls")
    xlsx = _doc("qinglong-2023-final.xlsx")
    assert xls.source.format == "xls"
    assert xls.source.pages == xlsx.source.pages == 9
    a, b = list(xls.tables()), list(xlsx.tables())
    assert len(a) == len(b) == 9
    for ta, tb in zip(a, b):
        assert ta.sheet == tb.sheet
        assert ta.rows == tb.rows, ta.sheet
        assert ta.spans == tb.spans, ta.sheet
        assert ta.row_pages == tb.row_pages
        assert ta.caption == tb.caption
    assert ["210", "卫生健康支出", "17246.17", "330.00", "16916.18", "", "", ""] in _sheet(xls, "公开03表").rows


@pytest.mark.parametrize(
    "value,fmt,text",
    [
        (17334.3, "#,##0.00", "17334.30"),
        (1743, "0.000000", "1743.000000"),
        (5, "General", "5"),
        (0.13, "General", "0.13"),
        (2569.81145, "General", "2569.81145"),
        (0.1 + 0.2, "General", "0.3"),
        (1743.0, "General", "1743"),
        (0.256, "0.0%", "25.6%"),
        (1, "0.00%", "100.00%"),
        (5, "00", "05"),
        (2.675, "0.00", "2.68"),  # decimal rounding, not float (2.67499999…)
        (-1234.5, "#,##0.00_);(#,##0.00)", "-1234.50"),
        (0, '_(* #,##0.00_);_(* (#,##0.00);_(* "-"??_);_(@_)', "-"),
        (0, "0.00;-0.00;", ""),
        (12.5, '0.00"万元"', "12.50万元"),
        (1234.5, "[$¥-804]#,##0.00", "1234.50"),
        (12345678, "#,##0,", "12346"),
        (123456, "0.00E+00", "1.23E+05"),
        (3.1, "0.###", "3.1"),
        (-0.001, "0.00", "0.00"),
        (1e16, "General", "10000000000000000"),
    ],
)
def test_render_number(value, fmt, text):
    assert render_number(value, fmt) == text


def _xlsx_bytes(build) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    build(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_cell_kinds_and_empty_sheets():
    def build(wb):
        ws = wb.active
        ws.title = "数据"
        ws["B3"] = "  标题\n第二行  "
        ws["B4"] = 0.256
        ws["B4"].number_format = "0.00%"
        ws["C4"] = dt.datetime(2024, 3, 1)
        ws["C4"].number_format = "yyyy-mm-dd"
        ws["D4"] = True
        ws["E4"] = "=1+1"  # openpyxl writes no cached value
        ws["B5"] = 7
        ws["B5"].number_format = "000"
        ws.merge_cells("B3:D3")
        wb.create_sheet("空表")
        wb.create_sheet("末表")["A1"] = "x"

    doc = xlsx_reader.read(_xlsx_bytes(build), _source("xlsx"))
    assert doc.source.pages == 3
    assert [t.sheet for t in doc.tables()] == ["数据", "末表"]
    first, last = doc.blocks
    assert first.rows == [["标题\n第二行", "", ""], ["25.60%", "2024-03-01", "TRUE"], ["007", "", ""]]
    assert first.spans == {(0, 0): (1, 3)}
    assert first.row_pages == [1, 1, 1]
    assert last.row_pages == [3]


# --------------------------------------------------------------------------
# .docx
# --------------------------------------------------------------------------


def _first_table(name: str, count: int, caption: str):
    """The first table of ``name``, after checking the file has ``count`` tables
    and the first one's caption ends with ``caption``."""
    tables = list(_doc(name).tables())
    assert len(tables) == count
    assert tables[0].caption[-1] == caption
    return tables[0]


def test_beidaihe_budget_tables():
    first = _first_table("beidaihe-2021-budget.docx", 34, "单位预算收支总表")
    assert first.rows[0][0] == "450001秦皇岛市北戴河区医疗保障局（本级）"
    assert _has_row(first, "1", "一、一般公共预算拨款收入", "254.61")
    # 序号 merged down over the 项目 row, 收入 across 项目 | 预算数.
    assert first.rows[1][:3] == ["序号", "收入", ""]
    assert first.spans[(1, 0)] == (2, 1)
    assert first.spans[(1, 1)] == (1, 2)
    assert first.rows[2][0] == ""


def test_beidaihe_budget_paragraphs_and_pages():
    doc = _doc("beidaihe-2021-budget.docx")
    texts = [p.text for p in doc.paragraphs()]
    assert texts[0] == "一、秦皇岛市北戴河区医疗保障局（本级）收支预算"
    assert "项目支出1229.79万元，主要为：" in texts
    assert all(p.text == p.text.strip() and p.text for p in doc.paragraphs())
    # Each of the nine budget tables starts a page (pageBreakBefore).
    assert [t.page for t in list(doc.tables())[:9]] == list(range(1, 10))
    assert doc.source.pages >= 10
    pages = [b.page if isinstance(b, Paragraph) else b.page for b in doc.blocks]
    assert pages == sorted(pages)


def test_targets_first_level_indicator_merged_down():
    table = _first_table("beidaihe-2021-targets.docx", 11, "1.骨干网络（专线）运营租赁费绩效目标表")
    r = next(i for i, row in enumerate(table.rows) if row[0] == "产出指标")
    assert table.spans[(r, 0)][0] > 1
    assert table.rows[r + 1][0] == ""
    assert table.rows[r + 1][1] == "质量指标"
    # A cell of three paragraphs.
    goal = next(row[1] for row in table.rows if row[0] == "绩效目标")
    assert goal.count("\n") == 2


# Synthetic Word documents exercise what the fixtures do not.

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx_bytes(body: str, extra: dict[str, bytes] | None = None, document: bool = True) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/styles.xml", "<styles/>")
        if document:
            zf.writestr("word/document.xml", f"<w:document {_W}><w:body>{body}</w:body></w:document>")
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return out.getvalue()


def _p(text: str, inner: str = "") -> str:
    return f"<w:p>{inner}<w:r><w:t>{text}</w:t></w:r></w:p>"


def _tc(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{_p(text) if text else '<w:p/>'}</w:tc>"


def test_docx_grid_and_text_markup():
    table = (
        "<w:tbl><w:tblGrid>" + "<w:gridCol/>" * 3 + "</w:tblGrid>"
        "<w:tr>" + _tc("A", '<w:vMerge w:val="restart"/>') + _tc("B", '<w:gridSpan w:val="2"/>') + "</w:tr>"
        "<w:tr>" + _tc("", "<w:vMerge/>") + _tc("c1") + _tc("c2") + "</w:tr>"
        '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>'
        "<w:sdt><w:sdtContent>" + _tc("d1") + "</w:sdtContent></w:sdt>" + _tc("d2") + "</w:tr>"
        '<w:tr><w:trPr><w:del w:id="9"/></w:trPr>' + _tc("gone") * 3 + "</w:tr>"
        "<w:tr>" + _tc("x") + "<w:tc>" + _p("outer")
        + "<w:tbl><w:tr>" + _tc("n1") + _tc("n2") + "</w:tr><w:tr>" + _tc("n3") + "</w:tr></w:tbl>"
        + "</w:tc>" + _tc("z") + "</w:tr></w:tbl>"
    )
    body = (
        _p("标题一")
        + "<w:p><w:r><w:t>保留</w:t></w:r><w:ins><w:r><w:t>插入</w:t></w:r></w:ins>"
        "<w:del><w:r><w:delText>删除</w:delText></w:r></w:del>"
        '<w:moveFrom w:id="3"><w:r><w:t>移走</w:t></w:r></w:moveFrom><w:moveTo w:id="4"><w:r><w:t>移来</w:t></w:r></w:moveTo>'
        "<w:hyperlink><w:r><w:t>链接</w:t></w:r></w:hyperlink>"
        '<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r></w:p>'
        "<w:p/>"
        "<w:sdt><w:sdtContent>" + _p("控件内") + "</w:sdtContent></w:sdt>"
        + _p("单位：万元")
        + table
        + '<w:p><w:r><w:br w:type="page"/><w:t>第二页</w:t></w:r></w:p>'
    )
    doc = docx_reader.read(_docx_bytes(body), _source("docx"))
    assert [p.text for p in doc.paragraphs()] == ["标题一", "保留插入移来链接", "控件内", "单位：万元", "第二页"]
    (t,) = doc.tables()
    assert t.caption == ["保留插入移来链接", "控件内", "单位：万元"]
    assert t.rows == [
        ["A", "B", ""],
        ["", "c1", "c2"],
        ["", "d1", "d2"],
        ["x", "outer\nn1 n2\nn3", "z"],
    ]
    assert t.spans == {(0, 0): (2, 1), (0, 1): (1, 2)}
    assert [p.page for p in doc.paragraphs()] == [1, 1, 1, 1, 2]
    assert t.row_pages == [1, 1, 1, 1]
    assert doc.source.pages == 2


def test_docx_rendered_page_breaks_and_sections():
    sect = '<w:pPr><w:sectPr><w:pgSz w:w="16838" w:h="11906"/></w:sectPr></w:pPr>'
    body = (
        _p("一")
        + "<w:p><w:r><w:lastRenderedPageBreak/><w:t>二</w:t></w:r></w:p>"
        + '<w:p><w:r><w:br w:type="page"/></w:r><w:r><w:lastRenderedPageBreak/><w:t>三</w:t></w:r></w:p>'
    )
    doc = docx_reader.read(_docx_bytes(body), _source("docx"))
    # Word's saved layout wins: the explicit break is not counted twice.
    assert [p.page for p in doc.paragraphs()] == [1, 2, 3]
    assert doc.source.pages == 3

    body = f"<w:p>{sect}<w:r><w:t>横版</w:t></w:r></w:p>" + _p("竖版") + "<w:sectPr/>"
    doc = docx_reader.read(_docx_bytes(body), _source("docx"))
    assert [p.page for p in doc.paragraphs()] == [1, 2]
    continuous = body.replace("<w:sectPr/>", '<w:sectPr><w:type w:val="continuous"/></w:sectPr>')
    doc = docx_reader.read(_docx_bytes(continuous), _source("docx"))
    assert [p.page for p in doc.paragraphs()] == [1, 1]
    assert doc.source.pages == 1


# --------------------------------------------------------------------------
# Damaged, encrypted and malicious files
# --------------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def _bomb(tmp_path, size_mb: int, prefix: str) -> bytes:
    path = tmp_path / "bomb.zip"
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{prefix}/workbook.xml" if prefix == "xl" else f"{prefix}/document.xml", "<x/>")
        with zf.open(f"{prefix}/big.xml", "w") as member:
            for _ in range(size_mb):
                member.write(chunk)
    return path.read_bytes()


def test_xlsx_without_workbook(tmp_path):
    data = _zip({"[Content_Types].xml": b"<Types/>", "docProps/app.xml": b"<x/>"})
    with pytest.raises(CorruptFileError, match="xl/workbook.xml"):
        xlsx_reader.read(data, _source("xlsx", "a.xlsx"))
    data = _zip({"xl/styles.xml": b"<x/>"})
    with pytest.raises(CorruptFileError, match="工作簿"):
        xlsx_reader.read(data, _source("xlsx", "a.xlsx"))
    with pytest.raises(CorruptFileError):
        read_document(data, "a.xlsx")


@pytest.mark.parametrize("reader,prefix", [(xlsx_reader, "xl"), (docx_reader, "word")])
def test_zip_bomb_member_ratio(tmp_path, reader, prefix):
    data = _bomb(tmp_path, 11, prefix)
    assert len(data) < 100_000
    with pytest.raises(CorruptFileError, match="压缩炸弹"):
        reader.read(data, _source(prefix))


def test_zip_bomb_total_size(tmp_path, monkeypatch):
    monkeypatch.setenv("BUDGETLENS_MAX_UNZIPPED_MB", "1")
    data = _bomb(tmp_path, 2, "word")  # 2 MB: under the per-member rule
    with pytest.raises(CorruptFileError, match="压缩炸弹"):
        docx_reader.read(data, _source("docx"))
    with pytest.raises(CorruptFileError, match="压缩炸弹"):
        read_document(data, "b.docx")


def test_docx_without_document_xml():
    data = _docx_bytes("", document=False)
    with pytest.raises(CorruptFileError, match="word/document.xml"):
        docx_reader.read(data, _source("docx", "a.docx"))
    with pytest.raises(CorruptFileError):
        read_document(data, "a.docx")


def test_docx_broken_xml_is_chained():
    data = _zip({"word/document.xml": b"<w:document><w:body><w:p>"})
    with pytest.raises(CorruptFileError) as info:
        docx_reader.read(data, _source("docx"))
    assert info.value.__cause__ is not None


def test_xlsx_broken_workbook_is_chained():
    src = (FIXTURES / "xianghe-2024-budget.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(src)) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["xl/workbook.xml"] = b"<workbook><sheets>"
    with pytest.raises(CorruptFileError) as info:
        xlsx_reader.read(_zip(members), _source("xlsx"))
    assert info.value.__cause__ is not None


@pytest.mark.parametrize("reader", [xlsx_reader, xls_reader, docx_reader])
def test_garbage_bytes(reader):
    garbage = b"\x00\x13garbage\xff" * 100
    with pytest.raises(CorruptFileError):
        reader.read(garbage, _source("x"))
    truncated = (FIXTURES / "qinglong-2023-final.xlsx").read_bytes()[:5000]
    with pytest.raises(CorruptFileError):
        reader.read(truncated, _source("x"))


@pytest.mark.parametrize("name", ["g.xlsx", "g.docx", "g.xls"])
def test_garbage_through_registry(name):
    with pytest.raises(LoaderError):
        read_document(b"\x01\x02garbage" * 50, name)


def test_encrypted_xls():
    data = bytearray((FIXTURES / "qinglong-2023-final.xls").read_bytes())
    bof = bytes.fromhex("0908100000060500")
    at = data.find(bof) + 4 + 16  # the record after the workbook BOF
    assert data[at : at + 2] == b"\xe1\x00"  # INTERFACEHDR
    data[at : at + 2] = b"\x2f\x00"  # now FILEPASS: the workbook is encrypted
    with pytest.raises(EncryptedFileError):
        xls_reader.read(bytes(data), _source("xls"))
    with pytest.raises(EncryptedFileError):
        read_document(bytes(data), "q.xls")


def _rename_stream(old: str, new: str) -> bytes:
    """The fixture .xls with its directory entry ``old`` renamed to ``new``."""
    data = bytearray((FIXTURES / "qinglong-2023-final.xls").read_bytes())
    at = data.find(old.encode("utf-16-le") + b"\0\0")
    assert at > 0 and at % 128 == 0  # a directory entry
    name = new.encode("utf-16-le") + b"\0\0"
    data[at : at + 64] = name.ljust(64, b"\0")
    data[at + 64 : at + 66] = len(name).to_bytes(2, "little")
    return bytes(data)


def test_encrypted_office_package():
    # An encrypted .xlsx/.docx is an OLE2 file holding an EncryptedPackage stream.
    with pytest.raises(EncryptedFileError):
        xls_reader.read(_rename_stream("Workbook", "EncryptedPackage"), _source("xls"))


def test_old_word_file_in_ole2():
    with pytest.raises(UnsupportedFormatError):
        xls_reader.read(_rename_stream("Workbook", "WordDocument"), _source("xls"))
