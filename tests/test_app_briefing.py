"""Peer groups (部门对比, 年度趋势), the region view (地区对比) and the briefing
pack (汇报) through app.py in AppTest, on the small store of briefing_store."""
from __future__ import annotations

import io
from decimal import Decimal
from statistics import median

import pytest
from streamlit.testing.v1 import AppTest

from briefing_store import BEIDAIHE, MEDICAL_PEERS, QINGLONG, SEEDS, SHILONG, XIANGHE, build, truth_total
from components import briefing, briefing_files
from conftest import ROOT

APP = ROOT / "app.py"
TIMEOUT = 120
pytestmark = pytest.mark.xdist_group(name="app_briefing")


@pytest.fixture(scope="module")
def store_url(tmp_path_factory) -> str:
    return build(f"sqlite:///{tmp_path_factory.mktemp('briefing') / 'store.db'}")


def run_page(page: str, url: str, monkeypatch, **query) -> AppTest:
    monkeypatch.setenv("BUDGETLENS_DATABASE_URL", url)
    monkeypatch.setenv("BUDGETLENS_NO_SAMPLES", "1")
    monkeypatch.setattr("components.export.export_available", lambda: False)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page(page)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frame_with(at: AppTest, *columns: str):
    return next(df.value for df in at.dataframe if all(c in df.value.columns for c in columns))


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


# --------------------------------------------------------------------------- 部门对比: peers


def test_compare_picks_the_peer_group_in_one_click(store_url, monkeypatch):
    at = run_page("views/compare.py", store_url, monkeypatch)
    # the anchor with the most peers: one of the four 区县 医疗保障局
    assert at.selectbox(key="peer_of").value in MEDICAL_PEERS
    assert at.button(key="peer_button").label == "同类同级（4 个）"
    _ok(at.button(key="peer_button").click().run())
    assert at.multiselect(key="agencies").value == list(MEDICAL_PEERS)
    assert any("医疗保障局 · 区县级" in c.value for c in at.caption)
    ranks = frame_with(at, "本年支出合计排名").set_index("部门")
    totals = {XIANGHE: truth_total(SEEDS[0]), QINGLONG: truth_total(SEEDS[1]), BEIDAIHE: truth_total(SEEDS[2]),
              SHILONG: truth_total(SEEDS[3])}
    expected_median = Decimal(median(totals.values())).quantize(Decimal("0.01"))
    assert ranks.loc["同组中位数", "本年支出合计"] == pytest.approx(float(expected_median))
    assert ranks.loc["同组中位数", "本年支出合计排名"] == "4 个部门"
    order = sorted(totals, key=totals.get, reverse=True)
    for rank, agency in enumerate(order, start=1):
        assert ranks.loc[agency, "本年支出合计排名"] == f"{rank}/4"


def test_compare_filters_agencies_by_level_and_region(store_url, monkeypatch):
    at = run_page("views/compare.py", store_url, monkeypatch, levels=["市"])
    assert at.multiselect(key="levels").value == ["市"]
    assert at.multiselect(key="agencies").options == ["平顶山市财政局", "秦皇岛市财政局"]
    at = run_page("views/compare.py", store_url, monkeypatch, provinces=["河南"])
    assert set(at.multiselect(key="agencies").options) == {"平顶山市财政局", "平顶山市石龙区财政局", SHILONG}
    # 同类同级 within the filter: 石龙's peers in 河南 are itself alone
    at.selectbox(key="peer_of").set_value(SHILONG).run()
    assert at.button(key="peer_button").label == "同类同级（1 个）"


# --------------------------------------------------------------------------- 年度趋势: the group median


def test_trends_draws_the_peer_median(store_url, monkeypatch):
    at = run_page("views/trends.py", store_url, monkeypatch, agency=XIANGHE, peer_median="true")
    medians = frame_with(at, "同类同级中位数", "部门数")
    total = medians[medians["指标"] == "本年支出合计"].set_index("年度")
    # 香河's budget peers: 北戴河 2021 and 石龙 2023 (青龙 has final accounts only)
    assert total.loc[2021, "同类同级中位数"] == pytest.approx(float(truth_total(SEEDS[2])))
    assert total.loc[2023, "同类同级中位数"] == pytest.approx(float(truth_total(SEEDS[3])))
    assert set(total["部门数"]) == {1}
    from ui_text import plotly_specs, year_axis_problems

    fig = plotly_specs(at)[0][0]
    names = [t.get("name") for t in fig["data"]]
    assert "本年支出合计（同类同级中位数）" in names
    assert year_axis_problems(fig) == []


# --------------------------------------------------------------------------- 地区对比


def test_regions_sum_a_citys_agencies_and_say_how_many(store_url, monkeypatch):
    at = run_page("views/regions.py", store_url, monkeypatch, region_level="市（州）", region_kind="部门预算", region_year="2023")
    table = frame_with(at, "地区", "部门数", "本年支出合计").set_index("地区")
    assert table.loc["平顶山市", "部门数"] == 3  # 平顶山市财政局, 石龙区财政局, 石龙区医疗保障局
    assert table.loc["平顶山市", "本年支出合计"] == pytest.approx(1000.00 + 800.50 + float(truth_total(SEEDS[3])))
    assert table.loc["秦皇岛市", "部门数"] == 1 and table.loc["秦皇岛市", "本年支出合计"] == pytest.approx(1500.00)
    assert "“三公”经费" in table.loc["平顶山市", "列示情况"]  # 平顶山市财政局 prints none
    warning = "\n".join(w.value for w in at.warning)
    assert "各地区合计所含部门数不同" in warning and "平顶山市 3 个" in warning
    # the chart's categories say how many agencies each bar sums
    from ui_text import plotly_specs

    cats = plotly_specs(at)[0][0]["data"][0]["y"]
    assert any("平顶山市" in c and "3 个部门" in c for c in cats)


def test_regions_at_county_level(store_url, monkeypatch):
    at = run_page("views/regions.py", store_url, monkeypatch, region_level="县（区）", region_kind="部门预算", region_year="2023")
    table = frame_with(at, "地区", "部门数").set_index("地区")
    assert table.loc["平顶山市石龙区", "部门数"] == 2
    assert table.loc["平顶山市石龙区", "本年支出合计"] == pytest.approx(800.50 + float(truth_total(SEEDS[3])))
    # the city bureaus name no county: left out, and said so
    assert any("未计入：平顶山市财政局、秦皇岛市财政局" in c.value for c in at.caption)


# --------------------------------------------------------------------------- 汇报


def test_briefing_collects_across_pages_reorders_notes_and_exports(store_url, monkeypatch):
    at = run_page("views/briefing.py", store_url, monkeypatch)
    assert "还没有收集任何图表或表格" in "\n".join(i.value for i in at.info)
    at.switch_page("views/compare.py").run()
    _ok(at.button(key="compare-scale-brief").click().run())
    assert at.button(key="compare-scale-brief").label == "已加入汇报" and at.button(key="compare-scale-brief").disabled
    _ok(at.button(key="compare-amounts-brief").click().run())
    at.switch_page("views/regions.py").run()
    _ok(at.button(key="regions-totals-brief").click().run())
    at.switch_page("views/briefing.py").run()
    _ok(at)
    items = at.session_state[briefing.STATE_KEY]
    assert [i["kind"] for i in items] == ["chart", "table", "table"]
    assert items[0]["title"] == "本年支出合计：基本支出与项目支出（万元）" and items[0]["page"] == "部门对比"
    assert items[2]["page"] == "地区对比"
    heads = [m.value for m in at.markdown if m.value.startswith("**")]
    assert heads[0].startswith("**1. 本年支出合计") and "部门对比 · 收支规模" in heads[1]
    # move the region table to the top, note it, remove the chart
    _ok(at.button(key=f"brief-up-{items[2]['id']}").click().run())
    _ok(at.button(key=f"brief-up-{items[2]['id']}").click().run())
    ids = [i["id"] for i in at.session_state[briefing.STATE_KEY]]
    assert ids == [items[2]["id"], items[0]["id"], items[1]["id"]]
    _ok(at.text_area(key=f"brief-note-{items[2]['id']}").input("平顶山市含 3 个部门").run())
    _ok(at.button(key=f"brief-del-{items[0]['id']}").click().run())
    kept = at.session_state[briefing.STATE_KEY]
    assert [i["id"] for i in kept] == [items[2]["id"], items[1]["id"]] and kept[0]["note"] == "平顶山市含 3 个部门"
    assert {b.label for b in at.get("download_button")} >= {"下载 PowerPoint（PPTX）", "下载 Word（DOCX）"}
    # the files the buttons give
    from docx import Document
    from pptx import Presentation

    pptx = Presentation(io.BytesIO(briefing_files.pptx_bytes(kept, "测试汇报", "2026年12月7日")))
    texts = ["\n".join(sh.text_frame.text for sh in s.shapes if sh.has_text_frame) for s in pptx.slides]
    assert "测试汇报" in texts[0] and "平顶山市含 3 个部门" in texts[1]
    doc = Document(io.BytesIO(briefing_files.docx_bytes(kept, "测试汇报", "2026年12月7日")))
    assert any(p.text == "说明：平顶山市含 3 个部门" for p in doc.paragraphs)
    assert len(doc.tables) == 2
    _ok(at.button(key="brief-clear").click().run())
    assert at.session_state[briefing.STATE_KEY] == []
