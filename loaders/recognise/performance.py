"""Performance tables: 项目绩效目标表 (budgets) and 项目绩效自评表 (final accounts).

``extract(doc, views, ident)`` returns the ``projects`` and ``self_evaluations``
of the parsed document (schema in docs/document-schema.md), plus
``department_targets`` for a 部门（单位）整体绩效目标表.  Each record carries its
provenance (page, table title, table index, row).  Self-evaluations are
re-scored by :mod:`analysis.scoring` and performance targets rated by
:mod:`analysis.target_quality` afterwards (analysis/review.py), not here.
"""
from __future__ import annotations

import difflib
import re
from decimal import Decimal

from loaders.model import Document, Paragraph, Table
from loaders.recognise.cells import norm
from loaders.recognise.performance_selfeval import is_self_evaluation, parse_self_evaluation
from loaders.recognise.performance_targets import TargetParser
from loaders.recognise.views import TableView

_NARRATIVE_SCORE = re.compile(r"自评(?:得分|总分|分数)\s*(?:为|是|：|:)?\s*[,，:：]?\s*(\d+(?:\.\d+)?)\s*分")
_NARRATIVE_BUDGET = re.compile(r"全年预算数?\s*为\s*(\d+(?:\.\d+)?)\s*万元")
_NARRATIVE_EXECUTED = re.compile(r"执行数\s*为\s*(\d+(?:\.\d+)?)\s*万元")
_NARRATIVE_RATE = re.compile(r"完成预算的\s*(\d+(?:\.\d+)?)\s*%")


def extract(doc: Document, views: list[TableView], ident=None) -> dict:
    """{"projects": [...], "self_evaluations": [...], "department_targets": [...]}."""
    self_evaluations = []
    narratives = _Narratives(doc)
    groups = _self_evaluation_groups(views)
    used = {v.index for group in groups for v in group}
    for group in groups:
        first = group[0]
        table = first.table if len(group) == 1 else _joined(group)
        title = first.title or _caption_title(first.table) or "项目支出绩效自评表"
        rec = parse_self_evaluation(table, title, first.index, first.scale)
        if rec is None or rec["name"] is None:
            continue
        narratives.attach(rec, first.table)
        self_evaluations.append(rec)

    parser = TargetParser()
    for i, v in enumerate(views):
        if v.index in used:
            continue
        nxt = views[i + 1] if i + 1 < len(views) else None
        if v.family == "performance_target" or (
            v.family == "unknown" and (parser.continues(v) or (nxt is not None and parser.form_head(v, nxt)))
        ):
            parser.feed(v)
    projects = parser.projects()
    return {
        "projects": projects,
        "self_evaluations": self_evaluations,
        "department_targets": parser.departments(),
    }


def _self_evaluation_groups(views: list[TableView]) -> list[list[TableView]]:
    """Self-evaluation tables, each with the untitled tables right after it that
    carry on with its rows (a page break the reader did not join)."""
    groups: list[list[TableView]] = []
    for v in views:
        text = norm("".join(c for row in v.table.rows for c in row))
        starts = v.family == "self_evaluation" and "项目名称" in text or (
            v.family in ("unknown", "performance_target", "self_evaluation") and is_self_evaluation(v.table)
        )
        if starts:
            groups.append([v])
        elif (
            groups
            and v.index == groups[-1][-1].index + 1
            and v.family in ("unknown", "self_evaluation")
            and "项目名称" not in text
            and any(w in text for w in ("自评总分", "总分", "预算执行率", "完成", "得分", "一级指标"))
        ):
            groups[-1].append(v)
        elif v.family == "self_evaluation":
            groups.append([v])
    return groups


def _joined(group: list[TableView]) -> Table:
    width = max(v.table.width for v in group)
    rows, pages = [], []
    for v in group:
        rows.extend(list(r) + [""] * (width - len(r)) for r in v.table.rows)
        pages.extend(v.table.row_pages)
    return Table(rows=rows, row_pages=pages, caption=list(group[0].table.caption), ragged=any(v.table.ragged for v in group))


def _caption_title(table: Table) -> str | None:
    for line in reversed(table.caption):
        if "表" in line and len(norm(line)) <= 60:
            return line.strip()
    return None


def _paragraphs_before(doc: Document) -> dict[int, list[Paragraph]]:
    """For every table: the paragraphs between it and the table before it."""
    out: dict[int, list[Paragraph]] = {}
    pending: list[Paragraph] = []
    for block in doc.blocks:
        if isinstance(block, Table):
            out[id(block)] = pending
            pending = []
        else:
            pending.append(block)
    return out


_NARRATIVE_NAME = re.compile(r"^(?:[（(]\s*\d{1,2}\s*[)）]|\d{1,2}\s*[.．、])?\s*(.+?)(?:项目)?(?:绩效)?自评(?:情况|综述)|^(?:[（(]\s*\d{1,2}\s*[)）]|\d{1,2}\s*[.．、])\s*(.+?)项目综述")
_ITEM_ANY = re.compile(r"^(?:[（(]\s*(\d{1,2})\s*[)）]|(\d{1,2})\s*[.．、])")


def _narrative_name(text: str) -> str | None:
    m = _NARRATIVE_NAME.match(text)
    if not m:
        return None
    name = (m.group(1) or m.group(2) or "").rstrip("，,:：")
    return name or None


def _similar(a: str | None, b: str | None) -> float:
    if not a or not b:
        return 0.0
    a, b = norm(a), norm(b)
    if a in b or b in a:
        return 1.0
    return difflib.SequenceMatcher(None, a, b).ratio()


class _Narratives:
    """The '(N) … 自评得分为94分 … 全年预算数为…万元' paragraphs of the report."""

    def __init__(self, doc: Document) -> None:
        self.before = _paragraphs_before(doc)
        self.all = [p for p in doc.paragraphs() if _NARRATIVE_SCORE.search(norm(p.text))]
        self.used: set[int] = set()

    def attach(self, rec: dict, table: Table) -> None:
        gap = self.before.get(id(table), [])
        texts = [norm(p.text) for p in gap]
        joined = "".join(texts)
        bounds, pos = [], 0
        for t in texts:
            bounds.append(pos)
            pos += len(t)
        matches = list(_NARRATIVE_SCORE.finditer(joined))
        chosen = None
        if matches:
            # the paragraph each score belongs to starts at the last numbered item before it
            def opening(m) -> int:
                k = max(i for i, b in enumerate(bounds) if b <= m.start())
                for i in range(k, -1, -1):
                    if _ITEM_ANY.match(texts[i]):
                        return i
                return k

            scored = [(m, opening(m)) for m in matches]
            named = [(m, i) for m, i in scored if _similar(_narrative_name(texts[i]), rec["name"]) >= 0.6]
            chosen = named[-1] if named else (scored[-1] if len(scored) == 1 or not self.all else None)
            if chosen is not None:
                m, i = chosen
                self._set(rec, gap[i], "".join(texts[i:]), m.group(1), texts[i])
                return
        best, best_ratio = None, 0.6
        for p in self.all:
            if id(p) in self.used:
                continue
            ratio = _similar(_narrative_name(norm(p.text)), rec["name"])
            if ratio >= best_ratio:
                best, best_ratio = p, ratio
        if best is not None:
            text = norm(best.text)
            self._set(rec, best, text, _NARRATIVE_SCORE.search(text).group(1), text)

    def _set(self, rec: dict, para: Paragraph, text: str, score: str, opening: str) -> None:
        self.used.add(id(para))
        rec["narrative_score"] = Decimal(score)
        item = _ITEM_ANY.match(opening)
        if item:
            rec["item"] = int(item.group(1) or item.group(2))
        rec["narrative"] = {
            "text": text,
            "page": para.page,
            "name": _narrative_name(opening),
            "budget": _dec(_NARRATIVE_BUDGET.search(text)),
            "executed": _dec(_NARRATIVE_EXECUTED.search(text)),
            "execution_rate": _dec(_NARRATIVE_RATE.search(text)),
        }


def _dec(m) -> Decimal | None:
    return Decimal(m.group(1)) if m else None


