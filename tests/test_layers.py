"""The layers import one way (DESIGN.md §3): settings and glossary, then loaders,
analysis, store, components, views and app.  Nothing imports a layer above its
own; the entry points — pipeline.py (parse → check) and the command line
(loaders/cli.py, loaders/__main__.py) — sit above them all."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RANK = {"settings": 0, "glossary": 0, "loaders": 1, "analysis": 2, "store": 3, "components": 4, "views": 5, "app": 5,
        "pipeline": 6}
ENTRY_POINTS = {"pipeline.py", "loaders/cli.py", "loaders/__main__.py"}


def _layer(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module.split(".")[0]))
    return out


def _sources() -> list[Path]:
    files = [ROOT / "settings.py", ROOT / "app.py", ROOT / "pipeline.py"]
    for package in ("glossary", "loaders", "analysis", "store", "components", "views"):
        files += sorted((ROOT / package).rglob("*.py"))
    return files


def violations() -> list[str]:
    out = []
    for path in _sources():
        rel = str(path.relative_to(ROOT))
        if rel in ENTRY_POINTS:
            continue
        own = RANK[_layer(path)]
        for line, module in _imports(path):
            if module in RANK and RANK[module] > own:
                out.append(f"{rel}:{line} imports {module} (a layer above {_layer(path)})")
    return out


def test_no_module_imports_a_layer_above_its_own():
    assert violations() == []


def test_the_check_catches_a_back_import(tmp_path, monkeypatch):
    """The test itself can fail: a loaders module importing analysis is reported."""
    bad = ROOT / "loaders" / "_layer_probe_tmp.py"
    bad.write_text("from analysis.checks import run_checks\n", encoding="utf-8")
    try:
        assert any("_layer_probe_tmp.py:1 imports analysis" in v for v in violations())
    finally:
        bad.unlink()


def test_streamlit_is_used_only_by_views_and_components():
    used = [str(p.relative_to(ROOT)) for p in _sources()
            if any(m == "streamlit" for _l, m in _imports(p)) and _layer(p) not in ("views", "components", "app")]
    assert used == []
