"""The LLM backend down, slow or answering garbage: /api/chat answers extractively (with a note) within
the request timeout, never a 5xx; /readyz says "degraded" (HTTP 200) and recovers with the model.

The model is a scripted OpenAI-compatible server on loopback; its behaviour is switched per test.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

QUESTION = "lệ phí làm hộ chiếu là bao nhiêu"
GOOD = "Lệ phí cấp hộ chiếu được quy định tại văn bản trích dẫn [1]."


class ScriptedLLM(BaseHTTPRequestHandler):
    mode = "good"  # good | slow | error500 | garbage | nocontent
    calls = 0

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        type(self).calls += 1
        if self.mode == "slow":
            time.sleep(3.0)
        elif self.mode == "error500":
            return self._send(500, b'{"error": "model crashed"}')
        elif self.mode == "garbage":
            return self._send(200, b"<html>502 Bad Gateway</html>")
        elif self.mode == "nocontent":
            return self._send(200, b'{"choices": [{"message": {"content": null}}]}')
        reply = {"choices": [{"index": 0, "message": {"role": "assistant", "content": GOOD}}]}
        try:
            self._send(200, json.dumps(reply, ensure_ascii=False).encode())
        except OSError:
            pass  # a slow reply the client stopped waiting for


class LLMServer:
    """Start, stop and start again on the same port (the backend going down and coming back)."""

    def __init__(self) -> None:
        self.port = 0
        self.httpd: ThreadingHTTPServer | None = None

    def start(self) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), ScriptedLLM)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None


@pytest.fixture()
def llm() -> Iterator[LLMServer]:
    ScriptedLLM.mode, ScriptedLLM.calls = "good", 0
    server = LLMServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture()
def llm_client(make_client, llm):
    def make(**overrides):
        values = {"llm_backend": "openai", "llm_base_url": f"http://127.0.0.1:{llm.port}/v1",
                  "llm_model": "thu-nghiem", "llm_timeout_s": 0.5, "request_timeout_s": 10.0, **overrides}
        return make_client(**values)
    return make


def chat(client, **extra):
    r = client.post("/api/chat", json={"message": QUESTION, **extra})
    assert r.status_code == 200, r.text
    return r.json()["answer"]


def llm_note(answer: dict) -> str:
    return next((n for n in answer["notes"] if n.startswith("LLM unavailable")), "")


def fell_back(answer: dict, why: str) -> bool:
    """Composed extractively, grounded and cited, with the reason in a note."""
    return answer["composer"] == "extractive" and why in llm_note(answer) and answer["citations"] and (
        answer["grounded"])


def readiness(client) -> dict:
    r = client.get("/readyz")
    assert r.status_code == 200  # degraded still serves: the extractive answers are there
    return r.json()


@pytest.mark.parametrize(("mode", "why"), [("error500", "HTTP 500"), ("garbage", "bad payload"),
                                           ("nocontent", "bad payload"), ("slow", "timeout")])
def test_failing_model_falls_back_and_readyz_says_degraded(llm_client, mode, why):
    client = llm_client()
    ScriptedLLM.mode = mode
    assert fell_back(chat(client), why)
    ready = readiness(client)
    assert ready["status"] == "degraded" and ready["llm"]["ok"] is False and why in ready["llm"]["error"]
    assert ready["llm"]["backend"] == "openai:thu-nghiem"


def test_model_down_then_back(llm_client, llm):
    client = llm_client(llm_retry_after_s=0)
    assert readiness(client)["status"] == "ready"
    llm.stop()
    assert fell_back(chat(client), "unreachable")
    assert readiness(client)["llm"]["error"].startswith("LLM unreachable")
    stream = client.post("/api/chat", json={"message": QUESTION, "stream": True})
    assert stream.status_code == 200 and "event: done" in stream.text and "unreachable" in stream.text
    llm.start()  # the same port again
    answer = chat(client)
    assert llm_note(answer) == ""
    ready = readiness(client)
    assert ready["status"] == "ready" and ready["llm"]["ok"] is True and ready["llm"]["last_ok_at"]


def test_resting_model_is_not_asked_again_until_the_retry_time(llm_client):
    client = llm_client(llm_retry_after_s=3600)
    ScriptedLLM.mode = "error500"
    chat(client)
    asked = ScriptedLLM.calls
    ScriptedLLM.mode = "good"
    answer = chat(client)
    assert ScriptedLLM.calls == asked  # answered at once, extractively
    assert fell_back(answer, "skipped for") and "HTTP 500" in llm_note(answer)
    assert readiness(client)["llm"]["retry_in_s"] > 3000


def test_slow_model_never_outlasts_the_request_timeout(llm_client):
    # 30 s allowed per LLM call, 2 s per request: the call is cut to 0.8 s (two calls fit), so the
    # extractive answer arrives instead of a 504.
    client = llm_client(llm_timeout_s=30.0, request_timeout_s=2.0)
    ScriptedLLM.mode = "slow"
    assert fell_back(chat(client), "timeout after 0.8 s")


def test_unusable_configuration_is_degraded_from_the_start(make_client):
    client = make_client(llm_backend="openai", llm_base_url=None, llm_model=None)
    assert chat(client)["composer"] == "extractive"
    ready = readiness(client)
    assert ready["status"] == "degraded" and "LEGAL_LLM_BASE_URL" in ready["llm"]["error"]
