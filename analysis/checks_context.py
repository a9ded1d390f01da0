"""What every check needs from a parsed document: its tables rebuilt as views
(grid + header layout + family + unit), read with the recognisers' own helpers,
and its narrative paragraphs."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from loaders.model import Table
from loaders.recognise import financial as fin
from loaders.recognise.cells import is_amount, norm, parse_amount
from loaders.recognise.layout import analyse
from loaders.recognise.views import TableView

TOTAL_WORD = re.compile(r"^(合计|小计|总计|本年支出合计|本年收入合计|支出合计|收入合计|本年合计)[:：]?$")
FUNCTION_FAMILIES = ("income", "expenditure", "general_public_budget", "government_fund", "state_capital")
ECONOMIC_FAMILIES = ("basic_expenditure", "economic_summary")


def table_of(d: dict) -> Table:
    return Table(
        rows=[list(r) for r in d.get("rows") or []],
        row_pages=list(d.get("row_pages") or []),
        caption=list(d.get("caption") or []),
        spans={(r, c): (rs, cs) for r, c, rs, cs in d.get("spans") or []},
        ragged=bool(d.get("ragged")),
    )


def view_of(d: dict, index: int) -> TableView:
    table = table_of(d)
    unit = d.get("unit") or "万元"
    return TableView(
        index=d.get("index", index),
        table=table,
        layout=analyse(table),
        family=d.get("kind") or "unknown",
        title=d.get("title") or "",
        scale=unit,
        scale_declared=True,
    )


def value(view: TableView, row: int, col: int | None) -> Decimal | None:
    """The amount in a cell (万元), None for blank or non-amount text."""
    if col is None or row >= len(view.table.rows) or col >= view.table.width:
        return None
    text = view.table.rows[row][col]
    try:
        return parse_amount(text, view.scale)
    except ValueError:
        return None


def is_total_label(text: str) -> bool:
    return bool(TOTAL_WORD.match(norm(text)))


@dataclass
class Coded:
    row: int
    code: str | None  # None for a total row
    name: str
    kind: str  # "line" | "total" | "unit"
    # A line printed by name alone whose code no catalogue gives: ``code`` is a
    # stand-in ('20600', its parent's digits and 00, never a real code) that
    # only places it in the hierarchy; messages name it by name.
    provisional: bool = False

    @property
    def label(self) -> str:
        if self.code and not self.provisional:
            return f"{self.code} {self.name}".strip()
        return self.name or (self.code or "")

    @property
    def short(self) -> str:
        return self.name if self.provisional else (self.code or self.name)


class Context:
    def __init__(self, doc: dict) -> None:
        self.doc = doc
        self.views: list[TableView] = [view_of(t, i) for i, t in enumerate(doc.get("tables") or [])]
        self.kind = doc.get("kind")
        self.agency = norm(doc.get("agency") or "")
        self.year = doc.get("year")
        self._shared: dict = {}

    def shared(self, key: str, make):
        """A value several rules read (the narrative's facts, the table figures
        they are compared with), made by ``make()`` once per document."""
        if key not in self._shared:
            self._shared[key] = make()
        return self._shared[key]

    def of(self, *families: str) -> list[TableView]:
        return [v for v in self.views if v.family in families]

    def first(self, *families: str) -> TableView | None:
        for family in families:
            for v in self.views:
                if v.family == family and self.has_amounts(v):
                    return v
        return None

    @staticmethod
    def has_amounts(view: TableView) -> bool:
        return any(is_amount(view.table.rows[r][c]) for r in view.layout.body for c in range(view.table.width))

    # ------------------------------------------------------------ coded tables

    def is_unit_name(self, name: str) -> bool:
        n = norm(name)
        if not n:
            return False
        if self.agency and (self.agency in n or n in self.agency) and len(n) >= 4:
            return True
        return bool(re.search(r"(局|委员会|办公室|中心|办事处|街道|本级|汇总)$", n)) and "支出" not in n

    def coded_rows(self, view: TableView, pattern: str) -> tuple[list[Coded], fin.CodeColumns]:
        """Rows with a classification code matching ``pattern``, total rows and
        unit (agency) rows, in table order."""
        cols = fin._code_columns(view)
        out: list[Coded] = []
        if cols.code is None and not cols.split:
            if pattern.startswith("2"):
                return self._named_rows(view, pattern)
            return out, cols
        context = ["", "", ""]
        for r in view.layout.body:
            row = view.table.rows[r]
            name = norm(row[cols.name]) if cols.name is not None else ""
            code = fin._row_code(view, r, cols, context)
            first_cells = [norm(c) for c in row[: min(5, view.table.width)]]
            if code is not None and re.fullmatch(pattern, code):
                out.append(Coded(r, code, name, "line"))
            elif code is None and (is_total_label(name) or any(is_total_label(c) for c in first_cells)):
                out.append(Coded(r, None, name, "total"))
            elif self.is_unit_name(name) or any(self.is_unit_name(c) for c in first_cells if c):
                out.append(Coded(r, None, name, "unit"))
        return out, cols

    def _named_rows(self, view: TableView, pattern: str) -> tuple[list[Coded], fin.CodeColumns]:
        """Rows of a function table printed by name alone (``financial.named_rows``)."""
        name_col = fin._name_column(view)
        cols = fin.CodeColumns(code=None, split=[], name=name_col)
        if name_col is None:
            return [], cols
        amounts = self.amount_columns(view, name_col)
        rows = fin.named_rows(view, amounts[0] if amounts else None)
        out: list[Coded] = []
        parents = ["", ""]  # the 类 and 款 digits the next rows sit under
        for cr in rows:
            if cr.is_total:
                out.append(Coded(cr.row, None, cr.name, "total"))
                continue
            if not cr.level:
                continue  # level unknown: left out, so sums over this table's levels are not checked
            code, provisional = cr.code, False
            if cr.level == 1:
                parents = [code or "", ""]
            elif cr.level == 2:
                if code is None:
                    code, provisional = parents[0] + "00", True
                parents[1] = code
            elif code is None:
                code, provisional = (parents[1] or parents[0] + "00") + "00", True
            if re.fullmatch(pattern, code):
                out.append(Coded(cr.row, code, cr.name, "line", provisional))
        return out, cols

    def uncoded_amount_rows(self, view: TableView, coded: list[Coded]) -> list[int]:
        """Body rows with amounts that are neither a coded line, a total nor a
        unit row: their codes could not be read, so sums over codes are incomplete."""
        known = {x.row for x in coded}
        out = []
        for r in view.layout.body:
            if r in known:
                continue
            if any(is_amount(c) and "." in c for c in view.table.rows[r]):
                out.append(r)
        return out

    def amount_columns(self, view: TableView, after: int) -> list[int]:
        """Columns right of ``after`` holding at least one amount in the body
        (a 行次/栏次 column of small integers is not an amount column), leaving
        out another period's heading group ('2025年预算数' beside '2026年预算数')."""
        t, lay = view.table, view.layout
        cols = []
        own_period = fin.current_group_columns(view, self.year)
        for c in range(after + 1, t.width):
            if own_period is not None and c not in own_period:
                continue  # last year's figures printed beside this year's
            path = lay.path_text(c)
            if "行次" in path or "栏次" in path or "序号" in path:
                continue
            cells = [norm(t.rows[r][c]) for r in lay.body if norm(t.rows[r][c])]
            amounts = [x for x in cells if is_amount(x)]
            if not amounts:
                # an empty amount column still counts when its heading says so
                if cells:
                    continue
                if not path:
                    continue
            small = [x for x in amounts if re.fullmatch(r"\d{1,2}", x)]
            if amounts and len(small) == len(amounts) and len(amounts) > 3:
                continue
            last = lay.path(c)[-1] if lay.path(c) else ""
            if last in ("类", "款", "项") or any(w in path for w in ("编码", "代码", "科目名称")):
                continue  # a code column (政府预算经济分类 509 / 05 beside the amounts)
            if amounts and all(re.fullmatch(r"\d+", x) for x in amounts) and not re.search(
                r"合计|小计|总计|金额|预算|决算|支出|收入|经费|拨款|资金", path
            ):
                continue
            cols.append(c)
        return cols

    # ------------------------------------------------------------ narrative

    @cached_property
    def paragraphs(self) -> list[dict]:
        return list(self.doc.get("paragraphs") or [])
