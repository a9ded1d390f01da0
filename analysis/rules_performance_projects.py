"""绩效表内容 (performance), each project's targets against its own figures:

* 绩效目标 text quoting the project's money (项目预计投入 3886 万元) against
  its 预算数; an amount the text implies (380 元/人 × 9000 人) likewise;
* a monthly cost the text states against the 成本指标 for the month;
* a 成本指标 defined as 总成本/N against 预算数/N, and a cost cap above the
  project's whole amount;
* a 资金支出计划（%） row that holds 万元 amounts.

The scoring of self-evaluations (预算执行率, indicator points, narrative score
and amounts) is done by ``analysis.scoring`` and its findings live inside each
``doc["self_evaluations"][i]``; nothing here repeats them.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from analysis.checks import Checker, Where, fmt
from analysis.checks_context import Context
from analysis.rules import describe, rule
from loaders.recognise.cells import norm


ZERO = Decimal(0)
HALF = Decimal("0.5")


def amount_of(value) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return None


def decimals_of(text: str) -> int:
    m = re.search(r"\.(\d+)", text)
    return len(m.group(1)) if m else 0


def _tol(text: str) -> Decimal:
    return max(HALF * Decimal(10) ** -decimals_of(text), Decimal("0.005"))


def _where(p: dict) -> Where:
    return Where(table=p.get("table") or None, page=p.get("page"), row=p.get("row"))


def _indicator_where(p: dict, ind: dict) -> Where:
    """An indicator's row in its project's table (the project's page when it has none)."""
    return Where(p.get("table") or None, ind.get("page") or p.get("page"), ind.get("row"))


def _name(p: dict) -> str:
    return p.get("name") or p.get("table") or "项目"


# ---------------------------------------------------------------- 绩效目标 text

_GOAL_AMOUNT = re.compile(
    r"(投入|预算|支出数?|资金|总额|安排|共计|合计)[^，。；,;]{0,10}?(?<![\d.])(\d+(?:\.\d+)?)\s*万元(?![/／])"
)
_PER = re.compile(r"(月均|每月|每年|每人|人均|平均|单位|每次|季度)")


def _goal_amount(ctx: Context, p: dict, checker: Checker) -> None:
    goal = p.get("goal") or ""
    amount = amount_of(p.get("amount"))
    if not goal or amount is None:
        return
    text = re.sub(r"\s+", "", goal)
    for m in _GOAL_AMOUNT.finditer(text):
        before = text[max(0, m.start() - 6) : m.start(2)]
        if _PER.search(before):
            continue
        said = Decimal(m.group(2))
        if abs(said - amount) <= _tol(m.group(2)):
            checker.ok("performance.goal_amount")
            continue
        checker.add(
            "performance.goal_amount",
            "error",
            "narrative_vs_table",
            f"{_name(p)}：绩效目标写“{m.group(0)}”，而预算数为 {fmt(amount)} 万元（相差 {fmt(said - amount)}）",
            _where(p),
            expected=amount,
            found=said,
        )


_STANDARD = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*元\s*[/／每]\s*人")
_HEADCOUNT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(万)?\s*人(?!次|/|／|均)")


def _implied_amount(ctx: Context, p: dict, checker: Checker) -> None:
    """"个人缴费标准 380 元/人，…预计救助对象 9000 人" implies 342 万元."""
    goal = re.sub(r"\s+", "", p.get("goal") or "")
    amount = amount_of(p.get("amount"))
    if not goal or amount is None or amount == 0:
        return
    std = _STANDARD.search(goal)
    if not std:
        return
    rest = goal[std.end() :]
    count = _HEADCOUNT.search(rest)
    if not count:
        return
    n = Decimal(count.group(1)) * (10000 if count.group(2) else 1)
    implied = Decimal(std.group(1)) * n / Decimal(10000)
    if abs(implied - amount) <= max(amount * Decimal("0.05"), Decimal("0.01")):
        checker.ok("performance.implied_amount")
        return
    checker.add(
        "performance.implied_amount",
        "warning",
        "narrative_vs_table",
        f"{_name(p)}：绩效目标按 {std.group(1)} 元/人 × {count.group(0)} 计为 {fmt(implied)} 万元，"
        f"而预算数为 {fmt(amount)} 万元",
        _where(p),
        expected=amount,
        found=implied,
    )


_MONTHLY_TEXT = re.compile(r"(月均|每月|月平均)(单位)?(成本|支出|费用)?(不超过|不高于|控制在|为|约)?\s*(\d+(?:\.\d+)?)\s*万元")


def _monthly_cost(ctx: Context, p: dict, checker: Checker) -> None:
    goal = re.sub(r"\s+", "", p.get("goal") or "")
    m = _MONTHLY_TEXT.search(goal)
    if not m:
        return
    said = Decimal(m.group(5))
    for ind in p.get("indicators") or []:
        label = norm((ind.get("level3") or "") + (ind.get("description") or ""))
        target = norm(ind.get("target") or "")
        unit = norm(ind.get("unit") or "")
        if not ("月" in label or "/月" in target or "月" in unit):
            continue
        value = amount_of(ind.get("value"))
        if value is None or "万" not in (target + unit):
            continue
        if abs(value - said) <= max(_tol(m.group(5)), _tol(str(ind.get("value")))):
            checker.ok("performance.monthly_cost")
            return
        checker.add(
            "performance.monthly_cost",
            "warning",
            "narrative_vs_table",
            f"{_name(p)}：绩效目标写“{m.group(0)}”，成本指标“{ind.get('level3')}”为 {ind.get('target')}",
            _indicator_where(p, ind),
            expected=value,
            found=said,
        )
        return


_PER_PERIOD = re.compile(r"总(成本|额度|金额|预算|支出)\s*(/|除以|÷)\s*(\d+)\s*个?(季度|月|次|年)?")


def is_cost(ind: dict) -> bool:
    return "成本" in (ind.get("level2") or "") or "成本" in (ind.get("level1") or "")


def cost_indicators(record: dict) -> Iterator[tuple[dict, str]]:
    """A project's or a self-evaluation's 成本指标, each with its label (三级指标
    and 指标内容, normalised) that says what the cost is of."""
    for ind in record.get("indicators") or []:
        if is_cost(ind):
            yield ind, norm(f"{ind.get('level3') or ''}{ind.get('description') or ''}")


def _cost_per_period(ctx: Context, p: dict, checker: Checker) -> None:
    amount = amount_of(p.get("amount"))
    if amount is None:
        return
    for ind in p.get("indicators") or []:
        if not is_cost(ind):
            continue
        text = norm((ind.get("description") or "") + (ind.get("level3") or ""))
        m = _PER_PERIOD.search(text)
        value = amount_of(ind.get("value"))
        unit = norm((ind.get("unit") or "") + (ind.get("target") or ""))
        if not m or value is None or "万" not in unit:
            continue
        n = Decimal(m.group(3))
        expected = amount / n
        if abs(value - expected) <= _tol(str(ind.get("value"))):
            checker.ok("performance.cost_per_period")
            continue
        checker.add(
            "performance.cost_per_period",
            "warning",
            "indicator",
            f"{_name(p)}：成本指标“{ind.get('level3')}”（{ind.get('description') or ''}）为 {ind.get('target')}，"
            f"但预算数 {fmt(amount)} ÷ {m.group(3)} = {expected:.4f} 万元",
            _indicator_where(p, ind),
            expected=expected.quantize(Decimal("0.0001")),
            found=value,
        )


def _cost_cap(ctx: Context, p: dict, checker: Checker) -> None:
    """A cost cap (≤ X 万元) for the whole project cannot exceed its amount."""
    amount = amount_of(p.get("amount"))
    if amount is None or amount == 0:
        return
    for ind, label in cost_indicators(p):
        target = norm(ind.get("target") or "")
        if not re.match(r"^(≤|<|<=|不超过|不高于)", target) or not re.search(r"万(元)?$", target):
            continue
        if re.search(r"[/／每]|平均|人均|单位|月|季|次|单价", label + target):
            continue
        value = amount_of(ind.get("value"))
        if value is None:
            continue
        if value <= amount + Decimal("0.005"):
            checker.ok("performance.cost_cap")
            continue
        checker.add(
            "performance.cost_cap",
            "warning",
            "indicator",
            f"{_name(p)}：成本指标“{ind.get('level3')}”上限 {ind.get('target')}，超过项目资金总额 {fmt(amount)} 万元",
            _indicator_where(p, ind),
            expected=amount,
            found=value,
        )


@rule("performance.goal_amount", "performance", "绩效目标所写金额与预算数")
def project_targets(ctx: Context, checker: Checker) -> None:
    """An amount written in a goal equals the project's 预算数.

    Example: 绩效目标 '项目预计投入 3886 万元' for a project whose 预算数 is 3,686.00.

    The same pass over each project checks what its targets imply
    (``performance.implied_amount``, ``performance.monthly_cost``,
    ``performance.cost_per_period``, ``performance.cost_cap``).
    """
    for p in ctx.doc.get("projects") or []:
        _goal_amount(ctx, p, checker)
        _implied_amount(ctx, p, checker)
        _monthly_cost(ctx, p, checker)
        _cost_per_period(ctx, p, checker)
        _cost_cap(ctx, p, checker)


for _rule_id, _rule_name, _rule_doc in (
    ("performance.implied_amount", "绩效目标推算金额与预算数", "Quantity × unit cost in a goal matches the 预算数: 380 元/人 × 9000 人."),
    ("performance.monthly_cost", "月均成本前后一致", "The same monthly cost wherever a project states it."),
    ("performance.cost_per_period", "分期平均成本与预算数", "A quarterly/monthly cost × periods matches the budget."),
    ("performance.cost_cap", "成本指标上限与项目资金", "A cost cap is not above the project's budget."),
):
    describe(_rule_id, "performance", _rule_name, doc=_rule_doc + "\n\nApplied by ``performance.goal_amount`` to each project.")


# ---------------------------------------------------------------- 资金支出计划（%）


def _plan_header(ctx: Context, p: dict) -> str:
    title = p.get("table")
    idx = p.get("table_index")
    for t in ctx.doc.get("tables") or []:
        if (idx is not None and t.get("index") == idx) or (idx is None and title and t.get("title") == title):
            for row in t.get("rows") or []:
                for cell in row:
                    if "资金支出计划" in norm(cell) or "支出计划" in norm(cell):
                        return norm(cell)
    return ""


@rule("performance.plan_unit", "performance", "资金支出计划的计量单位")
def spending_plans(ctx: Context, checker: Checker) -> None:
    """A spending plan in % whose figures are amounts.

    Example: 资金支出计划（%） 一季度 120.00、二季度 300.00 (万元, not percentages).
    """
    projects = ctx.doc.get("projects") or []
    strong, weak = [], []
    for p in projects:
        plan = p.get("spending_plan") or []
        amount = amount_of(p.get("amount"))
        if not plan or amount is None:
            continue
        header = _plan_header(ctx, p)
        if "%" not in header and "％" not in header:
            continue
        printed = [str(s.get("printed") or "") for s in plan]
        if any("%" in x or "％" in x for x in printed):
            continue
        values = [v for v in (amount_of(s.get("value")) for s in plan) if v is not None]
        if not values:
            continue
        top = max(values)
        if top == amount or top > 100:
            strong.append((p, values, amount))
        elif top <= amount:
            weak.append((p, values, amount))
    if not strong:
        return
    for p, values, amount in strong + weak:
        shown = "/".join(fmt(v) for v in values)
        checker.add(
            "performance.plan_unit",
            "warning",
            "unit",
            f"{_name(p)}：资金支出计划标注为（%），但所填 {shown} 是累计金额（万元）——预算数为 {fmt(amount)} 万元",
            _where(p),
            expected="%",
            found=shown,
        )
