"""A page's objects (chars, rects, lines, curves, images …) as pdfplumber
builds them, built in one faster pass.

pdfplumber turns each pdfminer layout object into a dict in
``Page.process_object``: for every attribute of the object it looks the name
up, calls the recursive ``resolve_all`` on the value (a float, a string, a
tuple of floats almost always) and finds the object's kind with a regular
expression.  On a page of 1,500 characters that is a fifth of the time spent
reading it — as much as the table search.  :func:`parse_objects` builds the
same dicts (same keys in the same order, same values) with the kind looked up
once per class and plain values taken as they are; anything else still goes
through ``resolve_all``.  :func:`load_objects` stores them on the page, where
``page.objects`` (and so ``page.chars``, ``page.rects``, ``page.edges`` …)
finds them, so they are built once per page.
"""
from __future__ import annotations

from typing import Any, Iterator

from pdfminer.layout import LTChar, LTContainer, LTCurve, LTTextContainer
from pdfplumber.page import ALL_ATTRS, fix_fontname_bytes, lt_pat
from pdfplumber.utils import resolve_all, resolve_and_decode
from unicodedata import normalize as normalize_unicode

_PLAIN = frozenset({float, int, str, bool, type(None)})
# per layout class: its kind ("char", "rect" …), and whether it is text, a char, a curve
_KINDS: dict[type, tuple[str, bool, bool, bool]] = {}


def _kind(cls: type) -> tuple[str, bool, bool, bool]:
    found = _KINDS[cls] = (
        lt_pat.sub("", cls.__name__).lower(),
        issubclass(cls, (LTChar, LTTextContainer)),
        issubclass(cls, LTChar),
        issubclass(cls, LTCurve),
    )
    return found


def _plain_or_tuple_of_plain(v: Any) -> bool:
    return type(v) in _PLAIN or (type(v) is tuple and _PLAIN.issuperset(map(type, v)))


def _value(v: Any) -> Any:
    """``resolve_all(v)``, without the recursion for plain values and for
    tuples or lists of them (or of tuples of them: a curve's points)."""
    t = type(v)
    if t is tuple or t is list:
        if _PLAIN.issuperset(map(type, v)) or all(map(_plain_or_tuple_of_plain, v)):
            return t(v)  # resolve_all builds an equal container (a new list; a tuple is immutable)
    elif t in _PLAIN:
        return v
    return resolve_all(v)


_COLOR_SPACES: dict[str, Any] = {}


def _color_space(name: Any) -> Any:
    """``resolve_and_decode(name)`` (a colour space's name), remembered per name."""
    if type(name) is not str:
        return resolve_and_decode(name)
    found = _COLOR_SPACES.get(name)
    if found is None:
        found = _COLOR_SPACES[name] = resolve_and_decode(name)
    return found


class _Builder:
    """What ``Page.process_object`` reads of the page, read once."""

    def __init__(self, page) -> None:
        self.page_number = page.page_number
        self.height = page.height
        self.mb_x0, self.mb_top = page.mediabox[:2]
        self.initial_doctop = page.initial_doctop
        self.unicode_norm = page.pdf.unicode_norm
        mb_x0, mb_top, height = self.mb_x0, self.mb_top, self.height
        # Page.point2coord, with the page's mediabox and height read once
        self.point2coord = lambda pt: (mb_x0 + pt[0], mb_top + height - pt[1])
        self.with_containers = page.pdf.laparams is not None

    def build(self, obj: Any) -> dict:
        attr = {k: v if type(v) in _PLAIN else _value(v) for k, v in obj.__dict__.items() if k in ALL_ATTRS}
        cls = obj.__class__
        kind, is_text, is_char, is_curve = _KINDS.get(cls) or _kind(cls)
        attr["object_type"] = kind
        attr["page_number"] = self.page_number
        for cs in ("ncs", "scs"):
            if hasattr(obj, cs):
                attr[cs] = _color_space(getattr(obj, cs).name)
        if is_text:
            text = obj.get_text()
            attr["text"] = normalize_unicode(self.unicode_norm, text) if self.unicode_norm is not None else text
        if is_char:
            gs = obj.graphicstate
            attr["stroking_color"] = gs.scolor if isinstance(gs.scolor, tuple) else (gs.scolor,)
            attr["non_stroking_color"] = gs.ncolor if isinstance(gs.ncolor, tuple) else (gs.ncolor,)
            if isinstance(attr["fontname"], bytes):  # pragma: no cover - rare byte-encoded font names
                attr["fontname"] = fix_fontname_bytes(attr["fontname"])
        elif is_curve:
            point2coord = self.point2coord
            attr["pts"] = list(map(point2coord, attr["pts"]))
            attr["path"] = [(cmd, *map(point2coord, pts)) for cmd, *pts in obj.original_path]
            attr["dash"] = obj.dashing_style
        if "y0" in attr:
            attr["top"] = (self.height - attr["y1"]) + self.mb_top
            attr["bottom"] = (self.height - attr["y0"]) + self.mb_top
            attr["doctop"] = self.initial_doctop + attr["top"]
        if "x0" in attr and self.mb_x0 != 0:
            attr["x0"] = attr["x0"] + self.mb_x0
            attr["x1"] = attr["x1"] + self.mb_x0
        return attr

    def walk(self, layout_objects: list) -> Iterator[dict]:
        for obj in layout_objects:
            if isinstance(obj, LTContainer):
                if self.with_containers:
                    yield self.build(obj)
                yield from self.walk(obj._objs)
            else:
                yield self.build(obj)


def parse_objects(page) -> dict[str, list[dict]]:
    """What ``page.parse_objects()`` returns for a pdfplumber ``Page``
    (not a cropped or filtered one), built faster."""
    objects: dict[str, list[dict]] = {}
    for obj in _Builder(page).walk(page.layout._objs):
        kind = obj["object_type"]
        if kind == "anno":
            continue
        objects.setdefault(kind, []).append(obj)
    return objects


def load_objects(page) -> None:
    """Build ``page``'s objects once, with :func:`parse_objects`, unless built."""
    if not hasattr(page, "_objects"):
        page._objects = parse_objects(page)
