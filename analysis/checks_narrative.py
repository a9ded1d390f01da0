"""The narrative (情况说明) against the tables, and against itself.

* every amount the narrative names (收入合计, 基本支出, 人员经费, 三公 and its
  parts, 机关运行经费, a function class, 固定资产总额 …) equals a table value
  for the same item;
* a figure written in 元 that is plainly 万元 (it equals the table value read as
  万元, or the 万元 parts listed with it add up to it) is a unit slip;
* shares (占 85.33%) follow from the amounts; year-on-year changes and their
  percentages agree (a 100 % increase needs a non-zero previous year);
  完成年初预算的 % follows from the amounts it compares;
* the parts the narrative lists add up to the total it gives (基本 + 项目,
  人员 + 公用, the 三公 parts, a numbered list of items);
* 评优率 = 优 / (优 + 良 + 中 + 差);
* the date the asset table is "as at" agrees with the narrative's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from analysis import narrative as nv
from analysis.checks import Checker, Where, fmt
from analysis.checks_context import Context, value
from analysis.checks_cross import class_code, function_classes
from analysis.checks_tables import _assets_value_col, _first_amount_col, label_level, sides, three_public_groups
from loaders.recognise import financial as fin
from loaders.recognise.cells import is_amount, norm

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


class Registry:
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
        amount_cols = ctx.amount_columns(view, _first_amount_col(cols))
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
        col = _assets_value_col(view)
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


# ====================================================================== checks


def run(ctx: Context, checker: Checker) -> None:
    facts = nv.facts(ctx.paragraphs)
    if not facts:
        return
    registry = Registry(ctx)
    _unit_slips(ctx, facts, registry, checker)
    _levels(ctx, facts, registry, checker)
    _shares(ctx, facts, registry, checker)
    _changes(ctx, facts, registry, checker)
    _executions(ctx, facts, registry, checker)
    _narrative_sums(ctx, facts, checker)
    _listed_items(ctx, facts, checker)
    _grade_rate(ctx, checker)
    _asset_date(ctx, checker)
    _empty_table_notes(ctx, checker)


def _where(f: nv.Fact, table: str | None = "情况说明") -> Where:
    return Where(table=table, page=f.page, row=None)


def _tol(printed: str) -> Decimal:
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


def _matches(v: Decimal, printed: str, cands: list[Candidate]) -> Candidate | None:
    tol = _tol(printed)
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


def _quote(f: nv.Fact) -> str:
    s = re.sub(r"\s+", "", f.sentence)
    return s if len(s) <= 60 else s[:58] + "…"


# ---------------------------------------------------------------- units


def _unit_slips(ctx: Context, facts: list[nv.Fact], registry: Registry, checker: Checker) -> None:
    scale = ctx.doc.get("unit_scale") or "万元"
    for f in facts:
        if f.kind != "amount" or f.number == 0 or f.unit not in ("元", "万元"):
            continue
        cands = registry.get(f.key, f.scope) if f.key and f.key not in SKIP_KEYS and not f.per_unit else []
        if f.unit == "元" and scale == "万元":
            as_wan = f.number
            hit = _matches(as_wan, f.printed, cands)
            parts_sum = _parts_in_sentence(facts, f)
            plain = nv.decimals(f.printed) == 2 and f.number < 100000 and f.key is not None and not f.per_unit
            if hit is not None and _matches(f.value, f.printed, cands) is None:
                reason = f"与{hit.table or '表'}列示的 {fmt(hit.value)} 万元相同"
            elif parts_sum is not None and parts_sum == as_wan:
                reason = f"其后所列各项（万元）合计也是 {fmt(parts_sum)}"
            elif plain and _wan_in_sentence(facts, f):
                reason = "同一句中其他金额均以万元计"
            else:
                continue
            f.extra["unit_slip"] = True
            f.value = as_wan
            checker.add(
                "narrative.unit",
                "error" if hit is not None or parts_sum is not None else "warning",
                "unit",
                f"情况说明写作“{f.printed}”，应为 {fmt(as_wan)} 万元：{reason}（“{_quote(f)}”）",
                _where(f),
                expected=f"{fmt(as_wan)}万元",
                found=f.printed,
            )
        elif f.unit == "万元" and cands and f.number >= 10000:
            as_yuan = f.number / Decimal(10000)
            hit = _matches(as_yuan, "0.00", cands)
            if hit is not None and _matches(f.value, f.printed, cands) is None:
                f.extra["unit_slip"] = True
                f.value = as_yuan
                checker.add(
                    "narrative.unit",
                    "error",
                    "unit",
                    f"情况说明写作“{f.printed}”，数额是以元计的 {fmt(as_yuan)} 万元（与{hit.table or '表'}相同）",
                    _where(f),
                    expected=f"{fmt(as_yuan)}万元",
                    found=f.printed,
                )


def _parts_in_sentence(facts: list[nv.Fact], f: nv.Fact) -> Decimal | None:
    """The 万元 amounts listed after ``f`` in its passage ("其中：办公费3.83万元、…")."""
    after = [g for g in facts if g.passage == f.passage and g.index > f.index and g.kind == "amount"
             and g.unit == "万元"]
    if len(after) < 2:
        return None
    return sum((g.value for g in after), ZERO)


def _wan_in_sentence(facts: list[nv.Fact], f: nv.Fact) -> bool:
    return any(g.sentence == f.sentence and g.unit == "万元" and g.index != f.index for g in facts) or any(
        g.passage == f.passage and g.unit == "万元" for g in facts if g.index != f.index
    )


# ---------------------------------------------------------------- levels


def _levels(ctx: Context, facts: list[nv.Fact], registry: Registry, checker: Checker) -> None:
    for f in facts:
        if f.kind != "amount" or f.key is None or f.key in SKIP_KEYS or f.per_unit:
            continue
        cands = registry.get(f.key, f.scope)
        if f.key == "operating_expenses":
            cands = [c for c in cands if c.table not in (None, "情况说明")]
        if not cands:
            continue
        if f.stage and any(c.stage == f.stage for c in cands) and f.key.startswith("three_public"):
            cands = [c for c in cands if c.stage in (f.stage, None)]
        printed = f.printed if not f.extra.get("unit_slip") else f"{f.number}万元"
        hit = _matches(f.value, printed, cands)
        if hit is not None:
            checker.ok("narrative.table")
            continue
        best = _preferred(cands, f)
        uncertain = f.extra.get("inherited") or f.key in ("total_either",) or f.key.startswith("item:")
        # several different table values and the narrative matches none: still a mismatch
        others = sorted({fmt(c.value) for c in cands if c.value != best.value})
        also = f"（表中其他口径：{'、'.join(others[:3])}）" if others else ""
        checker.add(
            "narrative.table",
            "warning" if uncertain else "error",
            "narrative_vs_table",
            f"情况说明称{item_name(f.key)} {fmt(f.value)} 万元，{best.table or '表'}列示 {fmt(best.value)} 万元"
            f"（相差 {fmt(f.value - best.value)}）{also}：“{_quote(f)}”",
            _where(f),
            expected=best.value,
            found=f.value,
            narrative=f.printed,
            source_table=best.table,
            source_page=best.page,
            source_row=best.row,
        )


def _preferred(cands: list[Candidate], f: nv.Fact) -> Candidate:
    def rank(c: Candidate):
        return (
            0 if c.scope == f.scope else 1,
            0 if (f.stage is None or c.stage is None or c.stage == f.stage) else 1,
            0 if c.table and c.table != c.label else 1,
        )

    return sorted(cands, key=rank)[0]


# ---------------------------------------------------------------- percentages


def _interval(v: Decimal, printed: str) -> tuple[Decimal, Decimal]:
    """The values a printed figure may stand for, rounded (twice, as
    61.845 → 61.85 → '61.9%') or cut off ('1.4%' for 1.4537 %): from 0.55 of
    a unit below to a whole unit above."""
    unit = Decimal(10) ** -nv.decimals(printed)
    return v - DOUBLE_ROUNDING * unit, v + unit


def _ratio_fits(num: Decimal, num_printed: str, den: Decimal, den_printed: str, pct: Decimal, pct_printed: str) -> bool:
    if den == 0:
        return False
    n_lo, n_hi = _interval(num, num_printed)
    d_lo, d_hi = _interval(den, den_printed)
    if d_lo <= 0:
        d_lo = den / 2
    lo = min(n_lo / d_hi, n_lo / d_lo) * 100
    hi = max(n_hi / d_lo, n_hi / d_hi) * 100
    p_lo, p_hi = _interval(pct, pct_printed)
    return not (hi < p_lo or lo > p_hi)


def _printed_wan(f: nv.Fact) -> str:
    return f.printed if f.unit == "万元" or f.extra.get("unit_slip") else format(f.value, "f")


_QUALIFIED_BASE = re.compile(r"除外|不含|不包括|扣除|剔除")


def _shares(ctx: Context, facts: list[nv.Fact], registry: Registry, checker: Checker) -> None:
    for f in facts:
        if f.kind != "share" or f.ref is None:
            continue
        a = facts[f.ref]
        pct = f.value
        if a.value == 0:
            if pct == 0:
                checker.ok("narrative.share")
            continue
        denominators: list[tuple[Decimal, str, str]] = []  # (value, printed, what)
        named = None
        if f.denominator and _QUALIFIED_BASE.search(f.denominator):
            continue  # '财政性资金（人员类…除外）总额': a base no table prints
        if f.denominator:
            key = nv.key_of(f.denominator)
            scope = nv.scope_of(f.denominator)
            if key is not None:
                for g in facts:
                    if g.passage == f.passage and g.kind == "amount" and g.key == key and g.index != a.index:
                        denominators.append((g.value, _printed_wan(g), f"情况说明所称{item_name(key)}"))
                for c in registry.get(key, scope):
                    denominators.append((c.value, "0.00", f"{c.table or '表'}列示的{item_name(key)}"))
                named = key
        if not named:
            for g in facts:
                if g.section == f.section and g.kind == "amount" and g.index < a.index and g.value >= a.value:
                    denominators.append((g.value, _printed_wan(g), f"“{item_name(g.key)} {fmt(g.value)}”"))
            for parent in _parent_keys(a.key, a.scope):
                for c in registry.get(parent, a.scope)[:4]:
                    denominators.append((c.value, "0.00", f"{c.table or '表'}列示的{item_name(parent)}"))
        if not denominators:
            continue
        if any(_ratio_fits(a.value, _printed_wan(a), d, dp, pct, f.printed) for d, dp, _w in denominators):
            checker.ok("narrative.share")
            continue
        if named:
            d, dp, what = denominators[0]
        else:  # the reading nearest to what the narrative says
            d, dp, what = min(
                (x for x in denominators if x[0]), key=lambda x: abs(a.value / x[0] * 100 - pct), default=denominators[-1]
            )
        actual = a.value / d * 100 if d else None
        # Off by less than one printed unit more ('59.0%' for 58.94 %): a slip of
        # rounding worth a look, not an error.
        slight = actual is not None and abs(actual - pct) <= 2 * Decimal(10) ** -nv.decimals(f.printed)
        # '共涉及资金5105.75万元，占项目支出总额的100%': the funds projects cover are
        # counted on the budget basis, the final accounts' table on what was spent;
        # only an amount beyond all the year's money is plainly wrong.
        covered = bool(nv.COVERAGE.search(a.subject)) and not _beyond_the_years_money(a.value, registry)
        checker.add(
            "narrative.share",
            "warning" if slight or covered else "error",
            "narrative_vs_table" if named else "narrative_arithmetic",
            f"情况说明称{item_name(a.key)} {fmt(a.value)} 万元占{f.denominator or ''} {f.printed}，"
            f"但按{what} {fmt(d)} 万元计算为 {actual:.2f}%：“{_quote(f)}”",
            _where(f),
            expected=actual.quantize(Decimal("0.01")) if actual is not None else None,
            found=pct,
        )


def _beyond_the_years_money(amount: Decimal, registry: Registry) -> bool:
    """More than the year's income and carry-over together (收入总计): no basis makes it a share of anything."""
    totals = [c.value for key in ("grand_total",) for c in registry.get(key, "all")]
    if not totals:
        parts = [registry.get(k, "all") for k in ("revenue_total", "carryover_begin")]
        if parts[0]:
            totals = [parts[0][0].value + (parts[1][0].value if parts[1] else ZERO)]
    return bool(totals) and amount > max(totals) + HALF


def _parent_keys(key: str | None, scope: str = "all") -> list[str]:
    """The totals a share of ``key`` may be "of" (a fund's own appropriation
    when the sentence is about one fund: '一般公共服务（类）支出…占1.6%' of
    the 一般公共预算 当年拨款)."""
    if key is None:
        return []
    fund = [scope] if scope in ("general_public_budget", "government_fund", "state_capital") else []
    if key.startswith("three_public.") and key != "three_public.total":
        return ["three_public.total"]
    if key in ("basic", "project") or key.startswith("class:") or key.startswith("line:") and "支出" in key:
        return fund + ["expenditure_total"]
    if key in ("personnel", "public"):
        return fund + ["expenditure_total", "basic"]
    if key in ("fiscal_appropriation", "general_public_budget", "government_fund", "state_capital") or (
        key.startswith("line:")
    ):
        return ["revenue_total"]
    return []


def _current_value(f_change: nv.Fact, facts: list[nv.Fact], registry: Registry) -> tuple[Decimal, str, str] | None:
    if f_change.ref is not None:
        g = facts[f_change.ref]
        return g.value, _printed_wan(g), f"情况说明所称 {fmt(g.value)} 万元"
    if f_change.key:
        cands = registry.get(f_change.key, f_change.scope)
        if cands:
            c = cands[0]
            return c.value, "0.00", f"{c.table or '表'}列示的 {fmt(c.value)} 万元"
    return None


def _changes(ctx: Context, facts: list[nv.Fact], registry: Registry, checker: Checker) -> None:
    for f in facts:
        if f.kind != "rate" or f.ref is None:
            continue
        change = facts[f.ref]
        if change.kind != "change":
            continue
        current = _current_value(change, facts, registry)
        if current is None:
            continue
        now, now_printed, what = current
        delta = change.value
        prior = now - delta
        if abs(f.value) == 0 and delta == 0:
            checker.ok("narrative.change")
            continue
        if prior <= 0:
            if delta != 0:
                checker.add(
                    "narrative.change",
                    "error",
                    "narrative_arithmetic",
                    f"情况说明称{item_name(change.key)}{'增加' if delta > 0 else '减少'} {fmt(abs(delta))} 万元、"
                    f"{'增长' if f.value > 0 else '下降'} {f.printed}，但本年为{what}，上年应为 {fmt(prior)} 万元，"
                    f"增减比例无从计算：“{_quote(f)}”",
                    _where(f),
                    expected=None,
                    found=f.value,
                )
            continue
        if _ratio_fits(abs(delta), change.printed if change.unit == "万元" else "0.00", prior, now_printed, abs(f.value),
                       f.printed):
            checker.ok("narrative.change")
            continue
        actual = abs(delta) / prior * 100
        checker.add(
            "narrative.change",
            "error",
            "narrative_arithmetic",
            f"情况说明称{item_name(change.key)}{'增加' if delta > 0 else '减少'} {fmt(abs(delta))} 万元、"
            f"变动 {f.printed}，按本年 {fmt(now)} 万元、上年 {fmt(prior)} 万元计算应为 {actual:.2f}%：“{_quote(f)}”",
            _where(f),
            expected=actual.quantize(Decimal("0.01")),
            found=f.value,
        )


def _executions(ctx: Context, facts: list[nv.Fact], registry: Registry, checker: Checker) -> None:
    for f in facts:
        if f.kind != "execution" or f.ref is None:
            continue
        actual = facts[f.ref]
        budget: tuple[Decimal, str, str] | None = None
        # "…，完成年初预算的153.1%，比年初预算增加6012.99万元"
        for g in facts:
            if g.sentence == f.sentence and g.kind == "change" and g.index > f.index and re.search(
                r"(比|较)(年初)?预算", g.subject
            ):
                budget = (actual.value - g.value, "0.00", f"比预算{'增加' if g.value > 0 else '减少'} {fmt(abs(g.value))} 万元")
                break
        if budget is None:
            for g in facts:
                if g.passage == f.passage and g.kind == "amount" and g.index < actual.index and g.stage == "budget" and (
                    g.key == actual.key
                ) and g.index >= actual.index - 3:
                    budget = (g.value, _printed_wan(g), f"预算 {fmt(g.value)} 万元")
        if budget is None:
            continue
        b, b_printed, what = budget
        if b == 0:
            continue
        if _ratio_fits(actual.value, _printed_wan(actual), b, b_printed, f.value, f.printed):
            checker.ok("narrative.execution")
            continue
        ratio = actual.value / b * 100
        checker.add(
            "narrative.execution",
            "error",
            "narrative_arithmetic",
            f"情况说明称完成预算的 {f.printed}，但{item_name(actual.key)} {fmt(actual.value)} 万元、{what}，"
            f"计算为 {ratio:.2f}%：“{_quote(f)}”",
            _where(f),
            expected=ratio.quantize(Decimal("0.01")),
            found=f.value,
        )


# ---------------------------------------------------------------- the narrative's own sums

NARRATIVE_SUMS = [
    ("expenditure_total", ("basic", "project", "line:上缴上级支出", "line:经营支出", "line:对附属单位补助支出"), 2),
    ("basic", ("personnel", "public"), 2),
    ("three_public.total", ("three_public.outbound", "three_public.vehicle_total", "three_public.reception"), 2),
    ("three_public.vehicle_total", ("three_public.vehicle_purchase", "three_public.vehicle_operation"), 2),
]


def _narrative_sums(ctx: Context, facts: list[nv.Fact], checker: Checker) -> None:
    sections: dict[int, list[nv.Fact]] = {}
    for f in facts:
        if f.kind == "amount" and f.key and not f.per_unit:
            sections.setdefault(f.section, []).append(f)
    for sec, fs in sections.items():
        for stage in _stages(fs):
            chosen = [f for f in fs if f.stage in (stage, None)] if stage else fs
            first: dict[str, nv.Fact] = {}
            for f in chosen:
                first.setdefault(f.key, f)
            if "expenditure_total" not in first and "total_either" in first:
                first["expenditure_total"] = first["total_either"]
            for total_key, part_keys, need in NARRATIVE_SUMS:
                total = first.get(total_key)
                parts = [first[k] for k in part_keys if k in first]
                if total_key == "three_public.total" and "three_public.vehicle_total" not in first:
                    extra = [first[k] for k in ("three_public.vehicle_purchase", "three_public.vehicle_operation") if k in first]
                    parts += extra
                if total is None or len(parts) < need:
                    continue
                if any(p.index < total.index - 1 and p.sentence != total.sentence for p in parts):
                    continue  # parts quoted before the total belong to something else
                s = sum((p.value for p in parts), ZERO)
                tol = sum((_tol(p.printed) for p in parts), _tol(total.printed))
                if abs(s - total.value) <= tol:
                    checker.ok("narrative.sum")
                    continue
                terms = " + ".join(f"{item_name(p.key)} {fmt(p.value)}" for p in parts)
                checker.add(
                    "narrative.sum",
                    "error",
                    "narrative_arithmetic",
                    f"情况说明中{item_name(total_key)} {fmt(total.value)} 万元 ≠ {terms} = {fmt(s)} 万元"
                    f"（相差 {fmt(total.value - s)}）：“{_quote(total)}”",
                    _where(total),
                    expected=s,
                    found=total.value,
                )


def _stages(fs: list[nv.Fact]) -> list[str | None]:
    stages = {f.stage for f in fs if f.stage}
    if "actual" in stages and "budget" in stages:
        return ["actual", "budget"]
    return [None]


_LIST_ITEM = re.compile(r"^\s*[（(]\d+[)）]|^\s*\d+[、.．]")


def _listed_items(ctx: Context, facts: list[nv.Fact], checker: Checker) -> None:
    """"项目支出1229.79万元，主要为：（1）…3.00万元；（2）…" — the items add up to it."""
    for f in facts:
        if f.kind != "amount" or f.key is None:
            continue
        tail = f.sentence[f.sentence.find(f.printed) + len(f.printed):] if f.printed in f.sentence else ""
        if not re.match(r"^\s*[，,]?\s*(主要(为|是|包括|用于)|具体(如下|包括)|包括)[:：]?\s*$", tail):
            continue
        items = []
        for g in facts[f.index + 1:]:
            if g.kind != "amount":
                continue
            if g.section != f.section or not _LIST_ITEM.match(g.subject):
                break
            items.append(g)
        if len(items) < 2:
            continue
        s = sum((g.value for g in items), ZERO)
        if abs(s - f.value) <= sum((_tol(g.printed) for g in items), ZERO):
            checker.ok("narrative.list_sum")
            continue
        checker.add(
            "narrative.list_sum",
            "error",
            "narrative_arithmetic",
            f"情况说明称{item_name(f.key)} {fmt(f.value)} 万元，其后所列 {len(items)} 项合计 {fmt(s)} 万元"
            f"（相差 {fmt(f.value - s)}）",
            _where(f),
            expected=s,
            found=f.value,
        )


# ---------------------------------------------------------------- 评优率

_GRADES = re.compile(r"[“\"]?(优|良|中|差|合格|不合格)[”\"]?(的)?(项目)?\s*(\d+)\s*个")
_GRADE_RATE = re.compile(r"(评优率|优秀率|优良率)(为|达|是)?\s*(\d+(?:\.\d+)?)\s*[%％]")


def _grade_rate(ctx: Context, checker: Checker) -> None:
    for p in nv.passages(ctx.paragraphs):
        text = re.sub(r"\s+", "", p.text)
        m = _GRADE_RATE.search(text)
        if not m:
            continue
        counts: dict[str, int] = {}
        for g in _GRADES.finditer(text[: m.start()]):
            counts.setdefault(g.group(1), int(g.group(4)))
        if "优" not in counts or len(counts) < 2:
            continue
        evaluated = sum(counts.values())
        numerator = counts["优"] + (counts.get("良", 0) if m.group(1) == "优良率" else 0)
        if evaluated == 0:
            continue
        rate = Decimal(m.group(3))
        ratio = Decimal(numerator) / Decimal(evaluated) * 100
        half = HALF * Decimal(10) ** -nv.decimals(m.group(3))
        if abs(ratio - rate) <= half + Decimal("0.005"):
            checker.ok("narrative.grade_rate")
            continue
        parts = "、".join(f"{k} {v} 个" for k, v in counts.items())
        checker.add(
            "narrative.grade_rate",
            "error",
            "narrative_arithmetic",
            f"情况说明称{m.group(1)} {m.group(3)}%，但评价结果为 {parts}（共 {evaluated} 个），"
            f"{m.group(1)}应为 {numerator}/{evaluated} = {ratio:.1f}%",
            Where("情况说明", p.page_at(0), None),
            expected=ratio.quantize(Decimal("0.1")),
            found=rate,
        )


# ---------------------------------------------------------------- dates

_TABLE_DATE = re.compile(r"(截止|截至)(时间|日期)?[:：]?\s*(\d{4})[-年./](\d{1,2})[-月./](\d{1,2})")
_TEXT_DATE = re.compile(r"截[至止](\d{4})年(\d{1,2})月(\d{1,2})日|截[至止]?上年末|上年末")


def _asset_date(ctx: Context, checker: Checker) -> None:
    view = ctx.first("assets")
    if view is None or not ctx.year:
        return
    lines = list(view.table.caption) + view.layout.preamble + [c for row in view.table.rows[:2] for c in row]
    table_date = None
    for line in lines:
        m = _TABLE_DATE.search(norm(line))
        if m:
            table_date = (int(m.group(3)), int(m.group(4)), int(m.group(5)))
            break
    if table_date is None:
        return
    for p in nv.passages(ctx.paragraphs):
        text = norm(p.text)
        if "固定资产" not in text:
            continue
        m = _TEXT_DATE.search(text)
        if not m:
            continue
        if m.group(1):
            said = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
            words = m.group(0)
        else:
            # a budget for year Y is written early in Y (上年末 = Y-1 年末); final
            # accounts for Y are written in Y+1 (上年末 = Y 年末)
            said = (ctx.year if ctx.kind == "final_accounts" else ctx.year - 1, 12, 31)
            words = "上年末"
        if said == table_date:
            checker.ok("narrative.date")
            continue
        checker.add(
            "narrative.date",
            "warning",
            "date",
            f"情况说明称固定资产数据“{words}”（即 {said[0]}-{said[1]:02d}-{said[2]:02d}），"
            f"{view.title}注明截止时间 {table_date[0]}-{table_date[1]:02d}-{table_date[2]:02d}",
            Where(view.title or None, view.page, None),
            expected=f"{said[0]}-{said[1]:02d}-{said[2]:02d}",
            found=f"{table_date[0]}-{table_date[1]:02d}-{table_date[2]:02d}",
        )
        break


# ---------------------------------------------------------------- "本表为空表" notes

_EMPTY_NOTE = re.compile(r"(本表为空表|空表列示|公开空表|故本表为空)")
_NOTE_SUBJECTS = [
    ("three_public", re.compile(r"三公")),
    ("government_fund", re.compile(r"政府性?基金")),
    ("state_capital", re.compile(r"国有资本经营")),
]


def _empty_table_notes(ctx: Context, checker: Checker) -> None:
    """A note saying the table is empty (无…预算，故本表为空表) under a table
    that prints amounts."""
    for par in ctx.paragraphs:
        text = norm(par.get("text") or "")
        if not _EMPTY_NOTE.search(text) or len(text) > 120:
            continue
        family = next((f for f, pat in _NOTE_SUBJECTS if pat.search(text)), None)
        if family is None:
            continue
        views = ctx.of(family)
        if par.get("page") is not None:
            views = [v for v in views if par.get("page") in v.table.pages]
        elif len(views) != 1:
            continue
        for view in views:
            amounts = [
                value(view, r, c)
                for r in view.layout.body
                for c in range(view.table.width)
                if is_amount(view.table.rows[r][c])
            ]
            nonzero = [a for a in amounts if a]
            if not nonzero:
                checker.ok("narrative.empty_note")
                continue
            checker.add(
                "narrative.empty_note",
                "warning",
                "narrative_vs_table",
                f"{view.title}的表注称“{(par.get('text') or '').strip()[:50]}”，但表中列有金额（如 {fmt(nonzero[0])} 万元）",
                Where(view.title or None, par.get("page"), None),
                expected="空表",
                found=nonzero[0],
            )
