"""表内勾稽 of the 三公 table: 小计 = 出国 + 公务用车 + 接待; 公务用车 = 购置 +
运行; 合计 = 小计 (+ other rows), by stage (预算/决算) where the table prints both.

``three_public_groups`` (the table's items by stage) is also what the narrative
rules compare the narrative's 三公 figures with.
"""
from __future__ import annotations

import re

from analysis.checks import Checker, Part, fmt, total_of
from analysis.checks_context import Context, value
from analysis.table_reading import CN_NUMERALS, column_name, where
from loaders.recognise import financial as fin
from loaders.recognise.cells import is_amount, norm
from loaders.recognise.views import TableView


def _three_item(label: str) -> str | None:
    t = fin._OF_LIST.sub("", norm(label))
    if not t:
        return None
    if t.startswith("其中") and "出国" in t:
        return None
    if "其他因公出国" in t or "教学科研" in t:
        return None
    item = fin._three_public_item(t)
    if item:
        return item
    if re.match(rf"^[{CN_NUMERALS}]+[、.．]", t) or re.match(r"^\d+[、.．]", t):
        return "other"
    return None


def _stage_of_path(path: list[str]) -> str:
    """'budget' / 'actual' when a heading level is exactly 预算数 / 决算数."""
    for label in path:
        t = norm(label)
        if re.fullmatch(r"(\d{4}年度?)?(全年)?(预算|预算数|年初预算数?)", t):
            return "budget"
        if re.fullmatch(r"(\d{4}年度?)?(决算|决算数|实际支出|执行数)", t):
            return "actual"
    return ""


def three_public_groups(ctx: Context, view: TableView) -> list[tuple[str, dict[str, list[tuple]]]]:
    """[(group, {item: [(value, row, label)]})] of a 三公 table in either
    orientation; group is 'budget' | 'actual' | '' or a column heading.
    Items: total (合计), total3 (“三公”经费小计), outbound, vehicle_total,
    vehicle_purchase, vehicle_operation, reception, other (会议费, 培训费 …)."""
    lay, t = view.layout, view.table
    col_items = {c: fin._item_of_path(lay.path(c)) for c in range(t.width)}
    horizontal = sum(1 for v in col_items.values() if v) >= 3
    groups: list[tuple[str, dict[str, list[tuple]]]] = []
    if horizontal:
        for c in range(t.width):
            path = lay.path_text(c)
            if col_items[c] is None and re.search(r"会议费|培训费", path):
                col_items[c] = "other"
        by_group: dict[str, dict] = {}
        for r in lay.body:
            if not any(is_amount(x) for x in t.rows[r]):
                continue
            for c, item in col_items.items():
                if not item:
                    continue
                head = lay.path(c)[0] if lay.path(c) else ""
                if re.search(r"增减|变化|差额|比上年", head):
                    continue  # the change columns
                year = re.search(r"(20\d{2})", head)
                if year and ctx.year and int(year.group(1)) != ctx.year:
                    continue  # another year's columns
                g = _stage_of_path(lay.path(c))
                label = lay.path(c)[-1] if lay.path(c) else ""
                by_group.setdefault(g, {}).setdefault(item, []).append((value(view, r, c), r, label))
            break
        return list(by_group.items())
    label_col = None
    for r in lay.body:
        for c in range(t.width):
            if fin._three_public_item(t.rows[r][c]):
                label_col = c
                break
        if label_col is not None:
            break
    if label_col is None:
        return []
    value_cols = [c for c in range(label_col + 1, t.width) if any(is_amount(t.rows[r][c]) for r in lay.body)]
    seen_cols: list[tuple] = []
    for c in value_cols[:4]:
        signature = tuple(value(view, r, c) for r in lay.body)
        if signature in seen_cols:
            continue
        seen_cols.append(signature)
        items: dict[str, list] = {}
        for r in lay.body:
            item = _three_item(t.rows[r][label_col])
            if item:
                items.setdefault(item, []).append((value(view, r, c), r, norm(t.rows[r][label_col])))
        g = fin._group_of(lay.path_text(c), ctx.year) if not t.ragged else None
        if g in ("budget", "actual"):
            groups.append((g, items))
        else:
            groups.append(("" if t.ragged or len(value_cols) == 1 else column_name(view, c), items))
    return groups


def check_three_public(ctx: Context, view: TableView, checker: Checker) -> None:
    groups = three_public_groups(ctx, view)
    names = {"budget": "预算数", "actual": "决算数", "": ""}
    for g, items in groups:
        label_g = names.get(g, g)
        ctx_text = f"{view.title}{('·' + label_g) if label_g else ''}"

        def one(key):
            vals = items.get(key) or []
            return vals[0] if vals else None

        def val(key):
            x = one(key)
            return x[0] if x else None

        def row_of(key):
            x = one(key)
            return x[1] if x else None

        purchase, operation = val("vehicle_purchase"), val("vehicle_operation")
        vehicle = val("vehicle_total")
        if one("vehicle_total") is not None:
            checker.sum_identity(
                "three_public.vehicle",
                "公务用车购置及运行维护费",
                vehicle,
                [Part("公务用车购置费", purchase), Part("公务用车运行维护费", operation)],
                where(view, row_of("vehicle_total")),
                context=ctx_text,
            )
        vehicle_eff = vehicle if vehicle is not None else (
            total_of([purchase, operation]) if purchase is not None or operation is not None else None
        )
        parts = [
            Part("因公出国（境）费", val("outbound")),
            Part("公务用车购置及运行维护费", vehicle_eff),
            Part("公务接待费", val("reception")),
        ]
        sub = one("total3")
        total = one("total")
        if sub is not None:
            checker.sum_identity(
                "three_public.sum", "“三公”经费小计", sub[0], parts, where(view, sub[1]), context=ctx_text
            )
        others = items.get("other") or []
        sub_eff = sub[0] if sub is not None and sub[0] is not None else (
            total_of(p.value for p in parts) if any(p.value is not None for p in parts) else None
        )
        if total is not None:
            if sub is not None or others:
                tparts = [Part("“三公”经费小计", sub_eff)] + [Part(lbl, v) for v, _r, lbl in others]
            else:
                tparts = parts
            checker.sum_identity("three_public.sum", "合计", total[0], tparts, where(view, total[1]), context=ctx_text)
        declared = re.search(r"会议费|培训费", norm(view.title))
        for v, r, lbl in others:
            if v is not None and v != 0 and not declared:
                checker.add(
                    "three_public.extra_rows",
                    "warning",
                    "arithmetic",
                    f"{ctx_text}：列示了不属于“三公”经费的“{fin.label_key(lbl)}”{fmt(v)}万元"
                    + (f"，合计 {fmt(total[0])} 包含此项" if total is not None and total[0] is not None else ""),
                    where(view, r),
                    found=v,
                )

