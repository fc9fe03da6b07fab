"""Probes and metrics: ``/healthz`` (the process answers), ``/readyz`` (the index is loaded, the LLM
answers), ``/metrics``."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from .errors import ApiError
from .llm_health import llm_health
from .metrics import CONTENT_TYPE
from .services import ServicesDep

router = APIRouter(tags=["operations"])
_PATH = re.compile(r"(?<![^\s'\"(])(?:/[^\s/:'\"]+)+/([^\s/:'\"]+)")  # absolute paths only


def _no_paths(value: Any) -> Any:
    """The probe is public: absolute server paths in messages are cut to their last name ("/srv/x/idx" → "idx")."""
    if isinstance(value, str):
        return _PATH.sub(r"\1", value)
    if isinstance(value, dict):
        return {k: _no_paths(v) for k, v in value.items()}
    return value


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness: the process is up and serving requests."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(services: ServicesDep) -> dict[str, Any]:
    """Readiness: 503 (with the reason) until an index is loaded, then 200.

    A failing LLM backend makes the status ``degraded``, still with 200: every answer is then
    composed extractively from the same retrieved law, so the instance keeps serving and a
    load balancer must not take it out of rotation; monitoring alerts on ``degraded`` instead.
    The latest index reload is shown too, failed or not (the index it names is not served then).
    """
    live = services.live
    if live is None:
        raise ApiError("index_not_ready", details=_no_paths({"reason": services.load_error or "loading",
                                                             "last_reload": services.last_reload}))
    index = live[0]
    llm = llm_health(services.chat_model, services.settings.llm_backend, services.llm_config_error)
    return {"status": "ready" if llm["ok"] else "degraded",
            "index": {"chunks": len(index.chunks), "collections": sorted(index.columns.collection_names),
                      "updated": index.manifest.get("updated", "")},
            "composer": getattr(services.chat_model, "name", "extractive"), "llm": llm,
            "last_reload": _no_paths(services.last_reload)}


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(services: ServicesDep) -> PlainTextResponse:
    """Prometheus text format: requests, latencies per route and per answer stage, errors."""
    services.metrics.set_gauge("legal_index_ready", 1.0 if services.ready else 0.0)
    return PlainTextResponse(services.metrics.render(), media_type=CONTENT_TYPE)
