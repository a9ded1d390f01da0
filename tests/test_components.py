"""components.layout and components.export: formatting, Excel/CSV exports,
chart images rendered by kaleido, and the chart/table pieces in a running app."""
from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from openpyxl import load_workbook

from components.export import (
    csv_bytes,
    excel_bytes,
    export_available,
    figure_png,
    figure_svg,
    neutralise,
    sheet_title,
    source_line,
)
from components.layout import fmt_number, fmt_pct, fmt_wan

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
needs_chromium = pytest.mark.skipif(not export_available(), reason="没有 Chromium（/usr/bin/chromium），kaleido 无法导出图片")


# --------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    "value, expected",
    [
        (Decimal("6570.38"), "6,570.38 万元"),
        (Decimal("17334.3"), "17,334.30 万元"),
        (Decimal("2569.81145"), "2,569.81 万元"),
        (Decimal("0.005"), "0.01 万元"),  # half up, not banker's rounding
        (1234567.891, "1,234,567.89 万元"),
        ("-12.5", "-12.50 万元"),
        (0, "0.00 万元"),
        (None, "—"),
        (float("nan"), "—"),
        (pd.NA, "—"),
        ("", "—"),
    ],
)
def test_fmt_wan(value, expected):
    assert fmt_wan(value) == expected


def test_fmt_pct_and_number():
    assert fmt_pct(Decimal("95.6")) == "95.60%"
    assert fmt_pct(0.956, ratio=True) == "95.60%"
    assert fmt_pct(None) == "—"
    assert fmt_number(Decimal("17334.30"), 0) == "17,334"


# --------------------------------------------------------------------------- neutralising


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("-12.50", "-12.50"),  # a plain signed number stays as printed
        ("-1,234.50", "-1,234.50"),
        ("-", "-"),  # the dash tables print for “none”
        ("香河县医疗保障局", "香河县医疗保障局"),
        ("", ""),
        (None, None),
        (Decimal("-3.2"), Decimal("-3.2")),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_sheet_title():
    assert sheet_title("部门对比/2024:金额") == "部门对比_2024_金额"
    assert len(sheet_title("很长" * 40)) == 31
    assert sheet_title("") == "数据"


def test_source_line():
    assert source_line("xianghe-2024-budget.pdf，第2页") == "数据来源：xianghe-2024-budget.pdf，第2页"
    assert source_line("数据来源：x") == "数据来源：x"
    assert source_line("") == ""


# --------------------------------------------------------------------------- Excel / CSV


def _sample_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "部门": ["香河县医疗保障局", "=SUM(A1)", "青龙满族自治县医疗保障局"],
            "年度": [2024, 2024, 2023],
            "本年支出合计": [Decimal("6570.38"), None, Decimal("17336.07")],
            "说明": ["+注意", "@x", "-3.20"],
            "上传时间": [pd.Timestamp("2024-03-01 08:00", tz="UTC"), pd.NaT, pd.Timestamp("2024-10-01 10:30")],
        }
    )


def test_excel_bytes_reopened():
    data = excel_bytes(
        _sample_frame(),
        source="xianghe-2024-budget.pdf，第3页",
        sheet_name="部门对比",
        money_columns=["本年支出合计"],
    )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "excel_bytes.xlsx").write_bytes(data)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["部门对比"]
    ws = wb["部门对比"]
    # header: bold and frozen
    assert [c.value for c in ws[1]] == ["部门", "年度", "本年支出合计", "说明", "上传时间"]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    # money: a number with 千分位 format, exact value
    money = ws["C2"]
    assert money.data_type == "n"
    assert money.number_format == "#,##0.00"
    assert Decimal(str(money.value)) == Decimal("6570.38")
    assert ws["C4"].value == pytest.approx(17336.07)
    assert ws["C3"].value is None  # blank stays blank, never 0
    assert ws["B2"].value == 2024 and ws["B2"].data_type == "n"
    # formula-looking text is neutralised and stays text (no formula written)
    assert ws["A3"].value == "'=SUM(A1)"
    assert ws["A3"].data_type == "s"
    assert ws["D2"].value == "'+注意"
    assert ws["D3"].value == "'@x"
    assert ws["D4"].value == "-3.20"
    assert ws["E2"].value == "2024-03-01 08:00"
    # notes under the table: unit and source
    notes = [ws.cell(row=r, column=1).value for r in range(5, ws.max_row + 1)]
    assert "金额单位：万元" in notes
    assert "数据来源：xianghe-2024-budget.pdf，第3页" in notes
    formulas = [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_csv_bytes_bom_and_neutralised():
    data = csv_bytes(_sample_frame())
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["部门", "年度", "本年支出合计", "说明", "上传时间"]
    assert rows[1][0] == "香河县医疗保障局"
    assert rows[1][2] == "6570.38"
    assert rows[2][0] == "'=SUM(A1)"
    assert rows[2][3] == "'@x"
    assert rows[1][3] == "'+注意"
    assert rows[3][3] == "-3.20"


# --------------------------------------------------------------------------- chart images


def _figure() -> go.Figure:
    fig = go.Figure(
        go.Bar(
            x=["香河县医疗保障局", "青龙满族自治县医疗保障局", "平顶山市石龙区医疗保障局"],
            y=[6570.38, 17336.07, 193.86],
        )
    )
    fig.update_layout(title="本年支出合计（万元）", yaxis_title="万元")
    return fig


@needs_chromium
def test_figure_png_is_an_image_with_the_source_strip():
    from PIL import Image

    source = "香河县医疗保障局 2024年部门预算（xianghe-2024-budget.pdf），第3页"
    png = figure_png(_figure(), source)
    assert png.startswith(PNG_MAGIC)
    image = Image.open(io.BytesIO(png))
    image.verify()
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.width == 2400  # 1200 layout px at scale 2
    assert image.height > 1280  # the chart plus the source strip
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "figure_png.png").write_bytes(png)

    # The server stays warm: another figure goes through the same browser.
    from components import chart_images

    renderer = chart_images._RENDERER
    assert renderer is not None
    other = _figure().update_layout(title="第二张图")
    png2 = figure_png(other, source)
    assert png2.startswith(PNG_MAGIC) and png2 != png
    assert chart_images._RENDERER is renderer
    # the same figure again comes from the cache: nothing is rendered
    rendered = []
    original = chart_images._kaleido_render
    chart_images._kaleido_render = lambda *a, **k: rendered.append(a) or original(*a, **k)
    try:
        assert figure_png(other, source) == png2
    finally:
        chart_images._kaleido_render = original
    assert rendered == []


@needs_chromium
def test_figure_png_text_is_drawn_not_tofu():
    """The Chinese title renders with glyphs: two different titles give
    different pixels in the title area (tofu boxes would look alike)."""
    from PIL import Image, ImageChops

    def title_area(title: str):
        fig = go.Figure(go.Bar(x=[1], y=[1])).update_layout(title=title)
        image = Image.open(io.BytesIO(figure_png(fig))).convert("L")
        return image.crop((0, 0, 1200, 160))

    a, b = title_area("医疗保障"), title_area("财政拨款")
    assert ImageChops.difference(a, b).getbbox() is not None


@needs_chromium
def test_figure_svg_carries_font_and_source():
    svg = figure_svg(_figure(), "qinglong-2023-final.pdf，第6页").decode("utf-8")
    assert svg.lstrip().startswith("<svg")
    assert "Noto Sans CJK SC" in svg
    assert "数据来源：qinglong-2023-final.pdf，第6页" in svg
    assert "青龙满族自治县医疗保障局" in svg
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "figure_svg.svg").write_text(svg, encoding="utf-8")


# --------------------------------------------------------------------------- in a running app


def _component_script():
    from decimal import Decimal

    import pandas as pd
    import plotly.graph_objects as go

    from components.export import chart, table
    from components.layout import kpi_row, page_setup

    page_setup("组件测试")
    kpi_row([("本年支出合计", "6,570.38 万元", "收支总表"), ("项目数", "19 个", None)])
    fig = go.Figure(go.Bar(x=["香河县医疗保障局"], y=[6570.38]))
    chart(fig, "t-chart", source="xianghe-2024-budget.pdf，第3页", file_stem="支出")
    df = pd.DataFrame({"agency": ["香河县医疗保障局"], "year": [2024], "total": [Decimal("6570.38")]})
    table(df, "t-table", source="xianghe-2024-budget.pdf，第3页", file_stem="支出表", money_columns=["total"])


def test_chart_and_table_render_in_app():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_component_script, default_timeout=30).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "组件测试"
    assert [m.value for m in at.metric] == ["6,570.38 万元", "19 个"]
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["下载 PNG 图片", "下载 SVG 矢量图", "下载 Excel", "下载 CSV"]
    captions = [c.value for c in at.caption]
    assert captions.count("数据来源：xianghe-2024-budget.pdf，第3页") == 2
    df = at.dataframe[0].value
    assert list(df.columns) == ["部门", "年度", "合计"]  # Chinese headers
    assert df.iloc[0]["合计"] == pytest.approx(6570.38)


def _formats_script():
    from decimal import Decimal

    import pandas as pd

    from components.export import table

    df = pd.DataFrame({
        "部门": ["甲局", "乙局"],
        "本年支出合计": [Decimal("6570.38"), Decimal("-0.001")],
        "执行率（%）": [Decimal("100"), Decimal("77.13")],
        "“三公”占比%": [Decimal("0.0521"), Decimal("0.1")],
        "自评得分": [Decimal("98"), Decimal("94.7")],
        "分值": [Decimal("20"), Decimal("6")],
    })
    table(df, "f-table", source="a.pdf", file_stem="格式", money_columns=["本年支出合计"],
          columns={"部门": {"width": 120, "help": "部门全称"}}, unit_in_header=False, row_height=70)


def test_table_number_formats_widths_and_unit_caption():
    import json

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_formats_script, default_timeout=30).run()
    assert not at.exception, at.exception
    df = at.dataframe[0].value
    assert df["本年支出合计"].tolist() == [pytest.approx(6570.38), 0.0]  # no "-0.00"
    config = json.loads(at.dataframe[0].proto.columns)
    fmt = {name: c.get("type_config", {}).get("format") for name, c in config.items()}
    assert fmt["本年支出合计"] == "%,.2f" and config["本年支出合计"].get("label") in (None, "本年支出合计")
    assert fmt["执行率（%）"] == "%.2f"  # 100 and 77.13 both with two places
    assert fmt["“三公”占比%"] == "%.4f"  # a share printed to four places keeps them
    assert fmt["自评得分"] == "%.2f" and fmt["分值"] == "%.0f"
    assert config["部门"]["width"] == 120 and config["部门"]["help"] == "部门全称"
    assert at.dataframe[0].proto.row_height == 70
    assert [c.value for c in at.caption] == ["金额单位：万元。数据来源：a.pdf"]


def test_source_caption_shortens_a_long_source_and_keeps_it_whole_in_the_tooltip():
    from components.export import SOURCE_SHOWN_CHARS, source_caption

    short = "数据来源：a.pdf，第3页"
    assert source_caption(short) == (short, None)
    parts = [f"第{i}个部门 2024年部门预算（file-{i}.pdf）《收支总表》等6张表，第3–9页" for i in range(5)]
    long = "数据来源：" + "；".join(parts)
    shown, full = source_caption(long)
    assert full == long and len(shown) < len(long)
    assert shown.startswith("数据来源：第0个部门") and "等 5 处" in shown
    one_part = "数据来源：" + "很长" * SOURCE_SHOWN_CHARS
    shown, full = source_caption(one_part)
    assert full == one_part and "…" in shown


# --------------------------------------------------------------------------- figure builders (components/charts.py)


def test_stacked_bars_keep_the_order_print_totals_and_leave_room_for_them():
    from components import charts

    cats = ["香河县医疗保障局<br>（2024年部门预算）", "青龙满族自治县医疗保障局<br>（2023年部门决算）"]
    fig = charts.hbar_stacked(cats, [("基本支出", [Decimal("1136.05"), Decimal("407.89")]),
                                     ("项目支出", [Decimal("5434.33"), Decimal("16928.18")])],
                              totals=[Decimal("6570.38"), Decimal("17336.07")], title="本年支出合计（万元）")
    bars = [t for t in fig.data if t.type == "bar"]
    assert [b.name for b in bars] == ["基本支出", "项目支出"] and bars[0].orientation == "h"
    assert list(bars[1].text) == ["5,434.33", "16,928.18"] and bars[1].textangle == 0
    totals = [t for t in fig.data if t.type == "scatter"][0]
    assert [t.strip() for t in totals.text] == ["合计 6,570.38", "合计 17,336.07"] and totals.cliponaxis is False
    assert fig.layout.xaxis.range[1] > 17336.07 * 1.15  # room for the printed total
    assert list(fig.layout.yaxis.categoryarray) == cats and fig.layout.yaxis.autorange == "reversed"
    assert fig.layout.yaxis.title.text is None  # the unit is in the title, not a sideways axis title
    shares = charts.hbar_stacked(cats, [("208", [40, 2]), ("210", [60, 98])], title="结构", percent=True)
    assert list(shares.layout.xaxis.range) == [0, 100] and list(shares.data[0].text) == ["40.0%", "2.0%"]


def test_bar_labels_and_legend_rows():
    from components import charts

    fig = charts.hbar(["甲", "乙", "丙"], [-1334.75, -200, 40.31], title="增减（万元）")
    assert list(fig.data[0].textposition) == ["inside", "outside", "outside"]
    assert list(fig.data[0].text) == ["-1,334.75", "-200.00", "40.31"]
    low, high = fig.layout.xaxis.range
    assert low < -1334.75 and high > 40.31
    grouped = charts.hbar_grouped(["甲", "乙"], [("预算数", [76.43, 30]), ("决算数", [46.21, None])], title="“三公”")
    assert list(grouped.data[1].text) == ["46.21", ""] and grouped.layout.barmode == "group"
    assert charts.legend_rows(["208 社会保障和就业支出"] * 3) == 1
    assert charts.legend_rows(["208 社会保障和就业支出"] * 9) == 3


def test_original_page_rendered_for_a_finding():
    from PIL import Image
    import io as _io

    from components.original import render_page
    from conftest import FIXTURES

    data = (FIXTURES / "shilong-2023-budget.pdf").read_bytes()
    png = render_page(data, 3)
    image = Image.open(_io.BytesIO(png))
    assert image.format == "PNG" and image.size[0] > 500
    assert render_page(data, 999) is None
    assert render_page(b"not a pdf", 1) is None


def test_an_export_whose_browser_cannot_start_fails_in_time_instead_of_hanging(monkeypatch):
    import time

    import threading

    from components import chart_images

    # a warm-up an earlier test started in the background must not hand us its browser
    for thread in threading.enumerate():
        if thread.name == "kaleido-warm-up":
            thread.join(120)
    monkeypatch.setattr(chart_images, "START_TIMEOUT_S", 20)
    monkeypatch.setattr(chart_images, "_RENDERER", None)
    monkeypatch.setenv("BROWSER_PATH", "/bin/false")
    start = time.monotonic()
    with pytest.raises(RuntimeError):
        chart_images._kaleido_render({"data": [], "layout": {}}, "png", 100, 100, 1)
    assert time.monotonic() - start < 60
    monkeypatch.setattr(chart_images, "_RENDERER", None)


def test_text_from_documents_is_made_inert():
    from components.safety import md, plot_text, sanitize_figure

    assert md("**加粗**[点我](javascript:x)") == "\\*\\*加粗\\*\\*\\[点我\\](javascript:x)"
    assert md("$x$ :red[红] <b>x</b>") == "\\$x\\$ \\:red\\[红\\] \\<b\\>x\\</b\\>"
    assert md("# 标题") == "\\# 标题" and md("1. 列表") == "1\\. 列表"
    assert md("001_上海__局.pdf 与 12:30") == "001_上海__局.pdf 与 12:30"  # nothing to escape in a plain name
    assert plot_text("<a href='j'>x</a><br><b>粗</b>差<60") == "&lt;a href=&#x27;j&#x27;&gt;x&lt;/a&gt;<br><b>粗</b>差<60"
    assert plot_text("<span onclick='x'>y</span>").startswith("&lt;span")
    import plotly.graph_objects as go

    fig = sanitize_figure(go.Figure(go.Bar(x=["<img src=x onerror=1>局"], y=[1], name="<a href='x'>n</a>"),
                                    layout={"title": {"text": "标题<br>第二行"}}))
    assert fig.data[0].x[0] == "&lt;img src=x onerror=1&gt;局" and fig.data[0].name.startswith("&lt;a")
    assert fig.layout.title.text == "标题<br>第二行"
