"""POST /api/chat: JSON answers, sessions, history, limits and the server-sent event stream."""

from __future__ import annotations

import pytest

from assistant.answer import Answer, Citation


def ask(client, message, **body):
    return client.post("/api/chat", json={"message": message, **body})


def test_answer_is_stored_in_a_new_session(client):
    r = ask(client, "lam cccd lan dau can giay to gi")
    assert r.status_code == 200
    body = r.json()
    answer = body["answer"]
    assert answer["card"]["code"] == "DEMO-CC-01" and answer["citations"] and answer["grounded"]
    assert answer["procedure_codes"] == ["DEMO-CC-01"] and "total" in answer["timings_ms"]
    messages = client.get(f"/api/sessions/{body['session_id']}/messages").json()["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert messages[1]["message_id"] == body["message_id"] and messages[1]["answer"]["text"] == answer["text"]


def test_follow_up_is_answered_in_the_context_of_the_session(client):
    first = ask(client, "lệ phí đăng ký kết hôn là bao nhiêu?").json()
    second = ask(client, "cần mang giấy tờ gì?", session_id=first["session_id"], persona="official").json()
    assert second["session_id"] == first["session_id"] and second["answer"]["persona"] == "official"
    assert "kết hôn" in second["answer"]["standalone_question"]
    assert second["answer"]["card"]["code"] == first["answer"]["card"]["code"] == "DEMO-HT-02"
    assert len(client.get(f"/api/sessions/{first['session_id']}/messages").json()["messages"]) == 4


class RecordingAssistant:
    """Stands in for the pipeline to see what the API hands it."""

    def __init__(self):
        self.calls = []

    def ask(self, question, persona="citizen", history=()):
        self.calls.append((question, persona, list(history)))
        return Answer(question=question, text=f"Trả lời: {question}", intent="legal", persona=persona,
                      citations=[Citation("u1", "a1", "Điều 1 Luật Thử")], standalone_question=question)


def test_session_history_reaches_the_pipeline_as_turns(client):
    stub = RecordingAssistant()
    services = client.app.state.services
    services.live = (services.index, stub)
    sid = ask(client, "đăng ký khai sinh ở đâu").json()["session_id"]
    ask(client, "mất bao lâu", session_id=sid)
    assert stub.calls[0][2] == []
    (turn,) = stub.calls[1][2]
    assert turn.question == "đăng ký khai sinh ở đâu" and turn.topic == "Điều 1 Luật Thử"


def test_unknown_session_is_404(client):
    r = ask(client, "xin chào", session_id="khong-co")
    assert r.status_code == 404 and r.json()["error"]["code"] == "session_not_found"


def test_message_limits(client, make_client):
    for text, code in (("", "empty_message"), ("  \n\t ", "empty_message"), ("\u200b\x00", "empty_message"),
                       ("a" * 2001, "message_too_long")):
        r = ask(client, text)
        assert r.status_code == 422 and r.json()["error"]["code"] == code, text[:10]
    assert ask(client, "  " + "a" * 2000 + "  ").status_code == 200  # trimmed length counts
    assert ask(make_client(max_message_chars=10), "a" * 11).json()["error"]["code"] == "message_too_long"


def test_bad_persona_and_bad_body(client):
    r = ask(client, "xin chào", persona="admin")
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_persona"
    r = client.post("/api/chat", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"
    r = client.post("/api/chat", json={"persona": "citizen"})
    assert r.status_code == 422 and "message" in r.json()["error"]["message_en"]


@pytest.fixture()
def stream(parse_sse):
    def post(client, **kwargs):
        r = client.post("/api/chat", **kwargs)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        return parse_sse(r.text)
    return post


def test_stream_events_in_order_and_tokens_make_the_answer(client, stream):
    events = stream(client, json={"message": "lam ho chieu mat bao lau", "stream": True})
    names = [e for e, _ in events]
    assert names[0] == "meta" and names[-1] == "done"
    body = names[1:-1]
    assert body == sorted(body, key=["token", "citation", "card"].index) and "card" in body
    meta, done = events[0][1], events[-1][1]
    answer = done["answer"]
    assert "".join(d["text"] for e, d in events if e == "token") == answer["text"]
    assert [d for e, d in events if e == "citation"] == answer["citations"]
    assert [d for e, d in events if e == "card"] == [answer["card"]]
    assert done["message_id"] == meta["message_id"] and done["session_id"] == meta["session_id"]
    stored = client.get(f"/api/sessions/{meta['session_id']}/messages").json()["messages"]
    assert stored[-1]["message_id"] == meta["message_id"] and stored[-1]["answer"] == answer


def test_accept_header_asks_for_a_stream(client, stream):
    events = stream(client, json={"message": "xin chào"}, headers={"Accept": "text/event-stream"})
    assert events[0][0] == "meta" and events[-1][0] == "done"


def test_stream_reports_a_failure_as_an_error_event(make_client, stream):
    client = make_client()

    class Broken:
        def ask(self, question, persona="citizen", history=()):
            raise RuntimeError("boom")

    services = client.app.state.services
    services.live = (services.index, Broken())
    events = stream(client, json={"message": "xin chào", "stream": True})
    assert [e for e, _ in events] == ["meta", "error"]
    assert events[1][1]["error"]["code"] == "internal_error" and "boom" not in str(events[1][1])
