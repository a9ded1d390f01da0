"""Legacy Excel workbooks (.xls, BIFF) through xlrd.

Gives the same tables as the .xlsx reader: one per non-empty sheet, merged
ranges as spans, numbers rendered through the cell's number format.

Every OLE2 compound file comes here (the registry cannot tell them apart by
their first bytes), so this reader also recognises the OLE2 files that are not
workbooks: an encrypted .xlsx/.docx (an ``EncryptedPackage`` stream), an
encrypted .xls (xlrd's "Workbook is encrypted") and old Word/PowerPoint files.
"""
from __future__ import annotations

import datetime as dt
import io

from loaders.errors import CorruptFileError, EncryptedFileError, LoaderError, UnsupportedFormatError
from loaders.model import Document, Source
from loaders.readers.xlsx import build_table, clean_text, render_datetime, render_number


def _stream_names(data: bytes, file: str | None) -> set[str]:
    from xlrd import compdoc

    try:
        doc = compdoc.CompDoc(data, logfile=io.StringIO())
    except Exception as exc:  # noqa: BLE001 - CompDocError, struct/index errors on damage
        raise CorruptFileError("OLE2 复合文档结构无法打开", file=file) from exc
    return {node.name for node in doc.dirlist if getattr(node, "name", None)}


def _check_container(data: bytes, file: str | None) -> None:
    names = {n.lower() for n in _stream_names(data, file)}
    if "encryptedpackage" in names or "encryptioninfo" in names:
        raise EncryptedFileError("文件设置了打开密码，请去除密码后重新上传", file=file)
    if "worddocument" in names:
        raise UnsupportedFormatError("旧版 Word 文件（.doc），请另存为 .docx 后上传", file=file)
    if "powerpoint document" in names:
        raise UnsupportedFormatError("PowerPoint 文件，请上传 PDF、Excel 或 Word 文件", file=file)
    if not names & {"workbook", "book"}:
        raise CorruptFileError("OLE2 文件中没有 Excel 工作簿", file=file)


def _open(data: bytes, file: str | None):
    import xlrd

    last: Exception | None = None
    # formatting_info gives merged cells and number formats; a few writers
    # produce files whose formatting records xlrd rejects, so retry without.
    for formatting in (True, False):
        try:
            return xlrd.open_workbook(
                file_contents=data, formatting_info=formatting, logfile=io.StringIO(), on_demand=False
            )
        except xlrd.XLRDError as exc:
            if "encrypt" in str(exc).lower():
                raise EncryptedFileError("文件设置了打开密码，请去除密码后重新上传", file=file) from exc
            last = exc
        except Exception as exc:  # noqa: BLE001 - xlrd raises anything on damaged files
            last = exc
    raise CorruptFileError(f"Excel 文件无法解析（{type(last).__name__}）", file=file) from last


def _number_format(book, xf_index) -> str | None:
    try:
        xf = book.xf_list[xf_index]
        fmt = book.format_map.get(xf.format_key)
    except (IndexError, TypeError, AttributeError):
        return None
    return fmt.format_str if fmt is not None else None


def _date_text(value: float, datemode: int) -> str:
    """Mirror openpyxl's from_excel: values below 1 are times of day."""
    if 0 <= value < 1:
        seconds = round(value * 86400)
        if seconds < 86400:
            return render_datetime(dt.time(seconds // 3600, seconds % 3600 // 60, seconds % 60))
    epoch = dt.datetime(1904, 1, 1) if datemode else dt.datetime(1899, 12, 30)
    day, fraction = divmod(value, 1)
    if not datemode and 0 < value < 60:
        day += 1
    when = epoch + dt.timedelta(days=day) + dt.timedelta(milliseconds=round(fraction * 86400 * 1000))
    return render_datetime(when)


def _cell_text(book, cell) -> str:
    import xlrd

    ctype = cell.ctype
    if ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if ctype == xlrd.XL_CELL_TEXT:
        return clean_text(cell.value)
    if ctype == xlrd.XL_CELL_NUMBER:
        return render_number(cell.value, _number_format(book, cell.xf_index))
    if ctype == xlrd.XL_CELL_DATE:
        try:
            return _date_text(cell.value, book.datemode)
        except (OverflowError, ValueError):
            return render_number(cell.value, None)
    if ctype == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    if ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    return clean_text(str(cell.value))


def read(data: bytes, source: Source) -> Document:
    file = source.file or None
    _check_container(data, file)
    book = _open(data, file)
    try:
        tables = []
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            cells = {}
            for r in range(sheet.nrows):
                for c, cell in enumerate(sheet.row(r)):
                    text = _cell_text(book, cell)
                    if text:
                        cells[(r, c)] = text
            # xlrd: (first_row, last_row + 1, first_col, last_col + 1)
            merges = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sheet.merged_cells]
            table = build_table(cells, merges, sheet.name, index + 1)
            if table is not None:
                tables.append(table)
        source.pages = book.nsheets
    except LoaderError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise CorruptFileError(f"Excel 文件无法解析（{type(exc).__name__}）", file=file) from exc
    finally:
        book.release_resources()
    return Document(source=source, blocks=list(tables))
