"""计量单位: an amount ten thousand times off the figures it should equal."""
from __future__ import annotations

from decimal import Decimal

from analysis.checks import Checker, Where, fmt
from analysis.checks_context import FUNCTION_FAMILIES, Context, value
from analysis.checks_tables import _first_amount_col, tree
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
        amount_cols = ctx.amount_columns(v, _first_amount_col(cols))
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
