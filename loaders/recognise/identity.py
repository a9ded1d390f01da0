"""Who published the report, for which year, and what kind of report it is."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from loaders.model import Document
from loaders.recognise.cells import norm

_SCOPE_MARK = re.compile(r"[（(](本级|汇总|部门|单位|机关)[)）]$")
_ORG_END = (
    "局|委员会|委|办公室|办事处|中心|院|所|厅|部|会|站|队|处|馆|校|室|团|社|政府|公司|协会|联合会|"
    "街道|署|司|台|园|场|行|组|庭|宫|学"
)
_LABELLED = re.compile(
    r"(?:预算)?(?:部门|单位|部门名称|单位名称|编制部门|编制单位|部门（单位）|部门\(单位\)|预算单位|填报单位)\s*[:：]\s*"
    r"(?:\d{3,9}\s*[-－]?\s*)?([^\s:：]{3,40}?(?:" + _ORG_END + r")(?:[（(](?:本级|汇总|部门|单位)[)）])?)(?=$|\s|单位|预算|金额|\d{4})"
)
_CODED = re.compile(
    r"^(\d{3,9})\s*[-－]?\s*(?!年)([^\s\d:：]{3,40}?(?:" + _ORG_END + r")(?:[（(](?:本级|汇总|部门|单位)[)）])?)$"
)
_TITLED = re.compile(
    r"^(?:第.部分)?\s*(?:\d{4}\s*年度?)?(?!年)([^\s\d:：，,。]{3,40}?(?:" + _ORG_END + r")(?:[（(](?:本级|汇总|部门)[)）])?)\s*"
    r"(?:\d{4})?\s*年?度?\s*(?:部门|单位|区级部门|部门综合)(?:综合)?(?:预算|决算)[^，。；,;]{0,16}$"
)
# An agency printed alone on its line or cell ("XX县卫生健康局", "国家信访局（本级）"):
# a place or state prefix, an organisation ending, no punctuation or report words.
_BARE = re.compile(
    r"^(?=[^\s:：，,。、；;（(]*(?:省|市|县|区|旗|州|盟|镇|乡|国家|中共|中国))"
    r"([^\s\d:：，,。、；;]{3,40}?(?:" + _ORG_END + r"))([（(](?:本级|汇总|部门|单位)[)）])?$"
)
_NOT_BARE = re.compile(r"预算|决算|表|说明|情况|概况|职责|设置|构成|公开|目录|合计|单位[:：]")
# A label glued to the name it labels when the cells of a row are joined ('单位名称重庆市商务委员会').
_LEADING_LABEL = re.compile(r"^(?:部门|单位|预算单位|编制单位|编制部门|填报单位|部门（单位）)(?:名称)?[:：]?(?=.{3})")


def bare_agency(text: str) -> str | None:
    """The agency name when ``text`` is nothing but an agency name (with its scope mark)."""
    t = _LEADING_LABEL.sub("", norm(text))
    if _NOT_BARE.search(t):
        return None
    m = _BARE.match(t)
    return m.group(1) + (m.group(2) or "") if m else None


# The cover: '2026年度 / 泉州市公安局 / 部门预算', '重庆市商务委员会 年部门预算情况说明 2026',
# '2026年 / 珠海市…工务中心部门 / 预算' — the lines of the first page joined, the year anywhere.
_COVER = re.compile(
    r"^(?:第.部分)?(?:[省市县区]级)?(?:年度?)?(?!年)([^\s\d:：，,。、；;]{3,40}?(?:" + _ORG_END + r")(?:[（(](?:本级|汇总|部门|单位)[)）])?)"
    r"(?:年度?)?(?:[省市县区]级)?(?:部门|单位)(?:综合)?(?:预算|决算)"
)


def cover_agency(lines: list[str]) -> str | None:
    """The agency a cover names: its first lines joined, with the year taken out."""
    text = re.sub(r"20\d{2}", "", norm("".join(lines)))
    m = _COVER.match(text)
    return m.group(1) if m else None


_FILE_NAME = re.compile(
    r"(?:20\d{2}年度?)?([^\s\d_:：，,。、；;]{3,40}?(?:" + _ORG_END + r")(?:[（(](?:本级|汇总)[)）])?)"
    r"(?:20\d{2}年度?)?(?:部门|单位)(?:综合)?(?:预算|决算)"
)


def file_name_agency(name: str) -> str | None:
    """The agency a file name gives ('2026年度泉州市公安局部门预算.pdf'), the last resort."""
    stem = re.sub(r"(\.(pdf|xlsx?|docx?|txt|md))+$", "", name or "", flags=re.I)
    found = [m.group(1) for m in _FILE_NAME.finditer(norm(stem))]
    return found[-1] if found else None


_BUDGET_CODE = re.compile(r"(?:预算代码|部门代码|部门编码|单位代码|单位编码)\s*[:：]\s*(\d{3,9})")


@dataclass
class Identity:
    agency: str | None
    agency_code: str | None
    year: int | None
    kind: str | None
    scope: str | None
    marker: str | None  # the scope marker printed after the agency name


def strip_scope(name: str) -> tuple[str, str | None]:
    name = norm(name)
    m = _SCOPE_MARK.search(name)
    if m:
        return name[: m.start()], m.group(1)
    return name, None


def _lines(doc: Document, tables: list) -> tuple[list[str], list[str]]:
    """(lines near tables: captions and preambles; narrative paragraphs)."""
    near: list[str] = []
    for t in tables:
        near.extend(t.table.caption)
        for row in t.table.rows[: t.layout.header_start]:
            near.extend(c for c in row if c.strip())
            near.append(" ".join(c for c in row if c.strip()))
    paras = [p.text for p in doc.paragraphs()]
    return near, paras


def identify(doc: Document, tables: list, families: set[str], project_codes: list[str]) -> Identity:
    near, paras = _lines(doc, tables)
    names: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    markers: Counter[str] = Counter()
    for line in near + paras[:80]:
        text = line.strip()
        for m in _LABELLED.finditer(re.sub(r"\s+", "", text)):
            name, marker = strip_scope(m.group(1))
            names[name] += 2
            if marker:
                markers[marker] += 1
        tokens = text.split()
        chunks = [text] + tokens + [a + b for a, b in zip(tokens, tokens[1:])]
        for chunk in chunks:
            m = _CODED.match(chunk) or _CODED.match(norm(chunk))
            if m:
                name, marker = strip_scope(m.group(2))
                names[name] += 2
                codes[m.group(1)] += 1
                if marker:
                    markers[marker] += 1
                break
    for line in near:
        bare = bare_agency(line)
        if bare:
            name, marker = strip_scope(bare)
            names[name] += 1
            if marker:
                markers[marker] += 1
    for line in paras[:60] + near:
        m = _TITLED.match(norm(line))
        if m:
            name, marker = strip_scope(m.group(1))
            names[name] += 1
            if marker:
                markers[marker] += 1
    cover = cover_agency(_cover_lines(doc))
    if cover:
        # The cover names the agency the report is about; a subordinate unit
        # listed inside is seen more often but never outranks it.
        name, marker = strip_scope(cover)
        names[name] += max(names.values(), default=0) + 3
        if marker:
            markers[marker] += 1
    agency = _best_name(names)
    if agency is None:
        fallback = file_name_agency(doc.source.file)
        if fallback:
            agency, marker = strip_scope(fallback)
            if marker:
                markers[marker] += 1
    code = None
    for line in near + paras[:80]:
        m = _BUDGET_CODE.search(norm(line))
        if m:
            code = m.group(1)
            break
    if code is None and codes:
        code = codes.most_common(1)[0][0]
    if code is None and agency:
        code = _code_from_rows(tables, agency)
    year = _year(near, paras, project_codes) or _file_name_year(doc.source.file)
    kind = _kind(families, near, paras)
    scope = _scope(near, paras, markers, kind)
    marker = markers.most_common(1)[0][0] if markers else None
    return Identity(agency=agency, agency_code=code, year=year, kind=kind, scope=scope, marker=marker)


# the report's year: a labelled year, a title's year, a row that is a year, a project code's year
_YEAR_LABEL = re.compile(r"(?:预算年度|决算年度|年度)\s*[:：]\s*(20\d{2})")
_YEAR_TITLE = re.compile(r"(20\d{2})\s*年\s*度?[^，。,\d]{0,14}?(?:预算|决算|绩效目标)")
_YEAR_ROW = re.compile(r"^(20\d{2})\s*(年度?)?$")
_PROJECT_CODE_YEAR = re.compile(r"^\d{6}(\d{2})[0-9A-Z]{8,}$")


def _file_name_year(name: str) -> int | None:
    """The year a file name gives ('…2026年部门整体预算绩效目标申报表.pdf'), the last resort."""
    m = _YEAR_TITLE.search(norm(name or ""))
    return int(m.group(1)) if m else None


_COVER_LINES = 6


def _cover_lines(doc: Document) -> list[str]:
    """The first short lines of the document's first page (the cover's title)."""
    blocks = [b for b in doc.paragraphs()]
    first = next((p.page for p in blocks if p.text.strip()), None)
    out = []
    for p in blocks:
        if p.page != first or len(out) >= _COVER_LINES:
            break
        text = p.text.strip()
        if text:
            out.append(text)
    return out


def _best_name(names: Counter[str]) -> str | None:
    if not names:
        return None
    ranked = names.most_common()
    best, count = ranked[0]
    # Prefer a longer name containing the most common one ("…万里街道办事处"
    # over "办事处") only when it is seen about as often.
    for name, seen in ranked[1:]:
        if best in name and seen * 2 >= count:
            best, count = name, seen
    return best


def _code_from_rows(tables: list, agency: str) -> str | None:
    """A table row printing the agency with its code beside it (单位代码 column)."""
    for t in tables:
        for row in t.table.rows[t.layout.body_start :]:
            cells = [norm(c) for c in row]
            for i, cell in enumerate(cells[:-1]):
                if re.fullmatch(r"\d{3,9}", cell):
                    rest = [c for c in cells[i + 1 :] if c]
                    if rest and strip_scope(rest[0])[0] == agency:
                        return cell
    return None


_HEADING_LENGTH = 40  # longer lines are sentences, not titles or labels


def _is_heading(text: str) -> bool:
    """A title or label line rather than a sentence of the narrative."""
    return len(text) <= _HEADING_LENGTH and not re.search(r"[，。；,;]", text)


def _year(near: list[str], paras: list[str], project_codes: list[str]) -> int | None:
    """The report year: labelled ('预算年度：2025') and title years first.

    A year in a sentence ('落实2025年预算编制要求' in a 2024 决算) counts
    little, wherever the sentence sits.
    """
    votes: Counter[int] = Counter()
    for line in near:
        t = norm(line)
        short = _is_heading(t)
        for m in _YEAR_LABEL.finditer(t):
            votes[int(m.group(1))] += 3
        for m in _YEAR_TITLE.finditer(t):
            votes[int(m.group(1))] += 2 if short else 0.5
        m = _YEAR_ROW.match(t)
        if m:
            votes[int(m.group(1))] += 2
    for line in paras[:40]:
        t = norm(line)
        short = _is_heading(t)
        for m in _YEAR_TITLE.finditer(t):
            votes[int(m.group(1))] += 2 if short else 0.5
        m = _YEAR_ROW.match(t)
        if m:
            votes[int(m.group(1))] += 1
    if votes:
        return votes.most_common(1)[0][0]
    # Last resort: project codes carry the year the project was set up
    # (6-digit division code, then the 2-digit year).
    years = Counter()
    for code in project_codes:
        m = _PROJECT_CODE_YEAR.match(code or "")
        if m:
            years[2000 + int(m.group(1))] += 1
    return years.most_common(1)[0][0] if years else None


_FINANCIAL = {
    "summary",
    "fiscal_summary",
    "income",
    "expenditure",
    "general_public_budget",
    "basic_expenditure",
    "three_public",
    "economic_summary",
}


def _kind(families: set[str], near: list[str], paras: list[str]) -> str | None:
    text = norm(" ".join(near) + " ".join(paras[:40]))
    final = len(re.findall(r"决算", text))
    budget = len(re.findall(r"预算(?!执行|数|单位|代码|绩效|项目|资金|编制)", text))
    if families & _FINANCIAL:
        return "final_accounts" if final > budget / 3 and final >= 2 else "budget"
    if "self_evaluation" in families:
        return "final_accounts"
    if "performance_target" in families:
        return "performance_targets"
    return _narrative_kind(near + paras[:80], paras, final, budget)


_DISCLOSURE_HEADING = re.compile(r"(部门|单位)(综合)?(预算|决算)")
_AMOUNT_SENTENCE = re.compile(r"(收入|支出).{0,30}?\d[\d,]*(\.\d+)?\s*万元")


def _narrative_kind(headings: list[str], paras: list[str], final: int, budget: int) -> str | None:
    """A report whose tables are in another file (情况说明 alone): a heading
    names it a 部门预算/决算 and its sentences state income and expenditure."""
    titled = any(_is_heading(norm(h)) and _DISCLOSURE_HEADING.search(norm(h)) for h in headings)
    stated = sum(1 for p in paras if _AMOUNT_SENTENCE.search(norm(p)))
    if not titled or stated < 2:
        return None
    return "final_accounts" if final > budget / 3 and final >= 2 else "budget"


def _scope(near: list[str], paras: list[str], markers: Counter[str], kind: str | None) -> str | None:
    # What the document calls itself: titles and short heading lines only.
    titles = [line for line in near + paras[:80] if len(norm(line)) <= 40]
    text = norm(" ".join(titles))
    unit = len(re.findall(r"单位(预算|决算)", text))
    dept = len(re.findall(r"部门(综合)?(预算|决算)", text))
    if dept or unit:
        return "department" if dept >= unit else "unit"
    if markers:
        marker = markers.most_common(1)[0][0]
        return "unit" if marker in ("本级", "单位", "机关") else "department"
    return "department" if kind else None
