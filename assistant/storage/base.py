"""What the app keeps between requests, behind one protocol every backend implements.

Sessions, their messages (with the stored Answer as JSON), feedback, uploaded-document
records and the audit log. Records are plain dataclasses; ids are generated here (not by a
database sequence) so any backend, and several app instances, agree on them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, Protocol, runtime_checkable

Role = Literal["user", "assistant"]
Rating = Literal["up", "down"]
ErrorKind = Literal["locked", "full", "corrupt", "unavailable"]


class StoreError(Exception):
    """The store cannot answer now (locked, disk full, corrupt, unreachable); nothing stored is lost."""

    def __init__(self, kind: ErrorKind, message: str):
        super().__init__(message)
        self.kind = kind


def new_id() -> str:
    return uuid.uuid4().hex


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


TITLE_CHARS = 80


def short_title(text: str) -> str:
    """A session's title: its first question on one line, cut at a word near 80 characters."""
    line = " ".join(text.split())
    if len(line) <= TITLE_CHARS:
        return line
    return line[:TITLE_CHARS].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True, slots=True)
class SessionRecord:
    session_id: str
    created_at: str
    title: str = ""  # the first question, shortened
    messages: int = 0


@dataclass(frozen=True, slots=True)
class MessageRecord:
    message_id: str
    session_id: str
    role: Role
    text: str
    created_at: str
    answer: dict[str, Any] | None = None  # Answer.to_dict() for assistant messages


@dataclass(frozen=True, slots=True)
class FeedbackRecord:
    feedback_id: str
    message_id: str
    rating: Rating
    comment: str | None
    created_at: str


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """An uploaded file: what it was called, where we keep it, what it became in the index."""

    document_id: str
    filename: str  # the uploader's name for it (display only, never a path we use)
    stored_name: str  # our generated file name under the upload folder
    doc_id: str  # the Document id in the index
    title: str
    size_bytes: int
    chunks: int
    created_at: str
    deleted_at: str | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    entry_id: str
    at: str
    action: str  # "document.upload", "admin.denied", "store.error" …
    actor: str = ""  # client address or key fingerprint, never a key
    target: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Store(Protocol):
    """Every method may raise :class:`StoreError`; ``get_*`` return None for unknown ids."""

    def create_session(self, title: str = "") -> SessionRecord: ...

    def get_session(self, session_id: str) -> SessionRecord | None: ...

    def list_sessions(self, limit: int = 50) -> list[SessionRecord]: ...

    def delete_session(self, session_id: str) -> bool: ...

    def add_message(self, session_id: str, role: Role, text: str, answer: dict[str, Any] | None = None, *,
                    message_id: str | None = None) -> MessageRecord:
        """Raises KeyError for an unknown session; the first user message titles an untitled session."""
        ...

    def get_message(self, message_id: str) -> MessageRecord | None: ...

    def list_messages(self, session_id: str, limit: int | None = None) -> list[MessageRecord]:
        """Oldest first; with ``limit``, the latest ``limit`` messages."""
        ...

    def add_feedback(self, message_id: str, rating: Rating, comment: str | None = None) -> FeedbackRecord: ...

    def list_feedback(self, limit: int = 1000) -> list[FeedbackRecord]: ...

    def add_document(self, record: DocumentRecord) -> DocumentRecord: ...

    def get_document(self, document_id: str) -> DocumentRecord | None: ...

    def list_documents(self, include_deleted: bool = False) -> list[DocumentRecord]: ...

    def mark_document_deleted(self, document_id: str) -> DocumentRecord | None: ...

    def audit(self, action: str, actor: str = "", target: str = "", detail: dict[str, Any] | None = None
              ) -> AuditEntry: ...

    def audit_log(self, limit: int = 100) -> list[AuditEntry]:
        """Newest first."""
        ...

    def close(self) -> None: ...
