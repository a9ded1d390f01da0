"""Compare a parsed document with ../shared/fixtures/truth/<seed>.json."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TRUTH = SHARED / "fixtures" / "truth"
SEEDS = SHARED / "seeds"
FIXTURES = SHARED / "fixtures"

IDENTITY_KEYS = ("agency", "agency_code", "year", "kind", "scope")
LINE_KEYS = {
    "function_lines": ("code", "name", "total", "basic", "project"),
    "economic_lines": ("code", "name", "total", "personnel", "public"),
}
TABLE_ONLY_FORMATS = ("xlsx", "xls")
# Values the document prints only outside its tables (cover, narrative): the
# Excel forms, which carry the tables only, cannot give them.
NARRATIVE_ONLY = {"operating_expenses", "agency_code:002"}


def truth(seed: str) -> dict:
    data = json.loads(next(TRUTH.glob(f"{seed}_*.json")).read_text("utf-8"))
    data["_seed"] = seed
    return data


def seed_path(seed: str) -> Path:
    return next(SEEDS.glob(f"{seed}_*.txt"))


def seed_of(expected: dict) -> str:
    return expected.get("_seed", "")


def as_text(v) -> str | None:
    """A value as the golden files write it: Decimals in plain notation, None kept."""
    if v is None:
        return None
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)


def same_amount(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return Decimal(str(a)) == Decimal(str(b))


def differences(doc: dict, expected: dict, fmt: str) -> list[str]:
    """Every way ``doc`` departs from ``expected``; empty when it matches."""
    out: list[str] = []
    narrative_only = set()
    for key in IDENTITY_KEYS:
        if fmt in TABLE_ONLY_FORMATS and f"{key}:{seed_of(expected)}" in NARRATIVE_ONLY:
            continue
        if key in expected and doc.get(key) != expected[key]:
            out.append(f"{key}: {doc.get(key)!r} != {expected[key]!r}")
    for section in ("totals", "three_public", "three_public_budget"):
        if section not in expected:
            continue
        got = doc.get(section) or {}
        sources = (doc.get("sources") or {}).get(section, {})
        for key, want in expected[section].items():
            if fmt in TABLE_ONLY_FORMATS and key in NARRATIVE_ONLY:
                continue
            have = got.get(key)
            if not same_amount(have, want):
                out.append(f"{section}.{key}: {as_text(have)} != {want}")
            elif have is not None and key in sources and sources[key].get("origin") == "narrative":
                narrative_only.add(key)
    for section, keys in LINE_KEYS.items():
        if section not in expected:
            continue
        got = doc.get(section) or []
        want = expected[section]
        if len(got) != len(want):
            out.append(f"{section}: {len(got)} lines != {len(want)}")
        for i, (g, w) in enumerate(zip(got, want)):
            for k in keys:
                if k in ("code", "name"):
                    if (g.get(k) or "") != (w.get(k) or ""):
                        out.append(f"{section}[{i}].{k}: {g.get(k)!r} != {w.get(k)!r}")
                elif not same_amount(g.get(k), w.get(k)):
                    out.append(f"{section}[{i}] {w.get('code')}.{k}: {as_text(g.get(k))} != {w.get(k)}")
    return out
