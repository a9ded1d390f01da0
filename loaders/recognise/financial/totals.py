"""The department's totals, read by their row labels: 收支总表 (本年收入合计,
总计, 结转结余), 财政拨款收支总表, the income table's 本年收入合计, 机关运行经费;
and whether a table of one fund may stand for the department's totals.
"""
from __future__ import annotations

import re

from loaders.recognise.cells import is_amount, norm
from loaders.recognise.financial.codes import _code_columns, _first_amount_col, coded_rows
from loaders.recognise.financial.columns import (
    _amount_col,
    _ragged_amount_cols,
    current_column,
    label_groups,
    side_of_heading,
)
from loaders.recognise.financial.facts import Fact, fact
from loaders.recognise.views import TableView


_LEAD = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．]|其中[:：]?)+")


def label_key(text: str) -> str:
    return _LEAD.sub("", norm(text)).replace(":", "").replace("：", "")


def label_pairs(view: TableView, problems: list, year: int | None = None) -> list[tuple[str, str, Fact, int]]:
    """(label key, side, fact, label column) for every label cell with its value.

    The value of a label is in the value columns to its right, before the
    next label column (:func:`current_column` picks one when there are
    several).  ``side`` is 'income' or 'expenditure' by the heading.
    """
    out = []
    for li, lc, vcols in label_groups(view):
        value_col = current_column(view, vcols, year)
        side = side_of_heading(view.layout.path_text(lc), first=li == 0)
        for r in view.layout.body:
            text = view.table.rows[r][lc]
            key = label_key(text)
            if key:
                out.append((key, side, fact(view, r, value_col, problems), lc))
    return out


# ---------------------------------------------------------------- totals

_SUMMARY_LABELS: list[tuple[str, str | None, re.Pattern[str]]] = [
    ("revenue_total", "income", re.compile(r"^本年收入(合计|小计|总计)$|^收入合计$")),
    ("expenditure_total", "expenditure", re.compile(r"^本年支出(合计|小计|总计)$|^支出合计$")),
    ("grand_total", "income", re.compile(r"^(收入)?总计$")),
    ("carryover_begin", "income", re.compile(r"^(上年结转(结余|资金)?|年初结转(和|及)?结余|上年结转和结余|上年结余结转)")),
    ("carryover_end", "expenditure", re.compile(r"^(年终结转结余|年末结转(和|及)?结余|结转下年|年终结转)")),
]


def summary_totals(view: TableView, problems: list, year: int | None = None) -> dict[str, Fact]:
    """Totals of a 收支总表, by row label.

    Only 总计 needs its side: it is printed under both 收入 and 支出 (the
    income side's is the grand total).  The other labels name their side
    themselves, so a table printing 支出 rows under the 收入 rows in one
    label column reads the same as a two-sided one.
    """
    found: dict[str, Fact] = {}
    pairs = label_pairs(view, problems, year)
    for key, side, f, _col in pairs:
        for name, want_side, pattern in _SUMMARY_LABELS:
            if name in found or not pattern.search(key):
                continue
            if name == "grand_total" and side != want_side:
                continue
            found[name] = f
    if "grand_total" not in found:
        grand = _grand_total_without_its_word(pairs)
        if grand is not None:
            found["grand_total"] = grand
    return found


_ANY_TOTAL = re.compile(r"^(本年)?(收入)?(合计|总计)$")
_CARRYOVER_LINE = re.compile(r"结转|结余")


def _grand_total_without_its_word(pairs: list[tuple[str, str, Fact, int]]) -> Fact | None:
    """收入总计 where the table does not print that word.

    '收入合计' printed below the 上年结转 lines, after a 本年收入合计, sums both
    (泉州); a table whose income side has one 合计 and no carry-over line at
    all (重庆 表一) has a grand total equal to that 合计.
    """
    income = [(key, f) for key, side, f, _col in pairs if side == "income"]
    totals = [(i, f) for i, (key, f) in enumerate(income) if _ANY_TOTAL.match(key) and f.value is not None]
    carry = [i for i, (key, _f) in enumerate(income) if _CARRYOVER_LINE.search(key)]
    if carry and len(totals) >= 2 and totals[-1][0] > carry[0] > totals[0][0]:
        return totals[-1][1]
    if not carry and len(totals) == 1:
        return totals[0][1]
    return None


_GPB = re.compile(r"^一般公共预算(财政)?(拨款)?(收入|资金|拨款)?$")
_FISCAL = re.compile(r"^财政拨款(收入)?$")


def fiscal_totals(view: TableView, problems: list, year: int | None = None) -> dict[str, Fact]:
    """From the 财政拨款收支总表: 财政拨款 total and its 一般公共预算 part."""
    found: dict[str, Fact] = {}
    for key, side, f, _col in label_pairs(view, problems, year):
        if side != "income":
            continue
        if "fiscal_appropriation" not in found and re.search(r"^本年收入(合计|小计)$|^收入合计$", key):
            found["fiscal_appropriation"] = f
        if "general_public_budget" not in found and _GPB.search(key):
            found["general_public_budget"] = f
    return found


def summary_fiscal(view: TableView, problems: list, year: int | None = None) -> dict[str, Fact]:
    """The 收支总表's own 财政拨款 / 一般公共预算 income lines (a fallback)."""
    found: dict[str, Fact] = {}
    for key, side, f, _col in label_pairs(view, problems, year):
        if side != "income":
            continue
        if "fiscal_appropriation" not in found and _FISCAL.search(key):
            found["fiscal_appropriation"] = f
        if "general_public_budget" not in found and _GPB.search(key):
            found["general_public_budget"] = f
    return found


_CARRYOVER_HEADING = re.compile(r"上年结转|年初结转|结转结余|上年结余")


def income_total(view: TableView, problems: list) -> Fact | None:
    """本年收入合计 as an income table (收入总表 / 收入决算表) prints it.

    The 合计 row's 本年收入 column ('本年收入合计', or 小计/合计 under
    本年收入).  A plain 合计 column counts only when no column holds 上年结转:
    otherwise 合计 includes the carry-over and is not this year's income.
    """
    cols = _code_columns(view)
    if cols.code is None and not cols.split:
        return None
    total_row = next((cr.row for cr in coded_rows(view, cols) if cr.is_total), None)
    if total_row is None:
        return None
    lay = view.layout
    if view.table.ragged:
        heading = norm("".join(c for row in lay.header_rows for c in row))
        found = _ragged_amount_cols(view, _first_amount_col(view, cols), {"total": ("本年收入合计", "合计")})
        col = None if _CARRYOVER_HEADING.search(heading) and "本年收入" not in heading else found.get("total")
    else:
        col = _amount_col(view, ("本年收入", "合计"), ("本年收入", "小计"), ("本年收入",), exclude=("科目",))
        if col is None and not any(_CARRYOVER_HEADING.search(lay.path_text(c)) for c in range(view.table.width)):
            col = _amount_col(view, ("合计",), ("总计",), exclude=("科目",))
    if col is None or col < _first_amount_col(view, cols):
        return None
    return fact(view, total_row, col, problems)


# ---------------------------------------------------------------- which money a table covers

_PART_OF_FUNDS = ("一般公共预算", "财政拨款", "政府性基金", "国有资本经营")


def funds_of(view: TableView) -> str:
    """Which money a table covers: 'all', or the fund its title names
    ('一般公共预算财政拨款支出表' covers only the general public budget)."""
    title = view.title.replace(" ", "")
    return next((word for word in _PART_OF_FUNDS if word in title), "all")


def covers_department(view: TableView, totals: dict) -> bool:
    """Whether a table's totals are the department's.

    A table of one fund (一般公共预算…表) stands for the whole only when the
    summary shows that fund is all the money: 一般公共预算 income equal to
    本年收入合计 (or, lacking it, 本年支出合计).  Otherwise its 合计/基本支出/
    项目支出 are part of the department's and must not fill its totals.
    """
    if funds_of(view) == "all":
        return True
    gpb = totals.get("general_public_budget")
    whole = totals.get("revenue_total") or totals.get("expenditure_total")
    return (
        funds_of(view) in ("一般公共预算", "财政拨款")
        and gpb is not None
        and whole is not None
        and gpb.value is not None
        and gpb.value == whole.value
    )


# ---------------------------------------------------------------- 机关运行经费

_OPERATING_WORDS = ("机关运行经费", "机构运转经费", "机关运行费")


def operating_expenses_from_table(view: TableView, problems: list) -> Fact | None:
    lay, t = view.layout, view.table
    for c in range(t.width):
        if any(w in lay.path_text(c) for w in _OPERATING_WORDS):
            for r in lay.body:
                if is_amount(t.rows[r][c]):
                    return fact(view, r, c, problems)
    return None
