"""年度趋势 analysis (analysis/trends.py): prior-year figures quoted in the
narrative (seed texts, as extracted, and the parsed paragraphs), the yearly
time line with 同比, composition and the quote check."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from analysis import trends as at
from conftest import SEEDS

D = Decimal
SEED_000 = SEEDS / "000_e1a466dd2d0fafcf.txt"
SEED_002 = SEEDS / "002_fee3c3d538398af5.txt"
needs_seeds = pytest.mark.skipif(not SEED_000.is_file(), reason="shared/seeds not present")

#: seed 000's own totals (budget 2024), as the store gives them
XIANGHE_2024 = {"expenditure_total": D("6570.38"), "revenue_total": D("6570.38"), "basic": D("1136.05"),
                "project": D("5434.33"), "three_public_total": D("3.42")}


def raw_paragraphs(path) -> list[str]:
    """The seed text as extracted: one paragraph per non-empty line."""
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def by_measure(figures) -> dict[str, at.QuotedFigure]:
    return {f.measure: f for f in figures}


# --------------------------------------------------------------------------- quoted prior-year figures: seeds


@needs_seeds
def test_seed_000_quotes_the_2023_budget():
    figs = by_measure(at.quoted_prior_figures(raw_paragraphs(SEED_000), year=2024, kind="budget",
                                              current=XIANGHE_2024))
    total = figs["expenditure_total"]
    # "2024年预算收支安排6570.38万元，较2023年预算减少406.20万元"
    assert (total.year, total.basis, total.current, total.change, total.amount) == (
        2023, "budget", D("6570.38"), D("-406.20"), D("6976.58"))
    assert "较2023年预算减少406.20万元" in total.text
    assert figs["revenue_total"].amount == D("6976.58")  # 收支安排 = revenue and expenditure
    # "其中：基本支出增加66.56万元 … 项目支出减少472.76万元" (the change only, current from the tables)
    assert figs["basic"].amount == D("1069.49") and figs["basic"].change == D("66.56")
    assert figs["project"].amount == D("5907.09") and figs["project"].change == D("-472.76")
    assert figs["basic"].amount + figs["project"].amount == total.amount
    # "与2023年相比增加0.00万元" in the 三公 paragraph: its subject is the paragraph's first figure
    assert figs["three_public_total"].amount == D("3.42") and figs["three_public_total"].year == 2023
    assert set(figs) == {"expenditure_total", "revenue_total", "basic", "project", "three_public_total"}


@needs_seeds
def test_seed_000_without_current_values_keeps_what_the_text_itself_gives():
    figs = by_measure(at.quoted_prior_figures(raw_paragraphs(SEED_000), year=2024, kind="budget"))
    assert figs["expenditure_total"].amount == D("6976.58")
    assert "basic" not in figs and "project" not in figs  # the change alone gives no level


@needs_seeds
def test_seed_000_parsed_paragraphs_give_the_same():
    from pipeline import parse_bytes

    doc = parse_bytes(SEED_000.read_bytes(), SEED_000.name)
    figs = by_measure(at.quoted_prior_figures(doc["paragraphs"], year=doc["year"], kind=doc["kind"],
                                              current=XIANGHE_2024))
    assert figs["expenditure_total"].amount == D("6976.58")
    assert figs["project"].amount == D("5907.09")


@needs_seeds
def test_seed_002_final_accounts_quote_2022():
    current = {"grand_total": D("17337.27"), "operating_expenses": D("9.77"), "three_public_total": D("2.06")}
    figs = by_measure(at.quoted_prior_figures(raw_paragraphs(SEED_002), year=2023, kind="final_accounts",
                                              current=current))
    grand = figs["grand_total"]  # "17337.27万元。与2022年度决算相比，收支各增加6682.32万元，增长62.7%"
    assert (grand.year, grand.basis, grand.amount, grand.change_pct) == (2022, "final_accounts", D("10654.95"),
                                                                       D("62.7"))
    assert figs["fiscal_appropriation"].amount == D("10649.10")  # 比上年增加 6685.20
    assert figs["fiscal_appropriation"].change_pct == D("62.8")
    assert figs["general_public_budget"].amount == D("9721.80")
    assert figs["government_fund"].amount == D("927.30") and figs["government_fund"].change_pct == D("-100.0")
    assert figs["three_public_total"].amount == D("4.04")  # 较 2022 年度决算减少 1.98
    assert figs["operating_expenses"].amount == D("14.99")  # 较 2022 年度减少 5.22
    assert figs["three_public_vehicle_operation"].amount == D("3.58")
    # "本年支出合计 17334.30 元，比上年增加 6685.20 万元": a unit slip, not a figure
    assert "expenditure_total" not in figs
    # the 年初预算 comparisons (same year) are not prior-year figures
    assert all(f.year == 2022 for f in figs.values())


# --------------------------------------------------------------------------- quoted prior-year figures: phrasings


def test_real_report_phrasings():
    wanli = [
        {"text": "2024年，上海市普陀区人民政府万里街道办事处收入预算15621.11万元，其中：财政拨款收入15621.11万元，"
                 "比2023年预算减少876.75万元；事业收入0.00万元。", "page": 6},
        {"text": "2023年，某街道收入预算16497.86万元，其中：财政拨款收入16497.86万元，比2022年（上一年度，下同）预算增加"
                 "1421.25万元。", "page": 6},
        {"text": "2024年“三公”经费预算数为47.91万元，比2023年预算增加25万元。其中：", "page": 32},
        {"text": "其中：公务用车购置费25万元，比2023年预算增加25万元，主要原因是购置公务用车；公务用车运行费21.56万元，"
                 "比2023年预算持平。", "page": 32},
    ]
    figs = at.quoted_prior_figures(wanli, year=2024, kind="budget")
    got = {(f.measure, f.year): (f.amount, f.page) for f in figs}
    assert got[("fiscal_appropriation", 2023)] == (D("16497.86"), 6)
    assert got[("fiscal_appropriation", 2022)] == (D("15076.61"), 6)
    assert got[("three_public_total", 2023)] == (D("22.91"), 32)
    assert got[("three_public_vehicle_purchase", 2023)] == (D("0"), 32)
    assert got[("three_public_vehicle_operation", 2023)] == (D("21.56"), 32)


def test_what_is_not_a_prior_year_figure():
    paragraphs = [
        # the 年初预算 of the same year
        "本单位2023年度财政拨款本年收入合计17334.30万元，完成年初预算的153.1%，比年初预算增加6012.99万元。",
        # a change in % only
        "2022年当年预算执行数为1.48万元，2023年预算安排2.63万元，比2022年预算执行数增加77.70 %。",
        # a function item
        "1. “一般公共服务支出（类）统计信息事务（款）统计管理（项）”2.63万元，比2022年预算增加1.15万元。",
        # a copy-paste slip: 0 − 1421.25 < 0
        "政府性基金拨款支出预算0万元，比2022年预算增加1421.25万元。",
        # the following year is not a prior year
        "2023年支出预算100.00万元，比2024年预算减少5.00万元。",
    ]
    assert at.quoted_prior_figures(paragraphs, year=2023, kind="budget") == []


def test_same_and_previous_year_words_and_first_quote_wins():
    figs = at.quoted_prior_figures(
        ["本部门2023年度机关运行经费支出 9.77 万元，与上年持平。", "机关运行经费支出 9.77 万元，较 2022 年度增加 1.00 万元。"],
        year=2023, kind="final_accounts",
    )
    assert len(figs) == 1
    assert (figs[0].measure, figs[0].year, figs[0].amount, figs[0].change) == ("operating_expenses", 2022, D("9.77"), 0)
    assert figs[0].label == "机关运行经费"


def test_a_sentence_broken_by_the_page_layout_is_joined():
    paragraphs = ["3. 国有资本经营预算财政拨款本年收入合计 0.00 万", "元，与上年持平；本年支出合计0.00万元，与上年持平。"]
    assert at.joined_paragraphs(paragraphs) == [
        ("3. 国有资本经营预算财政拨款本年收入合计 0.00 万元，与上年持平；本年支出合计0.00万元，与上年持平。", None)]
    figs = at.quoted_prior_figures(paragraphs, year=2023, kind="final_accounts")
    assert [(f.measure, f.amount) for f in figs] == [("state_capital", D("0.00"))]
    # a heading is not joined to the next paragraph
    assert len(at.joined_paragraphs(["## 3、比上年增减情况", "2024年预算收支安排6570.38万元。"])) == 2


# --------------------------------------------------------------------------- the time line


def totals(rows: list[dict]) -> pd.DataFrame:
    base = {"agency": "某局", "kind": "budget", "scope": "department", "file_name": "x.pdf"}
    return pd.DataFrame([{**base, **r} for r in rows])


def test_yearly_values_fill_a_missing_year_with_the_quote_and_compute_yoy():
    t = totals([{"document_id": 1, "year": 2024, "expenditure_total": D("6570.38"), "basic": D("1136.05")}])
    quoted = at.quoted_frame(at.quoted_prior_figures(
        ["2024年预算收支安排6570.38万元，较2023年预算减少406.20万元，其中：基本支出增加66.56万元。"],
        year=2024, kind="budget", current={"basic": D("1136.05")}))
    values = at.yearly_values(t, quoted, kind="budget", measures=["expenditure_total", "basic"])
    total = values[values["measure"] == "expenditure_total"].to_dict("records")
    assert [(r["year"], r["amount"], r["origin"]) for r in total] == [
        (2023, D("6976.58"), "quoted"), (2024, D("6570.38"), "table")]
    assert total[1]["change"] == D("-406.20") and total[1]["change_pct"] == D("-5.82") and total[1]["对比年度"] == 2023
    assert total[0]["来源"].startswith("引自2024年部门预算情况说明") and pd.isna(total[0]["对比年度"])
    basic = values[values["measure"] == "basic"].to_dict("records")
    assert basic[0]["amount"] == D("1069.49") and basic[1]["change"] == D("66.56")

    # a quote never replaces a loaded year, and a final-accounts quote does not feed a budget line
    t2 = totals([{"document_id": 2, "year": 2023, "expenditure_total": D("7000.00")},
                 {"document_id": 1, "year": 2024, "expenditure_total": D("6570.38")}])
    values = at.yearly_values(t2, quoted, kind="budget", measures=["expenditure_total"])
    assert values["origin"].tolist() == ["table", "table"] and values["amount"].tolist() == [D("7000.00"), D("6570.38")]
    assert at.yearly_values(t, quoted, kind="final_accounts", measures=["expenditure_total"])["year"].tolist() == [2024]

    check = at.quote_check(quoted, t2, kind="budget")
    row = check[check["指标"] == "本年支出合计"].iloc[0]
    assert (row["引用数"], row["文件数"], row["差额"], row["一致"]) == (D("6976.58"), D("7000.00"), D("-23.42"), "否")


def test_three_loaded_years_show_every_year_with_changes_and_a_wide_table():
    t = totals([
        {"document_id": 3, "year": 2025, "expenditure_total": D("18976.7551")},
        {"document_id": 1, "year": 2023, "expenditure_total": D("16497.864")},
        {"document_id": 2, "year": 2024, "expenditure_total": D("15621.1123")},
        {"document_id": 4, "year": 2024, "expenditure_total": D("1.00"), "scope": "unit"},  # department wins
    ])
    values = at.yearly_values(t, None, kind="budget", measures=["expenditure_total"])
    assert values["year"].tolist() == [2023, 2024, 2025]
    assert values["change"].tolist()[1:] == [D("-876.7517"), D("3355.6428")]
    assert values["change_pct"].tolist()[1:] == [D("-5.31"), D("21.48")]
    wide = at.wide_years(values)
    assert list(wide.columns) == ["指标", "2023年", "2024年", "2024年同比", "2024年同比%", "2025年", "2025年同比",
                                  "2025年同比%", "说明"]
    assert wide.iloc[0]["2025年"] == D("18976.7551") and wide.iloc[0]["说明"] == ""
    assert at.change_sentence(values) == "2025年本年支出合计较2024年增加3,355.64万元（+21.48%）"


def test_composition_per_year():
    docs = totals([{"document_id": 1, "year": 2023}, {"document_id": 2, "year": 2024}])
    lines = pd.DataFrame([
        {"document_id": 1, "code": "208", "name": "社会保障和就业支出", "total": D("20.00")},
        {"document_id": 1, "code": "210", "name": "卫生健康支出", "total": D("80.00")},
        {"document_id": 2, "code": "210", "name": "卫生健康支出", "total": D("90.00")},
    ])
    comp = at.composition(docs, lines)
    assert comp[["year", "类", "amount", "share"]].values.tolist() == [
        [2023, "208 社会保障和就业支出", D("20.00"), D("20.00")],
        [2023, "210 卫生健康支出", D("80.00"), D("80.00")],
        [2024, "210 卫生健康支出", D("90.00"), D("100.00")],
    ]
    assert at.composition(docs.iloc[0:0], lines).empty


def test_split_wide_gives_the_amounts_and_the_changes_apart():
    wide = pd.DataFrame([{"指标": "本年支出合计", "2023年": D("1"), "2024年": D("2"), "2024年同比": D("1"),
                          "2024年同比%": D("100.00"), "说明": ""}])
    amounts, changes = at.split_wide(wide)
    assert list(amounts.columns) == ["指标", "2023年", "2024年", "说明"]
    assert list(changes.columns) == ["指标", "2024年同比", "2024年同比%"]
    one_year = pd.DataFrame([{"指标": "本年支出合计", "2024年": D("2"), "说明": ""}])
    amounts, changes = at.split_wide(one_year)
    assert list(amounts.columns) == ["指标", "2024年", "说明"] and list(changes.columns) == ["指标"]
