"""Sessions (create, list, read, delete) and feedback on answers."""

from __future__ import annotations

from fastapi.testclient import TestClient

from assistant.api.app import create_app


def test_session_lifecycle(client, admin_headers):
    r = client.post("/api/sessions")
    assert r.status_code == 201
    sid = r.json()["session_id"]
    assert r.json()["created_at"]
    assert client.get(f"/api/sessions/{sid}/messages").json() == {"session_id": sid, "messages": []}
    client.post("/api/chat", json={"session_id": sid, "message": "đăng ký kết hôn ở đâu"})
    listed = {s["session_id"]: s for s in client.get("/api/sessions", headers=admin_headers).json()["sessions"]}
    assert listed[sid]["messages"] == 2 and listed[sid]["title"] == "đăng ký kết hôn ở đâu"
    assert client.delete(f"/api/sessions/{sid}").status_code == 204
    for r in (client.get(f"/api/sessions/{sid}/messages"), client.delete(f"/api/sessions/{sid}")):
        assert r.status_code == 404 and r.json()["error"]["code"] == "session_not_found"
    assert sid not in {s["session_id"] for s in client.get("/api/sessions", headers=admin_headers).json()["sessions"]}


def test_listing_sessions_needs_the_admin_key(client, admin_headers):
    """Citizens' conversations are private: only an administrator may list them."""
    client.post("/api/chat", json={"message": "đăng ký kết hôn ở đâu"})
    assert client.get("/api/sessions").status_code == 401
    assert client.get("/api/sessions", headers={"X-API-Key": "sai"}).status_code == 403
    assert client.get("/api/sessions", headers=admin_headers).json()["sessions"]


def test_sessions_survive_a_restart(settings_for, shared_index):
    app = create_app(settings_for(), index=shared_index)
    with TestClient(app) as first:
        sid = first.post("/api/chat", json={"message": "xin chào"}).json()["session_id"]
    for restarted in (app, create_app(settings_for(), index=shared_index)):  # same app again, and a new one
        with TestClient(restarted) as client:
            messages = client.get(f"/api/sessions/{sid}/messages").json()["messages"]
            assert [m["role"] for m in messages] == ["user", "assistant"]
            assert client.post("/api/sessions").status_code == 201


def test_feedback_on_an_answer_is_stored(client):
    answer = client.post("/api/chat", json={"message": "lệ phí làm hộ chiếu"}).json()
    r = client.post("/api/feedback", json={"message_id": answer["message_id"], "rating": "down",
                                           "comment": "  Thiếu mức phí khi nộp trực tuyến  "})
    assert r.status_code == 201
    (stored,) = client.app.state.services.store.list_feedback()
    assert stored.feedback_id == r.json()["feedback_id"] and stored.rating == "down"
    assert stored.comment == "Thiếu mức phí khi nộp trực tuyến" and stored.message_id == answer["message_id"]


def test_bad_feedback(client):
    answer = client.post("/api/chat", json={"message": "xin chào"}).json()
    user_message = client.get(f"/api/sessions/{answer['session_id']}/messages").json()["messages"][0]
    for body, status, code in (
            ({"message_id": "khong-co", "rating": "up"}, 404, "message_not_found"),
            ({"message_id": user_message["message_id"], "rating": "up"}, 404, "message_not_found"),
            ({"message_id": answer["message_id"], "rating": "meh"}, 422, "invalid_request"),
            ({"message_id": answer["message_id"], "rating": "up", "comment": "x" * 2001}, 422, "invalid_request")):
        r = client.post("/api/feedback", json=body)
        assert r.status_code == status and r.json()["error"]["code"] == code, body
