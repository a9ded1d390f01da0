"""Performance targets and self-evaluations against their own figures.

The scoring of self-evaluations (预算执行率, indicator points, narrative score
and amounts) is done by ``analysis.scoring`` and its findings live inside each
``doc["self_evaluations"][i]``; nothing here repeats them.  These rules cover
what the scoring engine does not:

* 绩效目标 text quoting the project's money (项目预计投入 3886 万元) against
  its 预算数; an amount the text implies (380 元/人 × 9000 人) likewise;
* a monthly cost the text states against the 成本指标 for the month;
* a 成本指标 defined as 总成本/N against 预算数/N, and a cost cap above the
  project's whole amount;
* a 资金支出计划（%） row that holds 万元 amounts;
* the 部门整体绩效目标表's 预算情况 against the budget tables;
* a self-evaluation whose narrative describes other goals than its table.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from analysis.checks import Checker, Where, fmt
from analysis.checks_context import Context
from loaders.recognise.cells import is_amount, norm, parse_amount

ZERO = Decimal(0)
HALF = Decimal("0.5")


def run(ctx: Context, checker: Checker) -> None:
    projects = ctx.doc.get("projects") or []
    for p in projects:
        _goal_amount(ctx, p, checker)
        _implied_amount(ctx, p, checker)
        _monthly_cost(ctx, p, checker)
        _cost_per_period(ctx, p, checker)
        _cost_cap(ctx, p, checker)
    _spending_plans(ctx, projects, checker)
    _department_budget(ctx, checker)
    _self_evaluation_text(ctx, checker)
    for se in ctx.doc.get("self_evaluations") or []:
        _cost_actual(ctx, se, checker)


def _dec(value) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return None


def _decimals(text: str) -> int:
    m = re.search(r"\.(\d+)", text)
    return len(m.group(1)) if m else 0


def _tol(text: str) -> Decimal:
    return max(HALF * Decimal(10) ** -_decimals(text), Decimal("0.005"))


def _where(p: dict) -> Where:
    return Where(table=p.get("table") or None, page=p.get("page"), row=p.get("row"))


def _name(p: dict) -> str:
    return p.get("name") or p.get("table") or "项目"


# ---------------------------------------------------------------- 绩效目标 text

_GOAL_AMOUNT = re.compile(
    r"(投入|预算|支出数?|资金|总额|安排|共计|合计)[^，。；,;]{0,10}?(?<![\d.])(\d+(?:\.\d+)?)\s*万元(?![/／])"
)
_PER = re.compile(r"(月均|每月|每年|每人|人均|平均|单位|每次|季度)")


def _goal_amount(ctx: Context, p: dict, checker: Checker) -> None:
    goal = p.get("goal") or ""
    amount = _dec(p.get("amount"))
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
    amount = _dec(p.get("amount"))
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
        value = _dec(ind.get("value"))
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
            Where(p.get("table") or None, ind.get("page") or p.get("page"), ind.get("row")),
            expected=value,
            found=said,
        )
        return


_PER_PERIOD = re.compile(r"总(成本|额度|金额|预算|支出)\s*(/|除以|÷)\s*(\d+)\s*个?(季度|月|次|年)?")


def _is_cost(ind: dict) -> bool:
    return "成本" in (ind.get("level2") or "") or "成本" in (ind.get("level1") or "")


def _cost_per_period(ctx: Context, p: dict, checker: Checker) -> None:
    amount = _dec(p.get("amount"))
    if amount is None:
        return
    for ind in p.get("indicators") or []:
        if not _is_cost(ind):
            continue
        text = norm((ind.get("description") or "") + (ind.get("level3") or ""))
        m = _PER_PERIOD.search(text)
        value = _dec(ind.get("value"))
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
            Where(p.get("table") or None, ind.get("page") or p.get("page"), ind.get("row")),
            expected=expected.quantize(Decimal("0.0001")),
            found=value,
        )


def _cost_cap(ctx: Context, p: dict, checker: Checker) -> None:
    """A cost cap (≤ X 万元) for the whole project cannot exceed its amount."""
    amount = _dec(p.get("amount"))
    if amount is None or amount == 0:
        return
    for ind in p.get("indicators") or []:
        if not _is_cost(ind):
            continue
        target = norm(ind.get("target") or "")
        label = norm((ind.get("level3") or "") + (ind.get("description") or ""))
        if not re.match(r"^(≤|<|<=|不超过|不高于)", target) or not re.search(r"万(元)?$", target):
            continue
        if re.search(r"[/／每]|平均|人均|单位|月|季|次|单价", label + target):
            continue
        value = _dec(ind.get("value"))
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
            Where(p.get("table") or None, ind.get("page") or p.get("page"), ind.get("row")),
            expected=amount,
            found=value,
        )


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


def _spending_plans(ctx: Context, projects: list[dict], checker: Checker) -> None:
    strong, weak = [], []
    for p in projects:
        plan = p.get("spending_plan") or []
        amount = _dec(p.get("amount"))
        if not plan or amount is None:
            continue
        header = _plan_header(ctx, p)
        if "%" not in header and "％" not in header:
            continue
        printed = [str(s.get("printed") or "") for s in plan]
        if any("%" in x or "％" in x for x in printed):
            continue
        values = [v for v in (_dec(s.get("value")) for s in plan) if v is not None]
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


# ---------------------------------------------------------------- 部门整体绩效目标表 预算情况

_DEPT_LINES = [
    ("total", re.compile(r"部门预算总额|预算总额|资金总额")),
    ("general_public_budget", re.compile(r"政府预算资金|一般公共预算")),
    ("special_account", re.compile(r"财政专户")),
    ("unit_funds", re.compile(r"单位资金")),
    ("basic", re.compile(r"基本支出")),
    ("project", re.compile(r"项目支出")),
]


def _department_budget(ctx: Context, checker: Checker) -> None:
    totals = ctx.doc.get("totals") or {}
    if not totals or totals.get("expenditure_total") is None:
        return
    expected = {
        "total": totals.get("expenditure_total"),
        "general_public_budget": totals.get("general_public_budget"),
        "special_account": ZERO,
        "unit_funds": ZERO,
        "basic": totals.get("basic"),
        "project": totals.get("project"),
    }
    labels = {
        "total": "部门预算总额",
        "general_public_budget": "政府预算资金",
        "special_account": "财政专户管理资金",
        "unit_funds": "单位资金",
        "basic": "基本支出",
        "project": "项目支出",
    }
    for view in ctx.of("performance_target"):
        t = view.table
        text = norm("".join(c for row in t.rows for c in row))
        if "预算情况" not in text and "资金结构" not in text:
            continue
        got: list[tuple[str, int, Decimal | None]] = []
        for r, row in enumerate(t.rows):
            for c, cell in enumerate(row):
                key = next((k for k, pat in _DEPT_LINES if pat.search(norm(cell))), None)
                if key is None or key in [g[0] for g in got]:
                    continue
                if len(norm(cell)) > 24:
                    continue
                v = None
                for cc in range(c + 1, len(row)):
                    if is_amount(row[cc]):
                        v = parse_amount(row[cc], view.scale)
                        break
                got.append((key, r, v))
                break
        if len(got) < 3:
            continue
        wrong = []
        for key, r, v in got:
            want = expected.get(key)
            if want is None and key not in ("special_account", "unit_funds"):
                continue
            vv = v if v is not None else ZERO
            if abs(vv - (want or ZERO)) <= Decimal("0.05"):
                checker.ok("performance.department_budget")
                continue
            wrong.append((key, r, v, want))
        if not wrong:
            continue
        # values one row off: each wrong value is the (rounded) value of the line above/below
        order = [g[0] for g in got]
        shifted = 0
        for key, r, v, want in wrong:
            i = order.index(key)
            for j in (i - 1, i + 1):
                if 0 <= j < len(order) and v is not None:
                    other = expected.get(order[j])
                    if other is not None and abs(v - other) <= Decimal("0.05"):
                        shifted += 1
                        break
        parts = "；".join(
            f"{labels[k]} 表列 {fmt(v)}、预算表 {fmt(w)}" for k, _r, v, w in wrong
        )
        hint = "，数值疑似整体错位一行" if shifted >= 2 else ""
        checker.add(
            "performance.department_budget",
            "warning",
            "table_misalignment",
            f"{view.title or '部门整体绩效目标表'}的预算情况与预算表不符：{parts}{hint}",
            Where(view.title or None, view.row_page(wrong[0][1]), wrong[0][1]),
            expected=wrong[0][3],
            found=wrong[0][2],
        )


# ---------------------------------------------------------------- self-evaluation narrative vs goals


def _bigrams(text: str) -> set[str]:
    t = re.sub(r"[^\u4e00-\u9fff]", "", text or "")
    return {t[i : i + 2] for i in range(len(t) - 1)}


_STOP = _bigrams("通过工作的开展实现达到促进保证提高未发现问题项目绩效目标完成情况一是二是三是")


def _self_evaluation_text(ctx: Context, checker: Checker) -> None:
    for se in ctx.doc.get("self_evaluations") or []:
        narrative = (se.get("narrative") or {}).get("text") or ""
        m = re.search(r"(目标完成情况|完成情况)[:：](.*)", narrative)
        said = m.group(2) if m else ""
        goals = " ".join(
            f"{g.get('goal') or ''} {g.get('result') or ''}" for g in se.get("goals") or []
        )
        a = _bigrams(said) - _STOP
        b = _bigrams(goals) - _STOP
        if len(a) < 10 or len(b) < 10:
            continue
        overlap = len(a & b) / len(a)
        if overlap >= 0.25:
            checker.ok("performance.self_evaluation_text")
            continue
        first_goal = (se.get("goals") or [{}])[0].get("goal") or ""
        checker.add(
            "performance.self_evaluation_text",
            "warning",
            "narrative_vs_table",
            f"自评（{se.get('item')}）{se.get('name') or ''}：情况说明所述完成情况“{said[:40]}…”与自评表的年度目标"
            f"“{first_goal[:30]}…”几乎无共同内容（重合 {overlap:.0%}），疑似描述了另一个项目",
            Where(se.get("table") or None, se.get("page"), se.get("row")),
            expected=first_goal[:60],
            found=said[:60],
        )


# ---------------------------------------------------------------- self-evaluation cost indicators

_WAN = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*万(元)?")


def _cost_actual(ctx: Context, se: dict, checker: Checker) -> None:
    """A 成本指标 that caps the whole project's spending (≤ 预算额度, in 万元)
    reports as its actual value what was spent: it should equal 执行数."""
    executed = _dec(se.get("executed"))
    if executed is None or executed == 0:
        return
    for ind in se.get("indicators") or []:
        if not _is_cost(ind):
            continue
        label = norm(f"{ind.get('level3') or ''}{ind.get('description') or ''}")
        if re.search(r"[/／每]|平均|人均|单位|月|季|次|单价|标准", label + norm(ind.get("unit") or "")):
            continue
        if "万" not in norm(f"{ind.get('unit') or ''}{ind.get('target') or ''}"):
            continue
        if not re.search(r"预算|额度|控制|总成本|总额|总支出", label):
            continue  # a part of the project's cost ("两定机构监管成本")
        actual_text = norm(str(ind.get("actual") or ""))
        m = _WAN.search(actual_text)
        if m is None:
            m = re.fullmatch(r"(\d+(?:\.\d+)?)", actual_text)
        if m is None:
            continue
        actual = Decimal(m.group(1))
        if actual < executed * Decimal("0.3"):
            continue  # a part of the spending, not the whole
        tol = max(HALF * Decimal(10) ** -_decimals(m.group(1)), executed * Decimal("0.005"))
        if abs(actual - executed) <= tol:
            checker.ok("performance.cost_actual")
            continue
        checker.add(
            "performance.cost_actual",
            "warning",
            "indicator",
            f"自评（{se.get('item')}）{se.get('name') or ''}：成本指标“{ind.get('level3')}”实际完成值 {ind.get('actual')}，"
            f"而执行数为 {fmt(executed)} 万元",
            Where(se.get("table") or None, ind.get("page") or se.get("page"), ind.get("row")),
            expected=executed,
            found=actual,
        )
