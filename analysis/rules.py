"""Every rule the checks and the scoring apply, in one registry.

A rule has an id (``cross.class``), a family (what kind of problem it finds,
below), a default severity, a Chinese name and a docstring with an example.
The 数据质检 page, ``python -m loaders check`` and docs/rules.md are made
from this registry; a finding carries its rule's family (``finding["family"]``).

Two kinds of entry:

* a **rule function** — ``@rule("wording.doubled", "wording", "重复的字词或标点")``
  on a function ``(ctx, checker) -> None`` that looks at the whole parsed
  document and adds its findings; :func:`run_rules` runs them all, module by
  module in the order of :data:`RULE_MODULES` and, within a module, in the
  order they are written (so the findings always come out in the same order).
  Adding a rule is adding one such function in the module of its family.
  The self-evaluation review's rules (``score.*``) are rule functions too, of
  the stages ``execution``, ``indicator`` and ``self_evaluation``
  (``@rule(..., stage=...)`` in ``analysis.scoring_rules``), which
  ``analysis.scoring.evaluate`` runs;
* a **described rule** — :func:`describe` records the id, family, name and
  example of a rule that has no function of its own: a sibling id emitted by a
  rule function that checks several things in one traversal (the table pass of
  ``table.code_sum``, say; its module describes them), the way an indicator was
  scored (``quant.*``, ``unscorable.*``: below), or one raised while reading a
  file (``parse.*``, ``ocr.*``).
"""
from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from typing import Callable

#: family -> Chinese name, in the order the page lists them
FAMILIES: dict[str, str] = {
    "completeness": "完整性",
    "identity": "名称与年度一致",
    "arithmetic": "表内勾稽",
    "cross_table": "表间一致",
    "narrative": "说明与表格",
    "classification": "科目分类",
    "unit": "计量单位",
    "wording": "文字",
    "performance": "绩效表内容",
    "scoring": "绩效自评复核",
    "extraction": "解析",
    "other": "其他",
}

SEVERITIES = ("error", "warning", "info")

#: what a rule function is handed: the whole document ``(ctx, checker)`` (run by
#: :func:`run_rules`), or, in the self-evaluation review (``analysis.scoring``),
#: one self-evaluation's 预算执行率 ``(review)``, one scored indicator
#: ``(review, scored)`` or the whole self-evaluation ``(review)``
STAGES = ("document", "execution", "indicator", "self_evaluation")


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    name: str
    severity: str
    doc: str
    check: Callable | None = None  # None: applied by another rule function, the scoring or the reader
    order: tuple[str, int] = ("", 0)  # (module, line) of a rule function: where run_rules runs it
    stage: str = "document"  # what the function looks at: see STAGES

    @property
    def family_name(self) -> str:
        return FAMILIES.get(self.family, self.family)


RULES: dict[str, Rule] = {}


def _register(entry: Rule) -> Rule:
    if entry.family not in FAMILIES:
        raise ValueError(f"unknown rule family {entry.family!r} for {entry.id}")
    if entry.severity not in SEVERITIES:
        raise ValueError(f"unknown severity {entry.severity!r} for {entry.id}")
    if entry.stage not in STAGES:
        raise ValueError(f"unknown stage {entry.stage!r} for {entry.id}")
    RULES[entry.id] = entry
    return entry


def rule(
    rule_id: str, family: str, name: str, severity: str = "error", *, stage: str = "document"
) -> Callable[[Callable], Callable]:
    """Register ``func`` as the rule ``rule_id`` (``func(ctx, checker)`` for a
    document rule; see :data:`STAGES` for the others); its docstring is the
    rule's documentation (say what it finds and give an example)."""

    def wrap(func: Callable) -> Callable:
        order = (func.__module__, func.__code__.co_firstlineno)
        _register(Rule(rule_id, family, name, severity, inspect.cleandoc(func.__doc__ or ""), func, order, stage))
        return func

    return wrap


def describe(rule_id: str, family: str, name: str, severity: str = "error", doc: str = "") -> None:
    """Record a rule without a function of its own (see the module docstring)."""
    _register(Rule(rule_id, family, name, severity, inspect.cleandoc(doc)))


# Modules holding rule functions, in the order they run; importing one registers its rules.
RULE_MODULES = (
    "analysis.rules_arithmetic",
    "analysis.rules_cross",
    "analysis.rules_narrative_tables",
    "analysis.rules_narrative_sums",
    "analysis.rules_performance_projects",
    "analysis.rules_performance_department",
    "analysis.rules_completeness",
    "analysis.rules_identity",
    "analysis.rules_classification",
    "analysis.rules_units",
    "analysis.rules_wording",
    "analysis.rules_narrative",
)
# Modules holding the self-evaluation review's rules (run by analysis.scoring.evaluate, not run_rules).
REVIEW_MODULES = ("analysis.scoring_rules",)


def load() -> dict[str, Rule]:
    """Every rule, the rule modules imported."""
    for name in RULE_MODULES + REVIEW_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return RULES


def rules_for(stage: str) -> list[Rule]:
    """The rule functions of one stage, in the order they run (see the module docstring)."""
    rank = {name: i for i, name in enumerate(RULE_MODULES + REVIEW_MODULES)}
    entries = [r for r in load().values() if r.check is not None and r.stage == stage]
    return sorted(entries, key=lambda r: (rank.get(r.order[0], len(rank)), r.order))


def rule_functions() -> list[Rule]:
    """The document rules, in the order :func:`run_rules` runs them."""
    return rules_for("document")


def run_rules(ctx, checker) -> None:
    """Apply every rule function; one that fails is reported, never fatal."""
    for entry in rule_functions():
        try:
            entry.check(ctx, checker)
        except Exception as exc:  # a rule must never break a parse
            checker.add(
                "checks.crashed", "warning", "internal", f"检查“{entry.name}”未能完成：{type(exc).__name__}: {exc}",
                count=False,
            )


# The prefix of a rule id says its family where the rule is not registered
# (scoring's per-indicator rules, a rule an older stored document carries).
_PREFIX_FAMILY = {
    "table": "arithmetic",
    "summary": "arithmetic",
    "three_public": "arithmetic",
    "assets": "arithmetic",
    "cross": "cross_table",
    "narrative": "narrative",
    "performance": "performance",
    "target": "performance",
    "quality": "performance",
    "score": "scoring",
    "quant": "scoring",
    "qualitative": "scoring",
    "deadline": "scoring",
    "cost": "scoring",
    "execution": "scoring",
    "unscorable": "scoring",
    "parse": "extraction",
    "extract": "extraction",
    "ocr": "extraction",
    "checks": "extraction",
    "completeness": "completeness",
    "identity": "identity",
    "classification": "classification",
    "unit": "unit",
    "wording": "wording",
}


def family_of(rule_id: str | None) -> str:
    """The family of a rule id (``cross.class`` -> ``cross_table``); unknown ids -> ``other``."""
    text = str(rule_id or "")
    entry = load().get(text)
    if entry is not None:
        return entry.family
    return _PREFIX_FAMILY.get(text.split(".", 1)[0], "other")


def name_of(rule_id: str | None) -> str:
    """The Chinese name of a rule (its family's name for an unknown id; '' for none)."""
    text = str(rule_id or "").strip()
    if not text:
        return ""
    entry = load().get(text)
    return entry.name if entry is not None else FAMILIES.get(family_of(text), "其他")


def markdown() -> str:
    """docs/rules.md: every rule by family, with its example."""
    out = [
        "# 检查规则 · Rules",
        "",
        "Generated from `analysis/rules.py` (`python -m analysis.rules > docs/rules.md`); do not edit by hand.",
        "Each finding carries its rule id and family; severity is the rule's default (a comparison",
        "within rounding is reported as `info`, an uncertain reading as `warning`).",
        "",
    ]
    rules = load()
    for family, family_zh in FAMILIES.items():
        members = sorted((r for r in rules.values() if r.family == family), key=lambda r: r.id)
        if not members:
            continue
        out += [f"## {family_zh}（{family}）", ""]
        for r in members:
            out.append(f"### `{r.id}` {r.name}")
            out.append("")
            out.append(f"严重程度：{ {'error': '错误', 'warning': '警告', 'info': '提示'}[r.severity] }")
            if r.doc:
                out += ["", r.doc]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


# ---------------------------------------------------------------- rules raised while reading a file

for _id, _family, _name, _doc in (
    ("table.sum_rows", "arithmetic", "合计行 = 各行之和",
     "The 合计 row equals the sum of the rows of the top level."),
    ("parse.not_an_amount", "extraction", "无法识别的金额", "A cell where an amount belongs holds something else ('1,517.95 417.41')."),
    ("extract.unverified", "extraction", "读取后勾稽仍不成立",
     "A table whose own arithmetic fails under every reading strategy: check its figures against the page.", ),
    ("checks.crashed", "extraction", "检查程序出错", "A check could not finish; the others ran."),
    ("ocr.unverified", "extraction", "OCR 读数未通过勾稽校验",
     "A cell read by OCR whose sums fail after the recogniser's candidates and a re-read at higher resolution "
     "were tried; the cell is named, never computed from the total.  Example: 其他信访事务支出 read 1,780.46, "
     "信访事务 10,685.56 ≠ its items 10,677.56."),
    ("ocr.damaged_file", "extraction", "损坏文件按残存页面图像识别",
     "A scan too broken to open (truncated, no xref) read from the page images left in it: its content may be incomplete."),
):
    describe(_id, _family, _name, "warning" if _family == "extraction" else "error", _doc)

describe("ocr.corrected", "extraction", "OCR 读数按勾稽关系改用候选读数", "info",
         "A cell whose first OCR reading broke the table's sums, replaced by the recogniser's candidate or a re-read "
         "that makes every sum through it hold.  Example: 1,780.46 read again as 1,788.46.")

for _id, _name in (
    ("three_public.total", "“三公”经费合计"),
    ("three_public.outbound", "因公出国（境）费"),
    ("three_public.vehicle_total", "公务用车购置及运行维护费"),
    ("three_public.vehicle_purchase", "公务用车购置费"),
    ("three_public.vehicle_operation", "公务用车运行维护费"),
    ("three_public.reception", "公务接待费"),
):
    describe(_id, "arithmetic", _name, doc="A 三公 item compared between the tables that print it.")

for _id, _name in (
    ("quant.higher", "正向指标"),
    ("quant.lower", "反向指标"),
    ("quant.equal", "等于指标"),
    ("qualitative.band", "定性指标（分档）"),
    ("deadline.met", "时效指标"),
    ("cost.zero_spend", "成本指标（资金未支出）"),
    ("execution.rate", "预算执行率"),
    ("execution.unscorable", "预算执行率无法计算"),
    ("unscorable.no_weight", "无法复核：没有分值"),
    ("unscorable.deadline", "无法复核：时间节点不一致"),
    ("unscorable.deadline_missed", "无法复核：未按期完成"),
    ("unscorable.actual", "无法复核：实际完成值无法比较"),
    ("unscorable.unit", "无法复核：计量单位不同"),
    ("unscorable.equal", "无法复核：等于指标未达到"),
    ("unscorable.qualitative", "无法复核：定性指标"),
):
    describe(_id, "scoring", _name, doc="How an indicator was scored (DESIGN.md §4; analysis/scoring_indicators.py): "
             "the rule an indicator result names.")


if __name__ == "__main__":  # python -m analysis.rules > docs/rules.md
    import sys

    from analysis import rules as registry  # the module the rule modules register into

    sys.stdout.write(registry.markdown())
