"""The FastAPI app: ``create_app(settings, index=…, store=…)``.

Without an index the app loads ``settings.index_dir`` at startup (in the lifespan, off the
event loop); until it has one, ``/healthz`` answers and ``/readyz`` says 503 with the reason.
Run it with ``python -m assistant serve`` or ``uvicorn assistant.api.app:create_app --factory``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from assistant.settings import Settings, get_settings
from assistant.storage import Store, open_store
from retrieval.index import LegalIndex
from retrieval.store import IndexLoadError

from . import chat, documents, feedback, health, openai_compat, pages, reload, search, sessions, units
from .errors import install_error_handlers
from .limits import RateLimiter
from .llm_health import guarded_model
from .metrics import Metrics
from .middleware import GuardMiddleware
from .pages import WEB_DIR
from .schemas import COMMON_ERRORS
from .services import Services, open_warm_index
from .uploads import max_upload_bytes

log = logging.getLogger("assistant.api")
ROUTERS = (chat, sessions, search, units, feedback, documents, reload, openai_compat, health, pages)


def load_index(services: Services) -> None:
    """Open and warm the configured index; a failure is kept for /readyz instead of stopping the app."""
    try:
        index = open_warm_index(services.settings, services.settings.index_dir)
    except IndexLoadError as exc:
        services.load_error = str(exc)
        log.error("index not loaded: %s", exc)
        return
    services.use_index(index)


def create_app(settings: Settings | None = None, *, index: LegalIndex | None = None,
               store: Store | None = None) -> FastAPI:
    settings = settings or get_settings()
    owns_store = store is None
    chat_model, llm_config_error = guarded_model(settings)
    services = Services(settings=settings, store=store or open_store(settings), metrics=Metrics(),
                        chat_model=chat_model, llm_config_error=llm_config_error)
    if index is not None:
        services.use_index(index)

    closed = False  # by an earlier shutdown: the same app may be started again (tests, reloads)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        nonlocal closed
        if closed:
            services.store, closed = open_store(settings), False
        if services.index is None:
            await run_in_threadpool(load_index, services)
        yield
        if owns_store:
            services.store.close()
            closed = True

    app = FastAPI(title="Trợ lý pháp luật và dịch vụ công", version="0.1.0", lifespan=lifespan,
                  description="Grounded answers with citations, legal search, procedure cards. Every error is "
                              '`{"error": {"code", "message", "message_vi", "message_en"}}`.',
                  docs_url="/docs" if settings.docs_enabled else None, redoc_url=None,
                  openapi_url="/openapi.json" if settings.docs_enabled else None, responses=COMMON_ERRORS)
    app.state.services = services
    install_error_handlers(app)
    for module in ROUTERS:
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=WEB_DIR, check_dir=False), name="static")
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST",
                           "DELETE"], allow_headers=["Content-Type", "Accept", "X-API-Key"], max_age=600)
    app.add_middleware(GuardMiddleware, metrics=services.metrics,  # outermost: sees every response
                       limiter=RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst),
                       timeout_s=settings.request_timeout_s, csp=settings.content_security_policy,
                       max_upload_bytes=max_upload_bytes(settings))
    return app
