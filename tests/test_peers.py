"""Peer groups and regions read from agency names (analysis/peers.py, analysis/regions.py)."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from analysis import peers, regions


@pytest.mark.parametrize(
    "name, kind, level, province, city, county, town",
    [
        ("香河县医疗保障局", "医疗保障局", "区县", None, None, "香河县", None),
        ("秦皇岛市北戴河区医疗保障局（本级）", "医疗保障局", "区县", "河北", "秦皇岛市", "北戴河区", None),
        ("青龙满族自治县医疗保障局", "医疗保障局", "区县", None, None, "青龙满族自治县", None),
        ("平顶山市石龙区医疗保障局", "医疗保障局", "区县", "河南", "平顶山市", "石龙区", None),
        ("上海市普陀区人民政府万里街道办事处", "街道办事处", "乡镇街道", "上海", "上海市", "普陀区", "万里街道"),
        ("上海市普陀区财政局", "财政局", "区县", "上海", "上海市", "普陀区", None),
        ("国家信访局", "信访局", "中央", None, None, None, None),
        ("西安市医疗保障局", "医疗保障局", "市", "陕西", "西安市", None, None),
        ("河北省财政厅", "财政局", "省", "河北", None, None, None),
        ("重庆市人民政府办公厅", "政府办公室", "省", "重庆", "重庆市", None, None),
        ("中共重庆市委宣传部", "宣传部", "省", "重庆", "重庆市", None, None),
        ("秦皇岛市城市管理局", "城市管理局", "市", "河北", "秦皇岛市", None, None),
        ("秦皇岛市市场监督管理局", "市场监督管理局", "市", "河北", "秦皇岛市", None, None),
        ("唐山市迁安市卫健委", "卫生健康委员会", "区县", "河北", "唐山市", "迁安市", None),
        ("北京市海淀区教育委员会", "教育局", "区县", "北京", "北京市", "海淀区", None),
        ("某县某某镇人民政府", "乡镇人民政府", "乡镇街道", None, None, "某县", "某某镇"),
        ("珠海市政府投资交通市政项目工务中心", "其他", "市", "广东", "珠海市", None, None),
    ],
)
def test_profile_reads_kind_level_and_region_from_the_name(name, kind, level, province, city, county, town):
    p = peers.profile(name)
    assert (p.kind, p.level, p.province, p.city, p.county, p.town) == (kind, level, province, city, county, town)


def test_every_synonym_names_a_kind_once():
    syn = peers.kind_synonyms()
    assert syn["医保局"] == "医疗保障局" and syn["卫健委"] == "卫生健康委员会" and syn["财政厅"] == "财政局"
    assert {"医疗保障局", "财政局", "卫生健康委员会", "教育局", "街道办事处"} <= set(peers.kinds())
    assert peers.city_provinces()["秦皇岛市"] == "河北" and peers.city_provinces()["平顶山市"] == "河南"


AGENCIES = ["香河县医疗保障局", "秦皇岛市北戴河区医疗保障局", "平顶山市石龙区医疗保障局", "西安市医疗保障局",
            "上海市普陀区财政局", "上海市普陀区人民政府万里街道办事处", "烟台市医疗保障局"]


def test_peers_are_same_kind_and_level():
    assert peers.peers("香河县医疗保障局", AGENCIES) == ["香河县医疗保障局", "秦皇岛市北戴河区医疗保障局",
                                                      "平顶山市石龙区医疗保障局"]
    assert peers.peers("西安市医疗保障局", AGENCIES) == ["西安市医疗保障局", "烟台市医疗保障局"]
    assert peers.peers("秦皇岛市北戴河区医疗保障局", AGENCIES, same_region="province") == [
        "秦皇岛市北戴河区医疗保障局"]
    assert peers.filter_agencies(AGENCIES, levels=["市"]) == ["西安市医疗保障局", "烟台市医疗保障局"]
    assert peers.filter_agencies(AGENCIES, provinces=["上海"]) == ["上海市普陀区财政局", "上海市普陀区人民政府万里街道办事处"]
    assert peers.group_label(AGENCIES[:3]) == "医疗保障局 · 区县级"


def test_rank_table_ranks_and_adds_the_median():
    table = pd.DataFrame({"agency": ["甲", "乙", "丙", "丁"],
                          "expenditure_total": [Decimal("10"), Decimal("30"), None, Decimal("20.5")]})
    out = peers.rank_table(table, [("expenditure_total", "本年支出合计")])
    assert list(out["部门"]) == ["甲", "乙", "丙", "丁", peers.MEDIAN_LABEL]
    assert list(out["本年支出合计排名"]) == ["3/3", "1/3", None, "2/3", "3 个部门"]
    assert out["本年支出合计"].iloc[-1] == Decimal("20.50")


def test_median_by_year_leaves_the_agency_out():
    totals = pd.DataFrame({
        "document_id": [1, 2, 3, 4, 5], "agency": ["甲", "乙", "丙", "乙", "丙"], "year": [2023, 2023, 2023, 2024, 2024],
        "scope": ["department"] * 5, "expenditure_total": [Decimal(100), Decimal(10), Decimal(30), Decimal(12), None],
    })
    out = peers.median_by_year(totals, ["expenditure_total"], agencies=["甲", "乙", "丙"], exclude="甲")
    assert out.to_dict("records") == [
        {"year": 2023, "measure": "expenditure_total", "median": Decimal("20.00"), "agencies": 2, "names": "乙、丙"},
        {"year": 2024, "measure": "expenditure_total", "median": Decimal("12.00"), "agencies": 1, "names": "乙"},
    ]


def _docs():
    rows = [
        (1, "上海市普陀区财政局", 2024, "final_accounts", "department"),
        (2, "上海市普陀区人民政府万里街道办事处", 2024, "final_accounts", "department"),
        (3, "上海市静安区财政局", 2024, "final_accounts", "department"),
        (4, "香河县医疗保障局", 2024, "final_accounts", "department"),
        (5, "上海市普陀区财政局", 2024, "final_accounts", "unit"),
        (6, "上海市静安区财政局", 2024, "budget", "department"),
    ]
    return pd.DataFrame(rows, columns=["document_id", "agency", "year", "kind", "scope"]).assign(file_name="f.pdf")


def test_region_totals_sum_the_agencies_and_say_how_many():
    chosen = regions.choose_documents(_docs(), "区县", 2024, "final_accounts")
    assert list(chosen["document_id"]) == [2, 1, 3, 4]  # unit scope 5 and the budget 6 left out
    assert list(chosen["region"]) == ["上海市普陀区", "上海市普陀区", "上海市静安区", "香河县"]
    totals = pd.DataFrame({"document_id": [1, 2, 3, 4],
                           "expenditure_total": [Decimal("100.10"), Decimal("50.05"), Decimal("70"), Decimal("5")],
                           "three_public_total": [Decimal("1.5"), None, Decimal("2"), None]})
    out = regions.region_totals(chosen, totals).set_index("地区")
    assert out.loc["上海市普陀区", "部门数"] == 2 and out.loc["上海市普陀区", "本年支出合计"] == Decimal("150.15")
    assert out.loc["上海市普陀区", "“三公”经费"] == Decimal("1.5")
    assert "“三公”经费 1/2" in out.loc["上海市普陀区", "列示情况"]
    assert out.loc["上海市静安区", "部门数"] == 1 and out.loc["香河县", "“三公”经费"] is None
    assert "上海市普陀区 2 个" in regions.coverage_note(out.reset_index())
    # a city view: 香河县 names no city and is left out
    assert regions.unplaced(list(_docs()["agency"]), "市") == ["香河县医疗保障局"]
    assert list(regions.members(list(_docs()["agency"]), "市")) == ["上海市"]


def test_region_function_sums():
    chosen = regions.choose_documents(_docs(), "区县", 2024, "final_accounts", regions=["上海市普陀区"])
    lines = pd.DataFrame({"document_id": [1, 1, 2], "code": ["201", "208", "201"], "name": ["一般公共服务支出",
                          "社会保障和就业支出", "一般公共服务支出"], "total": [Decimal(60), Decimal(40), Decimal(100)]})
    out = regions.region_function_sums(chosen, lines)
    rec = out.set_index("类").loc["201 一般公共服务支出"]
    assert rec["amount"] == Decimal(160) and rec["share"] == Decimal("80.00") and rec["agencies"] == 2


def test_default_year_and_level_set_the_most_regions_side_by_side():
    docs = _docs().assign(kind="budget")
    docs.loc[len(docs)] = [7, "平顶山市财政局", 2023, "budget", "department", "f.pdf"]
    docs.loc[len(docs)] = [8, "秦皇岛市财政局", 2023, "budget", "department", "f.pdf"]
    assert regions.years_with_regions(docs, "区县", "budget") == [2024]
    assert regions.years_with_regions(docs, "市", "budget") == [2023, 2024]
    assert regions.default_level(docs, "budget") == "区县"  # 2024: 普陀区, 静安区, 香河县
