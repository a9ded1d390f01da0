"""The intermediate document: the seam between file formats and meaning.

Every reader (PDF, Excel, Word, text) produces a :class:`Document` made of
:class:`Paragraph` and :class:`Table` blocks in reading order, each carrying the
page it came from.  Recognisers only ever see this model, so a table reads the
same whether it came from a PDF page, a worksheet, a Word table or tab-separated
text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Union


@dataclass
class Source:
    file: str
    sha256: str
    format: str  # "pdf" | "xlsx" | "xls" | "docx" | "text" | "image"
    pages: int  # pages (PDF), sheets (Excel), 1 for Word/text unless known
    # pages read by OCR (scanned pages without a text layer, images)
    ocr_pages: list[int] = field(default_factory=list)
    # why the file is damaged, when its pages were read from what was left
    damaged: str | None = None


@dataclass
class Paragraph:
    text: str
    page: int | None = None
    # The file the paragraph came from, set only when several files are read
    # as one document (pipeline.parse_files); None otherwise.
    file: str | None = None


@dataclass
class Table:
    """A grid of cell texts.

    ``rows`` is rectangular.  A merged cell keeps its text in its top-left
    position; the positions it covers hold ``""`` and are listed in ``spans``
    (top-left (row, col) -> (rowspan, colspan)) where the format says so.
    ``row_pages[i]`` is the page row ``i`` was printed on.  ``caption`` holds
    the text lines printed just above the table (title, agency, unit), nearest
    last; ``sheet`` the worksheet name for Excel.
    """

    rows: list[list[str]]
    row_pages: list[int | None] = field(default_factory=list)
    caption: list[str] = field(default_factory=list)
    spans: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    sheet: str | None = None
    # True when the source rows had different lengths (a Word table pasted as
    # text loses the cells a merge covers): header positions are unreliable.
    ragged: bool = False
    # How the reader found the cells: 'ruled' (a PDF's rules), 'aligned' (a
    # PDF's word positions, no rules), 'sheet', 'word', 'delimited' (text).
    strategy: str | None = None
    # The file the table came from, set only when several files are read as
    # one document (pipeline.parse_files); None otherwise.
    file: str | None = None
    # Set on tables read by OCR (loaders/readers/ocr.py): engine, dpi, and the
    # arithmetic verification: {"checked", "holds", "corrections", "unverified"}.
    ocr: dict | None = None

    def __post_init__(self) -> None:
        width = max((len(r) for r in self.rows), default=0)
        self.rows = [list(r) + [""] * (width - len(r)) for r in self.rows]
        if not self.row_pages:
            self.row_pages = [None] * len(self.rows)

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    @property
    def pages(self) -> list[int]:
        seen: list[int] = []
        for p in self.row_pages:
            if p is not None and p not in seen:
                seen.append(p)
        return seen

    @property
    def page(self) -> int | None:
        pages = self.pages
        return pages[0] if pages else None


Block = Union[Paragraph, Table]


@dataclass
class Document:
    source: Source
    blocks: list[Block] = field(default_factory=list)

    def tables(self) -> Iterator[Table]:
        return (b for b in self.blocks if isinstance(b, Table))

    def paragraphs(self) -> Iterator[Paragraph]:
        return (b for b in self.blocks if isinstance(b, Paragraph))

    def text(self) -> str:
        """All paragraph text, one paragraph per line."""
        return "\n".join(p.text for p in self.paragraphs())
