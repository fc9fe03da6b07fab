"""Chat sessions: create, list, read back, delete (stored by the configured store)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from .auth import AdminDep
from .errors import ApiError
from .schemas import ErrorResponse, MessageList, SessionList, SessionOut
from .services import Services, ServicesDep
from .text import is_record_id

router = APIRouter(tags=["sessions"])
NOT_FOUND = {404: {"model": ErrorResponse}}


@router.post("/api/sessions", response_model=SessionOut, status_code=201)
def create_session(services: ServicesDep) -> dict[str, Any]:
    """A new, empty session; its first question becomes its title."""
    return asdict(services.store.create_session())


@router.get("/api/sessions", response_model=SessionList,
            responses={401: {"model": ErrorResponse}, 403: {"model": ErrorResponse}})
def list_sessions(services: ServicesDep, _: AdminDep,
                  limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict[str, Any]:
    """The latest sessions first, with their titles and message counts (admin key: citizens' sessions are
    private; a citizen reaches their own by its unguessable id)."""
    return {"sessions": [asdict(s) for s in services.store.list_sessions(limit)]}


def require_session(services: Services, session_id: str) -> str:
    """The id of a stored session, else 404 ``session_not_found`` (the store is not asked for a malformed id)."""
    if not is_record_id(session_id) or services.store.get_session(session_id) is None:
        raise ApiError("session_not_found")
    return session_id


@router.get("/api/sessions/{session_id}/messages", response_model=MessageList, responses=NOT_FOUND)
def session_messages(session_id: str, services: ServicesDep) -> dict[str, Any]:
    """Every message of the session, oldest first; assistant messages carry their full answer."""
    require_session(services, session_id)
    messages = services.store.list_messages(session_id)
    return {"session_id": session_id,
            "messages": [{"message_id": m.message_id, "role": m.role, "text": m.text, "answer": m.answer,
                          "created_at": m.created_at} for m in messages]}


@router.delete("/api/sessions/{session_id}", status_code=204, response_class=Response, responses=NOT_FOUND)
def delete_session(session_id: str, services: ServicesDep) -> Response:
    """Forget the session and its messages (feedback already given is kept for evaluation)."""
    if not is_record_id(session_id) or not services.store.delete_session(session_id):
        raise ApiError("session_not_found")
    return Response(status_code=204)
