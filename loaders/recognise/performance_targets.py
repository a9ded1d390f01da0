"""项目绩效目标表 → project records with their indicators: the reader that takes
the performance-target tables in document order and hands each to the parser
of its layout.

Four layouts occur:

* **one form per project** (Hebei 000/001/003, 西安, 烟台; ``performance_forms``):
  label cells beside their values, then an indicator grid
  (``performance_indicators``).  A Word file may print the form and the
  indicator grid as two tables; the second (no labels, no title of its own)
  continues the first.
* **a summary of all projects** (Henan 项目绩效目标汇总表, 004;
  ``performance_summary``): one row per project with side-by-side column pairs
  三级指标 | 指标值, continued on the rows below.
* **a list of projects** (广州; ``performance_list``).
* **the department's overall targets** (部门（单位）整体绩效目标表;
  ``performance_department``): no project, an indicator grid; kept apart as
  ``department_targets``.

A table right after one of these, without a title of its own, may carry on
with it (a page break the reader did not join): :meth:`TargetParser.continues`.
"""
from __future__ import annotations

from loaders.recognise.cells import norm
from loaders.recognise.performance_common import is_level1, level2_strength
from loaders.recognise.performance_department import parse_department
from loaders.recognise.performance_forms import GOAL_LABELS, form_starts, parse_form
from loaders.recognise.performance_indicators import indicator_header, looks_like_indicator_rows, more_indicators
from loaders.recognise.performance_list import ListReader, list_header
from loaders.recognise.performance_summary import parse_summary
from loaders.recognise.views import TableView


class TargetParser:
    """Feed it the performance-target tables in document order."""

    def __init__(self) -> None:
        self._projects: list[dict] = []
        self._departments: list[dict] = []
        self._current: dict | None = None  # the project form or department being read
        self._context: str | None = None  # "form" | "department" | "summary" | "list"
        self._last_index: int | None = None
        self._lists: list[ListReader] = []

    # -- public

    def continues(self, v: TableView) -> bool:
        """An untitled table right after a performance table that carries on with it
        (a page break the reader did not join, or a Word form printed as two tables)."""
        if self._context is None or self._last_index is None or v.index != self._last_index + 1 or v.title:
            return False
        text = norm("".join(c for row in v.table.rows[:12] for c in row))
        if self._context == "summary":
            return layout_kind(v) == "summary"
        if self._context == "list":
            return layout_kind(v) == "list" or self._lists[-1].accepts(v)
        if "项目名称" in text or "项目编码" in text:
            return False
        if indicator_header(v.table) is not None:
            return True
        cells = [c for row in v.table.rows for c in row if c] + list(v.table.caption[-2:])
        return any(is_level1(c) or level2_strength(c) == 2 for c in cells) or looks_like_indicator_rows(v.table)

    def form_head(self, v: TableView, nxt: TableView) -> bool:
        """An untitled-family table holding a project's 绩效目标 (or 项目名称) whose
        indicator grid is the next table (a Word file printing the form in two)."""
        if nxt.family != "performance_target" or nxt.title or indicator_header(nxt.table) is None:
            return False
        if indicator_header(v.table) is not None or len(v.table.rows) > 12:
            return False
        labels = {norm(c).rstrip(":：") for row in v.table.rows for c in row[:2]}
        return bool(labels & (set(GOAL_LABELS) | {"项目名称", "项目编码"}))

    def feed(self, v: TableView) -> None:
        if self._context == "list" and self._last_index is not None and v.index == self._last_index + 1 and (
            layout_kind(v) == "list" and (not v.title or norm(v.title) == norm(self._lists[-1].title or ""))
            or not v.title and self._lists[-1].accepts(v)
        ):
            self._feed_list(self._lists[-1], v)  # the list goes on (a page the reader did not join)
        elif self._context == "summary" and self.continues(v):
            self._projects.extend(parse_summary(v, carry=self._projects[-1] if self._projects else None))
        elif self._context in ("department", "form") and self.continues(v) and indicator_header(v.table) is None:
            more_indicators(self._current, v)
        else:
            kind = layout_kind(v)
            if kind == "list":
                self._lists.append(ListReader())
                self._feed_list(self._lists[-1], v)
                self._context, self._current = "list", None
            elif kind == "summary":
                self._projects.extend(parse_summary(v))
                self._context, self._current = "summary", None
            elif kind == "department":
                self._current = parse_department(v)
                self._departments.append(self._current)
                self._context = "department"
            else:
                bounds = form_starts(v.table) + [len(v.table.rows)]
                for a, b in zip(bounds, bounds[1:]):
                    self._feed_form(parse_form(v, a, b))
        self._last_index = v.index

    def _feed_list(self, reader: ListReader, v: TableView) -> None:
        known = len(reader.projects)
        reader.feed(v)
        self._projects.extend(reader.projects[known:])

    def _feed_form(self, form: dict) -> None:
        starts = form.pop("_starts")
        if starts or self._context != "form" or self._current is None:
            self._projects.append(form)
            self._current = form
            self._context = "form"
            return
        cur = self._current
        for key, value in form.items():
            if key == "indicators":
                cur["indicators"].extend(value)
            elif cur.get(key) in (None, [], "") and value not in (None, [], ""):
                cur[key] = value
        cur["pages"] = sorted(set(cur.get("pages") or []) | set(form.get("pages") or []))

    def projects(self) -> list[dict]:
        for reader in self._lists:
            reader.finish()
        out = []
        for p in self._projects:
            p.pop("_cols", None)
            if not p.get("name") and not p.get("code"):
                continue  # an indicator table quoted in a report (表1：项目年度绩效指标表), no project
            if p.get("amount") is None and not p.get("code") and not any(i.get("target") for i in p["indicators"]):
                continue  # an empty form (专项资金总体绩效目标表 printed blank, '指标1：' and no value: 不涉及)
            p["indicator_count"] = len(p["indicators"])
            out.append(p)
        return out

    def departments(self) -> list[dict]:
        for d in self._departments:
            d.pop("_cols", None)
            d["indicator_count"] = len(d["indicators"])
        return self._departments


def layout_kind(v: TableView) -> str:
    rows = v.table.rows
    head_rows = rows[: max(v.layout.body_start, 1) + 4]
    level3_heads = sum(1 for row in head_rows for c in row if norm(c) == "三级指标")
    text = norm("".join(c for row in rows[:12] for c in row))
    if level3_heads >= 2 and ("项目名称" in text or "编码" in text):
        return "summary"
    if list_header(v.table) is not None:
        return "list"
    title = norm(v.title) + norm(" ".join(v.table.caption[-2:]))
    if ("整体" in title or "年度履职目标" in text or "部门（单位）名称" in text or "部门(单位)名称" in text) and "项目名称" not in text:
        return "department"
    return "project"
