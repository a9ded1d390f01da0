"""表间一致 (cross_table): the same figure wherever several tables print it (DESIGN.md §5).

* 收支总表 本年支出合计 = 支出表 合计; 本年收入合计 = 收入表 本年收入;
  财政拨款收支总表 一般公共预算 column = 一般公共预算财政拨款支出表 合计 (and
  政府性基金 likewise);
* every 类 on the expenditure side of 收支总表 / 财政拨款收支总表 = that 类 in
  支出表 / 一般公共预算财政拨款支出表 (summed from its 款/项 rows where the
  table prints no 类 row);
* 一般公共预算 基本支出 = 基本支出表 合计; 人员经费 columns of 支出表 = 基本支出表
  人员经费;
* economic lines against the function lines they fund (30108 ↔ 2080505 …):
  the economic line cannot exceed its function lines;
* 三公 parts against the economic lines they are part of (30231 公务用车运行维护费
  ≤ 公务用车运行费, 30217 ≤ 公务接待费, 30212 ≤ 因公出国（境）费).
"""
from __future__ import annotations

import re
from decimal import Decimal

from analysis.checks import Checker, Where, fmt
from analysis.checks_context import Context, value
from analysis.rules import describe, rule
from analysis.table_reading import CLASSES, TOL, class_code, first_amount_col, function_classes, label_level, sides
from loaders.recognise import financial as fin
from loaders.recognise.cells import is_amount, norm
from loaders.recognise.views import TableView


# ---------------------------------------------------------------- summary tables vs detail tables


def _side_lines(view: TableView, side_name: str):
    for side, lc, vcols in sides(view):
        if side == side_name:
            return lc, vcols
    return None, []


@rule("cross.class", "cross_table", "各表功能分类“类”级金额一致")
def classes_and_totals(ctx: Context, checker: Checker) -> None:
    """Each 类 on the expenditure side of 收支总表 / 财政拨款收支总表 equals that 类 in the detail table.

    Example: 收支预算总表 一般公共服务支出 709.97 ≠ 支出预算总表 201类 空白.

    The same pass compares the summary's 本年支出合计 with the detail table's 合计 (``cross.total``).
    """
    pairs = [
        ("summary", ("expenditure", "general_public_budget"), None),
        ("fiscal_summary", ("general_public_budget",), "一般公共预算"),
    ]
    for summary_family, detail_families, column_word in pairs:
        summary = ctx.first(summary_family)
        detail = ctx.first(*detail_families)
        if summary is None or detail is None:
            continue
        lc, vcols = _side_lines(summary, "支出")
        if lc is None or not vcols:
            continue
        vc = vcols[0]
        if column_word and not summary.table.ragged:
            own = [c for c in vcols if column_word in summary.layout.path_text(c) and "其中" not in summary.layout.path_text(c)]
            if own:
                vc = own[0]
            elif _other_funds(summary):
                # One column for all fiscal funds against a table of one fund:
                # the figures are not comparable, so nothing is checked.
                continue
        classes, total_row = function_classes(ctx, detail)
        if not classes:
            continue
        seen: set[str] = set()
        heading = summary.layout.path_text(vc).split("/")[-1] if not summary.table.ragged else ""
        for r in summary.layout.body:
            label = summary.table.rows[r][lc]
            if label_level(label) in ("empty", "of", "total", "grand"):
                if label_level(label) == "total":
                    _total_vs_detail(ctx, checker, summary, r, vc, label, detail, total_row)
                continue
            code = class_code(label)
            if code is None or code in seen:
                continue
            seen.add(code)
            found = value(summary, r, vc)
            cv = classes.get(code)
            detail_value = cv.value if cv else None
            if found is None and detail_value is None:
                continue
            n = cv.n if cv else 1
            what = f"{code}类" + ("" if cv is None or cv.n <= 1 else f"（{cv.n} 行合计）")
            status = checker.equal(
                "cross.class",
                f"{summary.title}{('·' + heading) if heading else ''} {fin.label_key(label)}",
                found,
                f"{detail.title} {what}",
                detail_value,
                Where(summary.title or None, summary.row_page(r), r),
                kind="cross_table",
                tolerance=TOL * max(1, n),
            )
            if status == "fail" and cv is None:
                checker.findings[-1]["message"] += f"；{detail.title}没有{code}类"
        if not seen:
            continue  # the summary lists its expenditure by type (基本/项目), not by class
        # every class of the detail table appears in the summary
        for code, cv in classes.items():
            if code in seen or not cv.value:
                continue
            checker.equal(
                "cross.class",
                f"{summary.title} {CLASSES.get(code, code)}",
                None,
                f"{detail.title} {code}类",
                cv.value,
                Where(detail.title or None, cv.page, cv.row),
                kind="cross_table",
            )


_OTHER_FUNDS = re.compile(r"政府性基金|国有资本经营")


def _other_funds(summary: TableView) -> bool:
    """Whether a 财政拨款收支总表 receives money other than the 一般公共预算 (a
    non-zero 政府性基金 or 国有资本经营 income line)."""
    lc, vcols = _side_lines(summary, "收入")
    if lc is None:
        return True  # cannot tell: assume the column mixes funds
    for r in summary.layout.body:
        if _OTHER_FUNDS.search(norm(summary.table.rows[r][lc])):
            if any((value(summary, r, c) or Decimal(0)) != 0 for c in vcols):
                return True
    return False


def _total_vs_detail(ctx, checker, summary, r, vc, label, detail, total_row) -> None:
    if total_row is None:
        return
    coded, cols = ctx.coded_rows(detail, r"2\d{2}(\d{2}){0,2}")
    amount_cols = ctx.amount_columns(detail, first_amount_col(cols))
    if not amount_cols:
        return
    checker.equal(
        "cross.total",
        f"{summary.title} {norm(label).rstrip(':：')}",
        value(summary, r, vc),
        f"{detail.title} 合计",
        value(detail, total_row, amount_cols[0]),
        Where(summary.title or None, summary.row_page(r), r),
        kind="cross_table",
    )


# ---------------------------------------------------------------- 基本支出


@rule("cross.basic", "cross_table", "各表基本支出一致")
def basic(ctx: Context, checker: Checker) -> None:
    """一般公共预算 基本支出 = 基本支出表 合计.

    Example: 一般公共预算 基本支出 1,000.00 ≠ 基本支出表 合计 990.00.

    The same pass compares the 人员经费 columns (``cross.personnel``).
    """
    basic = ctx.first("basic_expenditure")
    if basic is None:
        return
    lines, totals = fin.economic_lines(basic, [])
    if not totals:
        return
    b_total = totals.get("total")
    b_personnel = totals.get("personnel")
    b_public = totals.get("public")
    total_value = b_total.value if b_total else None
    if total_value is None and b_personnel and b_public and b_personnel.value is not None:
        total_value = (b_personnel.value or 0) + (b_public.value or 0)
    gpb = ctx.first("general_public_budget")
    if gpb is None or total_value is None:
        return
    coded, cols = ctx.coded_rows(gpb, r"2\d{2}(\d{2}){0,2}")
    total_row = next((x.row for x in coded if x.kind == "total"), None)
    if total_row is None:
        return
    lay = gpb.layout
    amount_cols = ctx.amount_columns(gpb, first_amount_col(cols))
    basic_col = None
    for c in amount_cols:
        path = lay.path(c)
        if any("基本支出" in p for p in path) and (path[-1] in ("小计", "合计") or path[-1].startswith("基本支出")):
            basic_col = c
            break
    if basic_col is None or gpb.table.ragged:
        return
    where = Where(basic.title or None, b_total.page if b_total else None, b_total.row if b_total else None)
    checker.equal(
        "cross.basic",
        f"{basic.title} 合计",
        total_value,
        f"{gpb.title} 基本支出合计",
        value(gpb, total_row, basic_col),
        where,
        kind="cross_table",
    )
    # 人员经费 printed as columns of the function table (Henan layout)
    personnel_cols = [c for c in amount_cols if any("人员经费" in p for p in lay.path(c))]
    if personnel_cols and b_personnel is not None:
        parts = [value(gpb, total_row, c) for c in personnel_cols]
        if any(p is not None for p in parts):
            s = sum((p for p in parts if p is not None), Decimal(0))
            names = " + ".join(f"{lay.path(c)[-1]} {fmt(value(gpb, total_row, c))}" for c in personnel_cols)
            checker.equal(
                "cross.personnel",
                f"{basic.title} 人员经费",
                b_personnel.value,
                f"{gpb.title} 合计行 {names} =",
                s,
                Where(basic.title or None, b_personnel.page, b_personnel.row),
                kind="cross_table",
                tolerance=TOL * len(personnel_cols),
                uncertain=True,
            )


# ---------------------------------------------------------------- economic vs function lines

# economic code -> function items (7-digit) it is paid under
ECONOMIC_FUNCTION = [
    ("30108", ("2080505",), "机关事业单位基本养老保险缴费"),
    ("30109", ("2080506",), "职业年金缴费"),
    ("30110", ("2101101", "2101102"), "职工基本医疗保险缴费"),
    ("30111", ("2101103",), "公务员医疗补助缴费"),
    ("30113", ("2210201",), "住房公积金"),
]


@rule("cross.economic_function", "cross_table", "经济分类与功能分类科目一致")
def economic_vs_function(ctx: Context, checker: Checker) -> None:
    """An economic line cannot exceed the function lines it funds.

    Example: 30108 机关事业单位基本养老保险缴费 120.00 > 2080505 100.00.
    """
    basic = ctx.first("basic_expenditure")
    gpb = ctx.first("general_public_budget")
    if basic is None or gpb is None or gpb.table.ragged:
        return
    lines, _ = fin.economic_lines(basic, [])
    eco = {}
    for ln in lines:
        eco.setdefault(ln["code"], ln)
    coded, cols = ctx.coded_rows(gpb, r"2\d{6}")
    amount_cols = ctx.amount_columns(gpb, first_amount_col(cols))
    basic_col = None
    for c in amount_cols:
        path = gpb.layout.path(c)
        if any("基本支出" in p for p in path) and (path[-1] in ("小计", "合计") or path[-1].startswith("基本支出")):
            basic_col = c
            break
    if basic_col is None:
        return
    func = {x.code: value(gpb, x.row, basic_col) for x in coded if x.kind == "line"}
    for code, items, name in ECONOMIC_FUNCTION:
        ln = eco.get(code)
        if ln is None or ln["total"] is None:
            continue
        if not any(i in func for i in items):
            continue
        f_value = sum((func.get(i) or Decimal(0) for i in items), Decimal(0))
        e_value = ln["total"]
        if e_value <= f_value:
            checker.ok("cross.economic_function")
            continue
        terms = " + ".join(f"{i} {fmt(func.get(i))}" for i in items if i in func)
        diff = e_value - f_value
        message = (
            f"{basic.title} {code} {name} {fmt(e_value)} 大于 {gpb.title} 基本支出 {terms} = {fmt(f_value)}"
            f"（相差 {fmt(diff)}）"
        )
        n = 1 + len([i for i in items if i in func])
        if diff <= TOL * n:
            checker.add("cross.economic_function", "info", "rounding", message + "，在舍入容差以内",
                        Where(basic.title or None, ln["page"], ln["row"]), f_value, e_value)
        else:
            checker.add("cross.economic_function", "warning", "cross_table", message,
                        Where(basic.title or None, ln["page"], ln["row"]), f_value, e_value)


# ---------------------------------------------------------------- 三公 vs economic lines

THREE_ECONOMIC = [
    ("vehicle_operation", "公务用车运行维护费", "30231", "公务用车运行维护费"),
    ("reception", "公务接待费", "30217", "公务接待费"),
    ("outbound", "因公出国（境）费", "30212", "因公出国（境）费用"),
    ("vehicle_purchase", "公务用车购置费", "31013", "公务用车购置"),
]


@rule("cross.three_public_economic", "cross_table", "“三公”经费与经济分类科目一致")
def three_public_vs_economic(ctx: Context, checker: Checker) -> None:
    """A 三公 part is not below the economic line it is part of.

    Example: 30231 公务用车运行维护费 12.00 > 三公 公务用车运行费 10.00 (also 30217 ≤ 公务接待费, 30212 ≤ 因公出国（境）费).
    """
    three = ctx.doc.get("three_public") or {}
    tp_view = ctx.first("three_public")
    if tp_view is None:
        return
    for view in ctx.of("basic_expenditure", "economic_summary"):
        if not ctx.has_amounts(view):
            continue
        found = _economic_by_name(ctx, view)
        for key, tp_name, code, eco_name in THREE_ECONOMIC:
            hit = found.get(code) or found.get(eco_name)
            if hit is None:
                continue
            eco_value, row, col_word = hit
            if eco_value is None:
                continue
            tp_value = three.get(key)
            if key == "vehicle_operation" and tp_value is None:
                tp_value = three.get("vehicle_total") if three.get("vehicle_purchase") in (None, 0) else None
            tpv = tp_value if tp_value is not None else Decimal(0)
            if eco_value <= tpv + TOL:
                checker.ok("cross.three_public_economic")
                continue
            scope = col_word in ("财政拨款", "一般公共预算")
            checker.add(
                "cross.three_public_economic",
                "error" if scope else "warning",
                "cross_table",
                f"{view.title} {code} {eco_name} {fmt(eco_value)} 大于 {tp_view.title} {tp_name} {fmt(tp_value)}"
                f"（多 {fmt(eco_value - tpv)}）：“三公”经费应包含全部{eco_name}",
                Where(view.title or None, view.row_page(row), row),
                expected=tp_value,
                found=eco_value,
            )


def _economic_by_name(ctx: Context, view: TableView) -> dict:
    """code or name -> (value, row, column word) for the 三公-related lines."""
    out: dict = {}
    lay, t = view.layout, view.table
    # prefer the 财政拨款 column, else the first amount column
    col = None
    word = ""
    for w in ("财政拨款", "一般公共预算"):
        for c in range(t.width):
            path = lay.path_text(c)
            if w in path and any(is_amount(t.rows[r][c]) for r in lay.body):
                col, word = c, w
                break
        if col is not None:
            break
    if view.family == "basic_expenditure":
        # A 基本支出表 of all funds prints the 财政拨款 part beside the 合计 (烟台
        # 公开表10: 合计 12.58 = 财政拨款 10.08 + 单位资金 2.50): the 三公 table is
        # the appropriation's, so the appropriation's column is compared.
        other_funds = any(re.search(r"单位资金|其他资金|事业收入|自有资金", lay.path_text(c)) for c in range(t.width))
        lines, _ = fin.economic_lines(view, [])
        for ln in lines:
            if col is not None:
                hit = (value(view, ln["row"], col), ln["row"], word)
            else:
                hit = (ln["total"], ln["row"], "合计" if other_funds else "一般公共预算")
            out.setdefault(ln["code"], hit)
            out.setdefault(norm(ln["name"]), hit)
        return out
    names = {name for _k, _t, _c, name in THREE_ECONOMIC}
    for r in lay.body:
        cells = [norm(c) for c in t.rows[r]]
        for i, cell in enumerate(cells):
            if cell in names:
                c = col
                if c is None:
                    c = next((j for j in range(i + 1, len(cells)) if is_amount(cells[j]) and "." in cells[j]), None)
                out.setdefault(cell, (value(view, r, c), r, word))
                break
    return out


describe("cross.total", "cross_table", "各表本年支出合计一致",
         doc="收支总表 本年支出合计 = 支出总表 合计 (and 一般公共预算 likewise).\n\nApplied by ``cross.class``.")
describe("cross.personnel", "cross_table", "各表人员经费一致",
         doc="The 人员经费 columns of the 支出表 = 基本支出表 人员经费.\n\nApplied by ``cross.basic``.")
