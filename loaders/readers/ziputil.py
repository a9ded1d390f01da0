"""Safe opening of the zip containers behind .xlsx and .docx files.

Office Open XML files are zip archives.  Before a library decompresses one we
look at its central directory and refuse archives that would expand to far more
than an upload can reasonably hold (a "zip bomb").  Python's zipfile stops
reading a member at the size the directory declares (and fails the CRC check
when the data goes on), so the declared sizes bound what any later reader can
inflate.
"""
from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree

import settings
from loaders.errors import CorruptFileError

BOMB_DETAIL = "解压后体积异常（疑似压缩炸弹）"
# A single member this large and this compressible is refused outright.
_MEMBER_MB = 10
_MAX_RATIO = 100
_MAX_MEMBERS = 20000

_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_DOCUMENT = "/officeDocument"

SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def checked_zip(data: bytes, *, file: str | None = None) -> zipfile.ZipFile:
    """Open ``data`` as a zip and check its declared sizes; raise CorruptFileError."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError) as exc:
        raise CorruptFileError("压缩结构无法打开", file=file) from exc
    if len(infos) > _MAX_MEMBERS:
        zf.close()
        raise CorruptFileError(f"压缩包内文件过多（{len(infos)} 个）", file=file)
    limit = int(settings.get("MAX_UNZIPPED_MB")) * 1024 * 1024
    total = 0
    for info in infos:
        total += info.file_size
        big = info.file_size > _MEMBER_MB * 1024 * 1024
        if big and info.file_size > _MAX_RATIO * max(info.compress_size, 1):
            zf.close()
            raise CorruptFileError(BOMB_DETAIL, file=file)
    if total > limit:
        zf.close()
        raise CorruptFileError(
            f"{BOMB_DETAIL}，解压后 {total / 1024 / 1024:.0f} MB，上限 {limit // 1024 // 1024} MB", file=file
        )
    return zf


def main_part(zf: zipfile.ZipFile, default: str) -> str | None:
    """The package's main part (``xl/workbook.xml``, ``word/document.xml``).

    Follows the officeDocument relationship in ``_rels/.rels`` when there is
    one; returns None when the part is not in the archive.
    """
    names = set(zf.namelist())
    target = None
    if "_rels/.rels" in names:
        try:
            root = etree.fromstring(zf.read("_rels/.rels"), SAFE_XML)
            for rel in root.iter(f"{{{_REL_NS}}}Relationship"):
                if (rel.get("Type") or "").endswith(_OFFICE_DOCUMENT) and rel.get("TargetMode") != "External":
                    target = posixpath.normpath((rel.get("Target") or "").lstrip("/"))
                    break
        except Exception:  # noqa: BLE001 - any damage here just means 'use the default'
            target = None
    if target and target in names:
        return target
    return default if default in names else None
