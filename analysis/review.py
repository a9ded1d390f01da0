"""What analysis adds to a freshly recognised document, before it is stored:
the self-evaluations re-scored, the performance targets rated, every check
run, and each table's own arithmetic turned into its ``verification``.

``review(doc)`` is the hook the entry point (pipeline.py) hands to
``loaders.recognition.recognise``; the rest of this module is what the entry
point needs to choose between reading strategies.
"""
from __future__ import annotations

from analysis import scoring, target_quality
from analysis.checks import run_checks


def review(doc: dict) -> None:
    """Score, rate, check and verify ``doc`` in place."""
    cfg = scoring.ScoringConfig.from_settings()
    for rec in doc.get("self_evaluations") or []:
        _score(rec, cfg)
    projects = doc.get("projects") or []
    if projects:
        quality = target_quality.assess(projects, target_quality.QualityConfig.from_settings())
        for project, q in zip(projects, quality):
            project["quality"] = q
    doc["findings"] = list(doc.get("findings") or []) + run_checks(doc)
    verify(doc)


# ---------------------------------------------------------------- self-evaluations


def _score(rec: dict, cfg: scoring.ScoringConfig) -> None:
    result = scoring.evaluate(rec, cfg)
    for ind, res in zip(rec["indicators"], result.pop("indicator_results")):
        ind.update(res)
    rec.update(result)
    _provenance(rec)


def _provenance(rec: dict) -> None:
    """Page, table and row on every finding: the indicator's row, else the table's."""
    for f in rec["findings"]:
        ind = rec["indicators"][f["indicator"]] if isinstance(f.get("indicator"), int) else None
        f.setdefault("table", rec.get("table"))
        f.setdefault("page", ind["page"] if ind else rec.get("page"))
        f.setdefault("row", ind["row"] if ind else rec.get("row"))


# ---------------------------------------------------------------- self-verifying extraction


def verify(doc: dict) -> None:
    """Each table's own arithmetic (rows to 合计, 类 to 款, basic + project =
    total, the sides of a summary), as the checks tallied it per table."""
    by_table = (doc.get("checks") or {}).get("by_table") or {}
    unreadable: dict[int, int] = {}
    for f in doc.get("findings") or []:
        if f.get("rule") == "parse.not_an_amount" and f.get("table_index") is not None:
            unreadable[f["table_index"]] = unreadable.get(f["table_index"], 0) + 1
    for t in doc.get("tables") or []:
        tally = dict(by_table.get(t["index"]) or {"ran": 0, "failed": 0})
        # a cell where an amount belongs that holds something else ('1,517.95 417.41')
        tally["ran"] += unreadable.get(t["index"], 0)
        tally["failed"] += unreadable.get(t["index"], 0)
        t["verification"] = {
            "checked": tally["ran"] > 0,
            "holds": (tally["failed"] == 0) if tally["ran"] else None,
            "checks": tally["ran"],
            "failed": tally["failed"],
            "strategies_tried": [t.get("strategy")] if t.get("strategy") else [],
        }


def failing(doc: dict) -> list[dict]:
    """The tables whose own arithmetic does not hold."""
    return [t for t in doc.get("tables") or [] if (t.get("verification") or {}).get("holds") is False]


STRATEGY_ZH = {"ruled": "按表格线读取", "aligned": "按文字对齐读取", "sheet": "按单元格读取", "word": "按单元格读取",
               "delimited": "按分隔符读取", "ocr": "文字识别"}


def flag_unverified(doc: dict) -> None:
    """A table whose arithmetic holds under no strategy: one warning naming it
    and its first failing row, beside the checks' own findings."""
    for t in failing(doc):
        first = next((f for f in doc["findings"] if f.get("table_index") == t["index"] and f["severity"] != "info"), None)
        page = first.get("page") if first else (t.get("pages") or [None])[0]
        row = first.get("row") if first else None
        where = f"第{page}页" + (f"第{row + 1}行" if row is not None else "")
        tried = "、".join(STRATEGY_ZH.get(s, s) for s in t["verification"]["strategies_tried"]) or "一种读法"
        doc["findings"].append(
            {
                "rule": "extract.unverified",
                "family": "extraction",
                "severity": "warning",
                "kind": "extraction",
                "message": f"{t['title'] or '表格'}的勾稽关系不成立（{where}），已尝试{tried}：请对照原表核对该表数字",
                "expected": None,
                "found": None,
                "page": page,
                "table": t["title"] or None,
                "row": row,
                "table_index": t["index"],
            }
        )
