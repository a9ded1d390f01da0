"""The briefing pack in headless Chromium (Playwright, Debian's /usr/bin/chromium).

The app runs on a store of briefing_store (four 区县 医疗保障局 and three made-up
finance bureaus).  Through the sidebar (so that the session, and the collection
in it, carries over) it collects two charts on 部门对比 and a table on 地区对比,
opens 汇报, downloads the PowerPoint and the Word file and opens both
(python-pptx / python-docx): slides, images, tables and source lines.  On the
way it checks the charts' toolbar tooltips and the pages' text for English, and
screenshots 部门对比, 地区对比 and 汇报 into tests/artifacts/."""
from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from briefing_store import build
from conftest import ARTIFACTS
from streamlit_server import CHROMIUM, serve
from test_browser import VIEWPORT, _no_exception, _screenshot, _settle
from ui_text import english_words

pytestmark = [pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} 不存在（apt-get install chromium）"),
              pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser_briefing")
    url = build(f"sqlite:///{tmp / 'store.db'}")
    with serve(tmp, url) as base:
        yield base


def _go(page, title: str) -> None:
    """Switch page through the sidebar (the same session, unlike a new URL)."""
    page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=30_000)
    _settle(page)
    _no_exception(page, title)


def _collect(page, key: str) -> None:
    button = page.locator(f".st-key-{key}-brief button").first
    button.wait_for(timeout=30_000)
    assert button.inner_text().strip().endswith("加入汇报")
    button.click()
    _settle(page)
    page.locator(f".st-key-{key}-brief button", has_text="已加入汇报").first.wait_for(timeout=30_000)


def _main_english(page) -> list[str]:
    """English words in the main area's text, less the names of material icons
    (drawn from ligatures: "image" shows as a picture)."""
    text = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=stMain]').cloneNode(true);"
        " m.querySelectorAll('[data-testid=stIconMaterial], style, script').forEach(e => e.remove());"
        " return m.textContent; }")
    return english_words(text)


def test_collect_two_charts_and_a_table_and_download_both_files(app_url, browser):
    started = time.monotonic()
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.goto(app_url)
    _settle(page)
    _no_exception(page, "概览")

    # ------------------------------------------------------------ 部门对比: two charts
    _go(page, "部门对比")
    page.locator(".st-key-peer_button button").first.click()
    _settle(page)
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=30_000)
    _collect(page, "compare-scale")
    _collect(page, "compare-basic")
    # the plotly toolbar speaks Chinese
    # (the tooltip is the ::after content of each button, from its data-title or our CSS)
    titles = page.locator('[data-testid="stPlotlyChart"]').first.locator(".modebar-btn").evaluate_all(
        "els => els.map(e => getComputedStyle(e, '::after').content.replace(/^\"|\"$/g, ''))")
    assert titles and all(t and not english_words(t) for t in titles), [t for t in titles if not t or english_words(t)]
    assert _main_english(page) == []
    _screenshot(page, "compare_peers")

    # ------------------------------------------------------------ 地区对比: a table
    _go(page, "地区对比")
    _collect(page, "regions-totals")
    assert _main_english(page) == []
    _screenshot(page, "regions")
    assert "已收集 3 项" in page.locator('[data-testid="stSidebar"]').inner_text()

    # ------------------------------------------------------------ 汇报: three items, two files
    _go(page, "汇报")
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "1. 本年支出合计：基本支出与项目支出（万元）" in main
    assert "2. 基本支出：人员经费与公用经费（万元）" in main and "3. " in main and "各地区" in main
    page.locator('[data-testid="stTextArea"] textarea').first.fill("四个区县医保局，香河为预算数")
    page.locator('[data-testid="stTextArea"] textarea').first.press("Tab")
    _settle(page)
    assert _main_english(page) == []
    _screenshot(page, "briefing")

    files = {}
    for label, ext in (("下载 PowerPoint（PPTX）", "pptx"), ("下载 Word（DOCX）", "docx")):
        with page.expect_download(timeout=120_000) as download:
            page.get_by_role("button", name=label).click()
        assert download.value.suggested_filename.endswith(f".{ext}")
        files[ext] = Path(download.value.path()).read_bytes()
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"briefing_download.{ext}").write_bytes(files[ext])
    context.close()

    from docx import Document
    from pptx import Presentation

    prs = Presentation(io.BytesIO(files["pptx"]))
    slides = list(prs.slides)
    texts = ["\n".join(sh.text_frame.text for sh in s.shapes if sh.has_text_frame) for s in slides]
    assert "部门预算决算分析汇报" in texts[0]
    pictures = [sh for s in slides for sh in s.shapes if sh.shape_type == 13]
    assert len(pictures) == 2 and all(p.image.size[0] >= 2000 for p in pictures)  # kaleido at 2×
    assert "说明：四个区县医保局，香河为预算数" in texts[1]
    tables = [sh.table for s in slides for sh in s.shapes if sh.has_table]
    assert tables and tables[0].cell(0, 0).text == "地区"
    for t in texts[1:]:
        assert "数据来源：" in t and "页" in t  # file and page under every item
    assert any(".pdf" in t for t in texts[1:])
    doc = Document(io.BytesIO(files["docx"]))
    paras = [p.text for p in doc.paragraphs]
    assert len(doc.inline_shapes) == 2 and len(doc.tables) == 1
    assert sum(1 for p in paras if p.startswith("数据来源：")) == 3
    assert "说明：四个区县医保局，香河为预算数" in paras
    assert time.monotonic() - started < 240


def test_streamlit_chrome_that_cannot_be_set_is_relabelled_by_our_css(browser):
    """Streamlit's running indicator ("Stop") and the fullscreen button it adds to
    every plotly toolbar take no setting; the shared CSS shows them in Chinese.
    The markup is Streamlit 1.67's, as captured from the running app."""
    from components.layout import _CSS

    page = browser.new_page()
    page.set_content(
        "<html><head>" + _CSS + "</head><body>"
        '<div data-testid="stStatusWidget"><span><button kind="header">Stop</button></span></div>'
        '<div class="modebar"><a class="modebar-btn" data-title="Fullscreen">x</a>'
        '<a class="modebar-btn" data-title="Close fullscreen">y</a></div></body></html>')
    after = page.evaluate(
        "() => [...document.querySelectorAll('button, .modebar-btn')].map("
        "e => [getComputedStyle(e, '::after').content, getComputedStyle(e).fontSize])")
    page.close()
    assert after[0] == ['"停止"', "0px"]
    assert after[1][0] == '"全屏"' and after[2][0] == '"退出全屏"'
