"""Serve a new index without a restart: ``POST /api/admin/reload`` or SIGHUP to ``serve``.

The new index is loaded and warmed while the old one keeps answering, then both the index
and its Assistant are swapped in with one assignment: a request in flight finishes on the
index it started with, the next one gets the new index, and none fails. An index that will
not load (missing, truncated, corrupt) is refused with the reason; the last good index
keeps serving and ``/readyz`` shows the failed attempt. Reloads, uploads and deletes take
turns (``services.upload_lock``), so none of them is lost in a swap.
"""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI

from assistant.storage.base import now_iso
from retrieval.store import IndexLoadError

from . import audit
from .auth import AdminDep
from .errors import ApiError
from .schemas import ErrorResponse, ReloadRequest, ReloadResult
from .services import Services, ServicesDep, open_warm_index

log = logging.getLogger("assistant.api")
router = APIRouter(tags=["admin"], responses={401: {"model": ErrorResponse}, 403: {"model": ErrorResponse}})


def allowed_roots(services: Services) -> list[Path]:
    """Where an index may be loaded from: the app's own folders and the current index's siblings."""
    settings = services.settings
    return [Path(p).resolve() for p in (settings.var_dir, settings.data_dir, Path(settings.index_dir).parent)]


def target_dir(services: Services, requested: str | None) -> Path:
    """The directory to load: the configured one, or a requested one inside the allowed roots."""
    if not requested:
        return Path(services.settings.index_dir)
    try:
        path = Path(requested).resolve()
        inside = any(path.is_relative_to(root) for root in allowed_roots(services))
    except (OSError, ValueError, RuntimeError):  # a NUL byte, a symlink loop
        inside = False
    if not inside:
        raise ApiError("index_dir_not_allowed", "Chỉ được nạp chỉ mục trong thư mục dữ liệu của ứng dụng.",
                       "index_dir must be inside the app's var or data folder, or beside the current index.",
                       status=422)
    return path


def reload_index(services: Services, directory: Path, *, actor: str) -> dict[str, Any]:
    """Load ``directory`` and serve it; on failure keep the current index and raise a 422 ApiError."""
    with services.upload_lock:
        attempt: dict[str, Any] = {"at": now_iso(), "index_dir": str(directory), "by": actor}
        try:
            index = open_warm_index(services.settings, directory)
        except Exception as exc:  # whatever is wrong with the files, serving goes on with the old index
            reason = str(exc) if isinstance(exc, IndexLoadError) else f"{type(exc).__name__}: {exc}"
            services.last_reload = {**attempt, "ok": False, "error": reason}
            log.error("index reload from %s refused, still serving the previous index: %s", directory, reason,
                      exc_info=not isinstance(exc, IndexLoadError))
            audit.record(services, "index.reload_failed", actor=actor, target=str(directory),
                         detail={"error": reason})
            raise ApiError("index_reload_failed", "Không nạp được chỉ mục mới; chỉ mục cũ vẫn đang phục vụ.",
                           "The new index could not be loaded; the previous one is still served.", status=422,
                           details={"reason": reason}) from exc
        if directory != Path(services.settings.index_dir):  # uploads are saved into the index now served
            services.settings = services.settings.model_copy(update={"index_dir": directory})
        services.use_index(index)
        services.load_error = ""
        result = {**attempt, "ok": True, "chunks": len(index.chunks), "updated": index.manifest.get("updated", "")}
        services.last_reload = result
    log.info("index reloaded from %s (%d chunks)", directory, result["chunks"])
    audit.record(services, "index.reload", actor=actor, target=str(directory), detail={"chunks": result["chunks"]})
    return result


@router.post("/api/admin/reload", response_model=ReloadResult,
             responses={409: {"model": ErrorResponse}, 422: {"model": ErrorResponse}})
def reload_route(services: ServicesDep, actor: AdminDep,
                 body: ReloadRequest | None = None) -> dict[str, Any]:
    """Load the index again (after a rebuild) or another one, and serve it without dropping a request."""
    services.require_single_worker()
    return reload_index(services, target_dir(services, body.index_dir if body else None), actor=actor)


def reload_on_sighup(app: FastAPI) -> None:
    """``kill -HUP <pid>`` reloads the configured index in a background thread (the server keeps serving)."""
    services: Services = app.state.services

    def reload_in_background() -> None:
        try:
            reload_index(services, Path(services.settings.index_dir), actor="signal:SIGHUP")
        except ApiError:
            pass  # logged and audited by reload_index

    def on_signal(signum: int, frame: Any) -> None:
        threading.Thread(target=reload_in_background, name="index-reload", daemon=True).start()

    signal.signal(signal.SIGHUP, on_signal)
