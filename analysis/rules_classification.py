"""科目分类: a function code printed with the name of another line."""
from __future__ import annotations

import difflib
import re

import glossary
from analysis.checks import Checker, Where
from analysis.checks_context import FUNCTION_FAMILIES, Context
from analysis.rules import rule
from loaders.recognise.cells import norm


def _bare(name: str) -> str:
    t = re.sub(r"^[一二三四五六七八九十\d]+[、.．]", "", norm(name))
    t = re.sub(r"[（(](类|款|项)[)）]$", "", t)
    return re.sub(r"(支出|事务)$", "", t.replace("(", "（").replace(")", "）"))


def _agrees(printed: str, known: set[str]) -> bool:
    """Same name, a short or long form of it, or close enough to be one yearly rename."""
    p = _bare(printed)
    for k in known:
        k = _bare(k)
        if not p or p == k or p in k or k in p:
            return True
        if difflib.SequenceMatcher(None, p, k).ratio() >= 0.6:
            return True
    return False


@rule("classification.function_name", "classification", "功能分类科目编码与名称不符")
def function_name(ctx: Context, checker: Checker) -> None:
    """A function code printed beside a name that is not its own in the 政府收支分类科目
    (the 类 table of glossary/, the 款/项 catalogue glossary/function_codes.tsv harvested
    from published reports; renames over the years are tolerated).

    Example: '2210201 医疗保险缴费' — 2210201 is 住房公积金.
    """
    seen: set[tuple[str, str]] = set()
    for v in ctx.of(*FUNCTION_FAMILIES):
        coded, _cols = ctx.coded_rows(v, r"2\d{2}(\d{2}){0,2}")
        for x in coded:
            if x.kind != "line" or x.provisional or not x.code or not x.name or (x.code, x.name) in seen:
                continue
            seen.add((x.code, x.name))
            known = glossary.function_names(x.code)
            if not known:
                continue
            if _agrees(x.name, known):
                checker.ok("classification.function_name")
                continue
            checker.add(
                "classification.function_name", "error", "classification",
                f"{v.title or '表格'}：科目编码 {x.code} 写作“{x.name}”，该编码是“{'、'.join(sorted(known))}”",
                Where(v.title or None, v.row_page(x.row), x.row),
            )
