"""Golden tests: every seed and every fixture form parses to its truth file."""
from __future__ import annotations

import pytest

from golden import FIXTURES, differences, seed_path, truth
from pipeline import parse_bytes

SEEDS = ["000", "001", "002", "003", "004"]


def _cases():
    for seed in SEEDS:
        yield pytest.param(seed, seed_path(seed), id=f"{seed}-txt")
        for name in truth(seed)["fixtures"]:
            yield pytest.param(seed, FIXTURES / name, id=f"{seed}-{name}")


@pytest.mark.parametrize("seed,path", list(_cases()))
def test_parses_to_truth(seed, path):
    doc = parse_bytes(path.read_bytes(), path.name)
    fmt = path.suffix.lstrip(".")
    assert differences(doc, truth(seed), fmt) == []


def test_function_lines_carry_provenance():
    doc = parse_bytes(seed_path("002").read_bytes(), "002.txt")
    line = next(l for l in doc["function_lines"] if l["code"] == "210")
    assert line["table"] == "支出决算表"
    assert isinstance(line["row"], int)
    assert doc["sources"]["totals"]["revenue_total"]["table"] == "收入支出决算总表"
