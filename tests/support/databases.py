"""Databases for the storage tests: a throwaway PostgreSQL server (when ``initdb`` and psycopg
are installed) and a ``db_url`` fixture that runs a test on SQLite and on PostgreSQL.

Import the fixtures into a test module: ``from tests.support.databases import db_url,
pg_database, pg_server  # noqa: F401``.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest


def sqlite_url(tmp_path: Path, name: str = "g.sqlite") -> str:
    return f"sqlite:///{tmp_path / name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """A fresh, empty database URL: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    return request.getfixturevalue("pg_database")


# -------------------------------------------------------------------------- PostgreSQL


def _initdb() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or [shutil.which("initdb")]
    return found[-1]


@pytest.fixture(scope="module")
def pg_server():
    """A throwaway PostgreSQL server on a Unix socket; yields (socket dir, user)."""
    initdb = _initdb()
    if initdb is None:
        pytest.skip("PostgreSQL is not installed (no initdb); apt-get install postgresql")
    pytest.importorskip("psycopg", reason="psycopg is not installed (requirements-dev.txt)")
    as_user: list[str] = []
    root = tempfile.mkdtemp(prefix="glassbox-pg-")  # short: a socket path has ≤ 107 bytes
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: cannot start PostgreSQL")
        shutil.chown(root, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    bindir = Path(initdb).parent
    data = f"{root}/data"

    def run(*cmd: str) -> None:
        subprocess.run([*as_user, *cmd], check=True, capture_output=True, timeout=60)

    try:
        run(str(bindir / "initdb"), "-D", data, "-A", "trust", "-U", "glassbox", "--no-sync")
        opts = f"-k {root} -c listen_addresses='' -c fsync=off -c max_connections=50"
        run(str(bindir / "pg_ctl"), "-D", data, "-o", opts, "-l", f"{root}/log", "-w", "start")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as err:
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"could not start a throwaway PostgreSQL server: {err}")
    yield root
    run(str(bindir / "pg_ctl"), "-D", data, "-m", "immediate", "stop")
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture()
def pg_database(pg_server) -> str:
    """A fresh database on the throwaway server, as a SQLAlchemy URL."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(host=pg_server, user="glassbox", dbname="postgres", autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}")
    return f"postgresql+psycopg://glassbox@/{name}?host={pg_server}"
