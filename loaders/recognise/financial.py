"""Financial tables -> records: totals, function lines, economic lines, 三公.

Every value keeps its provenance (page, table title, row).  Columns are found
by the words of their headings; rows by their labels or classification codes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from loaders.recognise.cells import code_and_name, is_amount, norm, parse_amount, split_code
from loaders.recognise.views import TableView


@dataclass
class Fact:
    value: Decimal | None
    page: int | None
    table: str
    row: int | None
    origin: str = "table"
    file: str | None = None  # only for a document read from several files

    def source(self) -> dict:
        out = {"page": self.page, "table": self.table, "row": self.row, "origin": self.origin}
        if self.file is not None:
            out["file"] = self.file
        return out


def file_of(view: TableView) -> dict:
    """``{"file": …}`` for a table of a document read from several files, else ``{}``."""
    return {"file": view.table.file} if view.table.file is not None else {}


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


def fact(view: TableView, row: int, col: int | list[int] | None, problems: list | None = None) -> Fact:
    """The amount of one cell, or the sum of several (a heading printed only as its parts)."""
    if isinstance(col, list):
        parts = [amount(view, row, c, problems) for c in col]
        known = [p for p in parts if p is not None]
        value = sum(known, Decimal(0)) if known else None
        return Fact(value, view.row_page(row), view.title, row, file=view.table.file)
    return Fact(amount(view, row, col, problems), view.row_page(row), view.title, row, file=view.table.file)


def _heading_parts(view: TableView, word: str, allowed: set[int] | None = None) -> list[int] | None:
    """The sub-columns of a heading that has no total column of its own.

    '基本支出' over '人员支出 | 日常公用支出' with no 小计 beside them: the
    heading's amount is the sum of its parts.  None when the heading has one
    column, or a 小计/合计 of its own.
    """
    lay = view.layout
    cols = []
    for c in range(view.table.width):
        path = lay.path(c)
        if word not in path or (allowed is not None and c not in allowed):
            continue
        below = path[path.index(word) + 1 :]
        if not below or below[0] in ("小计", "合计"):
            return None  # the heading has a column of its own
        cols.append(c)
    return cols if len(cols) >= 2 else None


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


_YEAR_IN_HEADING = re.compile(r"(20\d{2})\s*年")


def current_column(view: TableView, cols: list[int], year: int | None = None) -> int:
    """Of several value columns beside one label column, the report's own figures.

    A final-accounts table may print 年初预算数 beside 决算数 (the 决算数 is
    the report's); headings with years ('2024年预算数 | 2025年预算数') give
    the document year's column, or the latest year; a 上年 column gives way
    to the others.  Otherwise the first column (合计 before its parts).
    """
    if len(cols) == 1:
        return cols[0]
    paths = {c: view.layout.path_text(c) for c in cols}
    actual = [c for c in cols if "决算" in paths[c] and not re.search(r"[%％]|率|比", paths[c])]
    if actual and len(actual) < len(cols):
        return actual[0]
    years = {c: int(m.group(1)) for c in cols if (m := _YEAR_IN_HEADING.search(paths[c]))}
    if len(set(years.values())) > 1:
        wanted = year if year in years.values() else max(years.values())
        return next(c for c in cols if years.get(c) == wanted)
    current = [c for c in cols if "上年" not in paths[c]]
    return current[0] if current else cols[0]


# A heading over a group of amount columns that names whose figures they are.
_PERIOD_GROUP = re.compile(r"^((20\d{2}年度?|上年|本年|当年).{0,6}(预算|决算|执行)数?|(年初)?(预算|决算|执行)数)$")


def current_group_columns(view: TableView, year: int | None = None) -> set[int] | None:
    """Columns outside another period's heading group.

    Tables may print last year's figures beside this year's under group
    headings ('2024年预算数 | 2025年预算数', '上年执行数 | 本年预算数').  The
    group holding the report's own figures is chosen like a value column
    (:func:`current_column`); the other groups' columns are left out.  None
    when the headings form no such groups.
    """
    lay, width = view.layout, view.table.width
    tops = {c: lay.path(c)[0] for c in range(width) if lay.path(c) and _PERIOD_GROUP.match(lay.path(c)[0])}
    firsts: dict[str, int] = {}
    for c, top in tops.items():
        firsts.setdefault(top, c)
    if len(firsts) < 2:
        return None
    chosen = tops[current_column(view, list(firsts.values()), year)]
    return {c for c in range(width) if tops.get(c, chosen) == chosen}


def label_pairs(view: TableView, problems: list, year: int | None = None) -> list[tuple[str, str, Fact, int]]:
    """(label key, side, fact, label column) for every label cell with its value.

    The value of a label is in the value columns to its right, before the
    next label column (:func:`current_column` picks one when there are
    several).  ``side`` is 'income' or 'expenditure' by the heading.
    """
    labels, values = _column_roles(view)
    out = []
    for li, lc in enumerate(labels):
        nxt = labels[li + 1] if li + 1 < len(labels) else view.table.width
        vcols = [v for v in values if lc < v < nxt]
        if not vcols:
            continue
        value_col = current_column(view, vcols, year)
        path = view.layout.path_text(lc)
        side = "expenditure" if ("支出" in path and "收入" not in path) or (li > 0 and "收入" not in path) else "income"
        for r in view.layout.body:
            text = view.table.rows[r][lc]
            key = label_key(text)
            if key:
                out.append((key, side, fact(view, r, value_col, problems), lc))
    return out


# ---------------------------------------------------------------- totals

_SUMMARY_LABELS: list[tuple[str, str | None, re.Pattern[str]]] = [
    ("revenue_total", "income", re.compile(r"^本年收入(合计|小计|总计)$|^收入合计$")),
    ("expenditure_total", "expenditure", re.compile(r"^本年支出(合计|小计|总计)$|^支出合计$")),
    ("grand_total", "income", re.compile(r"^(收入)?总计$")),
    ("carryover_begin", "income", re.compile(r"^(上年结转(结余|资金)?|年初结转(和|及)?结余|上年结转和结余|上年结余结转)")),
    ("carryover_end", "expenditure", re.compile(r"^(年终结转结余|年末结转(和|及)?结余|结转下年|年终结转)")),
]


def summary_totals(view: TableView, problems: list, year: int | None = None) -> dict[str, Fact]:
    """Totals of a 收支总表, by row label.

    Only 总计 needs its side: it is printed under both 收入 and 支出 (the
    income side's is the grand total).  The other labels name their side
    themselves, so a table printing 支出 rows under the 收入 rows in one
    label column reads the same as a two-sided one.
    """
    found: dict[str, Fact] = {}
    pairs = label_pairs(view, problems, year)
    for key, side, f, _col in pairs:
        for name, want_side, pattern in _SUMMARY_LABELS:
            if name in found or not pattern.search(key):
                continue
            if name == "grand_total" and side != want_side:
                continue
            found[name] = f
    if "grand_total" not in found:
        grand = _grand_total_without_its_word(pairs)
        if grand is not None:
            found["grand_total"] = grand
    return found


_ANY_TOTAL = re.compile(r"^(本年)?(收入)?(合计|总计)$")
_CARRYOVER_LINE = re.compile(r"结转|结余")


def _grand_total_without_its_word(pairs: list[tuple[str, str, Fact, int]]) -> Fact | None:
    """收入总计 where the table does not print that word.

    '收入合计' printed below the 上年结转 lines, after a 本年收入合计, sums both
    (泉州); a table whose income side has one 合计 and no carry-over line at
    all (重庆 表一) has a grand total equal to that 合计.
    """
    income = [(key, f) for key, side, f, _col in pairs if side == "income"]
    totals = [(i, f) for i, (key, f) in enumerate(income) if _ANY_TOTAL.match(key) and f.value is not None]
    carry = [i for i, (key, _f) in enumerate(income) if _CARRYOVER_LINE.search(key)]
    if carry and len(totals) >= 2 and totals[-1][0] > carry[0] > totals[0][0]:
        return totals[-1][1]
    if not carry and len(totals) == 1:
        return totals[0][1]
    return None


_GPB = re.compile(r"^一般公共预算(财政)?(拨款)?(收入|资金|拨款)?$")
_FISCAL = re.compile(r"^财政拨款(收入)?$")


def fiscal_totals(view: TableView, problems: list, year: int | None = None) -> dict[str, Fact]:
    """From the 财政拨款收支总表: 财政拨款 total and its 一般公共预算 part."""
    found: dict[str, Fact] = {}
    for key, side, f, _col in label_pairs(view, problems, year):
        if side != "income":
            continue
        if "fiscal_appropriation" not in found and re.search(r"^本年收入(合计|小计)$|^收入合计$", key):
            found["fiscal_appropriation"] = f
        if "general_public_budget" not in found and _GPB.search(key):
            found["general_public_budget"] = f
    return found


def summary_fiscal(view: TableView, problems: list, year: int | None = None) -> dict[str, Fact]:
    """The 收支总表's own 财政拨款 / 一般公共预算 income lines (a fallback)."""
    found: dict[str, Fact] = {}
    for key, side, f, _col in label_pairs(view, problems, year):
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
    combined: bool = False  # the code column prints code and name together ('210 卫生健康支出')


# '838.27' and '1,234' are amounts, though their digits alone would make a code.
_AMOUNT_LOOK = re.compile(r"\d[.,]\d")


def _code_content(view: TableView, c: int) -> str | None:
    """'code' when most body cells of column c are codes, 'combined' when they
    are a code followed by its name, else None (total rows left out)."""
    t = view.table
    cells = [t.rows[r][c] for r in view.layout.body if norm(t.rows[r][c]) and not _is_total_label(t.rows[r][c])]
    if not cells:
        return None
    if sum(1 for x in cells if split_code(x) and not _AMOUNT_LOOK.search(x)) >= len(cells) * 0.6:
        return "code"
    if sum(1 for x in cells if code_and_name(x)) >= len(cells) * 0.6:
        return "combined"
    return None


def _code_by_content(view: TableView, limit: int) -> CodeColumns | None:
    """The first of the leading columns whose cells are codes (or codes with names)."""
    for c in range(min(limit, view.table.width)):
        kind = _code_content(view, c)
        if kind == "code":
            return CodeColumns(code=c, split=[], name=c + 1 if c + 1 < view.table.width else None)
        if kind == "combined":
            return CodeColumns(code=c, split=[], name=c, combined=True)
    return None


def _first_found(*cols: int | None) -> int | None:
    """The first column found (column 0 counts: ``a or b`` would skip it)."""
    return next((c for c in cols if c is not None), None)


def _code_columns(view: TableView, exclude_words: tuple[str, ...] = ("政府",)) -> CodeColumns:
    lay, t = view.layout, view.table
    if t.ragged:
        # Header cells are shifted: find the code column by its contents.
        return _code_by_content(view, min(4, t.width - 1)) or CodeColumns(code=None, split=[], name=None)
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
        code = _first_found(
            lay.find("编码", exclude=exclude_words + ("单位编码",)), lay.find("代码", exclude=exclude_words + ("单位代码",))
        )
        if code is not None and _code_content(view, code) == "combined":
            return CodeColumns(code=code, split=[], name=code, combined=True)
        if code is None:
            # No heading says 编码: the first column whose body cells are codes.
            found = _code_by_content(view, 4)
            if found is not None and found.combined:
                return found
            code = found.code if found is not None else None
    name = _first_found(lay.find("科目名称", exclude=exclude_words), lay.find("名称", exclude=exclude_words + ("单位名称",)))
    first_code = split[0] if split else code
    if name is None and first_code is not None:
        after = (split[-1] if split else code) + 1
        name = after if after < t.width else None
    return CodeColumns(code=code, split=split, name=name)


def _level_parts(level: int, part: str) -> dict[int, str] | None:
    """The digits a 类/款/项 cell gives, by level (0 类, 1 款, 2 项).

    '05' or '5' under 款 is that level only.  A longer cell is the whole code
    so far ('20805' under 款, '2080505' under 项 or even under 类), which also
    names the levels above it.
    """
    if len(part) <= 2 and level > 0:
        return {level: part.zfill(2)}
    if len(part) in (3, 5, 7) and len(part) >= 3 + 2 * level:
        return {0: part[:3], **{i + 1: part[3 + 2 * i : 5 + 2 * i] for i in range((len(part) - 3) // 2)}}
    return None


def _split_row_code(parts: list[str], context: list[str]) -> str | None:
    """A code from the 类/款/项 cells of one row.

    Hierarchical layouts print only the new level's digits (205 / 08 / 03);
    ``context`` carries the levels printed on earlier rows.
    """
    if not any(parts) or not all(re.fullmatch(r"\d*", p) for p in parts):
        return None
    given: dict[int, str] = {}
    for level, part in enumerate(parts):
        if part:
            digits = _level_parts(level, part)
            if digits is None:
                return None
            given.update(digits)
    deepest = max(given)
    for level, digits in given.items():
        context[level] = digits
    if not all(context[: deepest + 1]):
        return None
    for deeper in range(deepest + 1, len(context)):
        context[deeper] = ""
    code = "".join(context[: deepest + 1])
    return code if split_code(code) else None


def _row_code(view: TableView, r: int, cols: CodeColumns, context: list[str]) -> str | None:
    row = view.table.rows[r]
    if cols.split:
        return _split_row_code([norm(row[c]) for c in cols.split], context)
    if cols.code is None:
        return None
    if cols.combined:
        both = code_and_name(row[cols.code])
        return both[0] if both else None
    return split_code(row[cols.code])


def _row_name(view: TableView, r: int, cols: CodeColumns) -> str:
    """The row's subject name (without the code when one cell prints both)."""
    if cols.name is None:
        return ""
    text = view.table.rows[r][cols.name]
    if cols.combined:
        both = code_and_name(text)
        return both[1] if both else norm(text)
    return norm(text)


def _is_total_label(text: str) -> bool:
    return bool(re.fullmatch(r"(合计|总计|小计|本年支出合计|支出合计|基本支出合计)", norm(text)))


@dataclass
class CodedRow:
    row: int
    code: str | None
    name: str
    is_total: bool
    row_span: int = 1  # grid rows the entry covers (a wrapped name adds one)
    level: int | None = None  # 1 类, 2 款, 3 项 where no code says so


def code_level(code: str | None) -> int | None:
    return {3: 1, 5: 2, 7: 3}.get(len(code or "")) if code and code.isdigit() else None


# ---------------------------------------------------------------- lines named without codes


def _name_column(view: TableView) -> int | None:
    """The column holding the row labels of a table without codes."""
    lay, t = view.layout, view.table
    for words in (("科目名称",), ("名称",), ("项目",), ("科目",)):
        col = lay.find(*words, exclude=("单位名称", "项目支出", "项目名称"))
        if col is not None:
            return col
    for c in range(min(3, t.width)):
        cells = [norm(t.rows[r][c]) for r in lay.body if norm(t.rows[r][c])]
        if cells and sum(1 for x in cells if is_amount(x)) <= len(cells) / 3:
            return c
    return None


def partition_levels(values: list[Decimal | None], total: Decimal | None) -> list[int] | None:
    """Levels (2 款 / 3 项) of the rows under one 类, from the arithmetic.

    Rows come depth first: a 款, then its 项, then the next 款.  When the rows
    alone add up to the 类 they are all 款; otherwise each 款 is followed by 项
    summing to it.  Sums hold within the rounding of their summands (0.01 万元
    each).  None when neither reading adds up: the levels stay unknown rather
    than guessed.
    """
    step = Decimal("0.01")
    known = [v if v is not None else Decimal(0) for v in values]

    def near(a: Decimal, b: Decimal, n: int) -> bool:
        return abs(a - b) <= step * max(1, n)

    if total is not None and near(sum(known, Decimal(0)), total, len(known)):
        return [2] * len(values)
    levels: list[int] = []
    i = 0
    while i < len(known):
        head, acc, j = known[i], Decimal(0), i + 1
        while j < len(known) and not (j > i + 1 and near(acc, head, j - i - 1)) and acc < head + step:
            acc += known[j]
            j += 1
        if j == i + 1 or not near(acc, head, j - i - 1):
            return None
        levels += [2] + [3] * (j - i - 1)
        i = j
    heads = [v for v, lv in zip(known, levels) if lv == 2]
    return levels if total is None or near(sum(heads, Decimal(0)), total, len(heads)) else None


def named_rows(view: TableView, value_col: int | None) -> list[CodedRow]:
    """Rows of an expenditure table that names its 类/款/项 without codes (杭州).

    A 类 is known by its name (``glossary.FUNCTION_CLASSES``); the rows under it
    are 款 or 项 by the arithmetic of ``value_col`` (:func:`partition_levels`); a code
    is given only where the name and its parent determine it
    (``glossary.function_code``).  Empty when no row names a 类.
    """
    from glossary import function_class_of, function_code

    name_col = _name_column(view)
    if name_col is None or value_col is None:
        return []
    t = view.table
    entries: list[CodedRow] = []
    for r in view.layout.body:
        name = norm(t.rows[r][name_col])
        if not name:
            continue
        if _is_total_label(name) or any(_is_total_label(t.rows[r][c]) for c in range(min(3, t.width))):
            entries.append(CodedRow(row=r, code=None, name=name, is_total=True))
            continue
        code = function_class_of(name)
        entries.append(CodedRow(row=r, code=code, name=name, is_total=False, level=1 if code else None))
    if not any(e.level == 1 for e in entries):
        return []
    out: list[CodedRow] = [e for e in entries if e.is_total]
    groups: list[tuple[CodedRow, list[CodedRow]]] = []
    for e in entries:
        if e.is_total:
            continue
        if e.level == 1:
            groups.append((e, []))
        elif groups:
            groups[-1][1].append(e)
    for head, children in groups:
        out.append(head)
        by_name = _levels_by_name(head, children)
        if None in by_name:
            values = [amount(view, c.row, value_col) for c in children]
            by_sum = partition_levels(values, amount(view, head.row, value_col))
            levels = by_sum if by_sum is not None else by_name
        else:
            levels = by_name
        section: CodedRow | None = None
        for child, level in zip(children, levels):
            child.level = level
            if level == 2:
                child.code = function_code(child.name, head.code, head.name)
                section = child
            elif level == 3 and section is not None:
                child.code = function_code(child.name, section.code, section.name)
            out.append(child)
    return sorted(out, key=lambda e: e.row)


def _levels_by_name(head: CodedRow, children: list[CodedRow]) -> list[int | None]:
    """Levels the names alone give: a 项 of the current 款, else a 款 of the 类."""
    from glossary import function_code

    levels: list[int | None] = []
    section: CodedRow | None = None
    for child in children:
        if section is not None and section.code and function_code(child.name, section.code, section.name):
            levels.append(3)
        elif (code := function_code(child.name, head.code, head.name)) is not None:
            levels.append(2)
            section = CodedRow(row=child.row, code=code, name=child.name, is_total=False)
        else:
            levels.append(None)
    return levels


def name_tail(view: TableView, r: int, cols: CodeColumns, start: int = 0, end: int | None = None) -> str | None:
    """The rest of the name above when row ``r`` holds nothing else (a name
    cell wrapped onto a second line: '财政对城乡居民基本医疗保' / '险基金的补助').

    Only the name cell of columns start..end may be filled; a heading such
    as '其中：' is not a tail.
    """
    row = view.table.rows[r]
    end = view.table.width if end is None else end
    if cols.name is None or cols.combined:
        return None
    filled = [c for c in range(start, end) if norm(row[c])]
    if filled != [cols.name]:
        return None
    tail = norm(row[cols.name])
    if tail.endswith((":", "：")) or tail.startswith("其中") or _is_total_label(tail) or split_code(tail):
        return None
    return tail


def coded_rows(view: TableView, cols: CodeColumns) -> list[CodedRow]:
    out: list[CodedRow] = []
    context = ["", "", ""]
    for r in view.layout.body:
        row = view.table.rows[r]
        if out and out[-1].row + out[-1].row_span == r and not out[-1].is_total:
            tail = name_tail(view, r, cols)
            if tail:
                out[-1].name += tail
                out[-1].row_span += 1
                continue
        name = _row_name(view, r, cols)
        code = _row_code(view, r, cols, context)
        total = code is None and (
            _is_total_label(name) or any(_is_total_label(row[c]) for c in range(min(4, view.table.width)))
        )
        if code is None and not total:
            continue
        out.append(CodedRow(row=r, code=code, name=name, is_total=total))
    return out


def _amount_col(
    view: TableView, *options: tuple[str, ...], exclude: tuple[str, ...] = (), allowed: set[int] | None = None
) -> int | None:
    """First column matching any of the word groups, preferring a 小计/合计 under it.

    ``allowed`` (see :func:`current_group_columns`) leaves out the columns of
    another year's group.
    """
    lay = view.layout
    for words in options:
        cols = [c for c in lay.find_all(*words, exclude=exclude) if allowed is None or c in allowed]
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


def function_lines(view: TableView, problems: list, year: int | None = None) -> tuple[list[dict], dict[str, Fact]]:
    """Every coded row of an expenditure-by-function table, and its 合计 row.

    A table naming its rows without codes gives its lines by name and level
    (:func:`named_rows`), with codes only where the names determine them.
    """
    cols = _code_columns(view)
    named = cols.code is None and not cols.split
    if named:
        cols = CodeColumns(code=None, split=[], name=_name_column(view))
        if cols.name is None:
            return [], {}
    first = _first_amount_col(view, cols)
    if view.table.ragged:
        found = _ragged_amount_cols(
            view, first, {"total": ("合计", "本年支出合计"), "basic": ("基本支出",), "project": ("项目支出",)}
        )
        total, basic, project = found.get("total", first), found.get("basic"), found.get("project")
    else:
        allowed = current_group_columns(view, year)
        total = _amount_col(
            view, ("本年支出合计",), ("合计",), ("支出合计",), ("总计",), exclude=("科目",), allowed=allowed
        )
        if total is None or total < first:
            total = min((c for c in allowed if c >= first), default=None) if allowed else first
        basic = _amount_col(view, ("基本支出",), allowed=allowed)
        project = _amount_col(view, ("项目支出",), ("专项业务经费",), allowed=allowed)
        # 基本支出 printed only as its parts (人员支出 | 日常公用支出): their sum.
        basic_parts = _heading_parts(view, "基本支出", allowed)
        if basic_parts:
            basic = basic_parts
    lines, totals = [], {}
    rows = named_rows(view, total) if named else coded_rows(view, cols)
    for cr in rows:
        values = {
            "total": fact(view, cr.row, total, problems),
            "basic": fact(view, cr.row, basic, problems),
            "project": fact(view, cr.row, project, problems),
        }
        if cr.is_total:
            if not totals:
                totals = values
            continue
        if not FUNCTION_CODE.fullmatch(cr.code or "") and not (named and cr.level):
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
                "level": cr.level or code_level(cr.code),
                **file_of(view),
            }
        )
    return lines, totals


_CARRYOVER_HEADING = re.compile(r"上年结转|年初结转|结转结余|上年结余")


def income_total(view: TableView, problems: list) -> Fact | None:
    """本年收入合计 as an income table (收入总表 / 收入决算表) prints it.

    The 合计 row's 本年收入 column ('本年收入合计', or 小计/合计 under
    本年收入).  A plain 合计 column counts only when no column holds 上年结转:
    otherwise 合计 includes the carry-over and is not this year's income.
    """
    cols = _code_columns(view)
    if cols.code is None and not cols.split:
        return None
    total_row = next((cr.row for cr in coded_rows(view, cols) if cr.is_total), None)
    if total_row is None:
        return None
    lay = view.layout
    if view.table.ragged:
        heading = norm("".join(c for row in lay.header_rows for c in row))
        found = _ragged_amount_cols(view, _first_amount_col(view, cols), {"total": ("本年收入合计", "合计")})
        col = None if _CARRYOVER_HEADING.search(heading) and "本年收入" not in heading else found.get("total")
    else:
        col = _amount_col(view, ("本年收入", "合计"), ("本年收入", "小计"), ("本年收入",), exclude=("科目",))
        if col is None and not any(_CARRYOVER_HEADING.search(lay.path_text(c)) for c in range(view.table.width)):
            col = _amount_col(view, ("合计",), ("总计",), exclude=("科目",))
    if col is None or col < _first_amount_col(view, cols):
        return None
    return fact(view, total_row, col, problems)


_PERSONNEL_CODES = ("301", "303")


def _blocks(view: TableView) -> list[tuple[int, int]]:
    """Side-by-side column groups, each starting with its own code column.

    A group of 政府预算经济分类 codes printed beside the 部门 codes is not a
    group of its own: it belongs to the group on its left, or, printed first,
    to the group on its right.
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
    leading: int | None = None  # start of 政府 groups printed before any 部门 group
    for start, end in blocks:
        government = any("政府" in lay.path_text(c) for c in range(start, end) if not is_code(c))
        if merged and government:
            merged[-1] = (merged[-1][0], end)
        elif government:
            leading = start if leading is None else leading
        else:
            merged.append((start if leading is None else leading, end))
            leading = None
    if leading is not None:
        merged.append((leading, t.width))
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
            combined=cols.combined,
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
        last: tuple[int, dict] | None = None  # (next row, line) of this group's last line
        for r in view.layout.body:
            row = view.table.rows[r]
            tail = name_tail(view, r, cols, start, end) if last and last[0] == r else None
            if tail:
                last[1]["name"] += tail
                last = (r + 1, last[1])
                continue
            name = _row_name(view, r, cols)
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
                    **file_of(view),
                }
            )
            last = (r + 1, lines[-1])
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


# '其中：（一）因公出国（境）支出' opens the list of parts; '其中：教学科研人员…出国' is a part of a part.
_OF_LIST = re.compile(r"^其中[:：]?(?=[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d+[、.．])")


def _three_public_item(text: str) -> str | None:
    t = _OF_LIST.sub("", norm(text))
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
    """'budget' (预算数) or 'actual' (决算数) for a heading or row label;
    'other_year' for another year's figures (上年, or a year that is not the
    document's); None when the text names neither."""
    t = norm(text)
    group = "actual" if "决算" in t else "budget" if "预算" in t else None
    years = re.findall(r"(20\d{2})年", t)
    if "上年" in t or (year and years and str(year) not in years):
        return "other_year"
    return group


def three_public(view: TableView, year: int | None, problems: list) -> dict[str, dict[str, Fact]]:
    """{'budget'|'actual'|'': {key: Fact}} from a 三公 table in either orientation."""
    col_items = {c: _item_of_path(view.layout.path(c)) for c in range(view.table.width)}
    if sum(1 for v in col_items.values() if v) >= 3:
        out = _three_public_horizontal(view, year, col_items, problems)
    else:
        out = _three_public_vertical(view, year, problems)
    for items in out.values():
        if "total3" in items:
            items["total"] = items.pop("total3")
    return out


def _three_public_horizontal(
    view: TableView, year: int | None, col_items: dict[int, str | None], problems: list
) -> dict[str, dict[str, Fact]]:
    """Items as columns.  The data row is the one of each 预算数/决算数 group
    when rows name their group, else the 合计 row, else the only row."""
    lay = view.layout
    out: dict[str, dict[str, Fact]] = {}
    rows = _three_public_data_rows(view, year, col_items)
    for c, item in col_items.items():
        if not item:
            continue
        col_group = _group_of(lay.path_text(c), year)
        if col_group == "other_year":
            continue
        for row_group, r in rows:
            group = row_group or col_group or ""
            out.setdefault(group, {}).setdefault(item, fact(view, r, c, problems))
    return out


def _three_public_data_rows(
    view: TableView, year: int | None, col_items: dict[int, str | None]
) -> list[tuple[str | None, int]]:
    """(group named by the row's label or None, row) of the rows to read."""
    t = view.table
    data = [r for r in view.layout.body if any(is_amount(x) for x in t.rows[r])]
    labels = {
        r: norm("".join(t.rows[r][c] for c in range(t.width) if not col_items.get(c) and not is_amount(t.rows[r][c])))
        for r in data
    }
    grouped = [(g, r) for r in data if (g := _group_of(labels[r], year)) != "other_year"]
    if any(g for g, _ in grouped):
        return [(g, r) for g, r in grouped if g]
    rows = [r for _g, r in grouped]
    totals = [r for r in rows if re.search(r"合计|总计", labels[r])]
    return [(None, (totals or rows)[0])] if rows else []


def _three_public_vertical(view: TableView, year: int | None, problems: list) -> dict[str, dict[str, Fact]]:
    """Items as rows; the amount in the 预算数/决算数 column(s), else the first value column."""
    lay, t = view.layout, view.table
    out: dict[str, dict[str, Fact]] = {}
    value_cols = [c for c in range(t.width) if any(is_amount(t.rows[r][c]) for r in lay.body)]
    label_col = next(
        (c for r in lay.body for c in range(t.width) if _three_public_item(t.rows[r][c])), None
    )
    if label_col is None:
        return {}
    groups: dict[str, int | None] = {}
    for c in range(label_col + 1, t.width):
        g = _group_of(lay.path_text(c), year)
        if g and g != "other_year" and g not in groups:
            groups[g] = c
    if not groups:
        first = next(
            (
                c
                for c in range(label_col + 1, t.width)
                if (c in value_cols or "合计" in lay.path_text(c)) and _group_of(lay.path_text(c), year) != "other_year"
            ),
            None,
        )
        if first is None:
            first = label_col + 1 if label_col + 1 < t.width else None
        groups[""] = first
    for g, c in groups.items():
        for r in lay.body:
            item = _three_public_item(t.rows[r][label_col])
            if item and c is not None:
                out.setdefault(g, {}).setdefault(item, fact(view, r, c, problems))
    return out


# ---------------------------------------------------------------- which money a table covers

_PART_OF_FUNDS = ("一般公共预算", "财政拨款", "政府性基金", "国有资本经营")


def funds_of(view: TableView) -> str:
    """Which money a table covers: 'all', or the fund its title names
    ('一般公共预算财政拨款支出表' covers only the general public budget)."""
    title = view.title.replace(" ", "")
    return next((word for word in _PART_OF_FUNDS if word in title), "all")


def covers_department(view: TableView, totals: dict) -> bool:
    """Whether a table's totals are the department's.

    A table of one fund (一般公共预算…表) stands for the whole only when the
    summary shows that fund is all the money: 一般公共预算 income equal to
    本年收入合计 (or, lacking it, 本年支出合计).  Otherwise its 合计/基本支出/
    项目支出 are part of the department's and must not fill its totals.
    """
    if funds_of(view) == "all":
        return True
    gpb = totals.get("general_public_budget")
    whole = totals.get("revenue_total") or totals.get("expenditure_total")
    return (
        funds_of(view) in ("一般公共预算", "财政拨款")
        and gpb is not None
        and whole is not None
        and gpb.value is not None
        and gpb.value == whole.value
    )


def distinct_problems(problems: list) -> list:
    """Each flagged cell once, though several recognisers may have read it."""
    seen: set[tuple[int, int, int]] = set()
    out = []
    for p in problems:
        key = (p.view.index, p.row, p.col)
        if key not in seen:
            seen.add(key)
            out.append(p)
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
