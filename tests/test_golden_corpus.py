"""Golden tests on real reports of the corpus (../shared/corpus/files), one per city.

The truth files in tests/golden_corpus/*.json were read BY EYE off the rendered
pages (never copied from the parser); each one's ``note`` says which PDF pages were
read and what is unusual about the document.  Amounts are decimal strings in 万元
(a table printed in 元 was divided by 10000, exactly); ``null`` is a blank cell, a
printed ``0.00`` is ``"0.00"``.

For every truth file the report is parsed with the project's own entry point
(``pipeline.parse_bytes``, as tests/test_real_pdfs.py does) and compared:

* identity: agency, year, kind, scope;
* totals: every total the truth gives must be present and equal (Decimal);
* function lines: every truth line must be among the parsed ``function_lines``
  (matched by code when the truth has one, else by name + total) with equal
  total / basic / project (Decimal; ``None`` only for a blank cell).

Each test reports all its differences at once, truth first, then parsed.
"""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from golden import SHARED
from pipeline import parse_bytes

CORPUS = SHARED / "corpus" / "files"
TRUTH_DIR = Path(__file__).resolve().parent / "golden_corpus"
TRUTH_FILES = sorted(TRUTH_DIR.glob("*.json"))

IDENTITY_KEYS = ("agency", "year", "kind", "scope")
TOTAL_KEYS = ("revenue_total", "expenditure_total", "grand_total", "basic", "project")
AMOUNT_KEYS = ("total", "basic", "project")


def _truth(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))


def _params():
    # One xdist group per report: with ``--dist loadgroup`` (Makefile) the three
    # tests of a report run in one worker and share its parse (the cache below),
    # while different reports still spread over the workers.
    return [
        pytest.param(p.stem, id=p.stem, marks=pytest.mark.xdist_group(name=f"golden_corpus_{p.stem}"))
        for p in TRUTH_FILES
    ]


_cache: dict[str, dict] = {}


def parsed(stem: str) -> tuple[dict, dict]:
    """(truth, parsed document) for tests/golden_corpus/<stem>.json."""
    truth = _truth(TRUTH_DIR / f"{stem}.json")
    path = CORPUS / truth["file"]
    if not path.is_file():
        pytest.skip(f"{path} not present")
    if stem not in _cache:
        _cache[stem] = parse_bytes(path.read_bytes(), path.name)
    return truth, _cache[stem]


def _dec(v) -> Decimal | None:
    if v is None:
        return None
    return Decimal(str(v))


def _same(a, b) -> bool:
    a, b = _dec(a), _dec(b)
    if a is None or b is None:
        return a is None and b is None
    return a == b


def _show(v) -> str:
    return "None" if v is None else format(_dec(v), "f")


def test_truth_files_are_well_formed():
    assert len(TRUTH_FILES) >= 9
    for path in TRUTH_FILES:
        t = _truth(path)
        for key in ("file", *IDENTITY_KEYS, "totals", "function_lines", "note"):
            assert key in t, f"{path.name}: {key} missing"
        assert t["kind"] in ("budget", "final_accounts"), path.name
        assert t["scope"] in ("department", "unit"), path.name
        for key, value in t["totals"].items():
            assert key in TOTAL_KEYS, f"{path.name}: totals.{key}"
            Decimal(value)
        assert t["function_lines"], path.name
        for line in t["function_lines"]:
            assert line["code"] is None or (line["code"].isdigit() and len(line["code"]) in (3, 5, 7)), line
            assert line["name"], line
            assert line["total"] is not None, line
            for k in AMOUNT_KEYS:
                assert line[k] is None or isinstance(line[k], str), line
                if line[k] is not None:
                    Decimal(line[k])


@pytest.mark.parametrize("stem", _params())
def test_identity(stem):
    truth, doc = parsed(stem)
    diffs = [
        f"{key}: truth {truth[key]!r} != parsed {doc.get(key)!r}"
        for key in IDENTITY_KEYS
        if doc.get(key) != truth[key]
    ]
    assert not diffs, f"{truth['file']}:\n  " + "\n  ".join(diffs)


@pytest.mark.parametrize("stem", _params())
def test_totals(stem):
    truth, doc = parsed(stem)
    got = doc.get("totals") or {}
    diffs = []
    for key, want in truth["totals"].items():
        have = got.get(key)
        if have is None:
            diffs.append(f"totals.{key}: truth {want} != parsed missing (None)")
        elif not _same(have, want):
            diffs.append(f"totals.{key}: truth {want} != parsed {_show(have)}")
    assert not diffs, f"{truth['file']} (pages {truth.get('pages')}):\n  " + "\n  ".join(diffs)


def _find(line: dict, lines: list[dict]) -> list[dict]:
    if line["code"]:
        return [g for g in lines if (g.get("code") or "") == line["code"]]
    return [g for g in lines if (g.get("name") or "") == line["name"] and _same(g.get("total"), line["total"])]


@pytest.mark.parametrize("stem", _params())
def test_function_lines(stem):
    truth, doc = parsed(stem)
    lines = doc.get("function_lines") or []
    diffs = []
    for want in truth["function_lines"]:
        label = f"{want['code'] or '-'} {want['name']}"
        found = _find(want, lines)
        if not found:
            diffs.append(f"{label}: missing from parsed function_lines")
            continue
        if any(all(_same(g.get(k), want[k]) for k in AMOUNT_KEYS) for g in found):
            continue
        g = found[0]
        for k in AMOUNT_KEYS:
            if not _same(g.get(k), want[k]):
                diffs.append(f"{label}.{k}: truth {_show(want[k])} != parsed {_show(g.get(k))}")
    assert not diffs, (
        f"{truth['file']} (pages {truth.get('pages')}; {len(lines)} parsed lines):\n  " + "\n  ".join(diffs)
    )
