"""The briefing pack's files (components/briefing.py): a PowerPoint and a Word
document with a cover, each chart as a sharp image, each table with 千分位
amounts and their unit, sources under each item, and East Asian fonts named on
every run; rendered with LibreOffice headless and pdftoppm into tests/artifacts/
(briefing_pptx-N.png, briefing_docx-N.png) to be looked at."""
from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from components import briefing, briefing_files, charts
from conftest import ARTIFACTS

CHART_SOURCE = "香河县医疗保障局 2024年部门预算（xianghe-2024-budget.pdf）《部门预算支出总表》第4–5页"
TABLE_SOURCE = "青龙满族自治县医疗保障局 2023年部门决算（qinglong-2023-final.pdf）《收入支出决算总表》第3页"
DAY = dt.date(2026, 12, 7)


def _png(_figure_json: str) -> bytes:
    """A stand-in chart image (1200×640 at 2×) where no Chromium is wanted."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (2400, 1280), "#2F5D8A").save(buf, format="PNG")
    return buf.getvalue()


def _items() -> list[dict]:
    fig = charts.hbar_stacked(
        ["香河县医疗保障局<br>（2024年部门预算）", "青龙满族自治县医疗保障局<br>（2023年部门决算）"],
        [("基本支出", [Decimal("1136.05"), Decimal("400.00")]), ("项目支出", [Decimal("5434.33"), Decimal("16936.07")])],
        title="本年支出合计：基本支出与项目支出（万元）")
    rows = 30
    frame = pd.DataFrame({
        "部门": [f"第{i + 1}个医疗保障局" for i in range(rows)],
        "年度": [2023 + i % 2 for i in range(rows)],
        "本年支出合计": [Decimal("17336.07") + i for i in range(rows)],
        "基本支出占比%": [Decimal("7.62") if i % 3 else None for i in range(rows)],
    })
    chart = briefing.chart_item(fig, key="c", title=briefing.plain_title(fig.layout.title.text), source=CHART_SOURCE,
                                page="部门对比")
    chart["note"] = "青龙为决算数，香河为预算数，口径不同。"
    table = briefing.table_item(frame, key="t", title="部门对比 · 收支规模", source=TABLE_SOURCE,
                                money=["本年支出合计"], page="部门对比")
    return [chart, table]


def test_cell_text_formats_amounts_years_and_blanks():
    assert briefing.cell_text(Decimal("17336.07"), money=True) == "17,336.07"
    assert briefing.cell_text("-0.001", money=True) == "0.00"
    assert briefing.cell_text(2024) == "2024"
    assert briefing.cell_text(Decimal("0.3067")) == "0.3067" and briefing.cell_text(Decimal("12")) == "12"
    assert briefing.cell_text(None) == "—" and briefing.cell_text(float("nan"), money=True) == "—"
    headers, rows, numeric = briefing.table_rows(_items()[1]["frame"], ["本年支出合计"])
    assert headers == ["部门", "年度", "本年支出合计（万元）", "基本支出占比%"]
    assert rows[0] == ["第1个医疗保障局", "2023", "—", "—"][:2] + ["17,336.07", "—"]
    assert numeric == [False, True, True, True]


def test_pptx_has_a_cover_a_slide_per_chart_and_table_pages_with_sources():
    from pptx import Presentation
    from pptx.oxml.ns import qn

    data = briefing_files.pptx_bytes(_items(), "医保局同级对比汇报", DAY, png_of=_png)
    prs = Presentation(io.BytesIO(data))
    slides = list(prs.slides)
    assert len(slides) == 1 + 1 + 3  # cover, chart, 30 rows at 12 a slide
    text = ["\n".join(sh.text_frame.text for sh in s.shapes if sh.has_text_frame) for s in slides]
    assert "医保局同级对比汇报" in text[0] and "2026年12月7日" in text[0]
    pictures = [sh for sh in slides[1].shapes if sh.shape_type == 13]
    assert len(pictures) == 1 and pictures[0].image.size == (2400, 1280)
    assert "1. 本年支出合计：基本支出与项目支出（万元）" in text[1]
    assert "说明：青龙为决算数" in text[1] and "数据来源：" + CHART_SOURCE in text[1]
    tables = [sh.table for sh in slides[2].shapes if sh.has_table]
    assert len(tables) == 1
    header = [c.text for c in tables[0].rows[0].cells]
    assert header == ["部门", "年度", "本年支出合计（万元）", "基本支出占比%"]
    assert [c.text for c in tables[0].rows[1].cells] == ["第1个医疗保障局", "2023", "17,336.07", "—"]
    assert len(tables[0].rows) == 13 and "（续 2/3）" in text[3]
    for s in text[2:]:
        assert "金额单位：万元" in s and "数据来源：" + TABLE_SOURCE in s
    # every run names the East Asian font
    runs = [r for s in slides for sh in s.shapes if sh.has_text_frame for p in sh.text_frame.paragraphs for r in p.runs]
    runs += [r for s in slides for sh in s.shapes if sh.has_table for row in sh.table.rows for c in row.cells
             for p in c.text_frame.paragraphs for r in p.runs]
    assert runs and all(r._r.rPr.find(qn("a:ea")).get("typeface") == briefing.EA_FONT for r in runs)


def test_docx_has_a_cover_images_tables_and_source_lines():
    from docx import Document
    from docx.oxml.ns import qn

    data = briefing_files.docx_bytes(_items(), "医保局同级对比汇报", DAY, png_of=_png)
    doc = Document(io.BytesIO(data))
    paras = [p.text for p in doc.paragraphs]
    assert "医保局同级对比汇报" in paras and "2026年12月7日" in paras
    assert len(doc.inline_shapes) == 1
    assert "1. 本年支出合计：基本支出与项目支出（万元）" in paras and "2. 部门对比 · 收支规模" in paras
    assert "数据来源：" + CHART_SOURCE in paras and "数据来源：" + TABLE_SOURCE in paras
    assert "说明：青龙为决算数，香河为预算数，口径不同。" in paras and "金额单位：万元" in paras
    (table,) = doc.tables
    assert [c.text for c in table.rows[0].cells] == ["部门", "年度", "本年支出合计（万元）", "基本支出占比%"]
    assert len(table.rows) == 31 and table.rows[30].cells[2].text == "17,365.07"
    # East Asian font on the styles (theme fonts removed) and on every run
    normal = doc.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == briefing.EA_FONT and normal.get(qn("w:eastAsiaTheme")) is None
    runs = [r for p in doc.paragraphs for r in p.runs if r.text]
    assert all(r._r.rPr.rFonts.get(qn("w:eastAsia")) == briefing.EA_FONT for r in runs)


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOPPM = shutil.which("pdftoppm")


@pytest.mark.skipif(not (SOFFICE and PDFTOPPM), reason="LibreOffice / pdftoppm 未安装（make sysdeps）")
def test_libreoffice_renders_both_files_with_chinese(tmp_path):
    from components import export

    png_of = briefing.default_png if export.export_available() else _png
    items = _items()
    files = {"pptx": briefing_files.pptx_bytes(items, "医保局同级对比汇报", DAY, png_of=png_of),
             "docx": briefing_files.docx_bytes(items, "医保局同级对比汇报", DAY, png_of=png_of)}
    ARTIFACTS.mkdir(exist_ok=True)
    for ext, data in files.items():
        src = tmp_path / f"briefing.{ext}"
        src.write_bytes(data)
        out = tmp_path / ext
        subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--convert-to",
                        "pdf", "--outdir", str(out), str(src)], check=True, capture_output=True, timeout=180)
        pdf = out / "briefing.pdf"
        assert pdf.is_file()
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        for words in ("医保局同级对比汇报", "2026年12月7日", "本年支出合计", "17,336.07", "数据来源", "第3页"):
            assert words in text.replace(" ", ""), (ext, words)
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
        assert "CJK" in fonts, fonts
        for old in ARTIFACTS.glob(f"briefing_{ext}-*.png"):
            old.unlink()
        subprocess.run([PDFTOPPM, "-r", "70", "-png", str(pdf), str(ARTIFACTS / f"briefing_{ext}")], check=True)
        assert list(ARTIFACTS.glob(f"briefing_{ext}-*.png"))
