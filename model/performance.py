"""Performance records of the parsed document: project targets (项目绩效目标表),
department targets (部门整体绩效目标表) and project self-evaluations
(项目支出绩效自评表) with their scores.

Indicators follow the three levels of the national framework: 一级 (产出/效益/
满意度指标), 二级 (数量/质量/时效/成本…) and 三级 (the indicator's own name).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from model.record import UNSET, Record


@dataclass(kw_only=True)
class IndicatorTarget(Record):
    """An indicator's three levels and its target: as printed and as read."""

    level1: str | None
    level2: str | None
    level3: str | None
    target: str | None  # 年度指标值 as printed
    operator: str | None  # ≥ ≤ = < > …
    value: Decimal | None
    unit: str | None
    row: int | None
    page: int | None
    item: int | None = UNSET  # the project's number in a list of many
    period_target: str | None = UNSET  # 实施周期指标值


@dataclass(kw_only=True)
class Indicator(IndicatorTarget):
    """A target indicator of a project or a department."""

    description: str | None  # 指标解释
    basis: str | None  # 评(价)标准 / 指标值设定依据


@dataclass(kw_only=True)
class SpendingStep(Record):
    """One step of a project's spending plan (用款计划: 3月底 3.00 …)."""

    period: str
    printed: str
    value: Decimal | None


@dataclass(kw_only=True)
class QualityComponents(Record):
    quantified: Decimal  # share of indicators with a number
    cost: bool  # has a cost indicator
    level1: list[str]  # 一级指标 present
    unit_fit: Decimal | None
    copied_with: list[int]  # projects whose indicators are the same


@dataclass(kw_only=True)
class Quality(Record):
    """How well a project's targets are set (analysis/target_quality.py)."""

    score: Decimal
    components: QualityComponents
    reasons: list[str]
    template_group: int | None


@dataclass(kw_only=True)
class Project(Record):
    """A project's performance targets (项目绩效目标表)."""

    code: str | None
    name: str
    amount: Decimal | None  # 资金总额 (万元)
    fiscal: Decimal | None  # 财政拨款
    other: Decimal | None  # 其他资金
    purpose: str | None  # 项目概况 / 立项依据
    spending_plan: list[SpendingStep]
    goal: str | None  # 年度绩效目标
    department: str | None  # 主管部门
    implementing_agency: str | None  # 实施单位
    indicators: list[Indicator]
    indicator_count: int
    page: int | None
    pages: list[int]
    row: int | None
    table: str | None
    table_index: int | None
    special_account: Decimal | None = UNSET  # 财政专户
    quality: Quality = UNSET
    findings: list[ScoreFinding] = UNSET
    file: str = UNSET


@dataclass(kw_only=True)
class Task(Record):
    """A department's task (部门整体绩效目标表: 任务名称, 主要内容, 金额)."""

    name: str | None
    content: str | None
    amount: Decimal | None
    goal: str | None
    page: int | None
    row: int | None


@dataclass(kw_only=True)
class DepartmentTarget(Record):
    """A department's overall performance targets (部门整体绩效目标表)."""

    name: str
    budget: Decimal | None
    goal: str = UNSET
    indicators: list[Indicator]
    indicator_count: int
    page: int | None
    pages: list[int]
    table: str | None
    table_index: int | None
    tasks: list[Task] = UNSET
    fiscal: Decimal | None = UNSET
    other: Decimal | None = UNSET
    basic: Decimal | None = UNSET
    project: Decimal | None = UNSET
    own_use: Decimal | None = UNSET  # 本级
    transfer: Decimal | None = UNSET  # 转移支付
    budget_basis: str = UNSET
    file: str = UNSET


@dataclass(kw_only=True)
class ScoredIndicator(IndicatorTarget):
    """A self-evaluation indicator: target, actual, the score reported and ours."""

    description: str | None = UNSET
    actual: str | None  # 实际完成值
    weight: Decimal | None  # 分值
    reported_score: Decimal | None  # 得分 as printed
    explanation: str | None = UNSET  # 偏差原因分析及改进措施
    # what scoring added (analysis/scoring.py)
    kind: str = UNSET
    rule: str = UNSET
    interpretation: str | None = UNSET
    band: list[Decimal] | None = UNSET
    met: bool | None = UNSET
    status: str | None = UNSET
    computed_score: Decimal | None = UNSET


@dataclass(kw_only=True)
class GoalResult(Record):
    """年度目标 against 实际完成情况."""

    goal: str | None
    result: str | None
    completion_rate: Decimal | None = UNSET
    row: int | None


@dataclass(kw_only=True)
class NarrativeClaim(Record):
    """What the 情况说明 says of a project's budget and execution."""

    name: str | None = UNSET
    text: str | None = UNSET
    budget: Decimal | None = UNSET
    executed: Decimal | None = UNSET
    execution_rate: Decimal | None = UNSET
    page: int | None = UNSET


@dataclass(kw_only=True)
class ScoreFinding(Record):
    """A scoring finding on one self-evaluation (or one of its indicators)."""

    rule: str
    severity: str
    message: str
    indicator: int | None = UNSET  # index into ``indicators``
    page: int | None = UNSET
    table: str | None = UNSET
    row: int | None = UNSET
    family: str = UNSET
    file: str = UNSET


@dataclass(kw_only=True)
class SelfEvaluation(Record):
    """A project's performance self-evaluation (项目支出绩效自评表), scored."""

    name: str
    item: int | None = UNSET
    department: str | None  # 主管部门
    implementing_agency: str | None  # 实施单位
    level: str | None = UNSET
    budget: Decimal | None  # 全年预算数
    received: Decimal | None = UNSET  # 全年到位数
    executed: Decimal | None  # 全年执行数
    execution_rate: Decimal | None  # 执行率 as printed
    execution_weight: Decimal | None = UNSET  # 预算执行率's 分值
    execution_points: Decimal | None = UNSET  # its 得分 as printed
    goals: list[GoalResult]
    indicators: list[ScoredIndicator]
    indicator_count: int
    reported_score: Decimal | None  # 自评总分 as printed
    reported_grade: str | None = UNSET
    problems: str | None = UNSET
    carried_over: list[int] = UNSET
    narrative: NarrativeClaim = UNSET
    page: int | None
    pages: list[int]
    row: int | None
    table: str | None
    table_index: int | None
    # what scoring added (analysis/scoring.py)
    weights_sum: Decimal | None = UNSET
    computed_execution_rate: Decimal | None = UNSET
    computed_execution_points: Decimal | None = UNSET
    execution_rule: str = UNSET
    execution_explanation: str = UNSET
    computed_score: Decimal | None = UNSET
    computed_complete: bool = UNSET
    narrative_score: Decimal | None = UNSET
    grade: str | None = UNSET
    findings: list[ScoreFinding] = UNSET
    file: str = UNSET


__all__ = [name for name in dir() if name[0].isupper() and name not in ("Decimal", "Record", "UNSET")]
