"""说明 on its own terms: the parts the narrative lists add up to the total it
gives (基本 + 项目, a numbered list of items), 评优率 follows from the counts of
graded projects, and its notes on the tables hold (截至日期 of the asset table,
空表 notes under tables that print amounts).
"""
from __future__ import annotations

import re
from decimal import Decimal

from analysis import narrative as nv
from analysis.checks import Checker, Where, fmt
from analysis.checks_context import Context, value
from analysis.narrative_figures import HALF, ZERO, item_name, narrative_inputs, printed_tolerance, quote, where_in_narrative
from analysis.rules import rule
from analysis.table_reading import where
from loaders.recognise.cells import is_amount, norm


# ---------------------------------------------------------------- the narrative's own sums

NARRATIVE_SUMS = [
    ("expenditure_total", ("basic", "project", "line:上缴上级支出", "line:经营支出", "line:对附属单位补助支出"), 2),
    ("basic", ("personnel", "public"), 2),
    ("three_public.total", ("three_public.outbound", "three_public.vehicle_total", "three_public.reception"), 2),
    ("three_public.vehicle_total", ("three_public.vehicle_purchase", "three_public.vehicle_operation"), 2),
]


@rule("narrative.sum", "narrative", "说明中的合计")
def stated_sums(ctx: Context, checker: Checker) -> None:
    """The narrative's 支出合计 = 基本支出 + 项目支出 as it states them.

    Example: 支出合计 1,200.00 万元，其中基本支出 1,000.00、项目支出 210.00 万元.
    """
    facts, _ = narrative_inputs(ctx)
    if not facts:
        return
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
                tol = sum((printed_tolerance(p.printed) for p in parts), printed_tolerance(total.printed))
                if abs(s - total.value) <= tol:
                    checker.ok("narrative.sum")
                    continue
                terms = " + ".join(f"{item_name(p.key)} {fmt(p.value)}" for p in parts)
                checker.add(
                    "narrative.sum",
                    "error",
                    "narrative_arithmetic",
                    f"情况说明中{item_name(total_key)} {fmt(total.value)} 万元 ≠ {terms} = {fmt(s)} 万元"
                    f"（相差 {fmt(total.value - s)}）：“{quote(total)}”",
                    where_in_narrative(total),
                    expected=s,
                    found=total.value,
                )


def _stages(fs: list[nv.Fact]) -> list[str | None]:
    stages = {f.stage for f in fs if f.stage}
    if "actual" in stages and "budget" in stages:
        return ["actual", "budget"]
    return [None]


_LIST_ITEM = re.compile(r"^\s*[（(]\d+[)）]|^\s*\d+[、.．]")


@rule("narrative.list_sum", "narrative", "说明中分项之和")
def listed_items(ctx: Context, checker: Checker) -> None:
    """"项目支出1229.79万元，主要为：（1）…3.00万元；（2）…" — the items add up to it.

    Example: '项目支出 1,229.79 万元，主要为：（1）…；（2）…' — the items add up to it.
    """
    facts, _ = narrative_inputs(ctx)
    if not facts:
        return
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
        if abs(s - f.value) <= sum((printed_tolerance(g.printed) for g in items), ZERO):
            checker.ok("narrative.list_sum")
            continue
        checker.add(
            "narrative.list_sum",
            "error",
            "narrative_arithmetic",
            f"情况说明称{item_name(f.key)} {fmt(f.value)} 万元，其后所列 {len(items)} 项合计 {fmt(s)} 万元"
            f"（相差 {fmt(f.value - s)}）",
            where_in_narrative(f),
            expected=s,
            found=f.value,
        )


# ---------------------------------------------------------------- 评优率

_GRADES = re.compile(r"[“\"]?(优|良|中|差|合格|不合格)[”\"]?(的)?(项目)?\s*(\d+)\s*个")
_GRADE_RATE = re.compile(r"(评优率|优秀率|优良率)(为|达|是)?\s*(\d+(?:\.\d+)?)\s*[%％]")


@rule("narrative.grade_rate", "narrative", "说明中的评优率")
def grade_rate(ctx: Context, checker: Checker) -> None:
    """评优率 recomputes from the counts of 优/良/中/差 projects.

    Example: 优 3 个、良 1 个，评优率 80% (= 75%).
    """
    if not narrative_inputs(ctx)[0]:
        return
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


@rule("narrative.date", "narrative", "说明中的时间口径")
def asset_date(ctx: Context, checker: Checker) -> None:
    """截至XXXX年12月31日 is the report's own year end.

    Example: a 2025 决算 whose asset table is 截至2024年12月31日.
    """
    if not narrative_inputs(ctx)[0]:
        return
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
            where(view, None),
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


@rule("narrative.empty_note", "narrative", "空表说明与表中数字")
def empty_table_notes(ctx: Context, checker: Checker) -> None:
    """A note saying the table is empty (无…预算，故本表为空表) under a table
    that prints amounts.

    Example: '本部门无政府性基金预算，故本表为空表' under a 政府性基金 table with 20.00 万元.
    """
    if not narrative_inputs(ctx)[0]:
        return
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
