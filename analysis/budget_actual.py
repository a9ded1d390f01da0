"""预决算对比: budget against final accounts for one agency and year (pure).

Two situations:

* both the 部门预算 and the 部门决算 are loaded — :func:`pair_lines` pairs the
  function lines by code (budget, actual, difference, execution %),
  :func:`pair_measures` the totals (basic / project …) and
  :func:`three_public_pairs` the 三公 items;
* only the final accounts are loaded — they print budget figures themselves:
  the 三公 table's 预算数 beside 决算数 (:func:`three_public_pairs` with no
  budget document), the 年初预算 stated or implied in the narrative ("完成年初预算的
  153.1%，比年初预算增加6012.99万元" — :func:`narrative_budget_figures`) and each
  project's 预算数 / 执行数 in its self-evaluation (:func:`project_execution`).

Amounts stay ``Decimal`` (万元); execution % = actual / budget × 100.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from analysis.frames import MEASURE_LABELS, code_level, dec, diff, pct
from analysis.trends_quoted import joined_paragraphs

PAIR_COLUMNS = ["科目编码", "科目名称", "级次", "预算数", "决算数", "差额", "执行率（%）"]

#: totals compared between the two documents (wide column -> label)
PAIRED_MEASURES: list[tuple[str, str]] = [
    (m, MEASURE_LABELS[m]) for m in (
        "expenditure_total", "revenue_total", "basic", "project", "personnel", "public", "fiscal_appropriation",
        "general_public_budget", "operating_expenses",
    )
]
THREE_PUBLIC_KEYS: tuple[str, ...] = (
    "total", "outbound", "vehicle_total", "vehicle_purchase", "vehicle_operation", "reception",
)


def _row(measure_label: str, budget: Any, actual: Any) -> dict[str, Any]:
    b, a = dec(budget), dec(actual)
    return {"预算数": b, "决算数": a, "差额": diff(a, b), "执行率（%）": pct(a, b)}


def _text(value: Any) -> str | None:
    """Stripped text of a cell; None for blank / NA (pandas' string columns hold NaN)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _key(code: Any, name: Any) -> str:
    c = _text(code)
    return f"code:{c}" if c else f"name:{_text(name) or ''}"


def pair_lines(budget_lines: pd.DataFrame | None, actual_lines: pd.DataFrame | None,
               measure: str = "total") -> pd.DataFrame:
    """Function lines of a budget and the final accounts, paired by code (by name
    when a line has no code): 科目编码, 科目名称, 级次 (类/款/项), 预算数, 决算数,
    差额 (决算 − 预算), 执行率（%）.  A line printed by one side only keeps a
    blank on the other; order: by code, lines without a code last."""
    pairs: dict[str, dict[str, Any]] = {}
    for side, frame in (("预算数", budget_lines), ("决算数", actual_lines)):
        if frame is None or frame.empty:
            continue
        for rec in frame.to_dict("records"):
            key = _key(rec.get("code"), rec.get("name"))
            entry = pairs.setdefault(
                key,
                {"科目编码": _text(rec.get("code")), "科目名称": _text(rec.get("name")), "预算数": None, "决算数": None},
            )
            if not entry.get("科目名称"):
                entry["科目名称"] = _text(rec.get("name"))
            value = dec(rec.get(measure))
            if value is not None:
                entry[side] = (entry[side] or Decimal(0)) + value if entry[side] is not None else value
    rows = []
    for entry in pairs.values():
        rows.append(
            {
                "科目编码": entry["科目编码"],
                "科目名称": entry["科目名称"],
                "级次": code_level(entry["科目编码"]),
                **_row("", entry["预算数"], entry["决算数"]),
            }
        )
    out = pd.DataFrame(rows, columns=PAIR_COLUMNS)
    if out.empty:
        return out
    out = out.assign(_nocode=out["科目编码"].isna(), _code=out["科目编码"].fillna(""))
    return out.sort_values(["_nocode", "_code"], kind="stable").drop(columns=["_nocode", "_code"]).reset_index(drop=True)


MEASURE_PAIR_COLUMNS = ["指标", "预算数", "决算数", "差额", "执行率（%）"]


def pair_measures(budget: Mapping[str, Any] | None, actual: Mapping[str, Any] | None,
                  measures: Sequence[tuple[str, str]] = PAIRED_MEASURES) -> pd.DataFrame:
    """Totals of the budget document against the final accounts (``totals_wide``
    rows).  Measures blank on both sides are left out."""
    budget, actual = budget or {}, actual or {}
    rows = []
    for key, label in measures:
        if dec(budget.get(key)) is None and dec(actual.get(key)) is None:
            continue
        rows.append({"指标": label, **_row(label, budget.get(key), actual.get(key))})
    return pd.DataFrame(rows, columns=MEASURE_PAIR_COLUMNS)


THREE_PUBLIC_PAIR_COLUMNS = ["项目", "预算文件数", "决算表预算数", "决算数", "差额", "执行率（%）"]


def three_public_pairs(actual: Mapping[str, Any] | None, budget: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """三公 items: the budget document's figures (``预算文件数``, when loaded), the
    final accounts' own 预算数 column (``决算表预算数``, three_public_budget) and the
    决算数.  差额 and 执行率 use the final accounts' own 预算数 when printed, else the
    budget document's."""
    actual, budget = actual or {}, budget or {}
    rows = []
    for k in THREE_PUBLIC_KEYS:
        a = dec(actual.get(f"three_public_{k}"))
        own_b = dec(actual.get(f"three_public_budget_{k}"))
        doc_b = dec(budget.get(f"three_public_{k}")) if budget else None
        if a is None and own_b is None and doc_b is None:
            continue
        base = own_b if own_b is not None else doc_b
        rows.append(
            {
                "项目": MEASURE_LABELS.get(f"three_public_{k}", k),
                "预算文件数": doc_b,
                "决算表预算数": own_b,
                "决算数": a,
                "差额": diff(a, base),
                "执行率（%）": pct(a, base),
            }
        )
    return pd.DataFrame(rows, columns=THREE_PUBLIC_PAIR_COLUMNS)


# --------------------------------------------------------------------------- narrative 年初预算

_NUM = r"\d[\d,，]*(?:\.\d+)?"
#: "年初预算为 5717.32 万元，支出决算为 5757.63 万元，完成年初预算的 100.71%"
_EXPLICIT = re.compile(
    rf"(?P<head>(?:年初|全年)?预算(?:数)?)\s*为\s*(?P<budget>{_NUM})\s*万元\s*[，,]"
    rf"[^，,。；;]{{0,16}}?决算(?:数)?\s*为?\s*(?P<actual>{_NUM})\s*万元"
    rf"(?:\s*[，,]\s*完成(?:年初)?预算(?:数)?的\s*(?P<pct>\d+(?:\.\d+)?)\s*[%％])?"
)
#: "本年收入合计17334.30万元，完成年初预算的153.1%，比年初预算增加6012.99万元"
_IMPLIED = re.compile(
    rf"(?P<actual>{_NUM})\s*万元\s*[，,]\s*完成(?P<initial>年初)?预算(?:数)?的\s*(?P<pct>\d+(?:\.\d+)?)\s*[%％]"
    rf"(?:\s*[，,]\s*(?:比|较)(?:年初)?预算(?:数)?(?P<dir>增加|减少)\s*(?P<delta>{_NUM})\s*万元)?"
)
#: "…本年支出合计0.00万元，与预算持平"
_LEVEL = re.compile(rf"(?P<actual>{_NUM})\s*万元\s*[，,]\s*与(?:年初)?预算(?:数)?持平")
_FUND = re.compile(r"一般公共预算财政拨款|政府性基金预算财政拨款|国有资本经营预算财政拨款|财政拨款")
_ITEM = re.compile(r"[（(]项[)）]")
_SENT = re.compile(r"[。！？!?]")
_CLAUSE = re.compile(r"[，,。；;：:！？!?]")

NARRATIVE_COLUMNS = ["项目", "年初预算数", "决算数", "差额", "执行率（%）", "文中完成率（%）", "依据", "原文", "页码"]


def _num(text: str) -> Decimal:
    return Decimal(text.replace(",", "").replace("，", ""))


def _clean_label(text: str, agency: str | None) -> str:
    label = text.strip()
    if agency:
        label = label.replace(agency, "")
    label = re.sub(r"^[\s\d一二三四五六七八九十]+[、.．)）]\s*", "", label)
    label = re.sub(r"^(?:其中[:：]?|本部门|本单位|我部门|我单位)", "", label)
    label = re.sub(r"(?:19|20)\d{2}\s*年度?", "", label)
    label = re.sub(r"^(?:其中[:：]?|本部门|本单位|我部门|我单位)", "", label.strip())
    label = re.sub(r"(?:决算|年初预算|预算)?(?:数)?\s*为?\s*$", "", label.strip())
    label = re.sub(r"[。，,；;：:\s]+$", "", label)
    return label.strip() or "（未注明）"


def _label(text: str, start: int, agency: str | None) -> str:
    """The subject of a figure at ``start``: a function item named in an earlier
    sentence ("1.一般公共服务（类）信访事务（款）行政运行（项）。年初预算为…"), else the
    clause before the figure, prefixed by the fund named earlier in its sentence."""
    sentence_start = max((m.end() for m in _SENT.finditer(text, 0, start)), default=0)
    own = text[sentence_start:start]
    if not own.strip() or re.fullmatch(r"\s*(?:年初|全年)?预算(?:数)?\s*", own):
        # the subject is an earlier sentence of the paragraph
        earlier = [s for s in _SENT.split(text[:sentence_start]) if s.strip()]
        item = next((s for s in reversed(earlier) if _ITEM.search(s)), None)
        if item:
            return _clean_label(item, agency)
        return _clean_label(earlier[-1], agency) if earlier else "（未注明）"
    clause_start = max((m.end() for m in _CLAUSE.finditer(text, sentence_start, start)), default=sentence_start)
    label = _clean_label(text[clause_start:start], agency)
    if not _FUND.search(label) and not re.search(r"三公|出国|公务|机关运行", label):
        funds = list(_FUND.finditer(text, sentence_start, clause_start))
        if funds:
            label = funds[-1].group(0) + label
    return label


def narrative_budget_figures(paragraphs: Iterable[Mapping[str, Any] | str], *, agency: str | None = None
                             ) -> pd.DataFrame:
    """年初预算 figures a final-accounts narrative states or implies.

    * stated: "年初预算为 B 万元，支出决算为 A 万元[，完成年初预算的 P%]" (also
      "支出预算为 B 万元，…支出决算为 A 万元");
    * implied by a change: "A 万元，完成年初预算的 P%，比年初预算增加 D 万元" →
      B = A − D (exact);
    * implied by a rate only: "A 万元，完成预算的 P%" → B = A ÷ P% (rounded to 0.01;
      not when P is 0);
    * "A 万元，与预算持平" → B = A.
    Figures about a project's 执行数 (self-evaluation summaries) are left to
    :func:`project_execution`.  Columns: 项目, 年初预算数, 决算数, 差额, 执行率（%）
    (recomputed), 文中完成率（%） (as printed), 依据, 原文, 页码.
    """
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, Decimal | None, Decimal]] = set()

    def add(label, budget, actual, printed_pct, basis, text, start, end, page):
        key = (label, budget, actual)
        if key in seen:
            return
        seen.add(key)
        s = max((m.end() for m in _SENT.finditer(text, 0, start)), default=0)
        e = _SENT.search(text, end)
        rows.append(
            {
                "项目": label,
                "年初预算数": budget,
                "决算数": actual,
                "差额": diff(actual, budget),
                "执行率（%）": pct(actual, budget),
                "文中完成率（%）": printed_pct,
                "依据": basis,
                "原文": text[s : e.end() if e else len(text)].strip(),
                "页码": page,
            }
        )

    for text, page in joined_paragraphs(paragraphs):
        taken: list[tuple[int, int]] = []
        for m in _EXPLICIT.finditer(text):
            before = text[max(0, m.start() - 12) : m.start()]
            if "执行数" in before or "项目" in before[-4:]:
                continue
            label = _label(text, m.start(), agency)
            printed = Decimal(m.group("pct")) if m.group("pct") else None
            add(label, _num(m.group("budget")), _num(m.group("actual")), printed, "文中列明年初预算数",
                text, m.start(), m.end(), page)
            taken.append((m.start(), m.end()))
        for m in _IMPLIED.finditer(text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            clause_start = max((c.end() for c in _CLAUSE.finditer(text, 0, m.start())), default=0)
            subject = text[clause_start : m.start()]
            if "执行数" in subject or "执行" in subject:
                continue
            actual = _num(m.group("actual"))
            printed = Decimal(m.group("pct"))
            if m.group("delta"):
                sign = 1 if m.group("dir") == "增加" else -1
                budget = actual - sign * _num(m.group("delta"))
                basis = "由“比年初预算增减额”推算"
            elif printed > 0:
                budget = (actual * 100 / printed).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                basis = "由“完成预算的百分比”推算（约数）"
            else:
                continue
            add(_label(text, m.start(), agency), budget, actual, printed, basis, text, m.start(), m.end(), page)
        for m in _LEVEL.finditer(text):
            actual = _num(m.group("actual"))
            add(_label(text, m.start(), agency), actual, actual, None, "文中称“与预算持平”", text, m.start(),
                m.end(), page)
    return pd.DataFrame(rows, columns=NARRATIVE_COLUMNS)


# --------------------------------------------------------------------------- projects

PROJECT_COLUMNS = ["序号", "项目名称", "预算数", "到位数", "执行数", "差额", "执行率（%）", "表列执行率（%）", "自评得分"]


def project_execution(self_evaluations: pd.DataFrame | None) -> pd.DataFrame:
    """Each self-evaluated project's 预算数 against its 执行数 (the final
    accounts' own figures): 差额 = 执行数 − 预算数, 执行率 recomputed, and the rate
    as printed in the table."""
    if self_evaluations is None or self_evaluations.empty:
        return pd.DataFrame(columns=PROJECT_COLUMNS)
    rows = []
    for rec in self_evaluations.to_dict("records"):
        data = rec.get("data") if isinstance(rec.get("data"), dict) else {}
        budget = dec(rec.get("budget")) if dec(rec.get("budget")) is not None else dec(data.get("budget"))
        executed = dec(rec.get("executed")) if dec(rec.get("executed")) is not None else dec(data.get("executed"))
        seq = rec.get("seq")
        rows.append(
            {
                "序号": None if seq is None or pd.isna(seq) else int(seq) + 1,
                "项目名称": rec.get("name") or data.get("name"),
                "预算数": budget,
                "到位数": dec(data.get("received")),
                "执行数": executed,
                "差额": diff(executed, budget),
                "执行率（%）": pct(executed, budget),
                "表列执行率（%）": dec(data.get("execution_rate")),
                "自评得分": dec(rec.get("reported_score")) if dec(rec.get("reported_score")) is not None
                else dec(data.get("reported_score")),
            }
        )
    return pd.DataFrame(rows, columns=PROJECT_COLUMNS)


def execution_summary(pairs: pd.DataFrame, budget_col: str = "预算数", actual_col: str = "决算数"
                      ) -> dict[str, Decimal | None]:
    """Sum of budget and actual over the rows where both are printed, and the rate."""
    if pairs is None or pairs.empty:
        return {"budget": None, "actual": None, "rate": None}
    both = [(dec(b), dec(a)) for b, a in zip(pairs[budget_col], pairs[actual_col])]
    both = [(b, a) for b, a in both if b is not None and a is not None]
    if not both:
        return {"budget": None, "actual": None, "rate": None}
    b = sum((x for x, _ in both), Decimal(0))
    a = sum((y for _, y in both), Decimal(0))
    return {"budget": b, "actual": a, "rate": pct(a, b)}


# --------------------------------------------------------------------------- chart rows


def _short_name(text: Any, limit: int = 26) -> str:
    name = str(text or "").strip()
    return name if len(name) <= limit else name[: limit - 1] + "…"


VARIANCE_COLUMNS = ["项目", "差额", "执行率（%）", "标注", "方向"]


def variance_rows(narrative: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`narrative_budget_figures` that have both figures, for a
    chart of 决算数 − 年初预算数: 项目, 差额 (Decimal), 执行率, a label
    (``-585.83（0.80%）``) and 方向 (增加 / 减少 / 持平)."""
    if narrative is None or narrative.empty:
        return pd.DataFrame(columns=VARIANCE_COLUMNS)
    rows = []
    for rec in narrative.to_dict("records"):
        gap = dec(rec.get("差额"))
        if gap is None or dec(rec.get("年初预算数")) is None or dec(rec.get("决算数")) is None:
            continue
        rate = dec(rec.get("执行率（%）"))
        label = f"{gap:,.2f}" + (f"（{rate:,.2f}%）" if rate is not None else "")
        rows.append({"项目": _short_name(rec.get("项目"), 30), "差额": gap, "执行率（%）": rate, "标注": label,
                     "方向": "增加" if gap > 0 else ("减少" if gap < 0 else "持平")})
    return pd.DataFrame(rows, columns=VARIANCE_COLUMNS)


EXECUTION_BAR_COLUMNS = ["名称", "项目名称", "执行率（%）", "标注", "状态", "上限"]


def execution_bars(projects: pd.DataFrame) -> pd.DataFrame:
    """One bar per project of :func:`project_execution`: a short name (the full
    one kept), the execution rate, its label (``77.13%``; ``无法计算`` when the
    budget is blank or 0) and 状态 — 已全部执行 (≥ 100%), 未全部执行, 无法计算."""
    if projects is None or projects.empty:
        return pd.DataFrame(columns=EXECUTION_BAR_COLUMNS)
    rows, seen = [], set()
    for rec in projects.to_dict("records"):
        name = _short_name(rec.get("项目名称"))
        if name in seen:  # two projects of one name: keep both bars apart
            name = f"{name}（{rec.get('序号')}）"
        seen.add(name)
        rate = dec(rec.get("执行率（%）"))
        state = "无法计算" if rate is None else ("已全部执行" if rate >= 100 else "未全部执行")
        rows.append({"名称": name, "项目名称": rec.get("项目名称"), "执行率（%）": rate,
                     "标注": "无法计算" if rate is None else f"{rate:,.2f}%", "状态": state,
                     "上限": float(rate) * 1.12 if rate is not None else 0.0})
    return pd.DataFrame(rows, columns=EXECUTION_BAR_COLUMNS)


__all__ = [
    "PAIRED_MEASURES", "pair_lines", "pair_measures", "three_public_pairs", "narrative_budget_figures",
    "project_execution", "execution_summary", "variance_rows", "execution_bars",
]
