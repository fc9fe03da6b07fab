"""The default store: one SQLite file in WAL mode, safe to share between uvicorn's worker threads.

One connection guarded by a lock serves every thread: the writes are tiny (a message, a
feedback row), so a second connection would only add lock contention. Every transaction
either commits whole or leaves the file as it was, and SQLite's own failures (locked by
another process, disk full, a corrupt file) become a :class:`StoreError` saying which.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import astuple
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .base import (
    AuditEntry,
    DocumentRecord,
    FeedbackRecord,
    MessageRecord,
    Rating,
    Role,
    SessionRecord,
    StoreError,
    new_id,
    now_iso,
    short_title,
)

if TYPE_CHECKING:
    from assistant.settings import Settings

SCHEMA_VERSION = 1
DEFAULT_FILE = "app.sqlite3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY, created_at TEXT NOT NULL, title TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS messages (
    id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    role TEXT NOT NULL, text TEXT NOT NULL, created_at TEXT NOT NULL, answer TEXT);
CREATE INDEX IF NOT EXISTS messages_by_session ON messages(session_id);
CREATE TABLE IF NOT EXISTS feedback (
    id TEXT PRIMARY KEY, message_id TEXT NOT NULL, rating TEXT NOT NULL, comment TEXT, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, filename TEXT NOT NULL, stored_name TEXT NOT NULL, doc_id TEXT NOT NULL,
    title TEXT NOT NULL, size_bytes INTEGER NOT NULL, chunks INTEGER NOT NULL, created_at TEXT NOT NULL,
    deleted_at TEXT);
CREATE TABLE IF NOT EXISTS audit (
    id TEXT PRIMARY KEY, at TEXT NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, target TEXT NOT NULL,
    detail TEXT NOT NULL);
"""

_KINDS = {"SQLITE_BUSY": "locked", "SQLITE_LOCKED": "locked", "SQLITE_FULL": "full", "SQLITE_CORRUPT": "corrupt",
          "SQLITE_NOTADB": "corrupt"}
_WHY = {"locked": "the database is locked by another writer; try again shortly",
        "full": "the disk is full; nothing new can be stored",
        "corrupt": "the database file is corrupt; restore it from a backup",
        "unavailable": "the database cannot be used"}


def _store_error(exc: sqlite3.Error, path: Path) -> StoreError:
    name = getattr(exc, "sqlite_errorname", "") or ""
    kind = next((k for prefix, k in _KINDS.items() if name.startswith(prefix)), "unavailable")
    if kind == "unavailable" and "locked" in str(exc):
        kind = "locked"
    return StoreError(kind, f"{path}: {_WHY[kind]} ({exc})")  # type: ignore[arg-type]


def _session(row: tuple) -> SessionRecord:
    return SessionRecord(*row)


def _message(row: tuple) -> MessageRecord:
    mid, sid, role, text, created, answer = row
    return MessageRecord(mid, sid, role, text, created, json.loads(answer) if answer else None)


def _audit(row: tuple) -> AuditEntry:
    *head, detail = row
    return AuditEntry(*head, detail=json.loads(detail))


_DOC_COLUMNS = "id, filename, stored_name, doc_id, title, size_bytes, chunks, created_at, deleted_at"
_SESSION_SELECT = ("SELECT s.id, s.created_at, s.title, (SELECT COUNT(*) FROM messages m WHERE m.session_id = s.id) "
                   "FROM sessions s")


class SQLiteStore:
    def __init__(self, path: Path | str, *, busy_timeout_s: float = 5.0):
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, timeout=busy_timeout_s, isolation_level=None,
                                         check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError("unavailable", f"{self.path}: cannot open the database ({exc})") from exc
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            with self._write() as db:
                for statement in filter(str.strip, SCHEMA.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.Error as exc:
            self._conn.close()
            raise _store_error(exc, self.path) from exc
        except StoreError:
            self._conn.close()
            raise

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction taken with the write lock up front (no deadlock between two upgrading readers)."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                    self._conn.execute("COMMIT")
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise _store_error(exc, self.path) from exc

    def _read(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise _store_error(exc, self.path) from exc

    # ---- sessions and messages ---------------------------------------------------------------
    def create_session(self, title: str = "") -> SessionRecord:
        record = SessionRecord(new_id(), now_iso(), short_title(title))
        with self._write() as db:
            db.execute("INSERT INTO sessions (id, created_at, title) VALUES (?, ?, ?)", astuple(record)[:3])
        return record

    def get_session(self, session_id: str) -> SessionRecord | None:
        rows = self._read(f"{_SESSION_SELECT} WHERE s.id = ?", (session_id,))
        return _session(rows[0]) if rows else None

    def list_sessions(self, limit: int = 50) -> list[SessionRecord]:
        rows = self._read(f"{_SESSION_SELECT} ORDER BY s.created_at DESC, s.rowid DESC LIMIT ?", (limit,))
        return [_session(r) for r in rows]

    def delete_session(self, session_id: str) -> bool:
        with self._write() as db:
            return db.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount > 0

    def add_message(self, session_id: str, role: Role, text: str, answer: dict[str, Any] | None = None, *,
                    message_id: str | None = None) -> MessageRecord:
        record = MessageRecord(message_id or new_id(), session_id, role, text, now_iso(), answer)
        payload = json.dumps(answer, ensure_ascii=False) if answer is not None else None
        with self._write() as db:
            try:
                db.execute("INSERT INTO messages (id, session_id, role, text, created_at, answer) "
                           "VALUES (?, ?, ?, ?, ?, ?)", (*astuple(record)[:5], payload))
            except sqlite3.IntegrityError as exc:
                raise KeyError(f"unknown session {session_id!r}") from exc
            if role == "user":
                db.execute("UPDATE sessions SET title = ? WHERE id = ? AND title = ''",
                           (short_title(text), session_id))
        return record

    def get_message(self, message_id: str) -> MessageRecord | None:
        rows = self._read("SELECT id, session_id, role, text, created_at, answer FROM messages WHERE id = ?",
                          (message_id,))
        return _message(rows[0]) if rows else None

    def list_messages(self, session_id: str, limit: int | None = None) -> list[MessageRecord]:
        rows = self._read("SELECT id, session_id, role, text, created_at, answer FROM messages "
                          "WHERE session_id = ? ORDER BY rowid DESC LIMIT ?", (session_id, limit or -1))
        return [_message(r) for r in reversed(rows)]

    # ---- feedback ------------------------------------------------------------------------------
    def add_feedback(self, message_id: str, rating: Rating, comment: str | None = None) -> FeedbackRecord:
        record = FeedbackRecord(new_id(), message_id, rating, comment, now_iso())
        with self._write() as db:
            db.execute("INSERT INTO feedback (id, message_id, rating, comment, created_at) VALUES (?, ?, ?, ?, ?)",
                       astuple(record))
        return record

    def list_feedback(self, limit: int = 1000) -> list[FeedbackRecord]:
        rows = self._read("SELECT id, message_id, rating, comment, created_at FROM feedback "
                          "ORDER BY rowid DESC LIMIT ?", (limit,))
        return [FeedbackRecord(*r) for r in rows]

    # ---- uploaded documents ----------------------------------------------------------------------
    def add_document(self, record: DocumentRecord) -> DocumentRecord:
        with self._write() as db:
            db.execute(f"INSERT INTO documents ({_DOC_COLUMNS}) VALUES ({', '.join('?' * 9)})", astuple(record))
        return record

    def get_document(self, document_id: str) -> DocumentRecord | None:
        rows = self._read(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", (document_id,))
        return DocumentRecord(*rows[0]) if rows else None

    def list_documents(self, include_deleted: bool = False) -> list[DocumentRecord]:
        where = "" if include_deleted else "WHERE deleted_at IS NULL"
        rows = self._read(f"SELECT {_DOC_COLUMNS} FROM documents {where} ORDER BY rowid")
        return [DocumentRecord(*r) for r in rows]

    def mark_document_deleted(self, document_id: str) -> DocumentRecord | None:
        with self._write() as db:
            db.execute("UPDATE documents SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
                       (now_iso(), document_id))
            row = db.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", (document_id,)).fetchone()
        return DocumentRecord(*row) if row else None

    # ---- audit log -------------------------------------------------------------------------------
    def audit(self, action: str, actor: str = "", target: str = "", detail: dict[str, Any] | None = None
              ) -> AuditEntry:
        entry = AuditEntry(new_id(), now_iso(), action, actor, target, dict(detail or {}))
        with self._write() as db:
            db.execute("INSERT INTO audit (id, at, action, actor, target, detail) VALUES (?, ?, ?, ?, ?, ?)",
                       (*astuple(entry)[:5], json.dumps(entry.detail, ensure_ascii=False)))
        return entry

    def audit_log(self, limit: int = 100) -> list[AuditEntry]:
        rows = self._read("SELECT id, at, action, actor, target, detail FROM audit ORDER BY rowid DESC LIMIT ?",
                          (limit,))
        return [_audit(r) for r in rows]

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def connect(dsn: str, settings: Settings) -> SQLiteStore:
    """``""`` → ``<var_dir>/app.sqlite3``; ``sqlite:///relative/path`` or ``sqlite:////absolute/path``."""
    path = dsn.removeprefix("sqlite://").removeprefix("/") if dsn else ""
    return SQLiteStore(Path(path) if path else Path(settings.var_dir) / DEFAULT_FILE)
