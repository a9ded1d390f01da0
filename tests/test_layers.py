"""The layers import one way (DESIGN.md §3): settings and glossary, the document model, then loaders,
analysis, store, components, views and app.  Nothing imports a layer above its
own; the entry points — pipeline.py (parse → check) and the command line
(loaders/cli.py, loaders/__main__.py) — sit above them all."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RANK = {"settings": 0, "glossary": 0, "model": 1, "loaders": 2, "analysis": 3, "store": 4, "components": 5, "views": 6,
        "app": 6, "pipeline": 7}
ENTRY_POINTS = {"pipeline.py", "loaders/cli.py", "loaders/__main__.py"}


def _layer(path: Path, root: Path = ROOT) -> str:
    rel = path.relative_to(root)
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


def _sources(root: Path = ROOT) -> list[Path]:
    files = [p for p in (root / "settings.py", root / "app.py", root / "pipeline.py") if p.exists()]
    for package in ("glossary", "model", "loaders", "analysis", "store", "components", "views"):
        files += sorted((root / package).rglob("*.py"))
    return files


def violations(root: Path = ROOT) -> list[str]:
    out = []
    for path in _sources(root):
        rel = str(path.relative_to(root))
        if rel in ENTRY_POINTS:
            continue
        own = RANK[_layer(path, root)]
        for line, module in _imports(path):
            if module in RANK and RANK[module] > own:
                out.append(f"{rel}:{line} imports {module} (a layer above {_layer(path, root)})")
    return out


def test_no_module_imports_a_layer_above_its_own():
    assert violations() == []


def test_the_check_catches_a_back_import(tmp_path):
    """The test itself can fail: a loaders module importing analysis is reported."""
    (tmp_path / "loaders").mkdir()
    (tmp_path / "loaders" / "probe.py").write_text("from analysis.checks import run_checks\n", encoding="utf-8")
    (tmp_path / "loaders" / "fine.py").write_text("from model import ParsedDocument\n", encoding="utf-8")
    assert violations(tmp_path) == ["loaders/probe.py:1 imports analysis (a layer above loaders)"]


def test_streamlit_is_used_only_by_views_and_components():
    used = [str(p.relative_to(ROOT)) for p in _sources()
            if any(m == "streamlit" for _l, m in _imports(p)) and _layer(p) not in ("views", "components", "app")]
    assert used == []
