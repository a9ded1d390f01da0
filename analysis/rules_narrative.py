"""说明与表格: what the narrative's template asks for and the narrative leaves out."""
from __future__ import annotations

import re

from analysis import narrative as nv
from analysis.checks import Checker, Where
from analysis.checks_context import Context
from analysis.rules import rule

_CHANGE = re.compile(
    r"(比上年|较上年|与上年相比|比\d{4}年|较\d{4}年|与\d{4}年相比)(预算|决算|执行)?数?[，,]?\s*"
    r"(增加|减少|增长|下降)\s*[\d,.]+\s*万元"
)
# a reason, a change called too small to need one (基本持平), or the parts that explain it (其中：…)
_REASON = re.compile(r"原因|主要是|主要为|由于|因为|系|用于|是因|得益于|受.{1,12}影响|持平|^[。；]?\s*其中")
# the share of change sentences that give a reason, above which the report's template asks for one
_TEMPLATE_ASKS = 0.6


@rule("narrative.reason_missing", "narrative", "增减变动未说明原因", "warning")
def reason_missing(ctx: Context, checker: Checker) -> None:
    """A change against last year stated without its reason, in a report whose
    template asks for one (most of its change sentences give 主要原因).

    Example: '“三公”经费预算数为 84.00 万元，比2025年预算增加 21.00 万元。' where the
    report's other changes all say '主要原因是…'.
    """
    found = []
    for passage in nv.passages(ctx.paragraphs):
        text = passage.text
        for m in _CHANGE.finditer(text):
            if re.search(r"(增加|减少)\s*0(\.0+)?\s*万元", m.group(0)):
                continue  # no change, nothing to explain
            if nv.bracket_depth(text, m.start()) > 0:
                continue  # a part listed inside its total's brackets: the total's reason covers it
            tail = text[m.end() : m.end() + 80]
            end = min((tail.find(c) for c in "。；" if c in tail), default=len(tail))
            clause, after = tail[: end + 1], tail[end + 1 :].lstrip()
            found.append((passage, m, bool(_REASON.search(clause)) or after.startswith("其中")))
    if len(found) < 3:
        return
    explained = sum(1 for _p, _m, ok in found if ok)
    if explained / len(found) < _TEMPLATE_ASKS:
        return
    for passage, m, ok in found:
        if ok:
            checker.ok("narrative.reason_missing")
            continue
        start = max(0, m.start() - 30)
        checker.add(
            "narrative.reason_missing", "warning", "narrative",
            f"说明了增减却未说明原因：“{passage.text[start:m.end() + 10]}”",
            Where(page=passage.page_at(m.start())),
        )
