"""Read a page's characters the way a viewer shows them: without the ones a
clipping path hides.

pdfminer (and so pdfplumber) ignores the clipping operators ``W``/``W*``, so
every character a page draws is read, seen or not.  LibreOffice relies on
clipping when a merged cell crosses a page break: it draws the whole cell on
both pages and clips each to its part, which leaves the other page's text
(drawn above the top or below the bottom of the table) in the extraction; a
cell whose text does not fit is clipped the same way.

Here the page is interpreted by :class:`ClipInterpreter`, which keeps the
bounding box of the current clipping path in the graphics state (intersected
with the one before, saved by ``q`` and restored by ``Q``, handed down to form
XObjects), and :class:`ClipAggregator` leaves out each character whose centre
lies outside that box.  A box is never smaller than the path it bounds, so a
character dropped is one no viewer draws; a character half cut by the clip
goes with the side its centre is on.  Text clipping modes (``Tr`` 4–7) and a
form XObject's /BBox are not followed (they only ever hide more).  Characters
drawn with render mode 3 (invisible) are kept: they are the text layer of a
scanned page that carries one.
"""
from __future__ import annotations

from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.utils import apply_matrix_pt
from pdfplumber.page import PDFPageAggregatorWithMarkedContent
from pdfplumber.utils.exceptions import PdfminerException

# (x0, y0, x1, y1) in pdfminer's device space (that of LTChar.bbox), or None: no clip
Box = tuple[float, float, float, float]

# a character's centre may lie this far (pt) outside the clip and still count
# as shown: clips are often set to the cell's edge, glyph boxes reach past it
_TOLERANCE = 1.0


class ClipAggregator(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's page aggregator, keeping only characters inside ``clip``."""

    clip: Box | None = None

    def render_char(self, *args, **kwargs) -> float:  # type: ignore[override]
        adv = super().render_char(*args, **kwargs)
        clip = self.clip
        if clip is not None:
            objs = self.cur_item._objs
            item = objs[-1]
            h = (item.x0 + item.x1) / 2
            v = (item.y0 + item.y1) / 2
            if not (
                clip[0] - _TOLERANCE <= h <= clip[2] + _TOLERANCE and clip[1] - _TOLERANCE <= v <= clip[3] + _TOLERANCE
            ):
                objs.pop()
        return adv


class ClipInterpreter(PDFPageInterpreter):
    """A page interpreter that follows the clipping path (as its bounding box)."""

    clip: Box | None = None
    _inherited: Box | None = None

    def init_state(self, ctm) -> None:
        super().init_state(ctm)
        self.clip = self._inherited
        self.device.clip = self.clip  # type: ignore[attr-defined]

    def subinterp(self):
        interp = super().subinterp()
        interp._inherited = self.clip
        return interp

    def get_current_state(self):
        return (*super().get_current_state(), self.clip)

    def set_current_state(self, state) -> None:
        super().set_current_state(state[:3])
        self.clip = state[3] if len(state) > 3 else self._inherited
        self.device.clip = self.clip  # type: ignore[attr-defined]

    def _set_clip(self) -> None:
        xs: list[float] = []
        ys: list[float] = []
        ctm = self.ctm
        for seg in self.curpath:
            coords = seg[1:]
            for k in range(0, len(coords) - 1, 2):
                x, y = apply_matrix_pt(ctm, (coords[k], coords[k + 1]))
                xs.append(x)
                ys.append(y)
        if not xs:
            return
        box = (min(xs), min(ys), max(xs), max(ys))
        if self.clip is not None:
            c = self.clip
            x0, y0 = max(box[0], c[0]), max(box[1], c[1])
            box = (x0, y0, max(x0, min(box[2], c[2])), max(y0, min(box[3], c[3])))
        self.clip = box
        self.device.clip = box  # type: ignore[attr-defined]

    def do_W(self) -> None:
        self._set_clip()

    def do_W_a(self) -> None:
        self._set_clip()

    def do_Do(self, xobjid_arg) -> None:
        super().do_Do(xobjid_arg)
        self.device.clip = self.clip  # type: ignore[attr-defined]


def load_layout(page) -> None:
    """Interpret ``page`` (a pdfplumber Page) with clipping followed, so that
    its ``chars`` (and every other object) come from that reading."""
    if hasattr(page, "_layout"):
        return
    device = ClipAggregator(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
    interpreter = ClipInterpreter(page.pdf.rsrcmgr, device)
    try:
        interpreter.process_page(page.page_obj)
    except Exception as e:
        raise PdfminerException(e)
    page._layout = device.get_result()
