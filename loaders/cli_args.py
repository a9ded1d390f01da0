"""What the command line accepts beside its files: the argument types (类型,
范围, 年度, 并行数, in Chinese or English) and the identity options
(--agency/--year/--kind/--scope) that say what a file is where the document
does not, with the hint printed when the parser could not tell.
"""
from __future__ import annotations

import argparse
import re


_KINDS = {
    "budget": "budget", "预算": "budget", "部门预算": "budget", "单位预算": "budget",
    "final_accounts": "final_accounts", "决算": "final_accounts", "部门决算": "final_accounts", "单位决算": "final_accounts",
    "performance_targets": "performance_targets", "绩效目标": "performance_targets",
}
_SCOPES = {"department": "department", "部门": "department", "unit": "unit", "单位": "unit", "本级": "unit"}


def kind_arg(text: str) -> str:
    if text.strip() not in _KINDS:
        raise argparse.ArgumentTypeError(f"类型须为 预算 / 决算 / 绩效目标（budget / final_accounts / performance_targets）：{text}")
    return _KINDS[text.strip()]


def scope_arg(text: str) -> str:
    if text.strip() not in _SCOPES:
        raise argparse.ArgumentTypeError(f"范围须为 部门 / 单位（department / unit）：{text}")
    return _SCOPES[text.strip()]


def year_arg(text: str) -> int:
    if not re.fullmatch(r"(19|20)\d{2}", text.strip()):
        raise argparse.ArgumentTypeError(f"年度须为四位年份：{text}")
    return int(text)


def add_identity_options(parser: argparse.ArgumentParser) -> None:
    """--agency/--year/--kind/--scope: what the file is, where the document does not say (or says wrongly)."""
    parser.add_argument("--agency", metavar="名称", help="单位名称（文件中未识别或识别有误时指定）")
    parser.add_argument("--year", type=year_arg, metavar="YYYY", help="年度")
    parser.add_argument("--kind", type=kind_arg, metavar="类型", help="预算 / 决算 / 绩效目标")
    parser.add_argument("--scope", type=scope_arg, metavar="范围", help="部门 / 单位")


def identity_of(args: argparse.Namespace) -> dict | None:
    given = {k: getattr(args, k, None) for k in ("agency", "year", "kind", "scope")}
    given = {k: v for k, v in given.items() if v not in (None, "")}
    return given or None


_FLAG_OF = {"agency": "--agency", "year": "--year", "kind": "--kind", "scope": "--scope"}
_FIELD_ZH = {"agency": "单位名称", "year": "年度", "kind": "类型", "scope": "范围"}


def unknown_hint(doc: dict) -> str | None:
    """'未识别单位名称、年度：请用 --agency、--year 指定' for a document whose identity is incomplete."""
    unknown = [k for k in doc.get("unknown") or [] if k in _FLAG_OF]
    if not unknown:
        return None
    return f"未识别{'、'.join(_FIELD_ZH[k] for k in unknown)}：请用 {'、'.join(_FLAG_OF[k] for k in unknown)} 指定"


def jobs_arg(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"并行数须为正整数：{text}")
    return value
