"""The OpenAI-compatible chat completions endpoint, whole and streamed."""

from __future__ import annotations

import json


def test_completion_with_citations(client):
    r = client.post("/v1/chat/completions", json={
        "model": "vnlegal", "temperature": 0.2,
        "messages": [{"role": "system", "content": "bạn là trợ lý"},
                     {"role": "user", "content": [{"type": "text", "text": "lam ho chieu mat bao lau"}]}]})
    body = r.json()
    assert r.status_code == 200 and body["object"] == "chat.completion" and body["id"].startswith("chatcmpl-")
    choice = body["choices"][0]
    assert choice["message"]["role"] == "assistant" and choice["finish_reason"] == "stop"
    assert body["citations"] and body["procedure_card"]["code"] == "DEMO-XNC-01"
    assert body["citations"][0]["label"] in choice["message"]["content"].split("Nguồn:")[1]
    assert body["usage"]["total_tokens"] == body["usage"]["prompt_tokens"] + body["usage"]["completion_tokens"]


def test_streamed_completion_ends_with_citations_and_done(client):
    r = client.post("/v1/chat/completions", json={
        "model": "vnlegal-official", "stream": True,
        "messages": [{"role": "user", "content": "đăng ký kết hôn"}, {"role": "assistant", "content": "…"},
                     {"role": "user", "content": "lệ phí bao nhiêu?"}]})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    data = [line[6:] for line in r.text.splitlines() if line.startswith("data: ")]
    assert data[-1] == "[DONE]"
    chunks = [json.loads(d) for d in data[:-1]]
    assert all(c["object"] == "chat.completion.chunk" and c["model"] == "vnlegal-official" for c in chunks)
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    last = chunks[-1]
    assert last["choices"][0]["finish_reason"] == "stop" and last["citations"]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert "Nguồn:" in text and last["citations"][0]["label"] in text


def test_bad_completion_requests(client):
    for body, code in (({"messages": []}, "invalid_request"),
                       ({"messages": [{"role": "system", "content": "x"}]}, "no_user_message"),
                       ({"messages": [{"role": "user", "content": "  "}]}, "empty_message"),
                       ({"messages": [{"role": "robot", "content": "x"}]}, "invalid_request")):
        r = client.post("/v1/chat/completions", json=body)
        assert r.status_code == 422 and r.json()["error"]["code"] == code, body


def test_models_are_listed(client):
    assert {m["id"] for m in client.get("/v1/models").json()["data"]} == {"vnlegal", "vnlegal-official"}
