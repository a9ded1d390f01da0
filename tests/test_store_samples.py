"""store.samples: the sample files, loading them once, parse-and-ingest that
never raises and asks for an identity the file does not give."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from store import queries
from store.engine import get_engine
from store.samples import SAMPLES_DIR, load_samples, parse_and_ingest, reparse_document, sample_files
from test_app_library import APP, NAMELESS, SEED_SHILONG, TIMEOUT


def test_sample_files_pdf_first():
    files = sample_files()
    assert files, f"no samples in {SAMPLES_DIR}"
    suffixes = [p.suffix for p in files]
    first_other = next(i for i, s in enumerate(suffixes) if s != ".pdf")
    assert all(s == ".pdf" for s in suffixes[:first_other])
    assert all(s != ".pdf" for s in suffixes[first_other:])
    assert not any(p.name == "README.md" for p in files)
    assert (SAMPLES_DIR / "README.md").exists()
    names = {p.name for p in files}
    assert "putuo-wanli-subdistrict-2024-budget.pdf" in names and "xianghe-2024-budget.xlsx" in names


def test_load_samples_twins_refused(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'samples.db'}")
    files = [SAMPLES_DIR / "xianghe-2024-budget.xlsx", SAMPLES_DIR / "xianghe-2024-budget.pdf"]
    seen = []
    results = load_samples(engine, progress=lambda done, total, name: seen.append((done, total, name)), files=sorted(
        files, key=lambda p: (p.suffix != ".pdf", p.name)))
    assert [r.status for r in results] == ["stored", "refused"]
    assert "xianghe-2024-budget.pdf" in results[1].message
    assert seen == [(1, 2, "xianghe-2024-budget.pdf"), (2, 2, "xianghe-2024-budget.xlsx")]
    docs = queries.list_documents(engine=engine)
    assert list(docs["format"]) == ["pdf"]
    assert docs["agency"].iloc[0] == "香河县医疗保障局"


def test_parse_and_ingest_never_raises(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'p.db'}")
    bad = parse_and_ingest(b"%PDF-1.4 broken", "坏文件.pdf", engine=engine)
    assert bad.status == "refused" and bad.document_id is None and "坏文件.pdf" in bad.message
    empty = parse_and_ingest(b"", "空.txt", engine=engine)
    assert empty.status == "refused" and "空文件" in empty.message
    ok = parse_and_ingest(SEED_SHILONG.read_bytes(), SEED_SHILONG.name, engine=engine)
    assert ok.status == "stored"
    again = reparse_document(ok.document_id, engine=engine)
    assert again.status == "stored"
    assert len(queries.list_documents(engine=engine)) == 1
    assert reparse_document(987654, engine=engine).status == "refused"


def test_ensure_samples_loaded_once(tmp_path, monkeypatch):
    """With samples enabled, the first run loads data/samples (a small stand-in here)."""
    import store.samples as samples_mod

    url = f"sqlite:///{tmp_path / 'first.db'}"
    monkeypatch.setenv("BUDGETLENS_DATABASE_URL", url)
    monkeypatch.delenv("BUDGETLENS_NO_SAMPLES", raising=False)
    small = tmp_path / "samples"
    small.mkdir()
    (small / SEED_SHILONG.name).write_bytes(SEED_SHILONG.read_bytes())
    monkeypatch.setattr(samples_mod, "SAMPLES_DIR", small)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["报告"] == "1 份"
    at.run()
    assert len(queries.list_documents(url=url)) == 1


def test_parse_and_ingest_needs_identity_then_stores_with_it(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'id.db'}")
    result = parse_and_ingest(NAMELESS, "报表.txt", engine=engine)
    assert result.status == "needs_identity" and result.found["unknown"] == ["agency"] and result.found["year"] == 2026
    result = parse_and_ingest(NAMELESS, "报表.txt", engine=engine, identity={"agency": "某县卫生健康局"})
    assert result.status == "stored", result.message
    # a re-parse keeps what the user said
    again = reparse_document(result.document_id, engine=engine)
    assert again.status == "stored", again.message
    assert list(queries.list_documents(engine=engine)["agency"]) == ["某县卫生健康局"]
