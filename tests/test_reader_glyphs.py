"""Glyph boxes from broken font metrics, and spacing around brackets.

Built from pdfplumber-shaped character dicts, so each case states exactly the
geometry a real file gave (重庆's "E-BZ" font: digit and bracket boxes an em
below their baseline, each a full em wide).
"""

from __future__ import annotations

import copy

from loaders.readers.pdf_glyphs import rebox_displaced_glyphs
from loaders.readers.pdf_text import build_lines

PAGE_HEIGHT = 842.0
SIZE = 12.0
BASELINE = 700.0


def _char(text: str, x0: float, width: float, top_share: float) -> dict:
    """A character on BASELINE whose box top is ``top_share`` ems above it
    (negative: below it)."""
    y1 = BASELINE + top_share * SIZE
    y0 = y1 - SIZE
    return {
        "text": text,
        "x0": x0,
        "x1": x0 + width,
        "width": width,
        "y0": y0,
        "y1": y1,
        "top": PAGE_HEIGHT - y1,
        "bottom": PAGE_HEIGHT - y0,
        "doctop": PAGE_HEIGHT - y1,
        "size": SIZE,
        "matrix": (SIZE, 0.0, 0.0, SIZE, x0, BASELINE),
    }


def _title() -> list[dict]:
    """"2026年部门预算": the digits in the broken font (box below the
    baseline, one em wide although they advance half an em)."""
    chars = [_char(d, 100 + 6 * i, SIZE, -0.1) for i, d in enumerate("2026")]
    chars += [_char(h, 124 + SIZE * i, SIZE, 0.88) for i, h in enumerate("年部门预算")]
    return chars


def test_broken_digits_fall_onto_a_line_of_their_own_without_the_fix():
    lines = build_lines(_title())
    assert [ln.text for ln in lines] != ["2026年部门预算"]


def test_glyphs_below_their_baseline_are_moved_onto_it():
    chars = _title()
    rebox_displaced_glyphs(chars)
    assert [ln.text for ln in build_lines(chars)] == ["2026年部门预算"]
    digit, han = chars[0], chars[4]
    assert abs(digit["top"] - han["top"]) < 0.01
    assert abs(digit["bottom"] - han["bottom"]) < 0.01


def test_broken_glyphs_are_cut_at_the_next_character():
    chars = _title()
    rebox_displaced_glyphs(chars)
    assert [c["x1"] for c in chars[:4]] == [106, 112, 118, 124]


def test_sound_glyphs_are_left_alone():
    chars = [_char(h, 100 + SIZE * i, SIZE, 0.88) for i, h in enumerate("部门预算")]
    before = copy.deepcopy(chars)
    rebox_displaced_glyphs(chars)
    assert chars == before


def test_no_space_between_chinese_and_a_bracket():
    # "因公出国 (境)": the half-width bracket sits in a full-width cell
    chars = [_char(h, 100 + SIZE * i, SIZE, 0.88) for i, h in enumerate("因公出国")]
    chars += [_char("(", 152, 4, 0.88), _char("境", 156, SIZE, 0.88), _char(")", 172, 4, 0.88)]
    chars += [_char("费", 180, SIZE, 0.88)]
    assert [ln.text for ln in build_lines(chars)] == ["因公出国(境)费"]


def test_a_gap_between_latin_words_stays_a_space():
    chars = [_char("A", 100, 6, 0.88), _char("B", 106, 6, 0.88), _char("(", 120, 4, 0.88), _char("C", 124, 6, 0.88)]
    assert [ln.text for ln in build_lines(chars)] == ["AB (C"]


def test_a_wide_gap_after_a_bracket_still_separates_two_fields():
    # "…医疗保障局(本级)      单位：万元" on one line
    chars = [_char(h, 100 + SIZE * i, SIZE, 0.88) for i, h in enumerate("本级")]
    chars += [_char(")", 124, 4, 0.88)]
    chars += [_char(h, 160 + SIZE * i, SIZE, 0.88) for i, h in enumerate("单位")]
    assert [ln.text for ln in build_lines(chars)] == ["本级) 单位"]
