"""说明与表格: each figure the narrative (情况说明) states against the tables —
amounts (and an amount written in 元 where 万元 is meant), shares, year-on-year
changes and execution rates, each recomputed from the figures it names.

One rule function per kind of statement, run in this order over the facts and
table figures of ``narrative_figures``.
"""
from __future__ import annotations

import re
from decimal import Decimal

from analysis import narrative as nv
from analysis.checks import Checker, fmt
from analysis.checks_context import Context
from analysis.narrative_figures import (
    DOUBLE_ROUNDING, HALF, SKIP_KEYS, ZERO, Candidate, TableFigures, item_name, matching, narrative_inputs, quote,
    referring, where_in_narrative,
)
from analysis.rules import rule


# ---------------------------------------------------------------- units


@rule("narrative.unit", "unit", "说明中的金额单位")
def unit_slips(ctx: Context, checker: Checker) -> None:
    """An amount written in 元 where the tables' figure is in 万元 (or the reverse); the
    figure is corrected for the rules after it.

    Example: 说明称基本支出 825,298,900 元，表列 82,529.89 万元.
    """
    facts, figures = narrative_inputs(ctx)
    if not facts:
        return
    scale = ctx.doc.get("unit_scale") or "万元"
    for f in facts:
        if f.kind != "amount" or f.number == 0 or f.unit not in ("元", "万元"):
            continue
        cands = figures.get(f.key, f.scope) if f.key and f.key not in SKIP_KEYS and not f.per_unit else []
        if f.unit == "元" and scale == "万元":
            as_wan = f.number
            hit = matching(as_wan, f.printed, cands)
            parts_sum = _parts_in_sentence(facts, f)
            plain = nv.decimals(f.printed) == 2 and f.number < 100000 and f.key is not None and not f.per_unit
            if hit is not None and matching(f.value, f.printed, cands) is None:
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
                f"情况说明写作“{f.printed}”，应为 {fmt(as_wan)} 万元：{reason}（“{quote(f)}”）",
                where_in_narrative(f),
                expected=f"{fmt(as_wan)}万元",
                found=f.printed,
            )
        elif f.unit == "万元" and cands and f.number >= 10000:
            as_yuan = f.number / Decimal(10000)
            hit = matching(as_yuan, "0.00", cands)
            if hit is not None and matching(f.value, f.printed, cands) is None:
                f.extra["unit_slip"] = True
                f.value = as_yuan
                checker.add(
                    "narrative.unit",
                    "error",
                    "unit",
                    f"情况说明写作“{f.printed}”，数额是以元计的 {fmt(as_yuan)} 万元（与{hit.table or '表'}相同）",
                    where_in_narrative(f),
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


@rule("narrative.table", "narrative", "说明与表格数字一致")
def amounts(ctx: Context, checker: Checker) -> None:
    """Every amount the narrative states (收入/支出合计, 基本/项目支出, 三公 items …) equals the table's.

    Example: 说明称基本支出 82,529.89 万元，表5 列示 82,479.29 万元.
    """
    facts, figures = narrative_inputs(ctx)
    if not facts:
        return
    for f in facts:
        if f.kind != "amount" or f.key is None or f.key in SKIP_KEYS or f.per_unit:
            continue
        cands = figures.get(f.key, f.scope)
        if f.key == "operating_expenses":
            cands = [c for c in cands if c.table not in (None, "情况说明")]
        if not cands:
            continue
        if f.stage and any(c.stage == f.stage for c in cands) and f.key.startswith("three_public"):
            cands = [c for c in cands if c.stage in (f.stage, None)]
        printed = f.printed if not f.extra.get("unit_slip") else f"{f.number}万元"
        hit = matching(f.value, printed, cands)
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
            f"（相差 {fmt(f.value - best.value)}）{also}：“{quote(f)}”",
            where_in_narrative(f),
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


@rule("narrative.share", "narrative", "说明中的占比")
def shares(ctx: Context, checker: Checker) -> None:
    """'占 85.33%' recomputes from the amount and the base it names.

    Example: 基本支出 1,000.00 万元，占 85.33% of 支出合计 1,200.00 (= 83.33%).
    """
    facts, figures = narrative_inputs(ctx)
    for f, a in referring(facts, "share"):
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
                for c in figures.get(key, scope):
                    denominators.append((c.value, "0.00", f"{c.table or '表'}列示的{item_name(key)}"))
                named = key
        if not named:
            for g in facts:
                if g.section == f.section and g.kind == "amount" and g.index < a.index and g.value >= a.value:
                    denominators.append((g.value, _printed_wan(g), f"“{item_name(g.key)} {fmt(g.value)}”"))
            for parent in _parent_keys(a.key, a.scope):
                for c in figures.get(parent, a.scope)[:4]:
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
        covered = bool(nv.COVERAGE.search(a.subject)) and not _beyond_the_years_money(a.value, figures)
        checker.add(
            "narrative.share",
            "warning" if slight or covered else "error",
            "narrative_vs_table" if named else "narrative_arithmetic",
            f"情况说明称{item_name(a.key)} {fmt(a.value)} 万元占{f.denominator or ''} {f.printed}，"
            f"但按{what} {fmt(d)} 万元计算为 {actual:.2f}%：“{quote(f)}”",
            where_in_narrative(f),
            expected=actual.quantize(Decimal("0.01")) if actual is not None else None,
            found=pct,
        )


def _beyond_the_years_money(amount: Decimal, figures: TableFigures) -> bool:
    """More than the year's income and carry-over together (收入总计): no basis makes it a share of anything."""
    totals = [c.value for key in ("grand_total",) for c in figures.get(key, "all")]
    if not totals:
        parts = [figures.get(k, "all") for k in ("revenue_total", "carryover_begin")]
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


def _current_value(f_change: nv.Fact, facts: list[nv.Fact], figures: TableFigures) -> tuple[Decimal, str, str] | None:
    if f_change.ref is not None:
        g = facts[f_change.ref]
        return g.value, _printed_wan(g), f"情况说明所称 {fmt(g.value)} 万元"
    if f_change.key:
        cands = figures.get(f_change.key, f_change.scope)
        if cands:
            c = cands[0]
            return c.value, "0.00", f"{c.table or '表'}列示的 {fmt(c.value)} 万元"
    return None


def _report_ratio(checker: Checker, rule_id: str, f, fits: bool, ratio: Decimal, message: str) -> None:
    """A printed percentage that fits its recomputed ``ratio`` passes; otherwise an error
    naming the ratio (to 0.01) it should have been."""
    if fits:
        checker.ok(rule_id)
        return
    checker.add(rule_id, "error", "narrative_arithmetic", message, where_in_narrative(f),
                expected=ratio.quantize(Decimal("0.01")), found=f.value)


@rule("narrative.change", "narrative", "说明中的增减额、增幅")
def changes(ctx: Context, checker: Checker) -> None:
    """A change and its rate recompute from the amounts they compare.

    Example: '增加 6,685.20 万元，增长 62.8%' where the previous year's 10,000.00 gives 66.9%.
    """
    facts, figures = narrative_inputs(ctx)
    for f, change in referring(facts, "rate"):
        if change.kind != "change":
            continue
        current = _current_value(change, facts, figures)
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
                    f"增减比例无从计算：“{quote(f)}”",
                    where_in_narrative(f),
                    expected=None,
                    found=f.value,
                )
            continue
        fits = _ratio_fits(abs(delta), change.printed if change.unit == "万元" else "0.00", prior, now_printed,
                           abs(f.value), f.printed)
        actual = abs(delta) / prior * 100
        _report_ratio(checker, "narrative.change", f, fits, actual,
                      f"情况说明称{item_name(change.key)}{'增加' if delta > 0 else '减少'} {fmt(abs(delta))} 万元、"
                      f"变动 {f.printed}，按本年 {fmt(now)} 万元、上年 {fmt(prior)} 万元计算应为 {actual:.2f}%：“{quote(f)}”")


@rule("narrative.execution", "narrative", "说明中的预算执行率")
def executions(ctx: Context, checker: Checker) -> None:
    """完成年初预算的 % recomputes from 决算数 / 预算数.

    Example: 完成年初预算的 153.1% where 决算数 1,431.00 / 预算数 1,000.00 = 143.1%.
    """
    facts, figures = narrative_inputs(ctx)
    for f, actual in referring(facts, "execution"):
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
        ratio = actual.value / b * 100
        _report_ratio(checker, "narrative.execution", f,
                      _ratio_fits(actual.value, _printed_wan(actual), b, b_printed, f.value, f.printed), ratio,
                      f"情况说明称完成预算的 {f.printed}，但{item_name(actual.key)} {fmt(actual.value)} 万元、{what}，"
                      f"计算为 {ratio:.2f}%：“{quote(f)}”")

