"""项目支出绩效自评表 → a self-evaluation record.

Two families of layout occur:

* the Hebei 单位自评 form (seed 002): labels beside their values
  (``预算数 | 1743.000000 | 到位数 | …``), indicator rows ``一级 | 二级 | 三级 | 指标说明 |
  分值 | 符号 | 值 | 单位 | 实际完成值 | 完成情况 | 自评得分``, a ``预算执行率`` row and a
  ``自评总分`` row;
* the central template (国家信访局): amounts in a row under their headings
  (``年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分``), indicator rows
  ``一级 | 二级 | 三级 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因``, a ``总分`` row.

Text extractions shift cells left and right from row to row, split labels
(``预算执行情``), put the operator into the weight cell (``5.00 ≥``) and wrap a cell
onto the next row.  So an indicator row is read as a sequence of cells
recognised by their content — level labels, the weight, the operator, the
status word, the score — in the order the header gives, not by column.
"""
from __future__ import annotations

import re
from decimal import Decimal

from loaders.recognise.values import normalise_operator, parse_value, status_class
from loaders.model import Table
from loaders.recognise.cells import UNIT_YUAN, norm
from loaders.recognise.performance_common import (
    Token,
    clean_text,
    is_level1,
    is_level1_fragment_of,
    is_section_label,
    label_has,
    level2_strength,
    name_text,
    number_of,
    split_levels,
    tokens,
    weight_of,
)

BUDGET_LABELS = ("全年预算数", "调整后预算数", "预算数(调整后)", "预算数（调整后）", "预算数")
RECEIVED_LABELS = ("全年到位数", "资金到位数", "实际到位数", "到位数")
EXECUTED_LABELS = ("全年执行数", "实际执行数", "实际支出数", "执行数")
RATE_LABELS = ("执行率", "预算执行率", "预算执行进度(%)", "预算执行进度（%）", "预算执行进度", "执行进度")
_HEADER_WORDS = re.compile(r"^(符号|值|单位|单位\(文字描述\)|单位（文字描述）|位\(文字描述\)|字描述\)|\(文字描述\)|单位\(文|值单位\(文字描述\))$")
_TOTAL = re.compile(r"^(自评总分|总分|评价总分|合计|总计)$")
_EXEC_ROW = re.compile(r"^预算执行(率|情况|进度)?$|^预算执$")
_END = re.compile(r"^(填报人|填表人|联系电话|审核人|单位负责人)")


def is_self_evaluation(table: Table) -> bool:
    head = norm("".join(c for row in table.rows[:40] for c in row))
    return "项目名称" in head and ("自评" in head or "实际完成值" in head or "执行数" in head) and "一级指" in head


def _find_label(rows: list[list[Token]], start: int, end: int, labels: tuple[str, ...], exclude=()) -> tuple[int, int] | None:
    """(row, col) of the first cell (in ``labels`` priority order) naming one of ``labels``."""
    for label in labels:
        for r in range(start, end):
            for t in rows[r]:
                text = t.n.rstrip(":：")
                if text == norm(label) and not any(x in text for x in exclude):
                    return r, t.col
    return None


def _value_beside(rows: list[list[Token]], r: int, col: int, used: set) -> tuple[Token, int] | None:
    """The number right of (r, col) before the next label, else the number under it."""
    for t in rows[r]:
        if t.col <= col:
            continue
        if number_of(t.text) is not None and (r, t.col) not in used:
            return t, r
        if number_of(t.text) is None:
            break
    if r + 1 < len(rows):
        for t in rows[r + 1]:
            if t.col == col and number_of(t.text) is not None and (r + 1, t.col) not in used:
                return t, r + 1
    return None


def _amount(text: str, scale: str) -> Decimal | None:
    value = number_of(text)
    if value is None:
        return None
    if scale == UNIT_YUAN:
        return value / Decimal(10000)
    return value


def parse_self_evaluation(table: Table, title: str, index: int, scale: str = "万元") -> dict | None:
    rows = [tokens(r) for r in table.rows]
    n = len(rows)
    ind_hdr = next(
        (r for r in range(n) if any(t.n.startswith("一级指") for t in rows[r]) and any("级指" in t.n for t in rows[r][1:])),
        None,
    )
    if ind_hdr is None:
        return None
    goals_hdr = next(
        (r for r in range(ind_hdr) if any(("预期目标" in t.n or "年度目标" in t.n) and len(t.n) <= 10 for t in rows[r])),
        None,
    )
    budget_end = goals_hdr if goals_hdr is not None else ind_hdr

    rec: dict = {
        "item": None,
        "name": None,
        "level": None,
        "department": None,
        "implementing_agency": None,
        "budget": None,
        "received": None,
        "executed": None,
        "execution_rate": None,
        "execution_weight": None,
        "execution_points": None,
        "reported_score": None,
        "narrative_score": None,
        "goals": [],
        "indicators": [],
        "problems": None,
        "table": title,
        "table_index": index,
        "page": table.page,
        "pages": table.pages,
        "row": None,
    }

    # 1. basic information: labels followed by their value
    for r in range(budget_end):
        toks = rows[r]
        for i, t in enumerate(toks):
            nxt = toks[i + 1].text if i + 1 < len(toks) else None
            text = t.n
            if text.startswith("项目名称") and rec["name"] is None:
                value = t.text[t.text.find("称") + 1 :].strip() if len(text) > 4 else nxt
                if value and norm(value).endswith("项目级次"):
                    value = norm(value)[: -len("项目级次")]
                    after = toks[i + 2].text if len(norm(t.text)) <= 4 and i + 2 < len(toks) else nxt
                    rec["level"] = clean_text(after)
                rec["name"] = name_text(value)
                rec["row"] = r
            elif text.startswith("项目级次") and rec["level"] is None:
                rec["level"] = clean_text(nxt)
            elif text.startswith("实施主管单位") or text in ("实施单位", "实施单"):
                rec["implementing_agency"] = clean_text(nxt)
            elif text.startswith("主管部门"):
                rec["department"] = clean_text(nxt)
            elif text in ("金额单位", "单位") and nxt and norm(nxt) in ("元", "万元"):
                scale = norm(nxt)

    # 2. amounts
    used: set = set()

    def take(labels, exclude=()):
        at = _find_label(rows, 0, budget_end, labels, exclude)
        if at is None:
            return None
        found = _value_beside(rows, at[0], at[1], used)
        if found is None:
            return None
        tok, row = found
        used.add((row, tok.col))
        return tok, row, at[0]

    budget = take(BUDGET_LABELS, exclude=("年初",))
    received = take(RECEIVED_LABELS)
    executed = take(EXECUTED_LABELS)
    if budget:
        rec["budget"] = _amount(budget[0].text, scale)
    if received:
        rec["received"] = _amount(received[0].text, scale)
    if executed:
        tok, row, label_row = executed
        rec["executed"] = _amount(tok.text, scale)
        # label-beside-value forms print the rate right after the executed amount
        # (its heading 预算执行进度 sits in the row above)
        if row == label_row:
            for t in rows[row]:
                if t.col > tok.col:
                    if number_of(t.text) is not None:
                        rec["execution_rate"] = number_of(t.text)
                        used.add((row, t.col))
                    break
    if rec["execution_rate"] is None:
        rate = take(RATE_LABELS)
        if rate:
            rec["execution_rate"] = number_of(rate[0].text)
    weight = take(("分值",))
    points = take(("得分",))
    if weight:
        rec["execution_weight"] = number_of(weight[0].text)
    if points:
        rec["execution_points"] = number_of(points[0].text)

    # 3. yearly goals against their completion
    if goals_hdr is not None:
        for r in range(goals_hdr + 1, ind_hdr):
            toks = _strip_sections(rows[r])
            if not toks:
                continue
            texts = [t for t in toks if number_of(t.text) is None]
            nums = [t for t in toks if number_of(t.text) is not None]
            if not texts:
                continue
            rec["goals"].append(
                {
                    "goal": clean_text(texts[0].text),
                    "result": clean_text(" ".join(t.text for t in texts[1:])) if len(texts) > 1 else None,
                    "completion_rate": number_of(nums[-1].text) if nums else None,
                    "row": r,
                }
            )

    # 4. indicators
    head = rows[ind_hdr] + (rows[ind_hdr + 1] if ind_hdr + 1 < n else [])
    col_weight = next((t.col for t in head if "分值" in t.n or t.n.endswith("指标分") or t.n == "权重"), None)
    col_target = next((t.col for t in head if "指标值" in t.n or "目标值" in t.n), None)
    col_actual = next((t.col for t in head if "实际" in t.n), None)
    has_desc = any(("指标说明" in t.n or "指标解释" in t.n or "指标描述" in t.n) for t in head)
    weight_first = col_weight is None or col_target is None or col_weight < col_target
    level1 = level2 = None
    prev: dict | None = None
    for r in range(ind_hdr + 1, n):
        toks = _strip_sections(rows[r])
        if not toks:
            continue
        first = toks[0].n
        if _EXEC_ROW.match(first) or first.startswith("预算执行率"):
            nums = [number_of(t.text) for t in toks[1:] if number_of(t.text) is not None]
            if len(nums) >= 2:
                rec["execution_weight"], rec["execution_points"] = nums[0], nums[-1]
            elif nums:
                rec["execution_points"] = nums[0]
            prev = None
            continue
        if _TOTAL.match(first):
            nums = [number_of(t.text) for t in toks[1:] if number_of(t.text) is not None]
            if nums:
                rec["reported_score"] = nums[-1]
            prev = None
            continue
        if "存在问题" in first or "整改措施" in first:
            text = [t.text for t in toks[1:] if not label_has(t.text, "原因及整改措施", "整改措施")]
            rec["problems"] = clean_text(" ".join(text)) if text else rec["problems"]
            prev = None
            continue
        if _END.match(first):
            prev = None
            continue
        if all(_HEADER_WORDS.match(t.n) for t in toks):
            continue
        ind = _indicator(toks, weight_first, has_desc, col_target, col_actual)
        if ind is None:
            if prev is not None:
                _continue_row(prev, toks)
                level1 = prev["level1"] or level1
            continue
        if ind["level1"]:
            level1 = ind["level1"]
            if ind["level2"] is None:
                level2 = None
        ind["level1"] = ind["level1"] or level1
        if ind["level2"] is None:
            ind["level2"] = level2
        level2 = ind["level2"]
        ind["row"] = r
        ind["page"] = table.row_pages[r] if r < len(table.row_pages) else table.page
        rec["indicators"].append(ind)
        prev = ind

    for ind in rec["indicators"]:
        ind["level1"] = norm(ind["level1"] or "") or None
        ind["level2"] = norm(ind["level2"] or "") or None
        ind["level3"] = clean_text(ind["level3"])
        ind["description"] = clean_text(ind["description"])
        ind.pop("_cols", None)
    weights = [i["weight"] for i in rec["indicators"] if i["weight"] is not None]
    rec["indicator_count"] = len(weights)
    rec["weights_sum"] = sum(weights, Decimal(0)) if weights else None
    return rec


def _strip_sections(toks: list[Token]) -> list[Token]:
    i = 0
    while i < len(toks) and is_section_label(toks[i].text) and not is_level1(toks[i].text) and not level2_strength(toks[i].text):
        i += 1
    return toks[i:]


def _indicator(toks: list[Token], weight_first: bool, has_desc: bool, col_target, col_actual) -> dict | None:
    texts_end = None
    weight = op = score = status = None
    target_parts: list[Token] = []
    actual: Token | None = None
    if weight_first:
        k = next((i for i in range(1, len(toks)) if weight_of(toks[i].text)[0] is not None), None)
        if k is None:
            return None
        weight, op = weight_of(toks[k].text)
        texts_end = k
        after = toks[k + 1 :]
        s = None
        for i in range(len(after) - 1, -1, -1):
            if len(after[i].n) <= 6 and status_class(after[i].text) is not None and number_of(after[i].text) is None:
                s = i
                break
        if s is not None:
            status = after[s].text
            nums = [t for t in after[s + 1 :] if number_of(t.text) is not None]
            score = number_of(nums[0].text) if nums else None
            middle = after[:s]
        elif len(after) >= 3 and number_of(after[-1].text) is not None:
            score = number_of(after[-1].text)
            middle = after[:-1]
        else:
            middle = after
        if middle and _operator(middle[0].text):
            op = op or _operator(middle[0].text)
            middle = middle[1:]
        if len(middle) >= 2:
            actual = middle[-1]
            target_parts = middle[:-1]
        elif len(middle) == 1:
            only = middle[0]
            if col_actual is not None and col_target is not None and abs(only.col - col_target) < abs(only.col - col_actual):
                target_parts = [only]
            else:
                actual = only
    else:
        j = len(toks) - 1
        while j >= 0 and number_of(toks[j].text) is None:
            j -= 1
        if j < 1:
            return None
        score_tok = toks[j]
        if j - 1 >= 1 and number_of(toks[j - 1].text) is not None:
            weight = number_of(toks[j - 1].text)
            score = number_of(score_tok.text)
            texts_end = j - 1
        else:
            weight = number_of(score_tok.text)
            texts_end = j
        if weight is None:
            return None
    leading = toks[:texts_end]
    l1, l2, rest = split_levels([t.text for t in leading], min_rest=2 if has_desc else 1)
    rest_toks = leading[len(leading) - len(rest) :]
    level3 = rest_toks[0].text if rest_toks else None
    others = rest_toks[1:]
    description = None
    if weight_first:
        description = " ".join(t.text for t in others) or None
    else:
        if has_desc and others:
            description = others[0].text
            others = others[1:]
        if others:
            target_parts = [others[0]]
            if len(others) >= 2:
                actual = Token(others[1].col, " ".join(t.text for t in others[1:]))
    target, value, unit = None, None, None
    if target_parts:
        pv = parse_value(target_parts[0].text)
        if pv.operator in ("≥", "≤", ">", "<", "=", "≈") and not op:
            op = pv.operator
        if len(target_parts) == 1:
            if pv.value is not None:
                value, unit = pv.value, pv.unit
                target = format(pv.value, "f")
            else:
                target = clean_text(target_parts[0].text)
        else:
            if pv.value is not None and pv.unit is None:
                value = pv.value
                target = format(pv.value, "f")
                unit = clean_text(" ".join(t.text for t in target_parts[1:]))
            else:
                target = clean_text(" ".join(t.text for t in target_parts))
    cols = {"level3": rest_toks[0].col if rest_toks else None}
    if weight_first and others:
        cols["description"] = others[0].col
    if actual is not None:
        cols["actual"] = actual.col
    if target_parts:
        cols["target"] = target_parts[0].col
    if l1 is not None:
        cols["level1"] = leading[0].col
    return {
        "level1": l1,
        "level2": l2,
        "level3": level3,
        "description": description,
        "weight": weight,
        "operator": op,
        "target": target,
        "value": value,
        "unit": unit,
        "actual": clean_text(actual.text) if actual is not None else None,
        "status": clean_text(status),
        "reported_score": score,
        "_cols": cols,
    }


def _operator(text: str) -> str | None:
    return normalise_operator(text)


def _continue_row(prev: dict, toks: list[Token]) -> None:
    """A row holding the wrapped second line of the previous indicator's cells."""
    cols = prev.get("_cols", {})
    used: set[str] = set()
    for t in toks:
        if prev.get("level1") and is_level1_fragment_of(prev["level1"], t.text):
            prev["level1"] = norm(prev["level1"]) + t.n
            continue
        candidates = [
            key
            for key in ("level3", "description", "target", "actual")
            if cols.get(key) is not None
            and abs(cols[key] - t.col) <= 1
            and prev.get(key)
            and key not in used
            and not norm(prev[key]).endswith(t.n)  # already whole: the fragment belongs elsewhere
        ]
        if not candidates:
            key = "description" if prev.get("description") else "level3"
        else:
            key = max(candidates, key=lambda k: (len(norm(prev.get(k) or "")), -abs(cols[k] - t.col)))
        used.add(key)
        prev[key] = (prev.get(key) or "") + t.text.strip()
