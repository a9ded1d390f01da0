"""Text lines and paragraphs from PDF characters (the part of a page outside
its tables).

Lines: pdfplumber's own ``extract_text`` groups characters into lines by their
top within a fixed tolerance.  Real reports break that: 上海 reports print the
digits of a sentence in Times New Roman some 5 pt below the 仿宋 text around
them, so the line comes out as two.  Here a character joins a line when its
vertical centre falls inside the line's band, which keeps offset digits, quote
marks in another font and slightly raised punctuation on their line.  Two
texts drawn over each other are pulled apart into separate lines.

Paragraphs: a line goes on the paragraph of the line before unless it is a
heading or numbered item (一、 （一） 1. (1) 第一部分 注：), is indented as a
first line, follows a clear vertical gap or a change of font size, or the line
before stopped short of the right margin by more than the first piece of this
line needed (so it ended on purpose).  Margins are the page's own where enough
lines show them, else those of the pages of the same size, and the edges of a
table the text is printed against (a note under a table wraps at its width).
Chinese lines join without a space; two ASCII words keep one.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from operator import itemgetter

# Same horizontal gap pdfplumber puts a space at (its default x_tolerance), so
# captions read like the cell texts of the tables beside them.
SPACE_GAP = 3.0
# Letter-spacing: gaps between Chinese characters narrower than this many
# character sizes, repeated within this many points from one character to the next.
JUSTIFIED_GAP = 1.0
LETTER_SPACING_JITTER = 0.5

_PAGE_NUMBER = re.compile(
    r"^(第\s*\d{1,4}\s*页(\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|[-—–－~]+\s*\d{1,4}\s*[-—–－~]+"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|[Pp]age\s*\d{1,4}(\s*of\s*\d{1,4})?)$"
)
_LONE_NUMBER = re.compile(r"^\d{1,3}$")

_CN_NUM = "一二三四五六七八九十百零〇"
_HEADING = re.compile(
    rf"^(第[{_CN_NUM}\d]+[部分章节条篇项]"
    rf"|[{_CN_NUM}]+\s*[、．.]"
    rf"|[（(]\s*[{_CN_NUM}\d]{{1,3}}\s*[）)]"
    r"|\d{1,3}\s*[、．]"
    r"|\d{1,3}\.(?!\d)"
    r"|[①-⑳]"
    r"|注\s*[:：]"
    r"|附件|附表"
    r")"
)
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
# a contents entry: leader dots then a page number
_CONTENTS_ENTRY = re.compile(r"(\.{3,}|…{2,}|·{3,}|．{3,}|-{4,}|_{4,})\s*\d{1,4}$")


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    # width of the line's first unbreakable piece (a number with the
    # character after it, a bracketed word, a character and the punctuation
    # that may not start a line): had the line before room for it, that line
    # ended on purpose
    lead_width: float = 0.0
    # set when the line was split off text drawn over it, or is otherwise
    # known to stand alone
    alone: bool = False

    @property
    def height(self) -> float:
        return self.bottom - self.top


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


def is_heading(text: str) -> bool:
    return bool(_HEADING.match(text.strip()))


def _mid(char: dict) -> float:
    return (char["top"] + char["bottom"]) / 2


def build_lines(chars: list[dict]) -> list[Line]:
    """Cluster characters into text lines, top to bottom.

    ``chars`` must be in content-stream order (as pdfplumber gives them); that
    order is used to pull apart two texts drawn over each other.
    """
    if not chars:
        return []
    indexed = sorted(enumerate(chars), key=lambda ic: _mid(ic[1]))
    groups: list[list[tuple[int, dict]]] = []
    band_bottom = float("-inf")
    band_height = 0.0
    for ic in indexed:
        c = ic[1]
        height = c["bottom"] - c["top"]
        if groups and _mid(c) < band_bottom:
            groups[-1].append(ic)
            if height > 1.2 * band_height:
                # a larger glyph than the one that opened the line (which
                # may have been a raised small mark): its band counts
                band_bottom = max(band_bottom, c["bottom"])
                band_height = height
        else:
            groups.append([ic])
            band_bottom = c["bottom"]
            band_height = height
    lines: list[Line] = []
    for group in groups:
        lines.extend(_make_lines(group))
    return [ln for ln in lines if ln.text]


def _make_lines(group: list[tuple[int, dict]]) -> list[Line]:
    by_x = sorted(group, key=lambda ic: ic[1]["x0"])
    if not _overlapping(by_x):
        return [_line([c for _, c in by_x])]
    # Two texts drawn over each other (a sheet pasted over a title): split the
    # characters into runs in drawing order and lay runs that overlap on
    # separate lines, in drawing order.
    runs: list[list[dict]] = []
    last_index = -2
    for index, c in sorted(group, key=itemgetter(0)):
        if runs and index == last_index + 1 and c["x0"] >= runs[-1][-1]["x0"]:
            runs[-1].append(c)
        else:
            runs.append([c])
        last_index = index
    rows: list[list[list[dict]]] = []
    for run in runs:
        lo, hi = run[0]["x0"], max(c["x1"] for c in run)
        for row in rows:
            if all(hi <= r[0]["x0"] + 0.5 or lo >= max(c["x1"] for c in r) - 0.5 for r in row):
                row.append(run)
                break
        else:
            rows.append([run])
    out = []
    for row in rows:
        chars = sorted((c for run in row for c in run), key=itemgetter("x0"))
        line = _line(chars)
        line.alone = True
        out.append(line)
    return out


def _overlapping(by_x: list[tuple[int, dict]]) -> bool:
    for (_, a), (_, b) in zip(by_x, by_x[1:]):
        width = min(a["x1"] - a["x0"], b["x1"] - b["x0"])
        if width > 0 and b["x0"] < a["x1"] - 0.6 * width and not a["text"].isspace() and not b["text"].isspace():
            return True
    return False


def _letter_spaced(chars: list[dict], i: int) -> bool:
    """Whether the gap after ``chars[i]`` is letter-spacing ('支 出 （ 款 ）'), not a space.

    Justified or letter-spaced Chinese text puts the same gap after every
    character; a space is a gap wider than those around it ('第二部分 上海市…').
    So a gap between two Chinese characters (or full-width marks), narrower
    than a character, that a neighbouring gap matches is letter-spacing.
    """
    a, b = chars[i], chars[i + 1]
    if _ASCII_TOKEN.match(a["text"]) or _ASCII_TOKEN.match(b["text"]):
        return False
    gap = b["x0"] - a["x1"]
    if gap >= JUSTIFIED_GAP * max(a.get("size") or 0, b.get("size") or 0, 1.0):
        return False
    for j in (i - 1, i + 1):
        if 0 <= j < len(chars) - 1:
            other = chars[j + 1]["x0"] - chars[j]["x1"]
            if abs(other - gap) <= LETTER_SPACING_JITTER:
                return True
    return False


_BRACKETS = "（(“‘「『【〔）)”’」』】〕"
_CJK = re.compile(r"[\u3400-\u9fff]")


def _bracket_beside_chinese(a: dict, b: dict) -> bool:
    """A gap narrower than an em between a Chinese character and a
    bracket or quote is the bracket's own side bearing (a half-width "(" set
    in a full-width cell: "因公出国 (境)"), never a space in Chinese prose; a
    wider one still separates two fields set on one line."""
    x, y = a["text"], b["text"]
    if not ((x in _BRACKETS and _CJK.match(y)) or (y in _BRACKETS and _CJK.match(x))):
        return False
    return b["x0"] - a["x1"] < max(a.get("size") or 0, b.get("size") or 0)


def _line(chars: list[dict]) -> Line:
    parts: list[str] = []
    for i, c in enumerate(chars):
        if (
            i
            and c["x0"] - chars[i - 1]["x1"] > SPACE_GAP
            and not _letter_spaced(chars, i - 1)
            and not _bracket_beside_chinese(chars[i - 1], c)
        ):
            parts.append(" ")
        parts.append(c["text"])
    text = re.sub(r"[ \t\u3000\xa0]+", " ", "".join(parts)).strip()
    visible = [c for c in chars if not c["text"].isspace()] or chars
    sizes = sorted(c["size"] for c in visible)
    return Line(
        text=text,
        lead_width=_lead_width(visible),
        x0=min(c["x0"] for c in visible),
        x1=max(c["x1"] for c in visible),
        top=min(c["top"] for c in visible),
        bottom=max(c["bottom"] for c in visible),
        size=sizes[len(sizes) // 2],
    )


_ASCII_TOKEN = re.compile(r"[A-Za-z0-9.,%/+\-()]")
_OPENING = "（(《“‘「『【〔[<"
_CLOSING = "，。、；：？！）)》”’」』】〕]>%,.;:!?…—"


def _lead_width(chars: list[dict]) -> float:
    if not chars:
        return 0.0
    n = len(chars)
    i = 1
    first = chars[0]["text"]
    if _ASCII_TOKEN.match(first):
        while i < n and _ASCII_TOKEN.match(chars[i]["text"]):
            i += 1
        if i < n:
            i += 1
    elif first in _OPENING:
        for j in range(1, min(n, 8)):
            if chars[j]["text"] in _CLOSING:
                i = j + 1
                break
    while i < n and (chars[i]["text"] in _CLOSING or chars[i]["text"] in _OPENING or chars[i - 1]["text"] in _OPENING):
        i += 1
    return chars[i - 1]["x1"] - chars[0]["x0"]


def _edge(values: list[float], size: float, min_count: int, rightmost: bool) -> float | None:
    ordered = sorted(values, reverse=rightmost)
    for i, v in enumerate(ordered):
        count = 0
        for w in ordered[i:]:
            if abs(v - w) <= 0.6 * size:
                count += 1
            else:
                break
        if count >= min_count:
            return v
    return None


def right_edge(lines: list[Line], min_count: int = 2) -> float | None:
    """The right margin the text is set to: the rightmost x1 shared by at
    least ``min_count`` lines (within about half a character)."""
    long_lines = [ln for ln in lines if len(ln.text) >= 8]
    if not long_lines:
        return None
    size = statistics.median(ln.size for ln in long_lines)
    return _edge([ln.x1 for ln in long_lines], size, min_count, rightmost=True)


def left_edge(lines: list[Line], min_count: int = 2) -> float | None:
    """The left margin: the leftmost x0 shared by at least ``min_count`` lines."""
    long_lines = [ln for ln in lines if len(ln.text) >= 8]
    if not long_lines:
        return None
    size = statistics.median(ln.size for ln in long_lines)
    return _edge([ln.x0 for ln in long_lines], size, min_count, rightmost=False)


@dataclass
class Margins:
    """Where the lines of a stretch of text may start and end: the page's
    text margins, and the edges of a table the text is printed against (a
    note under a table wraps at the table's width)."""

    lefts: list[float] = field(default_factory=list)
    rights: list[float] = field(default_factory=list)

    def right_of(self, line: Line) -> float | None:
        found = [r for r in self.rights if r >= line.x1 - 0.5 * line.size]
        return min(found) if found else None

    def left_of(self, line: Line) -> float | None:
        found = [x for x in self.lefts if x <= line.x0 + 0.5 * line.size]
        return max(found) if found else None


def wraps(a: Line, b: Line, margins: Margins) -> bool:
    """Whether line ``a`` is full, so that its paragraph may go on in ``b``."""
    if not margins.rights or a.alone or b.alone or _CONTENTS_ENTRY.search(a.text):
        return False
    size = max(a.size, b.size, 1.0)
    left = margins.left_of(a)
    if left is not None and a.x0 > left + 4.5 * size:
        return False  # a short line set apart (right-aligned, centred)
    right = margins.right_of(a)
    if right is None:
        return True  # reaches past every margin we know
    return right - a.x1 <= min(b.lead_width, 8 * size) + size


def drop_page_furniture(lines: list[Line], page_height: float, table_boxes: list[tuple]) -> list[Line]:
    """Remove page numbers printed in the top or bottom margin."""
    if not lines:
        return lines
    lowest_table = max((b[3] for b in table_boxes), default=float("-inf"))
    highest_table = min((b[1] for b in table_boxes), default=float("inf"))
    keep = list(lines)
    # bottom: the last lines of the page, below every table
    while keep:
        ln = keep[-1]
        if ln.top < lowest_table or ln.top < page_height * 0.75:
            break
        if is_page_number(ln.text) or (_LONE_NUMBER.match(ln.text) and ln.top > page_height * 0.85):
            keep.pop()
            continue
        break
    while keep:
        ln = keep[0]
        if ln.bottom > highest_table or ln.bottom > page_height * 0.15:
            break
        if is_page_number(ln.text) or (_LONE_NUMBER.match(ln.text) and ln.bottom < page_height * 0.08):
            keep.pop(0)
            continue
        break
    return keep


def paragraph_starts(lines: list[Line], margins: Margins) -> list[bool]:
    """For each line, whether it starts a new paragraph."""
    starts: list[bool] = []
    if not lines:
        return starts
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:]) if b.top - a.bottom > -1]
    usual_gap = statistics.median(gaps) if gaps else 0.0
    first_of_para = 0
    for i, b in enumerate(lines):
        if i == 0:
            starts.append(True)
            continue
        a = lines[i - 1]
        size = max(a.size, b.size, 1.0)
        gap = b.top - a.bottom
        new = (
            is_heading(b.text)
            or abs(a.size - b.size) > 0.15 * size
            or gap > max(usual_gap * 1.6, usual_gap + 0.6 * size)
            or gap < -0.5 * size
            or not wraps(a, b, margins)
        )
        c = lines[i + 1] if i + 1 < len(lines) else None
        if not new and b.x0 > a.x0 + 0.8 * size:
            # an indented line starts a paragraph, unless it is the second
            # line of a paragraph set with a hanging indent
            hanging = (
                first_of_para == i - 1
                and c is not None
                and abs(c.x0 - b.x0) < 0.5 * size
                and not is_heading(c.text)
            )
            new = not hanging
        elif not new:
            # as indented as the line before, and both set in from the
            # margin: a first line (after an indented heading that filled
            # its line) when the line after it goes back to the margin;
            # else the next line of a block set in from the margin
            left = margins.left_of(b)
            new = (
                left is not None
                and b.x0 > left + 0.8 * size
                and c is not None
                and c.x0 < b.x0 - 0.8 * size
                and not is_heading(c.text)
            )
        starts.append(new)
        if new:
            first_of_para = i
    return starts


def join_lines(texts: list[str]) -> str:
    """Join the lines of a wrapped paragraph: no space between Chinese, one
    space between two ASCII words."""
    out = ""
    for t in texts:
        t = t.strip()
        if not t:
            continue
        if out and _ASCII_WORD.match(out[-1]) and _ASCII_WORD.match(t[0]):
            out += " " + t
        else:
            out += t
    return out


def continues_paragraph(prev: Line, nxt: Line, margins: Margins) -> bool:
    """Whether ``nxt`` (first line of a page) carries on ``prev`` (last line of
    the page before, whose margins are ``margins``)."""
    size = max(prev.size, nxt.size, 1.0)
    if abs(prev.size - nxt.size) > 0.15 * size or not wraps(prev, nxt, margins):
        return False
    if is_heading(nxt.text) or nxt.x0 > prev.x0 + 0.8 * size:
        return False
    return not re.search(r"[。！？!?；;：:]$", prev.text)
