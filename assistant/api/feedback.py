"""``POST /api/feedback``: thumbs up or down (and a comment) on an answer, kept for evaluation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from .errors import ApiError
from .schemas import ErrorResponse, FeedbackCreated, FeedbackRequest
from .services import ServicesDep
from .text import is_record_id, strip_control

router = APIRouter(tags=["feedback"])


@router.post("/api/feedback", response_model=FeedbackCreated, status_code=201,
             responses={404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}})
def give_feedback(body: FeedbackRequest, services: ServicesDep) -> dict[str, Any]:
    """Rate an assistant message (its ``message_id`` comes with every answer)."""
    message = services.store.get_message(body.message_id) if is_record_id(body.message_id) else None
    if message is None or message.role != "assistant":
        raise ApiError("message_not_found", "Không tìm thấy câu trả lời này.", "Message not found.", status=404)
    comment = strip_control(body.comment) if body.comment else None
    record = services.store.add_feedback(message.message_id, body.rating, comment or None)
    return {"feedback_id": record.feedback_id}
