"""OpenAI-compatible ``POST /v1/chat/completions`` (and ``GET /v1/models``) for existing chat front-ends.

Stateless: the last user message is the question, earlier user messages are the history
for follow-ups. The model name picks the persona ("vnlegal" citizen, "vnlegal-official").
The content ends with the sources, for front-ends that show only the text; the citations
themselves come as a ``citations`` field (and in the last streamed chunk).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from sse_starlette import EventSourceResponse

from assistant.answer import Persona, Turn
from assistant.storage.base import new_id

from .errors import ApiError, error_for
from .schemas import ErrorResponse
from .services import Services, ServicesDep, stream_events
from .text import clean_text

router = APIRouter(tags=["openai"])
MODELS = {"vnlegal": "citizen", "vnlegal-official": "official"}


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[dict[str, Any]] | None = None

    @property
    def text(self) -> str:
        if isinstance(self.content, list):  # [{"type": "text", "text": "…"}, …]
            return " ".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")
        return self.content or ""


class CompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # temperature, max_tokens… are accepted and ignored

    model: str = Field("vnlegal", description="vnlegal (citizen) or vnlegal-official")
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False


def _persona(model: str) -> Persona:
    return "official" if "official" in model.lower() else "citizen"


def _sources(answer: dict[str, Any]) -> str:
    """The citations as a "Nguồn:" list to append to the content (empty when nothing is cited)."""
    lines = [f"- {c['label']}" + (f" ({c['source_url']})" if c.get("source_url") else "") for c in answer["citations"]]
    return "\n\nNguồn:\n" + "\n".join(lines) if lines else ""


def _extras(answer: dict[str, Any]) -> dict[str, Any]:
    return {"citations": answer["citations"], "procedure_card": answer["card"], "grounded": answer["grounded"]}


def _chunk(cid: str, created: int, model: str, delta: dict[str, Any], finish: str | None = None,
           **extra: Any) -> dict[str, str]:
    body = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
    return {"data": json.dumps(body, ensure_ascii=False)}


@router.post("/v1/chat/completions", responses={200: {"content": {"text/event-stream": {}}},
                                                422: {"model": ErrorResponse}, 503: {"model": ErrorResponse}})
def chat_completions(body: CompletionRequest, request: Request, services: ServicesDep) -> Any:
    """Answer the last user message; ``stream: true`` sends ``chat.completion.chunk`` events and ``[DONE]``."""
    services.require_index()
    users = [m.text for m in body.messages if m.role == "user"]
    if not users:
        raise ApiError("no_user_message", "Không có tin nhắn nào của người dùng.",
                       "The messages contain no user message.", status=422)
    limit = services.settings.max_message_chars
    question = clean_text(users[-1], limit, "message", "Câu hỏi", "message")
    history = [Turn(q, q) for q in (" ".join(u.split()) for u in users[:-1]) if q]
    persona = _persona(body.model)
    cid, created = f"chatcmpl-{new_id()}", int(time.time())
    if body.stream:
        return _stream(services, question, persona, history, cid, created, body.model)
    answer = services.ask(question, persona, history).to_dict()
    content = answer["text"] + _sources(answer)
    prompt_words = sum(len(m.text.split()) for m in body.messages)
    completion_words = len(content.split())
    return {"id": cid, "object": "chat.completion", "created": created, "model": body.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": prompt_words, "completion_tokens": completion_words,
                      "total_tokens": prompt_words + completion_words},
            **_extras(answer)}


def _stream(services: Services, question: str, persona: Persona, history: list[Turn], cid: str, created: int,
            model: str) -> EventSourceResponse:
    async def events() -> AsyncIterator[dict[str, str]]:
        yield _chunk(cid, created, model, {"role": "assistant", "content": ""})
        try:
            async for event in stream_events(services, question, persona, history):
                if event.type == "token":
                    yield _chunk(cid, created, model, {"content": event.data})
                elif event.type == "done":
                    answer = event.data["answer"]
        except Exception as exc:  # the stream has started: the error goes in-band
            yield {"data": json.dumps(error_for(exc).body(), ensure_ascii=False)}
            yield {"data": "[DONE]"}
            return
        if sources := _sources(answer):
            yield _chunk(cid, created, model, {"content": sources})
        yield _chunk(cid, created, model, {}, "stop", **_extras(answer))
        yield {"data": "[DONE]"}

    return EventSourceResponse(events(), ping=15)


@router.get("/v1/models")
def list_models() -> dict[str, Any]:
    """The model names this server answers to (they choose the persona)."""
    return {"object": "list", "data": [{"id": m, "object": "model", "created": 0, "owned_by": "vn-legal-assistant"}
                                       for m in MODELS]}
