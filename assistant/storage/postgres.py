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

from .base import ErrorKind, StoreError
from .sql import SqlStore

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


class PostgresStore(SqlStore):
    """The shared SQL over a connection pool; insertion order is the ``seq`` identity column."""

    PARAM = "%s"
    ORDER = "seq"
    NO_LIMIT = None
    UNKNOWN_SESSION = errors.ForeignKeyViolation

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

    @staticmethod
    def _to_json(value: Any) -> Json:
        return Json(value)

    @staticmethod
    def _from_json(value: Any) -> Any:
        """psycopg has already parsed the JSON column."""
        return value

    def close(self) -> None:
        self._pool.close()


def connect(dsn: str, settings: Settings) -> PostgresStore:
    """``postgresql://user@host:5432/db`` (or ``postgres://``), optionally with ``?schema=NAME``."""
    libpq_dsn, schema = split_dsn(dsn)
    return PostgresStore(libpq_dsn, schema=schema)
