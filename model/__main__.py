"""``python -m model``: print docs/document-schema.md."""
from model.schema_doc import render

print(render(), end="")
