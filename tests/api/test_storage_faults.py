"""The store failing under the API: SQLite locked by another connection, a full disk.

Writes of chats, sessions and feedback fail with a clean 503 JSON body; nothing stored before
is lost (read back afterwards); the failure is audited — in the fallback file, since the store
cannot take it — and the store works again once the fault clears.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.api.audit import fallback_path
from assistant.storage import StoreError
from assistant.storage.sqlite import SQLiteStore

WRITES = ("create_session", "add_message", "add_feedback", "delete_session", "audit", "add_document",
          "mark_document_deleted")


class DiskFull:
    """The SQLite store, with every write failing as on a full disk while ``full`` is set."""

    def __init__(self, store: SQLiteStore):
        self.store, self.full = store, False

    def __getattr__(self, name: str):
        method = getattr(self.store, name)
        if name not in WRITES:
            return method

        def write(*args, **kwargs):
            if self.full:
                raise StoreError("full", f"{self.store.path}: the disk is full; nothing new can be stored")
            return method(*args, **kwargs)
        return write


@pytest.fixture()
def store(tmp_path) -> Iterator[SQLiteStore]:
    store = SQLiteStore(tmp_path / "var" / "app.sqlite3", busy_timeout_s=0.2)
    yield store
    store.close()


def make(settings_for, shared_index, store) -> TestClient:
    return TestClient(create_app(settings_for(), index=shared_index, store=store))


def snapshot(client) -> dict:
    """Everything stored: sessions with their messages, and the feedback."""
    sessions = [asdict(s) for s in client.app.state.services.store.list_sessions(500)]
    messages = {s["session_id"]: client.get(f"/api/sessions/{s['session_id']}/messages").json()["messages"]
                for s in sessions}
    feedback = client.app.state.services.store.list_feedback()
    return {"sessions": sessions, "messages": messages, "feedback": feedback}


def seed(client) -> dict:
    answer = client.post("/api/chat", json={"message": "lệ phí làm hộ chiếu"}).json()
    assert client.post("/api/feedback", json={"message_id": answer["message_id"], "rating": "up"}).status_code == 201
    return answer


def failing_writes(client, answer: dict) -> list:
    sid = answer["session_id"]
    return [client.post("/api/chat", json={"message": "đăng ký khai sinh ở đâu"}),
            client.post("/api/chat", json={"message": "còn lệ phí thì sao", "session_id": sid}),
            client.post("/api/sessions"),
            client.post("/api/feedback", json={"message_id": answer["message_id"], "rating": "down",
                                               "comment": "thiếu"}),
            client.delete(f"/api/sessions/{sid}")]


def assert_clean_503(responses: list, kind: str) -> None:
    for r in responses:
        assert r.status_code == 503, r.text
        error = r.json()["error"]
        assert error["code"] == "storage_unavailable" and error["details"] == {"kind": kind}
        assert error["message_vi"] and error["message_en"] and "Traceback" not in r.text


def fallback_entries(settings_for) -> list[dict]:
    path = fallback_path(settings_for().var_dir)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_locked_database_fails_writes_cleanly_and_loses_nothing(settings_for, shared_index, store):
    with make(settings_for, shared_index, store) as client:
        answer = seed(client)
        before = snapshot(client)
        other = sqlite3.connect(store.path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
        try:
            responses = failing_writes(client, answer)
            during = snapshot(client)  # reads go on (WAL)
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert_clean_503(responses, "locked")
        assert during == before and snapshot(client) == before
        entries = fallback_entries(settings_for)
        assert [e["action"] for e in entries] == ["store.error"] * len(responses)
        assert {e["detail"]["kind"] for e in entries} == {"locked"} and entries[0]["store_error"] == "locked"
        assert [e["target"] for e in entries][:3] == ["POST /api/chat", "POST /api/chat", "POST /api/sessions"]
        assert client.post("/api/chat", json={"message": "xin chào"}).status_code == 200  # works again


def test_full_disk_fails_writes_cleanly_and_loses_nothing(settings_for, shared_index, store):
    disk = DiskFull(store)
    with make(settings_for, shared_index, disk) as client:
        answer = seed(client)
        before = snapshot(client)
        disk.full = True
        responses = failing_writes(client, answer)
        streamed = client.post("/api/chat", json={"message": "xin chào", "stream": True})
        disk.full = False
        assert_clean_503(responses, "full")
        assert streamed.status_code == 503  # the user message is stored before the stream starts
        assert snapshot(client) == before
        assert {e["detail"]["kind"] for e in fallback_entries(settings_for)} == {"full"}
        assert client.post("/api/feedback", json={"message_id": answer["message_id"], "rating": "down"}
                           ).status_code == 201


def test_audit_lands_in_the_store_when_only_one_write_failed(settings_for, shared_index, tmp_path):
    class MessagesFull(SQLiteStore):
        def add_message(self, *args, **kwargs):
            raise StoreError("full", "disk full")

    store = MessagesFull(tmp_path / "other.sqlite3")
    with make(settings_for, shared_index, store) as client:
        assert client.post("/api/chat", json={"message": "xin chào"}).status_code == 503
    (entry,) = store.audit_log()
    assert entry.action == "store.error" and entry.detail == {"kind": "full"}
    assert not fallback_path(settings_for().var_dir).exists()
    store.close()


def test_feedback_comment_loses_control_characters(client):
    answer = client.post("/api/chat", json={"message": "lệ phí làm hộ chiếu"}).json()
    comment = "Thiếu\x00 mức\u202e phí\x1b[31m\nkhi nộp\u200b trực tuyến\x7f"
    r = client.post("/api/feedback", json={"message_id": answer["message_id"], "rating": "down", "comment": comment})
    assert r.status_code == 201
    (stored,) = client.app.state.services.store.list_feedback()
    assert stored.comment == "Thiếu mức phí[31m\nkhi nộp trực tuyến"


@pytest.mark.parametrize("message_id", ["a\x00b", "' OR 1=1 --", "0" * 33, "G" * 32])
def test_ids_that_the_store_never_made_are_not_found(client, message_id):
    r = client.post("/api/feedback", json={"message_id": message_id, "rating": "up"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "message_not_found"
    r = client.post("/api/chat", json={"message": "xin chào", "session_id": message_id})
    assert r.status_code == 404 and r.json()["error"]["code"] == "session_not_found"
