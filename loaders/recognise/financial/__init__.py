"""Financial tables -> records: totals, function lines, economic lines, 三公.

Every value keeps its provenance (page, table title, row: ``facts``).  Columns
are found by the words of their headings (``columns``); rows by their labels
(``totals``) or classification codes (``codes``, ``function_lines``,
``economic_lines``); 三公 items in either orientation (``three_public``).

This package's face is what recognition.py and the checks in analysis/ call
as ``fin.<name>``; the checks also reuse a few of the finders' helpers, listed
last.  New code may import the submodules directly.
"""
from __future__ import annotations

from loaders.recognise.financial.codes import CodeColumns, _code_columns, _row_code
from loaders.recognise.financial.columns import current_group_columns
from loaders.recognise.financial.economic_lines import economic_lines
from loaders.recognise.financial.facts import Fact, distinct_problems
from loaders.recognise.financial.function_lines import _name_column, function_lines, named_rows, partition_levels
from loaders.recognise.financial.three_public import (
    _OF_LIST,
    THREE_PUBLIC_KEYS,
    _group_of,
    _item_of_path,
    _three_public_item,
    three_public,
)
from loaders.recognise.financial.totals import (
    covers_department,
    fiscal_totals,
    funds_of,
    income_total,
    label_key,
    operating_expenses_from_table,
    summary_fiscal,
    summary_totals,
)

__all__ = [
    # recognition.py
    "Fact",
    "THREE_PUBLIC_KEYS",
    "covers_department",
    "distinct_problems",
    "economic_lines",
    "fiscal_totals",
    "function_lines",
    "funds_of",
    "income_total",
    "operating_expenses_from_table",
    "summary_fiscal",
    "summary_totals",
    "three_public",
    # analysis/checks_*.py
    "CodeColumns",
    "current_group_columns",
    "label_key",
    "named_rows",
    "partition_levels",
    "_OF_LIST",
    "_code_columns",
    "_group_of",
    "_item_of_path",
    "_name_column",
    "_row_code",
    "_three_public_item",
]
