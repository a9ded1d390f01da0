"""The briefing pack (汇报材料): charts and tables collected from every page,
exported as one PowerPoint (python-pptx) and one Word file (python-docx).

* :func:`add_button` — the "加入汇报" button that :mod:`components.export` puts
  beside every chart and table; the collection lives in ``st.session_state``
  (:data:`STATE_KEY`), so it survives switching pages.
* :func:`pptx_bytes` / :func:`docx_bytes` — pure builders (no Streamlit): a
  cover with the title and date, then each item with its title, the chart as a
  sharp PNG (kaleido, 2× scale) or the table with 千分位 amounts and their unit,
  the note, and the source line (file, page) under it.

Chinese renders in Office and WPS because every run names an East Asian font
(``a:ea`` in the slides, ``w:eastAsia`` in the document): :data:`EA_FONT`
(微软雅黑, present wherever Office or WPS is; LibreOffice substitutes Noto Sans
CJK).  Amounts are in 万元 as everywhere in the app.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import io
import json
import numbers
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import pandas as pd

from components.safety import md
from components.table_files import is_missing

#: the East Asian font named in the exported files, and the Latin one beside it
EA_FONT = "Microsoft YaHei"
LATIN_FONT = "Arial"
STATE_KEY = "briefing_items"
DEFAULT_TITLE = "部门预算决算分析汇报"
SOURCE_PREFIX = "数据来源："
UNIT_LINE = "金额单位：万元"
MISSING = "—"
#: body rows of a table on one slide (a longer table continues on the next slide)
SLIDE_ROWS = 12
#: rows of a table written to the Word file (a longer one is cut, and says so)
DOCX_ROWS = 300

_TAG = re.compile(r"<[^>]+>")


# --------------------------------------------------------------------------- items


def chinese_date(day: _dt.date) -> str:
    """``2026-12-07`` -> ``2026年12月7日``."""
    return f"{day.year}年{day.month}月{day.day}日"


def plain_title(text: Any) -> str:
    """A chart title without its HTML (``<br>`` becomes a space)."""
    text = str(text or "")
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.I)
    return re.sub(r"\s+", " ", _TAG.sub("", text)).strip()


def title_from_stem(stem: str) -> str:
    """``部门对比_收支规模_2023`` -> ``部门对比 · 收支规模 · 2023``."""
    return " · ".join(p for p in str(stem or "").split("_") if p) or "表格"


def item_id(kind: str, key: str, title: str, source: str, extra: str = "") -> str:
    return hashlib.sha1(f"{kind}\n{key}\n{title}\n{source}\n{extra}".encode("utf-8")).hexdigest()[:16]


def chart_item(fig, *, key: str, title: str, source: str, page: str = "") -> dict[str, Any]:
    """A collected chart: the figure as JSON, its title and source."""
    fig_json = fig.to_json() if hasattr(fig, "to_json") else json.dumps(fig)
    return {"id": item_id("chart", key, title, source), "kind": "chart", "key": key, "title": title,
            "source": source, "page": page, "note": "", "figure": fig_json}


def table_item(frame: pd.DataFrame, *, key: str, title: str, source: str, money: Sequence[str] = (),
               page: str = "") -> dict[str, Any]:
    """A collected table: the frame as shown (Chinese headers), its money columns, title and source."""
    extra = f"{len(frame)}|{'|'.join(map(str, frame.columns))}"
    return {"id": item_id("table", key, title, source, extra), "kind": "table", "key": key, "title": title,
            "source": source, "page": page, "note": "", "frame": frame.copy(), "money": list(money)}


def move(items: list[dict], index: int, step: int) -> list[dict]:
    """``items`` with the one at ``index`` moved ``step`` places (clamped)."""
    out = list(items)
    if not 0 <= index < len(out):
        return out
    target = min(max(index + step, 0), len(out) - 1)
    out.insert(target, out.pop(index))
    return out


# --------------------------------------------------------------------------- table text


def cell_text(value: Any, money: bool = False) -> str:
    """A cell as the briefing prints it: money with 千分位 and two decimals
    (``17,336.07``), other Decimals with their own places (at least two when
    fractional), whole numbers as they are (a year stays ``2024``), ``—`` for blank."""
    if is_missing(value):
        return MISSING
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (AttributeError, ValueError):
            pass
    if isinstance(value, bool):
        return "是" if value else "否"
    if money:
        try:
            number = Decimal(str(value).replace(",", "").strip())
        except Exception:  # noqa: BLE001 - a text in a money column stays as it is
            return str(value)
        if number.is_finite():
            shown = f"{number:,.2f}"
            return "0.00" if shown == "-0.00" else shown
        return MISSING
    if isinstance(value, Decimal):
        if not value.is_finite():
            return MISSING
        exp = value.normalize().as_tuple().exponent
        places = 0 if not isinstance(exp, int) or exp >= 0 else min(max(-exp, 2), 4)
        return f"{value:.{places}f}"
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() else f"{value:.2f}"
    if isinstance(value, (pd.Timestamp, _dt.datetime)):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return str(value)


def table_rows(frame: pd.DataFrame, money: Sequence[str] = ()) -> tuple[list[str], list[list[str]], list[bool]]:
    """(headers, rows of cell texts, right-align per column) of a collected table;
    a money column's header names its unit (``本年支出合计（万元）``)."""
    money_set = {str(m) for m in money}
    headers, numeric = [], []
    for col in frame.columns:
        name = str(col)
        is_money = name in money_set
        headers.append(f"{name}（万元）" if is_money and "万元" not in name else name)
        present = [v for v in frame[col] if not is_missing(v)]
        numeric.append(is_money or (bool(present) and all(
            isinstance(v, numbers.Number) and not isinstance(v, bool) for v in present)))
    rows = [[cell_text(v, str(c) in money_set) for c, v in zip(frame.columns, rec)]
            for rec in frame.itertuples(index=False, name=None)]
    return headers, rows, numeric


def source_text(source: str) -> str:
    text = (source or "").strip()
    if not text:
        return ""
    return text if text.startswith(("数据来源", "来源：")) else SOURCE_PREFIX + text


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def _column_weights(headers: list[str], rows: list[list[str]]) -> list[float]:
    """Relative column widths: the widest of the header (which may wrap) and the
    cells, kept between 5 and 22 half-width characters so that a long text
    column (a list of agencies) wraps instead of squeezing the others."""
    weights = []
    for j, h in enumerate(headers):
        longest = max([_width(h) * 0.6] + [_width(r[j]) for r in rows[:60]])
        weights.append(min(max(longest, 5), 22))
    return weights


# --------------------------------------------------------------------------- chart images


def default_png(figure_json: str) -> bytes | None:
    """The chart as a PNG for the briefing (kaleido; no source strip, the source
    is written under the image), or None when no Chromium is available."""
    import plotly.io as pio

    from components import export

    if not export.export_available():
        return None
    fig = pio.from_json(figure_json)
    return export.figure_png(fig, "")


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


# --------------------------------------------------------------------------- Streamlit


def collected() -> list[dict]:
    """The items collected in this browser session (in order)."""
    import streamlit as st

    return st.session_state.setdefault(STATE_KEY, [])


def _add(item: dict) -> None:
    import streamlit as st

    items = collected()
    if all(i["id"] != item["id"] for i in items):
        items.append(item)
        st.toast(f"已加入汇报：{md(item['title'])}（共 {len(items)} 项）", icon=":material/playlist_add_check:")


def _current_page() -> str:
    import streamlit as st

    return str(st.session_state.get("_page_title", ""))


def add_chart_button(fig, key: str, *, title: str, source: str) -> None:
    """The "加入汇报" button of a chart (greyed out once it is collected)."""
    import streamlit as st

    title = plain_title(title) or "图表"
    ident = item_id("chart", key, title, source)
    done = any(i["id"] == ident for i in collected())
    st.button("已加入汇报" if done else "加入汇报", key=f"{key}-brief", icon=":material/playlist_add:",
              disabled=done, on_click=lambda: _add(chart_item(fig, key=key, title=title, source=source,
                                                              page=_current_page())),
              help="已在汇报材料中，可到「汇报」页调整顺序、添加说明并导出" if done
              else "把这张图收集到汇报材料，在「汇报」页导出为 PowerPoint 或 Word")


def add_table_button(frame: pd.DataFrame, key: str, *, title: str, source: str, money: Sequence[str]) -> None:
    """The "加入汇报" button of a table."""
    import streamlit as st

    extra = f"{len(frame)}|{'|'.join(map(str, frame.columns))}"
    ident = item_id("table", key, title, source, extra)
    done = any(i["id"] == ident for i in collected())
    st.button("已加入汇报" if done else "加入汇报", key=f"{key}-brief", icon=":material/playlist_add:",
              disabled=done, on_click=lambda: _add(table_item(frame, key=key, title=title, source=source,
                                                              money=money, page=_current_page())),
              help="已在汇报材料中，可到「汇报」页调整顺序、添加说明并导出" if done
              else "把这张表收集到汇报材料，在「汇报」页导出为 PowerPoint 或 Word")


__all__ = [
    "EA_FONT", "LATIN_FONT", "STATE_KEY", "DEFAULT_TITLE", "chinese_date", "plain_title", "title_from_stem",
    "chart_item", "table_item", "move", "cell_text", "table_rows", "source_text", "pptx_bytes", "docx_bytes",
    "collected", "add_chart_button", "add_table_button", "default_png",
]
