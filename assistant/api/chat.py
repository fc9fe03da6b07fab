"""``POST /api/chat``: a question in, the grounded Answer out — whole, or as server-sent events.

The session's earlier answers become ``Turn`` records so a follow-up ("còn lệ phí thì sao?")
is answered in context. The user's message is stored before answering and the answer after,
so a crash in between loses nothing the user typed.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request
from sse_starlette import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from assistant.answer import Persona, Turn
from assistant.storage.base import new_id

from .errors import error_for
from .schemas import ChatRequest, ChatResponse, ErrorResponse
from .services import Services, ServicesDep, stream_events
from .sessions import require_session
from .text import clean_text

router = APIRouter(tags=["chat"])
HISTORY_MESSAGES = 12  # the last six exchanges are plenty for follow-up rewriting


def session_history(services: Services, session_id: str) -> list[Turn]:
    messages = services.store.list_messages(session_id, limit=HISTORY_MESSAGES)
    return [Turn.from_answer(m.answer) for m in messages if m.role == "assistant" and m.answer]


def _sse(event: str, data: Any) -> dict[str, str]:
    return {"event": event, "data": json.dumps(data, ensure_ascii=False)}


def _stream(services: Services, session_id: str, message: str, persona: Persona,
            history: list[Turn]) -> EventSourceResponse:
    message_id = new_id()

    async def events() -> AsyncIterator[dict[str, str]]:
        yield _sse("meta", {"session_id": session_id, "message_id": message_id})
        try:
            async for event in stream_events(services, message, persona, history):
                if event.type == "done":
                    body = event.data["answer"]
                else:
                    yield _sse(event.type, {"text": event.data} if event.type == "token" else asdict(event.data))
            await run_in_threadpool(services.store.add_message, session_id, "assistant", body["text"], body,
                                    message_id=message_id)
        except Exception as exc:  # the stream has started: report in-band, never a traceback
            yield _sse("error", error_for(exc).body())
            return
        yield _sse("done", {"answer": body, "session_id": session_id, "message_id": message_id})

    return EventSourceResponse(events(), ping=15)


@router.post("/api/chat", response_model=ChatResponse,
             responses={200: {"content": {"text/event-stream": {}}, "description": "the answer, or its events"},
                        404: {"model": ErrorResponse}, 422: {"model": ErrorResponse},
                        503: {"model": ErrorResponse}})
def chat(body: ChatRequest, request: Request, services: ServicesDep) -> Any:
    """Answer a question in a session (created when ``session_id`` is null)."""
    services.require_index()
    message = clean_text(body.message, services.settings.max_message_chars, "message", "Câu hỏi", "message")
    if body.session_id is None:  # a new session has no history to read
        session_id, history = services.store.create_session(title=message).session_id, []
    else:
        session_id = require_session(services, body.session_id)
        history = session_history(services, session_id)
    services.store.add_message(session_id, "user", message)
    if body.stream or "text/event-stream" in request.headers.get("accept", ""):
        return _stream(services, session_id, message, body.persona, history)
    answer = services.ask(message, body.persona, history)
    stored = services.store.add_message(session_id, "assistant", answer.text, answer.to_dict())
    return {"session_id": session_id, "message_id": stored.message_id, "answer": stored.answer}
