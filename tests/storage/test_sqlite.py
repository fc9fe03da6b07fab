"""SQLite faults (locked, full disk, corrupt file) and picking a backend from the DSN."""

from __future__ import annotations

import importlib.util
import sqlite3

import pytest

from assistant.settings import Settings
from assistant.storage import StoreError, backend_name, open_store
from assistant.storage.sqlite import SQLiteStore


def test_locked_database_is_a_store_error_and_keeps_earlier_rows(tmp_path):
    store = SQLiteStore(tmp_path / "app.sqlite3", busy_timeout_s=0.05)
    kept = store.create_session("trước")
    other = sqlite3.connect(tmp_path / "app.sqlite3", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    with pytest.raises(StoreError) as err:
        store.create_session("bị khóa")
    assert err.value.kind == "locked"
    other.execute("ROLLBACK")
    other.close()
    assert [s.session_id for s in store.list_sessions()] == [kept.session_id]
    store.create_session("sau")  # works again once the lock is gone
    store.close()


def test_full_disk_is_a_store_error_and_keeps_earlier_rows(tmp_path):
    store = SQLiteStore(tmp_path / "app.sqlite3")
    session = store.create_session()
    store.add_message(session.session_id, "user", "giữ lại")
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")  # the file may not grow: as if the disk were full
    with pytest.raises(StoreError) as err:
        store.add_message(session.session_id, "user", "x" * 200_000)
    assert err.value.kind == "full"
    assert [m.text for m in store.list_messages(session.session_id)] == ["giữ lại"]
    store.close()


def test_corrupt_file_is_a_store_error(tmp_path):
    path = tmp_path / "app.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError) as err:
        SQLiteStore(path)
    assert err.value.kind == "corrupt" and str(path) in str(err.value)


def test_dsn_picks_the_backend(tmp_path):
    assert backend_name("") == backend_name("var/app.db") == "sqlite"
    assert backend_name("postgresql://u@localhost/db") == "postgresql"
    default = open_store(Settings(_env_file=None, var_dir=tmp_path / "var"))
    explicit = open_store(Settings(_env_file=None, store_dsn=f"sqlite:///{tmp_path}/other.sqlite3"))
    assert default.path == tmp_path / "var" / "app.sqlite3" and default.path.is_file()
    assert explicit.path == tmp_path / "other.sqlite3" and explicit.path.is_file()
    default.close()
    explicit.close()


def test_unknown_or_missing_backend_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="unknown store 'mysql'"):
        open_store(Settings(_env_file=None, store_dsn="mysql://x"))
    if importlib.util.find_spec("assistant.storage.postgres") is None:  # until issue 8 adds it
        with pytest.raises(StoreError) as err:
            open_store(Settings(_env_file=None, store_dsn="postgresql://u@localhost/db"))
        assert err.value.kind == "unavailable"
