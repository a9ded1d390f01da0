"""Join tables that a page break (or a repeated print title) cut in two.

Published reports repeat the agency/unit line and the column headings on every
page a table runs onto.  Readers emit one table per page (or per extracted
block); this module stitches them back so recognisers see one table per title.
"""
from __future__ import annotations

import re

from loaders.model import Block, Paragraph, Table

_PAGE_NUMBER = re.compile(
    r"^(第\s*\d+\s*页(\s*[，,/]?\s*共\s*\d+\s*页)?|[-—–]?\s*\d{1,4}\s*[-—–]?|\d+\s*/\s*\d+|续表\d*|（?续）?表?)$"
)


_SPACE = re.compile(r"\s+")


def norm(text: str) -> str:
    """Cell/line text with all whitespace removed, for comparisons."""
    return _SPACE.sub("", text or "")


def _row_key(row: list[str]) -> tuple[str, ...]:
    return tuple(norm(c) for c in row)


def _is_noise(par: Paragraph, prev: Table) -> bool:
    """A page number, or a repeat of prev's caption lines (joined or split
    differently: '公开04表' + '部门：…' may come back as one line)."""
    text = norm(par.text)
    if not text or _PAGE_NUMBER.match(text):
        return True
    fragments = set()
    for line in prev.caption:
        fragments.add(norm(line))
        fragments.update(norm(p) for p in line.split())
    for row in prev.rows[:6]:
        fragments.update(norm(c) for c in row if c)
        fragments.add(norm("".join(row)))
    fragments.discard("")
    if text in fragments:
        return True
    rest = text
    for frag in sorted(fragments, key=len, reverse=True):
        if len(frag) >= 2:
            rest = rest.replace(frag, "")
    return not rest or bool(_PAGE_NUMBER.match(rest))


def _repeated_header_rows(prev: Table, nxt: Table) -> int:
    """How many leading rows of ``nxt`` repeat the leading rows of ``prev``.

    The repeat may start at any of prev's first rows (the agency line may be a
    row in one and a caption in the other), but must be consecutive.
    """
    best = 0
    for start in range(min(4, len(prev.rows))):
        k = 0
        while (
            start + k < len(prev.rows)
            and k < len(nxt.rows)
            and k < 8
            and any(nxt.rows[k])
            and _row_key(prev.rows[start + k]) == _row_key(nxt.rows[k])
        ):
            k += 1
        best = max(best, k)
    return best


_HEADER_WORDS = {
    "项目", "金额", "预算数", "决算数", "合计", "小计", "科目编码", "科目名称", "栏次", "行次", "序号",
    "类", "款", "项", "收入", "支出", "本年收入", "本年支出", "单位名称", "功能分类科目",
}


def _looks_like_header(row: list[str]) -> bool:
    cells = [norm(c) for c in row if norm(c)]
    if not cells:
        return False
    numeric = sum(1 for c in cells if re.fullmatch(r"[-+]?[\d,]*\.?\d+%?", c))
    return cells[0] in ("栏次", "行次") or (numeric == 0 and any(c in _HEADER_WORDS for c in cells))


def _amount_like(text: str) -> bool:
    return bool(re.fullmatch(r"[-+]?[\d,]*\.?\d+%?", norm(text)))


def _right_aligned(prev: Table, nxt: Table) -> Table | None:
    """A narrower continuation whose leading label columns merged into one
    (a lone 合计 row on the last page): pad it on the left when its amounts
    then fall into prev's amount columns."""
    pad = prev.width - nxt.width
    if pad <= 0 or nxt.width < 2:
        return None
    amount_cols = {
        c for c in range(prev.width) if any(_amount_like(r[c]) for r in prev.rows[-10:]) or not any(r[c] for r in prev.rows[-10:])
    }
    rows = [[""] * pad + list(r) for r in nxt.rows]
    for row in rows:
        for c, cell in enumerate(row):
            if _amount_like(cell) and c not in amount_cols:
                return None
        first = next((c for c, cell in enumerate(row) if cell.strip()), None)
        if first is not None and not _amount_like(row[first]) and first in amount_cols and any(
            _amount_like(r[first]) for r in prev.rows[-10:]
        ):
            return None
    spans = {(r, c + pad): span for (r, c), span in nxt.spans.items()}
    return Table(
        rows=rows, row_pages=list(nxt.row_pages), caption=nxt.caption, spans=spans, sheet=nxt.sheet, strategy=nxt.strategy
    )


# Labels that open one copy of a per-project form; a second copy starting with
# them is a new table, however alike the two look.
_FORM_KEYS = {"项目名称", "项目编码", "项目代码", "单位名称", "主管部门", "实施单位", "项目单位"}


def _new_form(prev: Table, first: list[str]) -> bool:
    keys = {norm(c) for c in first} & _FORM_KEYS
    if not keys:
        return False
    return any(keys & {norm(c) for c in row} for row in prev.rows)


# A table's own title printed inside its grid (a worksheet printed to PDF with
# its title rows ruled): '2026年预算单位财政拨款收支预算总表', '表3 支出总表'.
_TITLE_CELL = re.compile(r"(表|表[（(].{1,20}[)）])$")


def _title_row(row: list[str]) -> str | None:
    cells = {c for c in row if norm(c)}
    if len(cells) != 1:
        return None
    for line in cells.pop().splitlines():  # the title and the agency line may share a cell
        text = norm(line)
        if 6 <= len(text) <= 60 and _TITLE_CELL.search(text) and re.search(r"预算|决算|收支|收入|支出|经费|绩效", text):
            return text
    return None


def _titles(table: Table, rows: int = 3) -> set[str]:
    return {t for row in table.rows[:rows] if (t := _title_row(row))} | {
        norm(c) for c in table.caption if _TITLE_CELL.search(norm(c))
    }


def _continues(prev: Table, nxt: Table) -> int | None:
    """Rows of ``nxt`` to drop when it continues ``prev``; None when it does not."""
    if prev.sheet is not None and nxt.sheet != prev.sheet:
        return None
    if prev.width != nxt.width or not nxt.rows:
        return None
    repeated = _repeated_header_rows(prev, nxt)
    if repeated < len(nxt.rows) and _new_form(prev, nxt.rows[repeated]):
        return None
    own = {t for row in nxt.rows[repeated : repeated + 3] if (t := _title_row(row))}
    if own - _titles(prev):
        return None  # a title of its own: a new table
    if repeated:
        return repeated
    prev_last = prev.pages[-1] if prev.pages else None
    nxt_first = nxt.page
    if prev_last is not None and nxt_first == prev_last + 1 and not _looks_like_header(nxt.rows[0]):
        return 0
    return None


def _join_wrapped_first_row(prev: Table, nxt_rows: list[list[str]]) -> list[list[str]]:
    """A cell cut by the page break leaves a row holding only its tail text."""
    if not nxt_rows or not prev.rows:
        return nxt_rows
    first = nxt_rows[0]
    filled = [i for i, c in enumerate(first) if c.strip()]
    if len(filled) != 1:
        return nxt_rows
    col = filled[0]
    tail = first[col].strip()
    last = prev.rows[-1]
    if re.search(r"\d", tail) or not last[col].strip() or re.search(r"\d", norm(last[col])[-1:]):
        return nxt_rows
    last[col] = last[col].rstrip() + tail
    return nxt_rows[1:]


def merge_continued_tables(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    last_table: int | None = None
    for block in blocks:
        if isinstance(block, Table) and last_table is not None:
            prev = out[last_table]
            between = out[last_table + 1 :]
            assert isinstance(prev, Table)
            if all(isinstance(b, Paragraph) and _is_noise(b, prev) for b in between):
                if block.width < prev.width and prev.sheet is None and block.page is not None:
                    block = _right_aligned(prev, block) or block
                drop = _continues(prev, block)
                if drop is not None:
                    del out[last_table + 1 :]
                    _append(prev, block, drop)
                    continue
        out.append(block)
        if isinstance(block, Table):
            last_table = len(out) - 1
    return out


def _append(prev: Table, nxt: Table, drop: int) -> None:
    rows = [list(r) for r in nxt.rows[drop:]]
    pages = list(nxt.row_pages[drop:])
    kept = _join_wrapped_first_row(prev, rows)
    if len(kept) < len(rows):
        pages = pages[len(rows) - len(kept) :]
        removed = drop + (len(rows) - len(kept))
    else:
        removed = drop
    offset = len(prev.rows) - removed
    for (r, c), span in nxt.spans.items():
        if r >= removed:
            prev.spans[(r + offset, c)] = span
    prev.rows.extend(kept)
    prev.row_pages.extend(pages)
