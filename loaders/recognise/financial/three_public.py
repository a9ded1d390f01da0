"""三公经费 (因公出国（境）, 公务用车购置及运行, 公务接待): the items of a 三公
table in either orientation, by group (预算数 / 决算数), another year's
figures left out.
"""
from __future__ import annotations

import re

from loaders.recognise.cells import is_amount, norm
from loaders.recognise.financial.facts import Fact, fact
from loaders.recognise.views import TableView


THREE_PUBLIC_KEYS = ("total", "outbound", "vehicle_total", "vehicle_purchase", "vehicle_operation", "reception")


# '其中：（一）因公出国（境）支出' opens the list of parts; '其中：教学科研人员…出国' is a part of a part.
_OF_LIST = re.compile(r"^其中[:：]?(?=[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d+[、.．])")


def _three_public_item(text: str) -> str | None:
    t = _OF_LIST.sub("", norm(text))
    if not t:
        return None
    if "出国" in t:
        return None if ("其中" in t or "教学科研" in t or "其他因公" in t) else "outbound"
    if "购置" in t and "运行" not in t and "运维" not in t:
        return "vehicle_purchase"
    if "运行" in t and "购置" not in t or "运维费" in t and "购置" not in t:
        return "vehicle_operation"
    if "公务用车" in t or "购置及运" in t:
        return "vehicle_total"
    if "接待" in t:
        return "reception"
    if "三公" in t and ("小计" in t or "合计" in t):
        return "total3"
    if t in ("合计", "小计", "总计"):
        return "total"
    if "三公" in t:
        return "total3"
    return None


def _item_of_path(path: list[str]) -> str | None:
    """The 三公 item a column heading names; 小计 takes its parent's item.

    Header levels may put the item above 预算数/决算数 (Shanghai) or below it.
    """
    labels = [label for label in path if _group_of(label, None) is None or _three_public_item(label)]
    for i in range(len(labels) - 1, -1, -1):
        item = _three_public_item(labels[i])
        if item in ("total", None):
            if item == "total" and i > 0:
                parent = _three_public_item(labels[i - 1])
                if parent and parent != "total":
                    return "total3" if parent == "total3" else parent
            if item == "total":
                return "total"
            continue
        return item
    return None


def _group_of(text: str, year: int | None) -> str | None:
    """'budget' (预算数) or 'actual' (决算数) for a heading or row label;
    'other_year' for another year's figures (上年, or a year that is not the
    document's); None when the text names neither."""
    t = norm(text)
    group = "actual" if "决算" in t else "budget" if "预算" in t else None
    years = re.findall(r"(20\d{2})年", t)
    if "上年" in t or (year and years and str(year) not in years):
        return "other_year"
    return group


def three_public(view: TableView, year: int | None, problems: list) -> dict[str, dict[str, Fact]]:
    """{'budget'|'actual'|'': {key: Fact}} from a 三公 table in either orientation."""
    col_items = {c: _item_of_path(view.layout.path(c)) for c in range(view.table.width)}
    if sum(1 for v in col_items.values() if v) >= 3:
        out = _three_public_horizontal(view, year, col_items, problems)
    else:
        out = _three_public_vertical(view, year, problems)
    for items in out.values():
        if "total3" in items:
            items["total"] = items.pop("total3")
    return out


def _three_public_horizontal(
    view: TableView, year: int | None, col_items: dict[int, str | None], problems: list
) -> dict[str, dict[str, Fact]]:
    """Items as columns.  The data row is the one of each 预算数/决算数 group
    when rows name their group, else the 合计 row, else the only row."""
    lay = view.layout
    out: dict[str, dict[str, Fact]] = {}
    rows = _three_public_data_rows(view, year, col_items)
    for c, item in col_items.items():
        if not item:
            continue
        col_group = _group_of(lay.path_text(c), year)
        if col_group == "other_year":
            continue
        for row_group, r in rows:
            group = row_group or col_group or ""
            out.setdefault(group, {}).setdefault(item, fact(view, r, c, problems))
    return out


def _three_public_data_rows(
    view: TableView, year: int | None, col_items: dict[int, str | None]
) -> list[tuple[str | None, int]]:
    """(group named by the row's label or None, row) of the rows to read."""
    t = view.table
    data = [r for r in view.layout.body if any(is_amount(x) for x in t.rows[r])]
    labels = {
        r: norm("".join(t.rows[r][c] for c in range(t.width) if not col_items.get(c) and not is_amount(t.rows[r][c])))
        for r in data
    }
    grouped = [(g, r) for r in data if (g := _group_of(labels[r], year)) != "other_year"]
    if any(g for g, _ in grouped):
        return [(g, r) for g, r in grouped if g]
    rows = [r for _g, r in grouped]
    totals = [r for r in rows if re.search(r"合计|总计", labels[r])]
    return [(None, (totals or rows)[0])] if rows else []


def _three_public_vertical(view: TableView, year: int | None, problems: list) -> dict[str, dict[str, Fact]]:
    """Items as rows; the amount in the 预算数/决算数 column(s), else the first value column."""
    lay, t = view.layout, view.table
    out: dict[str, dict[str, Fact]] = {}
    value_cols = [c for c in range(t.width) if any(is_amount(t.rows[r][c]) for r in lay.body)]
    label_col = next(
        (c for r in lay.body for c in range(t.width) if _three_public_item(t.rows[r][c])), None
    )
    if label_col is None:
        return {}
    groups: dict[str, int | None] = {}
    for c in range(label_col + 1, t.width):
        g = _group_of(lay.path_text(c), year)
        if g and g != "other_year" and g not in groups:
            groups[g] = c
    if not groups:
        first = next(
            (
                c
                for c in range(label_col + 1, t.width)
                if (c in value_cols or "合计" in lay.path_text(c)) and _group_of(lay.path_text(c), year) != "other_year"
            ),
            None,
        )
        if first is None:
            first = label_col + 1 if label_col + 1 < t.width else None
        groups[""] = first
    for g, c in groups.items():
        for r in lay.body:
            item = _three_public_item(t.rows[r][label_col])
            if item and c is not None:
                out.setdefault(g, {}).setdefault(item, fact(view, r, c, problems))
    return out
