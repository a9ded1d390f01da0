"""项目绩效目标表 → project records with their indicators.

Three layouts occur:

* **one form per project** (Hebei 000/001/003, 西安, 烟台): label cells beside their
  values (项目编码, 项目名称, 预算数 / 其中：财政资金 / 其他资金, 资金支出计划, 绩效目标),
  then an indicator grid headed 一级指标 | 二级指标 | 三级指标 | 指标描述 | 指标值 | 依据.
  A Word file may print the form and the indicator grid as two tables; the
  second (no labels, no title of its own) continues the first.
* **a summary of all projects** (Henan 项目绩效目标汇总表, 004): one row per project
  (编码, 名称, 资金总额 …) with side-by-side column pairs 三级指标 | 指标值 under
  成本/产出/效益/满意度指标, continued on the rows below.
* **the department's overall targets** (部门（单位）整体绩效目标表): no project, an
  indicator grid; kept apart as ``department_targets``.

Columns are found by their header words; in tables whose rows lost the cells a
merge covered (text pasted from Word, ``Table.ragged``) each row is re-aligned by
what its first cell says (a 一级 label, a 二级 label, or neither).  Where the table
records its merged cells (``Table.spans``), a 一级/二级 label stands for every row
of the cell it is printed in, wherever in the cell, and across a page break.
"""
from __future__ import annotations

import re
from decimal import Decimal

from loaders.recognise.values import parse_value
from loaders.model import Table
from loaders.recognise.cells import is_amount, norm, parse_amount
from loaders.recognise.layout import Layout, _fill_labels
from loaders.recognise.performance_common import (
    AMBIGUOUS,
    LEVEL1_NAMES,
    Token,
    clean_text,
    is_level1,
    is_project_code,
    level2_strength,
    name_text,
    number_of,
    strip_title,
    tokens,
)
from loaders.recognise.performance_list import ListReader, list_header
from loaders.recognise.views import TableView

# the project's amount for the year, most wanted first
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
_FORM_UNIT = re.compile(r"(资金|金额|预算).*[（(](万元|元)[)）]")
GOAL_LABELS = ("绩效目标", "总体目标", "年度绩效目标", "年度目标", "项目绩效目标", "年度总体目标", "项目目标")
_MONTH_LABEL = re.compile(r"^\d{1,2}\s*月(底|末|份)?$")
_HEADING = re.compile(r"^\s*(第?[\d一二三四五六七八九十]+[、.．]|[（(][\d一二三四五六七八九十]+[)）])")


def _value_right_or_below(rows: list[list[Token]], r: int, col: int, numeric: bool) -> Token | None:
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


class TargetParser:
    """Feed it the performance-target tables in document order."""

    def __init__(self) -> None:
        self._projects: list[dict] = []
        self._departments: list[dict] = []
        self._current: dict | None = None  # the project form or department being read
        self._context: str | None = None  # "form" | "department" | "summary" | "list"
        self._last_index: int | None = None
        self._lists: list[ListReader] = []

    # -- public

    def continues(self, v: TableView) -> bool:
        """An untitled table right after a performance table that carries on with it
        (a page break the reader did not join, or a Word form printed as two tables)."""
        if self._context is None or self._last_index is None or v.index != self._last_index + 1 or v.title:
            return False
        text = norm("".join(c for row in v.table.rows[:12] for c in row))
        if self._context == "summary":
            return layout_kind(v) == "summary"
        if self._context == "list":
            return layout_kind(v) == "list" or self._lists[-1].accepts(v)
        if "项目名称" in text or "项目编码" in text:
            return False
        if indicator_header(v.table) is not None:
            return True
        cells = [c for row in v.table.rows for c in row if c] + list(v.table.caption[-2:])
        return any(is_level1(c) or level2_strength(c) == 2 for c in cells) or looks_like_indicator_rows(v.table)

    def form_head(self, v: TableView, nxt: TableView) -> bool:
        """An untitled-family table holding a project's 绩效目标 (or 项目名称) whose
        indicator grid is the next table (a Word file printing the form in two)."""
        if nxt.family != "performance_target" or nxt.title or indicator_header(nxt.table) is None:
            return False
        if indicator_header(v.table) is not None or len(v.table.rows) > 12:
            return False
        labels = {norm(c).rstrip(":：") for row in v.table.rows for c in row[:2]}
        return bool(labels & (set(GOAL_LABELS) | {"项目名称", "项目编码"}))

    def feed(self, v: TableView) -> None:
        if self._context == "list" and self._last_index is not None and v.index == self._last_index + 1 and (
            layout_kind(v) == "list" and (not v.title or norm(v.title) == norm(self._lists[-1].title or ""))
            or not v.title and self._lists[-1].accepts(v)
        ):
            self._feed_list(self._lists[-1], v)  # the list goes on (a page the reader did not join)
        elif self._context == "summary" and self.continues(v):
            self._projects.extend(parse_summary(v, carry=self._projects[-1] if self._projects else None))
        elif self._context in ("department", "form") and self.continues(v) and indicator_header(v.table) is None:
            _more_indicators(self._current, v)
        else:
            kind = layout_kind(v)
            if kind == "list":
                self._lists.append(ListReader())
                self._feed_list(self._lists[-1], v)
                self._context, self._current = "list", None
            elif kind == "summary":
                self._projects.extend(parse_summary(v))
                self._context, self._current = "summary", None
            elif kind == "department":
                self._current = parse_department(v)
                self._departments.append(self._current)
                self._context = "department"
            else:
                bounds = form_starts(v.table) + [len(v.table.rows)]
                for a, b in zip(bounds, bounds[1:]):
                    self._feed_form(parse_form(v, a, b))
        self._last_index = v.index

    def _feed_list(self, reader: ListReader, v: TableView) -> None:
        known = len(reader.projects)
        reader.feed(v)
        self._projects.extend(reader.projects[known:])

    def _feed_form(self, form: dict) -> None:
        starts = form.pop("_starts")
        if starts or self._context != "form" or self._current is None:
            self._projects.append(form)
            self._current = form
            self._context = "form"
            return
        cur = self._current
        for key, value in form.items():
            if key == "indicators":
                cur["indicators"].extend(value)
            elif cur.get(key) in (None, [], "") and value not in (None, [], ""):
                cur[key] = value
        cur["pages"] = sorted(set(cur.get("pages") or []) | set(form.get("pages") or []))

    def projects(self) -> list[dict]:
        for reader in self._lists:
            reader.finish()
        out = []
        for p in self._projects:
            p.pop("_cols", None)
            if not p.get("name") and not p.get("code"):
                continue  # an indicator table quoted in a report (表1：项目年度绩效指标表), no project
            if p.get("amount") is None and not p.get("code") and not any(i.get("target") for i in p["indicators"]):
                continue  # an empty form (专项资金总体绩效目标表 printed blank, '指标1：' and no value: 不涉及)
            p["indicator_count"] = len(p["indicators"])
            out.append(p)
        return out

    def departments(self) -> list[dict]:
        for d in self._departments:
            d.pop("_cols", None)
            d["indicator_count"] = len(d["indicators"])
        return self._departments


def layout_kind(v: TableView) -> str:
    rows = v.table.rows
    head_rows = rows[: max(v.layout.body_start, 1) + 4]
    level3_heads = sum(1 for row in head_rows for c in row if norm(c) == "三级指标")
    text = norm("".join(c for row in rows[:12] for c in row))
    if level3_heads >= 2 and ("项目名称" in text or "编码" in text):
        return "summary"
    if list_header(v.table) is not None:
        return "list"
    title = norm(v.title) + norm(" ".join(v.table.caption[-2:]))
    if ("整体" in title or "年度履职目标" in text or "部门（单位）名称" in text or "部门(单位)名称" in text) and "项目名称" not in text:
        return "department"
    return "project"


# --------------------------------------------------------------------------- one form per project


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
    form: dict = {
        "code": None,
        "name": None,
        "amount": None,
        "fiscal": None,
        "other": None,
        "purpose": None,
        "spending_plan": [],
        "goal": None,
        "department": None,
        "implementing_agency": None,
        "indicators": [],
        "table": v.title or _heading(table) or None,
        "table_index": v.index,
        "page": _page(table, start),
        "pages": sorted({p for p in table.row_pages[start:end] if p is not None}),
        "row": None,
    }
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
                val = _value_right_or_below(rows, r, t.col, numeric=True)
                if val is not None:
                    amounts[text] = (val.text, r)
            elif ("财政资金" in text or "财政拨款" in text) and len(text) <= 10 and form["fiscal"] is None:
                val = _value_right_or_below(rows, r, t.col, numeric=True)
                if val is not None:
                    form["fiscal"] = val.text
            elif text == "其他资金" and form["other"] is None:
                val = _value_right_or_below(rows, r, t.col, numeric=True)
                if val is not None:
                    form["other"] = val.text
            elif _FORM_UNIT.search(text):
                scale = _FORM_UNIT.search(text).group(2)
            elif text.startswith("主管部门") and nxt:
                form["department"] = clean_text(nxt.text)
            elif text in ("实施单位", "实施单") and nxt:
                form["implementing_agency"] = clean_text(nxt.text)
            elif text in GOAL_LABELS and form["goal"] is None:
                goal = nxt or (rows[r + 1][0] if r + 1 < top and rows[r + 1] else None)
                if goal is not None:
                    form["goal"] = _paragraphs(goal.text)
                starts = True
            elif text.startswith("资金支出计划"):
                form["spending_plan"] = _spending_plan(rows, r, top)
    label = next((lab for lab in AMOUNT_LABELS if lab in amounts), None)
    if label is not None:
        form["amount"] = _amount(amounts[label][0], scale)
        amount_row = amounts[label][1]
    for key in ("fiscal", "other"):
        if form[key] is not None:
            form[key] = _amount(form[key], scale)
    if amount_row is not None and amount_row + 1 < top:
        nxt_row = rows[amount_row + 1]
        texts = [t for t in nxt_row if number_of(t.text) is None and not t.n.startswith("资金")]
        if len(texts) == 1 and len(nxt_row) == 1:
            form["purpose"] = clean_text(texts[0].text)
    if not form["name"] and start == 0:
        heading = _heading(table)
        if heading:
            form["name"] = strip_title(heading)
            starts = True
    elif v.title:
        starts = True
    if hr is not None:
        cols = _header_columns(table, hr)
        form["indicators"] = indicator_rows_from(table, hr + 1, cols, end=end)
        form["_cols"] = (cols, table.width)
    form["_starts"] = starts
    return form


def _page(table: Table, row: int) -> int | None:
    return table.row_pages[row] if row < len(table.row_pages) and table.row_pages[row] is not None else table.page


_ENUMERATOR = re.compile(r"^(\d{1,2}\s*[.．、]|[（(]\s*\d{1,2}\s*[)）]|[一二三四五六七八九十]+、|目标\s*\d)")


def _paragraphs(text: str) -> str | None:
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


def _heading(table: Table) -> str | None:
    """The numbered heading printed above the table ('9、劳务派遣人员经费')."""
    for line in reversed(table.caption):
        text = line.strip()
        if not text or re.match(r"^(单位|金额单位)\s*[:：]", text):
            continue
        if _HEADING.match(text) or "绩效目标" in text:
            return text
        return None
    return None


def _amount(text: str, scale: str) -> Decimal | None:
    try:
        return parse_amount(text, scale)
    except ValueError:
        return number_of(text)


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


# --------------------------------------------------------------------------- indicator grid


def indicator_header(table: Table, start: int = 0, end: int | None = None) -> int | None:
    for r in range(start, len(table.rows) if end is None else end):
        cells = [norm(c) for c in table.rows[r]]
        if any(c.startswith("一级指标") for c in cells) and any(c.startswith(("二级指标", "三级指标")) for c in cells):
            return r
    return None


def _header_columns(table: Table, hr: int) -> dict[str, int | None]:
    cells = [norm(c) for c in table.rows[hr]]

    def first(pred) -> int | None:
        return next((i for i, c in enumerate(cells) if c and pred(c)), None)

    cols = {
        "level1": first(lambda c: c.startswith("一级指标")),
        "level2": first(lambda c: c.startswith("二级指标")),
        "level3": first(lambda c: c.startswith("三级指标")),
        "description": first(lambda c: ("指标描述" in c or c in ("指标说明", "指标解释", "绩效指标描述"))),
        "target": first(lambda c: c.startswith(("年度指标值", "年度目标值")))
        if first(lambda c: "实施周期" in c) is not None
        else None,
        "period": first(lambda c: "实施周期" in c and ("指标值" in c or "目标值" in c)),
        "basis": first(lambda c: "依据" in c or c in ("指标值说明", "备注", "评(扣)分标准")),
    }
    if cols["target"] is None:
        cols["target"] = first(
            lambda c: ("指标值" in c or c in ("目标值", "指标目标值"))
            and "依据" not in c
            and "说明" not in c
        )
    if cols["period"] is None or cols["period"] == cols["target"]:
        del cols["period"]
    if cols["level3"] is None:
        # right of the level columns: the outer label of the whole grid
        # ('绩效指标' down its left edge) may share the heading row
        after = max((c for c in (cols["level1"], cols["level2"]) if c is not None), default=-1)
        cols["level3"] = next(
            (i for i, c in enumerate(cells) if i > after and c in ("指标内容", "指标名称", "绩效指标")), None
        )
    return cols


def _shift(cells: list[str], cols: dict[str, int | None]) -> int:
    """How far a row that lost merged cells sits left of the header."""
    toks = tokens(cells)
    if not toks:
        return 0
    first = toks[0]
    nxt = toks[1].text if len(toks) > 1 else ""
    if is_level1(first.text) and (first.n not in AMBIGUOUS or level2_strength(nxt) > 0):
        expected = cols["level1"]
    elif level2_strength(first.text) > 0:
        expected = cols["level2"]
    else:
        expected = cols["level3"]
    if expected is None:
        return 0
    return max(0, expected - first.col)


def indicator_rows(table: Table, hr: int) -> list[dict]:
    return indicator_rows_from(table, hr + 1, _header_columns(table, hr))


def indicator_rows_from(
    table: Table,
    start: int,
    cols: dict[str, int | None],
    level1: str | None = None,
    level2: str | None = None,
    end: int | None = None,
) -> list[dict]:
    out: list[dict] = []
    prev: dict | None = None
    stop = len(table.rows) if end is None else end
    by_cell = {} if table.ragged else _labels_by_cell(table, cols, start, stop)
    for r in range(start, stop):
        cells = table.rows[r]
        if not any(c.strip() for c in cells):
            continue
        shift = _shift(cells, cols) if table.ragged else 0
        mapped = {c + shift: cell.strip() for c, cell in enumerate(cells) if cell.strip()}
        for col, text in by_cell.get(r, {}).items():
            if text:
                mapped[col] = text
            else:
                mapped.pop(col, None)

        def get(key: str) -> str:
            col = cols.get(key)
            return mapped.get(col, "") if col is not None else ""

        l1, l2, l3 = get("level1"), get("level2"), get("level3")
        desc, target, basis = get("description"), get("target"), get("basis")
        if norm(l1).startswith("一级指标"):
            continue  # a repeated header
        if not (l3 or desc or target):
            if l1:
                level1, level2 = l1, (l2 or None)
            elif l2:
                level2 = l2
            continue
        if not (l1 or l2 or l3) and prev is not None:
            _continue(prev, mapped, cols)
            continue
        if l1 and norm(l1) not in LEVEL1_NAMES and len(norm(l1)) <= 3:
            # a label written down a merged cell one character per grid row ('产⏎出', '指', '标')
            cand = (norm(level1) if level1 and norm(level1) not in LEVEL1_NAMES else "") + norm(l1)
            if any(name.startswith(cand) for name in LEVEL1_NAMES):
                level1, l1 = cand, ""
        if l1:
            level1 = l1
            level2 = l2 or None
        elif l2:
            level2 = l2
        pv = parse_value(target)
        ind = {
            "level1": norm(level1 or "") or None,
            "level2": norm(level2 or "") or None,
            "level3": clean_text(l3) or clean_text(desc),
            "description": clean_text(desc),
            "target": clean_text(target),
            "operator": pv.operator,
            "value": pv.value,
            "unit": pv.unit,
            "basis": clean_text(basis),
            "row": r,
            "page": table.row_pages[r] if r < len(table.row_pages) else table.page,
        }
        if cols.get("period") is not None:
            ind["period_target"] = clean_text(get("period")) or None  # 实施周期指标值 beside the year's
        out.append(ind)
        prev = ind
    _complete_level1(out)
    if cols.get("level2") is not None:
        _complete_level2(out)
    return out


def _labels_by_cell(table: Table, cols: dict[str, int | None], start: int, end: int) -> dict[int, dict[int, str]]:
    """The 一级/二级 labels placed by the merged cell they are printed in.

    A level label stands for every row its (merged) cell covers, wherever in
    the cell it is printed: in its middle, one character a row, or on the
    other page when the cell crosses a page break.  From the table's spans,
    each cell of a level column becomes one label on the cell's first row and
    blanks on the rest; the piece of a cell at the foot of a page and the
    piece at the head of the next are one cell when one of them is blank or
    their texts together spell one level name.  Returns {row: {col: text}}
    for the rows of level cells the spans describe."""
    if not table.spans:
        return {}
    cover: dict[tuple[int, int], tuple[int, int]] = {}
    for (r0, c0), (rs, cs) in table.spans.items():
        for r in range(r0, r0 + rs):
            for c in range(c0, c0 + cs):
                cover.setdefault((r, c), (r0, c0))
    out: dict[int, dict[int, str]] = {}
    for key in ("level1", "level2"):
        col = cols.get(key)
        if col is None or col in (cols.get("level3"), cols.get("target")):
            continue
        # [first row, last row, text (None: the heading's), top-left of its span]
        # for each cell of the column, then [.., merged] once pieces are joined
        pieces: list[list] = []
        for r in range(start, end):
            origin = cover.get((r, col), (r, col))
            if pieces and pieces[-1][3] == origin:
                pieces[-1][1] = r
                continue
            if origin[0] < start:
                text = None  # a cell that starts in the heading
            else:
                text = norm(table.rows[origin[0]][origin[1]]) if origin[0] == r else ""
            pieces.append([r, r, text, origin])
        cells: list[list] = []
        for piece in pieces:
            if cells and _one_cell(table, cells[-1], piece):
                cells[-1][1] = piece[1]
                cells[-1][2] = (cells[-1][2] or "") + (piece[2] or "")
                cells[-1][4] = True
            else:
                cells.append(piece + [piece[3] in table.spans])
        for first, last, text, _, merged in cells:
            if text is None or not merged:
                continue
            out.setdefault(first, {})[col] = text
            for r in range(first + 1, last + 1):
                out.setdefault(r, {})[col] = ""
    return out


def _one_cell(table: Table, a: list, b: list) -> bool:
    """Whether cell piece ``b`` (at the head of a page) carries on piece ``a``
    (at the foot of the page before): one merged cell cut by the break."""
    pages = table.row_pages
    if a[2] is None or b[2] is None or not (a[1] < len(pages) and b[0] < len(pages)):
        return False
    if pages[a[1]] is None or pages[b[0]] is None or pages[a[1]] == pages[b[0]]:
        return False
    if not a[2] or not b[2]:
        return True
    joined = a[2] + b[2]

    def whole(t: str) -> bool:
        return t in LEVEL1_NAMES or level2_strength(t) == 2

    return not whole(a[2]) and not whole(b[2]) and whole(joined)


def _complete_level1(out: list[dict]) -> None:
    """Give rows the whole 一级 label that a merged cell spelt out over several rows,
    including the rows above the row where its first character was printed."""
    full = None
    for ind in reversed(out):
        l1 = ind["level1"]
        if l1 and l1 in LEVEL1_NAMES:
            full = l1
        elif l1 and full and full.startswith(l1):
            ind["level1"] = full
        elif l1 is None and full:
            ind["level1"] = full
        elif l1:
            full = None


def _complete_level2(out: list[dict]) -> None:
    """The first rows of a 一级 group printed no 二级 label: the label of the
    group's first 二级 cell is printed lower down, in the middle of its merged
    cell, and stands for the rows above it too."""
    i = 0
    while i < len(out):
        j = i
        while j < len(out) and out[j]["level1"] == out[i]["level1"]:
            j += 1
        first = next((k for k in range(i, j) if out[k]["level2"]), None)
        if first is not None and first > i and out[i]["level1"]:
            for k in range(i, first):
                out[k]["level2"] = out[first]["level2"]
        i = j


def _continue(prev: dict, mapped: dict[int, str], cols: dict[str, int | None]) -> None:
    """A wrapped second line (text seeds): add it to the neighbouring cell with the most text."""
    for col, text in mapped.items():
        candidates = [
            key
            for key in ("level3", "description", "target", "basis")
            if cols.get(key) is not None and 0 <= col - cols[key] + 1 <= 2 and prev.get(key)
        ]
        if not candidates:
            continue
        key = max(candidates, key=lambda k: len(prev.get(k) or ""))
        prev[key] = (prev[key] or "") + text
        if key == "target":
            pv = parse_value(prev["target"])
            prev["operator"], prev["value"], prev["unit"] = pv.operator, pv.value, pv.unit


# --------------------------------------------------------------------------- summary of all projects


def _summary_layout(table: Table) -> Layout | None:
    """The header of a summary table ends at its '三级指标 | 指标值' row (the generic
    layout may run it into rows whose targets are not amounts)."""
    last = next((r for r in range(min(8, len(table.rows))) if "三级指标" in [norm(c) for c in table.rows[r]]), None)
    if last is None:
        return None
    start = next(
        (r for r in range(last + 1) if any("编码" in norm(c) or norm(c).startswith(("项目名称", "项目单位")) for c in table.rows[r])),
        0,
    )
    return Layout(table=table, header_start=start, body_start=last + 1, labels=_fill_labels(table, start, last + 1))


def parse_summary(v: TableView, carry: dict | None = None) -> list[dict]:
    """Projects of a 项目绩效目标汇总表; rows before the first project continue ``carry``
    (the last project of the page before)."""
    table = v.table
    layout = _summary_layout(table)
    if layout is None:
        return []
    width = table.width
    code_col = layout.find("编码")
    name_col = layout.find("名称")
    amount_col = layout.find("资金总额") or layout.find("金额", exclude=("政府", "专户", "单位资金"))
    fiscal_col = layout.find("政府预算资金") or layout.find("财政拨款")
    other_cols = [c for c in (layout.find("财政专户"), layout.find("单位资金"), layout.find("其他资金")) if c is not None]
    groups: list[tuple[int, int, str]] = []  # (name col, value col, level1)
    for c in range(width):
        path = layout.path(c)
        if path and path[-1] == "三级指标":
            level1 = next((p for p in reversed(path[:-1]) if p.endswith("指标") and p != "绩效指标"), None)
            value_col = c + 1 if c + 1 < width and "指标值" in layout.path_text(c + 1) else c + 1
            groups.append((c, value_col, level1 or ""))
    if not groups or name_col is None:
        return []
    first_ind = min(g[0] for g in groups)
    projects: list[dict] = []
    cur: dict | None = carry
    for r in layout.body:
        cells = table.rows[r]
        code = norm(cells[code_col]) if code_col is not None else ""
        if code and is_project_code(code):
            cur = {
                "code": code,
                "name": name_text(cells[name_col]),
                "amount": _amount(cells[amount_col], v.scale) if amount_col is not None and cells[amount_col].strip() else None,
                "fiscal": _amount(cells[fiscal_col], v.scale) if fiscal_col is not None and cells[fiscal_col].strip() else None,
                "other": _sum_amounts([cells[c] for c in other_cols], v.scale),
                "purpose": None,
                "spending_plan": [],
                "goal": None,
                "department": None,
                "implementing_agency": None,
                "indicators": [],
                "table": v.title,
                "table_index": v.index,
                "page": v.row_page(r),
                "pages": [v.row_page(r)] if v.row_page(r) is not None else [],
                "row": r,
            }
            projects.append(cur)
        elif code:
            cur = None  # a unit subtotal row ('308', '308001') or debris
            continue
        if cur is None:
            continue
        toks = [
            Token(c, cells[c].strip())
            for c in range(max(0, first_ind - 1), width)
            if cells[c].strip() and not (c < first_ind and is_amount(cells[c]))
        ]
        i = 0
        while i < len(toks):
            a = toks[i]
            b = toks[i + 1] if i + 1 < len(toks) and toks[i + 1].col == a.col + 1 else None
            i += 2 if b is not None else 1
            level1 = _group_of(groups, a, b)
            pv = parse_value(b.text if b else "")
            page = v.row_page(r)
            if page is not None and page not in cur["pages"]:
                cur["pages"].append(page)
            cur["indicators"].append(
                {
                    "level1": norm(level1) or None,
                    "level2": None,
                    "level3": clean_text(a.text),
                    "description": None,
                    "target": clean_text(b.text) if b else None,
                    "operator": pv.operator,
                    "value": pv.value,
                    "unit": pv.unit,
                    "basis": None,
                    "row": r,
                    "page": page,
                }
            )
    return projects


def _group_of(groups: list[tuple[int, int, str]], a: Token, b: Token | None) -> str:
    if b is not None:
        for name_col, value_col, level1 in groups:
            if value_col == b.col:
                return level1
        for name_col, value_col, level1 in groups:
            if value_col == b.col + 1:
                return level1
    for name_col, value_col, level1 in groups:
        if name_col in (a.col, a.col + 1):
            return level1
    return min(groups, key=lambda g: abs(g[0] - a.col))[2]


def _sum_amounts(texts: list[str], scale: str) -> Decimal | None:
    values = [_amount(t, scale) for t in texts if t and t.strip()]
    values = [x for x in values if x is not None]
    return sum(values, Decimal(0)) if values else None


# --------------------------------------------------------------------------- the department's overall targets


def _more_indicators(record: dict, v: TableView) -> None:
    """Indicator rows of a table continuing ``record``'s grid on the next page."""
    table = v.table
    hr = indicator_header(table)
    last = record["indicators"][-1] if record["indicators"] else {}
    if hr is not None:
        cols, start = _header_columns(table, hr), hr + 1
        record["_cols"] = (cols, table.width)
    elif record.get("_cols"):
        cols = _infer_columns(table)  # a page without the heading row: columns by their content
        if cols is None:
            return
        start = 0
    else:
        return
    record["indicators"].extend(indicator_rows_from(table, start, cols, last.get("level1"), last.get("level2")))
    record["pages"] = sorted(set(record.get("pages") or []) | set(table.pages))


def _value_like(text: str) -> bool:
    pv = parse_value(text)
    return pv.value is not None or pv.operator in ("≥", "≤", ">", "<", "=")


def _value_column(table: Table) -> int | None:
    """The column holding most target values ('≥95%', '12个月')."""
    counts: dict[int, int] = {}
    for row in table.rows:
        for c, cell in enumerate(row):
            if cell.strip() and _value_like(cell):
                counts[c] = counts.get(c, 0) + 1
    return max(counts, key=lambda c: (counts[c], -c)) if counts else None


def _infer_columns(table: Table) -> dict[str, int | None] | None:
    """Indicator columns of a grid printed without its heading row (a continuation
    page that may also have lost columns): the target column holds the values, the
    二级/一级 columns their labels, 三级 the text column left of the target."""
    target = _value_column(table)
    if target is None:
        return None

    def most(pred) -> int | None:
        counts: dict[int, int] = {}
        for row in table.rows:
            for c, cell in enumerate(row):
                if cell.strip() and pred(cell):
                    counts[c] = counts.get(c, 0) + 1
        return max(counts, key=lambda c: (counts[c], -c)) if counts else None

    level2 = most(lambda c: level2_strength(c) == 2)
    level1 = most(lambda c: is_level1(c) and norm(c) not in AMBIGUOUS)
    filled = {c: sum(1 for row in table.rows if c < len(row) and row[c].strip()) for c in range(target)}
    candidates = [c for c in range(target) if c not in (level1, level2) and filled[c]]
    level3 = max(candidates, key=lambda c: (filled[c], c)) if candidates else None
    basis = next((c for c in range(target + 1, table.width) if any(c < len(r) and r[c].strip() for r in table.rows)), None)
    return {"level1": level1, "level2": level2, "level3": level3, "description": None, "target": target, "basis": basis}


def looks_like_indicator_rows(table: Table) -> bool:
    rows = [r for r in table.rows if sum(1 for c in r if c.strip()) >= 2]
    if not rows:
        return False
    col = _value_column(table)
    if col is None:
        return False
    hits = sum(1 for r in rows if col < len(r) and _value_like(r[col]))
    return hits * 3 >= len(rows)


def parse_department(v: TableView) -> dict:
    table = v.table
    rows = [tokens(r) for r in table.rows]
    hr = indicator_header(table)
    dept: dict = {
        "name": None,
        "budget": None,
        "indicators": indicator_rows(table, hr) if hr is not None else [],
        "_cols": (_header_columns(table, hr), table.width) if hr is not None else None,
        "table": v.title or _heading(table),
        "table_index": v.index,
        "page": table.page,
        "pages": table.pages,
    }
    scale = v.scale
    budget = None
    for r in range(hr if hr is not None else len(rows)):
        toks = rows[r]
        for i, t in enumerate(toks):
            if "名称" in t.n and i + 1 < len(toks) and dept["name"] is None:
                dept["name"] = name_text(toks[i + 1].text)
            elif ("预算总额" in t.n or t.n.rstrip(":：") in _DEPARTMENT_TOTALS) and budget is None:
                val = _value_right_or_below(rows, r, t.col, numeric=True)
                if val is not None:
                    budget = val.text
            if _FORM_UNIT.search(t.n):
                scale = _FORM_UNIT.search(t.n).group(2)  # '预算金额（万元）' heads the amounts
    if budget is not None:
        dept["budget"] = _amount(budget, scale)
    top = hr if hr is not None else len(rows)
    _department_funds(dept, rows, top, scale)
    goal = _labelled_text(rows, top, _DEPARTMENT_GOALS)
    if goal is not None:
        dept["goal"] = _paragraphs(goal)
    tasks = _department_tasks(table, rows, top, scale)
    if tasks:
        dept["tasks"] = tasks
    return dept


# the row that totals the department's tasks ('金额合计' under 预算金额（万元）)
_DEPARTMENT_TOTALS = ("金额合计", "预算金额合计", "资金合计")

_DEPARTMENT_GOALS = ("总体绩效目标", "部门整体绩效目标", "整体绩效目标", "年度总体目标", "总体目标", "年度绩效目标")

# Blocks of a 部门整体预算绩效目标申报表's 预算整体情况: a heading cell over
# label | amount pairs.  (heading words, key of the block, {label word: key})
_FUND_BLOCKS = (
    (("收入来源", "资金来源"), "income", {"财政拨款": "fiscal", "其他资金": "other"}),
    (("部门预算支出", "预算支出", "支出构成"), "expenditure", {"基本支出": "basic", "项目支出": "project"}),
    (("预算级次",), "levels", {"本级": "own_use", "转移支付": "transfer"}),
)


def _block_pairs(rows: list[list[Token]], r0: int, col: int, top: int) -> list[tuple[str, str, int]]:
    """(label, amount text, row) of the label | amount pairs printed below the
    heading at (r0, col), down the heading's column, until a cell there that
    is not followed by an amount (the next block's heading)."""
    out = []
    for r in range(r0 + 1, top):
        toks = rows[r]
        at = next((i for i, t in enumerate(toks) if t.col == col), None)
        if at is None or at + 1 >= len(toks) or not is_amount(toks[at + 1].text):
            break
        out.append((toks[at].n, toks[at + 1].text, r))
    return out


def _department_funds(dept: dict, rows: list[list[Token]], top: int, scale: str) -> None:
    """The parts of the department's budget a 申报表 prints (基本/项目支出, 财政拨款/其他资金,
    本级/对下转移支付), and its total when no 预算总额 is printed: the sum of the
    收入来源 (every fund the department has, transfers to lower levels and
    other funds included), else of its 部门预算支出."""
    sums: dict[str, Decimal] = {}
    for r in range(top):
        for t in rows[r]:
            for heads, block, keys in _FUND_BLOCKS:
                if block in sums or not any(h in t.n for h in heads):
                    continue
                pairs = _block_pairs(rows, r, t.col, top)
                if not pairs:
                    continue
                total = Decimal(0)
                for label, text, _row in pairs:
                    value = _amount(text, scale)
                    if value is None:
                        continue
                    total += value
                    key = next((k for word, k in keys.items() if word in label), None)
                    if key is not None and key not in dept:
                        dept[key] = value
                sums[block] = total
    if dept.get("budget") is None:
        for block, basis in (("income", "收入来源合计"), ("expenditure", "部门预算支出合计")):
            if block in sums:
                dept["budget"] = sums[block]
                dept["budget_basis"] = basis
                break


def _labelled_text(rows: list[list[Token]], top: int, labels: tuple[str, ...]) -> str | None:
    for r in range(top):
        toks = rows[r]
        for i, t in enumerate(toks[:-1]):
            if t.n.rstrip(":：") in labels and not is_amount(toks[i + 1].text):
                return toks[i + 1].text
    return None


def _department_tasks(table: Table, rows: list[list[Token]], top: int, scale: str) -> list[dict]:
    """The 年度重点工作任务 rows: 名称 | 主要实施内容 | 拟投入的资金（万元）| 期望达到的目标,
    columns by their header words."""
    for r in range(top):
        heads = {t.col: t.n for t in rows[r]}
        name = next((c for c, h in heads.items() if h in ("名称", "任务名称", "重点工作任务", "工作任务")), None)
        amount = next((c for c, h in heads.items() if "资金" in h or "金额" in h), None)
        if name is None or amount is None:
            continue
        content = next((c for c, h in heads.items() if "内容" in h), None)
        goal = next((c for c, h in heads.items() if "目标" in h), None)
        out = []
        for rr in range(r + 1, top):
            cells = table.rows[rr]
            if not cells[name].strip() and not cells[amount].strip():
                break
            out.append(
                {
                    "name": name_text(cells[name]),
                    "content": clean_text(cells[content]) if content is not None else None,
                    "amount": _amount(cells[amount], scale) if cells[amount].strip() else None,
                    "goal": clean_text(cells[goal]) if goal is not None else None,
                    "page": table.row_pages[rr] if rr < len(table.row_pages) else table.page,
                    "row": rr,
                }
            )
        return out
    return []
