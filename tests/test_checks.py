"""The check engine (analysis/checks*.py): identities, cross-table, narrative.

* one test per entry of ``known_inconsistencies`` in ../shared/fixtures/truth,
  each asserting the general rule that finds it (and the numbers it names);
* the pinned set of error-level findings per document (seeds, fixtures in
  every format, ../shared/real), so a false alarm fails the suite;
* unit tests of the engine's arithmetic and tolerance.
"""
from __future__ import annotations

import functools
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from analysis.checks import Checker, Part, Where, run_checks
from pipeline import parse_bytes

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "seeds"
FIXTURES = SHARED / "fixtures"
REAL = SHARED / "real"

SEED = {
    "000": "000_e1a466dd2d0fafcf.txt",
    "001": "001_2ad62ddf2329763a.txt",
    "002": "002_fee3c3d538398af5.txt",
    "003": "003_08710cc348d5ea60.txt",
    "004": "004_69d8ecd0df86de6b.txt",
}


def _path(name: str) -> Path:
    for base in (SEEDS, FIXTURES, REAL):
        if (base / name).exists():
            return base / name
    pytest.skip(f"{name} not available")


@functools.lru_cache(maxsize=None)
def parsed(name: str) -> dict:
    path = _path(name)
    return parse_bytes(path.read_bytes(), path.name)


def seed(key: str) -> dict:
    return parsed(SEED[key])


def D(x) -> Decimal:
    return Decimal(str(x))


def find(doc: dict, rule: str, severity: str | None = None, **want) -> list[dict]:
    """Findings of ``rule`` whose fields equal ``want`` (numbers compared as
    Decimals, ``message`` by containment)."""
    out = []
    for f in doc["findings"]:
        if f["rule"] != rule or (severity and f["severity"] != severity):
            continue
        ok = True
        for k, v in want.items():
            if k == "message":
                ok = all(part in f["message"] for part in ([v] if isinstance(v, str) else v))
            elif k == "table":
                ok = v in (f.get("table") or "")
            elif isinstance(v, (int, float, str, Decimal)) and k in ("expected", "found"):
                try:
                    ok = f[k] is not None and D(f[k]) == D(v)
                except Exception:
                    ok = str(f[k]).replace(" ", "") == str(v).replace(" ", "")
            else:
                ok = f.get(k) == v
            if not ok:
                break
        if ok:
            out.append(f)
    return out


def one(doc: dict, rule: str, severity: str | None = None, **want) -> dict:
    hits = find(doc, rule, severity, **want)
    assert hits, f"no {rule} finding with {want}; have: " + "\n".join(
        f"{f['severity']} {f['rule']} {f['message']}" for f in doc["findings"] if f["rule"] == rule
    )
    return hits[0]


def truth(key: str) -> list[dict]:
    path = FIXTURES / "truth" / f"{SEED[key][:-4]}.json"
    return json.loads(path.read_text(encoding="utf-8"))["known_inconsistencies"]


def self_evaluation_findings(doc: dict, item: int) -> list[dict]:
    for se in doc.get("self_evaluations") or []:
        if se.get("item") == item:
            return se.get("findings") or []
    return []


# ====================================================================== the engine


def test_sum_within_tolerance_per_summand_is_info():
    c = Checker()
    status = c.sum_identity("t", "合计", D("17246.17"), [Part("基本", D("330.00")), Part("项目", D("16916.18"))], Where("表"))
    assert status == "rounding"
    f = c.findings[0]
    assert f["severity"] == "info" and f["kind"] == "rounding"
    assert "17246.17" in f["message"] and "330.00" in f["message"] and "16916.18" in f["message"]
    assert f["expected"] == D("17246.18") and f["found"] == D("17246.17")
    assert c.summary()["passed"] == 1 and c.summary()["failed"] == 0 and c.summary()["rounding"] == 1


def test_sum_beyond_tolerance_is_error_and_counts_as_failed():
    c = Checker()
    # 0.03 with two summands exceeds 2 × 0.01
    assert c.sum_identity("t", "合计", D("10.03"), [Part("a", D("5")), Part("b", D("5"))], Where()) == "fail"
    assert c.findings[0]["severity"] == "error"
    assert c.failed == 1 and c.ran == 1


def test_tolerance_grows_with_the_number_of_summands():
    c = Checker()
    parts = [Part(str(i), D("1.00")) for i in range(9)]
    assert c.sum_identity("t", "合计", D("9.02"), parts, Where()) == "rounding"  # 0.02 ≤ 9 × 0.01


def test_blank_total_with_non_blank_parts_is_an_error():
    c = Checker()
    assert c.sum_identity("t", "小计", None, [Part("运行费", D("1.25"))], Where()) == "fail"
    assert "空白" in c.findings[0]["message"]


def test_all_blank_is_not_a_check():
    c = Checker()
    assert c.sum_identity("t", "合计", None, [Part("a", None)], Where()) == "skip"
    assert c.ran == 0


def test_run_checks_on_an_empty_document_reports_nothing():
    doc = {"tables": [], "paragraphs": [], "kind": "budget"}
    assert run_checks(doc) == []
    assert doc["checks"]["ran"] == 0


def test_parse_includes_findings_and_summary():
    doc = seed("002")
    checks = doc["checks"]
    assert checks["ran"] > 100
    assert checks["ran"] == checks["passed"] + checks["failed"]
    assert checks["errors"] == sum(1 for f in doc["findings"] if f["severity"] == "error")
    for f in doc["findings"]:
        assert set(f) >= {"rule", "severity", "message", "expected", "found", "page", "table", "row"}
        assert f["severity"] in ("error", "warning", "info")


ALL_DOCS = list(SEED.values()) + [
    "xianghe-2024-budget.pdf",
    "xianghe-2024-budget.xlsx",
    "qinglong-2023-final.pdf",
    "qinglong-2023-final.xlsx",
    "qinglong-2023-final.xls",
    "beidaihe-2021-budget.pdf",
    "beidaihe-2021-budget.docx",
    "beidaihe-2021-targets.pdf",
    "beidaihe-2021-targets.docx",
    "shilong-2023-budget.pdf",
    "shilong-2023-budget.xlsx",
    "national-petition-bureau-2024-final.pdf",
    "putuo-finance-bureau-2024-final.pdf",
    "putuo-wanli-subdistrict-2023-budget.pdf",
    "putuo-wanli-subdistrict-2024-budget.pdf",
    "putuo-wanli-subdistrict-2025-budget.pdf",
    "xian-medical-security-2022-budget.pdf",
    "yantai-medical-security-2026-budget.pdf",
]


@pytest.mark.parametrize("name", ALL_DOCS)
def test_no_check_crashes(name):
    doc = parsed(name)
    assert not [f for f in doc["findings"] if f["rule"].endswith(".crashed")]


# ====================================================================== pinned error sets
#
# Every error-level finding below was confirmed by reading the document (the
# seeds against truth/*.json; the real PDFs by rendering the page):
#
# * national-petition-bureau p.17 "收、支总计各增加5834.37万元，增长35.74%" with
#   22066.59 this year → 5834.37 / 16232.22 = 35.94 % (its p.26 share of funds on the
#   budget basis is a warning only: docs/findings-review.md);
# * putuo-finance-bureau p.21 "财政拨款收入支出总计0.3万元" (财政拨款收入支出决算总表:
#   2,961.68) and "一般公共服务支出（类）2106.66万元，占71.73%" (of 2940.05 = 71.65 %;
#   the other three shares are right and the four add to 100.07 %).

PINNED_ERRORS: dict[str, list[tuple[str, str]]] = {
    "000_e1a466dd2d0fafcf.txt": [("performance.goal_amount", "3886")],
    "001_2ad62ddf2329763a.txt": [],
    "002_fee3c3d538398af5.txt": [
        ("narrative.grade_rate", "62.5"),
        ("narrative.share", "100"),
        ("narrative.unit", "17334.30元"),
    ],
    "003_08710cc348d5ea60.txt": [
        ("assets.sum", "29"),
        ("cross.class", "21.46"),
        ("narrative.list_sum", "1229.79"),
        ("narrative.sum", "254.61"),
        ("narrative.table", "1.25"),
        ("narrative.table", "1.25"),
        ("narrative.table", "1229.79"),
        ("narrative.table", "15.94"),
        ("narrative.table", "204.25"),
        ("narrative.table", "220.19"),
        ("narrative.table", "28.602443"),
        ("narrative.unit", "8.34元"),
        ("summary.side_sum", "254.61"),
        ("three_public.sum", "None"),
        ("three_public.vehicle", "None"),
    ],
    "004_69d8ecd0df86de6b.txt": [
        ("cross.three_public_economic", "3.70"),
        ("narrative.change", "100"),
        ("narrative.unit", "165.42元"),
    ],
    "xianghe-2024-budget.pdf": [("performance.goal_amount", "3886")],
    "xianghe-2024-budget.xlsx": [],
    "qinglong-2023-final.pdf": [
        ("narrative.grade_rate", "62.5"),
        ("narrative.share", "100"),
        ("narrative.unit", "17334.30元"),
    ],
    "qinglong-2023-final.xlsx": [],
    "qinglong-2023-final.xls": [],
    "shilong-2023-budget.pdf": [
        ("cross.three_public_economic", "3.70"),
        ("narrative.change", "100"),
        ("narrative.unit", "165.42元"),
    ],
    "shilong-2023-budget.xlsx": [("cross.three_public_economic", "3.70")],
    "beidaihe-2021-targets.pdf": [],
    "beidaihe-2021-targets.docx": [],
    # p.26 "共涉及资金5105.75万元，占一般公共预算项目支出总额的100%": funds on the budget basis against the
    # table's spending, a warning (docs/findings-review.md); the qinglong twin exceeds the year's money: an error
    "national-petition-bureau-2024-final.pdf": [("narrative.change", "35.74")],
    "putuo-finance-bureau-2024-final.pdf": [("narrative.share", "71.73"), ("narrative.table", "0.3")],
    "putuo-wanli-subdistrict-2023-budget.pdf": [],
    "putuo-wanli-subdistrict-2024-budget.pdf": [],
    "putuo-wanli-subdistrict-2025-budget.pdf": [],
    "xian-medical-security-2022-budget.pdf": [],
    "yantai-medical-security-2026-budget.pdf": [],
}
# the Word and PDF prints of seed 003 carry the same errors
PINNED_ERRORS["beidaihe-2021-budget.pdf"] = PINNED_ERRORS["003_08710cc348d5ea60.txt"]
PINNED_ERRORS["beidaihe-2021-budget.docx"] = PINNED_ERRORS["003_08710cc348d5ea60.txt"]


def _norm_found(value) -> str:
    if value is None:
        return "None"
    text = str(value).replace(" ", "")
    try:
        return format(Decimal(text).normalize(), "f")
    except Exception:
        return text


@pytest.mark.parametrize("name", sorted(PINNED_ERRORS))
def test_pinned_error_findings(name):
    doc = parsed(name)
    got = Counter((f["rule"], _norm_found(f["found"])) for f in doc["findings"] if f["severity"] == "error")
    want = Counter((rule, _norm_found(found)) for rule, found in PINNED_ERRORS[name])
    assert got == want, "\n".join(
        f"{f['rule']} {f['found']} {f['message']}" for f in doc["findings"] if f["severity"] == "error"
    )


# ====================================================================== known inconsistencies: seed 000


def test_truth_entries_are_all_covered():
    """Every known inconsistency has a test below (counted per document)."""
    covered = {"000": 5, "001": 0, "002": 19, "003": 9, "004": 11}
    for key, n in covered.items():
        assert len(truth(key)) == n, key


def test_000_goal_text_amount_vs_budget():
    # 项目6: 绩效目标 "项目预计投入 3886 万元" vs 预算数 3539.32
    f = one(seed("000"), "performance.goal_amount", "error", found="3886", expected="3539.32")
    assert f["kind"] == "narrative_vs_table" and "3886" in f["message"] and "3539.32" in f["message"]


def test_000_implied_amount_vs_budget():
    # 项目12: 380 元/人 × 9000 人 = 342 万元 vs 预算数 180.00
    f = one(seed("000"), "performance.implied_amount", found="342", expected="180")
    assert "380" in f["message"] and "9000" in f["message"]


def test_000_quarterly_cost_indicator():
    # 项目8: 季度平均成本 '总成本/4个季度' 2.75万元 vs 5.00 / 4 = 1.25 (kind indicator)
    one(seed("000"), "performance.cost_per_period", found="2.75", expected="1.25")


def test_000_monthly_cost_text_vs_indicator():
    # 项目18: 月均成本不超过 0.08 万元 vs 成本指标 ≤0.04 万元/月
    one(seed("000"), "performance.monthly_cost", found="0.08", expected="0.04")


def test_000_spending_plan_percent_holds_amounts():
    doc = seed("000")
    hits = find(doc, "performance.plan_unit")
    assert len(hits) == 19
    assert any("125.00/250.00/375.00/500.00" in f["message"] for f in hits)
    assert any("5.16/10.31/15.47/20.62" in f["message"] for f in hits)


# ====================================================================== seed 002


def test_002_summary_expenditure_side_rounding():
    # 17,336.07 + 1.21 = 17,337.28 vs 总计 17,337.27
    f = one(seed("002"), "summary.side_sum", "info", found="17337.27", expected="17337.28")
    assert "1.21" in f["message"]


def test_002_expenditure_table_210_rounding():
    doc = seed("002")
    one(doc, "table.row_sum", "info", table="支出决算表", found="17246.17", expected="17246.18")
    one(doc, "table.code_sum", "info", table="支出决算表", found="17246.17", expected="17246.18")


def test_002_21012_rounding_in_three_tables():
    hits = find(seed("002"), "table.code_sum", "info", found="11443.94", expected="11443.95")
    assert {f["table"] for f in hits} == {"收入决算表", "支出决算表", "一般公共预算财政拨款支出决算表"}


def test_002_21015_rounding():
    doc = seed("002")
    one(doc, "table.code_sum", "info", table="支出决算表", found="365.45", expected="365.44")
    one(doc, "table.code_sum", "info", table="支出决算表", found="312.00", expected="311.99")


def test_002_expenditure_total_vs_classes():
    one(seed("002"), "table.code_sum", "info", table="支出决算表", found="17336.07", expected="17336.06")


def test_002_general_public_budget_table_rounding():
    doc = seed("002")
    t = "一般公共预算财政拨款支出决算表"
    one(doc, "table.row_sum", "info", table=t, found="17334.30", expected="17334.31")
    one(doc, "table.code_sum", "info", table=t, found="406.13", expected="406.12")
    one(doc, "table.code_sum", "info", table=t, found="328.23", expected="328.24")
    one(doc, "table.row_sum", "info", table=t, found="363.68", expected="363.69")
    one(doc, "table.code_sum", "info", table=t, found="310.24", expected="310.23")


def test_002_basic_table_302_rounding():
    f = one(seed("002"), "table.code_sum", "info", table="基本支出决算表", found="15.63", expected="15.62")
    assert "302" in f["message"]


def test_002_unit_slip_yuan_for_wan():
    f = one(seed("002"), "narrative.unit", "error", found="17334.30 元")
    assert f["kind"] == "unit" and "万元" in f["message"]


def test_002_self_evaluated_amount_vs_project_total():
    # 20168.3 万元 = 100% of 一般公共预算项目支出总额, but 公开05 项目支出 16,928.18
    f = one(seed("002"), "narrative.share", "error", found="100")
    assert "20168.30" in f["message"] and "16928.18" in f["message"]
    assert f["kind"] == "narrative_vs_table"


def test_002_grade_rate():
    f = one(seed("002"), "narrative.grade_rate", "error", found="62.5")
    assert "20/27" in f["message"] and "74.1" in f["message"]


def test_002_self_evaluation_12_narrative_score():
    # found by the scoring engine (analysis.scoring), kept inside the self-evaluation
    rules = {f["rule"] for f in self_evaluation_findings(seed("002"), 12)}
    assert "score.narrative_mismatch" in rules


def test_002_self_evaluation_16_execution_rate():
    rules = [f["rule"] for f in self_evaluation_findings(seed("002"), 16)]
    assert "score.execution_rate" in rules


def test_002_self_evaluation_16_narrative_amounts():
    rules = [f["rule"] for f in self_evaluation_findings(seed("002"), 16)]
    assert "score.narrative_amounts" in rules


def test_002_self_evaluation_16_cost_indicator():
    # 成本预算控制数 实际完成值 1500万元 against 执行数 2569.81145 (kind indicator)
    one(seed("002"), "performance.cost_actual", found="1500", expected="2569.81145")


def test_002_self_evaluation_11_cost_indicator():
    # 大病政府配套 实际 11.7 万 against 预算数 = 执行数 10.665
    one(seed("002"), "performance.cost_actual", found="11.7", expected="10.665")


def test_002_self_evaluation_13_status_vs_actual():
    rules = [f["rule"] for f in self_evaluation_findings(seed("002"), 13)]
    assert "score.status_vs_actual" in rules


def test_002_self_evaluation_5_sum_mismatch():
    rules = [f["rule"] for f in self_evaluation_findings(seed("002"), 5)]
    assert "score.sum_mismatch" in rules


def test_002_self_evaluation_18_goal_completion():
    rules = [f["rule"] for f in self_evaluation_findings(seed("002"), 18)]
    assert "score.goal_completion" in rules


def test_002_self_evaluation_12_and_18_narrative_describes_another_project():
    hits = find(seed("002"), "performance.self_evaluation_text")
    assert {"自评（12）", "自评（18）"} <= {f["message"][:6] for f in hits}
    assert len(hits) == 2


# ====================================================================== seed 003


def test_003_fiscal_summary_line_without_a_class():
    doc = seed("003")
    f = one(doc, "cross.class", "error", found="21.46")
    assert "201" in f["message"] and f["kind"] == "cross_table"
    one(doc, "summary.side_sum", "error", found="254.61", expected="276.07")


def test_003_three_public_subtotals_blank():
    doc = seed("003")
    f = one(doc, "three_public.sum", "error", expected="1.25")
    assert "小计" in f["message"]
    one(doc, "three_public.vehicle", "error", expected="1.25")
    # the 3.49 合计 holds only with 会议费 and 培训费, which are not 三公
    assert len(find(doc, "three_public.extra_rows", "warning")) == 2


def test_003_narrative_three_public_vs_table():
    one(seed("003"), "narrative.table", "error", found="1.25", expected="3.49")


def test_003_narrative_basic_split():
    doc = seed("003")
    one(doc, "narrative.table", "error", found="220.19", expected="201.45")
    one(doc, "narrative.table", "error", found="204.25", expected="186.59")
    one(doc, "narrative.table", "error", found="15.94", expected="14.86")


def test_003_narrative_project_amount():
    doc = seed("003")
    one(doc, "narrative.table", "error", found="1229.79", expected="53.16")
    one(doc, "narrative.list_sum", "error", found="1229.79", expected="53.16")
    one(doc, "narrative.sum", "error", found="254.61", expected="1449.98")


def test_003_unit_slip_operating_expenses():
    f = one(seed("003"), "narrative.unit", "error", found="8.34元")
    assert "8.34" in f["message"]


def test_003_meeting_fee_vs_three_public_table():
    one(seed("003"), "narrative.table", "warning", found="0", expected="0.48")


def test_003_fixed_assets():
    doc = seed("003")
    one(doc, "narrative.table", "error", found="28.602443", expected="29")
    one(doc, "assets.sum", "error", found="29", expected="28.30")


def test_003_fixed_assets_date():
    f = one(seed("003"), "narrative.date", "warning", expected="2020-12-31", found="2021-12-31")
    assert f["kind"] == "date"


# ====================================================================== seed 004


def test_004_expenditure_rows_vs_total():
    doc = seed("004")
    for table in ("部门支出总体情况表", "一般公共预算支出情况表"):
        one(doc, "table.code_sum", "info", table=table, found="193.86", expected="193.84")
        one(doc, "table.code_sum", "info", table=table, found="165.42", expected="165.40")
        one(doc, "table.code_sum", "info", table=table, found="145.06", expected="145.05")


def test_004_classes_vs_summary_tables():
    doc = seed("004")
    hits = find(doc, "cross.class", "info", found="16.52", expected="16.51")
    assert len(hits) == 2  # 收支总体情况表 and 财政拨款收支总体情况表
    assert len(find(doc, "cross.class", "info", found="165.05", expected="165.04")) == 2


def test_004_basic_table_rows_vs_total():
    doc = seed("004")
    one(doc, "table.code_sum", "info", table="基本支出表", found="147.66", expected="147.65")
    one(doc, "table.code_sum", "info", table="基本支出表", found="165.42", expected="165.41")


def test_004_personnel_columns_vs_basic_table():
    doc = seed("004")
    one(doc, "cross.personnel", "info", found="147.66", expected="147.65")
    one(doc, "table.row_sum", "info", table="一般公共预算支出情况表", found="165.42", expected="165.41")


def test_004_economic_vs_function_line():
    f = one(seed("004"), "cross.economic_function", "info", found="7.58", expected="7.57")
    assert "30110" in f["message"] and "2101101" in f["message"]


def test_004_economic_summary_rows_vs_total():
    one(seed("004"), "table.rows_sum", "info", table="支出经济分类汇总表", found="193.86", expected="193.85")


def test_004_unit_slip():
    one(seed("004"), "narrative.unit", "error", found="165.42 元")


def test_004_department_target_budget_misaligned():
    f = one(seed("004"), "performance.department_budget", "warning")
    assert f["kind"] == "table_misalignment" and "错位" in f["message"]


def test_004_three_public_vs_economic_summary():
    f = one(seed("004"), "cross.three_public_economic", "error", found="3.70", expected="1.20")
    assert "30231" in f["message"]


def test_004_hundred_percent_increase_from_zero():
    f = one(seed("004"), "narrative.change", "error", found="100")
    assert f["kind"] == "narrative_arithmetic"


def test_004_cost_cap_above_project_amount():
    one(seed("004"), "performance.cost_cap", "warning", found="16.8", expected="3.00")


# ====================================================================== real documents


def test_real_putuo_finance_narrative_total_and_share():
    doc = parsed("putuo-finance-bureau-2024-final.pdf")
    f = one(doc, "narrative.table", "error", found="0.3", expected="2961.68")
    assert f["page"] == 21
    f = one(doc, "narrative.share", "error", found="71.73")
    assert "71.65" in f["message"]


def test_real_national_petition_change_rate():
    doc = parsed("national-petition-bureau-2024-final.pdf")
    f = one(doc, "narrative.change", "error", found="35.74")
    assert "35.94" in f["message"] and f["page"] == 17


def test_real_putuo_wanli_2024_note_says_table_empty():
    doc = parsed("putuo-wanli-subdistrict-2024-budget.pdf")
    f = one(doc, "narrative.empty_note", "warning")
    assert "47.91" in f["message"]


def test_real_yantai_repeated_class_rows_add_up():
    # 301 printed twice (under 501 and under 505): each owns the rows below it
    doc = parsed("yantai-medical-security-2026-budget.pdf")
    assert not find(doc, "table.code_sum", "error")
    one(doc, "table.code_sum", "info", found="2200.68", expected="2200.67")
