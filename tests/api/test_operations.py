"""Probes, metrics, JSON errors for everything, limits, timeouts, security headers, CORS, pages."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.api.limits import RateLimiter
from assistant.api.pages import WEB_DIR
from assistant.storage import StoreError
from assistant.storage.sqlite import SQLiteStore


def assert_error(r, status, code):
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["code"] == code and error["message"] == f"{error['message_vi']} / {error['message_en']}"
    assert "Traceback" not in r.text


def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["index"]["chunks"] > 300 and ready["composer"] == "extractive"


def test_missing_index_is_not_ready_but_alive(settings_for, tmp_path):
    with TestClient(create_app(settings_for(index_dir=tmp_path / "missing"))) as client:
        assert client.get("/healthz").status_code == 200
        r = client.get("/readyz")
        assert_error(r, 503, "index_not_ready")
        assert "missing" in r.json()["error"]["details"]["reason"]
        assert_error(client.post("/api/chat", json={"message": "xin chào"}), 503, "index_not_ready")
        assert_error(client.get("/api/search", params={"q": "a"}), 503, "index_not_ready")


def test_metrics_count_routes_and_answer_stages(client):
    client.get("/api/search", params={"q": "hộ chiếu"})
    client.post("/api/chat", json={"message": "lam ho chieu mat bao lau"})
    client.get("/api/units/khong-co")
    r = client.get("/metrics")
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = r.text
    assert 'legal_http_requests_total{method="GET",route="/api/search",status="200"} 1' in text
    assert 'legal_http_errors_total{route="/api/units/{unit_id:path}",status="404"} 1' in text
    assert 'legal_answer_stage_seconds_count{stage="retrieve"} 1' in text
    assert 'legal_http_request_duration_seconds_bucket{method="POST",route="/api/chat",le="+Inf"} 1' in text
    assert "legal_index_ready 1" in text


def test_unknown_routes_and_methods_are_json(client):
    assert_error(client.get("/khong-co"), 404, "not_found")
    assert_error(client.get("/api/khong-co"), 404, "not_found")
    assert_error(client.put("/api/chat", json={}), 405, "method_not_allowed")
    assert_error(client.delete("/api/search"), 405, "method_not_allowed")


def test_oversized_json_body_is_413(client):
    r = client.post("/api/chat", content=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                    headers={"Content-Type": "application/json"})
    assert_error(r, 413, "body_too_large")


class Stub:
    def __init__(self, fail: Exception | None = None, delay: float = 0.0):
        self.fail, self.delay = fail, delay

    def ask(self, question, persona="citizen", history=()):
        time.sleep(self.delay)
        raise self.fail or RuntimeError("không mong đợi")


def test_unexpected_exception_is_a_500_without_traceback(make_client):
    client = make_client(raise_server_exceptions=False)
    services = client.app.state.services
    services.live = (services.index, Stub(RuntimeError("bí mật nội bộ")))
    r = client.post("/api/chat", json={"message": "xin chào"})
    assert_error(r, 500, "internal_error")
    assert "bí mật" not in r.text


def test_slow_request_is_a_504(make_client):
    # 0.3 s leaves /healthz room on a loaded 2-core machine; the chat handler sleeps well past it.
    client = make_client(request_timeout_s=0.3)
    services = client.app.state.services
    services.live = (services.index, Stub(delay=1.5))
    assert_error(client.post("/api/chat", json={"message": "xin chào"}), 504, "request_timeout")
    assert client.get("/healthz").status_code == 200


class FullDisk(SQLiteStore):
    """Writes of messages fail as on a full disk; everything else works."""

    def add_message(self, *args, **kwargs):
        raise StoreError("full", "disk full")


def test_store_failure_is_a_503_and_keeps_what_was_stored(settings_for, shared_index, tmp_path, admin_headers):
    store = FullDisk(tmp_path / "app.sqlite3")
    kept = store.create_session("trước sự cố")
    with TestClient(create_app(settings_for(), index=shared_index, store=store)) as client:
        r = client.post("/api/chat", json={"message": "xin chào", "session_id": kept.session_id})
        assert_error(r, 503, "storage_unavailable")
        assert r.json()["error"]["details"] == {"kind": "full"}
        listed = client.get("/api/sessions", headers=admin_headers).json()["sessions"]
        assert listed[0]["session_id"] == kept.session_id
    assert store.audit_log()[0].action == "store.error"
    store.close()


def test_rate_limit_answers_429_with_retry_after(make_client):
    client = make_client(rate_limit_per_minute=6, rate_limit_burst=3)
    codes = [client.get("/api/filters").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = client.get("/api/search", params={"q": "a"})
    assert_error(r, 429, "rate_limited")
    assert 1 <= int(r.headers["Retry-After"]) <= 10
    assert client.get("/healthz").status_code == 200 and client.get("/metrics").status_code == 200


def test_token_bucket_refills_per_client():
    now = [0.0]
    limiter = RateLimiter(per_minute=60, burst=2, clock=lambda: now[0])
    assert [limiter.take("a") for _ in range(3)][:2] == [0.0, 0.0]
    assert limiter.take("a") == pytest.approx(1.0, abs=0.01) and limiter.take("b") == 0.0
    now[0] += 1.0
    assert limiter.take("a") == 0.0
    assert RateLimiter(per_minute=0, burst=1).take("a") == 0.0  # 0 = no limit


def test_security_headers_everywhere(client):
    for r in (client.get("/healthz"), client.get("/khong-co"), client.get("/api/search", params={"q": "x"})):
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff" and r.headers["referrer-policy"] == "no-referrer"


def test_cors_only_for_configured_origins(make_client, client):
    cors = make_client(cors_origins=["https://dichvucong.example.vn"])
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    ok = cors.options("/api/chat", headers={"Origin": "https://dichvucong.example.vn", **preflight})
    assert ok.headers["access-control-allow-origin"] == "https://dichvucong.example.vn"
    other = cors.options("/api/chat", headers={"Origin": "https://evil.example", **preflight})
    assert "access-control-allow-origin" not in other.headers
    plain = client.get("/healthz", headers={"Origin": "https://dichvucong.example.vn"})
    assert "access-control-allow-origin" not in plain.headers


def test_pages_and_static_files(client):
    for path, name in (("/", "index.html"), ("/tra-cuu", "tra-cuu.html")):
        r = client.get(path)
        if (WEB_DIR / name).is_file():
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        else:
            assert_error(r, 404, "page_not_found")
    css = sorted(WEB_DIR.glob("*.css"))
    if css:
        assert client.get(f"/static/{css[0].name}").status_code == 200
    assert client.get("/static/../settings.py").status_code == 404


def test_openapi_docs(client, make_client):
    spec = client.get("/openapi.json").json()
    assert {"/api/chat", "/api/search", "/api/units/{unit_id}", "/v1/chat/completions"} <= set(spec["paths"])
    assert "cdn.jsdelivr.net" in client.get("/docs").headers["content-security-policy"]
    assert make_client(docs_enabled=False).get("/docs").status_code == 404
