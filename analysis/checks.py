"""The check engine: a parsed document in, findings out (勾稽关系 and narrative).

``run_checks(doc)`` works on the dict ``pipeline`` produces (or a stored
copy of it): the recognised tables (``doc["tables"]``: rows, row pages, unit,
family) and the narrative (``doc["paragraphs"]``).  It returns a list of
findings and puts a summary into ``doc["checks"]``.

A finding::

    {"rule": "table.sum_rows", "severity": "error"|"warning"|"info",
     "kind": "rounding"|"arithmetic"|"cross_table"|"unit"|"narrative_vs_table"|...,
     "message": "支出决算表 210 卫生健康支出：合计 17246.17 ≠ 基本支出 330.00 + 项目支出 16916.18 = 17246.18",
     "expected": Decimal("17246.18"), "found": Decimal("17246.17"),
     "page": 3, "table": "支出决算表", "row": 10}

Tolerance (settings ``TOLERANCE``, 0.01 万元) applies per summand: a sum of n
printed (rounded) amounts may differ from its printed total by up to n × 0.01
without anything being wrong; such a difference is reported at severity
``info`` (kind ``rounding``) so it is visible without counting as an error.
Larger differences are errors, or warnings where the reading is uncertain.

Each comparison counts as one check; the summary says how many ran, passed
(exactly or within the rounding tolerance) and failed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable

import settings
from analysis.rules import family_of, run_rules

TOL: Decimal = Decimal(str(settings.get("TOLERANCE")))
ZERO = Decimal(0)


def fmt(value: Decimal | None) -> str:
    """An amount as printed in messages: 2 decimals at least, more if it has them."""
    if value is None:
        return "空白"
    q = value.quantize(Decimal("0.01")) if -value.as_tuple().exponent <= 2 else value.normalize()
    text = format(q, "f")
    return text


def total_of(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), ZERO)


@dataclass
class Part:
    label: str
    value: Decimal | None


@dataclass
class Where:
    table: str | None = None
    page: int | None = None
    row: int | None = None


@dataclass
class Checker:
    """Collects findings and counts checks."""

    findings: list[dict] = field(default_factory=list)
    ran: int = 0
    passed: int = 0
    failed: int = 0
    rounding: int = 0
    by_rule: dict[str, dict[str, int]] = field(default_factory=dict)
    # The table (its ``index``) whose own arithmetic is being checked, and the
    # tally per table: how an extraction is verified (``verification``).
    scope: int | None = None
    by_table: dict[int, dict[str, int]] = field(default_factory=dict)
    _seen: set = field(default_factory=set)

    # ------------------------------------------------------------ bookkeeping

    def _count(self, rule: str, outcome: str) -> None:
        self.ran += 1
        slot = self.by_rule.setdefault(rule, {"ran": 0, "passed": 0, "failed": 0})
        slot["ran"] += 1
        if outcome == "failed":
            self.failed += 1
            slot["failed"] += 1
        else:
            self.passed += 1
            slot["passed"] += 1
            if outcome == "rounding":
                self.rounding += 1
        if self.scope is not None:
            tally = self.by_table.setdefault(self.scope, {"ran": 0, "failed": 0})
            tally["ran"] += 1
            tally["failed"] += outcome == "failed"

    def add(
        self,
        rule: str,
        severity: str,
        kind: str,
        message: str,
        where: Where | None = None,
        expected=None,
        found=None,
        count: bool = True,
        **extra,
    ) -> dict | None:
        """Record one finding (and, unless ``count`` is False, one check)."""
        where = where or Where()
        key = (rule, where.table, where.row, message)
        if key in self._seen:
            return None
        self._seen.add(key)
        if count:
            self._count(rule, "rounding" if severity == "info" else "failed")
        finding = {
            "rule": rule,
            "family": family_of(rule),
            "severity": severity,
            "kind": kind,
            "message": message,
            "expected": expected,
            "found": found,
            "page": where.page,
            "table": where.table,
            "row": where.row,
        }
        if self.scope is not None:
            finding["table_index"] = self.scope
        finding.update(extra)
        self.findings.append(finding)
        return finding

    def ok(self, rule: str) -> None:
        self._count(rule, "passed")

    # ------------------------------------------------------------ comparisons

    def sum_identity(
        self,
        rule: str,
        total_label: str,
        total: Decimal | None,
        parts: list[Part],
        where: Where,
        context: str = "",
        uncertain: bool = False,
        kind: str = "arithmetic",
        blank_total_is_zero: bool = True,
    ) -> str:
        """total = Σ parts within n × tolerance.  Returns 'skip'|'pass'|'rounding'|'fail'."""
        present = [p for p in parts if p.value is not None]
        if total is None and not present:
            return "skip"
        if total is None and not blank_total_is_zero:
            return "skip"
        expected = total_of(p.value for p in parts)
        if total is None and expected == 0:
            return "skip"
        found = total if total is not None else ZERO
        diff = abs(found - expected)
        n = max(1, len(present))
        if diff == 0:
            self.ok(rule)
            return "pass"
        head = f"{context}：" if context else ""
        terms = _terms(parts)
        shown_total = fmt(total) if total is not None else "空白"
        message = f"{head}{total_label} {shown_total} ≠ {terms} = {fmt(expected)}（相差 {fmt(found - expected)}）"
        if diff <= TOL * n:
            self.add(
                rule, "info", "rounding", message + f"，在舍入容差 {fmt(TOL * n)} 以内", where, expected, total,
            )
            return "rounding"
        self.add(rule, "warning" if uncertain else "error", kind, message, where, expected, total)
        return "fail"

    def equal(
        self,
        rule: str,
        a_label: str,
        a: Decimal | None,
        b_label: str,
        b: Decimal | None,
        where: Where,
        context: str = "",
        kind: str = "cross_table",
        uncertain: bool = False,
        tolerance: Decimal | None = None,
        blank_is_zero: bool = True,
    ) -> str:
        """a (found) = b (expected).  ``tolerance`` defaults to one rounding step."""
        if a is None and b is None:
            return "skip"
        if not blank_is_zero and (a is None or b is None):
            return "skip"
        av = a if a is not None else ZERO
        bv = b if b is not None else ZERO
        diff = abs(av - bv)
        if diff == 0:
            self.ok(rule)
            return "pass"
        tol = TOL if tolerance is None else tolerance
        head = f"{context}：" if context else ""
        message = f"{head}{a_label} {fmt(a)} ≠ {b_label} {fmt(b)}（相差 {fmt(av - bv)}）"
        if diff <= tol:
            self.add(rule, "info", "rounding", message + "，在舍入容差以内", where, b, a)
            return "rounding"
        self.add(rule, "warning" if uncertain else "error", kind, message, where, b, a)
        return "fail"

    def summary(self) -> dict:
        errors = sum(1 for f in self.findings if f["severity"] == "error")
        warnings = sum(1 for f in self.findings if f["severity"] == "warning")
        infos = sum(1 for f in self.findings if f["severity"] == "info")
        return {
            "ran": self.ran,
            "passed": self.passed,
            "failed": self.failed,
            "rounding": self.rounding,
            "errors": errors,
            "warnings": warnings,
            "infos": infos,
            "by_rule": self.by_rule,
            "by_table": self.by_table,
        }


def _terms(parts: list[Part]) -> str:
    present = [p for p in parts if p.value is not None]
    if not present:
        return " + ".join(f"{p.label} 空白" for p in parts[:4]) or "0"
    if len(present) > 8:
        return f"{len(present)} 项之和"
    return " + ".join(f"{p.label} {fmt(p.value)}".strip() for p in present)


# ---------------------------------------------------------------- entry point


def run_checks(doc: dict) -> list[dict]:
    """Every check on a parsed document; returns the findings and stores a
    summary in ``doc["checks"]`` ({ran, passed, failed, rounding, errors, …})."""
    checker = Checker()
    try:
        from analysis.checks_context import Context

        ctx = Context(doc)
    except Exception as exc:  # a check must never break a parse
        checker.add("checks.crashed", "warning", "internal", f"检查未能完成：{type(exc).__name__}: {exc}", count=False)
        doc["checks"] = checker.summary()
        return checker.findings
    run_rules(ctx, checker)
    doc["checks"] = checker.summary()
    return checker.findings


def all_findings(doc: dict) -> list[dict]:
    """The document's findings followed by those the scoring engine raised on
    each self-evaluation (绩效自评复核), named after their project, so a list
    of a document's problems (store, ``check``) shows both."""
    out = [f if "family" in f else {**f, "family": family_of(f.get("rule"))} for f in doc.get("findings") or []]
    for item in doc.get("self_evaluations") or []:
        name = item.get("name") or "项目"
        for finding in item.get("findings") or []:
            out.append(
                {
                    **finding,
                    "family": family_of(finding.get("rule")),
                    "message": f"（自评：{name}）{finding.get('message', '')}",
                    "project": name,
                    "page": finding.get("page") if finding.get("page") is not None else item.get("page"),
                    "table": finding.get("table") or item.get("table"),
                }
            )
    return out
