"""Stores for the backend-parametrised suite: every backend must pass the same tests.

A backend is a factory that (re)opens the same database, so tests can check that a restart
loses nothing. PostgreSQL joins ``BACKENDS`` with a factory for a throwaway schema (issue 8).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.storage import Store
from assistant.storage.sqlite import SQLiteStore


def _sqlite(tmp_path: Path) -> Callable[[], Store]:
    return lambda: SQLiteStore(tmp_path / "app.sqlite3")


BACKENDS = {"sqlite": _sqlite}


@pytest.fixture(params=sorted(BACKENDS))
def reopen(request, tmp_path) -> Iterator[Callable[[], Store]]:
    """Opens the backend's database (again); every store it opened is closed afterwards."""
    opened: list[Store] = []

    def open_store() -> Store:
        opened.append(BACKENDS[request.param](tmp_path)())
        return opened[-1]

    yield open_store
    for store in opened:
        store.close()


@pytest.fixture()
def store(reopen) -> Store:
    return reopen()
