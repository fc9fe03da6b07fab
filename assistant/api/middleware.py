"""The outermost layer of the app: rate limit, body size, request timeout, security headers, metrics.

Written as plain ASGI (not ``BaseHTTPMiddleware``) so a streamed answer passes through
untouched. The timeout covers the time until the response starts: a streamed answer that has
begun is not cut off, a request still computing after ``request_timeout_s`` gets a 504.
"""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import ApiError, BodyTooLarge
from .limits import RateLimiter
from .metrics import Metrics
from .uploads import too_large

LIMITED_PREFIXES = ("/api/", "/v1/")
UPLOAD_PREFIX = "/api/documents"
MULTIPART_SLACK = 64 * 1024  # form boundaries and part headers around the file
MAX_JSON_BYTES = 1024 * 1024
DOCS_PATHS = ("/docs", "/redoc", "/docs/oauth2-redirect")
# FastAPI's docs pages load Swagger UI from a CDN with an inline starter script.
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
            "frame-ancestors 'none'")


def security_headers(csp: str) -> dict[str, str]:
    return {"content-security-policy": csp, "x-content-type-options": "nosniff", "referrer-policy": "no-referrer",
            "x-frame-options": "DENY", "cross-origin-opener-policy": "same-origin"}


def limited_receive(receive: Receive, limit: int, error: ApiError) -> Receive:
    """``receive`` that stops a body sent without a length (chunked) as soon as it passes ``limit``, so a
    huge upload is never spooled whole to a temporary file."""
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(error)
        return message

    return counted


def route_label(scope: Scope) -> str:
    """The matched route's template ("/api/units/{unit_id:path}"), so metrics do not grow per URL."""
    route = scope.get("route")
    return getattr(route, "path", None) or "unmatched"


class GuardMiddleware:
    def __init__(self, app: ASGIApp, *, metrics: Metrics, limiter: RateLimiter, timeout_s: float, csp: str,
                 max_upload_bytes: int):
        self.app = app
        # The most body bytes a route takes, and the error for more (built once, only ever read).
        self.upload_limit = (max_upload_bytes + MULTIPART_SLACK, too_large(max_upload_bytes))
        self.json_limit = (MAX_JSON_BYTES, ApiError("body_too_large", "Nội dung yêu cầu quá lớn.",
                                                    "The request body is too large.", status=413))
        self.metrics = metrics
        self.limiter = limiter
        self.timeout_s = timeout_s
        self.headers = security_headers(csp)
        self.docs_headers = security_headers(DOCS_CSP)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        state: dict[str, Any] = {"status": 500, "closed": False}
        started = asyncio.Event()
        extra = self.docs_headers if scope["path"] in DOCS_PATHS else self.headers

        async def guarded_send(message: Message) -> None:
            if state["closed"]:  # a timed-out handler finishing late must not write twice
                return
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                headers = MutableHeaders(scope=message)
                for key, value in extra.items():
                    headers.setdefault(key, value)
                started.set()
            await send(message)

        try:
            wait = self._limit(scope)
            limit, too_big = self._body_limit(scope)
            length = dict(scope["headers"]).get(b"content-length", b"0")
            if length.isdigit() and int(length) > limit:  # refused before anything reads the body
                await too_big.response()(scope, receive, guarded_send)
            elif wait:
                self.metrics.inc("legal_rate_limited_total")
                error = ApiError("rate_limited", headers={"Retry-After": str(max(1, math.ceil(wait)))})
                await error.response()(scope, receive, guarded_send)
            else:
                await self._with_timeout(scope, limited_receive(receive, limit, too_big), guarded_send, started,
                                         state)
        finally:
            self.metrics.observe_request(scope["method"], route_label(scope), state["status"],
                                         time.perf_counter() - start)

    def _body_limit(self, scope: Scope) -> tuple[int, ApiError]:
        return self.upload_limit if scope["path"].startswith(UPLOAD_PREFIX) else self.json_limit

    def _limit(self, scope: Scope) -> float:
        if not scope["path"].startswith(LIMITED_PREFIXES) or scope["method"] == "OPTIONS":
            return 0.0
        client = scope.get("client")
        return self.limiter.take(client[0] if client else "unknown")

    async def _with_timeout(self, scope: Scope, receive: Receive, send: Send, started: asyncio.Event,
                            state: dict[str, Any]) -> None:
        task = asyncio.ensure_future(self.app(scope, receive, send))
        begun = asyncio.ensure_future(started.wait())
        done, _ = await asyncio.wait({task, begun}, timeout=self.timeout_s, return_when=asyncio.FIRST_COMPLETED)
        begun.cancel()
        if done:
            await task
            return
        # A handler in a worker thread cannot be interrupted; it finishes into the void.
        task.cancel()
        task.add_done_callback(lambda t: t.cancelled() or t.exception())
        await ApiError("request_timeout").response()(scope, receive, send)
        state["closed"] = True
