"""The figures a narrative (情况说明) can name, read from the tables once per
document: each item (收入合计, 基本支出, a function class, a 三公 part,
固定资产总额 …) with the table values it may be compared with, the Chinese name
of an item, and how closely a printed figure must match.

Shared by the narrative rules (``rules_narrative_tables``, ``rules_narrative_sums``).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from analysis import narrative as nv
from analysis.arithmetic_three_public import three_public_groups
from analysis.checks import Where
from analysis.checks_context import Context, value
from analysis.table_reading import assets_value_col, class_code, first_amount_col, function_classes, label_level, sides
from loaders.recognise import financial as fin
from loaders.recognise.cells import norm


ZERO = Decimal(0)
HALF = Decimal("0.5")
DOUBLE_ROUNDING = Decimal("0.55")


@dataclass
class Candidate:
    value: Decimal
    label: str
    table: str | None
    page: int | None
    row: int | None
    scope: str = "all"
    stage: str | None = None


class TableFigures:
    """Table values by narrative key."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.values: dict[str, list[Candidate]] = {}
        self._build()

    def add(self, key: str | None, v: Decimal | None, label: str, view=None, row=None, scope="all", stage=None,
            blank_is_zero: bool = False) -> None:
        if key is None:
            return
        if v is None:
            if not blank_is_zero:
                return
            v = ZERO
        table = view.title if view is not None else label
        page = view.row_page(row) if view is not None and row is not None else None
        self.values.setdefault(key, []).append(Candidate(v, label, table or None, page, row, scope, stage))

    def get(self, key: str, scope: str = "all") -> list[Candidate]:
        keys = [key]
        if key == "total_either":
            keys = ["revenue_total", "expenditure_total", "grand_total"]
        if key in ("revenue_total", "expenditure_total"):
            keys = [key, "grand_total"] if self.ctx.kind == "budget" else [key]
        out = []
        for k in keys:
            out.extend(self.values.get(k, []))
        if scope in ("government_fund", "state_capital"):
            return [c for c in out if c.scope == scope] + (
                [c for c in self.values.get(scope, [])] if key in ("revenue_total", "expenditure_total", "total_either") else []
            )
        # the same scope first
        out.sort(key=lambda c: (0 if c.scope == scope else 1 if c.scope in ("all", "fiscal") else 2))
        return [c for c in out if c.scope not in ("government_fund", "state_capital")] or []

    # ------------------------------------------------------------ sources

    def _build(self) -> None:
        ctx = self.ctx
        doc = ctx.doc
        sources = (doc.get("sources") or {}).get("totals") or {}
        for key, v in (doc.get("totals") or {}).items():
            src = sources.get(key) or {}
            if src.get("origin") == "narrative" or v is None:
                continue
            self.add(key, v, key, None, None, "all")
            self.values[key][-1].table = src.get("table")
            self.values[key][-1].page = src.get("page")
            self.values[key][-1].row = src.get("row")
        for view in ctx.views:
            if not ctx.has_amounts(view) and view.family not in ("government_fund", "state_capital"):
                continue
            try:
                getattr(self, f"_from_{view.family}", lambda v: None)(view)
            except Exception:  # a table we cannot read adds no candidates
                continue
        self._three_public()

    def _two_sided(self, view, scope: str) -> None:
        for side, lc, vcols in sides(view):
            if view.table.ragged:
                vcols = vcols[:1]  # shifted headings: only the first column is sure
            for i, vc in enumerate(vcols):
                col_scope = scope
                if i > 0 or len(vcols) > 1:
                    path = view.layout.path_text(vc)
                    col_scope = nv.scope_of(path) if nv.scope_of(path) != "all" else scope
                    if "其中" in path:
                        continue
                for r in view.layout.body:
                    label = view.table.rows[r][lc]
                    lv = label_level(label)
                    if lv in ("empty", "of"):
                        continue
                    v = value(view, r, vc)
                    key = None
                    t = norm(label).rstrip(":：")
                    if lv == "grand":
                        key = "grand_total"
                    elif lv == "total":
                        key = "revenue_total" if side == "收入" else "expenditure_total"
                    elif side == "支出":
                        code = class_code(label)
                        key = f"class:{code}" if code else nv.key_of(fin.label_key(label))
                    else:
                        key = nv.key_of(fin.label_key(label))
                        if key is None and re.search(r"一般公共预算", t):
                            key = "general_public_budget"
                        if key == "revenue_total" and scope == "fiscal" and i == 0:
                            pass
                    if key in ("revenue_total", "expenditure_total", "total_either") and lv not in ("total", "grand"):
                        key = None
                    self.add(key, v, fin.label_key(label), view, r, col_scope, blank_is_zero=True)
                    if scope == "fiscal" and lv == "total" and side == "收入":
                        self.add("fiscal_appropriation", v, fin.label_key(label), view, r, "fiscal")

    def _from_summary(self, view) -> None:
        self._two_sided(view, "all")

    def _from_fiscal_summary(self, view) -> None:
        self._two_sided(view, "fiscal")

    def _function_table(self, view, scope: str) -> None:
        ctx = self.ctx
        coded, cols = ctx.coded_rows(view, r"2\d{2}(\d{2}){0,2}")
        amount_cols = ctx.amount_columns(view, first_amount_col(cols))
        if not amount_cols:
            return
        classes, total_row = function_classes(ctx, view, amount_cols[0])
        for code, cv in classes.items():
            self.add(f"class:{code}", cv.value, f"{code}类", view, cv.row, scope, blank_is_zero=True)
        if total_row is None:
            return
        lay = view.layout
        self.add("expenditure_total" if view.family != "income" else "revenue_total",
                 value(view, total_row, amount_cols[0]), "合计", view, total_row, scope)
        if view.table.ragged:
            return
        for c in amount_cols:
            path = lay.path(c)
            text = "/".join(path)
            last = path[-1] if path else ""
            if "其中" in text:
                continue
            if view.family == "income":
                if "本年收入" in text and (last in ("小计", "合计") or last.startswith("本年收入")):
                    self.add("revenue_total", value(view, total_row, c), text, view, total_row, scope)
                if "财政拨款" in last:
                    self.add("fiscal_appropriation", value(view, total_row, c), text, view, total_row, scope)
                continue
            if "基本支出" in text and (last in ("小计", "合计") or last.startswith("基本支出")):
                self.add("basic", value(view, total_row, c), "基本支出", view, total_row, scope)
            if "项目支出" in text and (last in ("小计", "合计") or last.startswith("项目支出")):
                self.add("project", value(view, total_row, c), "项目支出", view, total_row, scope)
            for word, key in (("上缴上级", "line:上缴上级支出"), ("上解上级", "line:上缴上级支出"),
                              ("经营支出", "line:经营支出"), ("对附属单位", "line:对附属单位补助支出")):
                if word in last:
                    self.add(key, value(view, total_row, c), last, view, total_row, scope, blank_is_zero=True)

    def _from_income(self, view) -> None:
        self._function_table(view, "all")

    def _from_expenditure(self, view) -> None:
        self._function_table(view, "all")

    def _from_general_public_budget(self, view) -> None:
        self._function_table(view, "general_public_budget")

    def _fund_table(self, view, scope: str) -> None:
        if not self.ctx.has_amounts(view):
            self.add("revenue_total", ZERO, "空表", view, None, scope)
            self.add("expenditure_total", ZERO, "空表", view, None, scope)
            self.add(scope, ZERO, "空表", view, None, scope)
            return
        self._function_table(view, scope)

    def _from_government_fund(self, view) -> None:
        self._fund_table(view, "government_fund")

    def _from_state_capital(self, view) -> None:
        self._fund_table(view, "state_capital")

    def _from_basic_expenditure(self, view) -> None:
        _lines, totals = fin.economic_lines(view, [])
        for key, f in totals.items():
            name = {"total": "basic"}.get(key, key)
            self.add(name, f.value, key, view, f.row, "general_public_budget")

    def _from_assets(self, view) -> None:
        t = view.table
        col = assets_value_col(view)
        if col is None:
            return
        for r in range(len(t.rows)):
            if re.match(r"^(资产总额|合计|总计)", norm(t.rows[r][0])):
                self.add("fixed_assets", value(view, r, col), "资产总额", view, r)
                break

    def _three_public(self) -> None:
        """三公 values from the table itself — every group (预算数 / 决算数),
        both 合计 and “三公”经费小计, blanks as 0 — and rows such as 会议费."""
        view = self.ctx.first("three_public")
        if view is None:
            doc = self.ctx.doc
            src = (doc.get("sources") or {}).get("three_public") or {}
            for key, v in (doc.get("three_public") or {}).items():
                if v is not None and (src.get(key) or {}).get("origin") != "narrative":
                    self.add(f"three_public.{key}", v, key, None, None, "fiscal")
            return
        default_stage = "actual" if self.ctx.kind == "final_accounts" else "budget"
        for group, items in three_public_groups(self.ctx, view):
            stage = {"budget": "budget", "actual": "actual"}.get(group, default_stage if group == "" else None)
            for item, entries in items.items():
                for v, r, label in entries:
                    if item in ("total", "total3"):
                        key = "three_public.total"
                    elif item == "other":
                        key = f"item:{fin.label_key(label)}"
                    else:
                        key = f"three_public.{item}"
                    self.add(key, v, label, view, r, "fiscal", stage, blank_is_zero=True)


def narrative_inputs(ctx: Context) -> tuple[list[nv.Fact], TableFigures | None]:
    """The narrative's facts and the table figures, made once per document and
    shared by the narrative rules (in order: a unit slip one rule corrects is
    the figure the later ones compare); no facts, no figures."""

    def make():
        facts = nv.facts(ctx.paragraphs)
        return facts, (TableFigures(ctx) if facts else None)

    return ctx.shared("narrative", make)


def referring(facts: list[nv.Fact], kind: str) -> Iterator[tuple[nv.Fact, nv.Fact]]:
    """Each fact of ``kind`` (share, rate, execution) with the fact it speaks of:
    what the share, rate and execution rules each recompute."""
    for f in facts:
        if f.kind == kind and f.ref is not None:
            yield f, facts[f.ref]


def where_in_narrative(f: nv.Fact, table: str | None = "情况说明") -> Where:
    return Where(table=table, page=f.page, row=None)


def printed_tolerance(printed: str) -> Decimal:
    """One unit of the last printed digit, in 万元 (a figure printed in 元
    is exact to the 元); never finer than the tables' 0.01 万元 rounding.

    Narratives round or cut off ('1,256万元' for 1256.58 万元): either way
    the figure is within one unit of its last digit.
    """
    d = nv.decimals(printed)
    half = Decimal(10) ** -d
    if re.search(r"\d\s*元", printed) and "万元" not in printed:
        return half / Decimal(10000)
    return max(half, Decimal("0.005"))


def matching(v: Decimal, printed: str, cands: list[Candidate]) -> Candidate | None:
    tol = printed_tolerance(printed)
    for c in cands:
        if abs(v - c.value) <= tol:
            return c
    return None


SKIP_KEYS = ("procurement",)
ITEM_NAMES = {
    "revenue_total": "收入合计",
    "expenditure_total": "支出合计",
    "grand_total": "收支总计",
    "total_either": "收支总额",
    "carryover_begin": "上年结转结余",
    "carryover_end": "年末结转结余",
    "basic": "基本支出",
    "project": "项目支出",
    "personnel": "人员经费",
    "public": "公用经费",
    "fiscal_appropriation": "财政拨款收入",
    "general_public_budget": "一般公共预算收入",
    "government_fund": "政府性基金预算收入",
    "state_capital": "国有资本经营预算收入",
    "operating_expenses": "机关运行经费",
    "three_public.total": "“三公”经费",
    "three_public.outbound": "因公出国（境）费",
    "three_public.vehicle_total": "公务用车购置及运行维护费",
    "three_public.vehicle_purchase": "公务用车购置费",
    "three_public.vehicle_operation": "公务用车运行维护费",
    "three_public.reception": "公务接待费",
    "fixed_assets": "固定资产总额",
}


def item_name(key: str | None) -> str:
    if key is None:
        return "金额"
    if key.startswith("class:"):
        return f"{key[6:]}类支出"
    if key.startswith("line:") or key.startswith("item:"):
        return key.split(":", 1)[1]
    return ITEM_NAMES.get(key, key)


def quote(f: nv.Fact) -> str:
    s = re.sub(r"\s+", "", f.sentence)
    return s if len(s) <= 60 else s[:58] + "…"

