"""Charts as images: the shared plotly style (Noto Sans CJK SC, colours, 千分位),
PNG / SVG rendered on the server by kaleido with the system Chromium (one warm
renderer thread with timeouts), the source line printed under the image."""
from __future__ import annotations

import hashlib
import html
import io
import os
import re
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

# Streamlit's plotly module sets pio.templates.default = "streamlit" when it is
# first imported; import it now so that our default, set below, comes after.
import streamlit.elements.plotly_chart  # noqa: E402,F401

from components.source_lines import source_line  # noqa: E402
from components.table_files import is_wide  # noqa: E402

# --------------------------------------------------------------------------- style

FONT_FAMILY = "Noto Sans CJK SC"
FONT_STACK = f"{FONT_FAMILY}, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
)
COLORWAY = ["#2F5D8A", "#E07B39", "#3A9E8F", "#C44E52", "#8172B2", "#937860", "#DA8BC3", "#8C8C8C", "#CCB974", "#64B5CD"]
TEMPLATE_NAME = "budgetlens"

pio.templates[TEMPLATE_NAME] = go.layout.Template(
    layout=dict(
        font=dict(family=FONT_STACK, size=14, color="#1F2933"),
        title=dict(font=dict(family=FONT_STACK, size=18)),
        hoverlabel=dict(font=dict(family=FONT_STACK)),
        colorway=COLORWAY,
        separators=".,",
        # 15000 -> "15,000" (not "15k"); values on the y axis get 千分位 from
        # 1,000 up; 4-digit numbers on the x axis (years) stay "2024"
        xaxis=dict(exponentformat="none"),
        yaxis=dict(exponentformat="none", separatethousands=True),
        legend=dict(title=dict(font=dict(family=FONT_STACK))),
    )
)
pio.templates.default = f"plotly_white+{TEMPLATE_NAME}"

EXPORT_WIDTH = 1200
EXPORT_HEIGHT = 640
PNG_SCALE = 2
FOOTER_PX = 40  # height of the source strip under an exported chart (layout px)


# --------------------------------------------------------------------------- kaleido


_KALEIDO_LOCK = threading.Lock()
_WARM_STARTED = False
_CACHE_LOCK = threading.Lock()
_IMAGE_CACHE: OrderedDict[str, bytes] = OrderedDict()
_IMAGE_CACHE_SIZE = 64


def browser_path() -> str | None:
    """The Chromium kaleido uses: ``BROWSER_PATH``, else Debian's /usr/bin/chromium."""
    path = os.environ.get("BROWSER_PATH")
    if path and Path(path).exists():
        return path
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"):
        if Path(candidate).exists():
            os.environ["BROWSER_PATH"] = candidate
            return candidate
    return None


def export_available() -> bool:
    return browser_path() is not None


# Seconds to wait for Chromium to start, and for one figure to render, before
# the renderer is taken down and the export reported as failed (never a hang).
START_TIMEOUT_S = 60
RENDER_TIMEOUT_S = 90


class _Renderer:
    """One Chromium (through kaleido) on its own event loop in a daemon thread.

    kaleido's own sync server waits without a limit: if its browser fails to
    start or dies, every later export hangs.  Here each render waits at most
    :data:`RENDER_TIMEOUT_S`; a renderer that fails is closed and the next
    export starts a fresh one.
    """

    def __init__(self) -> None:
        import asyncio

        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self.kaleido = None
        self.stopped = None
        self.thread = threading.Thread(target=self._run, name="kaleido-renderer", daemon=True)
        self.thread.start()
        if not self.ready.wait(START_TIMEOUT_S):
            self.close()
            raise RuntimeError("Chromium 启动超时，无法导出图片")
        if self.error is not None:
            raise RuntimeError(f"Chromium 无法启动：{self.error}") from self.error

    def _run(self) -> None:
        import asyncio

        import kaleido

        asyncio.set_event_loop(self.loop)

        async def serve() -> None:
            try:
                # mathjax=False: no request to a CDN; the charts use no LaTeX.
                async with kaleido.Kaleido(mathjax=False, timeout=RENDER_TIMEOUT_S) as k:
                    self.kaleido = k
                    self.stopped = self.loop.create_future()
                    self.ready.set()
                    await self.stopped
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                self.error = exc
                self.ready.set()

        try:
            self.loop.run_until_complete(serve())
        finally:
            self.loop.close()

    def render(self, fig_dict: dict, opts: dict) -> bytes:
        import asyncio

        future = asyncio.run_coroutine_threadsafe(self.kaleido.calc_fig(fig_dict, opts=opts), self.loop)
        try:
            return future.result(RENDER_TIMEOUT_S + 5)
        except TimeoutError:
            future.cancel()
            raise RuntimeError("导出图片超时") from None

    def close(self) -> None:
        def stop() -> None:
            if self.stopped is not None and not self.stopped.done():
                self.stopped.set_result(None)

        try:
            self.loop.call_soon_threadsafe(stop)
        except RuntimeError:  # the loop already closed
            pass
        self.thread.join(10)


_RENDERER: _Renderer | None = None


def _renderer() -> _Renderer:
    """The process's renderer, started on first use. Call under the lock."""
    global _RENDERER
    if _RENDERER is None:
        if browser_path() is None:
            raise RuntimeError("服务器上没有可用的 Chromium，无法导出图片")
        _RENDERER = _Renderer()
    return _RENDERER


def _drop_renderer() -> None:
    global _RENDERER
    if _RENDERER is not None:
        _RENDERER.close()
    _RENDERER = None


def _kaleido_render(fig_dict: dict, fmt: str, width: int, height: int, scale: float) -> bytes:
    opts = dict(format=fmt, width=width, height=height, scale=scale)
    with _KALEIDO_LOCK:  # one figure at a time through the one browser
        try:
            return _renderer().render(fig_dict, opts)
        except Exception:
            # A crashed or stuck browser: a fresh one, and one more try.
            _drop_renderer()
            return _renderer().render(fig_dict, opts)


def warm_up(background: bool = True) -> None:
    """Start kaleido and render a tiny figure so the first real export is quick."""
    global _WARM_STARTED
    if _WARM_STARTED or not export_available():
        return
    _WARM_STARTED = True

    def run() -> None:
        try:
            _kaleido_render(go.Figure(go.Bar(x=["预热"], y=[1])).to_dict(), "png", 200, 100, 1)
        except Exception:  # noqa: BLE001 - a download will report the problem
            pass

    if background:
        threading.Thread(target=run, name="kaleido-warm-up", daemon=True).start()
    else:
        run()


# --------------------------------------------------------------------------- figures


def export_figure(fig: go.Figure, width: int | None = None, height: int | None = None) -> go.Figure:
    """A copy of ``fig`` styled for export: our template's fonts (Noto Sans CJK
    SC), a white background, a fixed size."""
    out = go.Figure(fig)
    out.update_layout(
        font_family=FONT_STACK,
        title_font_family=FONT_STACK,
        hoverlabel_font_family=FONT_STACK,
        width=width or fig.layout.width or EXPORT_WIDTH,
        height=height or fig.layout.height or EXPORT_HEIGHT,
    )
    if out.layout.paper_bgcolor is None:
        out.update_layout(paper_bgcolor="white")
    return out


def _fig_key(fig: go.Figure, source: str, fmt: str) -> tuple[str, dict, int, int]:
    out = export_figure(fig)
    fig_json = out.to_json()
    key = hashlib.sha256(f"{fmt}\n{source}\n{fig_json}".encode("utf-8")).hexdigest()
    return key, out.to_dict(), int(out.layout.width), int(out.layout.height)


def _cached_render(fig: go.Figure, source: str, fmt: str) -> bytes:
    key, fig_dict, width, height = _fig_key(fig, source, fmt)
    with _CACHE_LOCK:
        hit = _IMAGE_CACHE.get(key)
        if hit is not None:
            _IMAGE_CACHE.move_to_end(key)
            return hit
    if fmt == "png":
        data = _kaleido_render(fig_dict, "png", width, height, PNG_SCALE)
        data = _png_with_footer(data, source_line(source), PNG_SCALE)
    else:
        data = _kaleido_render(fig_dict, "svg", width, height, 1)
        data = _svg_with_footer(data, source_line(source))
    with _CACHE_LOCK:
        _IMAGE_CACHE[key] = data
        while len(_IMAGE_CACHE) > _IMAGE_CACHE_SIZE:
            _IMAGE_CACHE.popitem(last=False)
    return data


def figure_png(fig: go.Figure, source: str = "") -> bytes:
    """The figure as PNG bytes (1200×640 layout px at scale 2), with the source
    line printed in a strip under the chart."""
    return _cached_render(fig, source, "png")


def figure_svg(fig: go.Figure, source: str = "") -> bytes:
    """The figure as SVG bytes, with the source line as a text under the chart."""
    return _cached_render(fig, source, "svg")


@lru_cache(maxsize=8)
def _footer_font(size: int):
    from PIL import ImageFont

    for path in FONT_FILES:
        if not Path(path).exists():
            continue
        for index in range(8):
            try:
                font = ImageFont.truetype(path, size=size, index=index)
            except OSError:
                break
            if font.getname()[0] == FONT_FAMILY:
                return font
        return ImageFont.truetype(path, size=size)
    return ImageFont.load_default(size=size)


def _png_with_footer(png: bytes, text: str, scale: float) -> bytes:
    if not text:
        return png
    from PIL import Image, ImageDraw

    chart = Image.open(io.BytesIO(png)).convert("RGB")
    font = _footer_font(int(13 * scale))
    pad = int(16 * scale)
    draw_probe = ImageDraw.Draw(chart)
    lines = _wrap(text, lambda s: draw_probe.textlength(s, font=font), chart.width - 2 * pad)
    line_h = int(20 * scale)
    footer = max(int(FOOTER_PX * scale), int(len(lines) * line_h + 14 * scale))
    out = Image.new("RGB", (chart.width, chart.height + footer), "white")
    out.paste(chart, (0, 0))
    draw = ImageDraw.Draw(out)
    y = chart.height + int(6 * scale)
    for line in lines:
        draw.text((pad, y), line, font=font, fill=(97, 110, 124))
        y += line_h
    buf = io.BytesIO()
    out.save(buf, format="PNG", compress_level=3)
    return buf.getvalue()


def _wrap(text: str, width_of, max_width: float) -> list[str]:
    lines, current = [], ""
    for ch in text:
        if current and width_of(current + ch) > max_width:
            lines.append(current)
            current = ch
        else:
            current += ch
    if current:
        lines.append(current)
    return lines or [""]


_SVG_ROOT = re.compile(rb"<svg\b[^>]*>")


def _svg_with_footer(svg: bytes, text: str) -> bytes:
    if not text:
        return svg
    root = _SVG_ROOT.search(svg)
    if root is None:
        return svg
    tag = root.group(0).decode("utf-8")
    w = re.search(r'\bwidth="([\d.]+)"', tag)
    h = re.search(r'\bheight="([\d.]+)"', tag)
    if not (w and h):
        return svg
    width, height = float(w.group(1)), float(h.group(1))
    # ~13px CJK glyphs: wrap by an estimated width (CJK = 1 em, others 0.55 em)
    lines = _wrap(text, lambda s: sum(13 if is_wide(c) else 7.2 for c in s), width - 32)
    footer = max(FOOTER_PX, len(lines) * 20 + 14)
    new_h = height + footer
    new_tag = re.sub(r'\bheight="[\d.]+"', f'height="{_num(new_h)}"', tag, count=1)
    new_tag = re.sub(r'\bviewBox="[^"]*"', f'viewBox="0 0 {_num(width)} {_num(new_h)}"', new_tag, count=1)
    parts = [
        f'<rect x="0" y="{_num(height)}" width="{_num(width)}" height="{_num(footer)}" style="fill: rgb(255, 255, 255);"/>'
    ]
    y = height + 20
    for line in lines:
        parts.append(
            f'<text class="budgetlens-source" x="16" y="{_num(y)}" '
            f'style="font-family: {html.escape(FONT_STACK)}; font-size: 13px; fill: rgb(97, 110, 124);">'
            f"{html.escape(line)}</text>"
        )
        y += 20
    body = svg[: root.start()] + new_tag.encode("utf-8") + svg[root.end():]
    close = body.rfind(b"</svg>")
    return body[:close] + "".join(parts).encode("utf-8") + body[close:]


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"


