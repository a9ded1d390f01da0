"""表内勾稽 of the economic-class tables (基本支出表, 经济分类汇总表): classes =
their items, 合计 = classes, per column, 合计 = 人员经费 + 公用经费 across a
row; and of the flat list of the 固定资产占用情况表 (资产总额 = its parts).
"""
from __future__ import annotations

import re

from analysis.arithmetic_columns import check_code_sums, check_hierarchy, check_rowwise
from analysis.checks import Checker, Part, Where
from analysis.checks_context import Context, is_total_label, value
from analysis.table_reading import assets_value_col, children_of, column_name, distinct_rows, first_amount_col, tree, where
from loaders.recognise import financial as fin
from loaders.recognise.cells import is_amount, norm
from loaders.recognise.views import TableView


ECONOMIC_CLASS_NAMES = (
    "工资福利支出",
    "商品和服务支出",
    "对个人和家庭的补助",
    "资本性支出",
    "对企业补助",
    "债务利息及费用支出",
    "对社会保障基金补助",
    "其他支出",
)


def check_basic_economic(ctx: Context, view: TableView, checker: Checker) -> None:
    lines, totals = fin.economic_lines(view, [])
    lines = [ln for ln in lines if re.fullmatch(r"3\d{2}(\d{2})?", ln["code"] or "")]
    if not lines:
        return
    measures = [("total", "合计"), ("personnel", "人员经费"), ("public", "公用经费")]
    kids = children_of(tree([ln["code"] for ln in lines]))
    tops = [lines[k] for k in kids.get(None, [])]
    # Are 人员经费 / 公用经费 printed in their own columns, or only derived
    # from the class (one 决算数 per row, as in 公开06表)?
    separate = any(
        (ln["personnel"] is not None and ln["personnel"] != ln["total"])
        or (ln["public"] is not None and ln["public"] != ln["total"])
        or (ln["personnel"] is not None and ln["public"] is not None)
        for ln in lines
    )
    for key, label in measures:
        if all(ln[key] is None for ln in lines) and key not in totals:
            continue
        if key != "total" and not separate:
            # derived: only the labelled group totals (人员经费合计) can be checked
            if key in totals:
                f = totals[key]
                checker.sum_identity(
                    "table.code_sum",
                    f"{label}合计",
                    f.value,
                    [Part(k["code"], k[key]) for k in tops if k[key] is not None],
                    Where(view.title or None, f.page, f.row),
                    context=view.title,
                )
            continue
        check_code_sums(
            checker, lines, kids,
            amount=lambda x, key=key: x[key],
            label=lambda x: f"{x['code']} {x['name']}", short=lambda x: x["code"],
            where_of=lambda x: Where(view.title or None, x["page"], x["row"]),
            context=f"{view.title}·{label}",
        )
        if key in totals:
            f = totals[key]
            checker.sum_identity(
                "table.code_sum",
                f"{label}合计" if key != "total" else "合计",
                f.value,
                [Part(k["code"], k[key]) for k in tops],
                Where(view.title or None, f.page, f.row),
                context=view.title,
            )
    # across a row: 合计 = 人员经费 + 公用经费 (only where the table prints both columns)
    if "total" in totals and "personnel" in totals and "public" in totals:
        f = totals["total"]
        checker.sum_identity(
            "table.row_sum",
            "合计",
            f.value,
            [Part("人员经费", totals["personnel"].value), Part("公用经费", totals["public"].value)],
            Where(view.title or None, f.page, f.row),
            context=f"{view.title} 合计行",
        )
    if separate:
        for ln in lines:
            checker.sum_identity(
                "table.row_sum",
                "合计",
                ln["total"],
                [Part("人员经费", ln["personnel"]), Part("公用经费", ln["public"])],
                Where(view.title or None, ln["page"], ln["row"]),
                context=f"{view.title} {ln['code']} {ln['name']}",
            )


def check_economic_summary(ctx: Context, view: TableView, checker: Checker) -> None:
    # 部门 (3xx) and 政府 (5xx) economic classes may share one list ('[512]债务还本支出').
    coded, cols = ctx.coded_rows(view, r"[35]\d{2}(\d{2})?")
    lines = [x for x in coded if x.kind == "line"]
    if len(lines) >= 2 and not ctx.uncoded_amount_rows(view, coded):
        amount_cols = ctx.amount_columns(view, first_amount_col(cols))
        check_hierarchy(view, coded, amount_cols, checker)
        names = {x.row: (x.label if x.code else x.name or "合计") for x in coded}
        rows = distinct_rows(view, coded, amount_cols)
        check_rowwise(view, amount_cols, rows, checker, name_of=lambda r: names.get(r, ""))
        return
    _check_flat(ctx, view, checker, cols.name)


def _check_flat(ctx: Context, view: TableView, checker: Checker, name_col: int | None = None) -> None:
    """A table whose codes cannot be read: 合计 = Σ detail rows, provided no
    row names an economic class (which would be a subtotal of other rows)."""
    t, lay = view.table, view.layout
    total_row = None
    details: list[tuple[int, str]] = []
    first_amount = None
    for r in lay.body:
        row = t.rows[r]
        cells = [norm(c) for c in row]
        amount_cells = [i for i, c in enumerate(cells) if is_amount(c) and "." in c]
        if not amount_cells:
            continue
        first_amount = amount_cells[0] if first_amount is None else min(first_amount, amount_cells[0])
        label_cells = [c for c in cells[: amount_cells[0]] if c and not is_amount(c)]
        label = label_cells[-1] if label_cells else ""
        if any(is_total_label(c) for c in label_cells):
            if total_row is None:
                total_row = r
            continue
        if any(ctx.is_unit_name(c) for c in label_cells):
            continue
        names = [cells[name_col]] if name_col is not None and name_col < amount_cells[0] else label_cells
        if any(norm(c) in ECONOMIC_CLASS_NAMES for c in names):
            return  # a class subtotal among the rows: not flat
        if name_col is not None and name_col < amount_cells[0] and cells[name_col]:
            label = cells[name_col]
        details.append((r, label))
    if total_row is None or len(details) < 2 or first_amount is None:
        return
    for c in range(first_amount, t.width):
        if not any(is_amount(t.rows[r][c]) for r, _ in details) and value(view, total_row, c) is None:
            continue
        checker.sum_identity(
            "table.rows_sum",
            "合计",
            value(view, total_row, c),
            [Part(label, value(view, r, c)) for r, label in details],
            where(view, total_row),
            context=f"{view.title}·{column_name(view, c)}",
        )


def check_assets(ctx: Context, view: TableView, checker: Checker) -> None:
    t = view.table
    col = assets_value_col(view)
    label_col = 0
    if col is None:
        return
    total_row = None
    parts: list[tuple[int, str]] = []
    # every row: a small integer such as 29 makes the layout take the
    # 资产总额 row for a heading
    for r in range(len(t.rows)):
        label = norm(t.rows[r][label_col])
        if re.match(r"^(资产总额|合计|总计)", label):
            total_row = r
        elif re.match(r"^\d+[、.．]", label):
            parts.append((r, label))
    if total_row is None or not parts:
        return
    checker.sum_identity(
        "assets.sum",
        "资产总额",
        value(view, total_row, col),
        [Part(fin.label_key(lbl), value(view, r, col)) for r, lbl in parts],
        where(view, total_row),
        context=view.title,
    )

