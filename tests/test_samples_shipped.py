"""The samples' parses shipped in data/samples/parsed (the first run stores
them without parsing) are exactly what the parser makes of the sample files
today; the first run uses them, and only for the bytes they were made from.

After a parser change this test fails for the samples whose parse changed:
refresh them with ``python -m store.samples freeze`` and review the diff."""
from __future__ import annotations

import json

import pytest

from loaders.jsonout import plain
from pipeline import parse_bytes
from store import queries, samples
from store.engine import get_engine

SAMPLES = samples.sample_files()


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_the_shipped_parse_is_what_the_parser_makes_of_the_sample(path):
    shipped = samples.shipped_parse_path(path)
    assert shipped.is_file(), f"no shipped parse for {path.name}: python -m store.samples freeze"
    data = path.read_bytes()
    expected = json.loads(json.dumps(plain(parse_bytes(data, path.name)), ensure_ascii=False))
    assert samples.shipped_parse(path, data) == expected, (
        f"{shipped.name} is stale: python -m store.samples freeze, then review the diff"
    )


def test_the_first_run_stores_the_shipped_parses_without_parsing(tmp_path, monkeypatch):
    def no_parse(*args, **kwargs):
        raise AssertionError("a sample with a shipped parse was parsed again")

    monkeypatch.setattr(samples, "parse_document", no_parse)
    engine = get_engine(f"sqlite:///{tmp_path / 'first.db'}")
    results = samples.load_samples(engine)
    assert [r.status for r in results].count("stored") == 12
    assert all(r.status in ("stored", "refused") for r in results)  # the twins are refused
    assert samples.pending_samples(engine) == []
    docs = queries.list_documents(engine=engine)
    assert "香河县医疗保障局" in set(docs["agency"])
    # the stored document is the shipped parse
    xianghe = int(docs.loc[docs["file_name"] == "xianghe-2024-budget.pdf", "document_id"].iloc[0])
    stored = queries.get_document(xianghe, engine=engine)["parsed"]
    assert stored == samples.shipped_parse(samples.SAMPLES_DIR / "xianghe-2024-budget.pdf",
                                           (samples.SAMPLES_DIR / "xianghe-2024-budget.pdf").read_bytes())


def test_a_shipped_parse_of_other_bytes_is_not_used(tmp_path):
    source = samples.SAMPLES_DIR / "xianghe-2024-budget.xlsx"
    copy = tmp_path / source.name
    copy.write_bytes(source.read_bytes() + b"\0")  # the same name, other bytes
    (tmp_path / samples.PARSED_DIR_NAME).mkdir()
    samples.shipped_parse_path(copy).write_bytes(samples.shipped_parse_path(source).read_bytes())
    assert samples.shipped_parse(source, source.read_bytes()) is not None
    assert samples.shipped_parse(copy, copy.read_bytes()) is None
