"""Which table is this?  Families are told apart by the words of their title.

The family names are used in the JSON (``tables[].kind``) and by the store.
"""
from __future__ import annotations

import re

from loaders.model import Table
from loaders.recognise.cells import norm
from loaders.recognise.layout import Layout

# family -> pattern on the normalised title; first match wins.
_TITLE_PATTERNS: dict[str, str] = {
    "self_evaluation": "绩效自评表",
    "performance_target": "绩效目标(汇总)?(填报|申报)?表|绩效指标表",
    "three_public": "三公.{0,2}经费",
    "government_fund": "政府性?基金",
    "state_capital": "国有资本经营",
    "fiscal_summary": "财政拨款收(入)?(支出?)?.{0,4}总(体情况)?表",
    "summary": "收(入)?支(出)?(决算|预算)?总(体情况)?表|财务收支预算总表",
    "basic_expenditure": "基本支出.{0,20}表",
    "economic_summary": "经济分类.{0,10}表|按.{0,4}经济分类",
    "general_public_budget": "一般公共预算.{0,12}支出.{0,12}表",
    "project_expenditure": "项目支出.{0,8}表",
    "procurement": "政府采购",
    "assets": "资产",
    "income": "收入.{0,8}表",
    "expenditure": "支出.{0,8}表",
    "organisation": "机构设置|单位构成|预算单位",
}
# words in a title that rule a family out (财政拨款收支总表 is not the 收支总表)
_NOT_IN_TITLE: dict[str, tuple[str, ...]] = {"summary": ("财政拨款",), "basic_expenditure": ("项目支出",)}
#: (family, compiled title pattern, words that must not appear), in the order they are tried
FAMILIES: list[tuple[str, re.Pattern[str], tuple[str, ...]]] = [
    (family, re.compile(pattern), _NOT_IN_TITLE.get(family, ())) for family, pattern in _TITLE_PATTERNS.items()
]

_TITLE_HINT = re.compile(r"表\s*\d*$|表（|表\(|情况表|总表")


def title_candidates(table: Table, layout: Layout) -> list[str]:
    """Lines that may hold the table's title, most likely first.

    A worksheet's tab name is a last resort: the title printed on the sheet
    ("2025年部门预算收支总表") says more than a tab called "收支总表".
    """
    lines = [c for c in reversed(table.caption) if not (table.sheet and c == table.sheet)]
    lines += layout.preamble
    if table.sheet:
        lines.append(table.sheet)
    return [line.strip() for line in lines if line and line.strip()]


def classify(table: Table, layout: Layout) -> tuple[str, str]:
    """(family, title).  A title is a line that names a table (ends in 表…)."""
    for line in title_candidates(table, layout):
        text = norm(line)
        if not _TITLE_HINT.search(text) or len(text) > 80:
            continue
        family = family_of(text)
        if family:
            return family, line
    # A header that is itself the title (self-evaluation tables carry no caption).
    head = norm("".join(c for row in table.rows[:3] for c in row))
    if "一级指标" in head and ("自评" in head or "实际完成值" in head or "自评得分" in head):
        return "self_evaluation", ""
    if "一级指标" in head or "绩效指标" in head:
        return "performance_target", ""
    return family_by_content(table, layout) or "unknown", ""


_CODE = re.compile(r"^(2\d{2}|2\d{4}|2\d{6})$")
_ECONOMIC_CODE = re.compile(r"^(3\d{2}|3\d{4}|5\d{2}|5\d{4})$")
_SUMMARY_TOTAL = re.compile(r"^(本年)?(收入|支出)(合计|总计)$")
_INCOME_HEAD = re.compile(r"财政拨款|一般公共预算拨款|事业收入|上年结转|其他收入|经营收入")


def family_by_content(table: Table, layout: Layout) -> str | None:
    """The family of a table no title names, from its header words and row labels.

    Used where a report prints its tables without a title, or with one the
    catalogue does not know; the strongest signs only, so a table of another
    kind stays unknown rather than read as a financial one.
    """
    header = [norm(c) for row in layout.header_rows for c in row if norm(c)]
    words = "".join(header)
    cells = [norm(c) for r in layout.body for c in table.rows[r][:4]]
    labels = {re.sub(r"^[一二三四五六七八九十\d]+[、.．]", "", c) for c in cells}
    if "因公出国" in words + "".join(cells) and "公务接待" in words + "".join(cells):
        return "three_public"
    totals = sum(1 for label in labels if _SUMMARY_TOTAL.match(label))
    if totals >= 2 or ("收入" in header and "支出" in header and totals >= 1):
        fiscal = "政府性基金" in words and "一般公共预算" in words and "事业收入" not in "".join(cells)
        return "fiscal_summary" if fiscal else "summary"
    codes = [c for c in cells if _CODE.match(c)]
    economic = [c for c in cells if _ECONOMIC_CODE.match(c)]
    if len(economic) >= 3 and len(economic) > len(codes) and re.search(r"人员经费|公用经费|经济分类|合计", words):
        return "basic_expenditure"
    if len(codes) >= 2 or re.search(r"科目编码|功能分类", words):
        if "基本支出" in words and "项目支出" in words:
            return "expenditure"
        if _INCOME_HEAD.search(words):
            return "income"
        if re.search(r"合计|金额|预算数|决算数", words) and codes:
            return "expenditure"
    return None


def family_of(title: str) -> str | None:
    text = norm(title)
    for family, pattern, exclude in FAMILIES:
        if pattern.search(text) and not any(x in text for x in exclude):
            return family
    return None
