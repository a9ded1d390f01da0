"""JSON for parsed documents: Chinese kept readable, amounts exact.

``Decimal`` becomes a plain decimal string (``format(d, "f")``: ``"12.30"``,
never ``"1.23E+1"``); dataclasses become objects, paths strings, sets sorted
lists, dates ISO strings; dict keys that JSON cannot hold (tuples) become
strings.
"""
from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from pathlib import PurePath
from typing import Any


def plain(obj: Any) -> Any:
    """``obj`` with every value turned into something ``json`` writes as is."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, Decimal):
        return format(obj, "f")
    if isinstance(obj, dict):
        return {_key(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain(v) for v in obj]
    if isinstance(obj, (set, frozenset)):
        items = [plain(v) for v in obj]
        try:
            return sorted(items)
        except TypeError:
            return sorted(items, key=repr)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, PurePath):
        return str(obj)
    if isinstance(obj, (datetime, date, time)):
        return obj.isoformat()
    if isinstance(obj, Enum):
        return plain(obj.value)
    if isinstance(obj, (bytes, bytearray)):
        return f"<{len(obj)} bytes>"
    return str(obj)


def _key(key: Any) -> str | int | float | bool | None:
    if key is None or isinstance(key, (str, int, float, bool)):
        return key
    if isinstance(key, tuple):
        return ",".join(str(plain(k)) for k in key)
    value = plain(key)
    return value if isinstance(value, str) else str(value)


def dumps(doc: Any) -> str:
    """The document as indented UTF-8-friendly JSON text."""
    return json.dumps(plain(doc), ensure_ascii=False, indent=2)


__all__ = ["dumps", "plain"]
