"""表内勾稽 (arithmetic): each table's own identities, as one rule function.

The tables are read one after another, each by the checks of its family, with
the findings tallied per table (``checker.by_table``: how an extraction is
verified).  That is one traversal, registered under ``table.code_sum``; the
other ids it emits are described below.  The identities themselves live in
``arithmetic_summary`` (收支总表), ``arithmetic_columns`` (rows and code trees),
``arithmetic_economic`` (economic classes, assets) and ``arithmetic_three_public``.

Which columns add up is read from the column headings; because printed headings
are often shifted (a PDF puts a merged heading over the wrong column), the
identity a table actually obeys on most of its rows is preferred when the
headings' reading fits fewer rows.
"""
from __future__ import annotations

from analysis.arithmetic_columns import check_coded
from analysis.arithmetic_economic import check_assets, check_basic_economic, check_economic_summary
from analysis.arithmetic_summary import check_two_sided
from analysis.arithmetic_three_public import check_three_public
from analysis.checks import Checker
from analysis.checks_context import FUNCTION_FAMILIES, Context
from analysis.rules import describe, rule
from loaders.recognise.views import TableView


@rule("table.code_sum", "arithmetic", "上级科目 = 下级科目之和")
def table_arithmetic(ctx: Context, checker: Checker) -> None:
    """Each 类 equals the sum of its 款, each 款 the sum of its 项, in every amount column.

    Example: 210 卫生健康支出 17,246.17 ≠ 21011 + 21015 = 17,246.18 (error beyond n × 0.01).

    The same pass over the tables checks every identity of a table's own
    (``table.row_sum``, ``table.rows_sum``, ``summary.*``, ``three_public.sum``,
    ``three_public.vehicle``, ``three_public.extra_rows``, ``assets.sum``).
    """
    for view in ctx.views:
        if not ctx.has_amounts(view):
            continue
        checker.scope = view.index
        try:
            _check_table(ctx, view, checker)
        finally:
            checker.scope = None


def _check_table(ctx: Context, view: TableView, checker: Checker) -> None:
    if view.family in ("summary", "fiscal_summary"):
        check_two_sided(ctx, view, checker)
    elif view.family in FUNCTION_FAMILIES:
        check_coded(ctx, view, checker, r"2\d{2}(\d{2}){0,2}")
    elif view.family == "basic_expenditure":
        check_basic_economic(ctx, view, checker)
    elif view.family == "economic_summary":
        check_economic_summary(ctx, view, checker)
    elif view.family == "three_public":
        check_three_public(ctx, view, checker)
    elif view.family == "assets":
        check_assets(ctx, view, checker)


# ---------------------------------------------------------------- the other ids this pass emits

for _rule_id, _rule_name, _rule_doc in (
    ("table.row_sum", "合计栏 = 各栏之和",
     "Across a row: 合计 = 基本支出 + 项目支出, 基本支出 = 人员经费 + 公用经费.\n"
     "Example: 行政运行 合计 1,517.95 ≠ 基本支出 1,500.00 + 项目支出 0.00."),
    ("table.rows_sum", "合计行 = 各行之和", "The 合计 row equals the sum of the rows of the top level."),
    ("summary.balance", "收入总计 = 支出总计", "收支总表: 收入总计 equals 支出总计."),
    ("summary.group", "收支总表分组合计", "A group line of the 收支总表 (财政拨款收入) equals its items."),
    ("summary.side_sum", "收支总表一方合计 = 各项之和",
     "本年收入合计 = the income lines; 收入总计 = 本年收入合计 + 上年结转.\n"
     "Example: 收入总计 空白 ≠ 财政拨款收入 19,577.43."),
    ("three_public.sum", "“三公”经费合计 = 三项之和", "合计 = 因公出国（境）费 + 公务用车购置及运行维护费 + 公务接待费."),
    ("three_public.vehicle", "公务用车费 = 购置费 + 运行维护费", "公务用车购置及运行维护费 = 购置费 + 运行维护费."),
    ("three_public.extra_rows", "“三公”经费表列入了其他费用", "A 三公 table that also lists 会议费/培训费 inside the 合计."),
    ("assets.sum", "资产合计 = 各项之和", "国有资产占用表: 合计 = the items."),
):
    describe(_rule_id, "arithmetic", _rule_name, doc=_rule_doc + "\n\nApplied by the table pass of ``table.code_sum``.")
