"""Financial tables -> records: totals, function lines, economic lines, 三公.

Every value keeps its provenance (page, table title, row).  Columns are found
by the words of their headings; rows by their labels or classification codes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from loaders.recognise.cells import is_amount, is_blank, norm, parse_amount, split_code
from loaders.recognise.views import TableView


@dataclass
class Fact:
    value: Decimal | None
    page: int | None
    table: str
    row: int | None
    origin: str = "table"

    def source(self) -> dict:
        return {"page": self.page, "table": self.table, "row": self.row, "origin": self.origin}


class AmountError(ValueError):
    """A cell where an amount belongs holds something else."""

    def __init__(self, view: TableView, row: int, col: int, text: str) -> None:
        self.view, self.row, self.col, self.text = view, row, col, text
        super().__init__(f"{view.title or '表格'} 第{row + 1}行第{col + 1}列不是金额：{text!r}")


def amount(view: TableView, row: int, col: int | None, problems: list | None = None) -> Decimal | None:
    if col is None or col >= view.table.width:
        return None
    text = view.table.rows[row][col]
    try:
        return parse_amount(text, view.scale)
    except ValueError:
        if problems is not None:
            problems.append(AmountError(view, row, col, text))
        return None


def fact(view: TableView, row: int, col: int | None, problems: list | None = None) -> Fact:
    return Fact(amount(view, row, col, problems), view.row_page(row), view.title, row)


_LEAD = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．]|其中[:：]?)+")


def label_key(text: str) -> str:
    return _LEAD.sub("", norm(text)).replace(":", "").replace("：", "")


# ---------------------------------------------------------------- column roles


def _column_roles(view: TableView) -> tuple[list[int], list[int]]:
    """(label columns, value columns) of a two-sided summary table."""
    t, lay = view.table, view.layout
    labels, values = [], []
    for col in range(t.width):
        path = lay.path_text(col)
        if "行次" in path or "栏次" in path:
            continue
        cells = [norm(t.rows[r][col]) for r in lay.body if norm(t.rows[r][col])]
        if not cells:
            if any(w in path for w in ("预算数", "决算数", "金额", "合计", "小计", "拨款")):
                values.append(col)
            continue
        numeric = sum(1 for c in cells if is_amount(c))
        small_ints = sum(1 for c in cells if re.fullmatch(r"\d{1,2}", c))
        if numeric - small_ints >= len(cells) / 2 or (numeric >= len(cells) / 2 and "项目" not in path):
            if small_ints == numeric and small_ints > 3 and "序号" not in path:
                continue  # a 行次 column without its heading
            values.append(col)
        elif numeric <= len(cells) / 3:
            labels.append(col)
    return labels, values


def label_pairs(view: TableView, problems: list) -> list[tuple[str, str, Fact, int]]:
    """(label key, side, fact, label column) for every label cell with its value.

    The value of a label is the first value column to its right, before the
    next label column.  ``side`` is 'income' or 'expenditure' by the heading.
    """
    labels, values = _column_roles(view)
    out = []
    for li, lc in enumerate(labels):
        nxt = labels[li + 1] if li + 1 < len(labels) else view.table.width
        vcols = [v for v in values if lc < v < nxt]
        if not vcols:
            continue
        path = view.layout.path_text(lc)
        side = "expenditure" if ("支出" in path and "收入" not in path) or (li > 0 and "收入" not in path) else "income"
        for r in view.layout.body:
            text = view.table.rows[r][lc]
            key = label_key(text)
            if key:
                out.append((key, side, fact(view, r, vcols[0], problems), lc))
    return out


# ---------------------------------------------------------------- totals

_SUMMARY_LABELS: list[tuple[str, str | None, re.Pattern[str]]] = [
    ("revenue_total", "income", re.compile(r"^本年收入(合计|小计|总计)$|^收入合计$")),
    ("expenditure_total", "expenditure", re.compile(r"^本年支出(合计|小计|总计)$|^支出合计$")),
    ("grand_total", "income", re.compile(r"^(收入)?总计$")),
    ("carryover_begin", "income", re.compile(r"^(上年结转(结余|资金)?|年初结转(和|及)?结余|上年结转和结余|上年结余结转)")),
    ("carryover_end", "expenditure", re.compile(r"^(年终结转结余|年末结转(和|及)?结余|结转下年|年终结转)")),
]


def summary_totals(view: TableView, problems: list) -> dict[str, Fact]:
    found: dict[str, Fact] = {}
    for key, side, f, _col in label_pairs(view, problems):
        for name, want_side, pattern in _SUMMARY_LABELS:
            if name in found or not pattern.search(key):
                continue
            if want_side and side != want_side and name not in ("revenue_total", "expenditure_total"):
                continue
            found[name] = f
    return found


_GPB = re.compile(r"^一般公共预算(财政)?(拨款)?(收入|资金|拨款)?$")
_FISCAL = re.compile(r"^财政拨款(收入)?$")


def fiscal_totals(view: TableView, problems: list) -> dict[str, Fact]:
    """From the 财政拨款收支总表: 财政拨款 total and its 一般公共预算 part."""
    found: dict[str, Fact] = {}
    for key, side, f, _col in label_pairs(view, problems):
        if side != "income":
            continue
        if "fiscal_appropriation" not in found and re.search(r"^本年收入(合计|小计)$|^收入合计$", key):
            found["fiscal_appropriation"] = f
        if "general_public_budget" not in found and _GPB.search(key):
            found["general_public_budget"] = f
    return found


def summary_fiscal(view: TableView, problems: list) -> dict[str, Fact]:
    """The 收支总表's own 财政拨款 / 一般公共预算 income lines (a fallback)."""
    found: dict[str, Fact] = {}
    for key, side, f, _col in label_pairs(view, problems):
        if side != "income":
            continue
        if "fiscal_appropriation" not in found and _FISCAL.search(key):
            found["fiscal_appropriation"] = f
        if "general_public_budget" not in found and _GPB.search(key):
            found["general_public_budget"] = f
    return found


# ---------------------------------------------------------------- coded lines


@dataclass
class CodeColumns:
    code: int | None  # one column holding the whole code
    split: list[int]  # 类/款/项 columns
    name: int | None


def _code_columns(view: TableView, exclude_words: tuple[str, ...] = ("政府",)) -> CodeColumns:
    lay, t = view.layout, view.table
    if t.ragged:
        # Header cells are shifted: find the code column by its contents.
        for c in range(min(4, t.width - 1)):
            cells = [norm(t.rows[r][c]) for r in lay.body if norm(t.rows[r][c])]
            if cells and sum(1 for x in cells if split_code(x)) >= len(cells) * 0.6:
                return CodeColumns(code=c, split=[], name=c + 1)
        return CodeColumns(code=None, split=[], name=None)
    split = []
    for word in ("类", "款", "项"):
        col = None
        for c in range(t.width):
            labels = [lv[c] for lv in lay.labels]
            if word in labels and not any(x in lay.path_text(c) for x in exclude_words):
                col = c
                break
        if col is None:
            break
        split.append(col)
    if len(split) < 2:
        # The 类/款/项 labels may sit in the first body row (beside 合计).
        split = []
        if lay.body_start < len(t.rows):
            first = [norm(x) for x in t.rows[lay.body_start]]
            for word in ("类", "款", "项"):
                if word in first:
                    split.append(first.index(word))
        if len(split) < 2:
            split = []
    code = None
    if not split:
        code = lay.find("编码", exclude=exclude_words + ("单位编码",)) or lay.find("代码", exclude=exclude_words + ("单位代码",))
        if code is None:
            # No heading says 编码: the first column whose body cells are codes.
            for c in range(min(4, t.width)):
                cells = [norm(t.rows[r][c]) for r in lay.body if norm(t.rows[r][c])]
                if cells and sum(1 for x in cells if split_code(x)) >= len(cells) * 0.6:
                    code = c
                    break
    name = lay.find("科目名称", exclude=exclude_words) or lay.find("名称", exclude=exclude_words + ("单位名称",))
    first_code = split[0] if split else code
    if name is None and first_code is not None:
        after = (split[-1] if split else code) + 1
        name = after if after < t.width else None
    return CodeColumns(code=code, split=split, name=name)


def _row_code(view: TableView, r: int, cols: CodeColumns, context: list[str]) -> str | None:
    row = view.table.rows[r]
    if cols.split:
        parts = [norm(row[c]) for c in cols.split]
        if not any(parts) or not all(re.fullmatch(r"\d*", p) for p in parts):
            return None
        # Hierarchical layouts print only the new level's digits (205 / 08 / 03).
        deepest = max(i for i, p in enumerate(parts) if p)
        out = []
        for level in range(deepest + 1):
            part = parts[level]
            if part:
                part = part.zfill(2) if level > 0 else part
                context[level] = part
            elif not context[level]:
                return None
            out.append(context[level])
        for deeper in range(deepest + 1, len(context)):
            context[deeper] = ""
        code = "".join(out)
        return code if split_code(code) else None
    if cols.code is None:
        return None
    text = norm(row[cols.code])
    code = split_code(text)
    if code is None and cols.name is not None and cols.name != cols.code:
        return None
    return code


def _is_total_label(text: str) -> bool:
    return bool(re.fullmatch(r"(合计|总计|小计|本年支出合计|支出合计|基本支出合计)", norm(text)))


@dataclass
class CodedRow:
    row: int
    code: str | None
    name: str
    is_total: bool


def coded_rows(view: TableView, cols: CodeColumns) -> list[CodedRow]:
    out = []
    context = ["", "", ""]
    for r in view.layout.body:
        row = view.table.rows[r]
        name = norm(row[cols.name]) if cols.name is not None else ""
        code = _row_code(view, r, cols, context)
        total = code is None and (
            _is_total_label(name) or any(_is_total_label(row[c]) for c in range(min(4, view.table.width)))
        )
        if code is None and not total:
            continue
        out.append(CodedRow(row=r, code=code, name=name, is_total=total))
    return out


def _amount_col(view: TableView, *options: tuple[str, ...], exclude: tuple[str, ...] = ()) -> int | None:
    """First column matching any of the word groups, preferring a 小计/合计 under it."""
    lay = view.layout
    for words in options:
        cols = lay.find_all(*words, exclude=exclude)
        if not cols:
            continue
        for c in cols:
            if lay.path(c)[-1:] in (["小计"], ["合计"]):
                return c
        for c in cols:
            if lay.path(c)[-1:] == [words[-1]]:
                return c
        return cols[0]
    return None


def _ragged_amount_cols(view: TableView, first_amount: int, targets: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Header cells shifted (Word table pasted as text): map by order instead."""
    out: dict[str, int] = {}
    skip = ("序号", "栏次", "项目", "单位名称", "单位代码")
    for row in view.layout.header_rows:
        labels = [norm(c) for c in row if norm(c)]
        amount_labels = [c for c in labels if c not in skip and "科目" not in c and "编码" not in c]
        for key, words in targets.items():
            if key in out:
                continue
            for i, label in enumerate(amount_labels):
                if any(w == label or label.startswith(w) for w in words):
                    out[key] = first_amount + i
                    break
    return out


def _first_amount_col(view: TableView, cols: CodeColumns) -> int:
    last = max([c for c in [cols.code, cols.name, *cols.split] if c is not None], default=-1)
    return last + 1


# 政府收支分类 function classes: 201 一般公共服务 … 234 抗疫特别国债.
FUNCTION_CODE = re.compile(r"2(0[1-9]|1\d|2\d|3[0-4])(\d{2}){0,2}")


def function_lines(view: TableView, problems: list) -> tuple[list[dict], dict[str, Fact]]:
    """Every coded row of an expenditure-by-function table, and its 合计 row."""
    cols = _code_columns(view)
    if cols.code is None and not cols.split:
        return [], {}
    first = _first_amount_col(view, cols)
    if view.table.ragged:
        found = _ragged_amount_cols(
            view, first, {"total": ("合计", "本年支出合计"), "basic": ("基本支出",), "project": ("项目支出",)}
        )
        total, basic, project = found.get("total", first), found.get("basic"), found.get("project")
    else:
        total = _amount_col(view, ("本年支出合计",), ("合计",), ("支出合计",), ("总计",), exclude=("科目",))
        if total is None or total < first:
            total = first
        basic = _amount_col(view, ("基本支出",))
        project = _amount_col(view, ("项目支出",), ("专项业务经费",))
    lines, totals = [], {}
    for cr in coded_rows(view, cols):
        values = {
            "total": fact(view, cr.row, total, problems),
            "basic": fact(view, cr.row, basic, problems),
            "project": fact(view, cr.row, project, problems),
        }
        if cr.is_total:
            if not totals:
                totals = values
            continue
        if not FUNCTION_CODE.fullmatch(cr.code or ""):
            continue
        lines.append(
            {
                "code": cr.code,
                "name": cr.name,
                "total": values["total"].value,
                "basic": values["basic"].value,
                "project": values["project"].value,
                "page": view.row_page(cr.row),
                "table": view.title,
                "row": cr.row,
            }
        )
    return lines, totals


_PERSONNEL_CODES = ("301", "303")


def _blocks(view: TableView) -> list[tuple[int, int]]:
    """Side-by-side column groups, each starting with its own code column.

    A group of 政府预算经济分类 codes printed beside the 部门 codes is not a
    group of its own: it belongs to the group on its left.
    """
    lay, t = view.layout, view.table

    def is_code(c: int) -> bool:
        path = lay.path_text(c)
        return ("编码" in path or "代码" in path or path.endswith("类")) and "名称" not in path

    starts = [c for c in range(t.width) if is_code(c) and not (c and is_code(c - 1))]
    if not starts:
        return [(0, t.width)]
    bounds = starts + [t.width]
    blocks = [(bounds[i], bounds[i + 1]) for i in range(len(starts))]
    merged: list[tuple[int, int]] = []
    for start, end in blocks:
        government = any("政府" in lay.path_text(c) for c in range(start, end) if not is_code(c))
        if merged and government:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def economic_lines(view: TableView, problems: list) -> tuple[list[dict], dict[str, Fact]]:
    """Every row of a basic-expenditure-by-economic-class table.

    Handles one code/name/amount group, or several side by side (公开06表 prints
    人员经费 and 公用经费 groups next to each other with one 决算数 each).
    """
    lines: list[dict] = []
    totals: dict[str, Fact] = {}
    blocks = _blocks(view)
    for start, end in blocks if len(blocks) > 1 else [(0, view.table.width)]:
        sub = _BlockView(view, start, end)
        cols = _code_columns(sub.view_like())
        if cols.code is None and not cols.split:
            continue
        cols = CodeColumns(
            code=None if cols.code is None else cols.code + start,
            split=[c + start for c in cols.split],
            name=None if cols.name is None else cols.name + start,
        )
        first = _first_amount_col(view, cols)
        group_path = " ".join(view.layout.path_text(c) for c in range(start, end))
        if view.table.ragged:
            found = _ragged_amount_cols(
                view,
                first,
                {"total": ("合计", "小计"), "personnel": ("人员经费", "人员支出"), "public": ("公用经费", "日常公用")},
            )
            total, personnel, public = found.get("total", first), found.get("personnel"), found.get("public")
        else:
            def in_block(c: int | None) -> int | None:
                return c if c is not None and start <= c < end else None

            lay = view.layout
            lo = max(start, first)
            total = in_block(_first_in(lay, lo, end, ("合计",), ("小计",), ("决算数",), ("预算数",), ("金额",)))
            personnel = in_block(_first_in(lay, lo, end, ("人员经费",), ("人员支出",)))
            public = in_block(_first_in(lay, lo, end, ("公用经费",), ("日常公用",), ("公用支出",)))
            if personnel is not None and personnel == total:
                personnel = None
            if public is not None and public == total:
                public = None
            if total is None or total < first:
                total = first if first < end else None
        group = "personnel" if "人员经费" in group_path and "公用经费" not in group_path else (
            "public" if "公用经费" in group_path and "人员经费" not in group_path else None
        )
        context = ["", "", ""]
        for r in view.layout.body:
            row = view.table.rows[r]
            name = norm(row[cols.name]) if cols.name is not None else ""
            code = _row_code(view, r, cols, context)
            label = norm(" ".join(row[start:end]))
            if code is None:
                if re.search(r"(人员|公用)经费(合计|小计)", norm(" ".join(row))):
                    _labelled_totals(view, r, totals, problems)
                elif _is_total_label(name) or label.startswith("合计"):
                    totals.setdefault("total", fact(view, r, total, problems))
                    if personnel is not None:
                        totals.setdefault("personnel", fact(view, r, personnel, problems))
                    if public is not None:
                        totals.setdefault("public", fact(view, r, public, problems))
                continue
            if not re.fullmatch(r"3\d{2}(\d{2})?", code):
                continue
            t_val = amount(view, r, total, problems)
            if personnel is not None or public is not None:
                p_val = amount(view, r, personnel, problems)
                q_val = amount(view, r, public, problems)
            else:
                side = group or ("personnel" if code.startswith(_PERSONNEL_CODES) else "public")
                p_val = t_val if side == "personnel" else None
                q_val = t_val if side == "public" else None
            lines.append(
                {
                    "code": code,
                    "name": name,
                    "total": t_val,
                    "personnel": p_val,
                    "public": q_val,
                    "page": view.row_page(r),
                    "table": view.title,
                    "row": r,
                }
            )
    return lines, totals


def _labelled_totals(view: TableView, r: int, totals: dict[str, Fact], problems: list) -> None:
    """'人员经费合计 … 390.50 公用经费合计 … 15.63': each label takes the next amount on its right."""
    row = view.table.rows[r]
    for c, cell in enumerate(row):
        m = re.search(r"(人员|公用)经费(合计|小计)", norm(cell))
        if not m:
            continue
        key = "personnel" if m.group(1) == "人员" else "public"
        for v in range(c + 1, len(row)):
            if is_amount(row[v]):
                totals.setdefault(key, fact(view, r, v, problems))
                break
            if re.search(r"经费(合计|小计)", norm(row[v])):
                break


def _first_in(lay, start: int, end: int, *options: tuple[str, ...]) -> int | None:
    for words in options:
        for c in range(start, end):
            text = lay.path_text(c)
            if all(w in text for w in words) and "政府" not in text:
                return c
    return None


class _BlockView:
    """A column slice of a view, to reuse the column finder on one group."""

    def __init__(self, view: TableView, start: int, end: int) -> None:
        self.view, self.start, self.end = view, start, end

    def view_like(self) -> TableView:
        from loaders.model import Table
        from loaders.recognise.layout import Layout

        t = self.view.table
        sub = Table(
            rows=[r[self.start : self.end] for r in t.rows],
            row_pages=list(t.row_pages),
            ragged=t.ragged,
        )
        lay = Layout(table=sub, header_start=self.view.layout.header_start, body_start=self.view.layout.body_start)
        lay.labels = [lv[self.start : self.end] for lv in self.view.layout.labels]
        return TableView(
            index=self.view.index,
            table=sub,
            layout=lay,
            family=self.view.family,
            title=self.view.title,
            scale=self.view.scale,
            scale_declared=self.view.scale_declared,
        )


# ---------------------------------------------------------------- 三公

THREE_PUBLIC_KEYS = ("total", "outbound", "vehicle_total", "vehicle_purchase", "vehicle_operation", "reception")


def _three_public_item(text: str) -> str | None:
    t = norm(text)
    if not t:
        return None
    if "出国" in t:
        return None if ("其中" in t or "教学科研" in t or "其他因公" in t) else "outbound"
    if "购置" in t and "运行" not in t and "运维" not in t:
        return "vehicle_purchase"
    if "运行" in t and "购置" not in t or "运维费" in t and "购置" not in t:
        return "vehicle_operation"
    if "公务用车" in t or "购置及运" in t:
        return "vehicle_total"
    if "接待" in t:
        return "reception"
    if "三公" in t and ("小计" in t or "合计" in t):
        return "total3"
    if t in ("合计", "小计", "总计"):
        return "total"
    if "三公" in t:
        return "total3"
    return None


def _item_of_path(path: list[str]) -> str | None:
    """The 三公 item a column heading names; 小计 takes its parent's item.

    Header levels may put the item above 预算数/决算数 (Shanghai) or below it.
    """
    labels = [label for label in path if _group_of(label, None) is None or _three_public_item(label)]
    for i in range(len(labels) - 1, -1, -1):
        item = _three_public_item(labels[i])
        if item in ("total", None):
            if item == "total" and i > 0:
                parent = _three_public_item(labels[i - 1])
                if parent and parent != "total":
                    return "total3" if parent == "total3" else parent
            if item == "total":
                return "total"
            continue
        return item
    return None


def _group_of(text: str, year: int | None) -> str | None:
    t = norm(text)
    if "决算" in t:
        return "actual"
    if "预算" in t:
        if year and re.search(r"20\d{2}", t) and str(year) not in t:
            return "other_year"
        return "budget"
    return None


def three_public(view: TableView, year: int | None, problems: list) -> dict[str, dict[str, Fact]]:
    """{'budget'|'actual'|None: {key: Fact}} from a 三公 table in either orientation."""
    lay, t = view.layout, view.table
    out: dict[str, dict[str, Fact]] = {}
    col_items = {c: _item_of_path(lay.path(c)) for c in range(t.width)}
    horizontal = sum(1 for v in col_items.values() if v) >= 3
    if horizontal:
        for c, item in col_items.items():
            if not item:
                continue
            group = _group_of(lay.path_text(c), year)
            if group == "other_year":
                continue
            for r in lay.body:
                if any(is_amount(x) for x in t.rows[r]):
                    out.setdefault(group or "", {}).setdefault(item, fact(view, r, c, problems))
                    break
    else:
        # Vertical: item per row, amount in the first value column(s).
        value_cols = [c for c in range(t.width) if any(is_amount(t.rows[r][c]) for r in lay.body)]
        label_col = None
        for r in lay.body:
            for c in range(t.width):
                if _three_public_item(t.rows[r][c]):
                    label_col = c
                    break
            if label_col is not None:
                break
        if label_col is None:
            return {}
        groups: dict[str, int] = {}
        for c in range(label_col + 1, t.width):
            g = _group_of(lay.path_text(c), year)
            if g and g != "other_year" and g not in groups:
                groups[g] = c
        if not groups:
            first = next((c for c in range(label_col + 1, t.width) if c in value_cols or "合计" in lay.path_text(c)), None)
            if first is None:
                first = label_col + 1 if label_col + 1 < t.width else None
            groups[""] = first
        for g, c in groups.items():
            for r in lay.body:
                item = _three_public_item(t.rows[r][label_col])
                if item and c is not None:
                    out.setdefault(g, {}).setdefault(item, fact(view, r, c, problems))
    for g, items in out.items():
        if "total3" in items:
            items["total"] = items.pop("total3")
    return out


# ---------------------------------------------------------------- 机关运行经费

_OPERATING_WORDS = ("机关运行经费", "机构运转经费", "机关运行费")


def operating_expenses_from_table(view: TableView, problems: list) -> Fact | None:
    lay, t = view.layout, view.table
    for c in range(t.width):
        if any(w in lay.path_text(c) for w in _OPERATING_WORDS):
            for r in lay.body:
                if is_amount(t.rows[r][c]):
                    return fact(view, r, c, problems)
    return None
