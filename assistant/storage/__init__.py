"""Storage for the API: a small :class:`Store` protocol and one module per backend.

``open_store(settings)`` picks the backend from ``settings.store_dsn``: empty (SQLite under the
var dir), ``sqlite:///PATH``, or ``postgresql://`` (``postgres://``, optional ``?schema=NAME``) for
several app instances sharing one database. A backend module only has to provide
``connect(dsn, settings) -> Store``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from .base import (
    AuditEntry,
    DocumentRecord,
    FeedbackRecord,
    MessageRecord,
    SessionRecord,
    Store,
    StoreError,
)

if TYPE_CHECKING:
    from assistant.settings import Settings

BACKENDS = {"sqlite": "assistant.storage.sqlite", "postgresql": "assistant.storage.postgres",
            "postgres": "assistant.storage.postgres"}


def backend_name(dsn: str) -> str:
    """The DSN's scheme; a bare file path (or nothing) means SQLite."""
    return dsn.split("://", 1)[0].lower() if "://" in dsn else "sqlite"


def open_store(settings: Settings) -> Store:
    dsn = settings.store_dsn.strip()
    name = backend_name(dsn)
    if name not in BACKENDS:
        raise StoreError("unavailable", f"unknown store {name!r} in LEGAL_STORE_DSN; use one of "
                                        f"{', '.join(sorted(BACKENDS))}")
    try:
        module = import_module(BACKENDS[name])
    except ModuleNotFoundError as exc:
        raise StoreError("unavailable", f"the {name} store is not available in this installation ({exc})") from exc
    return module.connect(dsn, settings)


__all__ = ["AuditEntry", "DocumentRecord", "FeedbackRecord", "MessageRecord", "SessionRecord", "Store",
           "StoreError", "backend_name", "open_store"]
