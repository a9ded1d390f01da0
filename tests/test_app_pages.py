"""The analysis pages rendered by Streamlit's AppTest through app.py (st.navigation).

Each test points BUDGETLENS_DATABASE_URL at a temporary SQLite store filled by
parsing real inputs (the seeds, the Wanli PDFs) with pipeline.parse_bytes
and storing them with store.ingest.ingest_document; BUDGETLENS_NO_SAMPLES=1
keeps the app from loading its sample reports.  Selections are given as URL
query parameters, the way a copied link gives them.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import REAL, ROOT, SEEDS
from fixtures_store import complete
import pgcluster
from pipeline import parse_bytes
from store.engine import dispose_engines, get_engine
from store.ingest import ingest_document

APP = ROOT / "app.py"
MY_PAGES = ("views/compare.py", "views/trends.py", "views/budget_actual.py", "views/performance.py",
            "views/quality.py")
SEED_FILES = ("000_e1a466dd2d0fafcf.txt", "002_fee3c3d538398af5.txt", "003_08710cc348d5ea60.txt",
              "004_69d8ecd0df86de6b.txt")
WANLI = tuple(REAL / f"putuo-wanli-subdistrict-{y}-budget.pdf" for y in (2023, 2024, 2025))
WANLI_NAME = "上海市普陀区人民政府万里街道办事处"
XIANGHE = "香河县医疗保障局"
QINGLONG = "青龙满族自治县医疗保障局"
TIMEOUT = 180

needs_seeds = pytest.mark.skipif(not all((SEEDS / f).is_file() for f in SEED_FILES), reason="shared/seeds not present")
pytestmark = [needs_seeds, pytest.mark.xdist_group(name="app_pages")]


def _store(url: str, paths: list[Path]) -> None:
    engine = get_engine(url)
    for path in paths:
        data = path.read_bytes()
        result = ingest_document(parse_bytes(data, path.name), data, engine=engine)
        assert result.status == "stored", result.message


# every page runs on SQLite and on PostgreSQL (the throwaway server of tests/pgcluster.py)
DATABASES = pgcluster.databases()



@pytest.fixture(scope="module", params=DATABASES)
def seeded_url(request, tmp_path_factory) -> str:
    """Seeds 000 (香河 2024 budget), 002 (青龙 2023 final), 003 (北戴河 2021 unit
    budget), 004 (石龙 2023 budget) and, when present, the Wanli 2023–2025 budgets."""
    url = pgcluster.database_url(request.param, tmp_path_factory.mktemp("pages"), "pages_seeded")
    _store(url, [SEEDS / f for f in SEED_FILES] + [p for p in WANLI if p.is_file()])
    yield url
    dispose_engines()


@pytest.fixture(scope="module", params=DATABASES)
def paired_url(request, tmp_path_factory) -> str:
    """Seed 002 (青龙 2023 final accounts) plus a constructed 青龙 2023 budget."""
    url = pgcluster.database_url(request.param, tmp_path_factory.mktemp("pages"), "pages_paired")
    _store(url, [SEEDS / "002_fee3c3d538398af5.txt"])
    budget = complete({
        "schema": "budgetlens.document/1", "agency": QINGLONG, "agency_code": "450", "year": 2023, "kind": "budget",
        "scope": "department", "unit_scale": "万元",
        "totals": {"expenditure_total": "11321.31", "revenue_total": "11321.31", "basic": "400.00",
                   "project": "10921.31"},
        "three_public": {"total": "2.50", "vehicle_operation": "2.00", "reception": "0.50"},
        "function_lines": [
            {"code": "208", "name": "社会保障和就业支出", "total": "50.00"},
            {"code": "210", "name": "卫生健康支出", "total": "11235.31"},
            {"code": "221", "name": "住房保障支出", "total": "36.00"},
        ],
        "paragraphs": [], "findings": [],
    })
    assert ingest_document(budget, b"constructed qinglong 2023 budget", url=url).status == "stored"
    yield url
    dispose_engines()


@pytest.fixture(scope="module")
def empty_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('pages') / 'empty.db'}"
    get_engine(url)
    return url


def run_page(page: str, url: str, monkeypatch, **query) -> AppTest:
    """Run ``page`` through app.py's navigation (or alone, before app.py exists)."""
    monkeypatch.setenv("BUDGETLENS_DATABASE_URL", url)
    monkeypatch.setenv("BUDGETLENS_NO_SAMPLES", "1")
    # no headless Chromium for PNG/SVG export in these tests (components/export tests cover it)
    monkeypatch.setattr("components.export.export_available", lambda: False)
    if APP.is_file():
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
        at.switch_page(page)
    else:  # pragma: no cover - only while app.py is being written
        at = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest, *kinds: str) -> str:
    kinds = kinds or ("title", "info", "warning", "success", "caption", "markdown", "subheader")
    return "\n".join(str(el.value) for kind in kinds for el in getattr(at, kind))


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def frames(at: AppTest):
    return [df.value for df in at.dataframe]


# --------------------------------------------------------------------------- empty store


@pytest.mark.parametrize("page", MY_PAGES)
def test_every_page_renders_on_an_empty_store(page, empty_url, monkeypatch):
    at = run_page(page, empty_url, monkeypatch)
    assert "还没有" in texts(at, "info")


# --------------------------------------------------------------------------- 部门对比


def test_compare_xianghe_and_qinglong_each_latest_document(seeded_url, monkeypatch):
    at = run_page("views/compare.py", seeded_url, monkeypatch, agencies=[XIANGHE, QINGLONG])
    assert "没有共同的年度" in texts(at, "warning")
    m = metrics(at)
    assert m["支出规模最大"] == "17,336.07 万元" and m["支出规模最小"] == "6,570.38 万元"
    # one row per agency, its document named in 文件, short measure headers
    amounts = next(df for df in frames(at) if "本年支出合计" in df.columns).set_index("部门")
    assert list(amounts.index) == [XIANGHE, QINGLONG]
    assert amounts.loc[XIANGHE, "文件"] == "2024年预算" and amounts.loc[QINGLONG, "文件"] == "2023年决算"
    assert amounts.loc[XIANGHE, "本年支出合计"] == pytest.approx(6570.38)
    assert amounts.loc[QINGLONG, "本年支出合计"] == pytest.approx(17336.07)
    three = next(df for df in frames(at) if "“三公”经费" in df.columns).set_index("部门")
    assert three.loc[XIANGHE, "“三公”经费"] == pytest.approx(3.42) and three.loc[QINGLONG, "“三公”经费"] == pytest.approx(2.06)
    counts = next(df for df in frames(at) if "平均自评得分" in df.columns).set_index("部门")
    assert counts.loc[XIANGHE, "项目个数"] == 19  # 香河's 19 performance target tables
    assert counts.loc[QINGLONG, "自评项目个数"] == 19  # 青龙's 19 self-evaluations
    # the same tables as differences from the baseline (the first agency) and as ranks
    at.selectbox(key="view").set_value("diff").run()
    assert not at.exception, [e.value for e in at.exception]
    diffs = next(df for df in frames(at) if "本年支出合计" in df.columns).set_index("部门")
    assert diffs.loc[QINGLONG, "本年支出合计"] == pytest.approx(10765.69)
    assert diffs.loc[XIANGHE, "文件"] == "2024年预算（基准）" and diffs.loc[XIANGHE, "本年支出合计"] == 0
    at.selectbox(key="view").set_value("rank").run()
    ranks = next(df for df in frames(at) if "本年支出合计" in df.columns).set_index("部门")
    assert ranks.loc[QINGLONG, "本年支出合计"] == 1 and ranks.loc[XIANGHE, "本年支出合计"] == 2


def test_compare_a_year_some_agencies_lack_is_labelled(seeded_url, monkeypatch):
    at = run_page("views/compare.py", seeded_url, monkeypatch, kind="部门预算", year="2023",
                  agencies=[XIANGHE, "平顶山市石龙区医疗保障局", WANLI_NAME])
    warning = texts(at, "warning")
    assert "对比年度：2023年" in warning and f"{XIANGHE}：无2023年数据，取其最新的2024年部门预算" in warning
    amounts = next(df for df in frames(at) if "本年支出合计" in df.columns).set_index("部门")
    assert amounts.loc["平顶山市石龙区医疗保障局", "文件"] == "2023年预算"
    assert amounts.loc[XIANGHE, "文件"] == "2024年预算"


def test_compare_defaults_to_the_year_most_agencies_share(seeded_url, monkeypatch):
    at = run_page("views/compare.py", seeded_url, monkeypatch)
    # seeds: 香河 2024; 青龙 2023 (final); 石龙 2023; 北戴河 2021; 万里 2023–2025 -> 2023 has three agencies
    assert "对比年度：2023年" in texts(at, "caption")
    amounts = next(df for df in frames(at) if "本年支出合计" in df.columns)
    assert set(amounts["文件"]) <= {"2023年预算", "2023年决算"} and len(amounts) >= 2


def test_compare_asks_for_two_agencies(seeded_url, monkeypatch):
    at = run_page("views/compare.py", seeded_url, monkeypatch, agencies=[XIANGHE])
    assert "至少选择 2 个部门" in texts(at, "info")


# --------------------------------------------------------------------------- 年度趋势


@pytest.mark.skipif(not all(p.is_file() for p in WANLI), reason="shared/real Wanli PDFs not present")
def test_trends_shows_every_loaded_year(seeded_url, monkeypatch):
    at = run_page("views/trends.py", seeded_url, monkeypatch, agency=WANLI_NAME)
    assert "已载入 3 个年度的部门预算（2023年、2024年、2025年）" in texts(at, "caption")
    # the amounts of every year in one table, the changes (同比) in the next
    wide = next(df for df in frames(at) if "2025年" in df.columns and "说明" in df.columns)
    changes = next(df for df in frames(at) if "2025年同比" in df.columns)
    for year in ("2023年", "2024年", "2025年"):
        assert year in wide.columns
    total = wide[wide["指标"] == "本年支出合计"].iloc[0]
    assert total["2023年"] == pytest.approx(16497.864) and total["2025年"] == pytest.approx(18976.7551)
    total_change = changes[changes["指标"] == "本年支出合计"].iloc[0]
    assert total_change["2025年同比"] == pytest.approx(3355.6428) and total_change["2025年同比%"] == pytest.approx(21.48)
    # 2022 is not loaded: the 2023 narrative's "比2022年预算增加1421.25万元" fills it, marked as quoted
    fiscal = wide[wide["指标"] == "财政拨款"].iloc[0]
    assert fiscal["2022年"] == pytest.approx(15076.61) and "2022年为引用数" in fiscal["说明"]
    assert "同比变化" in texts(at, "markdown")


def test_trends_fills_the_year_quoted_by_the_narrative(seeded_url, monkeypatch):
    at = run_page("views/trends.py", seeded_url, monkeypatch, agency=XIANGHE)
    assert "2023年的数字引自后一年文件的说明（引用数）" in texts(at, "caption")
    wide = next(df for df in frames(at) if "2024年" in df.columns and "说明" in df.columns)
    changes = next(df for df in frames(at) if "2024年同比" in df.columns)
    total = wide[wide["指标"] == "本年支出合计"].iloc[0]
    assert total["2023年"] == pytest.approx(6976.58) and total["2024年"] == pytest.approx(6570.38)
    assert "2023年为引用数" in total["说明"]
    assert changes[changes["指标"] == "本年支出合计"].iloc[0]["2024年同比"] == pytest.approx(-406.20)
    assert "2024年本年支出合计较2023年减少406.20万元（−5.82%）" in texts(at, "markdown")


# --------------------------------------------------------------------------- 预决算对比


def test_budget_actual_with_final_accounts_only_uses_their_own_budget_figures(seeded_url, monkeypatch):
    at = run_page("views/budget_actual.py", seeded_url, monkeypatch, agency=QINGLONG, year="2023")
    assert "只载入了 2023 年的决算" in texts(at, "info")
    dfs = frames(at)
    three = next(df for df in dfs if "决算表预算数" in df.columns)
    total = three[three["项目"] == "“三公”经费合计"].iloc[0]
    assert total["决算表预算数"] == pytest.approx(2.06) and total["决算数"] == pytest.approx(2.06)
    narrative = next(df for df in dfs if "年初预算数" in df.columns).set_index("项目")
    assert narrative.loc["财政拨款本年收入合计", "年初预算数"] == pytest.approx(11321.31)
    projects = next(df for df in dfs if "表列执行率（%）" in df.columns)
    assert len(projects) == 19
    assert metrics(at)["自评项目"] == "19 个"


def test_budget_actual_with_budget_and_final_accounts_pairs_function_lines(paired_url, monkeypatch):
    at = run_page("views/budget_actual.py", paired_url, monkeypatch, agency=QINGLONG, year="2023")
    assert "已载入 2023 年预算" in texts(at, "success")
    dfs = frames(at)
    measures = next(df for df in dfs if "指标" in df.columns and "执行率（%）" in df.columns).set_index("指标")
    assert measures.loc["本年支出合计", "预算数"] == pytest.approx(11321.31)
    assert measures.loc["本年支出合计", "决算数"] == pytest.approx(17336.07)
    assert measures.loc["本年支出合计", "执行率（%）"] == pytest.approx(153.13)
    lines = next(df for df in dfs if "科目编码" in df.columns).set_index("科目编码")
    assert list(lines.index) == ["208", "210", "221"]
    assert lines.loc["210", "决算数"] == pytest.approx(17246.17) and lines.loc["210", "预算数"] == pytest.approx(11235.31)
    three = next(df for df in dfs if "预算文件数" in df.columns)
    assert three.iloc[0]["预算文件数"] == pytest.approx(2.50)


# --------------------------------------------------------------------------- 绩效评分


def test_performance_lists_the_nineteen_self_evaluations_of_seed_002(seeded_url, monkeypatch):
    at = run_page("views/performance.py", seeded_url, monkeypatch)
    table = next(df for df in frames(at) if "自评得分" in df.columns and "项目名称" in df.columns)
    qinglong = table[table["部门"] == QINGLONG]
    assert len(qinglong) == 19
    assert qinglong["序号"].tolist() == list(range(1, 20))
    third = qinglong[qinglong["序号"] == 3].iloc[0]
    assert third["项目名称"] == "基金监管专项经费" and third["自评得分"] == pytest.approx(88.97)
    assert metrics(at)["自评项目"] == "19 个"
    # the first project's indicator table with the rule behind each score
    indicators = next(df for df in frames(at) if "评分规则" in df.columns)
    assert len(indicators) == 10 and indicators["三级指标"].iloc[0] == "医疗救助人数"
    # 香河's 19 projects with their target-quality scores
    targets = next(df for df in frames(at) if "目标质量得分" in df.columns)
    assert (targets["部门"] == XIANGHE).sum() == 19


def test_performance_one_document_by_link(seeded_url, monkeypatch):
    at = run_page("views/performance.py", seeded_url, monkeypatch, doc=f"{QINGLONG} 2023年部门决算（部门）")
    table = next(df for df in frames(at) if "自评得分" in df.columns and "项目名称" in df.columns)
    # one report: its agency and year are said once (the source line), not on every row
    assert "部门" not in table.columns and len(table) == 19
    assert table["序号"].tolist() == list(range(1, 20)) and table["项目名称"].iloc[2] == "基金监管专项经费"
    assert any(f"{QINGLONG} 2023年部门决算" in c.value for c in at.caption)


# --------------------------------------------------------------------------- 数据质检


def test_quality_counts_every_document(seeded_url, monkeypatch):
    at = run_page("views/quality.py", seeded_url, monkeypatch)
    counts = next(df for df in frames(at) if "合计" in df.columns and "错误" in df.columns)
    expected = len(SEED_FILES) + sum(1 for p in WANLI if p.is_file())
    assert len(counts) == expected
    assert set(counts["部门"]) >= {XIANGHE, QINGLONG}
    assert "错误" in metrics(at) and "报告" in metrics(at)


def test_quality_filters_by_severity_from_the_link(seeded_url, monkeypatch):
    at = run_page("views/quality.py", seeded_url, monkeypatch, severity=["错误"])
    assert at.multiselect(key="severity").value == ["error"]
    view = [df for df in frames(at) if "严重程度" in df.columns]
    for df in view:
        assert set(df["严重程度"]) <= {"错误"}



def test_quality_filters_by_family_and_shows_the_page_of_a_finding(seeded_url, monkeypatch):
    at = run_page("views/quality.py", seeded_url, monkeypatch, family=["表内勾稽"])
    assert at.multiselect(key="family").value == ["arithmetic"]
    listed = next(df for df in frames(at) if "检查类别" in df.columns and "说明" in df.columns)
    assert len(listed) and set(listed["检查类别"]) == {"表内勾稽"}
    # the picked finding is shown with its page of the original, or a word why not
    assert at.selectbox(key="quality_pick").value == 0
    assert at.get("imgs") or any("原文件不是 PDF" in i.value or "没有页码" in i.value for i in at.info)


def test_an_unexpected_error_is_one_chinese_sentence_with_a_reference(seeded_url, monkeypatch, tmp_path):
    log = tmp_path / "app.log"
    monkeypatch.setenv("BUDGETLENS_LOG_FILE", str(log))
    import components.errors as errors

    monkeypatch.setattr(errors, "_LOGGER", None)

    def broken(*args, **kwargs):
        raise RuntimeError("数据库连接断开（测试）")

    monkeypatch.setenv("BUDGETLENS_DATABASE_URL", seeded_url)
    monkeypatch.setenv("BUDGETLENS_NO_SAMPLES", "1")
    monkeypatch.setattr("components.export.export_available", lambda: False)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    # every page's reads go through the revision-keyed cache, which asks the
    # store its revision first: the store breaks there (a cached result would hide
    # a broken query)
    monkeypatch.setattr("store.queries.revision", broken)
    at.switch_page("views/quality.py").run()
    assert not at.exception, "no traceback reaches the user"
    shown = [e.value for e in at.error]
    assert len(shown) == 1 and "意外错误" in shown[0] and "Traceback" not in shown[0]
    ref = shown[0].split("编号 ")[1].split(" ")[0]
    logged = log.read_text(encoding="utf-8")
    assert ref in logged and "Traceback" in logged and "数据库连接断开" in logged
