"""A throwaway PostgreSQL cluster for the test suite.

``make test`` (and so ``.ci/run``) installs Debian's ``postgresql`` when it can;
at the start of a test session :func:`start` runs ``initdb`` into a temporary
directory, starts the server on a free loopback port (its socket in that
directory too) and returns a SQLAlchemy URL.  PostgreSQL refuses to run as
root, so under root the cluster belongs to the ``postgres`` user the Debian
package creates.  :func:`stop` shuts it down and removes the directory.

Nothing here is used when ``BUDGETLENS_TEST_PG_URL`` is already set (an
existing server) or when no PostgreSQL binaries are installed (the PostgreSQL
cases are then skipped, and say so).
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass

DATABASE = "budgetlens_test"


@dataclass
class Cluster:
    url: str
    directory: str
    bin_dir: str
    user: str | None  # the system user the server runs as (None: ourselves)


def _bin_dir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: [int(x) for x in p.split("/")[4].split(".") if x.isdigit()])
    if found:
        return os.path.dirname(found[-1])
    pg_ctl = shutil.which("pg_ctl")
    return os.path.dirname(pg_ctl) if pg_ctl else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str], user: str | None, **kw) -> subprocess.CompletedProcess:
    if user:
        cmd = ["runuser", "-u", user, "--", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)


def start() -> Cluster | None:
    """A fresh cluster with an empty test database, or None when PostgreSQL is not installed."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        return None
    user = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return None
        user = "postgres"
    directory = tempfile.mkdtemp(prefix="budgetlens-pg-")
    data = os.path.join(directory, "data")
    if user:
        shutil.chown(directory, user=user)
    os.chmod(directory, 0o700)
    init = _run([f"{bin_dir}/initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"], user)
    if init.returncode != 0:
        init = _run([f"{bin_dir}/initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"], user)
    if init.returncode != 0:
        shutil.rmtree(directory, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {init.stderr.strip()[:500]}")
    port = _free_port()
    options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
    started = _run([f"{bin_dir}/pg_ctl", "-D", data, "-o", options, "-l", os.path.join(directory, "log"), "-w", "start"], user)
    if started.returncode != 0:
        log = ""
        try:
            log = open(os.path.join(directory, "log"), encoding="utf-8", errors="replace").read()[-800:]
        except OSError:
            pass
        shutil.rmtree(directory, ignore_errors=True)
        raise RuntimeError(f"pg_ctl start failed: {started.stderr.strip()[:300]} {log}")
    for _ in range(50):
        made = _run([f"{bin_dir}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", DATABASE], None)
        if made.returncode == 0:
            break
        time.sleep(0.2)
    else:
        stop(Cluster("", directory, bin_dir, user))
        raise RuntimeError(f"createdb failed: {made.stderr.strip()[:300]}")
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/{DATABASE}"
    return Cluster(url=url, directory=directory, bin_dir=bin_dir, user=user)


def stop(cluster: Cluster) -> None:
    data = os.path.join(cluster.directory, "data")
    if os.path.isdir(data):
        _run([f"{cluster.bin_dir}/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"], cluster.user)
    shutil.rmtree(cluster.directory, ignore_errors=True)


def create_database(url: str, name: str) -> str:
    """Another empty database on the same server (one per test worker); its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def databases() -> list:
    """Parameters for a test that runs on SQLite and on PostgreSQL: the latter
    skipped, saying why, where there is no test server.  Call it from a test
    module (collected after the session set ``BUDGETLENS_TEST_PG_URL``)."""
    import pytest

    no_server = not os.environ.get("BUDGETLENS_TEST_PG_URL")
    return ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(no_server, reason="no PostgreSQL test server"))]


def database_url(kind: str, folder, name: str) -> str:
    """A fresh store: ``folder/name.db`` for 'sqlite', else the database ``name``
    (one per xdist worker) on the session's PostgreSQL server."""
    if kind == "sqlite":
        return f"sqlite:///{folder / f'{name}.db'}"
    return create_database(os.environ["BUDGETLENS_TEST_PG_URL"], f"{name}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}")
