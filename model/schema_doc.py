"""docs/document-schema.md, generated from the model so that it cannot drift:
``python -m model > docs/document-schema.md`` (a test checks it is current)."""
from __future__ import annotations

import dataclasses
import inspect
import re
import typing
from decimal import Decimal

from model import document
from model.record import Record

# what the provenance and other common keys mean wherever they stand
COMMON = {
    "page": "the page it was printed on (1-based)",
    "pages": "the pages the table spans",
    "table": "the title of the table it was read from",
    "table_index": "the table's position among the document's tables",
    "row": "its row in that table (0-based)",
    "file": "the file, in a report read from several files",
    "ocr": "true when read by OCR",
    "code": "the classification code as printed",
    "name": "the name as printed",
    "message": "one Chinese sentence",
    "rule": "the rule id (docs/rules.md)",
    "severity": "error | warning | info",
    "sha256": "SHA-256 of the file's bytes",
    "ran": "checks run", "passed": "checks that held", "failed": "checks that did not hold",
}
_COMMENT = re.compile(r"^\s+(\w+):[^#\n]*#\s*(.+)$")


def _comments(cls: type) -> dict[str, str]:
    out: dict[str, str] = {}
    for klass in reversed([k for k in cls.__mro__ if isinstance(k, type) and issubclass(k, Record) and k is not Record]):
        out.update({m.group(1): m.group(2).strip() for m in map(_COMMENT.match, inspect.getsource(klass).splitlines()) if m})
    return out


def _type_name(tp: typing.Any) -> str:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"object of {_type_name(args[1])} by key"
    if args and origin is not None:  # a union
        names = [_type_name(a) for a in args if a is not type(None)]
        return " or ".join(names) + (" or null" if type(None) in args else "")
    if tp is Decimal:
        return "amount (decimal string)"
    if isinstance(tp, type) and issubclass(tp, Record):
        return f"[{tp.__name__}](#{tp.__name__.lower()})"
    return {str: "text", int: "integer", bool: "true/false"}.get(tp, str(tp))


def _records() -> list[type]:
    seen: list[type] = []

    def visit(cls: type) -> None:
        if cls in seen:
            return
        seen.append(cls)
        for tp in typing.get_type_hints(cls).values():
            for inner in _inner(tp):
                visit(inner)

    visit(document.ParsedDocument)
    return seen


def _inner(tp: typing.Any) -> list[type]:
    if isinstance(tp, type) and issubclass(tp, Record):
        return [tp]
    return [c for a in typing.get_args(tp) for c in _inner(a)]


def render() -> str:
    out = [
        "# The parsed document — schema `budgetlens.document/1`",
        "",
        "Generated from `model/` by `python -m model > docs/document-schema.md`; do not edit by hand.",
        "`python -m loaders parse FILE` prints this document as JSON. Amounts are decimal strings in 万元;",
        "pages are 1-based, rows 0-based in the table's `rows`. *Required* keys are always present",
        "(their value may still be null where the type says so); other keys appear only when they apply.",
        "The schema grows only by adding keys.",
        "",
    ]
    for cls in _records():
        doc = inspect.getdoc(cls) or ""
        comments = _comments(cls)
        hints = typing.get_type_hints(cls)
        out += [f"## {cls.__name__}", "", doc, "", "| key | type | | meaning |", "|---|---|---|---|"]
        for f in dataclasses.fields(cls):
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            presence = "required" if required else "optional"
            meaning = comments.get(f.name) or COMMON.get(f.name, "").replace("|", "\\|")
            out.append(f"| `{f.name}` | {_type_name(hints[f.name])} | {presence} | {meaning} |")
        out.append("")
    return "\n".join(out)


__all__ = ["render"]
