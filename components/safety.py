"""Text from documents and users, made inert before it is rendered.

An agency name, a file name, a table title or a sentence quoted from a report
is data: it must not become a link, a heading, colour, LaTeX or HTML on the
page (``md``) or in a chart (``plot_text`` / ``sanitize_figure``).
"""
from __future__ import annotations

import html
import re
from typing import Any

# The marks that can start markup anywhere in a line: code, emphasis, links,
# HTML, LaTeX ($), strike-through, table cells; '_' only at a word's edge (inside
# a word, as in a file name '001_上海__局.pdf', it is no emphasis).
_MD_ANYWHERE = re.compile(r"([\\`*\[\]<>$~|])|((?<!\w)_|_(?!\w))")
# Streamlit's :colour[…] / :material/icon: / :emoji: directives
_DIRECTIVE = re.compile(r"(?<!\\):(?=[A-Za-z_/-]+(?::|\\?\[))")
# marks that are markup only at the start of a line: headings, lists, quotes
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")


def md(text: Any) -> str:
    """``text`` for st.markdown / st.success / st.caption …: shown as written."""
    if text is None:
        return ""
    out = _MD_ANYWHERE.sub(lambda m: "\\" + m.group(0), str(text).replace("\n", " "))
    out = _DIRECTIVE.sub(r"\\:", out)
    return _LINE_START.sub(_escape_line_start, out)


def _escape_line_start(m: re.Match) -> str:
    mark = m.group(2)
    if mark[0].isdigit():  # '1.' → '1\.'
        return m.group(1) + mark[:-1] + "\\" + mark[-1]
    return m.group(1) + "\\" + mark


# plotly draws a small set of HTML tags in any text; our own charts use these
_PLOTLY_TAGS = re.compile(r"<(/?)(br|b|i|em|sup|sub|extra|span)( [^<>]*)?\s*/?>", re.IGNORECASE)


_ANY_TAG = re.compile(r"<\s*/?\s*[A-Za-z!][^<>]*>")


def plot_text(text: str) -> str:
    """A string for a plotly figure: its tags kept if they are the harmless
    ones our charts use (<br>, <b>, <extra> …), any other tag made literal
    text; a '<' that starts no tag ('差<60') is left as it is."""

    def one(m: re.Match) -> str:
        tag = m.group(0)
        allowed = _PLOTLY_TAGS.fullmatch(tag)
        if allowed and not (allowed.group(3) and re.search(r"(?i)on\w+\s*=|href|src|url\(", allowed.group(3))):
            return tag
        return html.escape(tag)

    return _ANY_TAG.sub(one, text)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return plot_text(value) if "<" in value else value
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_clean(v) for v in value)
    return value


def sanitize_figure(fig):
    """``fig`` with every string in its data and layout passed through :func:`plot_text`."""
    import plotly.graph_objects as go

    spec = fig.to_dict()
    return go.Figure(_clean(spec))
