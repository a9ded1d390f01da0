"""A table as recognisers see it: grid, layout, family, title, money unit."""
from __future__ import annotations

from dataclasses import dataclass

from loaders.model import Table
from loaders.recognise.catalogue import classify
from loaders.recognise.cells import UNIT_WAN, unit_of
from loaders.recognise.layout import Layout, analyse


@dataclass
class TableView:
    index: int
    table: Table
    layout: Layout
    family: str
    title: str
    scale: str  # 万元 or 元: the unit the table prints its amounts in
    scale_declared: bool

    @property
    def page(self) -> int | None:
        return self.table.page

    def row_page(self, row: int) -> int | None:
        return self.table.row_pages[row] if row < len(self.table.row_pages) else self.table.page


def build_views(tables: list[Table], default_scale: str = UNIT_WAN) -> list[TableView]:
    views = []
    for i, table in enumerate(tables):
        layout = analyse(table)
        family, title = classify(table, layout)
        unit = unit_of(list(table.caption) + layout.preamble + [c for r in layout.header_rows for c in r])
        views.append(
            TableView(
                index=i,
                table=table,
                layout=layout,
                family=family,
                title=title,
                scale=unit or default_scale,
                scale_declared=unit is not None,
            )
        )
    return views
