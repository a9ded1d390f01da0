"""部门对比 analysis (analysis/compare.py, analysis/frames.py): constructed
frames and the real figures of the truth files, read back through the store."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from analysis import compare as ac
from analysis import compare_tables as act
from analysis.frames import function_class_amounts, provenance, stacked_parts
from store import queries as q
from store.engine import get_engine
from store.ingest import ingest_document
from tests.fixtures_store import TRUTH_DIR, truth_doc

needs_truth = pytest.mark.skipif(not TRUTH_DIR.is_dir(), reason="shared/fixtures/truth not present")

XIANGHE = "香河县医疗保障局"
QINGLONG = "青龙满族自治县医疗保障局"
D = Decimal


def docs_frame(rows: list[tuple]) -> pd.DataFrame:
    """(document_id, agency_id, agency, year, kind, scope) rows in list_documents shape."""
    cols = ["document_id", "agency_id", "agency", "year", "kind", "scope"]
    df = pd.DataFrame(rows, columns=cols)
    df["file_name"] = [f"f{i}.pdf" for i in df["document_id"]]
    return df


DOCS = docs_frame(
    [
        (1, 1, "甲局", 2023, "budget", "department"),
        (2, 1, "甲局", 2024, "budget", "department"),
        (3, 2, "乙局", 2024, "budget", "unit"),
        (4, 2, "乙局", 2024, "budget", "department"),
        (5, 2, "乙局", 2024, "final_accounts", "department"),
        (6, 3, "丙局", 2022, "final_accounts", "department"),
        (7, 3, "丙局", 2022, "performance_targets", "unit"),
    ]
)


# --------------------------------------------------------------------------- choosing documents


def test_shared_year_is_taken_when_no_year_is_given():
    sel = ac.choose_documents(DOCS, ["甲局", "乙局"], None, "budget")
    assert sel.year == 2024
    assert sel.shared_years == [2024]
    assert list(sel.documents["document_id"]) == [2, 4]  # 乙局: department before unit
    assert list(sel.documents["note"]) == ["", ""]
    assert list(sel.documents["label"]) == ["甲局（2024年部门预算）", "乙局（2024年部门预算）"]
    assert not sel.mixed_years


def test_no_shared_year_takes_each_latest_and_labels_its_year():
    sel = ac.choose_documents(DOCS, ["甲局", "丙局"], None, ac.ANY_KIND)
    assert sel.year is None and sel.shared_years == []
    assert list(sel.documents["document_id"]) == [2, 6]
    assert list(sel.documents["label"]) == ["甲局（2024年部门预算）", "丙局（2022年部门决算）"]
    assert all("各部门无共同年度" in n for n in sel.documents["note"])
    assert sel.mixed_years and sel.mixed_kinds


def test_requested_year_missing_for_one_agency_uses_its_latest_with_a_note():
    sel = ac.choose_documents(DOCS, ["甲局", "丙局"], 2023, ac.ANY_KIND)
    assert sel.year == 2023
    assert list(sel.documents["document_id"]) == [1, 6]
    assert sel.documents["note"].iloc[0] == ""
    assert sel.documents["note"].iloc[1] == "无2023年数据，取其最新的2022年部门决算"
    assert sel.notes == ["丙局：无2023年数据，取其最新的2022年部门决算"]


def test_any_kind_prefers_budget_and_kind_filter_is_respected():
    assert ac.choose_documents(DOCS, ["乙局", "甲局"], 2024, ac.ANY_KIND).documents["document_id"].tolist() == [4, 2]
    sel = ac.choose_documents(DOCS, ["乙局", "甲局"], 2024, "final_accounts")
    assert sel.documents["document_id"].tolist() == [5]
    assert sel.missing == ["甲局"]


def test_performance_targets_are_never_compared_and_helpers_list_choices():
    assert ac.available_years(DOCS, ac.ANY_KIND) == [2024, 2023, 2022]
    assert ac.available_years(DOCS, "final_accounts") == [2024, 2022]
    assert ac.agencies_with(DOCS, "budget") == ["乙局", "甲局"]
    assert ac.agencies_with(DOCS, ac.ANY_KIND, 2022) == ["丙局"]
    assert ac.shared_years(DOCS, ["甲局", "乙局"], ac.ANY_KIND) == [2024]
    empty = ac.choose_documents(DOCS.iloc[0:0], ["甲局"], None, None)
    assert empty.documents.empty and empty.missing == ["甲局"]


# --------------------------------------------------------------------------- measures and the side-by-side table


def totals_frame(rows: dict[int, dict]) -> pd.DataFrame:
    return pd.DataFrame([{"document_id": k, **v} for k, v in rows.items()])


def _two_agency_table(project: str = "190.00"):
    """甲局 and 乙局's 2024 budgets; 乙局's 项目支出 is ``project`` (its parts need not add up)."""
    sel = ac.choose_documents(DOCS, ["甲局", "乙局"], 2024, "budget")
    totals = totals_frame(
        {
            2: {"expenditure_total": D("100.00"), "basic": D("60.00"), "project": D("40.00"),
                "personnel": D("45.00"), "public": D("15.00"), "three_public_total": D("1.50")},
            4: {"expenditure_total": D("300.50"), "basic": D("100.50"), "project": D(project),
                "personnel": None, "public": D("20.10"), "three_public_total": None},
        }
    )
    return ac.measure_table(sel.documents, totals)


def test_measure_table_shares_and_side_by_side_differences_and_ranks():
    table = _two_agency_table(project="200.00")
    first, second = table.to_dict("records")
    assert first["basic_share"] == D("60.00") and first["project_share"] == D("40.00")
    assert first["personnel_share"] == D("75.00")
    assert first["three_public_share"] == D("1.5000")
    assert second["personnel_share"] is None  # blank stays blank
    assert isinstance(second["expenditure_total"], Decimal)

    side = ac.side_by_side(ac.amount_matrix(table), baseline="甲局（2024年部门预算）")
    total = side[side["指标"] == "本年支出合计"].iloc[0]
    assert total["乙局（2024年部门预算）"] == D("300.50")
    assert total["乙局（2024年部门预算）｜较基准"] == D("200.50")
    assert "甲局（2024年部门预算）｜较基准" not in side.columns  # the baseline has no difference column
    assert total["乙局（2024年部门预算）｜排名"] == 1 and total["甲局（2024年部门预算）｜排名"] == 2
    assert total["最高"] == D("300.50") and total["最低"] == D("100.00") and total["极差"] == D("200.50")
    personnel = side[side["指标"] == "人员经费"].iloc[0]
    assert pd.isna(personnel["乙局（2024年部门预算）｜排名"])
    assert personnel["乙局（2024年部门预算）｜较基准"] is None
    assert personnel["极差"] is None  # only one value
    assert "乙局（2024年部门预算）｜排名" not in ac.value_columns(side)
    assert "最高" in ac.value_columns(side)


def test_ties_share_a_rank():
    matrix = pd.DataFrame({"a": [D("5")], "b": [D("5")], "c": [D("1")]}, index=["x"], dtype=object)
    side = ac.side_by_side(matrix)
    assert [side[f"{c}｜排名"].iloc[0] for c in "abc"] == [1, 1, 3]


# --------------------------------------------------------------------------- function classes


def lines_frame(doc_id: int, rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([{"document_id": doc_id, "code": c, "name": n, "total": t} for c, n, t in rows])


def test_function_classes_use_class_rows_when_printed():
    lines = lines_frame(1, [("208", "社会保障和就业支出", D("25.00")), ("20805", "养老", D("25.00")),
                            ("210", "卫生健康支出", D("75.00")), ("2101101", "行政单位医疗", D("75.00"))])
    out = function_class_amounts(lines)
    assert out["class_code"].tolist() == ["208", "210"]
    assert out["amount"].tolist() == [D("25.00"), D("75.00")]
    assert out["share"].tolist() == [D("25.00"), D("75.00")]
    assert not out["derived"].any()


def test_function_classes_summed_from_items_when_only_items_are_printed():
    # the Henan layout (seed 004) prints only 项 rows, codes joined from 类/款/项
    lines = lines_frame(5, [("2080502", "事业单位离退休", D("0.13")), ("2080505", "养老保险", D("16.38")),
                            ("2101101", "行政单位医疗", D("7.05")), ("2210201", "住房公积金", D("10.00"))])
    out = function_class_amounts(lines)
    assert out["class_code"].tolist() == ["208", "210", "221"]
    assert out["amount"].tolist() == [D("16.51"), D("7.05"), D("10.00")]
    assert out["class_name"].tolist() == ["社会保障和就业支出", "卫生健康支出", "住房保障支出"]
    assert out["derived"].all()


# --------------------------------------------------------------------------- real figures through the store


@pytest.fixture
def truth_store(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'compare.db'}")
    for name in ("000_e1a466dd2d0fafcf", "002_fee3c3d538398af5"):
        doc, data = truth_doc(name)
        assert ingest_document(doc, data, engine=engine).status == "stored"
    return engine


@needs_truth
def test_xianghe_2024_against_qinglong_2023_final_each_latest_labelled(truth_store):
    eng = truth_store
    docs = q.list_documents(engine=eng)
    sel = ac.choose_documents(docs, [XIANGHE, QINGLONG], None, ac.ANY_KIND)
    assert sel.year is None  # no shared year
    assert sel.documents["label"].tolist() == [f"{XIANGHE}（2024年部门预算）", f"{QINGLONG}（2023年部门决算）"]

    totals = q.totals_wide(engine=eng)
    counts = ac.performance_counts(sel.documents, q.projects(engine=eng), q.self_evaluations(engine=eng))
    table = ac.measure_table(sel.documents, totals, counts)
    xh, ql = table.to_dict("records")
    assert xh["expenditure_total"] == D("6570.38") and ql["expenditure_total"] == D("17336.07")
    assert xh["basic"] == D("1136.05") and xh["project"] == D("5434.33")
    assert ql["three_public_total"] == D("2.06") and xh["three_public_total"] == D("3.42")
    assert xh["operating_expenses"] == D("150.11") and ql["operating_expenses"] == D("9.77")
    assert xh["basic_share"] == D("17.29")  # 1136.05 / 6570.38
    assert ql["project_share"] == D("97.65")  # 16928.18 / 17336.07
    assert xh["project_count"] == 19 and pd.isna(xh["self_evaluation_count"])
    assert ql["self_evaluation_count"] == 19
    assert ql["mean_reported_score"] == D("93.10")  # 1768.92 / 19

    side = ac.side_by_side(ac.amount_matrix(table))
    total = side[side["指标"] == "本年支出合计"].iloc[0]
    assert total[f"{QINGLONG}（2023年部门决算）｜较基准"] == D("10765.69")
    assert total[f"{QINGLONG}（2023年部门决算）｜排名"] == 1

    shares = ac.function_shares(sel.documents, q.function_lines(engine=eng))
    xh_shares = shares[shares["label"] == f"{XIANGHE}（2024年部门预算）"]
    assert xh_shares["class_code"].tolist() == ["208", "210", "221"]
    assert xh_shares["amount"].tolist() == [D("125.38"), D("6371.23"), D("73.77")]
    assert sum(xh_shares["share"]) == D("100.00")
    matrix = ac.share_matrix(shares)
    assert matrix["类"].tolist() == ["208 社会保障和就业支出", "210 卫生健康支出", "221 住房保障支出"]

    line = provenance(q.line_items(sel.documents["document_id"].tolist(), section="totals", engine=eng))
    assert XIANGHE in line and "2024年部门预算" in line and "2023年部门决算" in line and "《收支总表》，第1–2页" in line


# --------------------------------------------------------------------------- shared frames (analysis/frames.py)


def test_provenance_names_documents_tables_and_page_ranges():
    rows = [
        {"agency": "甲局", "year": 2024, "kind": "budget", "file_name": "a.pdf", "table_title": "收支总表", "page": 3},
        {"agency": "甲局", "year": 2024, "kind": "budget", "file_name": "a.pdf", "table_title": "支出总表", "page": 4},
        {"agency": "甲局", "year": 2024, "kind": "budget", "file_name": "a.pdf", "table_title": "收入总表", "page": 5},
        {"agency": "甲局", "year": 2024, "kind": "budget", "file_name": "a.pdf", "table_title": "收支总表", "page": 9},
        {"agency": "乙局", "year": 2023, "kind": "final_accounts", "file_name": "b.txt", "table_title": None,
         "page": None},
    ]
    assert provenance(rows) == ("甲局 2024年部门预算（a.pdf） 《收支总表》、《支出总表》等3张表，第3–5、9页；"
                                "乙局 2023年部门决算（b.txt）")


def test_findings_view_and_counts():
    from analysis.frames import findings_counts, findings_view, rule_family

    found = pd.DataFrame([
        {"document_id": 1, "agency": "甲局", "year": 2024, "kind": "budget", "file_name": "a.pdf", "finding_id": 1,
         "rule": "table.sum_rows", "severity": "info", "message": "舍入", "page": 3, "table_title": "支出总表",
         "row": 4, "expected": "1.00", "found": "1.01"},
        {"document_id": 1, "agency": "甲局", "year": 2024, "kind": "budget", "file_name": "a.pdf", "finding_id": 2,
         "rule": "cross.total", "severity": "error", "message": "不一致", "page": 7, "table_title": None,
         "row": None, "expected": None, "found": None},
        {"document_id": 2, "agency": "乙局", "year": 2023, "kind": "final_accounts", "file_name": "b.pdf",
         "finding_id": 3, "rule": "narrative.sum", "severity": "warning", "message": "说明", "page": 2,
         "table_title": None, "row": None, "expected": None, "found": None},
    ])
    view = findings_view(found)
    assert view["严重程度"].tolist() == ["错误", "警告", "提示"]  # errors first
    assert view["页码"].tolist() == [7, 2, 3]
    assert view["检查类别"].tolist() == ["表间一致", "说明与表格", "表内勾稽"]
    assert findings_view(found, severities=["info"])["规则"].tolist() == ["table.sum_rows"]
    assert findings_view(found, document_ids=[2])["部门"].tolist() == ["乙局"]
    assert findings_view(found, rules=["cross.total"])["说明"].tolist() == ["不一致"]
    assert rule_family("something.new") == "其他"

    docs = docs_frame([(1, 1, "甲局", 2024, "budget", "department"), (2, 2, "乙局", 2023, "final_accounts", "department"),
                       (3, 3, "丙局", 2022, "budget", "department")])
    counts = findings_counts(found, docs)
    assert counts[["部门", "错误", "警告", "提示", "合计"]].values.tolist() == [
        ["甲局", 1, 0, 1, 2], ["乙局", 0, 1, 0, 1], ["丙局", 0, 0, 0, 0]]


def test_self_evaluation_and_indicator_tables():
    from analysis.frames import grade_counts, grade_of, indicator_table, self_evaluation_table

    assert [grade_of(s) for s in (D("90"), D("89.99"), D("60"), D("59.9"), None)] == ["优", "良", "中", "差", None]
    frame = pd.DataFrame([
        {"self_evaluation_id": 7, "document_id": 1, "agency": "甲局", "year": 2023, "seq": 0, "name": "项目一",
         "budget": D("17.5"), "executed": D("6.947035"), "reported_score": D("88.97"), "computed_score": D("90.12"),
         "grade": None,
         "data": {"execution_rate": "39.7", "findings": [{"rule": "score.indicator", "message": "指标得分不符"}],
                  "indicators": [{"level1": "产出指标", "level2": "数量指标", "level3": "检查次数", "weight": "10",
                                  "operator": "≥", "target": "4", "unit": "次", "actual": "3次", "status": "部分完成",
                                  "reported_score": "10", "computed_score": "7.50", "rule": "quant.higher",
                                  "explanation": "正向指标：3/4×10=7.50"}]}},
    ])
    table = self_evaluation_table(frame)
    row = table.iloc[0]
    assert (row["序号"], row["执行率（%）"], row["差异"], row["等级"], row["问题数"]) == (1, D("39.7"), D("-1.15"), "优", 1)
    assert row["主要问题"] == "指标得分不符"
    ind = indicator_table(frame.iloc[0]["data"]).iloc[0]
    # the scoring rule by its Chinese name (quant.higher: 正向指标)
    assert (ind["指标值"], ind["复核得分"], ind["差异"], ind["评分规则"]) == ("≥ 4 次", D("7.50"), D("2.50"),
                                                                   "正向指标")
    assert ind["计分说明"] == "正向指标：3/4×10=7.50"
    assert grade_counts(["优", "优", "中", None]).values.tolist() == [["优", 2], ["良", 0], ["中", 1], ["差", 0]]
    assert self_evaluation_table(frame.iloc[0:0]).empty


# --------------------------------------------------------------------------- the page's defaults and per-agency tables


def test_default_selection_is_the_year_most_agencies_share():
    # agencies in the order of the agency list (sorted names)
    assert ac.default_selection(DOCS, ac.ANY_KIND) == (2024, sorted(["甲局", "乙局"]))
    assert ac.default_selection(DOCS, "final_accounts") == (None, sorted(["乙局", "丙局"]))  # no year has two
    many = docs_frame([(1, 1, "甲局", 2023, "budget", "department"), (2, 2, "乙局", 2023, "budget", "department"),
                       (3, 3, "丙局", 2023, "budget", "department"), (4, 1, "甲局", 2024, "budget", "department"),
                       (5, 2, "乙局", 2024, "budget", "department")])
    assert ac.default_selection(many, "budget") == (2023, sorted(["丙局", "乙局", "甲局"]))  # three beat two


def test_default_year_from_the_counts_per_year_is_default_selections_year():
    """The page takes its default year from store.queries.year_summary's counts."""
    def counts(docs, kind):
        df = docs[docs["kind"].isin(ac.kinds_of(kind))]
        per_year = df.groupby("year")["agency"].nunique().sort_index(ascending=False)
        return pd.DataFrame({"year": per_year.index, "agencies": per_year.values})

    many = docs_frame([(1, 1, "甲局", 2023, "budget", "department"), (2, 2, "乙局", 2023, "budget", "department"),
                       (3, 3, "丙局", 2023, "budget", "department"), (4, 1, "甲局", 2024, "budget", "department"),
                       (5, 2, "乙局", 2024, "budget", "department")])
    for docs, kind in ((DOCS, ac.ANY_KIND), (DOCS, "final_accounts"), (DOCS, "budget"), (many, "budget")):
        assert ac.default_year(counts(docs, kind)) == ac.default_selection(docs, kind)[0]
    assert ac.default_year(counts(many, "budget")) == 2023
    assert ac.default_year(pd.DataFrame({"year": [2025, 2024], "agencies": [2, 2]})) == 2025  # the later on a tie
    assert ac.default_year(pd.DataFrame(columns=["year", "agencies"])) is None
    assert ac.kinds_of(None) == ac.kinds_of(ac.ANY_KIND) == list(ac.FINANCIAL_KINDS)
    assert ac.kinds_of("budget") == ["budget"]


def test_agency_rows_values_differences_and_ranks():
    table = _two_agency_table()
    values = act.agency_rows(table, act.SCALE_COLUMNS)
    assert list(values.columns[:3]) == ["部门", "文件", "本年支出合计"]
    assert values["部门"].tolist() == ["甲局", "乙局"] and values["文件"].tolist() == ["2024年预算", "2024年预算"]
    assert values["本年支出合计"].tolist() == [D("100.00"), D("300.50")]
    assert values["人员经费"].tolist() == [D("45.00"), None]

    diffs = act.agency_rows(table, act.SCALE_COLUMNS, view="diff", baseline="乙局（2024年部门预算）")
    assert diffs["文件"].tolist() == ["2024年预算", "2024年预算（基准）"]
    assert diffs["本年支出合计"].tolist() == [D("-200.50"), D("0.00")]
    assert diffs["人员经费"].tolist() == [None, None]  # no difference with a blank side

    ranks = act.agency_rows(table, act.SCALE_COLUMNS, view="rank")
    assert ranks["本年支出合计"].tolist() == [2, 1]
    assert pd.isna(ranks["人员经费"].iloc[1])

    shares = act.agency_rows(table, act.SHARE_COLUMNS)
    assert shares["基本支出占比%"].tolist() == [D("60.00"), D("33.44")]
    with pytest.raises(ValueError):
        act.agency_rows(table, act.SCALE_COLUMNS, view="sideways")


def test_stacked_parts_add_the_rest_of_the_total():
    segments, totals = stacked_parts(_two_agency_table(), "expenditure_total",
                                        [("basic", "基本支出"), ("project", "项目支出")], other_label="其他支出")
    assert totals == [D("100.00"), D("300.50")]
    assert [name for name, _ in segments] == ["基本支出", "项目支出", "其他支出"]
    assert segments[2][1] == [None, D("10.00")]  # 300.50 − 100.50 − 190.00; 甲局 adds up
    only_parts, _ = stacked_parts(_two_agency_table().iloc[:1], "expenditure_total",
                                     [("basic", "基本支出"), ("project", "项目支出")])
    assert [name for name, _ in only_parts] == ["基本支出", "项目支出"]  # no empty 其他 segment


def test_share_matrix_headed_by_agency_names():
    table = _two_agency_table()
    names = ac.short_names(table)
    assert names == {"甲局（2024年部门预算）": "甲局", "乙局（2024年部门预算）": "乙局"}
    shares = pd.DataFrame([
        {"label": "甲局（2024年部门预算）", "document_id": 2, "class_code": "208", "class_name": "社会保障和就业支出",
         "amount": D("25"), "share": D("25.00"), "derived": False},
        {"label": "乙局（2024年部门预算）", "document_id": 4, "class_code": "210", "class_name": "卫生健康支出",
         "amount": D("75"), "share": D("100.00"), "derived": False},
    ])
    matrix = ac.share_matrix(shares, names)
    assert list(matrix.columns) == ["类", "甲局", "乙局"]
    assert matrix.set_index("类").loc["210 卫生健康支出", "乙局"] == D("100.00")


# --------------------------------------------------------------------------- rule names, findings by rule, target quality


def test_every_rule_the_checks_and_the_scoring_emit_has_a_chinese_name():
    import re
    from pathlib import Path

    from analysis.frames import RULE_NAMES, rule_label, rule_name

    root = Path(__file__).resolve().parent.parent / "analysis"
    families = "table|summary|three_public|assets|cross|narrative|performance|score|quant|qualitative|unscorable|" \
               "execution|deadline|cost|parse|checks"
    found = set()
    for path in root.glob("*.py"):
        if path.name == "frames.py":
            continue
        found |= set(re.findall(rf'"((?:{families})\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    assert found and sorted(found - set(RULE_NAMES)) == []
    assert rule_name("cross.total") == "各表本年支出合计一致"
    assert rule_label("cross.total") == "各表本年支出合计一致（cross.total）"
    assert rule_name("cross.something_new") == "表间一致" and rule_name(None) == ""


def test_findings_view_with_chinese_rule_names_and_rows_from_one():
    from analysis.frames import RULE_NAMES, findings_by_rule, findings_view

    found = pd.DataFrame([
        {"document_id": 1, "agency": "甲局", "year": 2024, "kind": "budget", "file_name": "a.pdf", "finding_id": 1,
         "rule": "cross.total", "severity": "error", "message": "不一致", "page": 7, "table_title": "支出总表",
         "row": 0, "expected": None, "found": None},
        {"document_id": 1, "agency": "甲局", "year": 2024, "kind": "budget", "file_name": "a.pdf", "finding_id": 2,
         "rule": "cross.total", "severity": "info", "message": "舍入", "page": 8, "table_title": None,
         "row": None, "expected": None, "found": None},
        {"document_id": 1, "agency": "甲局", "year": 2024, "kind": "budget", "file_name": "a.pdf", "finding_id": 3,
         "rule": "narrative.sum", "severity": "warning", "message": "说明", "page": 2, "table_title": None,
         "row": None, "expected": None, "found": None},
    ])
    view = findings_view(found, rule_labels=RULE_NAMES)
    assert view["规则"].tolist()[0] == "各表本年支出合计一致（cross.total）"
    assert view["报告"].tolist()[0] == "甲局 2024年部门预算"
    assert view["行号"].iloc[0] == 1 and pd.isna(view["行号"].iloc[1])  # stored 0-based, shown from 1
    by_rule = findings_by_rule(found)
    assert by_rule[["规则", "错误", "警告", "提示", "合计", "规则编号"]].values.tolist() == [
        ["各表本年支出合计一致", 1, 0, 1, 2, "cross.total"], ["说明中的合计", 0, 1, 0, 1, "narrative.sum"]]


def test_target_quality_parts_and_summary():
    from analysis.frames import drop_empty_columns, target_quality_summary, target_quality_table

    def project(pid, score, quantified, unit_fit, level1, cost, copied):
        return {"project_id": pid, "document_id": 1, "agency": "甲局", "year": 2021, "seq": pid - 1, "code": None,
                "name": f"项目{pid}", "amount": D("1.00"),
                "data": {"indicators": [{}] * 9,
                         "quality": {"score": score, "reasons": ["设有成本指标"],
                                     "components": {"quantified": quantified, "unit_fit": unit_fit,
                                                    "level1": level1, "cost": cost, "copied_with": copied}}}}

    frame = pd.DataFrame([project(1, "75.6", "88.9", "75.0", ["产出", "效益", "满意度"], True, [1]),
                          project(2, "100.0", "100.0", "100.0", ["产出", "效益"], False, [])])
    table = target_quality_table(frame)
    first, second = table.to_dict("records")
    assert (first["可量化（%）"], first["单位相符（%）"], first["指标层级齐全"], first["成本指标"], first["雷同项目数"]) == (
        D("88.9"), D("75.0"), "齐全", "有", 1)
    assert (second["指标层级齐全"], second["成本指标"], second["雷同项目数"]) == ("缺满意度", "无", 0)
    assert first["评分依据"] == "设有成本指标"
    summary = {label: n for label, n, _why in target_quality_summary(table)}
    assert summary == {"有未量化的指标": 1, "计量单位与指标不符": 1, "指标层级不全": 1, "缺成本指标": 1, "疑似套用模板": 1}
    blank = pd.DataFrame({"a": [1, 2], "b": [None, ""], "c": [pd.NA, None]})
    assert list(drop_empty_columns(blank, ["b", "c"]).columns) == ["a"]
