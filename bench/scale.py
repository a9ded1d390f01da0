"""Every page and every query behind it, timed on a province-sized store.

    .venv/bin/python bench/scale.py [--documents 20000] [--agencies 3000] [--db URL | --db pgcluster]
                                    [--runs 5] [--rebuild] [--build-only]

1. **Build.**  A store of ``--documents`` documents (default 20,000) of
   ``--agencies`` agencies (3,000) over about seven years (2019–2025; one in a
   hundred agencies over ten, 2016–2025), of several kinds (医疗保障局, 财政局,
   教育局, 街道办事处 … from glossary/agency_kinds.tsv), levels (省, 市, 区县,
   乡镇街道) and regions (the provinces and cities of glossary/city_province.tsv).
   Each document is one of the shipped sample parses (data/samples/parsed) given
   the agency's name, year and file, with every amount (totals, "三公", function
   and economic lines, projects, self-evaluation budgets) scaled by the agency's
   size and a yearly growth; its findings are the sample's own.  They are
   written through the store's bulk path (store/bulk.py), not parsed.  A store
   already built with the same settings is reused (``--rebuild`` builds anew).
2. **Pages.**  Every page's server render through Streamlit's AppTest (app.py's
   navigation, as a browser session runs it): the default view and one heavy view
   per page (12 agencies side by side; a ten-year trend with the peer median;
   the whole quality list, every severity, its last page; …).  Each view runs
   ``--runs`` times in a fresh session; the first run of each view starts with
   an empty query cache (st.cache_data cleared), so the max is a cold render.
3. **Queries.**  Every named query (store.queries) the pages called, with
   the arguments they called it with, timed directly ``--runs`` times
   (no cache).

It prints one table — page or query, rows, median and max ms — and a last line
``scale: N documents, worst page P ms, worst query Q ms``.  ``--db URL`` picks the
database (SQLite file under bench/.scale by default); ``--db pgcluster`` starts a
throwaway PostgreSQL server (tests/pgcluster.py) for the run and removes it after.
The machine's other load counts: note it when recording a run (docs/performance.md).
"""
from __future__ import annotations

import argparse
import gc
import hashlib
import json
import math
import os
import random
import statistics
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

#: bump when the generated store changes: a store built by another version is built again
GENERATOR = "scale/1"
FIRST_YEAR, LAST_YEAR, LONG_FIRST_YEAR = 2019, 2025, 2016
CENT = Decimal("0.01")

# --------------------------------------------------------------------------- agencies

# county and town names: characters that never end a place name (analysis/peers.py reads them back)
_COUNTY_STEMS = (
    "长安", "新华", "桥西", "裕华", "东城", "西城", "南湖", "北湖", "青山", "白云", "金山", "清河", "永安", "平安",
    "兴隆", "丰收", "和平", "红旗", "光明", "东风", "安平", "永清", "丰宁", "广阳", "安次", "临西", "清苑", "定兴",
    "阜平", "涞源", "望都", "唐河", "博野", "曲阳", "高阳", "容城", "雄安", "文安", "大城", "固安", "隆化", "滦平",
)
_TOWN_STEMS = ("东山", "西湖", "南关", "北门", "朝阳", "建设", "人民", "解放", "胜利", "团结", "文化", "新村")
# the kinds the generated agencies have; a province names some of them 厅
_KINDS = (
    "医疗保障局", "财政局", "卫生健康委员会", "教育局", "人力资源和社会保障局", "民政局", "公安局", "司法局", "审计局",
    "交通运输局", "住房和城乡建设局", "自然资源局", "生态环境局", "农业农村局", "水利局", "商务局", "发展和改革委员会",
    "市场监督管理局", "统计局", "退役军人事务局", "文化和旅游局", "应急管理局",
)
_PROVINCE_FORM = {"财政局": "财政厅", "教育局": "教育厅", "民政局": "民政厅", "公安局": "公安厅", "司法局": "司法厅",
                  "审计局": "审计厅", "交通运输局": "交通运输厅", "自然资源局": "自然资源厅", "生态环境局": "生态环境厅",
                  "农业农村局": "农业农村厅", "水利局": "水利厅", "商务局": "商务厅", "人力资源和社会保障局": "人力资源和社会保障厅"}
_LEVEL_SIZE = {"省": 6.0, "市": 2.5, "区县": 1.0, "乡镇街道": 0.35}


def _cities() -> dict[str, list[str]]:
    from analysis.peers import city_provinces

    out: dict[str, list[str]] = {}
    for city, province in city_provinces().items():
        out.setdefault(province, []).append(city)
    return out


def make_agencies(n: int, rng: random.Random) -> list[tuple[str, str]]:
    """``n`` distinct agency names with their level, from provinces down to streets."""
    cities = _cities()
    provinces = sorted(cities, key=lambda p: -len(cities[p]))[:14]
    names: dict[str, str] = {}

    def add(name: str, level: str) -> None:
        if len(names) < n:
            names.setdefault(name, level)

    rounds = 0
    while len(names) < n and rounds < 50:
        for province in provinces:
            for kind in rng.sample(_KINDS, 3):
                add(f"{province}省{_PROVINCE_FORM.get(kind, kind)}", "省")
            for city in sorted(cities[province]):
                for kind in rng.sample(_KINDS, 3):
                    add(f"{city}{kind}", "市")
                for stem in rng.sample(_COUNTY_STEMS, 2):
                    county = f"{stem}{rng.choice('区县')}"
                    for kind in rng.sample(_KINDS, 3):
                        add(f"{city}{county}{kind}", "区县")
                    town = rng.choice(_TOWN_STEMS)
                    add(f"{city}{county}{town}街道办事处", "乡镇街道")
        rounds += 1
    agencies = list(names.items())
    rng.shuffle(agencies)
    return agencies[:n]


# --------------------------------------------------------------------------- documents


def load_templates() -> dict[str, list[tuple[str, dict]]]:
    """The shipped sample parses by (kind, scope): ``{"budget/department": [(name, doc), …], …}``."""
    from store.samples import SAMPLES_DIR, PARSED_DIR_NAME

    out: dict[str, list[tuple[str, dict]]] = {}
    for path in sorted((SAMPLES_DIR / PARSED_DIR_NAME).glob("*.pdf.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        out.setdefault(f"{doc['kind']}/{doc['scope']}", []).append((path.name[: -len(".json")], doc))
    return out


def _scaled(value, factor: Decimal):
    if value is None or value == "":
        return value
    try:
        d = Decimal(str(value))
    except Exception:  # noqa: BLE001 - text where a number was expected stays as printed
        return value
    return format((d * factor).quantize(CENT, rounding=ROUND_HALF_UP), "f")


def vary(template: dict, factor: Decimal) -> dict:
    """The template's amounts times ``factor`` (to the cent); everything else shared."""
    doc = dict(template)
    for key in ("totals", "three_public", "three_public_budget"):
        doc[key] = {k: _scaled(v, factor) for k, v in (template.get(key) or {}).items()}
    for key, measures in (("function_lines", ("total", "basic", "project")),
                          ("economic_lines", ("total", "personnel", "public"))):
        doc[key] = [{**line, **{m: _scaled(line[m], factor) for m in measures if m in line}}
                    for line in template.get(key) or []]
    doc["projects"] = [{**p, "amount": _scaled(p.get("amount"), factor)} for p in template.get("projects") or []]
    doc["self_evaluations"] = [
        {**s, **{k: _scaled(s.get(k), factor) for k in ("budget", "received", "executed")}}
        for s in template.get("self_evaluations") or []
    ]
    return doc


def plan_documents(agencies: list[tuple[str, str]], total: int, rng: random.Random) -> list[tuple]:
    """``total`` (agency, level, year, kind, scope) slots: every agency its latest
    budget, one in a hundred ten years of budgets, the rest drawn by weight."""
    forced: list[tuple] = []
    optional: list[tuple[float, tuple]] = []
    for i, (name, level) in enumerate(agencies):
        long = i % 100 == 7
        first = LONG_FIRST_YEAR if long else FIRST_YEAR
        for year in range(first, LAST_YEAR + 1):
            budget = (name, level, year, "budget", "department")
            if year == LAST_YEAR or long:
                forced.append(budget)
            else:
                optional.append((3.0, budget))
            if year < LAST_YEAR:
                optional.append((1.6, (name, level, year, "final_accounts", "department")))
            optional.append((0.08, (name, level, year, "performance_targets", "unit")))
            optional.append((0.05, (name, level, year, "budget", "unit")))
    if len(forced) > total:
        return forced[:total]
    # weighted sampling without replacement (Efraimidis–Spirakis)
    keyed = sorted(optional, key=lambda wv: -math.log(rng.random()) / wv[0])
    return forced + [slot for _w, slot in keyed[: total - len(forced)]]


def make_entries(total: int, n_agencies: int, seed: int):
    """The documents to store, lazily: ``BulkEntry`` each."""
    from analysis.checks import all_findings
    from store.bulk import BulkEntry

    rng = random.Random(seed)
    templates = load_templates()
    findings = {name: all_findings(doc) for group in templates.values() for name, doc in group}
    agencies = make_agencies(n_agencies, rng)
    sizes = {name: _LEVEL_SIZE[level] * math.exp(rng.gauss(0, 0.6)) for name, level in agencies}
    slots = plan_documents(agencies, total, rng)
    slots.sort(key=lambda s: (s[2], s[0], s[3], s[4]))  # stored year by year, as a province collects them
    for name, level, year, kind, scope in slots:
        group = templates[f"{kind}/{scope}"]
        if kind == "budget" and scope == "department" and level == "乡镇街道":
            group = [t for t in group if "wanli" in t[0]] or group
        template_name, template = group[rng.randrange(len(group))]
        factor = Decimal(str(round(sizes[name] * 1.04 ** (year - 2022), 4)))
        doc = vary(template, factor)
        data = f"budgetlens scale bench\n{name}\n{year}\n{kind}\n{scope}\n{template_name}\n".encode()
        pinyin = hashlib.sha1(name.encode()).hexdigest()[:8]
        doc.update(
            agency=name, agency_code=None, year=year,
            source={**(template.get("source") or {}), "file": f"{pinyin}-{year}-{kind}.pdf",
                    "sha256": hashlib.sha256(data).hexdigest()},
        )
        yield BulkEntry(doc, data, findings[template_name], json_ready=True)


def build(url: str, documents: int, agencies: int, seed: int, rebuild: bool) -> None:
    from sqlalchemy import delete

    from store import queries
    from store.bulk import bulk_ingest
    from store.engine import get_engine
    from store.ingest import set_meta

    engine = get_engine(url)
    fingerprint = f"{GENERATOR} documents={documents} agencies={agencies} seed={seed}"
    counts = queries.counts_overview(engine=engine)
    if not rebuild and queries.get_meta("scale_bench", engine=engine) == fingerprint and counts["documents"] == documents:
        print(f"store: {url} — {documents:,} documents already built ({fingerprint})", flush=True)
        return
    if counts["documents"]:
        if not rebuild:
            sys.exit(f"{url} holds {counts['documents']} other documents; use --rebuild to replace them")
        from store.models import Agency, Document

        with engine.begin() as conn:
            conn.execute(delete(Document))
            conn.execute(delete(Agency))
    t0 = time.perf_counter()
    last = [t0]

    def progress(done: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 10 or done == documents:
            last[0] = now
            print(f"  {done:,}/{documents:,} documents, {now - t0:.0f} s", flush=True)

    results = bulk_ingest(make_entries(documents, agencies, seed), engine=engine, batch_size=250, progress=progress)
    stored = sum(r.status == "stored" for r in results)
    set_meta(engine, "scale_bench", fingerprint)
    counts = queries.counts_overview(engine=engine)
    print(f"store: built {stored:,} documents of {counts['agencies']:,} agencies in {time.perf_counter() - t0:.0f} s "
          f"({sum(counts['findings'].values()):,} findings)", flush=True)
    settle(engine)


def settle(engine) -> None:
    """On PostgreSQL, ``VACUUM ANALYZE`` the freshly loaded store — what autovacuum does
    to a store soon after a load — so that the timings are of a settled store (planner
    statistics, and a visibility map that lets counts read an index alone)."""
    if engine.dialect.name != "postgresql":
        return
    from sqlalchemy import text

    t0 = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    print(f"store: VACUUM ANALYZE in {time.perf_counter() - t0:.0f} s", flush=True)



# --------------------------------------------------------------------------- timing


APP = ROOT / "app.py"


class Recorder:
    """Wraps every public function of store.queries and notes each distinct
    call the pages make (name, arguments), in the order first seen."""

    def __init__(self) -> None:
        from store import queries

        self.module = queries
        self.calls: dict[str, tuple[str, tuple, dict]] = {}
        import inspect

        self.originals = {name: getattr(queries, name) for name in queries.__all__
                          if callable(getattr(queries, name, None))
                          and "engine" in inspect.signature(getattr(queries, name)).parameters}

    def __enter__(self) -> "Recorder":
        for name, fn in self.originals.items():
            setattr(self.module, name, self._wrap(name, fn))
        return self

    def __exit__(self, *exc) -> None:
        for name, fn in self.originals.items():
            setattr(self.module, name, fn)

    def _wrap(self, name, fn):
        def wrapper(*args, **kwargs):
            kwargs_shown = {k: v for k, v in kwargs.items() if k not in ("engine", "url")}
            key = f"{name}{_call_text(args, kwargs_shown)}"
            self.calls.setdefault(key, (name, args, kwargs_shown))
            return fn(*args, **kwargs)

        wrapper.__wrapped__ = fn
        return wrapper


def _short(value, limit: int = 28) -> str:
    if isinstance(value, (list, tuple, set)) and len(value) > 3:
        return f"[{len(value)} values]"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _call_text(args, kwargs) -> str:
    parts = [_short(a) for a in args] + [f"{k}={_short(v)}" for k, v in kwargs.items()]
    return "(" + ", ".join(parts) + ")"


def _rows(value) -> int | str:
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        return len(value)
    if isinstance(value, tuple) and value and isinstance(value[0], pd.DataFrame):
        return len(value[0])
    if isinstance(value, (list, set)):
        return len(value)
    return 1


def _page_run(page: str | None, url: str, params: dict, state: dict | None = None):
    """One fresh session rendering ``page`` with ``params``; (ms, rows shown, error)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=600)
    if page is not None:
        at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    for key, value in (state or {}).items():
        at.session_state[key] = value
    t0 = time.perf_counter()
    at.run()
    ms = (time.perf_counter() - t0) * 1000
    rows = sum(len(df.value) for df in at.dataframe)
    error = "; ".join(str(e.value)[:120] for e in at.exception) or "; ".join(str(e.value)[:120] for e in at.error)
    return ms, rows, error


def time_pages(url: str, views: list[dict], runs: int) -> tuple[list[dict], "Recorder"]:
    import streamlit as st
    from streamlit import logger as st_logger

    st_logger.set_log_level("error")  # "No runtime found" and the like, once per session
    os.environ["BUDGETLENS_DATABASE_URL"] = url
    os.environ["BUDGETLENS_NO_SAMPLES"] = "1"
    import components.export

    components.export.export_available = lambda: False  # no Chromium warm-up in the measured process
    _page_run(None, url, {})  # imports and the engine, not measured
    out = []
    with Recorder() as recorder:
        for view in views:
            st.cache_data.clear()
            times, rows, errors = [], 0, set()
            for _ in range(runs):
                ms, rows, error = _page_run(view["page"], url, view.get("params") or {}, view.get("state"))
                times.append(ms)
                if error:
                    errors.add(error)
            out.append({"name": view["name"], "rows": rows, "median": statistics.median(times), "max": max(times),
                        "cold": times[0], "error": "; ".join(sorted(errors))})
            print(f"  {view['name']:<46} {rows:>7} {statistics.median(times):9.0f} {max(times):9.0f}"
                  + (f"  ERROR {out[-1]['error']}" if errors else ""), flush=True)
    return out, recorder


def time_queries(url: str, recorder: "Recorder", runs: int) -> list[dict]:
    from store.engine import get_engine

    engine = get_engine(url)
    out = []
    for key, (name, args, kwargs) in recorder.calls.items():
        fn = recorder.originals[name]
        times = []
        rows = 0
        for _ in range(runs):
            gc.collect()  # the pages' garbage is collected before, not inside, a query's timing (as timeit does)
            t0 = time.perf_counter()
            result = fn(*args, engine=engine, **kwargs)
            times.append((time.perf_counter() - t0) * 1000)
            rows = _rows(result)
        out.append({"name": key, "rows": rows, "median": statistics.median(times), "max": max(times)})
    return out


def print_table(pages: list[dict], queries_: list[dict], documents: int) -> None:
    width = max([len(r["name"]) for r in pages + queries_] + [20]) + 2
    print()
    print(f"{'page or query':<{width}} {'rows':>8} {'median ms':>10} {'max ms':>9}")
    print("-" * (width + 30))
    for r in pages:
        flag = "  ERROR " + r["error"] if r.get("error") else ""
        print(f"{r['name']:<{width}} {r['rows']:>8} {r['median']:>10.0f} {r['max']:>9.0f}{flag}")
    print("-" * (width + 30))
    for r in sorted(queries_, key=lambda r: -r["max"]):
        print(f"{r['name']:<{width}} {r['rows']:>8} {r['median']:>10.1f} {r['max']:>9.1f}")
    worst_page = max(pages, key=lambda r: r["max"])
    worst_query = max(queries_, key=lambda r: r["max"]) if queries_ else {"max": 0, "name": "-"}
    print()
    print(f"worst page: {worst_page['name']} ({worst_page['max']:.0f} ms); "
          f"worst query: {worst_query['name']} ({worst_query['max']:.1f} ms)")
    print(f"scale: {documents} documents, worst page {worst_page['max']:.0f} ms, worst query {worst_query['max']:.0f} ms")


def store_facts(url: str) -> dict:
    """Agencies and documents the heavy views pick, read from the store."""
    from collections import Counter

    from analysis import peers as ap
    from store import queries

    docs = queries.list_documents(url=url)
    budgets = docs[(docs["kind"] == "budget") & (docs["scope"] == "department")]
    years = budgets.groupby("agency")["year"].nunique().sort_values(ascending=False, kind="stable")
    in_2024 = sorted(set(budgets.loc[budgets["year"] == 2024, "agency"]))
    groups = Counter((ap.profile(a).kind, ap.profile(a).level) for a in in_2024)
    kind, level = groups.most_common(1)[0][0]
    twelve = [a for a in in_2024 if (ap.profile(a).kind, ap.profile(a).level) == (kind, level)][:12]
    finals = docs[docs["kind"] == "final_accounts"]
    paired = finals.merge(budgets, on=["agency", "year"], suffixes=("", "_b"))
    paired = paired.sort_values(["year", "agency"], ascending=[False, True])
    biggest = docs.sort_values(["tables", "document_id"], ascending=[False, True]).iloc[0]
    return {
        "ten_years": years.index[0],
        "twelve": twelve,
        "paired": (paired["agency"].iloc[0], int(paired["year"].iloc[0])),
        "biggest_document": int(biggest["document_id"]),
    }


#: a page number past the end: the pager shows the last page
LAST_PAGE = 10**6


def page_views(facts: dict) -> list[dict]:
    """The default view and one heavy view of every page."""
    agency, year = facts["paired"]
    return [
        {"name": "概览 · default", "page": None},
        {"name": "报告库 · default", "page": "views/library.py"},
        {"name": "报告库 · one report open", "page": "views/library.py",
         "params": {"doc": str(facts["biggest_document"])}},
        {"name": "报告库 · search, last page", "page": "views/library.py",
         "state": {"lib_filter": "医疗保障局", "lib_page": LAST_PAGE}},
        {"name": "部门对比 · default", "page": "views/compare.py"},
        {"name": "部门对比 · 12 agencies 2024", "page": "views/compare.py",
         "params": {"agencies": facts["twelve"], "year": "2024"}},
        {"name": "年度趋势 · default", "page": "views/trends.py"},
        {"name": "年度趋势 · ten years", "page": "views/trends.py", "params": {"agency": facts["ten_years"]}},
        {"name": "预决算对比 · default", "page": "views/budget_actual.py"},
        {"name": "预决算对比 · budget+final, every line", "page": "views/budget_actual.py",
         "params": {"agency": agency, "year": str(year), "level": "全部"}},
        {"name": "绩效评分 · default", "page": "views/performance.py"},
        {"name": "绩效评分 · every report, last page", "page": "views/performance.py",
         "state": {"perf_page": LAST_PAGE, "target_page": LAST_PAGE}},
        {"name": "数据质检 · default", "page": "views/quality.py"},
        {"name": "数据质检 · whole list, last page", "page": "views/quality.py",
         "state": {"quality_page": LAST_PAGE, "quality_docs_page": LAST_PAGE}},
        {"name": "地区对比 · default", "page": "views/regions.py"},
        {"name": "汇报 · default", "page": "views/briefing.py"},
    ]


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=20000)
    ap.add_argument("--agencies", type=int, default=3000)
    ap.add_argument("--db", default=None, help="database URL (default: a SQLite file under bench/.scale); "
                                                "'pgcluster' starts a throwaway PostgreSQL server")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--build-only", action="store_true")
    args = ap.parse_args(argv)

    cluster = None
    url = args.db
    if url == "pgcluster":
        import pgcluster

        cluster = pgcluster.start()
        if cluster is None:
            sys.exit("no PostgreSQL binaries installed")
        url = cluster.url
    elif url is None:
        folder = ROOT / "bench" / ".scale"
        folder.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{folder / f'scale-{args.documents}.db'}"
    try:
        build(url, args.documents, args.agencies, args.seed, args.rebuild)
        if args.build_only:
            return 0
        from store import queries

        documents = queries.counts_overview(url=url)["documents"]
        facts = store_facts(url)
        print(f"pages ({args.runs} runs each, the first with an empty cache):", flush=True)
        pages, recorder = time_pages(url, page_views(facts), args.runs)
        print(f"queries: {len(recorder.calls)} distinct calls, {args.runs} runs each", flush=True)
        timed = time_queries(url, recorder, args.runs)
        print_table(pages, timed, documents)
    finally:
        if cluster is not None:
            from store.engine import dispose_engines

            dispose_engines()
            pgcluster.stop(cluster)
    return 0


if __name__ == "__main__":
    sys.exit(main())
