"""名称与年度一致: the report names its agency and year the same way throughout."""
from __future__ import annotations

import re

from analysis.checks import Checker
from analysis.checks_context import Context
from analysis.rules import rule
from analysis.table_reading import where
from loaders.recognise.cells import norm
from loaders.recognise.identity import strip_scope

# the year a title opens with, after its number ('表5：2026年…', '公开02表 2025年度…')
_LEADING_YEAR = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）]?[、.．:：]?|表\d{1,2}[:：]?|公开\d{1,2}表)?(20\d{2})年")
_FINANCIAL = (
    "summary", "income", "expenditure", "fiscal_summary", "general_public_budget", "basic_expenditure",
    "government_fund", "state_capital", "three_public", "economic_summary",
)
# a table that compares years prints them in its title on purpose
_COMPARES = re.compile(r"上年|对比|比较|变动|增减|\d{4}\s*[-—~至]\s*\d{4}")


@rule("identity.table_year", "identity", "表名年度与报告年度不一致")
def table_year(ctx: Context, checker: Checker) -> None:
    """A table title names another year than the report's (a title copied from
    last year's report and not updated).

    Example: in the 2026 budget, '2025年部门收支总表' on page 12.
    """
    if not ctx.year:
        return
    for v in ctx.views:
        if v.family not in _FINANCIAL:
            continue  # a project's own name may carry a year ('…2019年收支缺口…绩效目标表')
        title = norm(v.title)
        m = _LEADING_YEAR.match(title)
        years = {int(m.group(1))} if m else set()
        if not years or _COMPARES.search(title):
            continue
        if ctx.year in years:
            checker.ok("identity.table_year")
            continue
        checker.add(
            "identity.table_year", "error", "identity",
            f"表名“{v.title}”写的是{'、'.join(str(y) for y in sorted(years))}年，报告是{ctx.year}年",
            where(v, None),
        )


_LABEL = re.compile(r"(?:部门名称|单位名称|编制单位|编制部门|预算单位|部门（单位）|部门\(单位\))\s*[:：]\s*([^\s:：]{4,40}?)(?=单位[:：]|金额单位|$|\s)")


def _same_agency(a: str, b: str) -> bool:
    a, b = strip_scope(a)[0], strip_scope(b)[0]
    return a == b or a in b or b in a


@rule("identity.agency_name", "identity", "表头单位名称与报告单位不一致", "warning")
def agency_name(ctx: Context, checker: Checker) -> None:
    """The agency a summary table's heading names ('部门名称：…') is not the one the
    report is about, nor a short form of it.

    Example: the report of 某县医疗保障局 prints '部门名称：某县卫生健康局' over its 收支总表.
    """
    if not ctx.agency:
        return
    for v in ctx.views:
        if v.family not in ("summary", "fiscal_summary"):
            continue  # detail tables may list subordinate units
        for line in v.table.caption + v.layout.preamble:
            m = _LABEL.search(norm(line))
            if not m:
                continue
            named = m.group(1)
            if _same_agency(named, ctx.agency):
                checker.ok("identity.agency_name")
            else:
                checker.add(
                    "identity.agency_name", "warning", "identity",
                    f"{v.title or '表格'}表头写“{named}”，报告单位是“{ctx.agency}”",
                    where(v, None),
                )
            break
