"""Stores for the backend-parametrised suite: every backend must pass the same tests.

A backend is a factory that (re)opens the same database, so tests can check that a restart
loses nothing. PostgreSQL runs as a throwaway server for the session (scripts/pg-test-server.sh;
the tests skip when none can be had), with a fresh schema per test.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.storage import Store
from assistant.storage.base import new_id
from assistant.storage.sqlite import SQLiteStore

PG_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "pg-test-server.sh"


class PgServer:
    """A throwaway PostgreSQL on a free loopback port, in a folder under /tmp: the script runs the
    server as the ``postgres`` user, who cannot reach pytest's private tmp_path."""

    def __init__(self) -> None:
        self.directory = tempfile.mkdtemp(prefix="pg-test-")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]

    def start(self) -> str:
        """Starts (or restarts) the server and returns its DSN; skips the test when none can be had."""
        done = subprocess.run([str(PG_SCRIPT), "start", self.directory, str(self.port)], capture_output=True,
                              text=True, timeout=600)
        if done.returncode == 3:
            pytest.skip(done.stderr.strip() or "no PostgreSQL server can be started here")
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def stop(self) -> None:
        subprocess.run([str(PG_SCRIPT), "stop", self.directory], capture_output=True, timeout=120)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_dsn() -> Iterator[str]:
    server = PgServer()
    try:
        yield server.start()
    finally:
        server.remove()


@pytest.fixture()
def pg_server() -> Iterator[PgServer]:
    """A server of the test's own, to stop and restart; removed afterwards."""
    server = PgServer()
    yield server
    server.remove()


def _sqlite(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], Store]:
    return lambda: SQLiteStore(tmp_path / "app.sqlite3")


def _postgres(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], Store]:
    pytest.importorskip("psycopg_pool")
    from assistant.storage.postgres import PostgresStore

    dsn, schema = request.getfixturevalue("postgres_dsn"), f"test_{new_id()[:12]}"
    return lambda: PostgresStore(dsn, schema=schema)


BACKENDS = {"sqlite": _sqlite, "postgres": _postgres}


@pytest.fixture(params=sorted(BACKENDS))
def reopen(request, tmp_path) -> Iterator[Callable[[], Store]]:
    """Opens the backend's database (again); every store it opened is closed afterwards."""
    opened: list[Store] = []
    make = BACKENDS[request.param](request, tmp_path)

    def open_store() -> Store:
        opened.append(make())
        return opened[-1]

    yield open_store
    for store in opened:
        store.close()


@pytest.fixture()
def store(reopen) -> Store:
    return reopen()
