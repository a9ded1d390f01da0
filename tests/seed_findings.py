"""Reading the findings of parsed documents, for the check tests.

``seed``/``parsed`` parse a seed, fixture or real document once per session;
``find``/``one`` pick findings by rule and by the numbers they name.
"""
from __future__ import annotations

import functools
import json
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline import parse_bytes

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "seeds"
FIXTURES = SHARED / "fixtures"
REAL = SHARED / "real"

SEED = {
    "000": "000_e1a466dd2d0fafcf.txt",
    "001": "001_2ad62ddf2329763a.txt",
    "002": "002_fee3c3d538398af5.txt",
    "003": "003_08710cc348d5ea60.txt",
    "004": "004_69d8ecd0df86de6b.txt",
}


def _path(name: str) -> Path:
    for base in (SEEDS, FIXTURES, REAL):
        if (base / name).exists():
            return base / name
    pytest.skip(f"{name} not available")


@functools.lru_cache(maxsize=None)
def parsed(name: str) -> dict:
    path = _path(name)
    return parse_bytes(path.read_bytes(), path.name)


def seed(key: str) -> dict:
    return parsed(SEED[key])


def D(x) -> Decimal:
    return Decimal(str(x))


def find(doc: dict, rule: str, severity: str | None = None, **want) -> list[dict]:
    """Findings of ``rule`` whose fields equal ``want`` (numbers compared as
    Decimals, ``message`` by containment)."""
    out = []
    for f in doc["findings"]:
        if f["rule"] != rule or (severity and f["severity"] != severity):
            continue
        ok = True
        for k, v in want.items():
            if k == "message":
                ok = all(part in f["message"] for part in ([v] if isinstance(v, str) else v))
            elif k == "table":
                ok = v in (f.get("table") or "")
            elif isinstance(v, (int, float, str, Decimal)) and k in ("expected", "found"):
                try:
                    ok = f[k] is not None and D(f[k]) == D(v)
                except Exception:
                    ok = str(f[k]).replace(" ", "") == str(v).replace(" ", "")
            else:
                ok = f.get(k) == v
            if not ok:
                break
        if ok:
            out.append(f)
    return out


def one(doc: dict, rule: str, severity: str | None = None, **want) -> dict:
    hits = find(doc, rule, severity, **want)
    assert hits, f"no {rule} finding with {want}; have: " + "\n".join(
        f"{f['severity']} {f['rule']} {f['message']}" for f in doc["findings"] if f["rule"] == rule
    )
    return hits[0]


def truth(key: str) -> list[dict]:
    path = FIXTURES / "truth" / f"{SEED[key][:-4]}.json"
    return json.loads(path.read_text(encoding="utf-8"))["known_inconsistencies"]


def self_evaluation_findings(doc: dict, item: int) -> list[dict]:
    for se in doc.get("self_evaluations") or []:
        if se.get("item") == item:
            return se.get("findings") or []
    return []
