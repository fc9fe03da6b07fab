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
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .base import StoreError
from .sql import SqlStore

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


class SQLiteStore(SqlStore):
    """The shared SQL over one locked connection; insertion order is SQLite's rowid."""

    PARAM = "?"
    ORDER = "rowid"
    NO_LIMIT = -1
    UNKNOWN_SESSION = sqlite3.IntegrityError  # the foreign key on messages.session_id

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

    @staticmethod
    def _to_json(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    @staticmethod
    def _from_json(value: str) -> Any:
        return json.loads(value)

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def connect(dsn: str, settings: Settings) -> SQLiteStore:
    """``""`` → ``<var_dir>/app.sqlite3``; ``sqlite:///relative/path`` or ``sqlite:////absolute/path``."""
    path = dsn.removeprefix("sqlite://").removeprefix("/") if dsn else ""
    return SQLiteStore(Path(path) if path else Path(settings.var_dir) / DEFAULT_FILE)
