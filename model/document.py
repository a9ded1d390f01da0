"""The parsed document (schema budgetlens.document/1): identity, totals, lines,
tables, paragraphs, findings and the checks' tally, each with its provenance.

Amounts are ``Decimal`` in 万元 (JSON: decimal strings).  Provenance is the
``page`` (1-based), ``table`` (its title), ``row`` (0-based in the table's
``rows``) and, for a report read from several files, ``file``.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from model.performance import DepartmentTarget, Project, SelfEvaluation
from model.record import UNSET, Record

SCHEMA = "budgetlens.document/1"


@dataclass(kw_only=True)
class FileInfo(Record):
    """One file of a report read from several files (``source.files``)."""

    file: str
    sha256: str
    format: str
    pages: int


@dataclass(kw_only=True)
class SourceFile(Record):
    """The file parsed: name, content hash, format and page (sheet) count."""

    file: str
    sha256: str
    format: str  # pdf | xlsx | xls | docx | text | image
    pages: int
    ocr_pages: list[int] = UNSET  # pages read by OCR (absent when none)
    files: list[FileInfo] = UNSET  # the files of a report read from several


@dataclass(kw_only=True)
class Totals(Record):
    """The report's headline amounts (万元); ``None`` where the report has none."""

    revenue_total: Decimal | None = None  # 本年收入合计
    expenditure_total: Decimal | None = None  # 本年支出合计
    grand_total: Decimal | None = None  # 收入总计/支出总计
    carryover_begin: Decimal | None = None  # 上年结转
    carryover_end: Decimal | None = None  # 年末结转和结余
    basic: Decimal | None = None  # 基本支出
    project: Decimal | None = None  # 项目支出
    personnel: Decimal | None = None  # 人员经费
    public: Decimal | None = None  # 公用经费
    fiscal_appropriation: Decimal | None = None  # 财政拨款
    general_public_budget: Decimal | None = None  # 一般公共预算
    operating_expenses: Decimal | None = None  # 机关运行经费


@dataclass(kw_only=True)
class ThreePublic(Record):
    """“三公”经费 (万元)."""

    total: Decimal | None = None
    outbound: Decimal | None = None  # 因公出国（境）费
    vehicle_total: Decimal | None = None  # 公务用车购置及运行维护费
    vehicle_purchase: Decimal | None = None
    vehicle_operation: Decimal | None = None
    reception: Decimal | None = None  # 公务接待费


@dataclass(kw_only=True)
class RowRef(Record):
    """Where a value was printed: a table row (or, for a stated value, a page)."""

    page: int | None
    table: str | None
    row: int | None
    ocr: bool = UNSET  # read by OCR
    file: str = UNSET


@dataclass(kw_only=True)
class ValueSource(RowRef):
    """Where one headline value was read: a table row, or the narrative."""

    origin: str = UNSET  # table | narrative | computed …


@dataclass(kw_only=True)
class Sources(Record):
    """Provenance of every headline value, by the key it has in its group."""

    totals: dict[str, ValueSource] = UNSET
    three_public: dict[str, ValueSource] = UNSET
    three_public_budget: dict[str, ValueSource] = UNSET


@dataclass(kw_only=True)
class Line(RowRef):
    """A classified line of a table: its code, name and total, where printed."""

    code: str | None  # None: a line printed without its code
    name: str
    total: Decimal | None


@dataclass(kw_only=True)
class FunctionLine(Line):
    """A line of expenditure by function class (功能分类 类/款/项: 3/5/7 digits)."""

    basic: Decimal | None  # 基本支出
    project: Decimal | None  # 项目支出
    level: int  # 1 类, 2 款, 3 项
    basic_source: RowRef = UNSET  # the basic-expenditure table that gave ``basic``


@dataclass(kw_only=True)
class EconomicLine(Line):
    """A line of basic expenditure by economic class (经济分类 301/302/303 …)."""

    personnel: Decimal | None  # 人员经费
    public: Decimal | None  # 公用经费


@dataclass(kw_only=True)
class Verification(Record):
    """A table's own arithmetic as the checks tallied it, and how it was read."""

    checked: bool
    holds: bool | None  # None: nothing to check
    checks: int
    failed: int
    strategies_tried: list[str]  # reading strategies tried, in order


@dataclass(kw_only=True)
class OcrVerification(Record):
    checked: bool
    holds: bool | None
    sums: int = UNSET
    failed: int = UNSET


@dataclass(kw_only=True)
class OcrCorrection(Record):
    """A cell whose first OCR reading broke the sums and whose alternative was kept."""

    row: int
    col: int
    read: str  # what OCR read first
    value: str  # the reading kept
    how: str  # where the alternative came from


@dataclass(kw_only=True)
class OcrUnverified(Record):
    """A cell whose sums fail after every alternative reading was tried."""

    row: int
    col: int
    text: str
    page: int | None
    message: str


@dataclass(kw_only=True)
class OcrDetail(Record):
    engine: str | None
    dpi: int | None
    ruled: bool | None
    corrections: list[OcrCorrection] | None
    unverified: list[OcrUnverified] | None
    verification: OcrVerification


@dataclass(kw_only=True)
class TableRecord(Record):
    """A recognised table, enough to rebuild it and re-run recognisers on it."""

    title: str | None
    kind: str  # the table family (summary, expenditure, three_public …)
    pages: list[int]
    unit: str  # 万元 | 元 | 千元
    rows: list[list[str]]
    row_pages: list[int | None]
    spans: list[list[int]]  # [row, col, rowspan, colspan] of merged cells
    caption: list[str]
    ragged: bool
    index: int  # position among the document's tables
    strategy: str | None  # ruled | aligned | sheet | word | delimited | ocr
    verification: Verification = UNSET
    ocr: bool = UNSET
    ocr_detail: OcrDetail = UNSET
    file: str = UNSET


@dataclass(kw_only=True)
class ParagraphRecord(Record):
    text: str
    page: int | None
    file: str = UNSET


@dataclass(kw_only=True)
class Finding(Record):
    """Something a check or the reader found, with where it is."""

    rule: str  # the rule id (analysis/rules.py)
    severity: str  # error | warning | info
    message: str  # one Chinese sentence
    page: int | None = UNSET
    table: str | None = UNSET
    row: int | None = UNSET
    col: int | None = UNSET  # the cell's column (OCR findings)
    family: str = UNSET  # the rule family
    kind: str = UNSET
    expected: Decimal | str | None = UNSET
    found: Decimal | str | None = UNSET
    table_index: int | None = UNSET
    narrative: str = UNSET  # the sentence the finding is about
    source_page: int | None = UNSET
    source_table: str | None = UNSET
    source_row: int | None = UNSET
    file: str = UNSET


@dataclass(kw_only=True)
class Tally(Record):
    ran: int
    failed: int
    passed: int = UNSET


@dataclass(kw_only=True)
class Checks(Record):
    """How many checks ran, passed and failed, by rule and by table."""

    ran: int
    passed: int
    failed: int
    rounding: int
    errors: int
    warnings: int
    infos: int
    by_rule: dict[str, Tally]  # by rule id
    by_table: dict[str, Tally]  # by the table's index


@dataclass(kw_only=True)
class ParsedDocument(Record):
    """One report (or target table) as parsed, reviewed and ready to store."""

    schema: str  # always "budgetlens.document/1"
    parser_version: str  # the parser that wrote it
    source: SourceFile  # the file parsed
    agency: str | None  # 部门/单位名称 as the report names it
    agency_code: str | None  # 部门编码 where printed
    year: int | None  # the budget or final-accounts year
    kind: str | None  # budget | final_accounts | performance_targets
    scope: str | None  # department | unit
    unit_scale: str  # the unit most tables declare (万元, 元); amounts are converted to 万元
    unknown: list[str]  # identity fields the parser could not find
    identity_given: list[str]  # identity fields the user stated
    totals: Totals = UNSET  # absent for a target table
    three_public: ThreePublic = UNSET  # “三公”经费 of the year
    three_public_budget: ThreePublic = UNSET  # final accounts: the year's budget
    function_lines: list[FunctionLine] = UNSET  # expenditure by function class
    economic_lines: list[EconomicLine] = UNSET  # basic expenditure by economic class
    projects: list[Project]  # 项目绩效目标
    self_evaluations: list[SelfEvaluation]  # 项目支出绩效自评
    department_targets: list[DepartmentTarget]  # 部门整体绩效目标
    sources: Sources  # provenance of every headline value
    tables: list[TableRecord]  # every recognised table
    paragraphs: list[ParagraphRecord]  # the narrative, in reading order
    findings: list[Finding]  # what the reader and the checks found
    checks: Checks  # the checks' tally


__all__ = [name for name in dir() if name[0].isupper() and name not in ("Decimal", "Record", "UNSET")]
