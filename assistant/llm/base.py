"""The chat-model protocol every backend implements, its one error type, and the settings-driven factory.

Backends are imported lazily so the default extractive composer never pays for (or needs) torch, httpx
or llama.cpp.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from assistant.settings import Settings

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": "..."}


class LLMError(Exception):
    """A backend failed: unreachable, timeout, HTTP status, bad payload, missing package. One-line message."""


@runtime_checkable
class ChatModel(Protocol):
    """What the composers need from a model: a full reply, or the reply in pieces."""

    name: str

    def complete(self, messages: list[Message], *, timeout: float) -> str: ...

    def stream(self, messages: list[Message], *, timeout: float) -> Iterator[str]: ...


BACKENDS = ("extractive", "openai", "transformers", "llamacpp")


def make_chat_model(settings: Settings) -> ChatModel | None:
    """The configured backend, or None for the extractive composer (no model at all)."""
    backend = settings.llm_backend.strip().lower()
    if backend == "extractive":
        return None
    if backend == "openai":
        from assistant.llm.openai_compat import OpenAIChat

        if not settings.llm_base_url or not settings.llm_model:
            raise LLMError("the openai backend needs LEGAL_LLM_BASE_URL and LEGAL_LLM_MODEL")
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        return OpenAIChat(settings.llm_base_url, settings.llm_model, api_key=key)
    if backend == "transformers":
        if not settings.llm_model:
            raise LLMError("the transformers backend needs LEGAL_LLM_MODEL (a local model directory)")
        from assistant.llm.transformers_local import TransformersChat

        return TransformersChat(settings.llm_model)
    if backend == "llamacpp":
        from assistant.llm.llamacpp import LlamaCppChat

        return LlamaCppChat(settings.llm_model or "")  # checks the optional package first, then the path
    raise LLMError(f"unknown llm_backend {settings.llm_backend!r}; choose one of {', '.join(BACKENDS)}")
