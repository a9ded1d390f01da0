"""Settings with defaults and help text; each can be overridden by an
environment variable of the same name prefixed ``BUDGETLENS_``."""
from __future__ import annotations

import os
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
    "MAX_UNZIPPED_MB": Setting(200, "Office 文件解压后大小上限（MB），防压缩炸弹"),
    "TOLERANCE": Setting(Decimal("0.01"), "勾稽关系校验容差（万元/每个加数）"),
    "DATABASE_URL": Setting(f"sqlite:///{ROOT / 'data' / 'budgetlens.db'}", "数据库地址"),
}


def get(name: str):
    setting = SETTINGS[name]
    raw = os.environ.get(f"BUDGETLENS_{name}") or (os.environ.get(name) if name == "DATABASE_URL" else None)
    if raw is None:
        return setting.default
    kind = type(setting.default)
    return kind(raw) if kind is not str else raw
