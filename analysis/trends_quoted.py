"""Prior-year figures a narrative (情况说明) quotes — "2024年预算收支安排6570.38万元，
较2023年预算减少406.20万元" says the 2023 budget was 6976.58 — so a year that
is not loaded can still be shown on the 年度趋势 time line, marked as quoted.

Also :func:`joined_paragraphs` (a narrative's paragraphs with page-break splits
joined), which the 预决算对比 reading shares.  Split from ``analysis.trends``.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from analysis.frames import MEASURE_LABELS, dec


# --------------------------------------------------------------------------- quoted prior-year figures

#: subject phrases -> measure(s), most specific first; the first that matches a
#: clause names its measure.
_SUBJECTS: list[tuple[tuple[str, ...], re.Pattern]] = [
    (("three_public_vehicle_total",), re.compile(r"公(?:务用?)?车(?:辆)?购置及运(?:行(?:维护|维修)?|维)?费")),
    (("three_public_vehicle_purchase",), re.compile(r"公(?:务用?)?车(?:辆)?购置(?:费)?")),
    (("three_public_vehicle_operation",), re.compile(r"公(?:务用?)?车(?:用车)?(?:运行(?:维护|维修)?|运维)费|运行维护费")),
    (("three_public_outbound",), re.compile(r"因公出国[（(]境[)）]费|因公出国[（(]境[)）]|出国[（(]境[)）]费")),
    (("three_public_reception",), re.compile(r"公务接待费")),
    (("three_public_total",), re.compile(r"三公[”\"’']?\s*经费|三公")),
    (("operating_expenses",), re.compile(r"机关运行经费|机构运转经费|机关运行费")),
    (("personnel",), re.compile(r"人员经费")),
    (("public",), re.compile(r"公用经费")),
    (("basic",), re.compile(r"基本支出")),
    (("project",), re.compile(r"项目支出")),
    (("government_fund",), re.compile(r"政府性基金")),
    (("state_capital",), re.compile(r"国有资本经营")),
    (("general_public_budget",), re.compile(r"一般公共预算")),
    (("fiscal_appropriation",), re.compile(r"财政拨款")),
    (("grand_total",), re.compile(r"收\s*[、，,]?\s*支\s*总计|收入总计|支出总计")),
]
#: generic subjects: used only when no specific subject stands earlier in the sentence
_GENERIC: list[tuple[tuple[str, ...], re.Pattern]] = [
    (("revenue_total", "expenditure_total"), re.compile(r"收支")),
    (("revenue_total",), re.compile(r"收入")),
    (("expenditure_total",), re.compile(r"支出")),
]
_FUNCTION_ITEM = re.compile(r"[（(](?:类|款|项)[)）]")

_NUM = r"\d[\d,，]*(?:\.\d+)?"
_AMOUNT = re.compile(rf"(?P<num>{_NUM})\s*(?P<unit>万元|元)")
_COMPARE = re.compile(
    r"(?P<verb>比|较|与|同)\s*"
    r"(?P<ref>上一?年度?|去年|(?P<year>(?:19|20)\d{2})\s*年度?)\s*"
    r"(?:[（(][^）)]{0,20}[)）])?\s*"
    r"(?P<basis>预算执行数|预算数|预算|决算数|决算|执行数)?\s*"
    r"(?:相比|比较|对比)?\s*[，,]?\s*"
    r"(?:收支各|各)?\s*"
    r"(?P<dir>增加|减少|增长|下降|降低|持平|相同|一致|没有变化|无变化)\s*了?\s*"
    rf"(?:(?P<delta>{_NUM})\s*(?P<unit>万元|元|%|％))?"
)
_PCT_AFTER = re.compile(r"\s*[，,]?\s*(?:增长|下降|降低|增加|减少|增幅|降幅)?\s*(?P<pct>\d+(?:\.\d+)?)\s*[%％]")
_CONTINUATION = re.compile(
    rf"(?P<subject>[^，,。；;：:]{{1,30}}?)\s*(?P<dir>增加|减少)\s*了?\s*(?P<delta>{_NUM})\s*万元"
)
_SENTENCE_BREAK = re.compile(r"[。！？!?\n]")
_CLAUSE_END = re.compile(r"[。；;！？!?\n]")

_UP = ("增加", "增长")
_DOWN = ("减少", "下降", "降低")
_SAME = ("持平", "相同", "一致", "没有变化", "无变化")


@dataclass(frozen=True)
class QuotedFigure:
    """A prior-year figure a document quotes in its narrative.

    ``measure`` is a wide measure column (``expenditure_total``,
    ``three_public_total`` …); ``year`` the year the figure belongs to; ``basis``
    ``budget`` / ``final_accounts`` / ``executed`` (预算执行数); ``amount`` the
    prior-year amount implied by the quote (current as quoted − change);
    ``current`` the current-year amount it was derived from; ``change`` the signed
    change (current − prior); ``change_pct`` the % as printed (signed), if any;
    ``text`` the sentence; ``page`` its page; ``source_year`` / ``source_kind``
    the quoting document."""

    measure: str
    year: int
    basis: str
    amount: Decimal
    current: Decimal
    change: Decimal
    change_pct: Decimal | None
    text: str
    page: int | None
    source_year: int
    source_kind: str

    @property
    def label(self) -> str:
        return MEASURE_LABELS.get(self.measure, self.measure)


def _num(text: str) -> Decimal:
    return Decimal(text.replace(",", "").replace("，", ""))


def _norm(text: str) -> str:
    return (text or "").replace("\u3000", " ").replace("\xa0", " ")


def _subject(segment: str, sentence_before: str) -> tuple[str, ...] | None:
    """Measures named just before an amount.

    ``segment``: the text from the previous amount (or clause start) to the
    amount; ``sentence_before``: the sentence up to the amount.  A specific
    subject in the segment wins (most specific first); otherwise the most
    specific subject earlier in the sentence ("“三公”经费财政拨款支出预算为 2.06 万元，
    支出决算为 2.06 万元" is about 三公); otherwise a generic one (收支 / 收入 / 支出)
    in the segment.  Function items (…（类）…（款）…（项）) are never a measure."""
    if _FUNCTION_ITEM.search(segment) or _FUNCTION_ITEM.search(sentence_before):
        return None
    for text in (segment, sentence_before):
        for measures, pattern in _SUBJECTS:
            if pattern.search(text):
                return measures
    for measures, pattern in _GENERIC:
        if pattern.search(segment):
            return measures
    return None


def _basis(word: str | None, kind: str) -> str:
    if not word:
        return kind
    if "执行" in word:
        return "executed"
    if "决算" in word:
        return "final_accounts"
    return "budget"


_TERMINAL = "。！？!?；;：:"
_LONG = 40  # a paragraph this long that stops mid-sentence is not a heading
_HEADING = re.compile(r"^\s*(?:#|[（(]?[一二三四五六七八九十]+[）)、]|第[一二三四五六七八九十]+|\d+[、.．]\D)")
_CONTINUES = re.compile(r"^\s*(?:万?元|[，,、；;：:）)%％])")


def joined_paragraphs(paragraphs: Iterable[Mapping[str, Any] | str]) -> list[tuple[str, int | None]]:
    """(text, page) of each paragraph, re-joining a sentence that the page layout
    broke in two ("…本年收入合计 0.00 万" + "元，与上年持平；…")."""
    out: list[tuple[str, int | None]] = []
    for par in paragraphs:
        if isinstance(par, str):
            raw, page = par, None
        else:
            raw, page = par.get("text") or "", par.get("page")
        text = _norm(raw).strip()
        if not text:
            continue
        if out:
            prev, prev_page = out[-1]
            broken = _CONTINUES.match(text) or re.search(r"[\d万，,、（(]$", prev) or len(prev) >= _LONG
            if prev and prev[-1] not in _TERMINAL and not _HEADING.match(text) and broken:
                out[-1] = (prev + text, prev_page)
                continue
        out.append((text, page))
    return out


def _sign(direction: str) -> int:
    if direction in _UP:
        return 1
    if direction in _DOWN:
        return -1
    return 0


@dataclass
class _Mention:
    start: int
    end: int
    measures: tuple[str, ...] | None
    amount: Decimal
    unit: str
    is_change: bool  # the amount is the change of a comparison, not a level


def _last_break(pattern: re.Pattern, text: str, pos: int) -> int:
    return max((b.end() for b in pattern.finditer(text, 0, pos)), default=0)


def _sentence(text: str, start: int, end: int) -> str:
    s = _last_break(_SENTENCE_BREAK, text, start)
    m = _SENTENCE_BREAK.search(text, end)
    return text[s : m.end() if m else len(text)].strip()


def _mentions(text: str, compare_spans: Sequence[tuple[int, int]]) -> list[_Mention]:
    """Every amount of a paragraph with the measure named before it."""
    out: list[_Mention] = []
    prev_end = 0
    for m in _AMOUNT.finditer(text):
        is_change = any(s <= m.start() and m.end() <= e for s, e in compare_spans)
        sentence_start = _last_break(_SENTENCE_BREAK, text, m.start())
        clause_start = _last_break(_CLAUSE_END, text, m.start())
        segment = text[max(prev_end, clause_start) : m.start()]
        measures = None if is_change else _subject(segment, text[sentence_start : m.start()])
        out.append(_Mention(m.start(), m.end(), measures, _num(m.group("num")), m.group("unit"), is_change))
        prev_end = m.end()
    return out


def quoted_prior_figures(
    paragraphs: Iterable[Mapping[str, Any] | str],
    *,
    year: int,
    kind: str,
    current: Mapping[str, Any] | None = None,
) -> list[QuotedFigure]:
    """Prior-year figures quoted in a document's narrative.

    ``paragraphs``: the document's ``paragraphs`` (dicts with text and page, or
    strings); ``year`` / ``kind``: the quoting document's; ``current``: its own
    measures (a ``totals_wide`` row) for sentences that state only the change
    ("其中：基本支出增加66.56万元") or no amount at all.

    Recognised phrasings (the seeds and real reports): "…6570.38万元，较2023年预算
    减少406.20万元，其中：基本支出增加66.56万元 … 项目支出减少472.76万元",
    "…比上年增加 6685.20 万元，增长 62.8%", "…17337.27万元。与2022年度决算相比，
    收支各增加6682.32万元", "较 2022 年度决算减少 1.98 万元", "比2023年预算持平",
    "与上年持平", "与2023年相比增加0.00万元" (subject from the paragraph's first
    figure), "比2022年（上一年度，下同）预算增加…".  Not prior-year figures and so
    skipped: comparisons with the 年初预算 (same year; see analysis.budget_actual),
    changes given only in % , function items (…（类）…（款）…（项）), and a derived
    amount below zero (a copy-paste slip in the source).  The first quote of a
    (measure, year, basis) wins.
    """
    current = {k: dec(v) for k, v in (current or {}).items()}
    found: list[QuotedFigure] = []
    seen: set[tuple[str, int, str]] = set()

    def add(measures, ref_year, basis, cur, change, change_pct, text, page):
        for measure in measures:
            prior = cur - change
            key = (measure, ref_year, basis)
            if prior < 0 or key in seen:
                continue
            seen.add(key)
            found.append(
                QuotedFigure(measure, ref_year, basis, prior, cur, change, change_pct, text, page, int(year), kind)
            )

    for text, page in joined_paragraphs(paragraphs):
        compares = list(_COMPARE.finditer(text))
        if not compares:
            continue
        mentions = _mentions(text, [(c.start(), c.end()) for c in compares])
        levels = [m for m in mentions if not m.is_change]
        first_named = next((m for m in levels if m.measures and m.unit == "万元"), None)
        for i, cm in enumerate(compares):
            region_end = compares[i + 1].start() if i + 1 < len(compares) else len(text)
            ref_year = int(cm.group("year")) if cm.group("year") else int(year) - 1
            if ref_year >= int(year):
                continue
            basis = _basis(cm.group("basis"), kind)
            sign = _sign(cm.group("dir"))
            if sign and (cm.group("delta") is None or cm.group("unit") != "万元"):
                continue  # a change in % (or 元) only
            change = sign * _num(cm.group("delta")) if sign else Decimal(0)
            change_pct = None
            pct_m = _PCT_AFTER.match(text, cm.end())
            if pct_m and sign:
                change_pct = sign * Decimal(pct_m.group("pct"))
            sentence_start = _last_break(_SENTENCE_BREAK, text, cm.start())
            before = [m for m in levels if sentence_start <= m.start and m.end <= cm.start()]
            measures: tuple[str, ...] | None = None
            cur: Decimal | None = None
            if before:
                last = before[-1]
                if last.unit != "万元":
                    continue  # "本年支出合计 17334.30 元，比上年增加 6685.20 万元": a slip, skip
                measures, cur = last.measures, last.amount
            else:
                own = text[sentence_start : cm.start()]
                if _FUNCTION_ITEM.search(own):
                    continue
                measures = _subject(own, own) if own.strip() else None
                if measures is None and first_named is not None and first_named.start < cm.start():
                    measures = first_named.measures
                if measures:
                    earlier = [m for m in levels if m.end <= cm.start() and m.measures == measures and m.unit == "万元"]
                    if earlier:
                        cur = earlier[-1].amount
                    elif len(measures) == 1:
                        cur = current.get(measures[0])
            if not measures or cur is None:
                continue
            add(measures, ref_year, basis, cur, change, change_pct, _sentence(text, cm.start(), cm.end()), page)
            # "其中：基本支出增加66.56万元 … 项目支出减少472.76万元" after it
            for cont in _CONTINUATION.finditer(text, cm.end(), region_end):
                named = next((ms for ms, pattern in _SUBJECTS if pattern.search(cont.group("subject"))), None)
                if not named or len(named) != 1:
                    continue
                cur_value = current.get(named[0])
                if cur_value is None:
                    continue
                c_change = _sign(cont.group("dir")) * _num(cont.group("delta"))
                add(named, ref_year, basis, cur_value, c_change, None, _sentence(text, cont.start(), cont.end()), page)
    return found


QUOTED_COLUMNS = ["measure", "指标", "year", "basis", "amount", "current", "change", "change_pct", "text", "page",
                  "source_year", "source_kind"]


def quoted_frame(figures: Iterable[QuotedFigure]) -> pd.DataFrame:
    """Quoted figures as a DataFrame (Decimal amounts)."""
    rows = []
    for f in figures:
        rec = asdict(f)
        rec["指标"] = f.label
        rows.append(rec)
    return pd.DataFrame(rows, columns=QUOTED_COLUMNS)

