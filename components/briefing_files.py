"""The briefing pack as files: one PowerPoint (python-pptx) and one Word file
(python-docx) — a cover with title and date, then each collected chart (a sharp
PNG) or table (千分位 amounts and their unit), its note and its source line.

Chinese renders in Office and WPS because every run names an East Asian font
(``a:ea`` in the slides, ``w:eastAsia`` in the document): :data:`EA_FONT`
(微软雅黑, present wherever Office or WPS is; LibreOffice substitutes Noto Sans
CJK).  Pure builders: no Streamlit.
"""
from __future__ import annotations

import datetime as _dt
import io
from collections.abc import Callable, Sequence

from components.briefing import (
    DEFAULT_TITLE, DOCX_ROWS, EA_FONT, LATIN_FONT, MISSING, SLIDE_ROWS, UNIT_LINE,
    chinese_date, default_png, source_text, table_rows,
)
from components.table_files import display_width

def _column_weights(headers: list[str], rows: list[list[str]]) -> list[float]:
    """Relative column widths: the widest of the header (which may wrap) and the
    cells, kept between 5 and 22 half-width characters so that a long text
    column (a list of agencies) wraps instead of squeezing the others."""
    weights = []
    for j, h in enumerate(headers):
        longest = max([display_width(h) * 0.6] + [display_width(r[j]) for r in rows[:60]])
        weights.append(min(max(longest, 5), 22))
    return weights


def _png_size(png: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        return im.size


# --------------------------------------------------------------------------- PowerPoint


def _pptx_font(run, *, size: float, bold: bool = False, color: str | None = None) -> None:
    from pptx.dml.color import RGBColor
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    font = run.font
    font.size = Pt(size)
    font.bold = bold
    if color:
        font.color.rgb = RGBColor.from_string(color)
    font.name = LATIN_FONT
    rpr = run._r.get_or_add_rPr()
    rpr.set("lang", "zh-CN")
    rpr.set("altLang", "en-US")
    for tag in ("a:ea", "a:cs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = rpr.makeelement(qn(tag), {})
            before = rpr.find(qn("a:latin") if tag == "a:ea" else qn("a:ea"))
            before.addnext(el)
        el.set("typeface", EA_FONT)


def _pptx_text(frame, text: str, *, size: float, bold: bool = False, color: str | None = None,
               align=None) -> None:
    from pptx.util import Pt

    tf = frame.text_frame if hasattr(frame, "text_frame") else frame
    tf.word_wrap = True
    lines = str(text).split("\n")
    for i, line in enumerate(lines):
        para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        if align is not None:
            para.alignment = align
        para.space_after = Pt(2)
        run = para.add_run()
        run.text = line
        _pptx_font(run, size=size, bold=bold, color=color)


def _footer_lines(item: dict, unit: bool) -> str:
    parts = []
    if (item.get("note") or "").strip():
        parts.append("说明：" + item["note"].strip())
    if unit:
        parts.append(UNIT_LINE)
    src = source_text(item.get("source", ""))
    if src:
        parts.append(src)
    return "\n".join(parts)


def pptx_bytes(items: Sequence[dict], title: str, day: _dt.date | str,
               png_of: Callable[[str], bytes | None] = default_png) -> bytes:
    """One PowerPoint (16:9): a cover (title, date, what it holds), then a slide
    per chart (title, image, note, source) and per table (continued on more
    slides past :data:`SLIDE_ROWS` rows)."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Emu, Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    blank = prs.slide_layouts[6]
    date_text = day if isinstance(day, str) else chinese_date(day)
    charts = sum(1 for i in items if i["kind"] == "chart")
    tables = len(items) - charts

    cover = prs.slides.add_slide(blank)
    band = cover.shapes.add_shape(1, 0, Inches(2.3), prs.slide_width, Inches(2.6))
    band.fill.solid()
    band.fill.fore_color.rgb = RGBColor.from_string("2F5D8A")
    band.line.fill.background()
    box = cover.shapes.add_textbox(Inches(0.8), Inches(2.55), Inches(11.7), Inches(1.3))
    box.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    _pptx_text(box, title or DEFAULT_TITLE, size=36, bold=True, color="FFFFFF")
    box = cover.shapes.add_textbox(Inches(0.8), Inches(3.85), Inches(11.7), Inches(0.8))
    _pptx_text(box, date_text, size=20, color="FFFFFF")
    box = cover.shapes.add_textbox(Inches(0.8), Inches(5.4), Inches(11.7), Inches(1.0))
    _pptx_text(box, f"共 {charts} 张图、{tables} 张表　·　金额单位：万元　·　预决算透视生成", size=14, color="52606D")

    left, width = Inches(0.5), prs.slide_width - Inches(1.0)

    def _title(slide, text: str) -> None:
        box = slide.shapes.add_textbox(left, Inches(0.25), width, Inches(0.75))
        box.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        _pptx_text(box, text, size=22, bold=True, color="1F2933")

    def _footer(slide, text: str) -> None:
        if not text:
            return
        size = 11 if len(text) < 220 else (9 if len(text) < 480 else 8)
        box = slide.shapes.add_textbox(left, Inches(6.35), width, Inches(1.0))
        _pptx_text(box, text, size=size, color="616E7C")

    for n, item in enumerate(items, start=1):
        heading = f"{n}. {item['title']}"
        if item["kind"] == "chart":
            slide = prs.slides.add_slide(blank)
            _title(slide, heading)
            png = png_of(item["figure"])
            if png:
                w_px, h_px = _png_size(png)
                box_w, box_h = width, Inches(5.2)
                scale = min(box_w / w_px, box_h / h_px)
                pic_w, pic_h = int(w_px * scale), int(h_px * scale)
                slide.shapes.add_picture(io.BytesIO(png), left + (box_w - pic_w) // 2, Inches(1.1),
                                         Emu(pic_w), Emu(pic_h))
            else:
                box = slide.shapes.add_textbox(left, Inches(3.0), width, Inches(1.0))
                _pptx_text(box, "（服务器上没有可用的 Chromium，此图未能导出为图片）", size=16, color="C44E52")
            _footer(slide, _footer_lines(item, unit=False))
            continue
        frame = item["frame"]
        headers, rows, numeric = table_rows(frame, item.get("money", ()))
        weights = _column_weights(headers, rows)
        chunks = [rows[i:i + SLIDE_ROWS] for i in range(0, len(rows), SLIDE_ROWS)] or [[]]
        for c, chunk in enumerate(chunks):
            slide = prs.slides.add_slide(blank)
            _title(slide, heading + (f"（续 {c + 1}/{len(chunks)}）" if c else ""))
            height = Inches(0.36) * (len(chunk) + 1)
            shape = slide.shapes.add_table(len(chunk) + 1, len(headers), left, Inches(1.15), width, height)
            tbl = shape.table
            total = sum(weights)
            for j, wgt in enumerate(weights):
                tbl.columns[j].width = Emu(int(width * wgt / total))
            size = 12 if len(headers) <= 6 else (10 if len(headers) <= 10 else 8)
            for j, h in enumerate(headers):
                cell = tbl.cell(0, j)
                cell.text_frame.paragraphs[0].text = ""
                _pptx_text(cell, h, size=size, bold=True, color="FFFFFF",
                           align=PP_ALIGN.CENTER)
                cell.fill.solid()
                cell.fill.fore_color.rgb = RGBColor.from_string("2F5D8A")
            for i, row in enumerate(chunk, start=1):
                for j, text in enumerate(row):
                    cell = tbl.cell(i, j)
                    _pptx_text(cell, text, size=size, color="1F2933",
                               align=PP_ALIGN.RIGHT if numeric[j] and text != MISSING else PP_ALIGN.LEFT)
                    cell.fill.solid()
                    cell.fill.fore_color.rgb = RGBColor.from_string("F3F5F8" if i % 2 == 0 else "FFFFFF")
                    cell.margin_top = cell.margin_bottom = Pt(2)
                    if len(headers) > 8:
                        cell.margin_left = cell.margin_right = Pt(3)
            money = bool(item.get("money"))
            _footer(slide, _footer_lines(item, unit=money))
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- Word


def _docx_fonts(rpr) -> None:
    """Name the fonts on a ``w:rPr`` (East Asian included), dropping theme fonts that would win over them."""
    from docx.oxml.ns import qn

    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), EA_FONT)
    fonts.set(qn("w:cs"), LATIN_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _docx_run(paragraph, text: str, *, size: float | None = None, bold: bool = False, color: str | None = None):
    from docx.shared import Pt, RGBColor

    run = paragraph.add_run(text)
    if size:
        run.font.size = Pt(size)
    run.font.bold = bold or None
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    _docx_fonts(run._r.get_or_add_rPr())
    return run


def _shade(cell, fill: str) -> None:
    from docx.oxml.ns import qn

    tcpr = cell._tc.get_or_add_tcPr()
    shd = tcpr.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): fill})
    tcpr.append(shd)


def docx_bytes(items: Sequence[dict], title: str, day: _dt.date | str,
               png_of: Callable[[str], bytes | None] = default_png) -> bytes:
    """One Word document (A4 landscape): a cover page (title, date, contents),
    then each item under a numbered heading — the chart image or the table
    (header row repeated on every page) — its note and its source line."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin = section.bottom_margin = Cm(1.8)
    # fonts: the defaults and every style we use name the East Asian font
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            _docx_fonts(rpr)
    for name in ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Caption", "Table Grid"):
        try:
            style = doc.styles[name]
        except KeyError:
            continue
        _docx_fonts(style.element.get_or_add_rPr())
    doc.styles["Normal"].font.size = Pt(10.5)
    date_text = day if isinstance(day, str) else chinese_date(day)
    usable = section.page_width - section.left_margin - section.right_margin

    for _ in range(5):
        doc.add_paragraph()
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _docx_run(p, title or DEFAULT_TITLE, size=28, bold=True, color="1F2933")
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _docx_run(p, date_text, size=16, color="52606D")
    charts = sum(1 for i in items if i["kind"] == "chart")
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _docx_run(p, f"共 {charts} 张图、{len(items) - charts} 张表　·　金额单位：万元　·　预决算透视生成", size=11,
              color="616E7C")
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _docx_run(p, "目录：" + "；".join(f"{n}. {it['title']}" for n, it in enumerate(items, start=1)), size=10,
              color="616E7C")
    p.add_run().add_break(WD_BREAK.PAGE)

    for n, item in enumerate(items, start=1):
        heading = doc.add_heading(level=2)
        _docx_run(heading, f"{n}. {item['title']}", size=14, bold=True, color="1F2933")
        money = False
        if item["kind"] == "chart":
            png = png_of(item["figure"])
            if png:
                w_px, h_px = _png_size(png)
                width = min(usable, int(Cm(16.5) * w_px / h_px))  # at most about 16.5 cm high
                doc.add_picture(io.BytesIO(png), width=width)
                doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            else:
                _docx_run(doc.add_paragraph(), "（服务器上没有可用的 Chromium，此图未能导出为图片）", color="C44E52")
        else:
            money = bool(item.get("money"))
            headers, rows, numeric = table_rows(item["frame"], item.get("money", ()))
            cut = len(rows) > DOCX_ROWS
            rows = rows[:DOCX_ROWS]
            weights = _column_weights(headers, rows)
            tbl = doc.add_table(rows=len(rows) + 1, cols=len(headers))
            tbl.style = doc.styles["Table Grid"]
            tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
            size = 9.5 if len(headers) <= 8 else 8
            total = sum(weights)
            tbl.autofit = False
            for j, column in enumerate(tbl.columns):
                column.width = int(usable * weights[j] / total)
            for j, h in enumerate(headers):
                cell = tbl.cell(0, j)
                cell.width = int(usable * weights[j] / total)
                para = cell.paragraphs[0]
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _docx_run(para, h, size=size, bold=True)
                _shade(cell, "E8EDF3")
            tr_pr = tbl.rows[0]._tr.get_or_add_trPr()
            tr_pr.append(tr_pr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))
            for i, row in enumerate(rows, start=1):
                cells = tbl.rows[i].cells
                for j, text in enumerate(row):
                    cells[j].width = int(usable * weights[j] / total)
                    para = cells[j].paragraphs[0]
                    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT if numeric[j] and text != MISSING else WD_ALIGN_PARAGRAPH.LEFT
                    _docx_run(para, text, size=size)
            if cut:
                _docx_run(doc.add_paragraph(), f"（共 {len(item['frame'])} 行，此处列出前 {DOCX_ROWS} 行；完整表格请在应用中下载 Excel）",
                          size=9, color="616E7C")
        for line in _footer_lines(item, unit=money).split("\n"):
            if line:
                p = doc.add_paragraph()
                p.paragraph_format.space_after = Pt(2)
                _docx_run(p, line, size=9, color="616E7C")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


__all__ = ["pptx_bytes", "docx_bytes", "EA_FONT"]
