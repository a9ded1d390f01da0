"""A narrative's text as the fact reader sees it: passages (paragraphs with
page-break splits joined and page furniture left out), sentences with their
offsets, the numbers in a sentence (:class:`Mention`) and their conversion to
万元.  Split from ``analysis.narrative`` (what a number names).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal




# ---------------------------------------------------------------- text


_SENTENCE_END = "。！？；;!?：:"
_HEADING = re.compile(
    r"^\s*([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d)|第[一二三四五六七八九十]+部分)"
)


SECTION_HEADING = re.compile(r"^\s*([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+部分)")


@dataclass
class Passage:
    text: str
    pages: list[tuple[int, int | None]]  # (offset where a paragraph starts, its page)
    index: int  # index of its first paragraph
    section: int = 0  # passages under the same (sub)heading share a number

    def page_at(self, offset: int) -> int | None:
        page = None
        for start, p in self.pages:
            if start <= offset:
                page = p
        return page


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def page_furniture(paragraphs: list[dict]) -> set[str]:
    """Keys of running page headers and footers: a short line printed on at
    least three pages ('苏州市审计局2026年度部门预算公开', '第 3 页', '- 12 -')."""
    pages_of: dict[str, set] = {}
    for par in paragraphs:
        text = (par.get("text") or "").strip()
        if text and len(text) <= 40 and par.get("page") is not None:
            pages_of.setdefault(_furniture_key(text), set()).add(par.get("page"))
    return {k for k, pages in pages_of.items() if len(pages) >= 3}


def passages(paragraphs: list[dict]) -> list[Passage]:
    """Paragraphs joined where a sentence obviously runs on (no closing
    punctuation, next paragraph not a heading; '…0.00 万' + '元，…'); running
    page headers and footers are left out, so a sentence continued on the
    next page is joined across them."""
    out: list[Passage] = []
    furniture = page_furniture(paragraphs)
    for i, par in enumerate(paragraphs):
        text = (par.get("text") or "").strip()
        if not text or _furniture_key(text) in furniture:
            continue
        page = par.get("page")
        if out:
            prev = out[-1]
            tail = prev.text.rstrip()
            runs_on = (
                tail
                and tail[-1] not in _SENTENCE_END + "）)】」"
                and not _HEADING.match(text)
                # a heading line (not a short numbered item that runs on: '（1）…支出 2,906.63 万元，主要用于')
                and not (_HEADING.match(tail) and len(tail) < 40 and not re.search(r"[，,]", tail))
            )
            if tail.endswith("万") and text.startswith("元"):
                runs_on = True
            if runs_on and len(tail) > 8:
                prev.pages.append((len(prev.text), page))
                prev.text = prev.text + text
                continue
        section = (out[-1].section if out else 0) + (1 if SECTION_HEADING.match(text) else 0)
        out.append(Passage(text=text, pages=[(0, page)], index=i, section=section))
    return out


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) split at 。！？； and line breaks, but not inside
    brackets: '…维护费567.72万元（购置费230.55万元；运行维护费337.17万元。）比上年增加
    46.49万元' is one sentence, whose change is the 567.72's."""
    out = []
    start = 0
    depth = 0
    for m in re.finditer(r"[。！？；;!?\n（(）)]", text):
        ch = m.group(0)
        if ch in "（(":
            depth += 1
            continue
        if ch in "）)":
            depth = max(0, depth - 1)
            continue
        if depth and ch != "\n":
            continue
        depth = 0
        end = m.end()
        if text[start:end].strip():
            out.append((start, text[start:end]))
        start = end
    if text[start:].strip():
        out.append((start, text[start:]))
    return out


# ---------------------------------------------------------------- numbers

_NUM = r"(?<![\d.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_MENTION = re.compile(
    _NUM
    + r"\s*(?:(?P<unit>亿元|万元|千元|元|万)(?![/／每]|人|户|个|辆|台|次|件|平方|元)|(?P<pct>[%％]))"
)


@dataclass
class Mention:
    start: int
    end: int
    number: Decimal
    printed: str
    unit: str  # 万元 | 元 | 亿元 | 千元 | %


def mentions(sentence: str) -> list[Mention]:
    out = []
    for m in _MENTION.finditer(sentence):
        raw = m.group(1)
        number = Decimal(raw.replace(",", ""))
        unit = "%" if m.group("pct") else m.group("unit")
        if unit == "万":
            unit = "万元"
        out.append(Mention(m.start(), m.end(), number, m.group(0).strip(), unit))
    return out


def to_wan(number: Decimal, unit: str) -> Decimal:
    if unit == "元":
        return number / Decimal(10000)
    if unit == "千元":
        return number / Decimal(10)
    if unit == "亿元":
        return number * Decimal(10000)
    return number


def decimals(printed: str) -> int:
    m = re.search(r"\.(\d+)", printed)
    return len(m.group(1)) if m else 0

