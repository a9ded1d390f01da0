"""Real defects confirmed by eye on the page (docs/findings-review.md, issue 11).

Every error finding on ../shared was reviewed against its rendered page.  The
ones on ../shared/real and ../shared/corpus that are the report's own defects are
pinned here: each must still be reported, by the same rule, on the same PDF page,
naming the same numbers.  (Seeds and fixtures are pinned through
fixtures/truth in tests/test_checks.py.)

Only presence is asserted.  The two false findings of the review are not pinned
as expected (national-petition-bureau narrative.share p.26, 烟台民政局
cross.three_public_economic p.24), and a fix that removes them must not break
this module.

Findings are read with ``analysis.checks.all_findings`` so the scoring engine's
self-evaluation findings (score.*) count too, as ``python -m loaders check``
shows them.
"""
from __future__ import annotations

import functools
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from analysis.checks import all_findings
from golden import SHARED
from pipeline import parse_bytes

REAL = SHARED / "real"
CORPUS = SHARED / "corpus" / "files"

ANY = object()  # found / expected not checked


def pin(rule, page, found=ANY, expected=ANY, says=()):
    return {"rule": rule, "page": page, "found": found, "expected": expected, "says": tuple(says)}


# file (under real/ or corpus/files) -> the confirmed defects, as the finding names them
CONFIRMED: dict[str, list[dict]] = {
    # p17 增长35.74% where 5834.37 / (22066.59 - 5834.37) = 35.94%
    "national-petition-bureau-2024-final.pdf": [
        pin("narrative.change", 17, "35.74", "35.94", ["5834.37", "22066.59"]),
        # p28 综述 88.5 分, p35-36 自评表 总分 90.5 (= 6.3 + 20 + 10 + 10 + 7.1 + 8.8 + 9 + 10 + 9.3)
        pin("score.narrative_mismatch", 35, says=["信息化运行维护", "88.5", "90.5"]),
    ],
    "putuo-finance-bureau-2024-final.pdf": [
        # p21 财政拨款收入支出总计0.3万元; 决算总表 (p13) 总计 2,961.68
        pin("narrative.table", 21, "0.3", "2961.68", ["2961.68"]),
        # p21 2106.66 占71.73%, of 2940.05 = 71.65%
        pin("narrative.share", 21, "71.73", "71.65", ["2106.66"]),
    ],
    # p7 财务收支预算总表 labels 7,099,698 元 一般公共服务支出; every other table has it as 208
    "001_上海__医疗保障局_2026年部门预算.pdf": [
        pin("cross.class", 7, "709.9698", says=["一般公共服务", "没有201类"]),
        pin("cross.class", 10, expected="709.9698", says=["社会保障和就业", "208类"]),
    ],
    # p7 收入总计 left blank (财政拨款收入 195,774,300 元)
    "001_上海__审计局_2026年部门预算.pdf": [
        pin("summary.side_sum", 7, expected="19577.43", says=["收入总计 空白"]),
    ],
    # p20-21 公开07表: stray 222 rows (388.25) that neither 合计 nor any other table counts
    "006_苏州__规划和自然资源局_苏州市自然资源和规划局（本级）2026年度单位预算公开.pdf": [
        pin("table.code_sum", 20, "9078.52", "9466.77", ["222 388.25"]),
        pin("table.code_sum", 20, "4256.30", "4644.55", ["222 388.25"]),
    ],
    # one 50.60 slip: 表5 公路水路运输 basic 小计 and 表1 一般公共服务支出, carried on; the narrative has the right sums
    "008_杭州__交通运输局_2026年部门预算.pdf": [
        pin("summary.side_sum", 23, "665964.37", "665913.77", ["6651.38"]),
        pin("cross.class", 22, "6651.38", "6701.98"),
        pin("table.code_sum", 30, "97402.60", "97453.20", ["21401", "53522.29"]),
        pin("table.code_sum", 30, "51417.49", "51468.10", ["21401", "8464.39"]),
        pin("table.row_sum", 30, "82479.29", "82529.88", ["67627.51", "14902.37"]),
        pin("table.row_sum", 30, "51417.49", "51468.09", ["214 交通运输支出"]),
        pin("table.row_sum", 30, "51417.49", "51468.09", ["21401 公路水路运输"]),
        pin("narrative.table", 7, "165653.20", "165602.60"),
        pin("narrative.table", 12, "82529.89", "82479.29"),
    ],
    # 公开表3 (p9) and 公开表5 (p13): 20140 信访事务 has 项目支出 524.00 but no 项 line carries it
    "025_烟台__信访局_2026年部门预算.pdf": [
        pin("table.code_sum", 9, "1378.84", "854.84", ["507.97", "346.87"]),
        pin("table.code_sum", 9, "524.00", "0", ["20140"]),
        pin("table.code_sum", 13, "1378.84", "854.84", ["507.97", "346.87"]),
        pin("table.code_sum", 13, "524.00", "0", ["20140"]),
    ],
}


def _path(name: str) -> Path:
    for base in (REAL, CORPUS):
        if (base / name).is_file():
            return base / name
    pytest.skip(f"{name} not available")


@functools.lru_cache(maxsize=None)
def _errors(name: str) -> tuple[dict, ...]:
    path = _path(name)
    doc = parse_bytes(path.read_bytes(), path.name)
    return tuple(f for f in all_findings(doc) if f.get("severity") == "error")


def _same(value, want) -> bool:
    if want is ANY:
        return True
    if value is None or want is None:
        return value is None and want is None
    try:
        return Decimal(str(value).replace(" ", "")) == Decimal(want)
    except InvalidOperation:
        return str(value).replace(" ", "") == want


def _matches(f: dict, p: dict) -> bool:
    return (
        f.get("rule") == p["rule"]
        and f.get("page") == p["page"]
        and _same(f.get("found"), p["found"])
        and _same(f.get("expected"), p["expected"])
        and all(part in (f.get("message") or "") for part in p["says"])
    )


def _params():
    out = []
    for name, pins in CONFIRMED.items():
        short = Path(name).stem[:24]
        for i, p in enumerate(pins):
            out.append(
                pytest.param(
                    name,
                    i,
                    id=f"{short}-{p['rule']}-p{p['page']}-{i}",
                    # one group per report: its pins run in one worker and share one parse
                    marks=pytest.mark.xdist_group(name=f"findings_review_{short}"),
                )
            )
    return out


@pytest.mark.parametrize("name, index", _params())
def test_confirmed_defect_is_reported(name, index):
    p = CONFIRMED[name][index]
    errors = _errors(name)
    hits = [f for f in errors if _matches(f, p)]
    assert hits, (
        f"{name}: no error {p['rule']} on p.{p['page']} "
        f"(found={p['found'] if p['found'] is not ANY else '*'}, "
        f"expected={p['expected'] if p['expected'] is not ANY else '*'}, says={p['says']}); errors now:\n"
        + "\n".join(f"  {f.get('rule')} p{f.get('page')} found={f.get('found')} expected={f.get('expected')} "
                    f"{(f.get('message') or '')[:120]}" for f in errors)
    )

