"""A small store for the peer, region, briefing and wording tests, built without
parsing: the four seed truths (香河 2024 budget, 青龙 2023 final accounts, 北戴河
2021 unit budget, 石龙 2023 budget — four 区县 医疗保障局) plus made-up documents of
two city finance bureaus and one more 石龙区 agency, so that a city and a county
hold two agencies each."""
from __future__ import annotations

from decimal import Decimal

from fixtures_store import finish, load_truth, truth_doc
from store.engine import get_engine
from store.ingest import ingest_document

SEEDS = ("000_e1a466dd2d0fafcf", "002_fee3c3d538398af5", "003_08710cc348d5ea60", "004_69d8ecd0df86de6b")
XIANGHE = "香河县医疗保障局"
QINGLONG = "青龙满族自治县医疗保障局"
BEIDAIHE = "秦皇岛市北戴河区医疗保障局"
SHILONG = "平顶山市石龙区医疗保障局"
MEDICAL_PEERS = (SHILONG, BEIDAIHE, QINGLONG, XIANGHE)  # sorted as the page lists them

#: made-up documents: agency, year, total, basic, project, 三公 total (万元)
MADE = (
    ("秦皇岛市财政局", 2023, "1500.00", "900.00", "600.00", "4.20"),
    ("平顶山市财政局", 2023, "1000.00", "700.00", "300.00", None),
    ("平顶山市石龙区财政局", 2023, "800.50", "500.25", "300.25", "1.10"),
)


def made_doc(agency: str, year: int, total: str, basic: str, project: str, three: str | None):
    doc = {
        "schema": "budgetlens.document/1", "parser_version": "test-1", "agency": agency, "agency_code": "901",
        "year": year, "kind": "budget", "scope": "department", "unit_scale": "万元",
        "totals": {"expenditure_total": total, "revenue_total": total, "basic": basic, "project": project},
        "three_public": {"total": three, "reception": three} if three else {},
        "function_lines": [
            {"code": "201", "name": "一般公共服务支出", "total": total, "page": 4, "table": "部门预算支出总表", "row": 2},
        ],
        "sources": {"totals": {k: {"page": 2, "table": "部门预算收支总表", "row": 1, "origin": "table"}
                               for k in ("expenditure_total", "revenue_total", "basic", "project")}},
        "tables": [], "paragraphs": [], "findings": [],
    }
    return finish(doc, f"%PDF-made {agency} {year}".encode(), file=f"{agency}{year}年部门预算.pdf")


def build(url: str) -> str:
    engine = get_engine(url)
    docs = [truth_doc(name) for name in SEEDS] + [made_doc(*m) for m in MADE]
    for doc, data in docs:
        result = ingest_document(doc, data, engine=engine)
        assert result.status == "stored", result.message
    return url


def truth_total(name: str) -> Decimal:
    return Decimal(str(load_truth(name)["totals"]["expenditure_total"]))
