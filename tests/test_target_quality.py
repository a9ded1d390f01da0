"""Quality of performance targets (analysis/target_quality.py)."""
from __future__ import annotations

from decimal import Decimal as D
from statistics import mean

import pytest

from analysis.target_quality import QualityConfig, assess, quantification, similarity, template_groups, unit_fits
from golden import seed_path
from pipeline import parse_bytes


@pytest.fixture(scope="module")
def xianghe() -> list[dict]:
    return parse_bytes(seed_path("000").read_bytes(), "000.txt")["projects"]


@pytest.fixture(scope="module")
def beidaihe() -> list[dict]:
    return parse_bytes(seed_path("001").read_bytes(), "001.txt")["projects"]


def test_beidaihe_projects_share_one_copied_template(beidaihe):
    assert len(beidaihe) == 11
    groups = {p["quality"]["template_group"] for p in beidaihe}
    assert groups == {0}  # all eleven in one template group
    assert all(len(p["quality"]["components"]["copied_with"]) == 10 for p in beidaihe)
    for p in beidaihe:
        assert any("雷同" in r and "套用模板" in r for r in p["quality"]["reasons"])
        assert any("≥90%" in r for r in p["quality"]["reasons"])  # every target '≥90百分比'
    # including 代理记账, whose indicator names differ but whose 二级指标 and values are the template's
    keeper = next(p for p in beidaihe if p["name"] == "代理记账")
    assert keeper["quality"]["template_group"] == 0


def test_xianghe_targets_are_not_copied(xianghe):
    assert all(p["quality"]["template_group"] is None for p in xianghe)


def test_xianghe_scores_higher_on_quantifiability_than_beidaihe(xianghe, beidaihe):
    q000 = [p["quality"]["components"]["quantified"] for p in xianghe]
    q001 = [p["quality"]["components"]["quantified"] for p in beidaihe]
    assert mean(q000) > mean(q001)
    fit000 = [p["quality"]["components"]["unit_fit"] for p in xianghe]
    fit001 = [p["quality"]["components"]["unit_fit"] for p in beidaihe]
    assert mean(fit000) > mean(fit001)  # 001 measures head counts and costs in 百分比
    assert min(p["quality"]["score"] for p in xianghe) > max(p["quality"]["score"] for p in beidaihe)


def test_beidaihe_unit_misfit_named(beidaihe):
    reasons = " ".join(beidaihe[0]["quality"]["reasons"])
    assert "城乡居民医疗保险经办人数" in reasons and "百分比" in reasons


def test_scores_are_0_to_100_with_reasons(xianghe, beidaihe):
    for p in xianghe + beidaihe:
        q = p["quality"]
        assert D(0) <= q["score"] <= D(100)
        assert len(q["reasons"]) >= 4


# --------------------------------------------------------------------------- constructed


def I(level1, level2, level3, target, unit=None, op=None, value=None):
    from analysis.scoring import parse_value

    pv = parse_value(target)
    return {
        "level1": level1,
        "level2": level2,
        "level3": level3,
        "description": None,
        "target": target,
        "operator": op if op is not None else pv.operator,
        "value": value if value is not None else pv.value,
        "unit": unit if unit is not None else pv.unit,
    }


def good_project(name="甲", amount=D("10")):
    return {
        "name": name,
        "amount": amount,
        "indicators": [
            I("产出指标", "数量指标", "培训人数", "≥300人"),
            I("产出指标", "质量指标", "培训合格率", "≥98%"),
            I("产出指标", "成本指标", "人均培训成本", "≤1200元"),
            I("效益指标", "社会效益指标", "业务能力提升", "有所提高"),
            I("满意度指标", "服务对象满意度指标", "学员满意度", "≥95%"),
        ],
    }


def test_quantification_credit():
    assert quantification(I("产出指标", "数量指标", "x", "≥10次"))[0] == 1
    assert quantification(I("产出指标", "数量指标", "x", "100%"))[0] == 1  # '=' implied
    assert quantification(I("产出指标", "数量指标", "x", "约6类"))[0] == D("0.5")
    assert quantification(I("产出指标", "数量指标", "x", "有所提高"))[0] == 0
    assert quantification(I("效益指标", "生态效益指标", "无", "无"))[0] == 0


def test_unit_fit_rules():
    assert unit_fits(I("产出指标", "数量指标", "参保人数", "≥90%")) is False
    assert unit_fits(I("产出指标", "数量指标", "参保率", "≥90%")) is True
    assert unit_fits(I("产出指标", "成本指标", "人均补助标准", "≥90%")) is False
    assert unit_fits(I("产出指标", "成本指标", "人均补助标准", "≤300元")) is True
    assert unit_fits(I("产出指标", "时效指标", "完成时间", "≤3个月")) is True
    assert unit_fits(I("产出指标", "数量指标", "会议次数", "≥4次")) is True
    assert unit_fits(I("效益指标", "社会效益指标", "水平", "有所提高")) is None


def test_constructed_scores():
    cfg = QualityConfig()
    good = good_project()
    bad = {
        "name": "乙",
        "indicators": [
            I("产出指标", "数量指标", "服务人数", "≥90%"),
            I("产出指标", "质量指标", "工作质量", "良好"),
        ],
    }
    q_good, q_bad = assess([good, bad], cfg)
    # good: quantified 4/5 → 0.8 × 40 = 32; unit fit 4/4 → 20; level1 15; cost 10; original 15 → 92
    assert q_good["score"] == D("92.0")
    # bad: quantified 1/2 → 20; unit fit 0/1 → 0; level1 1/3 → 5; no cost → 0; original 15 → 40
    assert q_bad["score"] == D("40.0")
    assert any("缺少效益、满意度指标" in r for r in q_bad["reasons"])
    assert any("没有成本指标" in r for r in q_bad["reasons"])
    assert any("服务人数" in r for r in q_bad["reasons"])


def test_constructed_copies_and_threshold():
    a, b = good_project("甲"), good_project("乙")
    c = good_project("丙")
    c["indicators"][0] = I("产出指标", "数量指标", "宣传次数", "≥12次")
    c["indicators"][1] = I("产出指标", "质量指标", "宣传覆盖率", "≥80%")
    assert similarity(a["indicators"], b["indicators"]) == 1
    assert similarity(a["indicators"], c["indicators"]) == D(3) / D(7)
    assert template_groups([a, b, c], D("0.8")) == [[0, 1]]
    assert template_groups([a, b, c], D("0.4")) == [[0, 1, 2]]
    qa, qb, qc = assess([a, b, c], QualityConfig(copy_similarity=D("0.8")))
    assert qa["components"]["copied_with"] == [1] and qc["template_group"] is None
    assert qa["score"] == qc["score"] - 15  # the weight of 'original'


def test_weights_from_config():
    q = assess([good_project()], QualityConfig(w_quantified=D(0), w_unit_fit=D(0), w_level1=D(50), w_cost=D(50), w_original=D(0)))[0]
    assert q["score"] == D("100.0")


def test_settings_override(monkeypatch):
    monkeypatch.setenv("BUDGETLENS_QUALITY_COPY_SIMILARITY", "0.5")
    assert QualityConfig.from_settings().copy_similarity == D("0.5")
