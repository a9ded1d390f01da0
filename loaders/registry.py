"""One registry picks the reader for a file by its content, and checks that the
content agrees with the extension the file was given."""
from __future__ import annotations

import hashlib
import importlib
import io
import zipfile
from pathlib import PurePath
from typing import Callable

import settings
from loaders.errors import (
    CorruptFileError,
    EmptyFileError,
    FileTooLargeError,
    UnsupportedFormatError,
)
from loaders.model import Document, Source

# format -> module under loaders.readers exposing read(data, source) -> Document
READERS: dict[str, str] = {
    "pdf": "loaders.readers.pdf",
    "xlsx": "loaders.readers.xlsx",
    "xls": "loaders.readers.xls",
    "docx": "loaders.readers.docx",
    "text": "loaders.readers.text",
    "image": "loaders.readers.ocr",
}

EXTENSIONS: dict[str, str] = {
    ".pdf": "pdf",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".docx": "docx",
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
    ".csv": "text",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
}

FORMAT_NAMES_ZH = {"pdf": "PDF", "xlsx": "Excel (.xlsx)", "xls": "Excel (.xls)", "docx": "Word (.docx)", "text": "文本", "image": "图片"}

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(data: bytes, name: str = "") -> str:
    """Return the format of ``data``; raise a LoaderError when it has none we read."""
    if not data:
        raise EmptyFileError(file=name or None)
    head = data[:1024]
    ext = PurePath(name).suffix.lower()
    if b"%PDF-" in head:
        fmt = "pdf"
    elif data[:8] == b"\x89PNG\r\n\x1a\n" or data[:3] == b"\xff\xd8\xff":
        fmt = "image"
    elif data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        fmt = _sniff_zip(data, name, ext)
    elif data[:8] == OLE_MAGIC:
        if ext in (".doc", ".ppt"):
            raise UnsupportedFormatError(f"旧版 Office 文件（{ext}），请另存为 .docx/.xlsx 后上传", file=name or None)
        if ext in (".xlsx", ".xlsm", ".docx"):
            # An encrypted Office file is an OLE2 container: the xls reader
            # recognises it and says so.
            return "xls"
        fmt = "xls"
    elif ext in (".xlsx", ".docx") or ext == ".xls":
        # Declared Office file whose bytes are neither a zip nor OLE2.
        raise CorruptFileError(f"内容不是有效的 {ext} 文件", file=name or None)
    elif _looks_like_text(data):
        fmt = "text"
    elif ext in (".txt", ".md", ".markdown", ".csv"):
        raise CorruptFileError("内容是二进制数据，不是文本文件", file=name or None)
    elif ext in (".png", ".jpg", ".jpeg"):
        raise CorruptFileError(f"内容不是有效的 {ext} 图片", file=name or None)
    else:
        raise UnsupportedFormatError(
            "请上传 PDF、Excel（.xlsx/.xls）、Word（.docx）、文本（.txt/.md）或图片（.png/.jpg）文件", file=name or None
        )
    declared = EXTENSIONS.get(ext)
    if declared and declared != fmt:
        raise UnsupportedFormatError(
            f"文件内容是{FORMAT_NAMES_ZH[fmt]}，与扩展名 {ext} 不符，请确认后重新上传", file=name or None
        )
    return fmt


def _sniff_zip(data: bytes, name: str, ext: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CorruptFileError("压缩结构无法打开", file=name or None) from exc
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("word/") for n in names):
        if "word/document.xml" not in names:
            raise CorruptFileError("Word 文件中没有正文（缺少 word/document.xml）", file=name or None)
        return "docx"
    if ext == ".docx":
        raise CorruptFileError("Word 文件中没有正文（缺少 word/document.xml）", file=name or None)
    if ext in (".xlsx", ".xlsm"):
        raise CorruptFileError("Excel 文件中没有工作簿（缺少 xl/workbook.xml）", file=name or None)
    raise UnsupportedFormatError("压缩包不是 Excel 或 Word 文件", file=name or None)


def _looks_like_text(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample:
        # UTF-16 text is rare for these reports; treat NULs as binary.
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError as exc:
            # A multibyte character cut at the sample boundary is fine.
            if exc.start < len(sample) - 4:
                continue
            text = sample[: exc.start].decode(encoding)
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
        return controls <= max(2, len(text) // 1000)
    return False


def reader_for(fmt: str) -> Callable[[bytes, Source], Document]:
    return importlib.import_module(READERS[fmt]).read


def reread_document(data: bytes, name: str, pages: set[int]) -> Document | None:
    """The given pages read with the format's other table strategy, or None
    when its reader has only one (Excel, Word and text cells are what they are)."""
    fmt = sniff(data, name)
    module = importlib.import_module(READERS[fmt])
    if not hasattr(module, "reread"):
        return None
    source = Source(file=PurePath(name).name, sha256=hashlib.sha256(data).hexdigest(), format=fmt, pages=0)
    return module.reread(data, source, pages)


def read_document(data: bytes, name: str) -> Document:
    """Bytes -> Document, through the reader the content calls for."""
    limit = int(settings.get("MAX_FILE_MB")) * 1024 * 1024
    if len(data) > limit:
        raise FileTooLargeError(f"{len(data) / 1024 / 1024:.1f} MB，上限 {limit // 1024 // 1024} MB", file=name)
    fmt = sniff(data, name)
    source = Source(file=PurePath(name).name, sha256=hashlib.sha256(data).hexdigest(), format=fmt, pages=0)
    return reader_for(fmt)(data, source)
