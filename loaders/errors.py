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


def _kind(name: str, code: str, message_zh: str) -> type[LoaderError]:
    """One kind of failure: its ``code`` (what the sandbox reply and the CLI
    carry) and its Chinese message; the class exists so callers can catch it."""
    return type(name, (LoaderError,), {"code": code, "message_zh": message_zh, "__doc__": message_zh,
                                       "__module__": __name__, "__qualname__": name})


MissingFileError = _kind("MissingFileError", "missing", "文件不存在")
EmptyFileError = _kind("EmptyFileError", "empty", "空文件")
CorruptFileError = _kind("CorruptFileError", "corrupt", "文件已损坏")
EncryptedFileError = _kind("EncryptedFileError", "encrypted", "加密文件，无法读取")
ScannedFileError = _kind("ScannedFileError", "scanned", "扫描件，无文字层")
NotAReportError = _kind("NotAReportError", "not_report", "不是预决算公开文件")
UnsupportedFormatError = _kind("UnsupportedFormatError", "unsupported", "不支持的格式")
FileTooLargeError = _kind("FileTooLargeError", "too_large", "文件过大")
TooManyPagesError = _kind("TooManyPagesError", "too_many_pages", "页数过多")
ResourceLimitError = _kind("ResourceLimitError", "resource_limit", "解析超出内存或时间限制")


def debug_enabled() -> bool:
    """Whether ``BUDGETLENS_DEBUG`` asks to see what happened inside (a
    traceback, the parse child's stderr) beside the one-line message."""
    return os.environ.get("BUDGETLENS_DEBUG", "").strip().lower() not in ("", "0", "false", "no")
