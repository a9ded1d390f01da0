"""One 项目绩效目标表 form per project: label cells beside their values (项目编码,
项目名称, 预算数 / 其中：财政资金 / 其他资金, 资金支出计划, 绩效目标), then the
indicator grid headed 一级指标 | 二级指标 | 三级指标 | 指标描述 | 指标值 | 依据
(read by ``performance_indicators``).

A reader may join the forms of consecutive pages into one table: each form
starts where a 项目名称 or 项目编码 follows an indicator grid (:func:`form_starts`).
"""
from __future__ import annotations

import re

from loaders.model import Table
from loaders.recognise.cells import norm
from loaders.recognise.performance_common import (
    Token,
    amount_of,
    clean_text,
    name_text,
    number_of,
    project_record,
    strip_title,
    tokens,
)
from loaders.recognise.performance_indicators import header_columns, indicator_header, indicator_rows_from
from loaders.recognise.views import TableView


AMOUNT_LABELS = (
    "预算数",
    "年度预算资金总额",
    "年度资金总额",
    "年度资金申请总额",
    "项目资金总额",
    "实施期资金总额",
    "资金总额",
    "项目总额",
    "预算金额",
    "项目金额",
    "预算总额",
)
FORM_UNIT = re.compile(r"(资金|金额|预算).*[（(](万元|元)[)）]")
GOAL_LABELS = ("绩效目标", "总体目标", "年度绩效目标", "年度目标", "项目绩效目标", "年度总体目标", "项目目标")
_MONTH_LABEL = re.compile(r"^\d{1,2}\s*月(底|末|份)?$")
_HEADING = re.compile(r"^\s*(第?[\d一二三四五六七八九十]+[、.．]|[（(][\d一二三四五六七八九十]+[)）])")


def value_right_or_below(rows: list[list[Token]], r: int, col: int, numeric: bool) -> Token | None:
    for t in rows[r]:
        if t.col <= col:
            continue
        if numeric and number_of(t.text) is None:
            break
        return t
    if numeric:
        for rr in (r + 1,):
            if rr < len(rows):
                for t in rows[rr]:
                    if t.col == col and number_of(t.text) is not None:
                        return t
    return None


def form_starts(table: Table) -> list[int]:
    """First row of every project form in a table (a reader may join the forms of
    consecutive pages into one table when they share a printed title)."""
    starts: list[int] = []
    header_seen = True
    for r, row in enumerate(table.rows):
        cells = [norm(c).rstrip(":：") for c in row]
        if any(c.startswith("一级指标") for c in cells):
            header_seen = True
        elif header_seen and any(c in ("项目名称", "项目编码", "项目代码") for c in cells):
            starts.append(r)
            header_seen = False
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return starts


def parse_form(v: TableView, start: int = 0, end: int | None = None) -> dict:
    table = v.table
    end = len(table.rows) if end is None else end
    rows = [tokens(r) for r in table.rows]
    hr = indicator_header(table, start, end)
    top = hr if hr is not None else end
    form = project_record(
        code=None,
        name=None,
        amount=None,
        fiscal=None,
        other=None,
        table=v.title or heading_above(table) or None,
        table_index=v.index,
        page=_page(table, start),
        pages=sorted({p for p in table.row_pages[start:end] if p is not None}),
        row=None,
    )
    starts = False
    amount_row = None
    amounts: dict[str, tuple[str, int]] = {}
    scale = v.scale
    for r in range(start, top):
        toks = rows[r]
        for i, t in enumerate(toks):
            text = t.n.rstrip(":：")
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if text in ("项目编码", "项目代码") and nxt:
                form["code"] = norm(nxt.text) or None
                form["row"] = r if form["row"] is None else form["row"]
                starts = True
            elif text == "项目名称" and nxt:
                form["name"] = name_text(nxt.text)
                form["row"] = r if form["row"] is None else form["row"]
                starts = True
            elif text in AMOUNT_LABELS and text not in amounts:
                val = value_right_or_below(rows, r, t.col, numeric=True)
                if val is not None:
                    amounts[text] = (val.text, r)
            elif ("财政资金" in text or "财政拨款" in text) and len(text) <= 10 and form["fiscal"] is None:
                val = value_right_or_below(rows, r, t.col, numeric=True)
                if val is not None:
                    form["fiscal"] = val.text
            elif text == "其他资金" and form["other"] is None:
                val = value_right_or_below(rows, r, t.col, numeric=True)
                if val is not None:
                    form["other"] = val.text
            elif FORM_UNIT.search(text):
                scale = FORM_UNIT.search(text).group(2)
            elif text.startswith("主管部门") and nxt:
                form["department"] = clean_text(nxt.text)
            elif text in ("实施单位", "实施单") and nxt:
                form["implementing_agency"] = clean_text(nxt.text)
            elif text in GOAL_LABELS and form["goal"] is None:
                goal = nxt or (rows[r + 1][0] if r + 1 < top and rows[r + 1] else None)
                if goal is not None:
                    form["goal"] = cell_paragraphs(goal.text)
                starts = True
            elif text.startswith("资金支出计划"):
                form["spending_plan"] = _spending_plan(rows, r, top)
    label = next((lab for lab in AMOUNT_LABELS if lab in amounts), None)
    if label is not None:
        form["amount"] = amount_of(amounts[label][0], scale)
        amount_row = amounts[label][1]
    for key in ("fiscal", "other"):
        if form[key] is not None:
            form[key] = amount_of(form[key], scale)
    if amount_row is not None and amount_row + 1 < top:
        nxt_row = rows[amount_row + 1]
        texts = [t for t in nxt_row if number_of(t.text) is None and not t.n.startswith("资金")]
        if len(texts) == 1 and len(nxt_row) == 1:
            form["purpose"] = clean_text(texts[0].text)
    if not form["name"] and start == 0:
        heading = heading_above(table)
        if heading:
            form["name"] = strip_title(heading)
            starts = True
    elif v.title:
        starts = True
    if hr is not None:
        cols = header_columns(table, hr)
        form["indicators"] = indicator_rows_from(table, hr + 1, cols, end=end)
        form["_cols"] = (cols, table.width)
    form["_starts"] = starts
    return form


def _page(table: Table, row: int) -> int | None:
    return table.row_pages[row] if row < len(table.row_pages) and table.row_pages[row] is not None else table.page


_ENUMERATOR = re.compile(r"^(\d{1,2}\s*[.．、]|[（(]\s*\d{1,2}\s*[)）]|[一二三四五六七八九十]+、|目标\s*\d)")


def cell_paragraphs(text: str) -> str | None:
    """A cell of running text: lines a narrow cell wrapped are joined, numbered
    items ('1.…', '（二）…') keep their own line."""
    out: list[str] = []
    for line in (ln.strip() for ln in text.split("\n")):
        if not line:
            continue
        if out and not _ENUMERATOR.match(line):
            out[-1] = clean_text(out[-1] + "\n" + line) or out[-1]
        else:
            out.append(line)
    return "\n".join(out) or None


def heading_above(table: Table) -> str | None:
    """The numbered heading printed above the table ('9、劳务派遣人员经费')."""
    for line in reversed(table.caption):
        text = line.strip()
        if not text or re.match(r"^(单位|金额单位)\s*[:：]", text):
            continue
        if _HEADING.match(text) or "绩效目标" in text:
            return text
        return None
    return None


def _spending_plan(rows: list[list[Token]], r: int, top: int) -> list[dict]:
    labels: list[Token] = []
    values: list[Token] = []
    for rr in range(r, min(top, r + 4)):
        toks = rows[rr]
        if rr > r and any(t.n.rstrip(":：") in GOAL_LABELS for t in toks):
            break
        for t in toks:
            if _MONTH_LABEL.match(t.n):
                labels.append(t)
            elif number_of(t.text) is not None:
                values.append(t)
    if not labels:
        return []
    plan = []
    if len(labels) == len(values):
        pairs = list(zip(labels, values))
    else:
        pairs = []
        for val in values:
            label = min(labels, key=lambda lab: (abs(lab.col - val.col), -lab.col))
            pairs.append((label, val))
    for label, val in pairs:
        plan.append({"period": label.n, "printed": val.text, "value": number_of(val.text)})
    return plan
