"""Probes and metrics: ``/healthz`` (the process answers), ``/readyz`` (the index is loaded), ``/metrics``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from .errors import ApiError
from .metrics import CONTENT_TYPE
from .services import ServicesDep

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness: the process is up and serving requests."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(services: ServicesDep) -> dict[str, Any]:
    """Readiness: 200 once the index is loaded, 503 (with the reason) until then."""
    if services.index is None:
        raise ApiError("index_not_ready", details={"reason": services.load_error or "loading"})
    manifest = services.index.manifest
    return {"status": "ready", "index": {"chunks": len(services.index.chunks),
                                         "collections": sorted(services.index.columns.collection_names),
                                         "updated": manifest.get("updated", "")},
            "composer": getattr(services.chat_model, "name", "extractive")}


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(services: ServicesDep) -> PlainTextResponse:
    """Prometheus text format: requests, latencies per route and per answer stage, errors."""
    services.metrics.set_gauge("legal_index_ready", 1.0 if services.ready else 0.0)
    return PlainTextResponse(services.metrics.render(), media_type=CONTENT_TYPE)
