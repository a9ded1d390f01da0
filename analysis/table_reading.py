"""Reading a recognised table for the checks: where a row is, the outline level
of a label, the two sides of a 收支总表, the code tree of a function or economic
table, column names, and the 功能分类 classes (类) a table prints.

Shared by the arithmetic, cross-table, narrative and unit rules, so each reads a
table the same way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from analysis.checks import Where, total_of
from analysis.checks_context import TOTAL_WORD, Context, value
from loaders.recognise import financial as fin
from loaders.recognise.cells import norm
from loaders.recognise.financial.columns import label_groups, side_of_heading
from loaders.recognise.views import TableView


TOL = Decimal("0.01")


def where(view: TableView, row: int | None) -> Where:
    return Where(table=view.title or None, page=view.row_page(row) if row is not None else view.page, row=row)


CN_NUMERALS = "一二三四五六七八九十"


def label_level(text: str) -> int | str:
    """'of' for 其中 lines, 'total'/'grand' for 合计/总计 lines, else the
    outline level: 1 for 一、, 2 for （一）, 3 for 1. / （1）, 0 unnumbered."""
    t = norm(text).rstrip(":：")
    if not t:
        return "empty"
    if t.startswith("其中"):
        return "of"
    if re.fullmatch(r"(收入|支出|收支)?总计", t):
        return "grand"
    if re.fullmatch(r"(本年)?(收入|支出)?(合计|小计)", t):
        return "total"
    if re.match(rf"^[{CN_NUMERALS}]+[、.．]", t):
        return 1
    if re.match(rf"^[（(][{CN_NUMERALS}]+[)）]", t):
        return 2
    if re.match(r"^\d+[、.．](?!\d)", t):
        return 3
    if re.match(r"^[（(]\d+[)）]", t):
        return 4
    return 0


@dataclass
class Line:
    row: int
    label: str
    value: Decimal | None
    level: int
    after_total: bool
    children: list["Line"] = field(default_factory=list)

    @property
    def effective(self) -> Decimal | None:
        if self.value is not None:
            return self.value
        vals = [c.effective for c in self.children]
        if any(v is not None for v in vals):
            return total_of(vals)
        return None


def sides(view: TableView) -> list[tuple[str, int, list[int]]]:
    """(side name, label column, value columns) of a two-sided table."""
    out: list[tuple[str, int, list[int]]] = []
    for _li, lc, vcols in label_groups(view):
        side = side_of_heading(view.layout.path_text(lc), first=not out)
        out.append(("支出" if side == "expenditure" else "收入", lc, vcols))
    return out


def column_name(view: TableView, c: int) -> str:
    if view.table.ragged:
        return f"第{c + 1}列"
    path = view.layout.path(c)
    if not path:
        return f"第{c + 1}列"
    last = path[-1]
    if TOTAL_WORD.match(last) and len(path) > 1 and last in ("小计", "合计"):
        return "".join(path[-2:])
    return last


def first_amount_col(cols: fin.CodeColumns) -> int:
    last = max([c for c in [cols.code, cols.name, *cols.split] if c is not None], default=-1)
    return last


def distinct_rows(view: TableView, coded, amount_cols: list[int]) -> list[int]:
    """Coded and total rows; a unit row repeating the 合计 row's figures is left out."""
    totals = [tuple(value(view, x.row, c) for c in amount_cols) for x in coded if x.kind == "total"]
    out = []
    for x in coded:
        if x.kind == "unit" and tuple(value(view, x.row, c) for c in amount_cols) in totals:
            continue
        out.append(x.row)
    return out


def tree(codes: list[str]) -> list[int | None]:
    """Parent index of each code, by position: a 类 row owns the deeper rows
    that follow it until the next row of its level or above.  (A table may
    print the same 类 twice — 301 under 501 and again under 505 — so codes
    alone do not say which rows belong together.)"""
    parents: list[int | None] = []
    stack: list[int] = []
    for i, code in enumerate(codes):
        while stack and not (len(codes[stack[-1]]) < len(code) and code.startswith(codes[stack[-1]])):
            stack.pop()
        parents.append(stack[-1] if stack else None)
        stack.append(i)
    return parents


def children_of(parents: list[int | None]) -> dict[int | None, list[int]]:
    out: dict[int | None, list[int]] = {}
    for i, p in enumerate(parents):
        out.setdefault(p, []).append(i)
    return out


def assets_value_col(view: TableView) -> int | None:
    """The 价值/金额 column of a 固定资产占用情况表 (by its heading cell)."""
    for row in view.table.rows[:4]:
        for c, cell in enumerate(row):
            if re.search(r"价值|金额", norm(cell)) and not re.search(r"单价", norm(cell)):
                return c
    return None


# ====================================================================== 功能分类 classes

CLASSES = {
    "201": "一般公共服务",
    "202": "外交",
    "203": "国防",
    "204": "公共安全",
    "205": "教育",
    "206": "科学技术",
    "207": "文化旅游体育与传媒",
    "208": "社会保障和就业",
    "209": "社会保险基金",
    "210": "卫生健康",
    "211": "节能环保",
    "212": "城乡社区",
    "213": "农林水",
    "214": "交通运输",
    "215": "资源勘探工业信息等",
    "216": "商业服务业等",
    "217": "金融",
    "219": "援助其他地区",
    "220": "自然资源海洋气象等",
    "221": "住房保障",
    "222": "粮油物资储备",
    "223": "国有资本经营预算",
    "224": "灾害防治及应急管理",
    "227": "预备费",
    "229": "其他",
    "230": "转移性",
    "231": "债务还本",
    "232": "债务付息",
    "233": "债务发行费用",
    "234": "抗疫特别国债安排",
}


def class_code(label: str) -> str | None:
    """The function class (类) a summary-table line names, if any."""
    key = fin.label_key(label)
    key = re.sub(r"[（(]类[)）]", "", key)
    key = re.sub(r"(支出|事务)$", "", key)
    key = re.sub(r"事务$", "", key)
    if not key or "合计" in key or "总计" in key or "结转" in key or "结余" in key:
        return None
    for code, name in CLASSES.items():
        if key == name:
            return code
    for code, name in CLASSES.items():
        # A close variant of a long class name ('文化体育与传媒'), never a 款
        # named after a short one ('其他一般公共服务支出' is not 229 其他支出).
        if len(name) < 4 or key.startswith("其他"):
            continue
        if len(key) >= 4 and (name.startswith(key[:4]) or key.startswith(name[:4])):
            if code == "223" and "国有资本经营" not in key:
                continue
            return code
    if key == "医疗卫生与计划生育":  # the pre-2018 name of 210
        return None
    return None


@dataclass
class ClassValue:
    value: Decimal | None
    n: int  # rows summed (1 = printed 类 row)
    row: int | None
    table: str
    page: int | None


def function_classes(ctx: Context, view: TableView, col: int | None = None) -> tuple[dict[str, ClassValue], int | None]:
    """类 code -> value in the table's first amount column (or ``col``)."""
    coded, cols = ctx.coded_rows(view, r"2\d{2}(\d{2}){0,2}")
    lines = [x for x in coded if x.kind == "line"]
    if not lines:
        return {}, None
    if col is None:
        amount_cols = ctx.amount_columns(view, first_amount_col(cols))
        if not amount_cols:
            return {}, None
        col = amount_cols[0]
    parents = tree([x.code for x in lines])
    out: dict[str, ClassValue] = {}
    for i, x in enumerate(lines):
        if parents[i] is not None:
            continue  # only the shallowest rows: a printed 类, or 款/项 rows without one
        cls = x.code[:3]
        v = value(view, x.row, col)
        if len(x.code) == 3 and cls not in out:
            out[cls] = ClassValue(v, 1, x.row, view.title, view.row_page(x.row))
            continue
        cv = out.setdefault(cls, ClassValue(None, 0, x.row, view.title, view.row_page(x.row)))
        if v is not None:
            cv.value = (cv.value or Decimal(0)) + v
        cv.n += 1
    total_row = next((x.row for x in coded if x.kind == "total"), None)
    return out, total_row

