"""The indicator grid of a performance-target table: 一级指标 | 二级指标 |
三级指标 | 指标描述 | 指标值 | 依据 → one record per indicator.

Columns are found by their header words; in tables whose rows lost the cells a
merge covered (text pasted from Word, ``Table.ragged``) each row is re-aligned by
what its first cell says (a 一级 label, a 二级 label, or neither).  Where the table
records its merged cells (``Table.spans``), a 一级/二级 label stands for every row
of the cell it is printed in, wherever in the cell, and across a page break.  A
grid carried onto a page without its heading row has its columns found by what
they hold (:func:`more_indicators`).
"""
from __future__ import annotations

from loaders.model import Table
from loaders.recognise.cells import norm
from loaders.recognise.performance_common import (
    AMBIGUOUS,
    LEVEL1_NAMES,
    clean_text,
    is_level1,
    level2_strength,
    tokens,
)
from loaders.recognise.values import parse_value
from loaders.recognise.views import TableView


def indicator_header(table: Table, start: int = 0, end: int | None = None) -> int | None:
    for r in range(start, len(table.rows) if end is None else end):
        cells = [norm(c) for c in table.rows[r]]
        if any(c.startswith("一级指标") for c in cells) and any(c.startswith(("二级指标", "三级指标")) for c in cells):
            return r
    return None


def header_columns(table: Table, hr: int) -> dict[str, int | None]:
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
    return indicator_rows_from(table, hr + 1, header_columns(table, hr))


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


def more_indicators(record: dict, v: TableView) -> None:
    """Indicator rows of a table continuing ``record``'s grid on the next page."""
    table = v.table
    hr = indicator_header(table)
    last = record["indicators"][-1] if record["indicators"] else {}
    if hr is not None:
        cols, start = header_columns(table, hr), hr + 1
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


def _most_column(table: Table, pred) -> int | None:
    """The column with most cells ``pred`` holds for (the leftmost of a tie)."""
    counts: dict[int, int] = {}
    for row in table.rows:
        for c, cell in enumerate(row):
            if cell.strip() and pred(cell):
                counts[c] = counts.get(c, 0) + 1
    return max(counts, key=lambda c: (counts[c], -c)) if counts else None


def _value_column(table: Table) -> int | None:
    """The column holding most target values ('≥95%', '12个月')."""
    return _most_column(table, _value_like)


def _infer_columns(table: Table) -> dict[str, int | None] | None:
    """Indicator columns of a grid printed without its heading row (a continuation
    page that may also have lost columns): the target column holds the values, the
    二级/一级 columns their labels, 三级 the text column left of the target."""
    target = _value_column(table)
    if target is None:
        return None
    level2 = _most_column(table, lambda c: level2_strength(c) == 2)
    level1 = _most_column(table, lambda c: is_level1(c) and norm(c) not in AMBIGUOUS)
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
