"""计量单位: an amount ten thousand times off the figures it should equal."""
from __future__ import annotations

from decimal import Decimal

from analysis.checks import Checker, Where, fmt
from analysis.checks_context import FUNCTION_FAMILIES, Context, value
from analysis.table_reading import first_amount_col, tree
from analysis.rules import rule

TEN_THOUSAND = Decimal(10000)


def _slip(a: Decimal, b: Decimal) -> bool:
    """a is b written in 元 where 万元 is meant (or the reverse), within rounding."""
    if a <= 0 or b <= 0:
        return False
    for big, small in ((a, b), (b, a)):
        if abs(big - small * TEN_THOUSAND) <= max(Decimal("0.01") * TEN_THOUSAND, small * TEN_THOUSAND / 1000):
            return True
    return False


@rule("unit.slip", "unit", "金额相差一万倍（元与万元混用）")
def slip(ctx: Context, checker: Checker) -> None:
    """A line of a function table that is 10,000 times its items' sum, or a
    ten-thousandth of it: the line (or its items) written in 元 in a 万元 table.

    Example: 21011 行政事业单位医疗 1,234,500.00 with items 2101101 + 2101102 = 123.45.
    """
    for v in ctx.of(*FUNCTION_FAMILIES):
        coded, cols = ctx.coded_rows(v, r"2\d{2}(\d{2}){0,2}")
        lines = [x for x in coded if x.kind == "line"]
        if len(lines) < 2:
            continue
        amount_cols = ctx.amount_columns(v, first_amount_col(cols))
        if not amount_cols:
            continue
        col = amount_cols[0]
        parents = tree([x.code for x in lines])
        children: dict[int, list[int]] = {}
        for i, p in enumerate(parents):
            if p is not None:
                children.setdefault(p, []).append(i)
        for i, kids in children.items():
            total = value(v, lines[i].row, col)
            parts = [value(v, lines[k].row, col) for k in kids]
            if total is None or any(p is None for p in parts):
                continue
            s = sum(parts, Decimal(0))
            if _slip(total, s):
                checker.add(
                    "unit.slip", "error", "unit",
                    f"{v.title or '表格'}：{lines[i].label} {fmt(total)} 与其下级合计 {fmt(s)} 相差约一万倍，"
                    "疑为元与万元混用",
                    Where(v.title or None, v.row_page(lines[i].row), lines[i].row),
                    expected=s,
                    found=total,
                )


def _table_total(ctx: Context, view) -> tuple[Decimal | None, int | None]:
    coded, cols = ctx.coded_rows(view, r"2\d{2}(\d{2}){0,2}")
    total_row = next((x.row for x in coded if x.kind == "total"), None)
    amount_cols = ctx.amount_columns(view, first_amount_col(cols))
    if total_row is None or not amount_cols:
        return None, None
    return value(view, total_row, amount_cols[0]), total_row


@rule("unit.table_scale", "unit", "整张表与报告合计相差一万倍（表头单位写错）")
def table_scale(ctx: Context, checker: Checker) -> None:
    """A function table whose 合计 is 10,000 times the report's expenditure total
    (or a ten-thousandth of it): its figures are in 元 under a 万元 heading, or
    the reverse, so every number read from it is off by that much.

    Example: 支出总表 合计 19,301,800.00 under 单位：万元, while the 收支总表 gives
    本年支出合计 1,930.18 万元.
    """
    totals = ctx.doc.get("totals") or {}
    reference = totals.get("expenditure_total")
    if reference in (None, ""):
        return
    reference = Decimal(str(reference))
    for v in ctx.of(*FUNCTION_FAMILIES):
        total, row = _table_total(ctx, v)
        if total is None or total <= 0 or reference <= 0:
            continue
        if _slip(total, reference):
            checker.add(
                "unit.table_scale", "error", "unit",
                f"{v.title or '表格'}合计 {fmt(total)} 万元，是报告本年支出合计 {fmt(reference)} 万元的约"
                f"{'一万倍' if total > reference else '万分之一'}：表中数字的单位（元/万元）与表头不符",
                Where(v.title or None, v.row_page(row), row),
                expected=reference,
                found=total,
            )
        else:
            checker.ok("unit.table_scale")
