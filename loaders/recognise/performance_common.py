"""Vocabulary and cell helpers shared by the performance-table recognisers.

Performance tables (绩效目标表, 绩效自评表) are forms, not grids: labels sit
beside or above their values, and text extractions shift cells left where a
merged label was dropped.  So these helpers read a table as rows of *tokens*
(non-empty cells with their column) and recognise cells by their words: the
indicator levels (产出指标 / 数量指标 …), weights, operators, status words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from loaders.recognise.values import normalise_operator, to_decimal
from loaders.recognise.cells import norm

# 一级指标 names (new template puts 成本指标 at level 1; 004's 整体 table has 投入管理指标).
LEVEL1_NAMES = (
    "产出指标",
    "效益指标",
    "满意度指标",
    "成本指标",
    "过程指标",
    "决策指标",
    "管理指标",
    "投入管理指标",
    "履职效能指标",
)
# 二级指标 names without their 指标 suffix.
LEVEL2_CORES = (
    "数量",
    "质量",
    "时效",
    "成本",
    "经济成本",
    "社会成本",
    "生态环境成本",
    "生态成本",
    "经济效益",
    "社会效益",
    "生态效益",
    "环境效益",
    "可持续影响",
    "服务对象满意度",
    "社会公众满意度",
    "满意度",
)
# 二级 names that are also 一级 names; they are 一级 only when a 二级 name follows.
AMBIGUOUS = {"成本指标", "满意度指标", "满意度"}

_SECTION_CHARS = set("一二三四五六七八九十、.．()（）年度绩效指标完成情况基本预算执行目标总体")
_WEIGHT = re.compile(r"^(\d{1,3}(?:\.\d+)?)\s*(>=|<=|≥|≤|>|<|=|＞|＜|＝)?$")
_PROJECT_CODE = re.compile(r"^[0-9A-Z]{12,}$")


@dataclass
class Token:
    col: int
    text: str  # stripped cell text, internal line breaks kept

    @property
    def n(self) -> str:
        return norm(self.text)


def tokens(row: list[str]) -> list[Token]:
    return [Token(c, cell.strip()) for c, cell in enumerate(row) if cell and cell.strip()]


def clean_text(text: str | None) -> str | None:
    """Cell text for the JSON: line breaks from wrapped cells joined, spaces kept single."""
    if text is None:
        return None
    lines = [line.strip() for line in text.split("\n")]
    out = ""
    for line in lines:
        if not line:
            continue
        if out and re.search(r"[A-Za-z0-9]$", out) and re.match(r"[A-Za-z0-9]", line):
            out += " " + line
        else:
            out += line
    out = re.sub(r"\s+", " ", out).strip()
    return out or None


def name_text(text: str | None) -> str | None:
    """A project name: all whitespace removed (as the truth files keep names)."""
    if text is None:
        return None
    return norm(text) or None


def is_level1(text: str) -> bool:
    t = norm(text)
    if t in LEVEL1_NAMES:
        return True
    return len(t) >= 3 and any(name.startswith(t) for name in LEVEL1_NAMES if name not in AMBIGUOUS)


def level2_strength(text: str) -> int:
    """2: a full 二级指标 name ('数量指标'); 1: a cut or bare one ('社会效益指', '服务对象');
    0: not a 二级 label."""
    t = norm(text)
    if not t:
        return 0
    core = t[:-2] if t.endswith("指标") else (t[:-1] if t.endswith("指") else t)
    if core in LEVEL2_CORES:
        return 2 if t.endswith("指标") else 1
    if len(core) >= 4 and any(c.startswith(core) for c in LEVEL2_CORES):
        return 1
    return 0


def is_level1_fragment_of(prefix: str, text: str) -> bool:
    """True when ``prefix`` + ``text`` spells a 一级指标 name ('产' + '出 指 标')."""
    joined = norm(prefix) + norm(text)
    return bool(prefix) and any(name.startswith(joined) for name in LEVEL1_NAMES) and len(norm(text)) > 0


def is_section_label(text: str) -> bool:
    """A form's section label or a piece of one ('四、年度绩效指标完成情况', '预算执行情', '效 指标完成 情况')."""
    t = norm(text)
    if not t or len(t) > 14 or "存在问题" in t or "整改" in t:
        return False
    if re.match(r"^[一二三四五六七八九十]+、", t):
        return True
    return all(ch in _SECTION_CHARS for ch in t) and not re.search(r"\d", t)


def split_levels(texts: list[str], min_rest: int = 1) -> tuple[str | None, str | None, list[str]]:
    """(level1, level2, the other texts) of the leading text cells of an indicator row."""
    i = 0
    l1 = l2 = None
    n = len(texts)

    def nxt_is_level2(j: int) -> bool:
        return j + 1 < n and level2_strength(texts[j + 1]) > 0

    if n and is_level1(texts[0]):
        t0 = norm(texts[0])
        if t0 not in AMBIGUOUS or nxt_is_level2(0):
            l1, i = texts[0], 1
    elif n >= 2 and level2_strength(texts[0]) == 0 and level2_strength(texts[1]) == 2 and len(norm(texts[0])) <= 3:
        l1, i = texts[0], 1  # a cut 一级 label ('产') before a full 二级 label
    if i < n:
        strength = level2_strength(texts[i])
        rest = n - i - 1
        if strength == 2 and rest >= 1 or strength == 1 and rest >= min_rest:
            l2, i = texts[i], i + 1
    return l1, l2, texts[i:]


def weight_of(text: str) -> tuple[Decimal | None, str | None]:
    """'10.00' → (10.00, None); '5.00 ≥' → (5.00, '≥'); anything else → (None, None)."""
    m = _WEIGHT.match(text.strip())
    if not m:
        return None, None
    return Decimal(m.group(1)), normalise_operator(m.group(2)) if m.group(2) else None


def number_of(text: str | None) -> Decimal | None:
    """A printed number exactly as printed, '%' allowed at the end; wrapped digits joined."""
    return to_decimal(text)


def is_project_code(text: str | None) -> bool:
    t = re.sub(r"\s+", "", text or "")
    return bool(_PROJECT_CODE.match(t)) and bool(re.search(r"\d{6}", t))


def label_is(text: str, *labels: str) -> bool:
    t = norm(text).rstrip(":：")
    return any(t == norm(label) for label in labels)


def label_has(text: str, *words: str) -> bool:
    t = norm(text)
    return any(norm(w) in t for w in words)


def strip_title(title: str | None) -> str | None:
    """'1、医保局日常业务经费绩效目标表' → '医保局日常业务经费'."""
    if not title:
        return None
    t = norm(title)
    t = re.sub(r"^(第?[\d一二三四五六七八九十]+[、.．)）]|[（(][\d一二三四五六七八九十]+[)）])", "", t)
    for suffix in ("项目支出绩效目标表", "项目绩效目标表", "绩效目标表", "绩效目标", "项目绩效自评表", "绩效自评表", "表"):
        if t.endswith(suffix) and len(t) > len(suffix):
            t = t[: -len(suffix)]
            break
    return t or None
