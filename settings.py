"""Settings with defaults and help text; each can be overridden by an
environment variable of the same name prefixed ``BUDGETLENS_``."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Setting:
    default: object
    help: str


SETTINGS: dict[str, Setting] = {
    "MAX_FILE_MB": Setting(50, "上传文件大小上限（MB）"),
    "MAX_PAGES": Setting(500, "PDF 页数上限"),
    "PARSE_MEMORY_MB": Setting(1024, "解析子进程内存上限（MB）"),
    "PARSE_TIMEOUT_S": Setting(300, "解析子进程时间上限（秒）"),
    "OCR_MAX_PAGES": Setting(60, "扫描页（无文字层，需文字识别 OCR）页数上限；超过则拒收"),
    "OCR_SECONDS_PER_PAGE": Setting(30, "每个扫描页给解析子进程增加的时间上限（秒）"),
    "OCR_MEMORY_MB": Setting(1024, "需要文字识别时解析子进程增加的内存上限（MB，OCR 模型与页面图像）"),
    "MAX_UNZIPPED_MB": Setting(200, "Office 文件解压后大小上限（MB），防压缩炸弹"),
    "TOLERANCE": Setting(Decimal("0.01"), "勾稽关系校验容差（万元/每个加数）"),
    "DATABASE_URL": Setting(f"sqlite:///{ROOT / 'data' / 'budgetlens.db'}", "数据库地址"),
    "LOGIN_REQUIRED": Setting(False, "为 true 时查看也须登录（默认只有上传、替换、删除须登录，且仅在设置了用户之后）"),
    "LOG_FILE": Setting(str(ROOT / "data" / "budgetlens.log"), "应用日志文件（意外错误的详细信息按编号记录在此）"),
    # 项目支出绩效自评复核（财预〔2020〕10号）：分值、档次与等级
    "SCORE_EXECUTION_WEIGHT": Setting(Decimal("10"), "预算执行率满分（总分100中的执行率分值）；表中印有分值时以表为准"),
    "SCORE_INDICATOR_TOTAL": Setting(Decimal("90"), "绩效指标分值合计（总分100减预算执行率分值）"),
    "SCORE_SPLIT_OUTPUT": Setting(Decimal("50"), "指导分值：产出指标（含成本指标）合计"),
    "SCORE_SPLIT_EFFECT": Setting(Decimal("30"), "指导分值：效益指标合计"),
    "SCORE_SPLIT_SATISFACTION": Setting(Decimal("10"), "指导分值：满意度指标合计"),
    "SCORE_BAND_ACHIEVED": Setting("0.8-1.0", "定性指标“达成”的得分区间（占分值的比例，下限-上限）"),
    "SCORE_BAND_PARTIAL": Setting("0.6-0.8", "定性指标“部分达成”的得分区间（占分值的比例）"),
    "SCORE_BAND_MISSED": Setting("0-0.6", "定性指标“未达成”的得分区间（占分值的比例）"),
    "SCORE_TOLERANCE": Setting(Decimal("0.01"), "复核得分与自评得分比较的容差（分）"),
    "SCORE_RATE_TOLERANCE": Setting(Decimal("0.01"), "预算执行率比较的容差（百分点，另加打印位数的舍入）"),
    "GRADE_EXCELLENT": Setting(Decimal("90"), "评价等级“优”的最低总分"),
    "GRADE_GOOD": Setting(Decimal("80"), "评价等级“良”的最低总分"),
    "GRADE_FAIR": Setting(Decimal("60"), "评价等级“中”的最低总分（低于此为“差”）"),
    # 绩效目标质量（每个项目0–100分）：各项权重
    "QUALITY_W_QUANTIFIED": Setting(Decimal("40"), "目标质量：可量化指标（符号+数值+单位；只印数值和单位的按“=”计）占比的权重"),
    "QUALITY_W_UNIT_FIT": Setting(Decimal("20"), "目标质量：计量单位与指标相符的权重"),
    "QUALITY_W_LEVEL1": Setting(Decimal("15"), "目标质量：产出、效益、满意度三个一级指标齐全的权重"),
    "QUALITY_W_COST": Setting(Decimal("10"), "目标质量：设有成本指标的权重"),
    "QUALITY_W_ORIGINAL": Setting(Decimal("15"), "目标质量：指标未从其他项目照搬的权重"),
    "QUALITY_COPY_SIMILARITY": Setting(Decimal("0.8"), "两个项目的指标（二级指标+指标值）重合比例达到此值即视为套用同一模板"),
}


def get(name: str):
    setting = SETTINGS[name]
    raw = os.environ.get(f"BUDGETLENS_{name}") or (os.environ.get(name) if name == "DATABASE_URL" else None)
    if raw is None:
        return setting.default
    kind = type(setting.default)
    if kind is bool:
        return raw.strip().lower() in ("1", "true", "yes", "on", "是")
    return kind(raw) if kind is not str else raw


def masked(value) -> str:
    """A setting's value as it may be shown: a database URL's password as ***."""
    text = str(value)
    return re.sub(r"(?<=://)([^:/@]+):([^@]*)@", lambda m: f"{m.group(1)}:***@", text)
