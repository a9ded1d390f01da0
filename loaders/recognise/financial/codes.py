"""Rows found by their 政府收支分类 codes: the code columns of a table (one
column, 类/款/项 columns, or code and name in one cell), each row's code and
name, and the rows a code or a 合计 label marks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.recognise.cells import code_and_name, norm, split_code
from loaders.recognise.views import TableView


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


def _first_amount_col(view: TableView, cols: CodeColumns) -> int:
    last = max([c for c in [cols.code, cols.name, *cols.split] if c is not None], default=-1)
    return last + 1
