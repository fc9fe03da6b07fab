"""PostgreSQL as several instances use it: shared writes, concurrent writers, a server that goes away, a full disk.

The Store contract itself runs on PostgreSQL in test_store.py (conftest.BACKENDS).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import pytest

from assistant.settings import Settings
from assistant.storage import StoreError, open_store
from assistant.storage.base import new_id

psycopg = pytest.importorskip("psycopg")
pytest.importorskip("psycopg_pool")

from assistant.storage.postgres import PostgresStore, error_kind, split_dsn  # noqa: E402

T = TypeVar("T")


@pytest.fixture()
def schema() -> str:
    return f"test_{new_id()[:12]}"


def _together(jobs: list[Callable[[], object]]) -> list[object]:
    """Runs the jobs in threads released at the same moment; returns their results (or re-raises)."""
    start, results, failures = threading.Barrier(len(jobs)), [None] * len(jobs), []

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = jobs[i]()
        except Exception as exc:  # reported to the test below
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise failures[0]
    return results


def _soon(call: Callable[[], T], seconds: float = 15) -> T:
    """The call's result once the store has reconnected (it keeps failing fast until then)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return call()
        except StoreError:
            if time.monotonic() > deadline:
                raise


def test_two_instances_see_each_others_writes(postgres_dsn, schema):
    first, second = (PostgresStore(postgres_dsn, schema=schema) for _ in range(2))
    session = first.create_session()
    second.add_message(session.session_id, "user", "Làm hộ chiếu mất bao lâu?")
    reply = first.add_message(session.session_id, "assistant", "8 ngày làm việc.", {"text": "8 ngày làm việc."})
    second.add_feedback(reply.message_id, "up")
    assert [m.text for m in second.list_messages(session.session_id)] == ["Làm hộ chiếu mất bao lâu?",
                                                                           "8 ngày làm việc."]
    assert first.get_session(session.session_id).title == "Làm hộ chiếu mất bao lâu?"
    assert [f.message_id for f in first.list_feedback()] == [reply.message_id]
    assert second.delete_session(session.session_id) and first.get_session(session.session_id) is None
    first.close()
    second.close()


def test_instances_starting_and_writing_at_once_lose_nothing(postgres_dsn, schema):
    stores = _together([lambda: PostgresStore(postgres_dsn, schema=schema, pool_size=2) for _ in range(4)])
    session = stores[0].create_session()

    def write(n: int) -> None:
        for i in range(25):
            message = stores[(n + i) % 4].add_message(session.session_id, "assistant", f"{n}-{i}", {"n": n})
            stores[(n + i + 1) % 4].add_feedback(message.message_id, "down")

    _together([lambda n=n: write(n) for n in range(8)])
    texts = [m.text for m in stores[3].list_messages(session.session_id)]
    assert len(texts) == len(set(texts)) == 200 and "7-24" in texts
    assert len(stores[1].list_feedback()) == 200
    for store in stores:
        store.close()


@pytest.mark.timeout(120)  # each failing call gives up after its 1 s timeout: no hang
def test_server_gone_is_a_store_error_and_a_restart_loses_nothing(pg_server, schema):
    dsn = pg_server.start()
    store = PostgresStore(dsn, schema=schema, timeout_s=1)
    session = store.create_session()
    written = [store.add_message(session.session_id, "user", f"câu {i}").message_id for i in range(5)]
    store.audit("before.stop")
    pg_server.stop()
    for call in (lambda: store.add_message(session.session_id, "user", "mất"), store.list_sessions,
                 lambda: PostgresStore(dsn, schema=schema, timeout_s=1)):
        with pytest.raises(StoreError) as err:
            call()
        assert err.value.kind == "unavailable" and "127.0.0.1" in str(err.value)
    pg_server.start()
    assert [m.message_id for m in _soon(lambda: store.list_messages(session.session_id))] == written
    fresh = PostgresStore(dsn, schema=schema)
    assert fresh.get_session(session.session_id).messages == 5
    assert [e.action for e in fresh.audit_log()] == ["before.stop"]
    store.close()
    fresh.close()


def test_full_disk_is_a_store_error_and_keeps_earlier_rows(postgres_dsn, schema):
    """The messages table moved onto a 1 MB tmpfs: the insert that needs more space fails as 'full'."""
    mount = tempfile.mkdtemp(prefix="pg-full-")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount], capture_output=True).returncode:
        os.rmdir(mount)
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    store = admin = None
    try:
        shutil.chown(mount, "postgres")
        store = PostgresStore(postgres_dsn, schema=schema)
        session = store.create_session()
        store.add_message(session.session_id, "user", "giữ lại")
        admin = psycopg.connect(postgres_dsn, autocommit=True)
        admin.execute(f"CREATE TABLESPACE {schema} LOCATION '{mount}'")
        admin.execute(f"ALTER TABLE {schema}.messages SET TABLESPACE {schema}")
        with pytest.raises(StoreError) as err:
            store.add_message(session.session_id, "user", os.urandom(2_000_000).hex())  # incompressible
        assert err.value.kind == "full"
        assert [m.text for m in store.list_messages(session.session_id)] == ["giữ lại"]
    finally:
        if store is not None:
            store.close()
        if admin is not None:
            admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            admin.execute(f"DROP TABLESPACE IF EXISTS {schema}")
            admin.close()
        subprocess.run(["umount", mount], capture_output=True)
        os.rmdir(mount)


def test_error_kinds_follow_sqlstate():
    assert error_kind(psycopg.errors.DiskFull()) == "full"
    assert error_kind(psycopg.errors.LockNotAvailable()) == error_kind(psycopg.errors.DeadlockDetected()) == "locked"
    assert error_kind(psycopg.errors.DataCorrupted()) == "corrupt"
    assert error_kind(psycopg.OperationalError("server closed the connection")) == "unavailable"


def test_dsn_selects_postgres_and_its_schema(postgres_dsn, schema):
    assert split_dsn(f"{postgres_dsn}?schema={schema}&sslmode=disable") == (f"{postgres_dsn}?sslmode=disable",
                                                                           schema)
    dsn = f"{postgres_dsn.replace('postgresql://', 'postgres://')}?schema={schema}"
    store = open_store(Settings(_env_file=None, store_dsn=dsn))
    assert isinstance(store, PostgresStore) and store.schema == schema
    store.create_session("ở đâu")
    store.close()
    with psycopg.connect(postgres_dsn) as raw:
        assert raw.execute(f"SELECT title FROM {schema}.sessions").fetchall() == [("ở đâu",)]
    with pytest.raises(StoreError, match="schema name"):
        PostgresStore(postgres_dsn, schema="x; DROP TABLE sessions")


def test_missing_psycopg_names_the_postgres_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)
    monkeypatch.delitem(sys.modules, "assistant.storage.postgres")
    with pytest.raises(StoreError) as err:
        open_store(Settings(_env_file=None, store_dsn="postgresql://u@127.0.0.1:1/db"))
    assert err.value.kind == "unavailable" and 'pip install -e ".[postgres]"' in str(err.value)
