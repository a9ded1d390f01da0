"""Layouts of other provinces (issue 9, point 2): each variant is built as a
small document and parsed the way an upload is."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from loaders.pipeline import parse_bytes
from variants import text

D = Decimal


def parse_text(tmp_path: Path, parts: list, name: str = "r.txt") -> dict:
    path = tmp_path / name
    path.write_text(text(parts), encoding="utf-8")
    return parse_bytes(path.read_bytes(), path.name)


HEAD = ["某市信访局2026年部门预算"]


def test_grand_total_labelled_income_total_below_the_carryover(tmp_path):
    """泉州: 本年收入合计, 上年结转结余, then 收入合计 = the grand total."""
    summary = [
        ["收入", "", "支出", ""],
        ["项目", "预算数", "项目", "预算数"],
        ["一、一般公共预算拨款收入", "69059.36", "一、公共安全支出", "76045.79"],
        ["二、其他收入", "4547.20", "二、住房保障支出", "5160.77"],
        ["本年收入合计", "73606.56", "本年支出合计", "81206.56"],
        ["上年结转结余", "7600.00", "结转下年支出", "0.00"],
        ["收入合计", "81206.56", "支出合计", "81206.56"],
    ]
    doc = parse_text(tmp_path, HEAD + ["2026年度收支预算总表", "单位：万元", summary])
    t = doc["totals"]
    assert (t["revenue_total"], t["carryover_begin"], t["grand_total"]) == (D("73606.56"), D("7600.00"), D("81206.56"))
    assert t["expenditure_total"] == D("81206.56")
    assert doc["sources"]["totals"]["grand_total"]["row"] == 6


def test_one_total_and_no_carryover_is_also_the_grand_total(tmp_path):
    """重庆 表一: one 合计 per side at the top, no carry-over lines."""
    summary = [
        ["收入", "", "支出", ""],
        ["项目", "预算数", "项目", "预算数"],
        ["合计", "19,230.18", "合计", "19,230.18"],
        ["一、一般公共预算资金", "18,417.70", "一、一般公共服务支出", "15,958.96"],
        ["二、事业收入资金", "812.48", "二、住房保障支出", "3,271.22"],
    ]
    doc = parse_text(tmp_path, HEAD + ["表一", "2026年部门收支总体情况表", "单位：万元", summary])
    assert doc["totals"]["grand_total"] == D("19230.18")


def test_a_summary_with_carryover_but_no_grand_total_leaves_it_unknown(tmp_path):
    summary = [
        ["收入", "", "支出", ""],
        ["项目", "预算数", "项目", "预算数"],
        ["一、一般公共预算拨款收入", "100.00", "一、卫生健康支出", "110.00"],
        ["本年收入合计", "100.00", "本年支出合计", "110.00"],
        ["上年结转", "10.00", "", ""],
    ]
    doc = parse_text(tmp_path, HEAD + ["部门收支总表", "单位：万元", summary])
    assert doc["totals"]["revenue_total"] == D("100.00")
    assert doc["totals"]["grand_total"] is None
