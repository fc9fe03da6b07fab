"""One error type and the handlers that turn every failure into the same bilingual JSON body.

``{"error": {"code", "message", "message_vi", "message_en"}}`` for every 4xx and 5xx: our own
errors, request validation, unknown routes, wrong methods, a store that cannot write, and any
unexpected exception (logged with its traceback on the server, never sent to the client).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.storage import StoreError

from . import audit

log = logging.getLogger("assistant.api")

# code → (status, Vietnamese, English) for errors raised in more than one place or by Starlette.
MESSAGES: dict[str, tuple[int, str, str]] = {
    "not_found": (404, "Không tìm thấy địa chỉ này.", "No such route."),
    "method_not_allowed": (405, "Phương thức không được hỗ trợ cho địa chỉ này.",
                           "Method not allowed for this route."),
    "unreadable_body": (400, "Không đọc được nội dung yêu cầu (JSON hoặc biểu mẫu bị hỏng).",
                        "The request body cannot be parsed (broken JSON or form data)."),
    "invalid_request": (422, "Yêu cầu không hợp lệ.", "The request is not valid."),
    "invalid_persona": (422, "Vai trò phải là citizen hoặc official.", "persona must be citizen or official."),
    "session_not_found": (404, "Không tìm thấy phiên trò chuyện.", "Session not found."),
    "index_not_ready": (503, "Chỉ mục chưa sẵn sàng, vui lòng thử lại sau.", "The index is not loaded yet."),
    "storage_unavailable": (503, "Không lưu được dữ liệu lúc này, vui lòng thử lại sau.",
                            "Storage is unavailable right now; please retry."),
    "rate_limited": (429, "Bạn gửi quá nhiều yêu cầu, vui lòng chờ một lát.", "Too many requests; slow down."),
    "request_timeout": (504, "Yêu cầu xử lý quá lâu và đã bị dừng.", "The request took too long and was stopped."),
    "internal_error": (500, "Lỗi máy chủ, vui lòng thử lại sau.", "Internal server error."),
}


class ApiError(Exception):
    """An error a client should see: HTTP status, snake_case code, and the message in both languages."""

    def __init__(self, code: str, vi: str | None = None, en: str | None = None, *, status: int | None = None,
                 headers: dict[str, str] | None = None, details: Any = None):
        known = MESSAGES.get(code)
        if known is None and (status is None or vi is None or en is None):
            raise ValueError(f"unknown error code {code!r} needs a status and both messages")
        self.status = status or known[0]  # type: ignore[index]
        self.code = code
        self.vi = vi or known[1]  # type: ignore[index]
        self.en = en or known[2]  # type: ignore[index]
        self.headers = headers or {}
        self.details = details
        super().__init__(f"{code}: {self.en}")

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": f"{self.vi} / {self.en}", "message_vi": self.vi,
                                 "message_en": self.en}
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


class BodyTooLarge(StarletteHTTPException):
    """Raised while a body without a length is read past the limit (FastAPI lets HTTP exceptions through
    its body parsing, any other would become a 400)."""

    def __init__(self, error: ApiError):
        super().__init__(error.status)
        self.error = error


_FIELD_CODES = {"persona": "invalid_persona"}


def _validation_error(exc: RequestValidationError) -> ApiError:
    problems = [{"field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"), "problem": e.get("msg", "")}
                for e in exc.errors()]
    for e in exc.errors():
        code = _FIELD_CODES.get(str(e.get("loc", ("",))[-1]))
        if code:
            return ApiError(code, details=problems)
    names = ", ".join(p["field"] for p in problems if p["field"]) or "body"
    return ApiError("invalid_request", f"Yêu cầu không hợp lệ ({names}).", f"The request is not valid ({names}).",
                    details=problems)


def _http_error(exc: StarletteHTTPException) -> ApiError:
    if isinstance(exc, BodyTooLarge):
        return exc.error
    codes = {400: "unreadable_body", 404: "not_found", 405: "method_not_allowed"}
    if exc.status_code in codes:
        return ApiError(codes[exc.status_code], headers=dict(exc.headers or {}))
    return ApiError("http_error", "Yêu cầu không được chấp nhận.", str(exc.detail), status=exc.status_code,
                    headers=dict(exc.headers or {}))


def error_for(exc: Exception) -> ApiError:
    """What the client sees for any exception: ours as is, a store failure as 503, the rest as 500."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, StoreError):
        log.warning("store error: %s", exc)
        return ApiError("storage_unavailable", details={"kind": exc.kind})
    log.error("unhandled error", exc_info=exc)
    return ApiError("internal_error")


def record_store_failure(request: Request, exc: StoreError) -> None:
    """Audit the failure: in the store when it still takes writes (a lock may have cleared), else in the
    fallback file."""
    audit.record(request.app.state.services, "store.error", actor=request.client.host if request.client else "",
                 target=f"{request.method} {request.url.path}", detail={"kind": exc.kind})


def install_error_handlers(app: FastAPI) -> None:
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return exc.response()

    async def validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _validation_error(exc).response()

    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _http_error(exc).response()

    async def store_error(request: Request, exc: StoreError) -> JSONResponse:
        record_store_failure(request, exc)
        return error_for(exc).response()

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        return error_for(exc).response()

    app.add_exception_handler(ApiError, api_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(StoreError, store_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, unexpected)
