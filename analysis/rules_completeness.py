"""完整性: what a report of its kind must publish, and what a template left behind."""
from __future__ import annotations

import re

from analysis.checks import Checker, Where
from analysis.checks_context import Context
from analysis.rules import rule
from analysis.table_reading import where
from loaders.recognise.cells import is_amount, norm

# ---------------------------------------------------------------- contents page

_CONTENTS_HEADING = re.compile(r"^目\s*录$")
_NUMBERED = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）]?\s*[、.．]?\s*|表\s*\d{1,2}\s*[:：]?\s*)")
_CONTENTS_PAGES = 6  # a contents page is among the first pages


def _key(title: str) -> str:
    """A table title reduced to what names it: no numbering, year, 部门/单位 prefix or quotes."""
    t = norm(title)
    t = _NUMBERED.sub("", t)
    t = re.sub(r"^(公开|预算|决算)?\d{1,2}表", "", t)
    t = re.sub(r"\d{4}年度?", "", t)
    t = re.sub(r"[“”\"'‘’（）()《》]", "", t)
    t = re.sub(r"^(预算单位|部门|单位|市级部门|区级部门)", "", t)
    t = re.sub(r"\.{3,}\d*$|…+\d*$|\d+$", "", t)
    # words a contents entry and the table's own title write one way or the other
    return re.sub(r"情况|明细|汇总|总体|公开", "", t)


# an entry naming the whole set of tables ('四、2026年杭州市公安局预算公开表'), not one table
_TABLE_SET = re.compile(r"(预算|决算)(公开)?表$")


def contents_entries(paragraphs: list[dict]) -> list[tuple[str, int | None]]:
    """(title, page) of each table the contents page lists."""
    out: list[tuple[str, int | None]] = []
    inside = False
    for par in paragraphs:
        text = norm(par.get("text") or "")
        page = par.get("page")
        if page is not None and page > _CONTENTS_PAGES:
            break
        if _CONTENTS_HEADING.match(text):
            inside = True
            continue
        if not inside:
            continue
        if len(text) > 60 or re.search(r"[。；]", text):
            inside = False
            continue
        entry = re.sub(r"(\.{3,}|…+|·{3,})\s*\d*$", "", text)
        if re.search(r"表$|表[（(][^)）]{1,20}[)）]$", entry) and _NUMBERED.match(entry):
            out.append((entry, page))
    return out


@rule("completeness.listed_table_missing", "completeness", "目录所列的表缺失", "warning")
def listed_table_missing(ctx: Context, checker: Checker) -> None:
    """A table the contents page lists is nowhere in the report (not as a table,
    nor as a title printed over an empty one).

    Example: 目录列出“8．政府性基金预算支出表”，报告中没有这张表。
    """
    entries = contents_entries(ctx.paragraphs)
    if not entries:
        return
    contents_pages = {p for _, p in entries}
    titles = [_key(v.title) for v in ctx.views if v.title]
    titles += [_key(c) for v in ctx.views for c in v.table.caption]
    texts = [_key(p.get("text") or "") for p in ctx.paragraphs if p.get("page") not in contents_pages]
    for entry, page in entries:
        key = _key(entry)
        if len(key) < 4 or _TABLE_SET.search(norm(entry)) and not re.search(r"收|支|经费|采购|资产|绩效", _key(entry)[:-3]):
            continue
        if any(key in t or (len(t) >= 4 and t in key) for t in titles if t):
            checker.ok("completeness.listed_table_missing")
            continue
        if any(key in t for t in texts):
            checker.ok("completeness.listed_table_missing")
            continue
        checker.add(
            "completeness.listed_table_missing", "warning", "completeness",
            f"目录列出“{entry}”，报告中未找到这张表",
            Where(page=page),
        )


# ---------------------------------------------------------------- empty tables

_EMPTY_NOTE = re.compile(r"空表|无数据|没有数据|无此项|无相关|未安排|没有安排|无.{0,12}(收入|支出|收支)|不涉及|为零|为0")
_AMOUNT_FAMILIES = (
    "summary", "income", "expenditure", "fiscal_summary", "general_public_budget", "basic_expenditure",
    "government_fund", "state_capital", "three_public", "economic_summary",
)


@rule("completeness.empty_without_note", "completeness", "空表未作说明", "warning")
def empty_without_note(ctx: Context, checker: Checker) -> None:
    """A table printed with no amount in it, and no word anywhere that it is empty
    on purpose (空表说明: '本部门无政府性基金预算收支，故本表为空表').

    Example: 政府性基金预算支出表 has only its header rows and the report says nothing.
    """
    narrative = norm(" ".join(p.get("text") or "" for p in ctx.paragraphs))
    for v in ctx.views:
        if v.family not in _AMOUNT_FAMILIES:
            continue
        body = [norm(c) for r in v.layout.body for c in v.table.rows[r] if norm(c)]
        if any(is_amount(c) for c in body):
            continue
        own = norm(" ".join(v.table.caption + body))
        subject = _fund_words(v.family, v.title)
        if _EMPTY_NOTE.search(own) or any(
            w in narrative and _EMPTY_NOTE.search(_around(narrative, w)) for w in subject
        ):
            checker.ok("completeness.empty_without_note")
            continue
        checker.add(
            "completeness.empty_without_note", "warning", "completeness",
            f"{v.title or '表格'}没有数字，报告中也没有说明为何是空表",
            where(v, None),
        )


def _fund_words(family: str, title: str) -> list[str]:
    words = {"government_fund": ["政府性基金"], "state_capital": ["国有资本经营"], "three_public": ["三公"]}.get(family, [])
    return words + [_key(title)] if title else words


def _around(text: str, word: str, width: int = 80) -> str:
    out = []
    for m in re.finditer(re.escape(word), text):
        out.append(text[max(0, m.start() - width) : m.end() + width])
    return " ".join(out)


# ---------------------------------------------------------------- template leftovers

_PLACEHOLDER = re.compile(r"[XＸ]{2,}|[×＊*]{2,}(?![\d.])|某某|【\s*】|[（(]\s*[)）]|填写说明|填报说明|此处(填写|填列|填报|应)|请(在此)?填写")


@rule("completeness.placeholder", "completeness", "模板占位符未替换", "warning")
def placeholder(ctx: Context, checker: Checker) -> None:
    """Words of the template left in the published text: XX, ××, 某某, 【】, empty
    brackets, 填写说明, '此处填写…'.

    Example: '2026年XX局部门预算收入XX万元' → 第4页：“…XX局部门预算收入XX万元”
    """
    for par in ctx.paragraphs:
        text = par.get("text") or ""
        for m in _PLACEHOLDER.finditer(text):
            if m.group(0) in ("**", "＊＊") and len(text) < 6:
                continue  # a column-number row's ** marks
            a, b = max(0, m.start() - 16), min(len(text), m.end() + 16)
            checker.add(
                "completeness.placeholder", "warning", "completeness",
                f"疑似未替换的模板文字“{m.group(0)}”：“{text[a:b]}”",
                Where(page=par.get("page")),
            )
            break
