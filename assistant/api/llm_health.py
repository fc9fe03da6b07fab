"""The LLM backend as the API sees it: how its last call went, and a rest after a failure.

A model that is down, slow or answering garbage raises :class:`LLMError`; the composer then
shows the extractive answer with a note. Without a rest every request would wait for the
same timeout again, so after a failure calls fail at once for ``llm_retry_after_s`` seconds,
then one goes through to see whether the model is back. ``/readyz`` reports :meth:`health`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from assistant.llm.base import ChatModel, LLMError, Message, make_chat_model
from assistant.settings import Settings

log = logging.getLogger("assistant.api")


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class GuardedModel:
    """Wraps a chat model; records every call's outcome and skips calls while the model rests."""

    def __init__(self, model: ChatModel, retry_after_s: float, clock: Callable[[], float] = time.monotonic):
        self.model = model
        self.name = model.name
        self.retry_after_s = retry_after_s
        self.clock = clock
        self._lock = threading.Lock()
        self._error = ""  # the last failure, "" once a call succeeded
        self._failed_at = ""
        self._retry_at = 0.0
        self._last_ok_at = ""

    def _check(self) -> None:
        with self._lock:
            if self._error and self.clock() < self._retry_at:
                wait = self._retry_at - self.clock()
                raise LLMError(f"skipped for {wait:.0f} s more after: {self._error}")

    def _record(self, error: LLMError | None) -> None:
        with self._lock:
            if error is None:
                if self._error:
                    log.info("LLM backend %s answers again", self.name)
                self._error, self._last_ok_at = "", _now_iso()
                return
            if not self._error:
                log.warning("LLM backend %s failed, answering extractively: %s", self.name, error)
            self._error, self._failed_at = str(error), _now_iso()
            self._retry_at = self.clock() + self.retry_after_s

    def complete(self, messages: list[Message], *, timeout: float) -> str:
        self._check()
        try:
            text = self.model.complete(messages, timeout=timeout)
        except LLMError as exc:
            self._record(exc)
            raise
        self._record(None)
        return text

    def stream(self, messages: list[Message], *, timeout: float) -> Iterator[str]:
        self._check()
        try:
            yield from self.model.stream(messages, timeout=timeout)
        except LLMError as exc:
            self._record(exc)
            raise
        self._record(None)

    def health(self) -> dict[str, Any]:
        with self._lock:
            if not self._error:
                return {"backend": self.name, "ok": True, "last_ok_at": self._last_ok_at or None}
            return {"backend": self.name, "ok": False, "error": self._error, "failed_at": self._failed_at,
                    "retry_in_s": round(max(0.0, self._retry_at - self.clock()), 1),
                    "last_ok_at": self._last_ok_at or None}


def guarded_model(settings: Settings) -> tuple[GuardedModel | None, str]:
    """The configured backend, guarded; (None, why) when it cannot be set up (answers stay extractive)."""
    try:
        model = make_chat_model(settings)
    except LLMError as exc:
        log.warning("LLM backend unavailable, answering extractively: %s", exc)
        return None, str(exc)
    return (GuardedModel(model, settings.llm_retry_after_s) if model is not None else None), ""


def llm_health(chat_model: Any, backend: str, config_error: str) -> dict[str, Any]:
    """What /readyz says about the composer: extractive by choice, a healthy model, or a degraded one."""
    if isinstance(chat_model, GuardedModel):
        return chat_model.health()
    if config_error:
        return {"backend": backend, "ok": False, "error": config_error}
    return {"backend": "extractive", "ok": True}
