"""The audit trail: the store's audit log, or a JSON-lines file beside it when the store fails.

A store that is locked or out of space cannot record its own failure, yet that failure is
exactly what an operator must find afterwards. Such entries go to
``<var_dir>/audit-fallback.jsonl`` (one JSON object a line, appended), and to the server log
when even that file cannot be written. Entries name clients by address and admins by key
fingerprint; a key itself never reaches them.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.storage import StoreError
from assistant.storage.base import new_id, now_iso

if TYPE_CHECKING:
    from .services import Services

log = logging.getLogger("assistant.api")
FALLBACK_FILE = "audit-fallback.jsonl"
_append_lock = threading.Lock()


def fallback_path(var_dir: Path) -> Path:
    return Path(var_dir) / FALLBACK_FILE


def record(services: Services, action: str, *, actor: str = "", target: str = "",
           detail: dict[str, Any] | None = None) -> None:
    """Write an audit entry to the store, else to the fallback file; never raises."""
    try:
        services.store.audit(action, actor=actor, target=target, detail=detail)
        return
    except StoreError as exc:
        entry = {"entry_id": new_id(), "at": now_iso(), "action": action, "actor": actor, "target": target,
                 "detail": dict(detail or {}), "store_error": exc.kind}
    path = fallback_path(services.settings.var_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _append_lock, path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")
    except OSError as exc:
        log.error("audit entry lost (store: %s, %s: %s): %s", entry["store_error"], path, exc.strerror or exc,
                  json.dumps(entry, ensure_ascii=False))
