"""The app in headless Chromium (Playwright, Debian's /usr/bin/chromium).

Starts ``streamlit run app.py`` on a free port with a fresh store (no sample
loading), uploads a real report through 报告库, checks the list, opens 部门对比,
downloads a chart PNG and a table's Excel file, and screenshots every page at
1440×900 into tests/artifacts/ (plus a full-length ``*_full.png`` of each).
"""
from __future__ import annotations

import io
import shutil
import time
from pathlib import Path

import pytest

from conftest import ARTIFACTS, FIXTURES, REAL
from streamlit_server import CHROMIUM, serve

VIEWPORT = {"width": 1440, "height": 900}
UPLOADS = [REAL / "putuo-wanli-subdistrict-2024-budget.pdf", FIXTURES / "xianghe-2024-budget.pdf"]
PAGES = [  # url path, file stem of the screenshot
    ("", "overview"),
    ("library", "library"),
    ("compare", "compare"),
    ("trends", "trends"),
    ("budget_actual", "budget_actual"),
    ("performance", "performance"),
    ("quality", "quality"),
    ("regions", "regions_overview"),
    ("briefing", "briefing_empty"),
]

pytestmark = [pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} 不存在（apt-get install chromium）")]
try:  # keep the browser test on one worker under pytest-xdist
    import xdist  # noqa: F401

    pytestmark.append(pytest.mark.xdist_group("browser"))
except ImportError:  # pragma: no cover
    pass


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    try:
        with serve(tmp, f"sqlite:///{tmp / 'browser.db'}") as base:
            yield base
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(tmp / "streamlit.log", ARTIFACTS / "streamlit.log")


def _settle(page, timeout_s: float = 60) -> None:
    """Wait until the script run has finished (no running indicator) and the page is still."""
    page.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=timeout_s * 1000)
    deadline = time.monotonic() + timeout_s
    quiet_since = None
    while time.monotonic() < deadline:
        running = page.locator('[data-testid="stStatusWidget"]').count() > 0 or page.locator(
            '[data-testid="stSpinner"]'
        ).count() > 0
        if running:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 0.8:
            return
        time.sleep(0.15)
    raise AssertionError("page did not finish running")


def _nav_text(page, timeout_s: float = 15) -> str:
    """The sidebar navigation's text once it lists the Chinese page titles (or
    whatever it shows when ``timeout_s`` has passed)."""
    nav = page.locator('[data-testid="stSidebarNav"]')
    deadline = time.monotonic() + timeout_s
    text = ""
    while time.monotonic() < deadline:
        text = nav.inner_text() if nav.count() else ""
        if "概览" in text:
            return text
        time.sleep(0.2)
    return text


def _screenshot(page, stem: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size(VIEWPORT)
    page.screenshot(path=str(ARTIFACTS / f"page_{stem}.png"))
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=stMain]'); return m ? m.scrollHeight : 900; }"
    )
    page.set_viewport_size({"width": VIEWPORT["width"], "height": max(900, min(int(height) + 40, 8000))})
    time.sleep(0.6)
    page.screenshot(path=str(ARTIFACTS / f"page_{stem}_full.png"))
    page.set_viewport_size(VIEWPORT)


def _no_exception(page, where: str) -> None:
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, f"{where}: {errors.first.inner_text()[:800]}"


def test_upload_compare_download_and_screenshots(app_url, browser):
    started = time.monotonic()
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="zh-CN")
    page = context.new_page()

    # ------------------------------------------------------------ 报告库: upload
    page.goto(f"{app_url}/library")
    _settle(page)
    _no_exception(page, "报告库")
    # a first visit straight to a page URL still gets the real navigation (after the
    # page's one rerun through app.py, which may come after the first quiet moment)
    page.get_by_text("报告库是空的").wait_for(timeout=30_000)
    nav = _nav_text(page)
    assert [t for t in ("概览", "报告库", "部门对比", "年度趋势", "预决算对比", "绩效评分", "数据质检", "地区对比", "汇报")
            if t not in nav] == []
    assert "budget" not in nav and "library" not in nav
    assert page.get_by_text("报告库是空的").count() == 1
    page.locator('input[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(p) for p in UPLOADS])
    page.get_by_text("已保存的报告（2 份）").wait_for(timeout=90_000)
    _settle(page)
    _no_exception(page, "报告库（上传后）")
    alerts = page.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any("putuo-wanli-subdistrict-2024-budget.pdf" in a and "已保存" in a for a in alerts), alerts
    assert any("xianghe-2024-budget.pdf" in a and "已保存" in a for a in alerts), alerts
    listing = page.locator('[data-testid="stDataFrame"]').first
    for agency in ("上海市普陀区人民政府万里街道办事处", "香河县医疗保障局"):
        # the grid draws on a canvas; its accessible table holds the cell texts
        listing.locator(f'td:has-text("{agency}")').first.wait_for(state="attached", timeout=15_000)
    # the last stored upload is opened below the list, its id in the URL
    assert "doc=" in page.url
    assert page.get_by_role("heading", name="香河县医疗保障局 2024年部门预算（部门）").count() == 1
    _screenshot(page, "library_uploaded")

    # ------------------------------------------------------------ 部门对比
    page.goto(f"{app_url}/compare")
    _settle(page)
    _no_exception(page, "部门对比")
    agencies = page.locator('.st-key-agencies [data-testid="stMultiSelect"]').first
    if "上海市普陀区人民政府万里街道办事处" not in agencies.inner_text():
        agencies.click()
        page.get_by_role("option", name="上海市普陀区人民政府万里街道办事处").click()
        page.keyboard.press("Escape")
        _settle(page)
    assert "上海市普陀区人民政府万里街道办事处" in agencies.inner_text()
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=30_000)

    png_button = page.get_by_role("button", name="下载 PNG 图片").first
    t0 = time.monotonic()
    with page.expect_download(timeout=60_000) as download:
        png_button.click()
    png_path = download.value.path()
    first_png = time.monotonic() - t0
    data = Path(png_path).read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    image.verify()
    assert download.value.suggested_filename.endswith(".png")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "compare_download.png").write_bytes(data)

    t0 = time.monotonic()
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="下载 PNG 图片").nth(1).click()
    second_png = time.monotonic() - t0
    assert Path(download.value.path()).read_bytes().startswith(b"\x89PNG")
    print(f"PNG download in the browser: first {first_png:.2f}s, second {second_png:.2f}s")

    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="下载 Excel").first.click()
    from openpyxl import load_workbook

    xlsx = Path(download.value.path()).read_bytes()
    (ARTIFACTS / "compare_download.xlsx").write_bytes(xlsx)
    wb = load_workbook(io.BytesIO(xlsx))
    ws = wb.active
    assert ws.freeze_panes == "A2"
    assert all(c.font.b for c in ws[1] if c.value is not None)
    values = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert any("上海市普陀区人民政府万里街道办事处" in v for v in values)
    assert any(v.startswith("数据来源：") for v in values)

    # ------------------------------------------------------------ every page
    for path, stem in PAGES:
        page.goto(f"{app_url}/{path}")
        _settle(page)
        _no_exception(page, stem)
        _screenshot(page, stem)

    context.close()
    assert time.monotonic() - started < 150
