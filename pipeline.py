"""The parse → check pipeline: bytes in, the parsed document out (schema
budgetlens.document/1).  An entry point above the layers (DESIGN.md §3): it
reads with loaders/, recognises with loaders/, reviews with analysis/ (scores,
checks, each table's verification), and, where a table's own arithmetic fails,
reads it again with the reader's other strategy and keeps the reading that holds.

The command line, the sandbox child and the app all parse through here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from analysis import review as rv
from loaders import multifile
from loaders.model import Document, Table
from loaders.recognise.views import build_views
from loaders.recognition import recognise
from loaders.registry import read_document, reread_document


def parse_bytes(data: bytes, name: str, identity: dict | None = None) -> dict:
    """One file -> parsed document.  ``identity`` ({"agency", "year", "kind",
    "scope"}, any subset) is what the user said the file is: it wins over what
    the document says."""
    return _parse([_Part(data, name, read_document(data, name))], identity)


def parse_files(files: Sequence[tuple[bytes, str]], identity: dict | None = None) -> dict:
    """Several files of one report (narrative in one, tables in others) -> one
    parsed document, provenance naming each file (loaders/multifile.py).  One
    file: as :func:`parse_bytes`."""
    files = list(files)
    if not files:
        raise ValueError("parse_files needs at least one file")
    if len(files) == 1:
        return parse_bytes(files[0][0], files[0][1], identity)
    parts = multifile.report_order([_Part(data, name, read_document(data, name)) for data, name in files])
    return _parse(parts, identity)


@dataclass
class _Part:
    data: bytes
    name: str
    doc: Document
    tag: str = ""  # the file's name in provenance ('' for a report of one file)


def _parse(parts: list[_Part], identity: dict | None) -> dict:
    doc = parts[0].doc if len(parts) == 1 else multifile.combine(parts)
    out = recognise(doc, identity, review=rv.review)
    if rv.failing(out):
        out = _other_strategy(parts, doc, out, identity)
    rv.flag_unverified(out)
    if len(parts) > 1:
        multifile.attach_files(out, doc, parts)
    return out


def _other_strategy(parts: list[_Part], doc: Document, out: dict, identity: dict | None) -> dict:
    """The failing tables of each file read again with its reader's other
    strategy; a new reading is kept only where its own arithmetic then holds."""
    failing = rv.failing(out)
    other_tables: list[Table] = []
    for part in parts:
        pages = {p for t in failing if t.get("file", "") == (part.tag or "") for p in t.get("pages") or []}
        if not pages:
            continue
        other = reread_document(part.data, part.name, pages)
        if other is None:
            continue
        for table in other.tables():
            table.file = part.tag or None
            other_tables.append(table)
    if not other_tables:
        return out
    blocks = list(doc.blocks)
    position = {i: k for i, k in enumerate(k for k, b in enumerate(blocks) if isinstance(b, Table))}
    other_views = build_views(other_tables)
    swapped: dict[int, tuple[Table, str]] = {}
    for t in failing:
        same = [
            v for v in other_views
            if (v.table.file or "") == t.get("file", "") and v.family == t["kind"] and v.table.pages == t["pages"]
            and _norm(v.title) == _norm(t["title"])
        ]
        if len(same) == 1 and t["index"] in position:
            swapped[t["index"]] = (blocks[position[t["index"]]], t.get("strategy") or "")
            blocks[position[t["index"]]] = same[0].table
    if not swapped:
        return out
    trial = recognise(Document(source=doc.source, blocks=blocks), identity, review=rv.review)
    by_index = {t["index"]: t for t in trial["tables"]}
    kept = []
    for index, (original, _strategy) in swapped.items():
        t = by_index.get(index)
        if t is not None and t["verification"]["holds"]:
            kept.append(index)
        else:
            blocks[position[index]] = original
    if not kept:
        for t in failing:
            t["verification"]["strategies_tried"].append("aligned")
        return out
    final = trial if len(kept) == len(swapped) else recognise(
        Document(source=doc.source, blocks=blocks), identity, review=rv.review
    )
    for t in final["tables"]:
        if t["index"] in swapped:
            t["verification"]["strategies_tried"] = [s for s in (swapped[t["index"]][1], "aligned") if s]
    doc.blocks[:] = blocks  # the tables kept are the document's (attach_files reads them)
    return final


def _norm(text: str | None) -> str:
    return "".join((text or "").split())


__all__ = ["parse_bytes", "parse_files"]
