"""The Store methods written once for the SQL backends, so SQLite and PostgreSQL cannot drift apart.

Both keep the same tables and columns, so the queries, the row → record mapping and the id and
timestamp handling live here. A backend supplies only what truly differs: its parameter marker
(``?`` or ``%s``), its insertion-order column (SQLite's rowid, an identity column elsewhere), how
"no limit" is spelled, how JSON goes in and comes out, which error means "no such session", and
its connection handling with its own error mapping (``_write`` and ``_read``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import astuple
from typing import Any, ClassVar, Protocol

from .base import (
    AuditEntry,
    DocumentRecord,
    FeedbackRecord,
    MessageRecord,
    Rating,
    Role,
    SessionRecord,
    new_id,
    now_iso,
    short_title,
)

SESSION_SELECT = ("SELECT s.id, s.created_at, s.title, (SELECT COUNT(*) FROM messages m WHERE m.session_id = s.id) "
                  "FROM sessions s")
MESSAGE_COLUMNS = "id, session_id, role, text, created_at, answer"
FEEDBACK_COLUMNS = "id, message_id, rating, comment, created_at"
DOCUMENT_COLUMNS = "id, filename, stored_name, doc_id, title, size_bytes, chunks, created_at, deleted_at"
AUDIT_COLUMNS = "id, at, action, actor, target, detail"


class Cursor(Protocol):
    """What the shared methods use of a DB-API cursor (sqlite3's and psycopg's alike)."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...


class Connection(Protocol):
    """A connection inside one ``_write`` transaction; both drivers execute straight on it."""

    def execute(self, sql: str, params: Sequence[Any]) -> Cursor: ...


class SqlStore(ABC):
    """Implements :class:`~assistant.storage.base.Store` on top of a backend's ``_write`` and ``_read``."""

    PARAM: ClassVar[str]  # the driver's parameter marker; the SQL here is written with ``?``
    ORDER: ClassVar[str]  # the column that keeps insertion order
    NO_LIMIT: ClassVar[int | None]  # the LIMIT parameter that means "all rows"
    UNKNOWN_SESSION: ClassVar[type[Exception]]  # what inserting a message for an unknown session raises

    @abstractmethod
    def _write(self) -> AbstractContextManager[Connection]:
        """One transaction: committed whole, or rolled back on any exception; driver errors → StoreError."""

    @abstractmethod
    def _read(self, sql: str, params: tuple = ()) -> list[tuple]:
        """All rows of one query in the driver's dialect; driver errors → StoreError."""

    @staticmethod
    @abstractmethod
    def _to_json(value: Any) -> Any:
        """A dict as the driver stores it in a JSON column."""

    @staticmethod
    @abstractmethod
    def _from_json(value: Any) -> Any:
        """A JSON column's value as the driver returns it, back to Python."""

    @abstractmethod
    def close(self) -> None: ...

    def _sql(self, sql: str) -> str:
        return sql.replace("?", self.PARAM)

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        return self._read(self._sql(sql), params)

    def _execute(self, db: Connection, sql: str, params: Sequence[Any]) -> Cursor:
        return db.execute(self._sql(sql), params)

    def _insert(self, db: Connection, table: str, columns: str, values: Sequence[Any]) -> None:
        marks = ", ".join("?" * len(values))
        self._execute(db, f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)

    def _message(self, row: tuple) -> MessageRecord:
        *head, answer = row
        return MessageRecord(*head, answer=self._from_json(answer) if answer is not None else None)

    def _audit(self, row: tuple) -> AuditEntry:
        *head, detail = row
        return AuditEntry(*head, detail=self._from_json(detail))

    # ---- sessions and messages ---------------------------------------------------------------
    def create_session(self, title: str = "") -> SessionRecord:
        record = SessionRecord(new_id(), now_iso(), short_title(title))
        with self._write() as db:
            self._insert(db, "sessions", "id, created_at, title", astuple(record)[:3])
        return record

    def get_session(self, session_id: str) -> SessionRecord | None:
        rows = self._query(f"{SESSION_SELECT} WHERE s.id = ?", (session_id,))
        return SessionRecord(*rows[0]) if rows else None

    def list_sessions(self, limit: int = 50) -> list[SessionRecord]:
        rows = self._query(f"{SESSION_SELECT} ORDER BY s.created_at DESC, s.{self.ORDER} DESC LIMIT ?", (limit,))
        return [SessionRecord(*r) for r in rows]

    def delete_session(self, session_id: str) -> bool:
        with self._write() as db:
            return self._execute(db, "DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount > 0

    def add_message(self, session_id: str, role: Role, text: str, answer: dict[str, Any] | None = None, *,
                    message_id: str | None = None) -> MessageRecord:
        record = MessageRecord(message_id or new_id(), session_id, role, text, now_iso(), answer)
        payload = self._to_json(answer) if answer is not None else None
        with self._write() as db:
            try:
                self._insert(db, "messages", MESSAGE_COLUMNS, (*astuple(record)[:5], payload))
            except self.UNKNOWN_SESSION as exc:
                raise KeyError(f"unknown session {session_id!r}") from exc
            if role == "user":
                self._execute(db, "UPDATE sessions SET title = ? WHERE id = ? AND title = ''",
                              (short_title(text), session_id))
        return record

    def get_message(self, message_id: str) -> MessageRecord | None:
        rows = self._query(f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = ?", (message_id,))
        return self._message(rows[0]) if rows else None

    def list_messages(self, session_id: str, limit: int | None = None) -> list[MessageRecord]:
        rows = self._query(f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE session_id = ? "
                           f"ORDER BY {self.ORDER} DESC LIMIT ?", (session_id, limit or self.NO_LIMIT))
        return [self._message(r) for r in reversed(rows)]

    # ---- feedback ------------------------------------------------------------------------------
    def add_feedback(self, message_id: str, rating: Rating, comment: str | None = None) -> FeedbackRecord:
        record = FeedbackRecord(new_id(), message_id, rating, comment, now_iso())
        with self._write() as db:
            self._insert(db, "feedback", FEEDBACK_COLUMNS, astuple(record))
        return record

    def list_feedback(self, limit: int = 1000) -> list[FeedbackRecord]:
        rows = self._query(f"SELECT {FEEDBACK_COLUMNS} FROM feedback ORDER BY {self.ORDER} DESC LIMIT ?", (limit,))
        return [FeedbackRecord(*r) for r in rows]

    # ---- uploaded documents ----------------------------------------------------------------------
    def add_document(self, record: DocumentRecord) -> DocumentRecord:
        with self._write() as db:
            self._insert(db, "documents", DOCUMENT_COLUMNS, astuple(record))
        return record

    def get_document(self, document_id: str) -> DocumentRecord | None:
        rows = self._query(f"SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id = ?", (document_id,))
        return DocumentRecord(*rows[0]) if rows else None

    def list_documents(self, include_deleted: bool = False) -> list[DocumentRecord]:
        where = "" if include_deleted else "WHERE deleted_at IS NULL"
        rows = self._query(f"SELECT {DOCUMENT_COLUMNS} FROM documents {where} ORDER BY {self.ORDER}")
        return [DocumentRecord(*r) for r in rows]

    def mark_document_deleted(self, document_id: str) -> DocumentRecord | None:
        with self._write() as db:
            self._execute(db, "UPDATE documents SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
                          (now_iso(), document_id))
            row = self._execute(db, f"SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id = ?", (document_id,)
                                ).fetchone()
        return DocumentRecord(*row) if row else None

    # ---- audit log -------------------------------------------------------------------------------
    def audit(self, action: str, actor: str = "", target: str = "", detail: dict[str, Any] | None = None
              ) -> AuditEntry:
        entry = AuditEntry(new_id(), now_iso(), action, actor, target, dict(detail or {}))
        with self._write() as db:
            self._insert(db, "audit", AUDIT_COLUMNS, (*astuple(entry)[:5], self._to_json(entry.detail)))
        return entry

    def audit_log(self, limit: int = 100) -> list[AuditEntry]:
        rows = self._query(f"SELECT {AUDIT_COLUMNS} FROM audit ORDER BY {self.ORDER} DESC LIMIT ?", (limit,))
        return [self._audit(r) for r in rows]
