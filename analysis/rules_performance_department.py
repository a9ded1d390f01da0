"""绩效表内容 (performance), the department and its self-evaluations:

* the 部门整体绩效目标表's 预算情况 against the budget tables;
* a self-evaluation whose narrative describes other goals than its table;
* a 成本指标 capping the whole project whose actual value is not what was spent.

(Each project's own targets: ``rules_performance_projects``.)
"""
from __future__ import annotations

import re
from decimal import Decimal

from analysis.checks import Checker, Where, fmt
from analysis.checks_context import Context
from analysis.rules import rule
from analysis.rules_performance_projects import HALF, ZERO, amount_of, cost_indicators, decimals_of
from loaders.recognise.cells import is_amount, norm, parse_amount


# ---------------------------------------------------------------- 部门整体绩效目标表 预算情况

#: (key, label in a finding, how the target table prints the line)
_DEPT_LINES = [
    ("total", "部门预算总额", re.compile(r"部门预算总额|预算总额|资金总额")),
    ("general_public_budget", "政府预算资金", re.compile(r"政府预算资金|一般公共预算")),
    ("special_account", "财政专户管理资金", re.compile(r"财政专户")),
    ("unit_funds", "单位资金", re.compile(r"单位资金")),
    ("basic", "基本支出", re.compile(r"基本支出")),
    ("project", "项目支出", re.compile(r"项目支出")),
]
_DEPT_LABELS = {key: label for key, label, _pattern in _DEPT_LINES}


@rule("performance.department_budget", "performance", "整体绩效目标表与预算表")
def department_budget(ctx: Context, checker: Checker) -> None:
    """The department target table's budget equals the budget tables'.

    Example: 部门整体绩效目标表 预算情况 1,150.00 ≠ 支出总表 合计 1,200.00.
    """
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
    for view in ctx.of("performance_target"):
        t = view.table
        text = norm("".join(c for row in t.rows for c in row))
        if "预算情况" not in text and "资金结构" not in text:
            continue
        got: list[tuple[str, int, Decimal | None]] = []
        for r, row in enumerate(t.rows):
            for c, cell in enumerate(row):
                key = next((k for k, _label, pat in _DEPT_LINES if pat.search(norm(cell))), None)
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
            f"{_DEPT_LABELS[k]} 表列 {fmt(v)}、预算表 {fmt(w)}" for k, _r, v, w in wrong
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


@rule("performance.self_evaluation_text", "performance", "说明与自评表的年度目标")
def self_evaluation_text(ctx: Context, checker: Checker) -> None:
    """The narrative's goal matches the self-evaluation's.

    Example: a 自评 narrative describing another project's goals than its table.
    """
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


@rule("performance.cost_actual", "performance", "成本指标实际值与执行数")
def cost_actual(ctx: Context, checker: Checker) -> None:
    """A 成本指标 that caps the whole project's spending (≤ 预算额度, in 万元)
    reports as its actual value what was spent: it should equal 执行数.

    Example: 成本指标 ≤ 500 万元, 实际完成值 520 万元, 执行数 480.00.
    """
    for se in ctx.doc.get("self_evaluations") or []:
        _cost_actual_of(ctx, se, checker)


def _cost_actual_of(ctx: Context, se: dict, checker: Checker) -> None:
    executed = amount_of(se.get("executed"))
    if executed is None or executed == 0:
        return
    for ind, label in cost_indicators(se):
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
        tol = max(HALF * Decimal(10) ** -decimals_of(m.group(1)), executed * Decimal("0.005"))
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
