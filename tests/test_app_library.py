"""AppTest of app.py on 概览 and 报告库 against a temporary SQLite store
(store.samples alone: tests/test_store_samples.py)."""
from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import settings
from conftest import FIXTURES, ROOT, SEEDS
from fixtures_store import complete
from pipeline import parse_bytes
from store import queries
from store.engine import get_engine
from store.ingest import ingest_document

APP = str(ROOT / "app.py")
SEED_XIANGHE = SEEDS / "000_e1a466dd2d0fafcf.txt"
SEED_QINGLONG = SEEDS / "002_fee3c3d538398af5.txt"
SEED_SHILONG = SEEDS / "004_69d8ecd0df86de6b.txt"
TIMEOUT = 60


def _ingest_seed(engine, path: Path) -> int:
    data = path.read_bytes()
    result = ingest_document(parse_bytes(data, path.name), data, engine=engine)
    assert result.status == "stored", result.message
    return result.document_id


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A fresh store with seeds 000 (香河 2024 预算) and 002 (青龙 2023 决算);
    the app points at it and loads no samples."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("BUDGETLENS_DATABASE_URL", url)
    monkeypatch.setenv("BUDGETLENS_NO_SAMPLES", "1")
    engine = get_engine(url)
    ids = {"xianghe": _ingest_seed(engine, SEED_XIANGHE), "qinglong": _ingest_seed(engine, SEED_QINGLONG)}
    return engine, ids


@pytest.fixture
def empty_store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    monkeypatch.setenv("BUDGETLENS_DATABASE_URL", url)
    monkeypatch.setenv("BUDGETLENS_NO_SAMPLES", "1")
    return get_engine(url)


def _texts(at: AppTest) -> str:
    """All visible text of the run (markdown, captions, alerts, metrics, titles)."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "success", "info", "warning", "error"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(parts)


def _frames_text(at: AppTest) -> str:
    return "\n".join(df.value.to_string() for df in at.dataframe)


def _library(at: AppTest, doc: int | None = None) -> AppTest:
    at.run()
    at.switch_page("views/library.py")
    if doc is not None:
        at.query_params["doc"] = str(doc)
    return at.run()


# --------------------------------------------------------------------------- configuration


def test_upload_limit_matches_settings():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == settings.SETTINGS["MAX_FILE_MB"].default


def test_navigation_lists_the_pages_in_order():
    from components.layout import NAV_PAGES

    assert [title for _p, title, _i, _d in NAV_PAGES] == [
        "概览", "报告库", "部门对比", "年度趋势", "预决算对比", "绩效评分", "数据质检", "地区对比", "汇报",
    ]
    assert [p for p, *_ in NAV_PAGES][:2] == ["views/overview.py", "views/library.py"]
    assert all(icon.startswith(":material/") for _p, _t, icon, _d in NAV_PAGES)


# --------------------------------------------------------------------------- 概览


def test_overview_shows_what_is_loaded(store):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "概览"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["部门"] == "2 个"
    assert metrics["年度"] == "2023–2024"
    assert metrics["报告"] == "2 份"
    text = _texts(at)
    assert "预算 1 份" in text and "决算 1 份" in text
    frames = _frames_text(at)
    assert "香河县医疗保障局" in frames and "青龙满族自治县医疗保障局" in frames
    # headline table: expenditure of the latest document per agency
    headline = next(df.value for df in at.dataframe if "本年支出合计" in df.value.columns)
    row = headline[headline["部门"] == "香河县医疗保障局"].iloc[0]
    assert row["本年支出合计"] == pytest.approx(6570.38)
    assert row["类型"] == "预算"
    assert any("数据来源：" in c.value and "000_e1a466dd2d0fafcf.txt" in c.value for c in at.caption)
    labels = [b.label for b in at.get("download_button")]
    assert "下载 PNG 图片" in labels and "下载 Excel" in labels


def test_overview_chart_labels_in_wan(store):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    import json

    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    bars = spec["data"][0]
    assert "6,570.38 万元" in bars["text"] and "17,336.07 万元" in bars["text"]
    assert any("香河县医疗保障局（2024预算）" == label for label in bars["y"])
    assert "Noto Sans CJK SC" in json.dumps(spec["layout"], ensure_ascii=False)


def test_overview_empty_store_points_to_library(empty_store):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    assert "还没有任何报告" in at.info[0].value
    links = at.get("page_link")
    assert any("报告库" in link.proto.label for link in links)


# --------------------------------------------------------------------------- 报告库


def test_library_lists_documents(store):
    at = _library(AppTest.from_file(APP, default_timeout=TIMEOUT))
    assert not at.exception, at.exception
    assert at.title[0].value == "报告库"
    listing = at.dataframe[0].value
    assert list(listing.columns[:8]) == ["部门", "年度", "类型", "范围", "格式", "页数", "识别表格数", "错误"]
    assert set(listing["部门"]) == {"香河县医疗保障局", "青龙满族自治县医疗保障局"}
    assert set(listing["类型"]) == {"预算", "决算"}
    assert set(listing["格式"]) == {"文本"}
    assert "已保存的报告（2 份）" in _texts(at)
    uploader = at.get("file_uploader")[0]
    assert set(uploader.proto.type) >= {".pdf", ".xlsx", ".xls", ".docx", ".txt", ".md"}


def test_library_document_view(store):
    _engine, ids = store
    at = _library(AppTest.from_file(APP, default_timeout=TIMEOUT), doc=ids["xianghe"])
    assert not at.exception, at.exception
    assert "香河县医疗保障局 2024年部门预算（部门）" in [s.value for s in at.subheader]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["本年支出合计（万元）"] == "6,570.38"
    assert metrics["基本支出（万元）"] == "1,136.05"
    tabs = [t.label for t in at.tabs]
    assert tabs[0].startswith("识别的表格（") and tabs[2].startswith("功能分类科目（")
    expanders = [e.label for e in at.expander]
    assert any("收支总表" in label for label in expanders)
    # function lines with provenance (page/table/row) and 千分位 amounts
    fn = next(df.value for df in at.dataframe if "科目编码" in df.value.columns and "基本支出（万元）" not in df.value.columns
              and "基本支出" in df.value.columns)
    assert {"页码", "表格", "行号"} <= set(fn.columns)
    assert "医疗保障管理事务" in "".join(fn["科目名称"].astype(str))
    labels = [b.label for b in at.get("download_button")]
    assert "下载原始文件" in labels and "下载解析结果（JSON）" in labels
    assert [b.label for b in at.button if b.label in ("重新解析", "删除")] == ["重新解析", "删除"]


def test_library_unknown_doc_param(store):
    at = _library(AppTest.from_file(APP, default_timeout=TIMEOUT), doc=999999)
    assert not at.exception, at.exception
    assert any("不存在" in w.value for w in at.warning)


def test_library_upload_store_duplicate_refuse_replace(store):
    _engine, ids = store
    at = _library(AppTest.from_file(APP, default_timeout=TIMEOUT))
    shilong = SEED_SHILONG.read_bytes()
    at.get("file_uploader")[0].set_value(
        [
            (SEED_SHILONG.name, shilong, "text/plain"),
            ("不是报告.txt", "这只是一段普通的文字，没有任何预决算表格。".encode("utf-8"), "text/plain"),
            (SEED_XIANGHE.name, SEED_XIANGHE.read_bytes(), "text/plain"),
        ]
    )
    at.run()
    assert not at.exception, at.exception
    success = [s.value for s in at.success]
    errors = [e.value for e in at.error]
    infos = [i.value for i in at.info]
    assert any(SEED_SHILONG.name in s and "已保存" in s and "平顶山市石龙区医疗保障局" in s for s in success)
    assert any("不是报告.txt" in e and "已拒绝：" in e for e in errors)
    assert any(SEED_XIANGHE.name in i and "重复文件" in i for i in infos)
    assert "已保存的报告（3 份）" in _texts(at)
    # the stored upload is selected
    assert any("平顶山市石龙区医疗保障局 2023年部门预算" in s.value for s in at.subheader)

    # the same agency/year/kind/scope in another format: refused, then replaced on request
    xlsx = FIXTURES / "xianghe-2024-budget.xlsx"
    at.get("file_uploader")[0].set_value((xlsx.name, xlsx.read_bytes(), "application/octet-stream"))
    at.run()
    refused = [e.value for e in at.error if xlsx.name in e.value]
    assert refused and "已拒绝：" in refused[0] and "香河县医疗保障局" in refused[0]
    replace = [b for b in at.button if b.label == "用此文件替换已有报告"]
    assert replace
    replace[0].click().run()
    assert not at.exception, at.exception
    assert any(xlsx.name in s.value and "替换" in s.value for s in at.success)
    docs = queries.list_documents(engine=_engine)
    xianghe = docs[docs["agency"] == "香河县医疗保障局"]
    assert list(xianghe["format"]) == ["xlsx"]
    assert len(docs) == 3


def test_library_replace_checkbox(store):
    engine, _ids = store
    at = _library(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.checkbox(key="lib_replace").check()
    xlsx = FIXTURES / "qinglong-2023-final.xlsx"
    at.get("file_uploader")[0].set_value((xlsx.name, xlsx.read_bytes(), "application/octet-stream"))
    at.run()
    assert not at.exception, at.exception
    assert any(xlsx.name in s.value and "替换" in s.value for s in at.success)
    docs = queries.list_documents(engine=engine)
    assert list(docs[docs["agency"] == "青龙满族自治县医疗保障局"]["format"]) == ["xlsx"]


def test_library_delete_with_confirmation(store):
    engine, ids = store
    at = _library(AppTest.from_file(APP, default_timeout=TIMEOUT), doc=ids["qinglong"])
    next(b for b in at.button if b.label == "删除").click().run()
    assert any("确定删除" in w.value for w in at.warning)
    assert len(queries.list_documents(engine=engine)) == 2  # nothing deleted yet
    next(b for b in at.button if b.label == "取消").click().run()
    assert not any("确定删除" in w.value for w in at.warning)
    next(b for b in at.button if b.label == "删除").click().run()
    next(b for b in at.button if b.label == "确认删除").click().run()
    assert not at.exception, at.exception
    docs = queries.list_documents(engine=engine)
    assert list(docs["agency"]) == ["香河县医疗保障局"]
    assert "doc" not in at.query_params
    assert any("已删除" in i.value for i in at.info)


def test_library_reparse(store):
    engine, ids = store
    at = _library(AppTest.from_file(APP, default_timeout=TIMEOUT), doc=ids["xianghe"])
    next(b for b in at.button if b.label == "重新解析").click().run()
    assert not at.exception, at.exception
    assert any("重新解析" in s.value for s in at.success), [s.value for s in at.success] + [e.value for e in at.error]
    docs = queries.list_documents(engine=engine)
    assert len(docs) == 2
    new_id = int(docs[docs["agency"] == "香河县医疗保障局"]["document_id"].iloc[0])
    assert at.query_params["doc"] in (str(new_id), [str(new_id)])
    assert {m.label: m.value for m in at.metric}["本年支出合计（万元）"] == "6,570.38"


# --------------------------------------------------------------------------- store.samples


NAMELESS = (
    "2026年部门预算\n\n部门收支总表\n单位：万元\n\n收入\t\t支出\t\n项目\t预算数\t项目\t预算数\n"
    "一、一般公共预算拨款收入\t100.00\t一、卫生健康支出\t100.00\n本年收入合计\t100.00\t本年支出合计\t100.00\n"
).encode("utf-8")


def test_library_asks_for_the_agency_a_file_does_not_name(store):
    engine, _ids = store
    at = _library(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.get("file_uploader")[0].set_value(("报表.txt", NAMELESS, "text/plain"))
    at.run()
    assert not at.exception, at.exception
    assert any("报表.txt" in w.value and "未找到单位名称" in w.value for w in at.warning)
    assert len(queries.list_documents(engine=engine)) == 2  # nothing stored yet
    form_inputs = [t for t in at.text_input if t.label == "单位名称"]
    assert form_inputs and form_inputs[0].value == ""
    assert [n.value for n in at.number_input if n.label == "年度"] == [2026]  # found in the file, filled in
    form_inputs[0].set_value("某县卫生健康局")
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception, at.exception
    assert any("报表.txt" in s.value and "某县卫生健康局" in s.value for s in at.success)
    docs = queries.list_documents(engine=engine)
    stored = docs[docs["agency"] == "某县卫生健康局"]
    assert list(stored["year"]) == [2026] and list(stored["kind"]) == ["budget"]


# --------------------------------------------------------------------------- OCR marks


def test_values_read_by_ocr_are_marked(empty_store):
    """A document whose tables came from a scan (the OCR keys set on a parsed
    seed, so that no OCR runs here): the report view says so on the table,
    on its corrected / unverified cells, and beside every value from it."""
    data = SEED_XIANGHE.read_bytes()
    doc = parse_bytes(data, "香河扫描件.txt")
    doc["source"]["ocr_pages"] = [1, 2, 3]
    first = doc["tables"][0]
    for t in doc["tables"]:
        t["ocr"] = True
        t["ocr_detail"] = {"engine": "rapidocr_onnxruntime 1.4.4 (PP-OCRv4)", "dpi": 200, "ruled": True,
                           "verification": {"checked": True, "holds": True, "sums": 12, "failed": 0},
                           "corrections": [], "unverified": []}
    first["ocr_detail"]["corrections"] = [{"row": 3, "col": 1, "read": "6570.30", "value": "6570.38", "how": "reread"}]
    for line in doc["function_lines"]:
        line["ocr"] = True
    result = ingest_document(doc, data, engine=empty_store)
    assert result.status == "stored", result.message
    at = _library(AppTest.from_file(APP, default_timeout=TIMEOUT), result.document_id)
    assert not at.exception
    text = _texts(at)
    assert "扫描页经文字识别（OCR）：第1–3页" in text
    assert "此表由扫描件文字识别（OCR）读出：勾稽关系校验 12 处全部成立" in text
    assert "初读 6570.30" in text and "放大重读为 6570.38" in text
    assert any("OCR" in e.label for e in at.expander)
    frames = _frames_text(at)
    assert "读取方式" in frames and "OCR" in frames
    assert "报表（OCR）" in frames
    from ui_text import english_words, page_texts

    assert not [w for t in page_texts(at) for w in english_words(t)]


CRAFTED = "恶意**加粗**[点我](javascript:alert(1))<a href='javascript:alert(2)'>链接</a>$x$:red[红]局"


def test_text_from_documents_is_never_markup(tmp_path, monkeypatch):
    """An agency name and a file name crafted as markdown / HTML show as written,
    in the page text and in the charts."""
    url = f"sqlite:///{tmp_path / 'crafted.db'}"
    monkeypatch.setenv("BUDGETLENS_DATABASE_URL", url)
    monkeypatch.setenv("BUDGETLENS_NO_SAMPLES", "1")
    monkeypatch.setattr("components.export.export_available", lambda: False)
    doc = complete({
        "schema": "budgetlens.document/1", "agency": CRAFTED, "year": 2026, "kind": "budget", "scope": "department",
        "unit_scale": "万元", "totals": {"expenditure_total": "100.00"},
        "function_lines": [{"code": "210", "name": "卫生健康支出", "total": "100.00"}], "paragraphs": [], "findings": [],
        "source": {"file": "[附件](http://x.example)**.pdf", "format": "pdf", "pages": 1},
    })
    result = ingest_document(doc, b"crafted", engine=get_engine(url))
    assert result.status == "stored", result.message
    at = _library(AppTest.from_file(APP, default_timeout=TIMEOUT), result.document_id)
    assert not at.exception
    rendered = "\n".join(str(e.value) for kind in ("subheader", "caption", "markdown", "success", "info", "warning")
                         for e in getattr(at, kind))
    assert "恶意\\*\\*加粗\\*\\*\\[点我\\](javascript:alert(1))" in rendered
    # each piece of markup appears only escaped (a backslash before its marks)
    for raw in ("[点我](javascript", "[附件](http", "$x$", ":red["):
        assert raw not in rendered
    assert not re.search(r"(?<!\\)<a href", rendered)
    at.switch_page("views/overview.py").run()
    charts = [json.dumps(json.loads(c.proto.spec), ensure_ascii=False) for c in at.get("plotly_chart")]
    assert charts and any("恶意" in spec for spec in charts)
    assert all("<a href" not in spec and "&lt;a href" in spec for spec in charts if "恶意" in spec)


def test_with_users_configured_an_anonymous_visitor_cannot_change_anything(store):
    from store import users

    engine, ids = store
    users.add_user("管理员甲", "correct horse", "admin", engine=engine)
    users.add_user("编辑乙", "battery staple", "editor", engine=engine)
    at = _library(AppTest.from_file(APP, default_timeout=TIMEOUT), ids["xianghe"])
    assert not at.exception
    labels = [b.label for b in at.button]
    assert "删除" not in labels and "重新解析" not in labels
    assert not at.get("file_uploader")
    assert any("需要登录" in i.value for i in at.info)

    # a wrong password signs nobody in
    at.text_input(key="auth_name").set_value("管理员甲")
    at.text_input(key="auth_password").set_value("wrong password")
    next(b for b in at.button if b.label == "登录").click().run()
    assert any("用户名或密码不对" in e.value for e in at.error)
    assert "删除" not in [b.label for b in at.button]

    # an editor may re-parse but not delete
    at.text_input(key="auth_name").set_value("编辑乙")
    at.text_input(key="auth_password").set_value("battery staple")
    next(b for b in at.button if b.label == "登录").click().run()
    labels = [b.label for b in at.button]
    assert "重新解析" in labels and "删除" not in labels and at.get("file_uploader")

    # an admin may delete, and the deletion is recorded with the admin's name
    next(b for b in at.button if b.label == "退出登录").click().run()
    at.text_input(key="auth_name").set_value("管理员甲")
    at.text_input(key="auth_password").set_value("correct horse")
    next(b for b in at.button if b.label == "登录").click().run()
    next(b for b in at.button if b.label == "删除").click().run()
    next(b for b in at.button if b.label == "确认删除").click().run()
    assert not at.exception
    assert len(queries.list_documents(engine=engine)) == 1
    trail = users.audit_events(engine=engine)
    assert trail[0]["action"] == "deleted" and trail[0]["user"] == "管理员甲" and "香河县医疗保障局" in trail[0]["detail"]


def test_without_users_the_page_says_it_runs_as_one_local_user(store):
    _engine, ids = store
    at = _library(AppTest.from_file(APP, default_timeout=TIMEOUT), ids["xianghe"])
    assert any("本机单用户模式" in c.value for c in at.caption)
    assert "删除" in [b.label for b in at.button]


def test_login_required_for_browsing_when_the_setting_says_so(store, monkeypatch):
    from store import users

    engine, _ids = store
    users.add_user("查看丙", "viewer password", "viewer", engine=engine)
    monkeypatch.setenv("BUDGETLENS_LOGIN_REQUIRED", "true")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert [t.value for t in at.title] == ["请先登录"] and not at.dataframe


def test_an_amount_ten_thousand_times_off_is_said_at_ingest_and_marked_on_the_page(tmp_path, monkeypatch):
    from pipeline import parse_bytes as parse
    from variants import text as text_doc

    expenditure = [
        ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
        ["", "合计", "1,200,000.00", "1,000,000.00", "200,000.00"],
        ["210", "卫生健康支出", "1,200,000.00", "1,000,000.00", "200,000.00"],
    ]
    summary = [
        ["收入", "", "支出", ""], ["项目", "预算数", "项目", "预算数"],
        ["一、一般公共预算拨款收入", "120.00", "一、卫生健康支出", "120.00"],
        ["本年收入合计", "120.00", "本年支出合计", "120.00"],
    ]
    data = text_doc(["某县卫生健康局2026年部门预算", "部门收支总表", "单位：万元", summary,
                     "部门支出总表", "单位：万元", expenditure]).encode("utf-8")
    doc = parse(data, "slip.txt")
    assert any(f["rule"] == "unit.table_scale" and f["severity"] == "error" for f in doc["findings"])
    url = f"sqlite:///{tmp_path / 'slip.db'}"
    result = ingest_document(doc, data, engine=get_engine(url))
    assert result.status == "stored" and "疑似元与万元混用" in result.message
    monkeypatch.setenv("BUDGETLENS_DATABASE_URL", url)
    monkeypatch.setenv("BUDGETLENS_NO_SAMPLES", "1")
    at = _library(AppTest.from_file(APP, default_timeout=TIMEOUT), result.document_id)
    assert any("疑似元与万元混用" in e.value for e in at.error)
