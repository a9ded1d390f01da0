"""Our own exception types.  Each carries where it happened (file, page, table,
row) and a one-line Chinese message that pages and the CLI show as is."""
from __future__ import annotations

import os


class LoaderError(Exception):
    """A file that cannot be read or is not a recognisable report."""

    code = "error"
    message_zh = "无法读取文件"

    def __init__(
        self,
        detail: str = "",
        *,
        file: str | None = None,
        page: int | None = None,
        table: str | None = None,
        row: int | None = None,
    ) -> None:
        self.detail = detail
        self.file = file
        self.page = page
        self.table = table
        self.row = row
        super().__init__(self.message())

    def message(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.page is not None:
            where.append(f"第{self.page}页")
        if self.table:
            where.append(self.table)
        if self.row is not None:
            where.append(f"第{self.row}行")
        text = self.message_zh
        if self.detail:
            text = f"{text}：{self.detail}"
        return f"{'，'.join(where)}：{text}" if where else text


class MissingFileError(LoaderError):
    code = "missing"
    message_zh = "文件不存在"


class EmptyFileError(LoaderError):
    code = "empty"
    message_zh = "空文件"


class CorruptFileError(LoaderError):
    code = "corrupt"
    message_zh = "文件已损坏"


class EncryptedFileError(LoaderError):
    code = "encrypted"
    message_zh = "加密文件，无法读取"


class ScannedFileError(LoaderError):
    code = "scanned"
    message_zh = "扫描件，无文字层"


class NotAReportError(LoaderError):
    code = "not_report"
    message_zh = "不是预决算公开文件"


class UnsupportedFormatError(LoaderError):
    code = "unsupported"
    message_zh = "不支持的格式"


class FileTooLargeError(LoaderError):
    code = "too_large"
    message_zh = "文件过大"


class TooManyPagesError(LoaderError):
    code = "too_many_pages"
    message_zh = "页数过多"


class ResourceLimitError(LoaderError):
    code = "resource_limit"
    message_zh = "解析超出内存或时间限制"


def debug_enabled() -> bool:
    """Whether ``BUDGETLENS_DEBUG`` asks to see what happened inside (a
    traceback, the parse child's stderr) beside the one-line message."""
    return os.environ.get("BUDGETLENS_DEBUG", "").strip().lower() not in ("", "0", "false", "no")
