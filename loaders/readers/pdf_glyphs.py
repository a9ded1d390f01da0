"""Characters of a PDF page put right before they are read: glyph boxes a
broken font places below their baseline (重庆's "E-BZ"), text set sideways by
the page's /Rotate, and characters drawn twice for a fake bold.
"""
from __future__ import annotations

import math
from operator import itemgetter

import pdfplumber.page


# a glyph box whose top is less than this share of the font size above its
# baseline does not cover the glyph: the font's ascent/descent are wrong
_MIN_ASCENT = 0.3
_DEFAULT_ASCENT = 0.8


def rebox_displaced_glyphs(chars: list[dict]) -> None:
    """Move, in place, glyph boxes that lie below their own baseline onto it.

    Some embedded fonts (重庆's "E-BZ", used for digits and brackets) carry
    metrics that put every glyph box about one em under the baseline, so
    "2026" and "（）、" would fall onto a line of their own below the text they
    belong to. The baseline (the text matrix) is right; the box is rebuilt
    from it with the ascent the page's other fonts use.
    """
    def ascent(c: dict) -> float | None:
        a, b, cc, d, _, f = c["matrix"]
        if abs(b) > 1e-6 or abs(cc) > 1e-6 or a <= 0 or d <= 0 or not c.get("size"):
            return None
        return (c["y1"] - f) / c["size"]

    ascents = [ascent(c) for c in chars]
    shares = [s for c, s in zip(chars, ascents) if s is not None and s >= _MIN_ASCENT and not c["text"].isspace()]
    share = sorted(shares)[len(shares) // 2] if shares else _DEFAULT_ASCENT
    displaced = []
    for c, s in zip(chars, ascents):
        if s is None or s >= _MIN_ASCENT:
            continue
        shift = (share - s) * c["size"]
        c["y1"] += shift
        c["y0"] += shift
        for key in ("top", "bottom", "doctop"):
            if key in c:
                c[key] -= shift
        displaced.append(c)
    if displaced:
        _narrow_to_advance(displaced, chars)


def _narrow_to_advance(glyphs: list[dict], chars: list[dict]) -> None:
    """Cut each of ``glyphs`` at the next character drawn on its baseline.

    The same broken fonts give every glyph a full em of width, so the digits
    of "86,685.29" would overlap like two texts drawn over each other.
    """
    rows: dict[int, list[dict]] = {}
    for c in chars:
        if not c["text"].isspace():
            rows.setdefault(round(c["matrix"][5] / 2), []).append(c)
    for row in rows.values():
        row.sort(key=itemgetter("x0"))
    for g in glyphs:
        base = g["matrix"][5]
        nxt = [
            d["x0"]
            for key in (round(base / 2) - 1, round(base / 2), round(base / 2) + 1)
            for d in rows.get(key, ())
            if g["x0"] + 0.5 < d["x0"] < g["x1"] and abs(d["matrix"][5] - base) < 0.3 * g["size"]
        ]
        if nxt:
            g["x1"] = min(nxt)
            g["width"] = g["x1"] - g["x0"]


def text_turn(chars: list[dict]) -> int:
    """Degrees to add to the page's /Rotate so that its text reads upright:
    0 unless most characters run sideways or upside down on the page as
    displayed (a page turned with /Rotate whose text was not)."""
    turns: dict[int, int] = {}
    visible = 0
    for c in chars:
        if c["text"].isspace():
            continue
        visible += 1
        if not c.get("upright", True):
            a, b = c["matrix"][0], c["matrix"][1]
            angle = round(math.degrees(math.atan2(b, a)) / 90) * 90 % 360
            if angle:
                turns[angle] = turns.get(angle, 0) + 1
    if not turns:
        return 0
    angle, count = max(turns.items(), key=lambda item: item[1])
    return angle if count > 0.6 * visible else 0


def turned(page, turn: int):
    """The same page read with its /Rotate changed by ``turn`` degrees."""
    page.close()
    page_obj = page.page_obj
    rotation = (page.rotation + turn) % 360
    page_obj.rotate = rotation
    page_obj.attrs["Rotate"] = rotation
    return pdfplumber.page.Page(page.pdf, page_obj, page_number=page.page_number, initial_doctop=page.initial_doctop)


def duplicate_chars(chars: list[dict], tolerance: float = 1.0) -> set[int]:
    """ids of characters drawn again at (nearly) the same place as an earlier
    identical character — the fake bold of some report generators."""
    seen: dict[tuple[str, int, int], list[dict]] = {}
    dups: set[int] = set()
    for c in chars:
        text = c["text"]
        if text.isspace():
            continue
        x, y = c["x0"], c["top"]
        gx, gy = int(x // tolerance), int(y // tolerance)
        found = False
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for other in seen.get((text, gx + dx, gy + dy), ()):
                    if (
                        abs(other["x0"] - x) <= tolerance
                        and abs(other["top"] - y) <= tolerance
                        and abs(other["size"] - c["size"]) <= 0.5
                        and other.get("upright") == c.get("upright")
                    ):
                        found = True
                        break
                if found:
                    break
            if found:
                break
        if found:
            dups.add(id(c))
        else:
            seen.setdefault((text, gx, gy), []).append(c)
    return dups
