"""Names used across layers, written once (DESIGN.md §6).

The bottom layer beside ``settings``: anything may import it, it imports
nothing of ours.

* ``FUNCTION_CLASSES`` — 支出功能分类 类 (function classes), code -> name.
* ``function_code(name, parent)`` — the code of a 款 or 项 printed by name
  alone under a known parent (杭州 prints its expenditure tables without codes):
  the national rules every 款 follows (行政运行 01, 一般行政管理事务 02, 机关服务 03,
  事业运行 50, 其他…支出 99), then ``function_codes.tsv``, a catalogue harvested
  from coded tables of published disclosures.  None when neither knows it: a
  line keeps its name and level and goes without a code rather than get a
  guessed one.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

# Chinese labels for the measures; names follow DESIGN.md §6.
TOTALS_LABELS: dict[str, str] = {
    "revenue_total": "本年收入合计",
    "expenditure_total": "本年支出合计",
    "grand_total": "收入总计/支出总计",
    "carryover_begin": "上年结转",
    "carryover_end": "年末结转和结余",
    "basic": "基本支出",
    "project": "项目支出",
    "personnel": "人员经费",
    "public": "公用经费",
    "fiscal_appropriation": "财政拨款",
    "general_public_budget": "一般公共预算",
    "government_fund": "政府性基金预算",
    "state_capital": "国有资本经营预算",
    "operating_expenses": "机关运行经费",
}
THREE_PUBLIC_LABELS: dict[str, str] = {
    "total": "“三公”经费合计",
    "outbound": "因公出国（境）费",
    "vehicle_total": "公务用车购置及运行维护费",
    "vehicle_purchase": "公务用车购置费",
    "vehicle_operation": "公务用车运行维护费",
    "reception": "公务接待费",
}
KIND_LABELS = {"budget": "部门预算", "final_accounts": "部门决算", "performance_targets": "绩效目标"}
KIND_SHORT = {"budget": "预算", "final_accounts": "决算", "performance_targets": "绩效目标"}
SCOPE_LABELS = {"department": "部门", "unit": "单位"}
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
FORMAT_LABELS = {"pdf": "PDF", "xlsx": "Excel（xlsx）", "xls": "Excel（xls）", "docx": "Word", "text": "文本", "image": "图片"}


FUNCTION_CLASSES: dict[str, str] = {
    "201": "一般公共服务支出",
    "202": "外交支出",
    "203": "国防支出",
    "204": "公共安全支出",
    "205": "教育支出",
    "206": "科学技术支出",
    "207": "文化旅游体育与传媒支出",
    "208": "社会保障和就业支出",
    "209": "社会保险基金支出",
    "210": "卫生健康支出",
    "211": "节能环保支出",
    "212": "城乡社区支出",
    "213": "农林水支出",
    "214": "交通运输支出",
    "215": "资源勘探工业信息等支出",
    "216": "商业服务业等支出",
    "217": "金融支出",
    "219": "援助其他地区支出",
    "220": "自然资源海洋气象等支出",
    "221": "住房保障支出",
    "222": "粮油物资储备支出",
    "223": "国有资本经营预算支出",
    "224": "灾害防治及应急管理支出",
    "227": "预备费",
    "229": "其他支出",
    "230": "转移性支出",
    "231": "债务还本支出",
    "232": "债务付息支出",
    "233": "债务发行费用支出",
    "234": "抗疫特别国债安排的支出",
}

#: 类 names as narratives write them (without the trailing 支出), name -> code.
FUNCTION_CLASS_WORDS: dict[str, str] = {
    re.sub(r"支出$", "", name): code for code, name in FUNCTION_CLASSES.items() if code not in ("227", "229", "230")
}

# 项 that every 款 numbers the same way (政府收支分类科目 编制说明).
_STANDARD_ITEMS = {"行政运行": "01", "一般行政管理事务": "02", "机关服务": "03", "事业运行": "50"}

_CATALOGUE = Path(__file__).with_name("function_codes.tsv")


def _key(name: str) -> str:
    return re.sub(r"[\s　]+", "", name or "").replace("(", "（").replace(")", "）")


def function_class_of(name: str) -> str | None:
    """The 类 code a row label names ('科学技术支出', '科学技术', '一、科学技术支出')."""
    text = re.sub(r"^[一二三四五六七八九十]+[、.．]", "", _key(name))
    text = re.sub(r"[（(]类[)）]$", "", text)
    for code, full in FUNCTION_CLASSES.items():
        if text in (full, re.sub(r"支出$", "", full)):
            return code
    return None


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, dict[str, str]]:
    """parent code -> {name: code}."""
    out: dict[str, dict[str, str]] = {}
    for line in _CATALOGUE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        code, _, name = line.partition("\t")
        out.setdefault(code[:-2], {})[_key(name)] = code
    return out


def function_code(name: str, parent: str | None, parent_name: str | None = None) -> str | None:
    """The code of a 款 (parent a 类 code) or 项 (parent a 款 code) printed by name.

    The catalogue first; then the numbering every 款 shares for its 项
    (行政运行 01 …); then 其他…支出 = 99 when it names its parent
    ('其他教育支出' under 205 教育支出, or under 20599 其他教育支出).
    """
    if not parent or not re.fullmatch(r"\d{3}(\d{2})?", parent):
        return None
    key = _key(name)
    known = _catalogue().get(parent, {}).get(key)
    if known:
        return known
    if len(parent) == 5 and key in _STANDARD_ITEMS:
        return parent + _STANDARD_ITEMS[key]
    if parent_name and key.startswith("其他") and key.endswith("支出"):
        own = re.sub(r"支出$", "", _key(parent_name))
        if key in (f"其他{own}支出", _key(parent_name)) or own.startswith("其他") and key == f"{own}支出":
            return parent + "99"
    return None


def function_names(code: str) -> set[str]:
    """The names a 类/款/项 code is known by (the 类 table, then the catalogue; empty if unknown)."""
    if code in FUNCTION_CLASSES:
        return {FUNCTION_CLASSES[code]}
    return {name for name, c in _catalogue().get(code[:-2], {}).items() if c == code}
