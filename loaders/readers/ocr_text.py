"""OCR text boxes -> text as a PDF text layer would give it: cleaned amounts,
boxes grouped into lines (by vertical overlap), lines into paragraphs (indent,
short last line, vertical gap), a table cell's boxes into its text.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from loaders.readers.ocr_engine import Reading

Box = tuple[float, float, float, float]


@dataclass
class TextBox:
    box: Box
    reading: Reading

    @property
    def text(self) -> str:
        return self.reading.text

    @property
    def cx(self) -> float:
        return (self.box[0] + self.box[2]) / 2

    @property
    def cy(self) -> float:
        return (self.box[1] + self.box[3]) / 2

    @property
    def h(self) -> float:
        return self.box[3] - self.box[1]


# ------------------------------------------------------------------ text cleanup

_NUMERIC = re.compile(r"^[-+(（]?[\d,，.。\s]+[)）]?%?$")
_DIGITS_SPACED = re.compile(r"(?<=[\d,.])\s+(?=[\d,.])")
_UNIT_MISREAD = re.compile(r"((?:金额)?单位[:：]\s*)方元")


def clean_text(text: str) -> str:
    """OCR text as a PDF text layer would give it: amounts without the
    spaces OCR puts after separators, full-width separators inside amounts
    made ASCII; 万元 read as 方元 in a unit line put right."""
    t = text.strip()
    if _NUMERIC.match(t) and any(ch.isdigit() for ch in t):
        t = _DIGITS_SPACED.sub("", t).replace("，", ",").replace("。", ".")
        t = t.replace(" ", "")
    t = _UNIT_MISREAD.sub(r"\g<1>万元", t)
    # a speck read as a full stop after a code or a Chinese word ("06." "补助.")
    if len(t) > 1 and t[-1] in ".。," and (t[:-1].isdigit() and len(t) <= 8 or "\u4e00" <= t[-2] <= "\u9fff"):
        t = t[:-1]
    return t


def _is_ascii_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def join_parts(parts: list[str], sep: str = " ") -> str:
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out and _is_ascii_word(out[-1]) and _is_ascii_word(p[0]):
            out += sep
        out += p
    return out


def cell_text(tbs: list[TextBox]) -> str:
    lines = group_lines(tbs)
    return join_parts([join_parts([clean_text(t.text) for t in ln]) for ln in lines], sep="")


# ------------------------------------------------------------------ lines and paragraphs


def group_lines(tbs: list[TextBox]) -> list[list[TextBox]]:
    """Boxes grouped into lines by vertical overlap, top to bottom, each left to right."""
    lines: list[list[TextBox]] = []
    for tb in sorted(tbs, key=lambda t: t.cy):
        for ln in lines[-3:]:
            ref = statistics.median(t.cy for t in ln)
            hh = statistics.median(t.h for t in ln)
            if abs(tb.cy - ref) < 0.5 * min(hh, tb.h):
                ln.append(tb)
                break
        else:
            lines.append([tb])
    for ln in lines:
        ln.sort(key=lambda t: t.box[0])
    lines.sort(key=lambda ln: min(t.box[1] for t in ln))
    return lines


@dataclass
class Line:
    text: str
    box: Box
    boxes: list[TextBox]

    @property
    def h(self) -> float:
        return statistics.median(t.h for t in self.boxes)


def make_line(ln: list[TextBox]) -> Line:
    parts = []
    prev = None
    for t in ln:
        text = clean_text(t.text)
        if prev is not None and t.box[0] - prev.box[2] > 1.5 * t.h and parts:
            parts.append("  ")
        parts.append(text)
        prev = t
    text = ""
    for p in parts:
        if p == "  ":
            text += " "
            continue
        text = join_parts([text, p]) if text and not text.endswith(" ") else text + p
    box = (min(t.box[0] for t in ln), min(t.box[1] for t in ln), max(t.box[2] for t in ln), max(t.box[3] for t in ln))
    return Line(text=text.strip(), box=box, boxes=ln)


def paragraphs(lines: list[Line], left: float, right: float, width: float | None = None) -> list[list[Line]]:
    out: list[list[Line]] = []
    for ln in lines:
        if out:
            prev = out[-1][-1]
            h = max(prev.h, ln.h)
            gap = ln.box[1] - prev.box[3]
            if width and _centred_title(prev, ln, width, h, gap):
                out[-1].append(ln)
                continue
            continues = (
                gap < 1.0 * h
                and prev.box[2] >= right - 2.5 * h  # previous line runs to the right margin
                and (prev.box[0] <= left + 3 * h or len(out[-1]) > 1)  # and is not a right-aligned fragment
                and ln.box[0] <= left + 1.2 * h  # this one starts at the left margin
                and abs(ln.h - prev.h) < 0.35 * h
            )
            if continues:
                out[-1].append(ln)
                continue
        out.append([ln])
    return out


def _centred_title(prev: Line, ln: Line, width: float, h: float, gap: float) -> bool:
    """Two lines of one title set in the middle of the page
    ("2026年烟台市医疗保障局" / "部门预算"), not a caption line and its table."""
    mid = width / 2
    centred = all(abs((x.box[0] + x.box[2]) / 2 - mid) < 1.5 * h and x.box[2] - x.box[0] < 0.8 * width for x in (prev, ln))
    return centred and 0 <= gap < 1.6 * h and abs(ln.h - prev.h) < 0.25 * h and not prev.text.endswith(("。", "：", ":"))


def join_lines(texts: list[str]) -> str:
    return join_parts(texts, sep=" ")
