"""Shared test setup.

* ``ROOT`` is the repository; ``SHARED`` is ``../shared`` beside it (the seeds,
  fixtures and real documents; CI checks the repository out next to it).
* Unless the caller chose a database, every test session gets its own scratch
  SQLite file (one per xdist worker), so tests never touch data/budgetlens.db and
  parallel workers never share a file.
* ``run_cli`` runs ``python -m loaders ...`` as a subprocess, the way a person does.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
FIXTURES = SHARED / "fixtures"
REAL = SHARED / "real"
ARTIFACTS = ROOT / "tests" / "artifacts"

_SCRATCH: str | None = None


_PG_CLUSTER = None


def _start_postgres(config: pytest.Config) -> None:
    """A throwaway PostgreSQL server for the session (tests/pgcluster.py), one
    database per xdist worker, in ``BUDGETLENS_TEST_PG_URL``."""
    global _PG_CLUSTER
    worker = getattr(config, "workerinput", None)
    if worker is None and not os.environ.get("BUDGETLENS_TEST_PG_URL") and os.environ.get("BUDGETLENS_TEST_PG", "1") != "0":
        import pgcluster

        try:
            _PG_CLUSTER = pgcluster.start()
        except Exception as exc:  # the PostgreSQL cases then skip, saying why
            sys.stderr.write(f"warning: could not start a PostgreSQL test server: {exc}\n")
            _PG_CLUSTER = None
        if _PG_CLUSTER is not None:
            os.environ["BUDGETLENS_TEST_PG_URL"] = _PG_CLUSTER.url
            os.environ["BUDGETLENS_TEST_PG_OWNED"] = "1"
    elif worker is not None and os.environ.get("BUDGETLENS_TEST_PG_OWNED") and os.environ.get("BUDGETLENS_TEST_PG_URL"):
        import pgcluster

        name = f"{pgcluster.DATABASE}_{worker.get('workerid', 'w')}"
        os.environ["BUDGETLENS_TEST_PG_URL"] = pgcluster.create_database(os.environ["BUDGETLENS_TEST_PG_URL"], name)


def pytest_configure(config: pytest.Config) -> None:
    global _SCRATCH
    if not SHARED.is_dir():
        sys.stderr.write(f"warning: {SHARED} not found; tests that read ../shared will fail\n")
    _start_postgres(config)
    if not (os.environ.get("BUDGETLENS_DATABASE_URL") or os.environ.get("DATABASE_URL")):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        _SCRATCH = tempfile.mkdtemp(prefix=f"budgetlens-test-{worker}-")
        os.environ["BUDGETLENS_DATABASE_URL"] = f"sqlite:///{Path(_SCRATCH) / 'budgetlens.db'}"


def pytest_unconfigure(config: pytest.Config) -> None:
    if _PG_CLUSTER is not None:
        try:
            from store.engine import dispose_engines

            dispose_engines()
        except Exception:
            pass
        import pgcluster

        pgcluster.stop(_PG_CLUSTER)
    if _SCRATCH:
        try:
            from store.engine import dispose_engines

            dispose_engines()
        except Exception:
            pass
        shutil.rmtree(_SCRATCH, ignore_errors=True)


def cli_env(**overrides: str | None) -> dict[str, str]:
    """The environment for a CLI subprocess: ours, with ``overrides`` (None removes)."""
    env = dict(os.environ)
    env.pop("BUDGETLENS_DEBUG", None)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = str(value)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env.setdefault("PYTHONIOENCODING", "utf-8")
    return env


def run_loaders(*args: str | os.PathLike, timeout: float = 600, **env: str | None) -> subprocess.CompletedProcess:
    """``python -m loaders ARGS`` in the repository; text output decoded as UTF-8."""
    return subprocess.run(
        [sys.executable, "-m", "loaders", *map(str, args)],
        cwd=ROOT,
        env=cli_env(**env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
    )


@pytest.fixture
def run_cli():
    """``run_cli("parse", path, BUDGETLENS_MAX_PAGES="5")`` -> CompletedProcess."""
    return run_loaders


@pytest.fixture
def shared() -> Path:
    return SHARED


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A fresh SQLite database for one test."""
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for the browser tests, one per test module."""
    from streamlit_server import launch_browser

    with launch_browser() as b:
        yield b
