"""Arithmetic verification of OCR tables, with alternative readings.

OCR misreads digits silently (0/8, 1/7, 3/8, a dropped decimal point), so every
table read by OCR is checked against the sums it prints:

* down a column: each 类 equals its 款, each 款 its 项 (codes 3/5/7 digits,
  economic classes 3/5), and the 合计/总计 row equals its top-level classes;
* across a row: a column that, on most rows, equals the sum of the columns
  just after it (合计 = 基本支出 + 项目支出, 小计 = its sources …) must do so on
  every row.

Where a sum fails, the cells in it are read again: first the recogniser's own
candidates for the cell (``ocr_engine.Reading.alternatives``), then a re-read
of the cell at a higher resolution.  A reading is kept when, with it, every sum
through that cell holds and no other sum breaks; several different such
readings for one cell are ambiguous and none is kept.  What still fails is
listed in ``Table.ocr["unverified"]`` (the pipeline turns each into a warning
finding naming the cell); what was replaced in ``Table.ocr["corrections"]``.

Printed sums that are wrong in the document itself are not "fixed": no
reading the recogniser offers makes them hold, so they stay as read and are
reported.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Callable

from loaders.model import Table

TOL = Decimal("0.01")
MAX_REREADS = 24

_AMOUNT = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_BLANK = {"", "-", "--", "—", "——", "－", "/", "／", "…", "无"}
_CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")
_TOTAL = re.compile(r"^(合计|总计|支出合计|收入合计|本年支出合计|本年收入合计)$")
_HEADER_ROW = ("栏次", "行次")


def amount(text: str) -> Decimal | None:
    t = (text or "").strip().replace(" ", "")
    if t in _BLANK:
        return Decimal(0)
    t = t.replace("，", ",")
    if not _AMOUNT.match(t):
        return None
    try:
        return Decimal(t.replace(",", ""))
    except InvalidOperation:
        return None


def is_amount(text: str) -> bool:
    t = (text or "").strip().replace(" ", "")
    return bool(t) and t not in _BLANK and amount(t) is not None


@dataclass
class Constraint:
    kind: str  # "column" | "row" | "total" | "list"
    total: tuple[int, int]
    parts: list[tuple[int, int]]

    def cells(self) -> list[tuple[int, int]]:
        return [self.total, *self.parts]


def _code_of(row: list[str]) -> str | None:
    head = [c.strip().replace(" ", "") for c in row[:3]]
    if head and _CODE.match(head[0]):
        # 类 | 款 | 项 printed in separate columns: "201" "01" "02"
        code = head[0]
        for part in head[1:]:
            if re.fullmatch(r"\d{2}", part) and len(code) < 7:
                code += part
            else:
                break
        return code
    for cell in head[1:]:
        if _CODE.match(cell):
            return cell
    return None


def _codes(rows: list[list[str]], data_rows: list[int]) -> dict[int, str]:
    """Each data row's code; where 类 | 款 | 项 stand in separate columns and a
    款 or 项 row prints only its own two digits, the code is completed from
    the rows above it."""
    out: dict[int, str] = {}
    cls = kuan = ""
    for r in data_rows:
        head = [c.strip().replace(" ", "") for c in rows[r][:3]] + ["", "", ""]
        code = _code_of(rows[r])
        if code is None and not head[0]:
            if re.fullmatch(r"\d{2}", head[1]) and not head[2] and cls:
                code = cls + head[1]
            elif re.fullmatch(r"\d{2}", head[2]) and not head[1] and kuan:
                code = kuan + head[2]
        if code:
            if len(code) == 3:
                cls, kuan = code, ""
            elif len(code) == 5:
                cls, kuan = code[:3], code
            out[r] = code
    return out


def _label(row: list[str]) -> str:
    for c in row[:4]:
        t = re.sub(r"\s+", "", c)
        if t and not is_amount(t) and not _CODE.match(t):
            return t
    return ""


def constraints(table: Table) -> list[Constraint]:
    rows = table.rows
    width = table.width
    data_rows = [
        r for r, row in enumerate(rows)
        if not any(h in re.sub(r"\s+", "", c) for c in row for h in _HEADER_ROW) and not _ordinal_row(row)
    ]
    amount_cols = []
    for c in range(width):
        vals = [rows[r][c] for r in data_rows if rows[r][c].strip()]
        codes_here = sum(bool(_CODE.match(v.strip())) for v in vals)
        short = sum(bool(re.fullmatch(r"\d{2}", v.strip())) for v in vals)
        if c < 3 and codes_here + short >= 0.6 * max(1, len(vals)):
            continue  # the code column
        if len(vals) >= 2 and sum(is_amount(v) for v in vals) >= 0.6 * len(vals):
            amount_cols.append(c)
    if not amount_cols:
        return []
    out: list[Constraint] = []
    # ---- down the columns, by codes
    coded = _codes(rows, data_rows)
    for r, code in coded.items():
        children = [k for k, ck in coded.items() if len(ck) == len(code) + 2 and ck.startswith(code)]
        if not children:
            continue
        for c in amount_cols:
            if is_amount(rows[r][c]) or any(is_amount(rows[k][c]) for k in children):
                out.append(Constraint("column", (r, c), [(k, c) for k in children]))
    if coded:
        shortest = min(len(x) for x in coded.values())
        top = [r for r, code in coded.items() if len(code) == shortest]
        for r in data_rows:
            if r in coded or not _TOTAL.match(_label(rows[r])):
                continue
            for c in amount_cols:
                if is_amount(rows[r][c]):
                    out.append(Constraint("total", (r, c), [(k, c) for k in top]))
    # ---- a flat list without codes: its last row 合计 = the items above
    if not coded:
        out += _flat_list(rows, data_rows, amount_cols)
    # ---- across the rows: the identities most rows obey
    amount_rows = [r for r in data_rows if sum(is_amount(rows[r][c]) for c in amount_cols) >= 2]
    taken: set[int] = set()
    patterns = []
    for i, ci in enumerate(amount_cols):
        for j in range(i + 1, len(amount_cols)):
            parts = amount_cols[i + 1 : j + 1]
            if parts[-1] - ci != len(parts):
                break  # not contiguous
            holds = tried = 0
            nontrivial = 0
            for r in amount_rows:
                if not is_amount(rows[r][ci]):
                    continue
                vals = [amount(rows[r][c]) for c in parts]
                if any(v is None for v in vals):
                    continue
                tried += 1
                total = amount(rows[r][ci])
                if abs(total - sum(vals, Decimal(0))) <= TOL * len(parts):
                    holds += 1
                    if sum(1 for v in vals if v) >= 2 or len(parts) == 1:
                        nontrivial += 1
            if tried >= 2 and holds >= max(2, 0.6 * tried) and nontrivial >= 1:
                patterns.append((holds, len(parts), ci, parts))
    for holds, _, ci, parts in sorted(patterns, key=lambda p: (-p[0], -p[1])):
        cols = {ci, *parts}
        if cols & taken:
            continue
        if len(parts) == 1:
            continue  # a column equal to the next one is no identity to lean on
        taken |= cols
        for r in amount_rows:
            if is_amount(rows[r][ci]):
                out.append(Constraint("row", (r, ci), [(r, c) for c in parts]))
    return out


_NESTED = re.compile(r"^([一二三四五六七八九十]+[、.．]|[（(]|其中|小计|\d+[、.．]|合计)")


def _flat_list(rows: list[list[str]], data_rows: list[int], amount_cols: list[int]) -> list[Constraint]:
    """A list of items closed by one 合计/总计 row (a funding table, a
    project list): the total equals the items, when no label says the list
    nests (一、 （一） 其中 小计 1.)."""
    filled = [r for r in data_rows if any(c.strip() for c in rows[r])]
    if len(filled) < 3:
        return []
    last = filled[-1]
    if not _TOTAL.match(_label(rows[last])):
        return []
    items = [r for r in filled[:-1] if any(is_amount(rows[r][c]) for c in amount_cols)]
    if len(items) < 2 or any(_NESTED.match(_label(rows[r])) for r in items):
        return []
    out = []
    for c in amount_cols:
        if is_amount(rows[last][c]):
            out.append(Constraint("list", (last, c), [(r, c) for r in items]))
    return out


def _ordinal_row(row: list[str]) -> bool:
    """A row of column numbers (1, 2, 3 … under the headings)."""
    nums = [c.strip() for c in row if c.strip()]
    return len(nums) >= 3 and all(n.isdigit() and len(n) <= 2 for n in nums)


def _holds(con: Constraint, values: dict[tuple[int, int], Decimal | None]) -> bool | None:
    """Whether the sum holds; False also when one of its cells holds text
    that is no amount (a misread amount: "1,00.00"), None when two do."""
    total = values.get(con.total)
    parts = [values.get(p) for p in con.parts]
    unreadable = (total is None) + sum(p is None for p in parts)
    if unreadable == 1:
        return False
    if unreadable:
        return None
    return abs(total - sum(parts, Decimal(0))) <= TOL * max(1, len(parts))


def verify(table: Table, cells: dict, reread: Callable[[int, tuple], list[str]] | None = None) -> None:
    """Check ``table`` (an OCR table) and put the outcome into ``table.ocr``."""
    info = table.ocr if table.ocr is not None else {}
    table.ocr = info
    cons = constraints(table)
    values = {(r, c): amount(table.rows[r][c]) for con in cons for (r, c) in con.cells()}
    corrections: list[dict] = []
    rereads = 0

    def failing() -> list[Constraint]:
        return [k for k in cons if _holds(k, values) is False]

    by_cell: dict[tuple[int, int], list[Constraint]] = {}
    for k in cons:
        for cell in k.cells():
            by_cell.setdefault(cell, []).append(k)

    for _round in range(4):
        fails = failing()
        if not fails:
            break
        suspects: list[tuple[int, int]] = []
        for k in fails:
            for cell in k.cells():
                if cell not in suspects:
                    suspects.append(cell)
        suspects.sort(key=lambda cell: _score(cells.get(cell)))
        progress = False
        for cell in suspects:
            before = len(failing())
            if before == 0:
                break
            held = {id(k) for k in cons if _holds(k, values)}
            options = _fits(cell, _candidates(cells.get(cell), table.rows[cell[0]][cell[1]]), values, by_cell, cons, held, before)
            how = "candidate"
            if not options and reread is not None and rereads < MAX_REREADS and cells.get(cell) is not None:
                rereads += 1
                meta = cells[cell]
                options = _fits(cell, reread(meta.page, meta.box), values, by_cell, cons, held, before)
                how = "reread"
            choice = _choose(options, table, cell, values, by_cell)
            if choice is not None:
                value, text = choice
                old = table.rows[cell[0]][cell[1]]
                values[cell] = value
                table.rows[cell[0]][cell[1]] = text
                corrections.append({"row": cell[0], "col": cell[1], "read": old, "value": text, "how": how})
                progress = True
        if not progress:
            break
    unverified = []
    seen = set()
    for k in failing():
        cell = min(k.cells(), key=lambda c: _score(cells.get(c)))
        if cell in seen:
            continue
        seen.add(cell)
        unverified.append(
            {
                "row": cell[0],
                "col": cell[1],
                "text": table.rows[cell[0]][cell[1]],
                "page": table.row_pages[cell[0]] if cell[0] < len(table.row_pages) else None,
                "message": _message(table, k, values, cell),
            }
        )
    info["verification"] = {"checked": bool(cons), "holds": bool(cons) and not unverified, "sums": len(cons), "failed": len(failing())}
    info["corrections"] = corrections
    info["unverified"] = unverified


def _score(meta) -> float:
    if meta is None or not meta.readings:
        return 1.0
    return min(r.score for r in meta.readings)


def _candidates(meta, current: str) -> list[str]:
    if meta is None:
        return []
    out: list[str] = []
    if len(meta.readings) == 1:
        out = list(meta.readings[0].alternatives)
    else:
        texts = [r.text for r in meta.readings]
        for i, r in enumerate(meta.readings):
            for alt in r.alternatives:
                out.append("".join(texts[:i] + [alt] + texts[i + 1 :]))
    from loaders.readers.ocr_text import clean_text

    return [clean_text(t) for t in out if clean_text(t) != current]


def _fits(cell, texts, values, by_cell, cons, held, before) -> list[tuple[Decimal, str]]:
    """The readings among ``texts`` with which every sum through ``cell`` holds
    and none that held breaks."""
    out = []
    old = values.get(cell)
    for text in texts:
        v = amount(text)
        if v is None or v == old or not is_amount(text):
            continue
        values[cell] = v
        try:
            mine = by_cell.get(cell, [])
            if not mine or not all(_holds(k, values) for k in mine):
                continue
            if any(id(k) in held and not _holds(k, values) for k in cons):
                continue
            if sum(1 for k in cons if _holds(k, values) is False) >= before:
                continue
            out.append((v, text))
        finally:
            values[cell] = old
    return out


def _choose(options, table: Table, cell, values, by_cell) -> tuple[Decimal, str] | None:
    """One reading among those that fit: the sums it makes hold exactly,
    printed with the decimals the column uses, read most often.  None when
    two different amounts are equally good (ambiguous)."""
    if not options:
        return None
    col = cell[1]
    decimals: dict[int, int] = {}
    for row in table.rows:
        t = row[col].strip() if col < len(row) else ""
        if is_amount(t):
            d = len(t.split(".", 1)[1]) if "." in t else 0
            decimals[d] = decimals.get(d, 0) + 1
    usual = max(decimals, key=decimals.get) if decimals else 2
    ranked: dict[Decimal, tuple] = {}
    for v, text in options:
        old = values.get(cell)
        values[cell] = v
        exact = all(
            values.get(k.total) is not None
            and values.get(k.total) == sum((values.get(p) or Decimal(0)) for p in k.parts)
            for k in by_cell.get(cell, [])
        )
        values[cell] = old
        d = len(text.split(".", 1)[1]) if "." in text else 0
        prev = ranked.get(v)
        count = (prev[2] if prev else 0) + 1
        ranked[v] = (exact, d == usual, count, text)
    order = sorted(ranked.items(), key=lambda kv: kv[1][:3], reverse=True)
    if len(order) > 1 and order[0][1][:2] == order[1][1][:2] and order[0][1][2] == order[1][1][2]:
        return None
    value, (_, _, _, text) = order[0]
    return value, text


def _message(table: Table, con: Constraint, values, cell) -> str:
    r, c = cell
    header = _column_name(table, c)
    label = _label(table.rows[r]) or f"第{r + 1}行"
    total = values.get(con.total)
    parts = sum((values.get(p) or Decimal(0)) for p in con.parts)
    what = {"column": "下级科目之和", "total": "各类之和", "row": "同行各分项之和", "list": "以上各项之和"}[con.kind]
    tr, tc = con.total
    return (
        f"文字识别（OCR）读数未通过勾稽校验：“{label}”{header}读作 {table.rows[r][c] or '空白'}；"
        f"{_label(table.rows[tr]) or f'第{tr + 1}行'}{_column_name(table, tc)} {total} ≠ {what} {parts}，请对照原件核实"
    )


def _column_name(table: Table, c: int) -> str:
    for row in table.rows[:6]:
        t = re.sub(r"\s+", "", row[c]) if c < len(row) else ""
        if t and not is_amount(t) and not _CODE.match(t):
            return f"“{t}”列"
    return f"第{c + 1}列"
