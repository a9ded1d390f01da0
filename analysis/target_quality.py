"""How well a project's performance targets (绩效目标) are set: a score 0–100 with reasons.

Pure functions over the project records the loader produces.  Five parts,
each weighted by a setting (QUALITY_W_*):

* **quantified** — the share of indicators printed with operator, number and
  unit ('≥95%', '<0.42万元'); a bare number and unit ('100%', '12个月') is an exact
  target, its operator "=" implied (as the scoring engine reads it); a number
  without unit or an approximation ('约6类', '10余次') counts half; a text target
  ('有所提高', '及时') or a placeholder ('无') nothing;
* **unit fit** — among indicators with a unit, the share whose unit fits what
  the indicator measures (a 人数 in 百分比 does not, nor a 成本 in %);
* **level1** — 产出, 效益 and 满意度 all present (成本 counts as 产出);
* **cost** — a 成本指标 present;
* **original** — the indicator set is not one copied across projects: two
  projects whose indicator rows (二级指标 + 指标值) coincide by at least
  QUALITY_COPY_SIMILARITY are put in one template group.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from analysis.scoring import fmt, parse_value, unit_base
from analysis.scoring_config import SettingsConfig, indicator_section

ZERO = Decimal(0)
ONE = Decimal(1)
HALF = Decimal("0.5")


@dataclass(frozen=True)
class QualityConfig(SettingsConfig):
    SETTINGS_PREFIX = "QUALITY_"

    w_quantified: Decimal = Decimal("40")
    w_unit_fit: Decimal = Decimal("20")
    w_level1: Decimal = Decimal("15")
    w_cost: Decimal = Decimal("10")
    w_original: Decimal = Decimal("15")
    copy_similarity: Decimal = Decimal("0.8")


_PLACEHOLDER = {"无", "/", "-", "—", "－", "空", "不适用", "不涉及"}


def _n(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def is_placeholder(ind: dict) -> bool:
    return _n(ind.get("level3")) in _PLACEHOLDER or (
        not _n(ind.get("level3")) and _n(ind.get("target")) in _PLACEHOLDER
    )


def quantification(ind: dict) -> tuple[Decimal, str]:
    """(credit 0 / 0.5 / 1, why) for one indicator's target."""
    if is_placeholder(ind):
        return ZERO, "占位行"
    value, unit, op = ind.get("value"), ind.get("unit"), ind.get("operator")
    if value is None and ind.get("target"):
        pv = parse_value(ind["target"])
        value, unit, op = pv.value, pv.unit, pv.operator
    if value is None:
        return ZERO, "文字目标"
    if not unit:
        return HALF, "无单位"
    if op in ("≥", "≤", ">", "<", "=", "∈"):
        return ONE, "可量化"
    if op is None:
        return ONE, "未写符号（按“=”计）"  # '100%', '12个月': the printed value is the target
    return HALF, "约数"  # '约6类', '10余次'


# what an indicator measures, by the words of its name → the unit class it needs
_EXPECT = [
    ("%", re.compile(r"率|比例|占比|百分比|覆盖面|满意度|知晓度|达标度")),
    ("people", re.compile(r"人数|人次|人员数量|对象数|户数|参保人|受益人口")),
    ("times", re.compile(r"次数|场次|期数|频次")),
    ("time", re.compile(r"时间|时限|期限|完成时|周期")),
    ("money", re.compile(r"成本|费用|金额|资金|经费|补助标准|补贴标准|投入|支出|预算|单价|价格")),
]


def expected_unit(ind: dict) -> str | None:
    for source in (ind.get("level3"), ind.get("description")):
        name = _n(source)
        if not name:
            continue
        for cls, pattern in _EXPECT:
            if pattern.search(name):
                return cls
    return None


def unit_class(unit: str | None) -> str | None:
    base = unit_base(unit)
    if base is None:
        return None
    b = base[0]
    if b == "%":
        return "%"
    if b in ("人", "人次", "户", "名"):
        return "people"
    if b in ("次", "期", "场"):
        return "times"
    if "元" in b:
        return "money"
    if b in ("月", "日", "年", "工作日", "小时", "分钟") or re.search(r"[月日年天]", b):
        return "time"
    return "other"


_CLASS_ZH = {"%": "百分比", "people": "人数/人次", "times": "次数", "money": "金额", "time": "时间", "other": "其他"}


def unit_fits(ind: dict) -> bool | None:
    """None when the indicator has no unit to judge; else whether the unit fits its name."""
    unit = ind.get("unit")
    if not unit and ind.get("target"):
        unit = parse_value(ind["target"]).unit
    if not unit:
        return None
    expected = expected_unit(ind)
    have = unit_class(unit)
    if expected is None or have is None:
        return True
    if expected == "people" and have == "other":
        return True  # 户, 名 … counted as people-like when the name says 人数
    return expected == have


_SECTION_ZH = {"output": "产出", "effect": "效益", "satisfaction": "满意度"}


def _level1_class(ind: dict) -> str | None:
    section = indicator_section(_n(ind.get("level1")), _n(ind.get("level2")))
    return _SECTION_ZH[section] if section else None


def _key(ind: dict) -> tuple[str, str]:
    level2 = _n(ind.get("level2")) or _n(ind.get("level1"))
    if level2.endswith("指标"):
        level2 = level2[:-2]
    target = _n(ind.get("target")).replace("百分比", "%").replace("％", "%").replace(">=", "≥").replace("<=", "≤")
    return level2, target or "三级:" + _n(ind.get("level3"))


def similarity(a: list[dict], b: list[dict]) -> Decimal:
    """Multiset Jaccard of the (二级指标, 指标值) rows of two indicator sets."""
    return _similarity(Counter(_key(i) for i in a), Counter(_key(i) for i in b))


def _similarity(ca: Counter, cb: Counter) -> Decimal:
    union = sum((ca | cb).values())
    if not union:
        return ZERO
    return Decimal(sum((ca & cb).values())) / Decimal(union)


def template_groups(projects: list[dict], threshold: Decimal) -> list[list[int]]:
    """Groups (of 2 or more project indices) whose indicator sets are copies of one another."""
    n = len(projects)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # each project's rows counted once (a department may list hundreds of projects)
    counts = [Counter(_key(ind) for ind in p.get("indicators") or []) for p in projects]
    sizes = [len(p.get("indicators") or []) for p in projects]
    for i in range(n):
        for j in range(i + 1, n):
            if sizes[i] < 3 or sizes[j] < 3:
                continue
            if Decimal(min(sizes[i], sizes[j])) / Decimal(max(sizes[i], sizes[j])) < threshold:
                continue  # the Jaccard index cannot reach the threshold
            if _similarity(counts[i], counts[j]) >= threshold:
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return sorted((g for g in groups.values() if len(g) >= 2), key=lambda g: g[0])


def assess(projects: list[dict], cfg: QualityConfig | None = None) -> list[dict]:
    """One quality dict per project: {score, reasons, components, template_group}."""
    cfg = cfg or QualityConfig.from_settings()
    groups = template_groups(projects, cfg.copy_similarity)
    group_of = {i: g for g in groups for i in g}
    out = []
    for i, project in enumerate(projects):
        out.append(_assess_one(i, project, projects, group_of.get(i), groups, cfg))
    return out


def _q(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _assess_one(i, project, projects, group, groups, cfg: QualityConfig) -> dict:
    inds = project.get("indicators") or []
    reasons: list[str] = []
    if not inds:
        return {
            "score": ZERO,
            "reasons": ["没有绩效指标"],
            "components": {"quantified": ZERO, "unit_fit": None, "level1": [], "cost": False, "copied_with": []},
            "template_group": None,
        }
    # quantified
    credits = [quantification(ind) for ind in inds]
    quantified = sum((c for c, _ in credits), ZERO) / len(inds)
    kinds = Counter(why for _, why in credits)
    full = kinds["可量化"] + kinds["未写符号（按“=”计）"]
    detail = "，".join(f"{k}{v}项" for k, v in kinds.items() if k != "可量化")
    reasons.append(
        f"可量化指标（符号+数值+单位）{full}/{len(inds)}项" + (f"；其中{detail}" if detail else "")
    )
    # unit fit
    judged = [(ind, unit_fits(ind)) for ind in inds]
    judged = [(ind, fit) for ind, fit in judged if fit is not None]
    if judged:
        unit_fit = Decimal(sum(1 for _, fit in judged if fit)) / len(judged)
        misfits = [ind for ind, fit in judged if not fit]
        if misfits:
            shown = "；".join(
                f"“{ind.get('level3')}”用{ind.get('unit')}（应为{_CLASS_ZH.get(expected_unit(ind) or '', '?')}）"
                for ind in misfits[:4]
            )
            more = f"等{len(misfits)}项" if len(misfits) > 4 else ""
            reasons.append(f"计量单位与指标不符：{shown}{more}")
        else:
            reasons.append(f"{len(judged)}项带单位的指标单位均与指标相符")
    else:
        unit_fit = ZERO
        reasons.append("没有带计量单位的指标，无法核对单位")
    # level 1
    present = {c for c in (_level1_class(ind) for ind in inds) if c}
    missing = [c for c in ("产出", "效益", "满意度") if c not in present]
    level1 = Decimal(3 - len(missing)) / 3
    reasons.append("产出、效益、满意度指标齐全" if not missing else f"缺少{'、'.join(missing)}指标")
    # cost
    cost = any("成本" in _n(ind.get("level1")) + _n(ind.get("level2")) for ind in inds)
    reasons.append("设有成本指标" if cost else "没有成本指标")
    # copied
    copied_with = [j for j in (group or []) if j != i]
    if copied_with:
        names = "、".join(projects[j].get("name") or f"项目{j + 1}" for j in copied_with[:3])
        more = f"等{len(copied_with)}个项目" if len(copied_with) > 3 else ""
        best = max(similarity(inds, projects[j].get("indicators") or []) for j in copied_with)
        reasons.append(f"指标与{names}{more}雷同（最高重合{fmt(_q(best * 100))}%），疑为套用模板")
    targets = {_n(ind.get("target")).replace("百分比", "%") for ind in inds if not is_placeholder(ind)}
    if len(inds) >= 3 and len(targets) == 1 and "" not in targets:
        reasons.append(f"全部指标的指标值都是“{next(iter(targets))}”")
    score = (
        cfg.w_quantified * quantified
        + cfg.w_unit_fit * unit_fit
        + cfg.w_level1 * level1
        + cfg.w_cost * (ONE if cost else ZERO)
        + cfg.w_original * (ZERO if copied_with else ONE)
    )
    return {
        "score": _q(score),
        "reasons": reasons,
        "components": {
            "quantified": _q(quantified * 100),
            "unit_fit": _q(unit_fit * 100) if judged else None,
            "level1": sorted(present),
            "cost": cost,
            "copied_with": copied_with,
        },
        "template_group": groups.index(group) if group else None,
    }
