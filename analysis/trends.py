"""年度趋势: one agency over the years (pure functions over DataFrames and text).

* :func:`quoted_prior_figures` reads the narrative (情况说明) of a document for
  prior-year figures it quotes — "2024年预算收支安排6570.38万元，较2023年预算减少
  406.20万元" says the 2023 budget was 6976.58 — so a year that is not loaded can
  still be shown, marked as quoted.
* :func:`yearly_values` puts the loaded documents' measures and the quoted
  figures on one time line with 同比 change and %.
* :func:`composition` gives the function-class composition per year.

Amounts stay ``Decimal`` (万元).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from analysis.frames import (
    KIND_NAMES,
    MEASURE_LABELS,
    dec,
    diff,
    doc_title,
    function_class_amounts,
    pct,
)

#: measures on the trend page (wide column of totals_wide), in display order
TREND_MEASURES: list[str] = [
    "expenditure_total",
    "revenue_total",
    "basic",
    "project",
    "personnel",
    "public",
    "fiscal_appropriation",
    "three_public_total",
    "operating_expenses",
]

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


# --------------------------------------------------------------------------- time line


def one_per_year(documents: pd.DataFrame) -> pd.DataFrame:
    """One document per year (department before unit, then lowest id)."""
    if documents is None or documents.empty:
        return documents
    df = documents.assign(_scope=(documents["scope"] != "department").astype(int))
    df = df.sort_values(["year", "_scope", "document_id"], kind="stable")
    return df.drop_duplicates("year", keep="first").drop(columns="_scope").reset_index(drop=True)


YEARLY_COLUMNS = ["year", "measure", "指标", "amount", "origin", "来源", "对比年度", "change", "change_pct"]


def yearly_values(
    totals: pd.DataFrame,
    quoted: pd.DataFrame | None = None,
    *,
    kind: str,
    measures: Sequence[str] = TREND_MEASURES,
) -> pd.DataFrame:
    """Each measure per year with 同比 change and %.

    ``totals``: ``totals_wide`` rows of ONE agency and ``kind`` (one per year is
    kept: department before unit).  ``quoted``: :func:`quoted_frame` of its
    documents; a quoted figure of the same basis fills a year that no loaded
    document covers (origin ``quoted``, 来源 names the quoting document and page).
    ``change`` / ``change_pct`` compare with the previous year on the line
    (``对比年度``), loaded or quoted.
    """
    rows: list[dict[str, Any]] = []
    docs = one_per_year(totals) if totals is not None and not totals.empty else pd.DataFrame()
    loaded_years = {int(y) for y in docs["year"]} if not docs.empty else set()
    for rec in docs.to_dict("records") if not docs.empty else []:
        for m in measures:
            rows.append(
                {
                    "year": int(rec["year"]),
                    "measure": m,
                    "指标": MEASURE_LABELS.get(m, m),
                    "amount": dec(rec.get(m)),
                    "origin": "table",
                    "来源": f"{doc_title(rec['agency'], rec['year'], rec['kind'])}（{rec.get('file_name') or ''}）",
                }
            )
    if quoted is not None and not quoted.empty:
        q = quoted[(quoted["basis"] == kind) & quoted["measure"].isin(list(measures))]
        # the quote nearest in time first (the next year's document)
        q = q.assign(_gap=q["source_year"] - q["year"]).sort_values(["_gap", "source_year"], kind="stable")
        filled: set[tuple[str, int]] = set()
        for rec in q.to_dict("records"):
            y = int(rec["year"])
            if y in loaded_years or (rec["measure"], y) in filled:
                continue
            filled.add((rec["measure"], y))
            page = rec.get("page")
            where = f"第{int(page)}页" if page is not None and not pd.isna(page) else "情况说明"
            rows.append(
                {
                    "year": y,
                    "measure": rec["measure"],
                    "指标": MEASURE_LABELS.get(rec["measure"], rec["measure"]),
                    "amount": dec(rec["amount"]),
                    "origin": "quoted",
                    "来源": f"引自{rec['source_year']}年{KIND_NAMES.get(rec['source_kind'], rec['source_kind'])}"
                    f"{where}：{_short(rec['text'])}",
                }
            )
    out = pd.DataFrame(rows, columns=YEARLY_COLUMNS[:6])
    if out.empty:
        return pd.DataFrame(columns=YEARLY_COLUMNS)
    order = {m: i for i, m in enumerate(measures)}
    out = out.assign(_m=out["measure"].map(order)).sort_values(["_m", "year"], kind="stable").drop(columns="_m")
    prev_year, changes, pcts = [], [], []
    for _measure, group in out.groupby("measure", sort=False):
        last_year, last_amount = None, None
        for rec in group.to_dict("records"):
            amount = rec["amount"]
            if amount is not None and last_amount is not None:
                prev_year.append(last_year)
                changes.append(amount - last_amount)
                pcts.append(pct(amount - last_amount, last_amount))
            else:
                prev_year.append(last_year if amount is not None and last_year is not None else None)
                changes.append(None)
                pcts.append(None)
            if amount is not None:
                last_year, last_amount = rec["year"], amount
    out = out.reset_index(drop=True)
    out["对比年度"] = pd.array(prev_year, dtype="Int64")
    out["change"] = changes
    out["change_pct"] = pcts
    return out[YEARLY_COLUMNS]


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def wide_years(values: pd.DataFrame) -> pd.DataFrame:
    """Measures (rows) × years (columns ``2023年`` …, Decimal) plus, per year after
    the first, ``2024年同比`` and ``2024年同比%``; a ``说明`` column names the cells
    that are quoted figures."""
    if values is None or values.empty:
        return pd.DataFrame(columns=["指标"])
    years = sorted({int(y) for y in values["year"]})
    records = []
    for label, group in values.groupby("指标", sort=False):
        by_year = {int(r["year"]): r for r in group.to_dict("records")}
        rec: dict[str, Any] = {"指标": label}
        notes = []
        for i, y in enumerate(years):
            r = by_year.get(y)
            rec[f"{y}年"] = r["amount"] if r else None
            if i:
                rec[f"{y}年同比"] = r["change"] if r else None
                rec[f"{y}年同比%"] = r["change_pct"] if r else None
            if r and r["origin"] == "quoted" and r["amount"] is not None:
                notes.append(f"{y}年为引用数")
        rec["说明"] = "；".join(notes)
        records.append(rec)
    cols = ["指标"]
    for i, y in enumerate(years):
        cols.append(f"{y}年")
        if i:
            cols += [f"{y}年同比", f"{y}年同比%"]
    cols.append("说明")
    return pd.DataFrame(records, columns=cols)


def split_wide(wide: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`wide_years` as two narrower tables: the amounts (指标, one column
    per year, 说明) and the changes (指标, ``2024年同比`` and ``2024年同比%`` per
    year after the first).  The changes table is empty when there is one year."""
    if wide is None or wide.empty or "指标" not in wide.columns:
        return wide, pd.DataFrame(columns=["指标"])
    change_cols = [c for c in wide.columns if c.endswith("年同比") or c.endswith("年同比%")]
    amount_cols = [c for c in wide.columns if c not in change_cols]
    changes = wide[["指标"] + change_cols] if change_cols else pd.DataFrame(columns=["指标"])
    return wide[amount_cols].reset_index(drop=True), changes.reset_index(drop=True)


def change_sentence(values: pd.DataFrame, measure: str = "expenditure_total") -> str:
    """A plain sentence on the latest change: ``2025年本年支出合计较2024年增加3,355.64万元（+21.48%）``."""
    if values is None or values.empty:
        return ""
    rows = values[(values["measure"] == measure) & values["change"].notna()]
    if rows.empty:
        return ""
    r = rows.iloc[-1]
    change = r["change"]
    word = "增加" if change > 0 else ("减少" if change < 0 else "持平")
    label = MEASURE_LABELS.get(measure, measure)
    if change == 0:
        return f"{r['year']}年{label}与{r['对比年度']}年持平"
    p = r["change_pct"]
    pct_text = f"（{'+' if change > 0 else '−'}{abs(p):,.2f}%）" if p is not None else ""
    return f"{r['year']}年{label}较{r['对比年度']}年{word}{abs(change):,.2f}万元{pct_text}"


def quote_check(quoted: pd.DataFrame, totals: pd.DataFrame, *, kind: str,
                tolerance: Decimal = Decimal("0.02")) -> pd.DataFrame:
    """Quoted prior-year figures against the loaded document of that year:
    指标, 年度, 引用数, 文件数, 差额, 一致 (|差额| ≤ tolerance: the quote is rounded
    to 0.01 twice), 出处."""
    cols = ["指标", "年度", "引用数", "文件数", "差额", "一致", "出处"]
    if quoted is None or quoted.empty or totals is None or totals.empty:
        return pd.DataFrame(columns=cols)
    docs = {int(r["year"]): r for r in one_per_year(totals).to_dict("records")}
    rows = []
    for rec in quoted[quoted["basis"] == kind].to_dict("records"):
        doc = docs.get(int(rec["year"]))
        if doc is None:
            continue
        loaded = dec(doc.get(rec["measure"]))
        d = diff(rec["amount"], loaded)
        rows.append(
            {
                "指标": MEASURE_LABELS.get(rec["measure"], rec["measure"]),
                "年度": int(rec["year"]),
                "引用数": dec(rec["amount"]),
                "文件数": loaded,
                "差额": d,
                "一致": "文件未列示" if loaded is None else ("是" if abs(d) <= tolerance else "否"),
                "出处": f"{rec['source_year']}年文件：{_short(rec['text'], 80)}",
            }
        )
    return pd.DataFrame(rows, columns=cols)


COMPOSITION_COLUMNS = ["year", "document_id", "class_code", "class_name", "类", "amount", "share", "derived"]


def composition(documents: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """Function-class composition per year: one row per (year, 类) with amount and
    share of that year's total (Decimal %)."""
    if documents is None or documents.empty:
        return pd.DataFrame(columns=COMPOSITION_COLUMNS)
    docs = one_per_year(documents)
    classes = function_class_amounts(lines)
    if classes.empty:
        return pd.DataFrame(columns=COMPOSITION_COLUMNS)
    years = dict(zip(docs["document_id"].astype(int), docs["year"].astype(int)))
    classes = classes[classes["document_id"].astype(int).isin(years)]
    classes = classes.assign(
        year=classes["document_id"].astype(int).map(years),
        类=classes["class_code"] + " " + classes["class_name"],
    )
    return classes.sort_values(["year", "class_code"]).reset_index(drop=True)[COMPOSITION_COLUMNS]


__all__ = [
    "TREND_MEASURES", "QuotedFigure", "quoted_prior_figures", "joined_paragraphs", "quoted_frame", "one_per_year", "yearly_values",
    "wide_years", "split_wide", "change_sentence", "quote_check", "composition",
]
