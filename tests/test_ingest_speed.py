"""The PDF reader's shortcuts (issue 13), checked by what runs, not by time:

* each page's objects are built once, by ``pdf_objects.parse_objects``, into
  the very dicts pdfplumber's own ``Page.parse_objects`` builds;
* the ruled-table search (pdfplumber's ``TableFinder``) runs only on pages
  where a horizontal and a vertical rule could cross.
"""
from __future__ import annotations

import io

import pdfplumber
import pytest

from conftest import FIXTURES, REAL
from loaders.model import Source
from loaders.readers import pdf as pdf_reader
from loaders.readers import pdf_objects
from loaders.readers.pdf_clip import load_layout
from pdfgen import cjk_pdf, line_op, text_op


def _same(ours: dict, theirs: dict) -> None:
    assert list(ours) == list(theirs)
    for kind in theirs:
        assert len(ours[kind]) == len(theirs[kind])
        for a, b in zip(ours[kind], theirs[kind]):
            assert list(a) == list(b)  # the same keys in the same order
            assert a == b
            assert [type(v) for v in a.values()] == [type(v) for v in b.values()]


@pytest.mark.parametrize(
    "path",
    [FIXTURES / "xianghe-2024-budget.pdf", REAL / "yantai-medical-security-2026-budget.pdf"],
    ids=lambda p: p.name,
)
def test_page_objects_are_pdfplumbers_own(path):
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages[:8]:
            load_layout(page)
            _same(pdf_objects.parse_objects(page), page.parse_objects())


def test_curves_and_rects_are_pdfplumbers_own():
    # a curve (Bézier), a rectangle and lines, beside text
    content = (
        text_op(72, 500, "合计 12.50")
        + b"100 100 m 150 200 200 50 250 100 c S\n"
        + b"300 300 120 40 re f\n"
        + line_op(72, 480, 400, 480)
    )
    with pdfplumber.open(io.BytesIO(cjk_pdf([content]))) as pdf:
        page = pdf.pages[0]
        load_layout(page)
        ours = pdf_objects.parse_objects(page)
        assert {"char", "curve", "rect", "line"} <= set(ours)
        _same(ours, page.parse_objects())


def _text_page(y0: float = 500) -> bytes:
    out = text_op(72, y0 + 40, "一、部门主要职责")
    for i in range(4):
        out += text_op(72, y0 - 20 * i, f"第{i + 1}项 支出 1,2{i}4.50 万元")
    return out


def _ruled_page() -> bytes:
    out = b""
    xs, ys = [72, 272, 472], [500, 480, 460, 440]
    for y in ys:
        out += line_op(xs[0], y, xs[-1], y)
    for x in xs:
        out += line_op(x, ys[0], x, ys[-1])
    for k, y in enumerate(ys[:-1]):
        out += text_op(80, y - 14, f"项目{k}") + text_op(280, y - 14, f"{k + 1}0.00")
    return out


def _underlined_page() -> bytes:
    # horizontal rules only (underlines, a rule under a title): no cell can close
    return _text_page() + line_op(72, 560, 500, 560) + line_op(72, 400, 500, 400)


@pytest.fixture
def finder_calls(monkeypatch):
    calls: list[int] = []
    real = pdf_reader.TableFinder

    def spy(page, *args, **kwargs):
        calls.append(page.page_number)
        return real(page, *args, **kwargs)

    monkeypatch.setattr(pdf_reader, "TableFinder", spy)
    return calls


def test_table_search_runs_only_where_rules_cross(finder_calls):
    data = cjk_pdf([_text_page(), _ruled_page(), _underlined_page()])
    doc = pdf_reader.read(data, Source(file="t.pdf", sha256="", format="pdf", pages=0))
    assert finder_calls == [2]
    ruled = [t for t in doc.tables() if t.strategy == "ruled"]
    assert len(ruled) == 1 and ruled[0].rows[0] == ["项目0", "10.00"]


def test_each_page_objects_built_once(monkeypatch):
    built: list[int] = []
    real = pdf_objects.parse_objects

    def spy(page):
        built.append(page.page_number)
        return real(page)

    def plumbers_own(self):  # pragma: no cover - fails the test if reached
        raise AssertionError("pdfplumber's Page.parse_objects ran")

    monkeypatch.setattr(pdf_objects, "parse_objects", spy)
    monkeypatch.setattr(pdfplumber.page.Page, "parse_objects", plumbers_own)
    pdf_reader.read(cjk_pdf([_text_page(), _ruled_page(), _underlined_page()]), Source(file="t.pdf", sha256="", format="pdf", pages=0))
    assert built == [1, 2, 3]
