"""Facts stated in the narrative (情况说明) that no table prints."""
from __future__ import annotations

import re
from decimal import Decimal

from loaders.model import Document
from loaders.recognise.cells import norm

_OPERATING = re.compile(
    r"(机关运行经费|机构运转经费|机关运行费)(?:[^。；;\d]{0,30}?)(\d[\d,]*(?:\.\d+)?)\s*(万元|元)"
)


def operating_expenses(doc: Document) -> tuple[Decimal | None, int | None, str | None, str | None] | None:
    """(amount in 万元 or None, page, unit as printed, file) of the 机关运行经费
    sentence; file is the paragraph's file (a document read from several files)."""
    for par in doc.paragraphs():
        text = norm(par.text)
        if "是指" in text[:60] or "指为保障" in text[:60]:
            continue  # a glossary definition
        m = _OPERATING.search(text)
        if m:
            value = Decimal(m.group(2).replace(",", ""))
            unit = m.group(3)
            return (value if unit == "万元" else None), par.page, unit, par.file
    return None
