"""The typed parsed document (DESIGN.md §3, the layer between settings and
loaders): dataclasses that the parse → check pipeline fills and the JSON of
schema budgetlens.document/1 is written from.  See docs/document-schema.md."""
from model.document import *  # noqa: F401,F403
from model.document import __all__ as _document
from model.performance import *  # noqa: F401,F403
from model.performance import __all__ as _performance
from model.record import UNSET, Record, SchemaError

__all__ = [*_document, *_performance, "Record", "SchemaError", "UNSET"]
