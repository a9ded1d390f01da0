"""预决算对比 analysis (analysis/budget_actual.py): pairing budget and final
accounts, and what final accounts print about their own budget."""
from __future__ import annotations

import json
from decimal import Decimal

import pandas as pd
import pytest

from analysis import budget_actual as ba
from conftest import SEEDS
from tests.fixtures_store import TRUTH_DIR

D = Decimal
SEED_002 = SEEDS / "002_fee3c3d538398af5.txt"
needs_seed = pytest.mark.skipif(not SEED_002.is_file(), reason="shared/seeds not present")
needs_truth = pytest.mark.skipif(not TRUTH_DIR.is_dir(), reason="shared/fixtures/truth not present")


def lines(rows):
    return pd.DataFrame([{"code": c, "name": n, "total": t} for c, n, t in rows])


def test_pair_lines_by_code_with_difference_and_execution_rate():
    budget = lines([("210", "卫生健康支出", D("6371.23")), ("21011", "行政事业单位医疗", D("32.16")),
                    ("208", "社会保障和就业支出", D("125.38"))])
    actual = lines([("208", "社会保障和就业支出", D("53.64")), ("210", "卫生健康支出", D("17246.17")),
                    ("221", "住房保障支出", D("36.25"))])
    out = ba.pair_lines(budget, actual)
    assert out["科目编码"].tolist() == ["208", "210", "21011", "221"]
    assert out["级次"].tolist() == ["类", "类", "款", "类"]
    r = out.set_index("科目编码")
    assert (r.loc["208", "预算数"], r.loc["208", "决算数"], r.loc["208", "差额"], r.loc["208", "执行率（%）"]) == (
        D("125.38"), D("53.64"), D("-71.74"), D("42.78"))
    assert r.loc["210", "执行率（%）"] == D("270.69")
    assert r.loc["21011", "决算数"] is None and r.loc["21011", "差额"] is None
    assert r.loc["221", "预算数"] is None and r.loc["221", "执行率（%）"] is None


def test_pair_lines_without_codes_pairs_by_name_and_sorts_them_last():
    budget = lines([(None, "其他支出", D("10.00")), ("201", "一般公共服务支出", D("5.00"))])
    actual = lines([(None, "其他支出", D("8.00"))])
    out = ba.pair_lines(budget, actual)
    assert out["科目名称"].tolist() == ["一般公共服务支出", "其他支出"]
    assert out.iloc[1]["执行率（%）"] == D("80.00")
    assert ba.pair_lines(None, None).empty


def test_pair_measures_leaves_out_measures_blank_on_both_sides():
    out = ba.pair_measures({"expenditure_total": D("100"), "basic": D("60"), "project": None},
                           {"expenditure_total": D("95"), "basic": D("60"), "project": D("35")})
    assert out["指标"].tolist() == ["本年支出合计", "基本支出", "项目支出"]
    assert out["执行率（%）"].tolist() == [D("95.00"), D("100.00"), None]
    summary = ba.execution_summary(out)
    assert summary == {"budget": D("160"), "actual": D("155"), "rate": D("96.88")}


@needs_truth
def test_three_public_of_qinglong_2023_final_accounts_against_their_own_budget_column():
    truth = json.loads((TRUTH_DIR / "002_fee3c3d538398af5.json").read_text(encoding="utf-8"))
    row = {f"three_public_{k}": v for k, v in truth["three_public"].items()}
    row.update({f"three_public_budget_{k}": v for k, v in truth["three_public_budget"].items()})
    out = ba.three_public_pairs(row)
    assert out["项目"].tolist() == ["“三公”经费合计", "公务用车购置及运行维护费", "公务用车运行维护费", "公务接待费"]
    total = out.iloc[0]
    assert (total["决算表预算数"], total["决算数"], total["差额"], total["执行率（%）"]) == (
        D("2.06"), D("2.06"), D("0.00"), D("100.00"))
    assert total["预算文件数"] is None
    # with a budget document beside it
    out = ba.three_public_pairs(row, {"three_public_total": D("3.42")})
    assert out.iloc[0]["预算文件数"] == D("3.42") and out.iloc[0]["执行率（%）"] == D("100.00")


@needs_seed
def test_seed_002_narrative_gives_the_initial_budget():
    paragraphs = [line for line in SEED_002.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = ba.narrative_budget_figures(paragraphs, agency="青龙满族自治县医疗保障局").set_index("项目")
    # "财政拨款本年收入合计17334.30万元，完成年初预算的153.1%，比年初预算增加6012.99万元"
    fiscal = out.loc["财政拨款本年收入合计"]
    assert (fiscal["年初预算数"], fiscal["决算数"], fiscal["文中完成率（%）"], fiscal["执行率（%）"]) == (
        D("11321.31"), D("17334.30"), D("153.1"), D("153.11"))
    assert fiscal["依据"] == "由“比年初预算增减额”推算"
    assert out.loc["财政拨款本年支出合计", "年初预算数"] == D("11321.31")  # the fund is carried to 本年支出合计
    assert out.loc["一般公共预算财政拨款本年收入合计", "年初预算数"] == D("10286.31")
    assert out.loc["政府性基金预算财政拨款本年收入合计", "年初预算数"] == D("1035.00")
    assert out.loc["国有资本经营预算财政拨款本年收入合计", "依据"] == "文中称“与预算持平”"
    three = out.loc["“三公”经费财政拨款支出"]  # "支出预算为 2.06 万元，支出决算为 2.06 万元，完成预算的 100.0%"
    assert (three["年初预算数"], three["决算数"], three["依据"]) == (D("2.06"), D("2.06"), "文中列明年初预算数")
    # project summaries ("全年预算数为17.5万元，执行数为6.947035万元，完成预算的39.7%") belong to the projects
    assert not any("执行数" in p for p in out.index)
    assert D("6.947035") not in set(out["决算数"])


def test_function_items_and_rate_only_figures():
    paragraphs = [
        {"text": "国家信访局 2024 年度财政拨款支出年初预算为 15068.55 万元，支出决算为 13733.8 万元，完成年初预算的 91.14%。其中：",
         "page": 21},
        {"text": "1.一般公共服务（类）信访事务（款）行政运行（项）。年初预算为 5717.32 万元，支出决算为 5757.63 万元，完成年初预算的 100.71%。",
         "page": 21},
        {"text": "其中：因公出国（境）费支出决算为 4.69 万元，完成预算的 15.63%；公务接待费支出决算为 0 万元，完成预算的 0%。",
         "page": 24},
    ]
    out = ba.narrative_budget_figures(paragraphs, agency="国家信访局")
    assert out["项目"].tolist() == ["财政拨款支出", "一般公共服务（类）信访事务（款）行政运行（项）", "因公出国（境）费支出"]
    first, item, outbound = out.to_dict("records")
    assert (first["年初预算数"], first["决算数"], first["差额"], first["页码"]) == (D("15068.55"), D("13733.8"),
                                                                              D("-1334.75"), 21)
    assert item["执行率（%）"] == D("100.71")
    assert outbound["年初预算数"] == D("30.01") and outbound["依据"].startswith("由“完成预算的百分比”推算")


@needs_truth
def test_project_execution_of_the_nineteen_self_evaluations():
    truth = json.loads((TRUTH_DIR / "002_fee3c3d538398af5.json").read_text(encoding="utf-8"))
    frame = pd.DataFrame([{"seq": i, "name": se["name"], "budget": D(se["budget"]), "executed": D(se["executed"]),
                           "reported_score": D(se["reported_score"]), "data": se}
                          for i, se in enumerate(truth["self_evaluations"])])
    out = ba.project_execution(frame)
    assert len(out) == 19
    third = out.iloc[2]  # 基金监管专项经费: 17.5 budgeted, 6.947035 spent, 39.7 %
    assert (third["序号"], third["项目名称"], third["预算数"], third["执行数"]) == (3, "基金监管专项经费", D("17.500000"),
                                                                            D("6.947035"))
    assert third["执行率（%）"] == D("39.70") and third["表列执行率（%）"] == D("39.7")
    assert third["差额"] == D("-10.552965")
    assert ba.project_execution(None).empty


def test_chart_rows_of_the_narrative_budget_and_of_the_projects():
    narrative = pd.DataFrame([
        {"项目": "财政拨款支出", "年初预算数": D("15068.55"), "决算数": D("13733.80"), "差额": D("-1334.75"),
         "执行率（%）": D("91.14")},
        {"项目": "行政运行", "年初预算数": D("5717.32"), "决算数": D("5757.63"), "差额": D("40.31"),
         "执行率（%）": D("100.71")},
        {"项目": "只写了完成率", "年初预算数": None, "决算数": D("1.00"), "差额": None, "执行率（%）": None},
    ])
    gaps = ba.variance_rows(narrative)
    assert gaps["项目"].tolist() == ["财政拨款支出", "行政运行"]
    assert gaps["标注"].tolist() == ["-1,334.75（91.14%）", "40.31（100.71%）"]
    assert gaps["方向"].tolist() == ["减少", "增加"]

    projects = pd.DataFrame([
        {"序号": 1, "项目名称": "关于下达2022年省级财政困难群众基本生活补助资金的通知(冀财社【2022】178号)",
         "执行率（%）": D("100.00")},
        {"序号": 2, "项目名称": "基金监管专项经费", "执行率（%）": D("39.70")},
        {"序号": 3, "项目名称": "基金监管专项经费", "执行率（%）": None},
    ])
    bars = ba.execution_bars(projects)
    assert bars["名称"].tolist()[0].endswith("…") and len(bars["名称"].iloc[0]) == 26
    assert bars["名称"].tolist()[1:] == ["基金监管专项经费", "基金监管专项经费（3）"]  # two bars, two names
    assert bars["状态"].tolist() == ["已全部执行", "未全部执行", "无法计算"]
    assert bars["标注"].tolist() == ["100.00%", "39.70%", "无法计算"]
