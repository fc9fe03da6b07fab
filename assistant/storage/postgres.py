"""The shared store for several app instances: PostgreSQL through a small connection pool.

Same records, ids, ordering and errors as the SQLite store, so the API cannot tell them apart.
Insertion order (SQLite's rowid) is an identity column here. The schema is created on open under
an advisory lock, so instances that start at once do not race on ``CREATE … IF NOT EXISTS``.
The DSN may name a schema (``postgresql://…/db?schema=legal``) to keep several deployments, or
tests, apart in one database. Lock waits are bounded (``lock_timeout``) and a server that is down
or gone fails a call after ``timeout_s`` with a :class:`StoreError`, never a hang.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import astuple
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

try:
    import psycopg
    from psycopg import errors
    from psycopg.conninfo import conninfo_to_dict
    from psycopg.types.json import Json
    from psycopg_pool import ConnectionPool
except ImportError as exc:  # open_store turns this into a StoreError carrying the message
    raise ModuleNotFoundError('the postgres store needs psycopg 3 and psycopg-pool: pip install -e ".[postgres]"'
                              ) from exc

from .base import (
    AuditEntry,
    DocumentRecord,
    ErrorKind,
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

POOL_SIZE = 4  # per instance: the writes are tiny, and PostgreSQL's connection limit is shared by all
SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    seq BIGINT GENERATED ALWAYS AS IDENTITY, id TEXT PRIMARY KEY, created_at TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS sessions_newest ON sessions(created_at, seq);
CREATE TABLE IF NOT EXISTS messages (
    seq BIGINT GENERATED ALWAYS AS IDENTITY, id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    role TEXT NOT NULL, text TEXT NOT NULL, created_at TEXT NOT NULL, answer JSON);
CREATE INDEX IF NOT EXISTS messages_by_session ON messages(session_id, seq);
CREATE TABLE IF NOT EXISTS feedback (
    seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE, id TEXT PRIMARY KEY, message_id TEXT NOT NULL,
    rating TEXT NOT NULL, comment TEXT, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    seq BIGINT GENERATED ALWAYS AS IDENTITY, id TEXT PRIMARY KEY, filename TEXT NOT NULL,
    stored_name TEXT NOT NULL, doc_id TEXT NOT NULL, title TEXT NOT NULL, size_bytes BIGINT NOT NULL,
    chunks INTEGER NOT NULL, created_at TEXT NOT NULL, deleted_at TEXT);
CREATE TABLE IF NOT EXISTS audit (
    seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE, id TEXT PRIMARY KEY, at TEXT NOT NULL, action TEXT NOT NULL,
    actor TEXT NOT NULL, target TEXT NOT NULL, detail JSON NOT NULL);
"""  # JSON, not JSONB: answers come back with their keys in the order they were written

_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_WHY = {"locked": "a row or table is locked by another writer; try again shortly",
        "full": "the server's disk is full; nothing new can be stored",
        "corrupt": "the server reports corrupt data; restore the database from a backup",
        "unavailable": "the database server cannot be reached or refused the request"}


def error_kind(exc: psycopg.Error) -> ErrorKind:
    """By SQLSTATE class; a lost or refused connection, and anything unforeseen, is 'unavailable'."""
    if isinstance(exc, errors.DiskFull):
        return "full"
    if isinstance(exc, (errors.LockNotAvailable, errors.DeadlockDetected, errors.SerializationFailure)):
        return "locked"
    if isinstance(exc, (errors.DataCorrupted, errors.IndexCorrupted)):
        return "corrupt"
    return "unavailable"


def store_error(exc: psycopg.Error, where: str) -> StoreError:
    kind = error_kind(exc)
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return StoreError(kind, f"{where}: {_WHY[kind]} ({detail})")


def split_dsn(dsn: str) -> tuple[str, str | None]:
    """The libpq DSN without our ``schema=`` query parameter (libpq refuses unknown ones), and that schema."""
    parts = urlsplit(dsn)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((value for key, value in query if key == "schema"), None)
    rest = urlencode([(key, value) for key, value in query if key != "schema"])
    return urlunsplit(parts._replace(query=rest)), schema or None


def _audit(row: tuple) -> AuditEntry:
    *head, detail = row
    return AuditEntry(*head, detail=detail)


_MESSAGE_COLUMNS = "id, session_id, role, text, created_at, answer"
_DOC_COLUMNS = "id, filename, stored_name, doc_id, title, size_bytes, chunks, created_at, deleted_at"
_SESSION_SELECT = ("SELECT s.id, s.created_at, s.title, (SELECT COUNT(*) FROM messages m WHERE m.session_id = s.id) "
                   "FROM sessions s")


class PostgresStore:
    def __init__(self, dsn: str, *, schema: str | None = None, pool_size: int = POOL_SIZE, timeout_s: float = 5.0):
        if schema is not None and not _SCHEMA_NAME.fullmatch(schema):
            raise StoreError("unavailable", f"schema name {schema!r} must be lower-case letters, digits and _")
        self.schema = schema
        try:
            params = conninfo_to_dict(dsn)
        except psycopg.Error as exc:
            raise StoreError("unavailable", f"LEGAL_STORE_DSN is not a valid PostgreSQL DSN ({exc})") from exc
        self.where = (f"postgresql {params.get('host', 'localhost')}:{params.get('port', 5432)}/"
                      f"{params.get('dbname', '')}" + (f" schema {schema}" if schema else ""))
        options = [str(params.get("options", "")), f"-c lock_timeout={round(timeout_s * 1000)}"]
        if schema:
            options.append(f"-c search_path={schema}")
        self._pool = ConnectionPool(
            dsn, min_size=1, max_size=max(1, pool_size), timeout=timeout_s, open=False, name="legal-store",
            check=ConnectionPool.check_connection,  # a connection dropped by a server restart is replaced
            reconnect_timeout=timeout_s,  # then the next call connects afresh, not after a long backoff
            kwargs={"autocommit": True, "connect_timeout": max(1, round(timeout_s)),
                    "options": " ".join(filter(None, options)), "application_name": "legal-assistant"})
        try:
            self._pool.open(wait=True, timeout=timeout_s)
            self._create_schema()
        except psycopg.Error as exc:
            self._pool.close()
            raise store_error(exc, self.where) from exc
        except StoreError:
            self._pool.close()
            raise

    def _create_schema(self) -> None:
        with self._write() as db:
            db.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"legal-store:{self.schema or ''}",))
            if self.schema:
                db.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
                db.execute(f'SET LOCAL search_path TO "{self.schema}"')
            for statement in filter(str.strip, SCHEMA.split(";")):
                db.execute(statement)

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except psycopg.Error as exc:
            raise store_error(exc, self.where) from exc

    @contextmanager
    def _write(self) -> Iterator[psycopg.Connection]:
        """One transaction on a pooled connection: committed whole, or rolled back on any exception."""
        with self._errors(), self._pool.connection() as conn, conn.transaction():
            yield conn

    def _read(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._errors(), self._pool.connection() as conn:
            return conn.execute(sql, params).fetchall()

    # ---- sessions and messages ---------------------------------------------------------------
    def create_session(self, title: str = "") -> SessionRecord:
        record = SessionRecord(new_id(), now_iso(), short_title(title))
        with self._write() as db:
            db.execute("INSERT INTO sessions (id, created_at, title) VALUES (%s, %s, %s)", astuple(record)[:3])
        return record

    def get_session(self, session_id: str) -> SessionRecord | None:
        rows = self._read(f"{_SESSION_SELECT} WHERE s.id = %s", (session_id,))
        return SessionRecord(*rows[0]) if rows else None

    def list_sessions(self, limit: int = 50) -> list[SessionRecord]:
        rows = self._read(f"{_SESSION_SELECT} ORDER BY s.created_at DESC, s.seq DESC LIMIT %s", (limit,))
        return [SessionRecord(*r) for r in rows]

    def delete_session(self, session_id: str) -> bool:
        with self._write() as db:
            return db.execute("DELETE FROM sessions WHERE id = %s", (session_id,)).rowcount > 0

    def add_message(self, session_id: str, role: Role, text: str, answer: dict[str, Any] | None = None, *,
                    message_id: str | None = None) -> MessageRecord:
        record = MessageRecord(message_id or new_id(), session_id, role, text, now_iso(), answer)
        payload = Json(answer) if answer is not None else None
        with self._write() as db:
            try:
                db.execute(f"INSERT INTO messages ({_MESSAGE_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s)",
                           (*astuple(record)[:5], payload))
            except errors.ForeignKeyViolation as exc:
                raise KeyError(f"unknown session {session_id!r}") from exc
            if role == "user":
                db.execute("UPDATE sessions SET title = %s WHERE id = %s AND title = ''",
                           (short_title(text), session_id))
        return record

    def get_message(self, message_id: str) -> MessageRecord | None:
        rows = self._read(f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE id = %s", (message_id,))
        return MessageRecord(*rows[0]) if rows else None

    def list_messages(self, session_id: str, limit: int | None = None) -> list[MessageRecord]:
        rows = self._read(f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE session_id = %s ORDER BY seq DESC "
                          "LIMIT %s", (session_id, limit or None))
        return [MessageRecord(*r) for r in reversed(rows)]

    # ---- feedback ------------------------------------------------------------------------------
    def add_feedback(self, message_id: str, rating: Rating, comment: str | None = None) -> FeedbackRecord:
        record = FeedbackRecord(new_id(), message_id, rating, comment, now_iso())
        with self._write() as db:
            db.execute("INSERT INTO feedback (id, message_id, rating, comment, created_at) "
                       "VALUES (%s, %s, %s, %s, %s)", astuple(record))
        return record

    def list_feedback(self, limit: int = 1000) -> list[FeedbackRecord]:
        rows = self._read("SELECT id, message_id, rating, comment, created_at FROM feedback "
                          "ORDER BY seq DESC LIMIT %s", (limit,))
        return [FeedbackRecord(*r) for r in rows]

    # ---- uploaded documents ----------------------------------------------------------------------
    def add_document(self, record: DocumentRecord) -> DocumentRecord:
        with self._write() as db:
            db.execute(f"INSERT INTO documents ({_DOC_COLUMNS}) VALUES ({', '.join(['%s'] * 9)})", astuple(record))
        return record

    def get_document(self, document_id: str) -> DocumentRecord | None:
        rows = self._read(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = %s", (document_id,))
        return DocumentRecord(*rows[0]) if rows else None

    def list_documents(self, include_deleted: bool = False) -> list[DocumentRecord]:
        where = "" if include_deleted else "WHERE deleted_at IS NULL"
        rows = self._read(f"SELECT {_DOC_COLUMNS} FROM documents {where} ORDER BY seq")
        return [DocumentRecord(*r) for r in rows]

    def mark_document_deleted(self, document_id: str) -> DocumentRecord | None:
        with self._write() as db:
            db.execute("UPDATE documents SET deleted_at = %s WHERE id = %s AND deleted_at IS NULL",
                       (now_iso(), document_id))
            row = db.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = %s", (document_id,)).fetchone()
        return DocumentRecord(*row) if row else None

    # ---- audit log -------------------------------------------------------------------------------
    def audit(self, action: str, actor: str = "", target: str = "", detail: dict[str, Any] | None = None
              ) -> AuditEntry:
        entry = AuditEntry(new_id(), now_iso(), action, actor, target, dict(detail or {}))
        with self._write() as db:
            db.execute("INSERT INTO audit (id, at, action, actor, target, detail) VALUES (%s, %s, %s, %s, %s, %s)",
                       (*astuple(entry)[:5], Json(entry.detail)))
        return entry

    def audit_log(self, limit: int = 100) -> list[AuditEntry]:
        rows = self._read("SELECT id, at, action, actor, target, detail FROM audit ORDER BY seq DESC LIMIT %s",
                          (limit,))
        return [_audit(r) for r in rows]

    def close(self) -> None:
        self._pool.close()


def connect(dsn: str, settings: Settings) -> PostgresStore:
    """``postgresql://user@host:5432/db`` (or ``postgres://``), optionally with ``?schema=NAME``."""
    libpq_dsn, schema = split_dsn(dsn)
    return PostgresStore(libpq_dsn, schema=schema)
