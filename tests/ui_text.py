"""What a page shows a person, as text, and the English words in it.

* :func:`page_texts` walks an AppTest tree: every element's label, body, help,
  placeholder and options; tab and expander labels; the headers and text cells
  of every table; and each chart's visible words (titles, axis titles, tick
  labels, trace names, printed text, hover templates).
* :func:`english_words` finds English words in a text, less the words of
  glossary/ui_english_allowlist.txt, file names, web addresses, HTML/CSS and
  plotly's template fields (``%{y:,.2f}``).
* :func:`year_axis_problems` names each chart axis that plots years without
  whole, unique year ticks (plotly would draw 2023.5 or 2024 twice).
"""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOWLIST_FILE = ROOT / "glossary" / "ui_english_allowlist.txt"

TEXT_FIELDS = {"label", "body", "help", "placeholder", "options", "text", "caption", "value_text", "title"}
SKIP_FIELDS = {"id", "icon", "type", "page", "page_script_hash", "deferred_file_id", "form_id", "spec", "config",
               "data", "url", "mime", "file_name", "key", "css", "element_id", "default", "arrow_data",
               "column_config", "column_order", "selection_mode", "format"}


def allowed_words() -> set[str]:
    words = set()
    for line in ALLOWLIST_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            words.add(line.split("\t")[0].strip().lower())
    return words


#: what is not prose, blanked (in this order) before the English words are counted
_NOT_PROSE = (
    re.compile(r"<style>.*?</style>", re.S),
    re.compile(r"[\w.\-（）()]+\.(?:pdf|xlsx|xls|docx|txt|md|json|png|svg|csv|pptx)\b", re.I),  # file names
    re.compile(r"https?://\S+|www\.\S+"),
    re.compile(r"</?[a-zA-Z][^>]*>"),  # tags
    re.compile(r"%\{[^}]*\}"),  # chart hover templates
    re.compile(r":material/[a-z_]+:"),  # icons
    # a check's rule id, quoted after its Chinese name for reference (各表本年支出合计一致（cross.total）)
    re.compile(r"\b[a-z]+(?:_[a-z]+)*\.[a-z]+(?:_[a-z]+)*\b"),
    # a code with digits in it (项目编码 13102424P00T2DG10004H, SHA-256)
    re.compile(r"[A-Za-z0-9]*\d[A-Za-z0-9]*"),
)
_WORD = re.compile(r"[A-Za-z]{2,}")


def english_words(text: str, allow: set[str] | None = None) -> list[str]:
    allow = allowed_words() if allow is None else allow
    text = str(text)
    for pattern in _NOT_PROSE:
        text = pattern.sub(" ", text)
    return [w for w in _WORD.findall(text) if w.lower() not in allow]


def _proto_texts(message, out: list[str]) -> None:
    for field, value in message.ListFields():
        name = field.name
        if name in SKIP_FIELDS:
            continue
        if field.type == field.TYPE_MESSAGE:
            for v in [value] if hasattr(value, "ListFields") else list(value):
                if hasattr(v, "ListFields"):
                    _proto_texts(v, out)
        elif field.type == field.TYPE_STRING and name in TEXT_FIELDS:
            out.extend([value] if isinstance(value, str) else list(value))


def figure_texts(fig: dict) -> list[str]:
    """The words a chart shows: titles, axis titles and tick labels, trace names,
    printed text and hover templates, legend title, annotations."""
    out: list[str] = []
    layout = fig.get("layout", {})

    def title(obj):
        t = obj.get("title") if isinstance(obj, dict) else None
        if isinstance(t, dict):
            return t.get("text")
        return t

    out.append(title(layout))
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            out.append(title(axis))
            out += [str(t) for t in axis.get("ticktext") or []]
    out.append(title(layout.get("legend", {})))
    out += [a.get("text") for a in layout.get("annotations", []) or []]
    for trace in fig.get("data", []):
        out.append(trace.get("name"))
        for k in ("text", "hovertemplate", "texttemplate"):
            v = trace.get(k)
            if isinstance(v, list):
                out += [str(x) for x in v]
            elif isinstance(v, str):
                out.append(v)
        for k in ("x", "y"):
            v = trace.get(k)
            if isinstance(v, list):
                out += [x for x in v if isinstance(x, str)]
    return [str(t) for t in out if t]


def page_texts(at) -> list[str]:
    """Every text an AppTest run shows (see the module docstring)."""
    out: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", "")
        if kind == "plotly_chart":
            out.extend(figure_texts(json.loads(proto.spec)))
        elif kind in ("dataframe", "table"):
            df = node.value
            out.extend(str(c) for c in df.columns)
            for col in df.columns:
                out.extend(v for v in df[col].tolist() if isinstance(v, str))
        elif proto is not None and hasattr(proto, "ListFields"):
            _proto_texts(proto, out)
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)

    walk(at._tree)
    return [t for t in out if t]


def plotly_specs(at) -> list[tuple[dict, dict]]:
    """(figure, config) of every chart on the page."""
    return [(json.loads(el.proto.spec), json.loads(el.proto.config or "{}")) for el in at.get("plotly_chart")]


def _is_year(v) -> bool:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return False
    return math.isfinite(f) and f == int(f) and 1990 <= f <= 2100


def year_axis_problems(fig: dict) -> list[str]:
    """Axes that plot years (every numeric value a whole number 1990–2100) but do
    not fix their ticks to those whole years, or repeat a tick label."""
    layout = fig.get("layout", {})
    problems = []
    values: dict[str, list] = {}
    for trace in fig.get("data", []):
        # the category (or time) axis: y of a horizontal bar, else x
        coord = "y" if trace.get("orientation") == "h" else "x"
        v = trace.get(coord)
        if isinstance(v, dict) and "bdata" in v:  # plotly's packed arrays
            import base64

            import numpy as np

            v = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).tolist()
        if not isinstance(v, list) or not v:
            continue
        axis_ref = trace.get(f"{coord}axis", coord)
        values.setdefault(coord + "axis" + axis_ref[1:], []).extend(v)
    for name, vals in values.items():
        numeric = [v for v in vals if not isinstance(v, str)]
        if not numeric or not all(_is_year(v) for v in numeric):
            continue
        axis = layout.get(name, {}) or {}
        if axis.get("type") == "category":
            continue
        ticks = axis.get("tickvals")
        if axis.get("tickmode") != "array" or not ticks:
            problems.append(f"{name}: years without fixed ticks")
            continue
        if not all(_is_year(t) for t in ticks):
            problems.append(f"{name}: a tick that is not a whole year: {ticks}")
        labels = [str(t) for t in (axis.get("ticktext") or ticks)]
        if len(set(labels)) != len(labels):
            problems.append(f"{name}: repeated tick labels {labels}")
    return problems
