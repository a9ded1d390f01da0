"""Builders for report documents in layouts the fixtures do not cover.

Each builder returns the bytes of a real file (an openpyxl workbook, a Word
document, tab-separated or markdown text) so a test can run it through
``pipeline.parse_bytes`` exactly as an upload would be.

A table is a list of rows; a row is a list of cell values (str, or a number
for a numeric Excel cell).  ``Sheet.merges`` lists merged ranges in Excel
notation ("A1:D1").
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from tabledata import table as table_rows

Row = list
Rows = list[list]


@dataclass
class Sheet:
    name: str
    rows: Rows
    merges: list[str] = field(default_factory=list)
    number_format: str = "#,##0.00"


def workbook(sheets: list[Sheet]) -> bytes:
    """An .xlsx file, one worksheet per Sheet; numbers become numeric cells."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name)
        for r, row in enumerate(sheet.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None or value == "":
                    continue
                cell = ws.cell(row=r, column=c, value=float(value) if isinstance(value, Decimal) else value)
                if isinstance(value, (int, float, Decimal)):
                    cell.number_format = sheet.number_format
        for rng in sheet.merges:
            ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def text(parts: list, sep: str = "\t") -> str:
    """Paragraph lines (str) and tables (list of rows) as extracted text.

    A part equal to ``"\\f"`` starts a new page.  Tables are written one row
    per line, cells separated by ``sep``; blank lines separate blocks.
    """
    out: list[str] = []
    for part in parts:
        if part == "\f":
            out.append("\f")
            continue
        if isinstance(part, str):
            out.append(part + "\n")
        else:
            out.append("\n".join(sep.join(_text_cell(c) for c in row) for row in part) + "\n")
        out.append("\n")
    return "".join(out)


def markdown(parts: list) -> str:
    """Like :func:`text`, with tables as markdown pipe tables."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part + "\n\n")
            continue
        lines = ["| " + " | ".join(_text_cell(c) for c in row) + " |" for row in part]
        lines.insert(1, "|" + "---|" * len(part[0]))
        out.append("\n".join(lines) + "\n\n")
    return "".join(out)


def word(parts: list) -> bytes:
    """A .docx with paragraphs and tables (merged cells given as (r0, c0, r1, c1))."""
    import docx

    d = docx.Document()
    for part in parts:
        if isinstance(part, str):
            d.add_paragraph(part)
            continue
        rows, merges = (part, []) if isinstance(part, list) else part
        table = d.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value not in (None, ""):
                    table.cell(r, c).text = _text_cell(value)
        for r0, c0, r1, c1 in merges:
            table.cell(r0, c0).merge(table.cell(r1, c1))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _text_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)):
        return f"{value:,.2f}"
    return str(value)


# ---------------------------------------------------------------- amounts


def yuan(text: str, numeric: bool) -> str | Decimal:
    """'1,234,567.89' as printed text, or as the number a numeric cell holds."""
    return Decimal(text.replace(",", "")) if numeric and text else text


# ---------------------------------------------------------------- a budget in 元

AGENCY = "XX县卫生健康局"

# Amounts in 元 as printed; the tests state the 万元 they expect.
SUMMARY_YUAN = {
    "gpb": "12,000,000.00",
    "fund": "345,678.90",
    "revenue_total": "12,345,678.90",
    "carryover_begin": "1,234,567.89",
    "grand_total": "13,580,246.79",
    "social": "2,345,678.90",
    "health": "11,234,567.89",
    "expenditure_total": "13,580,246.79",
}

# (code, name, total, basic, project) in 元
FUNCTION_YUAN = [tuple(row) for row in table_rows("yuan", "function")]
FUNCTION_TOTAL_YUAN = ("13,580,246.79", "3,580,246.79", "10,000,000.00")

# (code, name, total) in 元; 301 is 人员经费, 302 公用经费.
ECONOMIC_YUAN = [tuple(row) for row in table_rows("yuan", "economic")]
ECONOMIC_TOTAL_YUAN = "3,580,246.79"

THREE_PUBLIC_YUAN = {
    "total": "123,456.78",
    "outbound": "0.00",
    "vehicle_total": "100,000.00",
    "vehicle_purchase": "",
    "vehicle_operation": "100,000.00",
    "reception": "23,456.78",
}


def agency_row(width: int, unit: str = "元", agency_line: str = f"部门名称：{AGENCY}") -> Row:
    row = [agency_line] + [""] * (width - 1)
    row[-1] = f"单位：{unit}"
    return row


def summary_rows(numeric: bool = False, unit: str = "元") -> Rows:
    y = lambda key: yuan(SUMMARY_YUAN[key], numeric)  # noqa: E731
    return [
        ["2025年部门预算收支总表", "", "", ""],
        agency_row(4, unit),
        ["收入", "", "支出", ""],
        ["项目", "预算数", "项目", "预算数"],
        ["一、一般公共预算拨款收入", y("gpb"), "一、社会保障和就业支出", y("social")],
        ["二、政府性基金预算拨款收入", y("fund"), "二、卫生健康支出", y("health")],
        ["本年收入合计", y("revenue_total"), "本年支出合计", y("expenditure_total")],
        ["上年结转", y("carryover_begin"), "年末结转和结余", "—"],
        ["收入总计", y("grand_total"), "支出总计", y("grand_total")],
    ]


def expenditure_rows(numeric: bool = False, unit: str = "元", header: str = "plain") -> Rows:
    """部门预算支出总表; ``header`` picks the wording of the code/amount headings."""
    rows: Rows = [["2025年部门预算支出总表", "", "", "", ""], agency_row(5, unit)]
    if header == "plain":
        rows.append(["科目编码", "科目名称", "合计", "基本支出", "项目支出"])
    else:
        rows.append(["科目代码", "科目名称", "支出合计", "基本支出", "项目支出"])
    total, basic, project = FUNCTION_TOTAL_YUAN
    rows.append(["", "合计", yuan(total, numeric), yuan(basic, numeric), yuan(project, numeric)])
    for code, name, t, b, p in FUNCTION_YUAN:
        rows.append([code, name, yuan(t, numeric), yuan(b, numeric), yuan(p, numeric)])
    return rows


def economic_rows(numeric: bool = False, unit: str = "元") -> Rows:
    rows: Rows = [
        ["2025年一般公共预算基本支出表", "", ""],
        agency_row(3, unit),
        ["部门预算支出经济分类科目", "", ""],
        ["科目编码", "科目名称", "合计"],
        ["", "合计", yuan(ECONOMIC_TOTAL_YUAN, numeric)],
    ]
    for code, name, t in ECONOMIC_YUAN:
        rows.append([code, name, yuan(t, numeric)])
    return rows


def three_public_rows(numeric: bool = False, unit: str = "元") -> Rows:
    y = lambda key: yuan(THREE_PUBLIC_YUAN[key], numeric)  # noqa: E731
    return [
        ['2025年财政拨款"三公"经费支出表', "", "", "", "", ""],
        agency_row(6, unit),
        ["合计", "因公出国（境）费", "公务用车购置及运行费", "", "", "公务接待费"],
        ["", "", "小计", "公务用车购置费", "公务用车运行费", ""],
        [y("total"), y("outbound"), y("vehicle_total"), y("vehicle_purchase"), y("vehicle_operation"), y("reception")],
    ]


def balanced_summary(amount: str) -> Rows:
    """A 收支总表 whose one income (一般公共预算) and one class (卫生健康) are both ``amount``."""
    return [
        ["收入", "", "支出", ""],
        ["项目", "预算数", "项目", "预算数"],
        ["一、一般公共预算拨款收入", amount, "一、卫生健康支出", amount],
        ["本年收入合计", amount, "本年支出合计", amount],
    ]


def budget_workbook(numeric: bool = False, unit: str = "元", header: str = "plain") -> bytes:
    return workbook(
        [
            Sheet("收支总表", summary_rows(numeric, unit), ["A1:D1", "A3:B3", "C3:D3"]),
            Sheet("支出总表", expenditure_rows(numeric, unit, header), ["A1:E1"]),
            Sheet("基本支出表", economic_rows(numeric, unit), ["A1:C1", "A3:C3"]),
            Sheet("三公", three_public_rows(numeric, unit), ["A1:F1", "A3:A4", "B3:B4", "C3:E3", "F3:F4"]),
        ]
    )


# ---------------------------------------------------------------- parsing a built document


def parse_file(tmp_path, name: str, data: bytes | str, encoding: str = "utf-8") -> dict:
    """Write ``data`` to ``tmp_path/name`` and parse the file's bytes, as an upload is."""
    from pipeline import parse_bytes

    path = tmp_path / name
    path.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
    return parse_bytes(path.read_bytes(), path.name)


def lines_by_code(doc: dict, section: str = "function_lines") -> dict[str, dict]:
    return {line["code"]: line for line in doc[section]}


def rules(doc: dict) -> list[str]:
    return [f["rule"] for f in doc["findings"]]


def not_an_amount(doc: dict) -> list[tuple[str, int]]:
    """The cell text and row of each parse.not_an_amount finding."""
    return [(f["message"].rsplit("：", 1)[-1], f["row"]) for f in doc["findings"] if f["rule"] == "parse.not_an_amount"]


def title(agency: str = AGENCY, year: int = 2025, kind: str = "部门预算") -> str:
    return f"{agency}{year}年{kind}"


def table_doc(heading: str, table: list, kind: str = "部门预算", unit: str = "单位：万元") -> str:
    """Text of a report's title, one table's heading, its unit line and the table."""
    return text([title(kind=kind), heading, unit, table])


# ---------------------------------------------------------------- 三公 tables

THREE_KEYS = ("total", "outbound", "vehicle_total", "vehicle_purchase", "vehicle_operation", "reception")
ITEMS = ["合计", "因公出国（境）费", "公务用车购置及运行费", "", "", "公务接待费"]
SUB_ITEMS = ["", "", "小计", "公务用车购置费", "公务用车运行费", ""]
BUDGET_VALUES = ["12.00", "0.00", "10.00", "", "10.00", "2.00"]
ACTUAL_VALUES = ["9.50", "0.00", "8.00", "", "8.00", "1.50"]
OTHER_VALUES = ["11.00", "1.00", "8.00", "", "8.00", "2.00"]  # another year's budget
VERTICAL_LABELS = ["合计", "1.因公出国（境）费", "2.公务用车购置及运行费",
                   "其中：（1）公务用车购置费", "（2）公务用车运行费", "3.公务接待费"]


def three_public_doc(table: list[list[str]], kind: str = "部门预算", year: int = 2025) -> str:
    name = "财政拨款“三公”经费支出决算表" if kind == "部门决算" else "财政拨款“三公”经费支出预算表"
    return text([title(year=year, kind=kind), name, "单位：万元", table])


def as_dict(values: list[str]) -> dict:
    """A row of 三公 amounts as the document's three_public dict."""
    return {k: (Decimal(v) if v else None) for k, v in zip(THREE_KEYS, values)}
