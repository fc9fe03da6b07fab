"""Every admin route refuses a missing key (401) and a wrong one (403); keys never reach a log.

The admin routes are read from the app's OpenAPI schema (every operation that requires the key),
so a route added later is covered without touching this file.
"""

from __future__ import annotations

import logging

import pytest
from pydantic import SecretStr

from assistant.api.app import create_app
from assistant.api.audit import fallback_path
from assistant.settings import Settings

ADMIN_KEY = "khoa-quan-tri-thu-nghiem"  # the key of tests/api/conftest.py
WRONG_KEYS = ["", "x", ADMIN_KEY.upper(), ADMIN_KEY + "x", ADMIN_KEY[:-1], "Bearer " + ADMIN_KEY,
              "khóa-giả".encode()]  # UTF-8 bytes in a header
LLM_KEY = "sk-bi-mat-cua-may-chu-llm"


def admin_routes() -> list[tuple[str, str]]:
    """The operations whose OpenAPI entry requires the key."""
    app = create_app(Settings(_env_file=None, var_dir="/nonexistent-var", index_dir="/nonexistent"),
                     store=object())  # for its schema only: nothing is opened
    return sorted((method.upper(), path) for path, item in app.openapi()["paths"].items()
                  for method, operation in item.items() if operation.get("security"))


ROUTES = admin_routes()


def test_admin_routes_are_the_expected_ones():
    assert ROUTES == [("DELETE", "/api/documents/{document_id}"), ("GET", "/api/documents"),
                      ("GET", "/api/documents/{document_id}"), ("GET", "/api/sessions"),
                      ("POST", "/api/admin/reload"), ("POST", "/api/documents")]


def call(client, method: str, path: str, headers: dict[str, str]):
    url = path.replace("{document_id}", "0" * 32)
    if path == "/api/documents" and method == "POST":
        return client.post(url, files={"file": ("a.txt", b"Dieu 1. abc", "text/plain")}, headers=headers)
    return client.request(method, url, headers=headers, json={} if method == "POST" else None)


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_no_key_is_401_and_a_wrong_key_403(make_client, method, path):
    client = make_client(own_index=True)  # the right key, last, may upload or reload
    r = call(client, method, path, {})
    assert r.status_code == 401 and r.json()["error"]["code"] == "missing_api_key"
    assert r.headers["WWW-Authenticate"] == "ApiKey"
    for wrong in WRONG_KEYS:
        r = call(client, method, path, {"X-API-Key": wrong})
        expected = (401, "missing_api_key") if not wrong else (403, "invalid_api_key")
        assert (r.status_code, r.json()["error"]["code"]) == expected, repr(wrong)
    assert call(client, method, path, {"X-API-Key": ADMIN_KEY}).status_code not in (401, 403)
    denied = [e for e in client.app.state.services.store.audit_log() if e.action == "admin.denied"]
    assert len(denied) == 1 + len(WRONG_KEYS) and {e.target for e in denied} == {
        f"{method} {path.replace('{document_id}', '0' * 32)}"}


def test_keys_never_reach_the_logs_or_the_audit_trail(make_client, caplog, admin_headers):
    caplog.set_level(logging.DEBUG)
    client = make_client(own_index=True, llm_backend="openai", llm_base_url="http://127.0.0.1:9/v1",
                         llm_model="m", llm_api_key=SecretStr(LLM_KEY), llm_timeout_s=0.5)
    for method, path in ROUTES:
        call(client, method, path, admin_headers)
        call(client, method, path, {"X-API-Key": "sai-" + ADMIN_KEY})
    client.post("/api/admin/reload", json={"index_dir": "/etc"}, headers=admin_headers)
    assert client.post("/api/chat", json={"message": "lệ phí làm hộ chiếu"}).status_code == 200  # LLM down
    assert client.get("/readyz").json()["status"] == "degraded"
    services = client.app.state.services
    trail = [str(e) for e in services.store.audit_log(limit=1000)]
    fallback = fallback_path(services.settings.var_dir)
    trail.append(fallback.read_text(encoding="utf-8") if fallback.exists() else "")
    assert any("admin.denied" in e for e in trail) and any("key:" in e for e in trail)
    assert "LLM unreachable" in caplog.text  # the model's failure was logged …
    for secret in (ADMIN_KEY, LLM_KEY):  # … and no key, anywhere
        assert secret not in caplog.text and not any(secret in e for e in trail)
        assert secret not in client.get("/readyz").text and secret not in client.get("/metrics").text
