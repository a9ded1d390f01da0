"""Word documents (.docx) from the body XML.

The body is walked in order: paragraphs become :class:`Paragraph` blocks
(empty ones skipped, headings included), tables become :class:`Table` blocks
whose grid honours ``w:gridSpan``, ``w:vMerge`` (and legacy ``w:hMerge``),
``w:gridBefore`` and ``w:gridAfter``; a nested table's text is flattened into
its cell.  Text inside content controls (``w:sdt``), insertions (``w:ins``),
hyperlinks, fields and text boxes is kept; deleted text (``w:del``,
``w:moveFrom``) and field codes are not.

Page numbers: when Word saved its layout (``w:lastRenderedPageBreak`` marks
the start of every rendered page, natural breaks included) those marks are
used; otherwise explicit breaks count: ``w:br w:type="page"``,
``w:pageBreakBefore`` and section breaks that start a new page.  Pages start
at 1; ``source.pages`` is the last page reached.
"""
from __future__ import annotations

from lxml import etree

from loaders.continuation import merge_continued_tables
from loaders.errors import CorruptFileError, LoaderError
from loaders.model import Block, Document, Paragraph, Source, Table
from loaders.readers.ziputil import SAFE_XML, checked_zip, main_part

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_W = f"{{{W}}}"
_CAPTION_LINES = 3

# Containers whose children are blocks (paragraphs and tables) or rows/cells.
_TRANSPARENT = {"sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag"}
_DELETED = {"del", "moveFrom"}
# Inside a paragraph: properties and markup that never carry visible text.
_NO_TEXT = {"pPr", "rPr", "instrText", "delText", "delInstrText", "fldData", "sectPr", "sdtPr", "sdtEndPr"}


def _local(el) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""  # comments, processing instructions
    return tag.rsplit("}", 1)[-1]


def _is_w(el) -> bool:
    tag = el.tag
    return isinstance(tag, str) and tag.startswith(_W)


def _children(parent, name: str):
    """The w:``name`` children of ``parent`` (rows of a table, cells of a
    row), looking through the transparent containers around them."""
    for child in parent:
        if not _is_w(child):
            continue
        local = _local(child)
        if local == name:
            yield child
        elif local in _TRANSPARENT:
            yield from _children(child, name)


def _on(el) -> bool:
    """A w:ST_OnOff property element is on unless its val says otherwise."""
    return el is not None and el.get(_W + "val", "true").lower() not in ("false", "0", "off")


def _int_val(el, default: int) -> int:
    if el is None:
        return default
    try:
        return max(0, int(el.get(_W + "val", default)))
    except (TypeError, ValueError):
        return default


class _Walker:
    def __init__(self, body) -> None:
        self.page = 1
        self.blocks: list[Block] = []
        self.started = False  # anything laid out yet (a break before it adds no page)
        self.rendered = next(body.iter(_W + "lastRenderedPageBreak"), None) is not None
        # The type of a section is written in the sectPr that closes it, so a
        # break's effect is read from the next sectPr in document order.
        sects = list(body.iter(_W + "sectPr"))
        self.next_type: dict[int, str] = {}
        for i, sect in enumerate(sects[:-1]):
            nxt = sects[i + 1].find(_W + "type")
            self.next_type[id(sect)] = (nxt.get(_W + "val") if nxt is not None else None) or "nextPage"
        self._sects = sects  # keep the elements alive so id() stays unique

    # -- blocks --------------------------------------------------------------

    def walk(self, container) -> None:
        for child in container:
            if not _is_w(child):
                continue
            name = _local(child)
            if name == "p":
                self.paragraph(child)
            elif name == "tbl":
                self.table(child)
            elif name in _TRANSPARENT:
                self.walk(child)

    def paragraph(self, p) -> None:
        ppr = p.find(_W + "pPr")
        if not self.rendered and ppr is not None and _on(ppr.find(_W + "pageBreakBefore")) and self.started:
            self.page += 1
        boxes: list = []
        text, page = self.paragraph_text(p, boxes)
        text = text.strip()
        if text:
            self.blocks.append(Paragraph(text, page))
        self.started = True
        for box in boxes:
            self.walk(box)
        if ppr is not None:
            self.section_break(ppr.find(_W + "sectPr"))

    def section_break(self, sect) -> None:
        if sect is None or self.rendered:
            return
        if self.next_type.get(id(sect), "nextPage") not in ("continuous", "nextColumn"):
            self.page += 1
            self.started = False

    def table(self, tbl) -> None:
        grid_cols = len(tbl.findall(f"{_W}tblGrid/{_W}gridCol"))
        placed: list[list[tuple[int, int, str, str]]] = []  # per row: (col, span, vmerge, text)
        pages: list[int] = []
        for tr in self._rows(tbl):
            trpr = tr.find(_W + "trPr")
            if trpr is not None and trpr.find(_W + "del") is not None:
                continue  # a deleted row
            col = _int_val(trpr.find(_W + "gridBefore") if trpr is not None else None, 0)
            start_page = self.page
            first_page = None
            cells: list[tuple[int, int, str, str]] = []
            for tc in self._cells(tr):
                tcpr = tc.find(_W + "tcPr")
                span = max(1, _int_val(tcpr.find(_W + "gridSpan") if tcpr is not None else None, 1))
                vmerge = _merge_kind(tcpr.find(_W + "vMerge") if tcpr is not None else None)
                hmerge = _merge_kind(tcpr.find(_W + "hMerge") if tcpr is not None else None)
                text, page = self.cell_text(tc)
                if first_page is None and page is not None:
                    first_page = page
                if hmerge == "continue" and cells and cells[-1][0] + cells[-1][1] == col:
                    pc, ps, pv, pt = cells[-1]
                    cells[-1] = (pc, ps + span, pv, _join(pt, text))
                else:
                    cells.append((col, span, vmerge, text))
                col += span
            self.started = True
            if not cells:
                continue
            placed.append(cells)
            pages.append(first_page if first_page is not None else start_page)
        if not placed:
            return
        width = max([grid_cols] + [c + s for row in placed for c, s, _, _ in row])
        rows = [[""] * width for _ in placed]
        spans: dict[tuple[int, int], tuple[int, int]] = {}
        # grid column -> (origin row, origin col, colspan) of an open vertical merge
        open_merges: dict[int, tuple[int, int, int]] = {}
        for r, cells in enumerate(placed):
            still_open: dict[int, tuple[int, int, int]] = {}
            for col, span, vmerge, text in cells:
                origin = open_merges.get(col)
                if vmerge == "continue" and origin is not None and origin[2] == span:
                    r0, c0, _ = origin
                    rowspan, colspan = spans.get((r0, c0), (1, span))
                    spans[(r0, c0)] = (rowspan + 1, colspan)
                    if text:
                        rows[r0][c0] = _join(rows[r0][c0], text)
                    still_open[col] = origin
                    continue
                rows[r][col] = text
                if span > 1:
                    spans[(r, col)] = (1, span)
                if vmerge in ("restart", "continue"):
                    still_open[col] = (r, col, span)
            open_merges = still_open
        self.blocks.append(Table(rows=rows, row_pages=pages, caption=self._caption(), spans=spans, strategy="word"))

    def _caption(self) -> list[str]:
        lines: list[str] = []
        for block in reversed(self.blocks):
            if not isinstance(block, Paragraph) or len(lines) == _CAPTION_LINES:
                break
            lines.append(block.text)
        return lines[::-1]

    def _rows(self, tbl):
        return _children(tbl, "tr")

    def _cells(self, tr):
        return _children(tr, "tc")

    # -- text ----------------------------------------------------------------

    def cell_text(self, container) -> tuple[str, int | None]:
        """Text of a cell (or any block container): its paragraphs, one per
        line; nested tables flattened row by row.  Returns (text, first page)."""
        lines: list[str] = []
        first: int | None = None
        for child in container:
            if not _is_w(child):
                continue
            name = _local(child)
            if name == "p":
                boxes: list = []
                text, page = self.paragraph_text(child, boxes)
                parts = [text] + [self.cell_text(b)[0] for b in boxes]
            elif name == "tbl":
                page = None
                parts = []
                for tr in self._rows(child):
                    cells = []
                    for tc in self._cells(tr):
                        text, p = self.cell_text(tc)
                        page = p if page is None else page
                        if text:
                            cells.append(text.replace("\n", " "))
                    parts.append(" ".join(cells))
            elif name in _TRANSPARENT:
                text, page = self.cell_text(child)
                parts = [text]
            else:
                continue
            for part in parts:
                for line in part.split("\n"):
                    if line.strip():
                        lines.append(line.strip())
            if first is None and page is not None:
                first = page
        return "\n".join(lines), first

    def paragraph_text(self, p, boxes: list) -> tuple[str, int | None]:
        """Visible text of paragraph ``p``, moving the page counter over its
        breaks.  Text boxes found inside are appended to ``boxes``.  Returns
        (text, page of its first visible character or None)."""
        parts: list[str] = []
        first: list[int] = []

        def visit(el) -> None:
            for child in el:
                tag = child.tag
                if not isinstance(tag, str):
                    continue
                if tag == f"{{{MC}}}Fallback":
                    continue  # the Choice branch holds the same content
                if not tag.startswith(_W):
                    visit(child)
                    continue
                name = tag[len(_W) :]
                if name in _NO_TEXT or name in _DELETED:
                    continue
                if name == "r" and _on(child.find(f"{_W}rPr/{_W}vanish")):
                    continue  # hidden text is not printed
                if name == "t":
                    if child.text:
                        if not first and child.text.strip():
                            first.append(self.page)
                        parts.append(child.text)
                elif name == "tab" or name == "ptab":
                    parts.append("\t")
                elif name == "br":
                    kind = child.get(_W + "type")
                    if kind == "page":
                        if not self.rendered:
                            self.page += 1
                    elif kind != "column":
                        parts.append("\n")
                elif name == "cr":
                    parts.append("\n")
                elif name == "lastRenderedPageBreak":
                    if self.rendered:
                        self.page += 1
                elif name == "noBreakHyphen":
                    parts.append("-")
                elif name == "txbxContent":
                    boxes.append(child)
                elif name == "tbl":
                    boxes.append(_wrap(child))
                else:
                    visit(child)

        visit(p)
        return "".join(parts), (first[0] if first else None)


def _wrap(tbl):
    """A container holding just ``tbl`` (a table where a paragraph was expected)."""
    holder = etree.Element(_W + "sdtContent")
    holder.append(etree.fromstring(etree.tostring(tbl)))
    return holder


def _merge_kind(el) -> str | None:
    if el is None:
        return None
    return "restart" if el.get(_W + "val") == "restart" else "continue"


def _join(a: str, b: str) -> str:
    if not b:
        return a
    return f"{a}\n{b}" if a else b


def read(data: bytes, source: Source) -> Document:
    file = source.file or None
    with checked_zip(data, file=file) as zf:
        part = main_part(zf, "word/document.xml")
        if part is None:
            raise CorruptFileError("Word 文件中没有正文（缺少 word/document.xml）", file=file)
        try:
            xml = zf.read(part)
        except Exception as exc:  # noqa: BLE001 - zlib/CRC errors on a damaged member
            raise CorruptFileError("Word 正文无法解压", file=file) from exc
    try:
        root = etree.fromstring(xml, SAFE_XML)
        body = root.find(_W + "body")
        if body is None:
            raise CorruptFileError("Word 文件中没有正文（缺少 w:body）", file=file)
        walker = _Walker(body)
        walker.walk(body)
        blocks = walker.blocks
    except LoaderError:
        raise
    except Exception as exc:  # noqa: BLE001 - lxml/recursion errors on damaged files
        raise CorruptFileError(f"Word 文件无法解析（{type(exc).__name__}）", file=file) from exc
    source.pages = walker.page
    return Document(source=source, blocks=merge_continued_tables(blocks))
