"""The typed parsed document's base: dataclasses that read and write the plain
dict of schema budgetlens.document/1 exactly.

A parsed document crosses every layer (loaders build it, analysis checks it,
store persists it, the command line prints it).  As a free dict a misspelt key
is a silent ``None``; here every key is a field with a type, ``from_dict``
refuses a key the model does not know or a required key that is missing, and
``to_dict`` gives back the same dict.  A field whose key may be absent (not
just ``None``) defaults to :data:`UNSET` and is left out again on the way back.
"""
from __future__ import annotations

import dataclasses
import types
import typing
from decimal import Decimal
from functools import lru_cache
from typing import Any, ClassVar, TypeVar, Union

R = TypeVar("R", bound="Record")


class _Unset:
    """A key absent from the dict (as opposed to present with ``null``)."""

    _instance: ClassVar["_Unset | None"] = None

    def __new__(cls) -> "_Unset":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Any = _Unset()


class SchemaError(ValueError):
    """A parsed document that does not fit the model: names the path."""


class Record:
    """Base of every part of the parsed document (a dataclass)."""

    @classmethod
    def from_dict(cls: type[R], data: Any, path: str = "") -> R:
        if not isinstance(data, dict):
            raise SchemaError(f"{path or cls.__name__}: expected an object, got {type(data).__name__}")
        hints = _hints(cls)
        unknown = set(data) - hints.keys()
        if unknown:
            raise SchemaError(f"{path or cls.__name__}: unknown key(s) {sorted(unknown)} for {cls.__name__}")
        kwargs = {}
        for name, required, tp, as_is in _fields(cls):
            if name in data:
                value = data[name]
                # a value of a type its field takes as it is (text, a number, null where
                # allowed) needs no reading: most of a document's values
                kwargs[name] = value if type(value) in as_is else _read(tp, value, f"{path}.{name}")
            elif required:
                raise SchemaError(f"{path or cls.__name__}: missing key {name!r} of {cls.__name__}")
        return cls(**kwargs)

    def to_dict(self) -> dict:
        """The plain dict (Decimal amounts kept; ``jsonout.plain`` makes JSON of it)."""
        out = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if value is UNSET:
                continue
            out[f.name] = _write(value)
        return out


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


@lru_cache(maxsize=None)
def _fields(cls: type) -> tuple[tuple[str, bool, Any, frozenset], ...]:
    """``(name, required, type, types taken as they are)`` of each field of a
    record class, in order: a value whose own type is in the last is what
    :func:`_read` would return unchanged."""
    hints = _hints(cls)
    return tuple(
        (f.name, f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING, hints[f.name],
         _as_is(hints[f.name]))
        for f in dataclasses.fields(cls)
    )


def _as_is(tp: Any) -> frozenset:
    if tp in _SCALARS:
        return frozenset((tp,))
    origin, args = _shape(tp)
    if origin in (Union, types.UnionType):
        return frozenset(a for a in args if a in _SCALARS or a is type(None))
    return frozenset()


@lru_cache(maxsize=None)
def _shape(tp: Any) -> tuple[Any, tuple]:
    """``(typing.get_origin(tp), typing.get_args(tp))``, once per type."""
    return typing.get_origin(tp), typing.get_args(tp)


_SCALARS = frozenset((str, int, bool, Decimal))


def _read(tp: Any, value: Any, path: str) -> Any:
    if tp is type(value) and tp in _SCALARS:  # the common case: a value of its field's own type
        return value
    origin, args = _shape(tp)
    if origin in (Union, types.UnionType):
        options = args
        if value is None:
            if type(None) in options:
                return None
            raise SchemaError(f"{path}: null where {tp} is expected")
        if type(value) in options and type(value) in _SCALARS:  # the value's own type first (text stays text)
            return value
        errors = []
        for option in options:
            if option is type(None):
                continue
            try:
                return _read(option, value, path)
            except SchemaError as exc:
                errors.append(str(exc))
        raise SchemaError(errors[0] if len(errors) == 1 else f"{path}: {value!r} fits none of {tp}")
    if tp is Any:
        return value
    if origin is list:
        if not isinstance(value, (list, tuple)):
            raise SchemaError(f"{path}: expected a list, got {type(value).__name__}")
        (item,) = args
        if item in (str, int) and all(type(v) is item for v in value):  # a table's cells, a list of pages
            return list(value)
        return [_read(item, v, f"{path}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise SchemaError(f"{path}: expected an object, got {type(value).__name__}")
        key_tp, item = args
        return {k: _read(item, v, f"{path}.{k}") for k, v in value.items()}
    if isinstance(tp, type) and issubclass(tp, Record):
        return tp.from_dict(value, path)
    if tp is Decimal:
        if isinstance(value, Decimal):
            return value
        if isinstance(value, str):
            try:
                return Decimal(value)
            except ArithmeticError:
                pass
        raise SchemaError(f"{path}: expected an amount, got {value!r}")
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise SchemaError(f"{path}: expected an integer, got {value!r}")
    if tp is bool:
        if isinstance(value, bool):
            return value
        raise SchemaError(f"{path}: expected true/false, got {value!r}")
    if tp is str:
        if isinstance(value, str):
            return value
        raise SchemaError(f"{path}: expected text, got {value!r}")
    raise SchemaError(f"{path}: unsupported type {tp}")  # pragma: no cover - a model error


def _write(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, list):
        return [_write(v) for v in value]
    if isinstance(value, dict):
        return {k: _write(v) for k, v in value.items()}
    return value


__all__ = ["Record", "SchemaError", "UNSET"]
