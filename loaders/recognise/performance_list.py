"""项目支出绩效目标表 printed as a LIST: one project per row.

Some cities (广州) print every project of a department on one row of a long
table headed 项目名称（资金使用单位）| 总计 | 财政拨款 | 财政专户拨款 | 其他资金 |
绩效目标 | 绩效指标, with a 合计 row and a subtotal row per spending unit
(the unit's name and amounts, no targets).  The 绩效指标 cell holds the
indicators as running text, one numbered item each::

    1.1－产出指标，11－数量指标，项目专职环保员数量；实施周期指标值：≦核定人数，年度指标值：≦核定人数；
    2、1－产出指标，12－质量指标，环境应急事件响应率；实施周期指标值：100%，年度指标值：100%;…

Columns are found by their header words; rows are told apart by what they
hold (a name with targets: a project; a name with amounts only: a unit
subtotal; no name, only target text: the rest of the project above, cut by a
page break).  Indicators are read from the joined text of a project's
pieces, so an item cut by the break is read whole and keeps the page of the
piece it starts in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from loaders.recognise.values import parse_value
from loaders.model import Table
from loaders.recognise.cells import is_amount, norm, parse_amount
from loaders.recognise.performance_common import clean_text, level2_strength, name_text, number_of
from loaders.recognise.views import TableView

_DASH = r"[-－—–‐]"
_SEP = r"[，,；;]"
# a level-1 label with its code ('1－产出指标', '3-满意度指标') or without ('产出指标')
_LEVEL1 = rf"(?:\d{{1,2}}\s*{_DASH}\s*)?[^，,；;:：\s\d]{{1,8}}?指标"
# an item number ('1.', '2、', '10、') where an item starts: at the start of the
# text or after a separator, followed by a level-1 label
_ITEM_START = re.compile(rf"(?<![^;；。.．，,\s])(\d{{1,3}})\s*[、.．]\s*(?={_LEVEL1})")
_L1 = re.compile(rf"^\s*(?:(\d{{1,2}})\s*{_DASH}\s*)?([^，,；;:：]{{1,12}}?指标)\s*(?:{_SEP}\s*|$)")
_L2_CODED = re.compile(rf"^\s*(\d{{2,3}})\s*{_DASH}\s*([^，,；;:：]{{1,20}}?)\s*(?:{_SEP}\s*|$)")
_L2_BARE = re.compile(rf"^\s*([^，,；;:：]{{1,16}}?)\s*(?:{_SEP}\s*|$)")
_PERIOD = re.compile(r"实施周期(?:指标值|目标值|值)\s*[:：]?")
_ANNUAL = re.compile(r"年度(?:指标值|目标值|值)\s*[:：]?")
_VALUE_LABEL = re.compile(r"(?:指标值|目标值)\s*[:：]")
_TRAIL = "；;，,。.、 \t"

_TOTAL_NAMES = ("合计", "总计", "小计")
_AMOUNT_HEADS = ("总计", "合计", "资金总额", "预算数", "预算金额", "金额", "小计")


# --------------------------------------------------------------------------- encoded indicators


def has_encoded_indicators(text: str | None) -> bool:
    """Whether a cell holds indicators written as numbered text items."""
    t = _joined(text)
    return bool(_ITEM_START.search(t)) and bool(_VALUE_LABEL.search(t))


def _joined(text: str | None) -> str:
    """Cell text with the lines a narrow cell wrapped joined (no space: Chinese text)."""
    return "".join(line.strip() for line in (text or "").split("\n"))


def parse_encoded_indicators(text: str) -> list[dict]:
    """The indicators of a text like '1.1－产出指标，11－数量指标，X；实施周期指标值：a，年度指标值：b；2、…'.

    Each: level1, level2 (as printed, without their codes), level3, target
    (the 年度指标值 as printed; the only value when no period is given),
    period_target (the 实施周期指标值), operator/value/unit of the target, and
    ``offset``: where the item starts in the joined text."""
    t = _joined(text)
    starts = [m for m in _ITEM_START.finditer(t)]
    if not starts:
        return [_item(t, 0)] if _L1.match(t) and _VALUE_LABEL.search(t) else []
    out = []
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(t)
        out.append(_item(t[m.end() : end], m.start(), int(m.group(1))))
    return out


def _item(body: str, offset: int, number: int | None = None) -> dict:
    level1 = level2 = None
    rest = body
    m = _L1.match(rest)
    if m:
        level1, rest = norm(m.group(2)), rest[m.end() :]
        m2 = _L2_CODED.match(rest)
        if m2:
            level2, rest = norm(m2.group(2)), rest[m2.end() :]
        else:
            m2 = _L2_BARE.match(rest)
            if m2 and level2_strength(m2.group(1)) > 0:
                level2, rest = norm(m2.group(1)), rest[m2.end() :]
    period_m, annual_m = _PERIOD.search(rest), _ANNUAL.search(rest)
    period = target = None
    if annual_m is None and period_m is None:
        annual_m = _VALUE_LABEL.search(rest)
    marks = [x for x in (period_m, annual_m) if x is not None]
    level3 = rest[: min(x.start() for x in marks)] if marks else rest
    if period_m is not None:
        stop = annual_m.start() if annual_m is not None and annual_m.start() > period_m.start() else len(rest)
        period = rest[period_m.end() : stop].strip(_TRAIL) or None
    if annual_m is not None:
        stop = period_m.start() if period_m is not None and period_m.start() > annual_m.start() else len(rest)
        target = rest[annual_m.end() : stop].strip(_TRAIL) or None
    elif period is not None:
        target = period  # only the period's value is printed
    pv = parse_value(target)
    return {
        "item": number,
        "level1": level1,
        "level2": level2,
        "level3": level3.strip(_TRAIL) or None,
        "description": None,
        "target": target,
        "period_target": period,
        "operator": pv.operator,
        "value": pv.value,
        "unit": pv.unit,
        "basis": None,
        "offset": offset,
    }


# --------------------------------------------------------------------------- the list table


def list_header(table: Table, limit: int = 6) -> int | None:
    """The row naming the columns of a list of projects: 项目名称, 绩效目标 and
    绩效指标 side by side in one row (a per-project form puts them on different
    rows; an indicator grid heads its columns 一级/三级指标)."""
    for r in range(min(limit, len(table.rows))):
        cells = [norm(c) for c in table.rows[r]]
        if any(c.startswith(("一级指标", "二级指标", "三级指标")) for c in cells):
            return None
        name = any("项目名称" in c for c in cells)
        goal = any(_is_goal_head(c) for c in cells)
        inds = any(_is_indicator_head(c) for c in cells)
        if name and goal and inds:
            return r
    return None


def _is_goal_head(c: str) -> bool:
    return "绩效目标" in c and "指标" not in c and len(c) <= 10


def _is_indicator_head(c: str) -> bool:
    return c.startswith("绩效指标") or c in ("指标", "年度绩效指标", "绩效目标指标")


@dataclass
class Columns:
    name: int
    goal: int | None
    indicators: int | None
    amount: int | None = None
    fiscal: int | None = None
    special: int | None = None
    other: int | None = None
    code: int | None = None
    width: int = 0


def _columns(table: Table, hr: int, body: int) -> Columns:
    heads = ["".join(norm(table.rows[r][c]) for r in range(hr, body)) for c in range(table.width)]

    def first(pred) -> int | None:
        return next((c for c, h in enumerate(heads) if h and pred(h)), None)

    cols = Columns(
        name=first(lambda h: "项目名称" in h),
        goal=first(_is_goal_head),
        indicators=first(_is_indicator_head),
        fiscal=first(lambda h: "财政拨款" in h),
        special=first(lambda h: "财政专户" in h),
        other=first(lambda h: "其他资金" in h or h in ("单位资金", "其他")),
        code=first(lambda h: "项目编码" in h or "项目代码" in h),
        width=table.width,
    )
    taken = {cols.fiscal, cols.special, cols.other}
    for word in _AMOUNT_HEADS:
        c = first(lambda h, w=word: w in h and "项目名称" not in h)
        if c is not None and c not in taken:
            cols.amount = c
            break
    return cols


def _body_start(table: Table, hr: int) -> int:
    """The header may run over two rows (资金 over 总计 | 财政拨款 …)."""
    r = hr + 1
    while r < len(table.rows) and r < hr + 3:
        cells = [c for c in table.rows[r] if c.strip()]
        if not cells or any(is_amount(c) for c in cells) or any(len(norm(c)) > 12 for c in cells):
            break
        r += 1
    return r


@dataclass
class _Open:
    """A project being read: its row pieces (a page break may cut it)."""

    record: dict
    goal: list[str] = field(default_factory=list)
    parts: list[tuple[str, int | None, int]] = field(default_factory=list)  # (indicator text, page, row)
    last_page: int | None = None
    last_row: int = -1


class ListReader:
    """Reads the list tables of one document in order; a project cut by a page
    break (or by a table boundary) is carried to the next piece."""

    def __init__(self) -> None:
        self.cols: Columns | None = None
        self.title: str | None = None
        self.projects: list[dict] = []
        self._open: _Open | None = None
        self._pending: dict | None = None  # a row with a name and amounts only: a unit, or a cut project
        self._unit: str | None = None
        self._department: str | None = None
        self._first_row = False  # the next row is the first of a new table

    def feed(self, v: TableView) -> None:
        table = v.table
        hr = list_header(table)
        if hr is not None:
            start = _body_start(table, hr)
            self.cols = _columns(table, hr, start)
            self.title = v.title or self.title
            self._department = self._department or _department(table, hr)
        elif self.cols is None or table.width != self.cols.width:
            return
        else:
            start = 0
        if self.cols.name is None:
            return
        self._first_row = True
        for r in range(start, len(table.rows)):
            self._row(v, r)

    def _row(self, v: TableView, r: int) -> None:
        cols = self.cols
        cells = v.table.rows[r]

        def cell(c: int | None) -> str:
            return cells[c].strip() if c is not None and c < len(cells) else ""

        name = cell(cols.name)
        n = norm(name).rstrip(":：")
        goal, inds = cell(cols.goal), cell(cols.indicators)
        amounts = [cell(getattr(cols, key)) for key in ("amount", "fiscal", "special", "other")]
        has_amount = any(is_amount(a) for a in amounts)
        page = v.row_page(r)
        first_row, self._first_row = self._first_row, False
        if not (n or goal or inds or has_amount):
            return
        if "项目名称" in n and list_header(Table(rows=[cells])) == 0:
            return  # the heading repeated on a new page
        if n.startswith(_TOTAL_NAMES) and not (goal or inds):
            self._close()
            return
        cur, pending = self._open, self._pending
        if pending is not None and (goal or inds) and not has_amount:
            # a name and amounts at the foot of a page, the targets at the head of the next
            if not n:
                self._pending = None
                cur = self._start(pending["view"], pending["row"])
                self._add(cur, goal, inds, page, r)
                return
        if cur is not None and (goal or inds or n):
            cut = _after(cur.last_page, cur.last_row, page, r, first_row)
            same = n == norm(cur.record["name"] or "")
            if not has_amount and (not n or cut and not _first_item(inds)):
                # the rest of the project above (a tall cell the page break cut)
                if n and not same:
                    cur.record["name"] = (cur.record["name"] or "") + n
                self._add(cur, goal, inds, page, r)
                return
            if cut and same and (goal or inds) and self._same_amounts(cur, v, r):
                self._add(cur, goal, inds, page, r)  # the row printed again on the next page
                return
        if n and not (goal or inds):
            self._close()
            self._pending = {"view": v, "row": r, "page": page}  # a unit's subtotal, unless targets follow
            return
        if not n:
            return  # debris: amounts without a name
        self._close()
        self._add(self._start(v, r), goal, inds, page, r)

    def _same_amounts(self, cur: _Open, v: TableView, r: int) -> bool:
        c = self.cols.amount
        if c is None or not v.table.rows[r][c].strip():
            return True
        try:
            return parse_amount(v.table.rows[r][c], v.scale) == cur.record["amount"]
        except ValueError:
            return False

    def _start(self, v: TableView, r: int) -> _Open:
        cols = self.cols
        cells = v.table.rows[r]

        def amount(c: int | None) -> Decimal | None:
            if c is None or c >= len(cells) or not cells[c].strip():
                return None
            try:
                return parse_amount(cells[c], v.scale)
            except ValueError:
                return number_of(cells[c])

        page = v.row_page(r)
        record = {
            "code": norm(cells[cols.code]) or None if cols.code is not None else None,
            "name": name_text(cells[cols.name]),
            "amount": amount(cols.amount),
            "fiscal": amount(cols.fiscal),
            "other": amount(cols.other),
            "purpose": None,
            "spending_plan": [],
            "goal": None,
            "department": self._department,
            "implementing_agency": self._unit,
            "indicators": [],
            "table": self.title or v.title or None,
            "table_index": v.index,
            "page": page,
            "pages": [page] if page is not None else [],
            "row": r,
        }
        if cols.special is not None:
            record["special_account"] = amount(cols.special)
        self._open = _Open(record=record, last_page=page, last_row=r)
        self.projects.append(record)
        return self._open

    def _add(self, cur: _Open, goal: str, inds: str, page: int | None, r: int) -> None:
        if goal:
            cur.goal.append(goal)
        if inds:
            cur.parts.append((inds, page, r))
        if page is not None and page not in cur.record["pages"]:
            cur.record["pages"].append(page)
        cur.last_page, cur.last_row = page, r

    def _take_unit(self) -> None:
        """The pending name-and-amounts row was a unit's subtotal: its name is
        the spending unit of the projects below it."""
        p = self._pending
        self._pending = None
        self._unit = name_text(p["view"].table.rows[p["row"]][self.cols.name])

    def _close(self) -> None:
        if self._open is not None:
            _finish(self._open)
            self._open = None
        if self._pending is not None:
            self._take_unit()

    def accepts(self, v: TableView) -> bool:
        """Whether a table without the heading row carries on with this list
        (same columns; targets in the 绩效指标 column or amounts in 总计)."""
        cols = self.cols
        if cols is None or v.table.width != cols.width:
            return False
        for row in v.table.rows[:6]:
            if cols.indicators is not None and has_encoded_indicators(row[cols.indicators]):
                return True
            if cols.amount is not None and is_amount(row[cols.amount]) and row[cols.name].strip():
                return True
        return False

    def finish(self) -> list[dict]:
        self._close()
        return self.projects


def _first_item(text: str) -> bool:
    """Whether an indicator cell starts with the first item ('1.1－产出指标…'): a
    project of its own, not the rest of one cut by the page break."""
    m = _ITEM_START.match(_joined(text))
    return m is not None and m.group(1) == "1"


def _after(last_page: int | None, last_row: int, page: int | None, r: int, first_row: bool) -> bool:
    """Whether row ``r`` is the first row of the page after the one ``last_row``
    ended on, right after it: where a page break cuts a row in two."""
    if last_page is None or page is None or page != last_page + 1:
        return False
    return first_row or r == last_row + 1


def _finish(cur: _Open) -> None:
    rec = cur.record
    if cur.goal:
        rec["goal"] = clean_text("\n".join(cur.goal))
    text, bounds = "", []
    for part, page, row in cur.parts:
        bounds.append((len(text), page, row))
        text += _joined(part)
    inds = parse_encoded_indicators(text) if text else []
    for ind in inds:
        offset = ind.pop("offset")
        _, page, row = max((b for b in bounds if b[0] <= offset), key=lambda b: b[0], default=bounds[0])
        ind["page"], ind["row"] = page, row
    if not inds and text:
        # text that is not in the numbered form: one indicator holding it, nothing lost
        inds = [
            {
                "item": None, "level1": None, "level2": None, "level3": clean_text(text), "description": None,
                "target": None, "period_target": None, "operator": None, "value": None, "unit": None,
                "basis": None, "page": bounds[0][1], "row": bounds[0][2],
            }
        ]
    rec["indicators"] = inds


_DEPT_LABEL = re.compile(r"(?:部门|单位)(?:名称)?[:：]\s*(\S+?)(?=\s|单位[:：]|$)")


def _department(table: Table, hr: int) -> str | None:
    """The department the caption (or a line above the heading) names: '部门名称：XX局'."""
    lines = list(table.caption) + [" ".join(c for c in row if c.strip()) for row in table.rows[:hr]]
    for line in lines:
        m = _DEPT_LABEL.search(line.strip())
        if m:
            return name_text(m.group(1))
    return None
