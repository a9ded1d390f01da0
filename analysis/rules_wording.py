"""文字: slips of the pen a reviewer marks in the narrative."""
from __future__ import annotations

import re

from analysis.checks import Checker, Where
from analysis.checks_context import Context
from analysis.rules import rule

# 。。 ，， 、、 ；； ：： but not the ellipsis (……) or the dash (——)
_DOUBLED_PUNCTUATION = re.compile(r"([。，、；：！？])\s*\1")
# function words a sentence never needs twice in a row ('的的', '和和')
_DOUBLED_WORD = re.compile(r"(的的|了了|和和|及及|与与|或或|之之|对对|在在)")


def _quote(text: str, start: int, end: int, width: int = 18) -> str:
    a, b = max(0, start - width), min(len(text), end + width)
    return ("…" if a else "") + text[a:b] + ("…" if b < len(text) else "")


def _each_match(ctx: Context, checker: Checker, pattern: re.Pattern, rule_id: str, what: str) -> None:
    """A warning for every match of ``pattern`` in the narrative, quoted in its context."""
    for par in ctx.paragraphs:
        text = par.get("text") or ""
        for m in pattern.finditer(text):
            checker.add(
                rule_id, "warning", "wording",
                f"{what}“{m.group(0)}”：“{_quote(text, m.start(), m.end())}”",
                Where(page=par.get("page")),
            )


@rule("wording.doubled_punctuation", "wording", "重复的标点", "warning")
def doubled_punctuation(ctx: Context, checker: Checker) -> None:
    """The same punctuation mark twice in a row.

    Example: '2026年收入预算1,234.56万元。。其中…' → 第3页：“…1,234.56万元。。其中…”
    """
    _each_match(ctx, checker, _DOUBLED_PUNCTUATION, "wording.doubled_punctuation", "标点重复")


@rule("wording.doubled_word", "wording", "重复的字词", "warning")
def doubled_word(ctx: Context, checker: Checker) -> None:
    """A function word written twice ('的的', '和和').

    Example: '主要用于保障机构的的正常运转' → “…机构的的正常运转”
    """
    _each_match(ctx, checker, _DOUBLED_WORD, "wording.doubled_word", "字词重复")
