"""The PDF, XLSX, XLS, DOCX and text forms of one document read the same.

Compared: every table-derived value (identity, totals, 三公, function and
economic lines without their page/row provenance).  Values the Excel forms
cannot carry (narrative, cover) are left out for them.
"""
from __future__ import annotations

from functools import lru_cache

import pytest

from golden import FIXTURES, NARRATIVE_ONLY, TABLE_ONLY_FORMATS, seed_path, truth
from pipeline import parse_bytes

PROVENANCE = {"page", "table", "row"}


@lru_cache(maxsize=None)
def _parse(path_text: str) -> dict:
    from pathlib import Path

    path = Path(path_text)
    return parse_bytes(path.read_bytes(), path.name)


def _comparable(doc: dict, fmt: str, seed: str) -> dict:
    out = {k: doc.get(k) for k in ("agency", "agency_code", "year", "kind", "scope")}
    if fmt in TABLE_ONLY_FORMATS and f"agency_code:{seed}" in NARRATIVE_ONLY:
        out.pop("agency_code")
    for section in ("totals", "three_public", "three_public_budget"):
        values = dict(doc.get(section) or {})
        sources = (doc.get("sources") or {}).get(section, {})
        for key in list(values):
            if sources.get(key, {}).get("origin") == "narrative" or (fmt in TABLE_ONLY_FORMATS and key in NARRATIVE_ONLY):
                values.pop(key)
        out[section] = values
    for section in ("function_lines", "economic_lines"):
        out[section] = [{k: v for k, v in line.items() if k not in PROVENANCE} for line in doc.get(section) or []]
    return out


def _forms(seed: str):
    yield "text", seed_path(seed)
    for name in truth(seed)["fixtures"]:
        yield name.rsplit(".", 1)[1], FIXTURES / name


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_all_forms_agree(seed):
    forms = list(_forms(seed))
    reference_fmt, reference_path = forms[0]
    for fmt, path in forms[1:]:
        a = _comparable(_parse(str(reference_path)), fmt, seed)
        b = _comparable(_parse(str(path)), fmt, seed)
        for section in b:
            if section in ("totals", "three_public", "three_public_budget"):
                shared = set(a[section]) & set(b[section])
                assert {k: a[section][k] for k in shared} == {k: b[section][k] for k in shared}, (path.name, section)
            else:
                assert a[section] == b[section], (path.name, section)
