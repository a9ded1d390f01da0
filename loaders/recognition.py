"""Document -> parsed document dict (schema budgetlens.document/1): identity,
totals, lines, tables and performance records, with their provenance.

Reading bytes, the checks and the choice between reading strategies are the
entry point's (pipeline.py); this module only recognises what a Document holds.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Callable

from loaders import ocr_provenance
from loaders.errors import NotAReportError
from loaders.model import Document, Table
from loaders.recognise import financial as fin
from loaders.recognise import performance
from loaders.recognise.identity import identify
from loaders.recognise.narrative import operating_expenses
from loaders.recognise.views import TableView, build_views

SCHEMA = "budgetlens.document/1"
PARSER_VERSION = "0.1.0"

TOTAL_KEYS = (
    "revenue_total",
    "expenditure_total",
    "grand_total",
    "carryover_begin",
    "carryover_end",
    "basic",
    "project",
    "personnel",
    "public",
    "fiscal_appropriation",
    "general_public_budget",
    "operating_expenses",
)

# Tables that may carry the expenditure-by-function lines, most wanted first.
FUNCTION_FAMILIES = ("expenditure", "general_public_budget", "income")
ECONOMIC_FAMILIES = ("basic_expenditure",)


IDENTITY_FIELDS = ("agency", "year", "kind", "scope")
_LOOKED_FOR = "未找到预决算报表或绩效目标表（已查找收支总表、收入/支出总表、财政拨款收支总表、“三公”经费表、绩效目标表、绩效自评表，以及“部门预算/部门决算”说明）"


def recognise(doc: Document, identity: dict | None = None, review: Callable[[dict], None] | None = None) -> dict:
    """Document -> the parsed document dict (schema budgetlens.document/1).

    ``identity`` is what the user said the file is (it wins over the document);
    ``review`` is called on the result before it is finished — the entry point
    (pipeline.py) passes the checks and scoring of analysis/, which loaders
    never imports.
    """
    tables: list[Table] = list(doc.tables())
    views = build_views(tables)
    families = {v.family for v in views}
    ident = identify(doc, views, families, project_codes=_project_codes(views))
    given = {k: v for k, v in (identity or {}).items() if k in IDENTITY_FIELDS and v not in (None, "")}
    for key, value in given.items():
        setattr(ident, key, int(value) if key == "year" else value)
    if not ident.kind:
        raise NotAReportError(ocr_provenance.refusal_detail(doc, _LOOKED_FOR), file=doc.source.file)
    for v in views:
        if not v.scale_declared:
            v.scale = _document_scale(views)

    problems: list = []
    findings: list[dict] = []
    totals: dict[str, fin.Fact] = {}

    for v in _of(views, "summary"):
        for k, f in fin.summary_totals(v, problems, ident.year).items():
            totals.setdefault(k, f)
    for v in _of(views, "fiscal_summary"):
        for k, f in fin.fiscal_totals(v, problems, ident.year).items():
            totals.setdefault(k, f)
    for v in _of(views, "summary"):
        for k, f in fin.summary_fiscal(v, problems, ident.year).items():
            totals.setdefault(k, f)

    function_lines: list[dict] = []
    lines_view: TableView | None = None
    for family in FUNCTION_FAMILIES:
        for v in _of(views, family):
            lines, line_totals = fin.function_lines(v, problems, ident.year)
            if lines:
                function_lines, lines_view = lines, v
                if family != "income" and fin.covers_department(v, totals):
                    for key in ("basic", "project"):
                        if line_totals.get(key) and line_totals[key].value is not None:
                            totals.setdefault(key, line_totals[key])
                    if line_totals.get("total") and line_totals["total"].value is not None:
                        # The expenditure table's own 合计, when the summary has no 本年支出合计.
                        totals.setdefault("expenditure_total", line_totals["total"])
                break
        if function_lines:
            break
    # A basic-expenditure table by function class prints the 基本支出 total,
    # and each line's 基本支出 where the main table has no such column (西安 表7).
    for v in _of(views, *ECONOMIC_FAMILIES):
        basic_lines, line_totals = fin.function_lines(v, problems, ident.year)
        whole = fin.covers_department(v, totals)
        same_funds = whole or (lines_view is not None and fin.funds_of(v) == fin.funds_of(lines_view))
        if whole and line_totals.get("total") and line_totals["total"].value is not None:
            totals.setdefault("basic", line_totals["total"])
        if basic_lines and function_lines and same_funds and all(l["basic"] is None for l in function_lines):
            by_code = {l["code"]: l for l in basic_lines}
            for line in function_lines:
                other = by_code.get(line["code"])
                if other is not None:
                    line["basic"] = other["total"]
                    line["basic_source"] = _with_file({"page": other["page"], "table": other["table"], "row": other["row"]}, other.get("file"))
    # The income table prints 本年收入合计 when the summary prints only 总计.
    for v in _of(views, "income"):
        income = fin.income_total(v, problems)
        if income is not None and income.value is not None:
            totals.setdefault("revenue_total", income)

    economic_lines: list[dict] = []
    for v in _of(views, *ECONOMIC_FAMILIES):
        lines, eco_totals = fin.economic_lines(v, problems)
        if lines:
            economic_lines = lines
            for key in ("personnel", "public"):
                if key in eco_totals:
                    totals.setdefault(key, eco_totals[key])
            break

    three: dict[str, dict[str, fin.Fact]] = {}
    for v in _of(views, "three_public"):
        three = fin.three_public(v, ident.year, problems)
        if three:
            op = fin.operating_expenses_from_table(v, problems)
            if op:
                totals.setdefault("operating_expenses", op)
            break
    if "operating_expenses" not in totals:
        stated = operating_expenses(doc)
        if stated and stated[0] is not None:
            totals["operating_expenses"] = fin.Fact(stated[0], stated[1], "情况说明", None, origin="narrative", file=stated[3])

    if ident.kind == "final_accounts":
        actual = three.get("actual") or three.get("") or {}
        budget = three.get("budget") or {}
    else:
        actual = three.get("budget") or three.get("") or {}
        budget = {}

    out: dict = {
        "schema": SCHEMA,
        "parser_version": PARSER_VERSION,
        "source": {
            "file": doc.source.file,
            "sha256": doc.source.sha256,
            "format": doc.source.format,
            "pages": doc.source.pages,
        },
        "agency": ident.agency,
        "agency_code": ident.agency_code,
        "year": ident.year,
        "kind": ident.kind,
        "scope": ident.scope,
        "unit_scale": _document_scale(views),
        # identity fields the parser could not find (the user is asked for them)
        "unknown": [k for k in IDENTITY_FIELDS if getattr(ident, k) in (None, "")],
        "identity_given": sorted(given),
    }
    sources: dict[str, dict] = {}
    if ident.kind != "performance_targets":
        out["totals"] = {k: (totals[k].value if k in totals else None) for k in TOTAL_KEYS}
        sources["totals"] = {k: f.source() for k, f in totals.items()}
        out["three_public"] = {k: (actual[k].value if k in actual else None) for k in fin.THREE_PUBLIC_KEYS}
        sources["three_public"] = {k: f.source() for k, f in actual.items()}
        if ident.kind == "final_accounts":
            out["three_public_budget"] = {k: (budget[k].value if k in budget else None) for k in fin.THREE_PUBLIC_KEYS}
            sources["three_public_budget"] = {k: f.source() for k, f in budget.items()}
        out["function_lines"] = function_lines
        out["economic_lines"] = economic_lines
    out.update(performance.extract(doc, views, ident))
    out["sources"] = sources
    out["tables"] = [table_dict(v) for v in views if v.family != "unknown"]
    out["paragraphs"] = [_with_file({"text": p.text, "page": p.page}, p.file) for p in doc.paragraphs()]
    for problem in fin.distinct_problems(problems):
        findings.append(
            {
                "rule": "parse.not_an_amount",
                "family": "extraction",
                "severity": "warning",
                "message": str(problem),
                "page": problem.view.row_page(problem.row),
                "table": problem.view.title,
                "row": problem.row,
                "table_index": problem.view.index,
            }
        )
    out["findings"] = findings
    if review is not None:
        review(out)
    ocr_provenance.annotate(out, doc, views)
    return out


def table_dict(v: TableView) -> dict:
    """A recognised table for the JSON: enough to rebuild the Table (rows,
    row pages, merged cells) and re-run recognisers or checks on it."""
    return _with_file({
        "title": v.title,
        "kind": v.family,
        "pages": v.table.pages,
        "unit": v.scale,
        "rows": v.table.rows,
        "row_pages": v.table.row_pages,
        "spans": [[r, c, rs, cs] for (r, c), (rs, cs) in sorted(v.table.spans.items())],
        "caption": v.table.caption,
        "ragged": v.table.ragged,
        "index": v.index,
        "strategy": v.table.strategy,
    }, v.table.file)


def _with_file(entry: dict, file: str | None) -> dict:
    """Provenance names the file only in a document read from several files."""
    if file is not None:
        entry["file"] = file
    return entry


def table_from_dict(d: dict) -> Table:
    return Table(
        rows=[list(r) for r in d["rows"]],
        row_pages=list(d.get("row_pages") or []),
        caption=list(d.get("caption") or []),
        spans={(r, c): (rs, cs) for r, c, rs, cs in d.get("spans") or []},
        ragged=bool(d.get("ragged")),
        file=d.get("file"),
    )


def _project_codes(views: list[TableView]) -> list[str]:
    """Codes printed after a 项目编码/项目代码 label in performance tables."""
    codes = []
    for v in views:
        if v.family not in ("performance_target", "self_evaluation"):
            continue
        for row in v.table.rows:
            cells = [c.strip() for c in row]
            for i, cell in enumerate(cells[:-1]):
                if cell.replace(" ", "") in ("项目编码", "项目代码"):
                    nxt = next((c for c in cells[i + 1 :] if c), "")
                    if nxt:
                        codes.append(nxt.replace(" ", ""))
    return codes


def _of(views: list[TableView], *families: str) -> list[TableView]:
    return [v for v in views if v.family in families]


def _document_scale(views: list[TableView]) -> str:
    declared = [v.scale for v in views if v.scale_declared]
    if not declared:
        return "万元"
    return max(set(declared), key=declared.count)


def amounts_equal(a: Decimal | None, b: Decimal | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and a == b)
