"""Grade a folder of disclosures without truth: ``python -m loaders survey DIR``.

Each file is parsed in the sandbox (in parallel child processes) and graded on
what a budget officer needs from it: who, which year, which kind; the
expenditure total and the function lines (the financial core); whether the
tables' own arithmetic holds; how many error findings remain.  A manifest
(``file<TAB>kind…``, kinds report / targets / scanned / other) says what each
file should give, and the summary counts per kind how many did.

The grading works on the parsed document only, so ``ingest DIR`` reports the
same summary for a folder it stores.
"""
from __future__ import annotations

import csv
import os
import statistics
import sys
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterable

from glossary import KIND_LABELS
from loaders.errors import LoaderError

EXTENSIONS = (".pdf", ".xlsx", ".xls", ".docx", ".txt", ".md", ".png", ".jpg", ".jpeg")

KIND_ZH = KIND_LABELS
SCOPE_ZH = {"department": "部门", "unit": "单位"}
MANIFEST_KINDS = ("report", "targets", "scanned", "other")
MANIFEST_KIND_ZH = {"report": "报告", "targets": "绩效目标", "scanned": "扫描件", "other": "非公开文件"}


@dataclass
class Grade:
    """What one file gave."""

    file: str
    agency: str | None = None
    year: int | None = None
    kind: str | None = None
    scope: str | None = None
    expenditure_total: Decimal | None = None
    function_lines: int = 0
    arithmetic_holds: bool | None = None  # None: no table could be checked
    unverified_tables: list[str] = field(default_factory=list)
    errors: int = 0
    error_rules: list[str] = field(default_factory=list)
    target_tables: int = 0
    unknown: list[str] = field(default_factory=list)  # identity fields the parser could not find
    refused: str | None = None  # the refusal's reason, or None
    refused_code: str | None = None
    pages: int | None = None
    seconds: float = 0.0
    expected: str | None = None  # manifest kind

    @property
    def recognised(self) -> bool:
        return self.refused is None and bool(self.agency and self.year and self.kind)

    @property
    def core(self) -> bool:
        return self.expenditure_total is not None and self.function_lines > 0

    @property
    def read(self) -> bool:
        """Core found, the arithmetic of the tables holding, no error finding."""
        return self.recognised and self.core and self.arithmetic_holds is not False and self.errors == 0

    def meets(self) -> bool:
        """Whether the file gave what its manifest kind says it should."""
        if self.expected == "other":
            return self.refused is not None
        if self.expected == "targets":
            return self.recognised and self.target_tables > 0
        if self.expected in ("report", "scanned"):
            return self.read
        return self.recognised

    def as_dict(self) -> dict:
        out = asdict(self)
        out.update(recognised=self.recognised, core=self.core, read=self.read)
        if self.expected:
            out["meets"] = self.meets()
        return out


def grade_document(doc: dict, file: str, seconds: float = 0.0) -> Grade:
    """The grade of a parsed document (the dict ``pipeline`` returns)."""
    totals = doc.get("totals") or {}
    findings = doc.get("findings") or []
    errors = [f for f in findings if f.get("severity") == "error"]
    checked = [t for t in doc.get("tables") or [] if (t.get("verification") or {}).get("checked")]
    unverified = [
        f"{t.get('title') or t.get('kind')}（第{(t.get('pages') or ['?'])[0]}页）"
        for t in checked
        if not t["verification"].get("holds")
    ]
    return Grade(
        file=file,
        agency=doc.get("agency"),
        year=doc.get("year"),
        kind=doc.get("kind"),
        scope=doc.get("scope"),
        expenditure_total=totals.get("expenditure_total"),
        function_lines=len(doc.get("function_lines") or []),
        arithmetic_holds=(not unverified) if checked else None,
        unverified_tables=unverified,
        errors=len(errors),
        error_rules=sorted({f.get("rule") or "" for f in errors}),
        target_tables=len(doc.get("projects") or []) + len(doc.get("department_targets") or []),
        unknown=list(doc.get("unknown") or []),
        pages=(doc.get("source") or {}).get("pages"),
        seconds=seconds,
    )


def grade_refusal(exc: LoaderError, file: str, seconds: float = 0.0) -> Grade:
    return Grade(file=file, refused=_reason(exc), refused_code=exc.code, seconds=seconds)


def _reason(exc: LoaderError) -> str:
    text = exc.message_zh + (f"：{exc.detail}" if exc.detail else "")
    return " ".join(text.split())


def files_in(folder: str | os.PathLike) -> list[Path]:
    root = Path(folder)
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in EXTENSIONS)


def read_manifest(path: str | os.PathLike) -> dict[str, str]:
    """{file name: kind} from a tab-separated manifest with a header row naming ``file`` and ``kind``."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return {row["file"]: row["kind"].strip() for row in rows if row.get("file") and row.get("kind")}


def read_manifest_column(path: str | os.PathLike, column: str) -> dict[str, str]:
    """{file name: value of ``column``} from the same manifest (e.g. the city of each file)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return {row["file"]: (row.get(column) or "").strip() for row in rows if row.get("file")}


def survey(
    paths: Iterable[Path],
    jobs: int = 2,
    manifest: dict[str, str] | None = None,
    progress: Callable[[int, int, Grade], None] | None = None,
) -> list[Grade]:
    """Grade every file, ``jobs`` sandboxed parses at a time, in the order given."""
    from contextlib import closing

    from loaders.batch import parse_in_order

    with closing(parse_in_order(paths, jobs=jobs, manifest=manifest, progress=progress)) as results:
        return [r.grade for r in results]


# --------------------------------------------------------------------------- text


def _amount(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def grade_line(g: Grade) -> str:
    """One line per file: identity, core, arithmetic, errors, refusal, seconds."""
    if g.refused:
        body = f"拒收：{g.refused}"
    else:
        ident = " ".join(
            [
                g.agency or "（单位未识别）",
                str(g.year) if g.year else "（年度未识别）",
                KIND_ZH.get(g.kind or "", g.kind or "（类型未识别）"),
                SCOPE_ZH.get(g.scope or "", g.scope or ""),
            ]
        ).strip()
        arith = {True: "勾稽成立", False: "勾稽不成立", None: "勾稽未核"}[g.arithmetic_holds]
        parts = [ident, f"支出合计 {_amount(g.expenditure_total)}", f"功能科目 {g.function_lines} 行", arith]
        if g.target_tables:
            parts.append(f"绩效目标 {g.target_tables} 张")
        parts.append(f"错误 {g.errors} 条" + (f"（{'、'.join(g.error_rules)}）" if g.errors else ""))
        if g.unknown:
            parts.append("未识别：" + "、".join(g.unknown))
        body = "；".join(parts)
    mark = ""
    if g.expected:
        mark = ("✓ " if g.meets() else "✗ ") + MANIFEST_KIND_ZH.get(g.expected, g.expected) + " "
    return f"{mark}{g.file}\t{body}\t{g.seconds:.1f}s"


def summary(grades: list[Grade]) -> dict:
    n = len(grades)
    refused: dict[str, int] = {}
    for g in grades:
        if g.refused:
            refused[g.refused_code or "error"] = refused.get(g.refused_code or "error", 0) + 1
    per_page = [g.seconds / g.pages for g in grades if g.pages and not g.refused]
    out = {
        "files": n,
        "recognised": sum(g.recognised for g in grades),
        "read": sum(g.read for g in grades),
        "refused": refused,
        "median_seconds_per_page": round(statistics.median(per_page), 3) if per_page else None,
    }
    if any(g.expected for g in grades):
        kinds: dict[str, dict[str, int]] = {}
        for g in grades:
            if not g.expected:
                continue
            slot = kinds.setdefault(g.expected, {"files": 0, "meets": 0, "recognised": 0, "read": 0})
            slot["files"] += 1
            slot["meets"] += g.meets()
            slot["recognised"] += g.recognised
            slot["read"] += g.read
        out["by_kind"] = kinds
    return out


def _pct(a: int, n: int) -> str:
    return f"{a}/{n}（{100 * a / n:.0f}%）" if n else "0/0"


_KIND_GOAL = {
    "report": "识别且读全（支出合计、功能科目、勾稽成立、无错误）",
    "targets": "识别且读出绩效目标表",
    "scanned": "识别且读全",
    "other": "拒收并说明原因",
}


def summary_text(s: dict) -> str:
    n = s["files"]
    lines = [
        f"文件 {n} 个：识别 {_pct(s['recognised'], n)}，读全 {_pct(s['read'], n)}",
    ]
    if s["refused"]:
        lines.append("拒收：" + "，".join(f"{code} {k}" for code, k in sorted(s["refused"].items())))
    if s["median_seconds_per_page"] is not None:
        lines.append(f"每页耗时中位数 {s['median_seconds_per_page']:.3f} 秒")
    for kind, slot in (s.get("by_kind") or {}).items():
        goal = _KIND_GOAL.get(kind, "识别")
        lines.append(
            f"{MANIFEST_KIND_ZH.get(kind, kind)}（{kind}）{slot['files']} 个：{goal} {slot['meets']} 个；"
            f"识别 {slot['recognised']}，读全 {slot['read']}"
        )
    return "\n".join(lines)


def print_progress(done: int, total: int, grade: Grade, stream=None) -> None:
    stream = stream or sys.stderr
    state = "拒收" if grade.refused else ("读全" if grade.read else "已识别" if grade.recognised else "未识别")
    print(f"[{done}/{total}] {state} {grade.file}", file=stream, flush=True)


# --------------------------------------------------------------------------- markdown


def _cell(text: object) -> str:
    return str(text).replace("|", "／").replace("\n", " ")


def summary_markdown(grades: list[Grade], groups: dict[str, str] | None = None) -> str:
    """The survey as a markdown report: the summary, a row per group (the
    manifest's city column, when given), then a row per file."""
    s = summary(grades)
    out = ["## 汇总", "", "```", summary_text(s), "```", ""]
    if groups:
        out += [
            "## 按城市",
            "",
            "| 城市 | 文件 | 报告读全 | 绩效目标读出 | 扫描件读全 | 非公开文件拒收 | 未达预期 |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        by_group: dict[str, list[Grade]] = {}
        for g in grades:
            by_group.setdefault(groups.get(g.file, "") or "（未列）", []).append(g)
        for name, gs in by_group.items():
            def count(kind: str) -> str:
                of = [g for g in gs if g.expected == kind]
                return f"{sum(g.meets() for g in of)}/{len(of)}" if of else "—"

            missed = [g.file for g in gs if g.expected and not g.meets()]
            out.append(
                f"| {_cell(name)} | {len(gs)} | {count('report')} | {count('targets')} | {count('scanned')} | {count('other')} "
                f"| {_cell('；'.join(missed)) if missed else ''} |"
            )
        out.append("")
    out += ["## 逐个文件", "", "| 文件 | 预期 | 结果 | 秒 |", "|---|---|---|---:|"]
    for g in grades:
        line = grade_line(g).split("\t")
        body = line[1] if len(line) > 1 else ""
        mark = ("✓ " if g.meets() else "✗ ") + MANIFEST_KIND_ZH.get(g.expected or "", g.expected or "") if g.expected else ""
        out.append(f"| {_cell(g.file)} | {_cell(mark)} | {_cell(body)} | {g.seconds:.1f} |")
    return "\n".join(out) + "\n"
