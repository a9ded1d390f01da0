"""Reports published as several files, read as one document.

Some agencies publish one report as several files: the narrative (情况说明)
in one PDF and the tables in another, one file per table, or Excel
attachments beside the PDF.  Two things live here:

* :func:`combine` — several files of one report -> ONE Document, which the
  entry point (``pipeline.parse_files``) recognises once.  Each file is read by
  its reader (the registry), every block is tagged with the file it came from,
  the blocks are concatenated.

  Order: the file with the most narrative text comes first, the others follow
  in the order given.  The recognisers need that: the identity (agency, year,
  kind, scope) is read from the cover (the first page's first lines) and the
  first paragraphs, which is where a 情况说明 names the report
  ("某局2026年部门预算情况说明"); tables-only files have no cover.

  ``source`` keeps its keys: ``file``, ``format`` are the first file's (in that
  order), ``pages`` the sum over the files, ``sha256`` identifies the SET of
  files (:func:`files_sha256`: the files' own sha256s, sorted, joined by
  newlines after a ``budgetlens.files/1`` line, hashed again — the same files
  in any order give the same value; one file gives its own sha256).  It gains
  ``source.files``: ``[{file, sha256, format, pages}]`` in document order.
  Provenance gains ``file`` (the file's name as given) wherever page / table /
  row are given: ``tables[]``, ``function_lines`` / ``economic_lines`` (and
  their ``basic_source``), ``sources.*`` entries, ``paragraphs``, findings that
  name a table, projects / department targets / self-evaluations (and the
  self-evaluations' findings).  A document read from ONE file is exactly what
  ``parse_bytes`` gives: no ``file`` keys, no ``source.files``.

* :func:`group` — which files of one batch (one upload, one folder) form one
  report: files whose parsed identity (agency, year, kind, scope) is equal; a
  file whose only unknown is the agency joins the group of the same year,
  kind and scope when there is exactly one such group.  Different scope
  (部门 vs 单位/本级) is never combined; a second copy of the same bytes is not
  combined either (the store calls it a duplicate).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import PurePath

from loaders.model import Document, Source

def _norm(text: str | None) -> str:
    return "".join((text or "").split())


SET_PREFIX = "budgetlens.files/1"
IDENTITY = ("agency", "year", "kind", "scope")


def files_sha256(shas: Iterable[str]) -> str:
    """The sha256 that identifies a set of files: one file's own sha256, or the
    sha256 of ``budgetlens.files/1`` and the files' sha256s, sorted, one per line."""
    ordered = sorted(s.lower() for s in shas)
    if len(ordered) == 1:
        return ordered[0]
    return hashlib.sha256("\n".join([SET_PREFIX, *ordered]).encode("ascii")).hexdigest()


# --------------------------------------------------------------------------- parsing


def combine(parts: list) -> Document:
    """The files of one report (``parts``: each with ``data``, ``name``, ``doc`` and
    a ``tag`` to fill, in :func:`report_order`) as one Document: every block
    tagged with its file, a source naming the set."""
    for part, tag in zip(parts, _unique([p.doc.source.file for p in parts])):
        part.tag = tag
        for block in part.doc.blocks:
            block.file = tag
    first = parts[0].doc.source
    source = Source(
        file=parts[0].tag,
        sha256=files_sha256(p.doc.source.sha256 for p in parts),
        format=first.format,
        pages=sum(p.doc.source.pages or 0 for p in parts),
    )
    return Document(source=source, blocks=[b for p in parts for b in p.doc.blocks])


def report_order(parts: list) -> list:
    """The file with the most narrative text first, the others as given."""
    def narrative(part) -> int:
        return sum(len(p.text.strip()) for p in part.doc.paragraphs())

    lead = max(range(len(parts)), key=lambda i: (narrative(parts[i]), -i))
    if narrative(parts[lead]) == 0:
        return parts
    return [parts[lead]] + [p for i, p in enumerate(parts) if i != lead]


def _unique(names: list[str]) -> list[str]:
    """File names as given; a repeated name gets ' (2)', ' (3)' … before its extension."""
    seen: set[str] = set()
    out = []
    for name in names:
        tag, k = name, 1
        while tag in seen:
            k += 1
            path = PurePath(name)
            tag = f"{path.stem} ({k}){path.suffix}"
        seen.add(tag)
        out.append(tag)
    return out


def attach_files(out: dict, doc: Document, parts: list) -> None:
    """``source.files``, and ``file`` on the provenance the recognisers and checks
    wrote without it (findings, performance items)."""
    out["source"]["files"] = [
        {"file": p.tag, "sha256": p.doc.source.sha256, "format": p.doc.source.format, "pages": p.doc.source.pages}
        for p in parts
    ]
    all_tables = list(doc.tables())
    by_title: dict[str, set] = {}
    for t in out.get("tables") or []:
        by_title.setdefault(_norm(t.get("title")), set()).add(t.get("file"))

    def file_of(entry: dict) -> str | None:
        index = entry.get("table_index")
        if isinstance(index, int) and 0 <= index < len(all_tables):
            return all_tables[index].file
        files = by_title.get(_norm(entry.get("table"))) if entry.get("table") else None
        return next(iter(files)) if files and len(files) == 1 else None

    def tag(entry: dict) -> None:
        if "file" not in entry:
            file = file_of(entry)
            if file is not None:
                entry["file"] = file

    for finding in out.get("findings") or []:
        tag(finding)
    for key in ("projects", "department_targets", "self_evaluations"):
        for item in out.get(key) or []:
            tag(item)
            for finding in item.get("findings") or []:
                if "file" not in finding and finding.get("table") and item.get("file"):
                    finding["file"] = item["file"]


# --------------------------------------------------------------------------- grouping


def identity_key(doc: dict | None) -> tuple | None:
    """(agency, year, kind, scope) of a parsed document that states all four."""
    if not doc or doc.get("unknown") or any(doc.get(k) in (None, "") for k in IDENTITY):
        return None
    return tuple(doc.get(k) for k in IDENTITY)


def _agency_only_unknown(doc: dict | None) -> tuple | None:
    """(year, kind, scope) of a parsed document that lacks only its agency."""
    if not doc or list(doc.get("unknown") or []) != ["agency"]:
        return None
    rest = tuple(doc.get(k) for k in IDENTITY[1:])
    return rest if all(v not in (None, "") for v in rest) else None


def group(docs: Sequence[dict | None], shas: Sequence[str | None] | None = None) -> list[list[int]]:
    """Which files of one batch form one report: a list of groups of indices
    into ``docs`` (None: a file that was refused), every index in exactly one
    group, groups in the order of their first file, files in input order.

    ``shas`` (the files' sha256s) keeps a second copy of the same bytes out of
    a group: it stays on its own.
    """
    shas = list(shas) if shas is not None else [None] * len(docs)
    groups: list[list[int]] = []
    by_key: dict[tuple, list[int]] = {}
    lone: list[list[int]] = []

    def join(members: list[int], i: int) -> bool:
        if shas[i] is not None and any(shas[m] == shas[i] for m in members):
            return False
        members.append(i)
        return True

    waiting: list[int] = []
    for i, doc in enumerate(docs):
        key = identity_key(doc)
        if key is None:
            waiting.append(i)
            continue
        if key in by_key:
            if join(by_key[key], i):
                continue
            groups.append([i])
            continue
        by_key[key] = [i]
        groups.append(by_key[key])
    for i in waiting:
        rest = _agency_only_unknown(docs[i])
        candidates = [members for key, members in by_key.items() if rest is not None and key[1:] == rest]
        if len(candidates) == 1 and join(candidates[0], i):
            continue
        lone.append([i])
    for members in groups:
        members.sort()
    return sorted(groups + lone, key=lambda g: g[0])


__all__ = ["files_sha256", "combine", "group", "identity_key", "report_order", "attach_files", "SET_PREFIX"]
