"""The admin API key (header ``X-API-Key``): missing → 401, wrong → 403, compared in constant time.

Every key is compared (no early exit), so timing says nothing about which key came close.
Refusals go to the audit log with the client address; a key itself is never stored or
logged — an accepted one is known by a short fingerprint.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader

from . import audit
from .errors import ApiError
from .services import ServicesDep

_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="an admin key from LEGAL_ADMIN_API_KEYS")


def fingerprint(key: str) -> str:
    return "key:" + hashlib.sha256(key.encode()).hexdigest()[:12]


def require_admin(request: Request, services: ServicesDep,
                  key: Annotated[str | None, Depends(_header)] = None) -> str:
    """The caller's key fingerprint (for the audit log), or 401/403."""
    given = (key or "").encode()
    match = False
    for allowed in services.settings.admin_api_keys:
        match |= hmac.compare_digest(given, allowed.get_secret_value().encode())
    if key and match:
        return fingerprint(key)
    audit.record(services, "admin.denied", actor=request.client.host if request.client else "",
                 target=f"{request.method} {request.url.path}", detail={"reason": "wrong key" if key else "no key"})
    if not key:
        raise ApiError("missing_api_key", "Cần khóa quản trị (X-API-Key).", "An admin key (X-API-Key) is required.",
                       status=401, headers={"WWW-Authenticate": "ApiKey"})
    raise ApiError("invalid_api_key", "Khóa quản trị không đúng.", "The admin key is not valid.", status=403)


AdminDep = Annotated[str, Depends(require_admin)]
