"""The source line under every chart and table: ``数据来源：…`` with file and
page, cut on screen when long (the whole in a tooltip and in every export)."""
from __future__ import annotations

SOURCE_PREFIX = "数据来源："

#: tooltip; exports always carry it in full)
SOURCE_SHOWN_CHARS = 150


def source_caption(line: str) -> tuple[str, str | None]:
    """(text to show, tooltip) for a source line: a long one is cut after its
    first part (parts are separated by ``；``) and the whole goes in the tooltip."""
    if len(line) <= SOURCE_SHOWN_CHARS:
        return line, None
    parts = [p for p in line.split("；") if p]
    first = parts[0] if len(parts[0]) <= SOURCE_SHOWN_CHARS else parts[0][:SOURCE_SHOWN_CHARS].rstrip() + "…"
    more = f"等 {len(parts)} 处" if len(parts) > 1 else ""
    return f"{first}{'；' if more else ''}{more}（完整出处见右侧 ? 提示，下载的图片和表格中也有）", line


def source_line(source: str) -> str:
    """``"香河县医疗保障局2024年部门预算，第2页"`` -> ``"数据来源：香河县…，第2页"``."""
    text = (source or "").strip()
    if not text:
        return ""
    if text.startswith(("数据来源", "来源：", "来源:")):
        return text
    return SOURCE_PREFIX + text


