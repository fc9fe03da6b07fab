"""``eval answers --composer openai`` against a scripted OpenAI-compatible server the test starts on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from eval.__main__ import main

# question (as in the dataset) → gold answer, and the scripted reply the "model" gives
SCRIPT = [
    ({"id": "tf-ok", "question": "Hợp đồng lữ hành phải được lập thành văn bản, đúng hay sai?", "answer": "Đúng"},
     "Nhận định trên là đúng: hợp đồng lữ hành phải được lập thành văn bản theo Điều 39 [1]."),
    ({"id": "tf-sai", "question": "Thời hạn tạm trú tối đa là 03 năm, đúng hay sai?", "answer": "Sai"},
     "Sai. Theo Điều 9 [1], thời hạn tạm trú tối đa là 02 năm."),
    ({"id": "mc-wrong", "question": "Thời hạn tạm trú tối đa là bao lâu?", "answer": "B",
      "choices": {"A": "01 năm", "B": "02 năm", "C": "03 năm", "D": "05 năm"}},
     "Đáp án: C [1]"),
    ({"id": "mc-ok", "question": "Nam từ đủ bao nhiêu tuổi thì được kết hôn?", "answer": "B",
      "choices": {"A": "18 tuổi", "B": "20 tuổi", "C": "21 tuổi", "D": "25 tuổi"}},
     "Chọn B vì Điều 8 [1] quy định nam từ đủ 20 tuổi trở lên."),
    ({"id": "tf-fake", "question": "Hợp đồng lữ hành không cần phải lập thành văn bản, đúng hay sai?",
      "answer": "Sai"},
     "Đúng, theo Điều 39 [7]."),  # block 7 was never retrieved: the validator rejects it
]


class Scripted(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        asked = body["messages"][-1]["content"].split("Câu hỏi:", 1)[1]
        reply = next(r for q, r in SCRIPT if asked.strip().startswith(q["question"]))
        data = json.dumps({"choices": [{"message": {"role": "assistant", "content": reply}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture()
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def test_llm_answers_are_parsed_and_scored(server: str, tiny_index: Path, tmp_path: Path) -> None:
    dataset = tmp_path / "exam.jsonl"
    dataset.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q, _ in SCRIPT), encoding="utf-8")
    out = tmp_path / "report"
    assert main(["answers", "--dataset", str(dataset), "--index", str(tiny_index), "--out", str(out),
                 "--composer", "openai", "--base-url", server, "--model", "scripted", "--no-progress"]) == 0
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    answers = results["datasets"]["exam"]["answers"]
    assert answers["composers"] == {"openai:scripted": 4, "extractive": 1}
    details = {d["id"]: d for d in map(json.loads, (out / "details.jsonl").read_text(encoding="utf-8").splitlines())}
    assert [details[i]["verdict"]["parsed"] for i in ("tf-ok", "tf-sai", "mc-wrong", "mc-ok")] == ["Đúng", "Sai", "C", "B"]
    fake = details["tf-fake"]
    assert fake["answer"].startswith("Nhận định: Sai")  # the extractive fallback, decided by the heuristic
    assert answers["true_false"] == {"questions": 3, "accuracy": 1.0, "parsed": 1.0, "majority_label": "Sai",
                                     "majority_baseline": pytest.approx(2 / 3)}
    assert answers["multiple_choice"]["accuracy"] == 0.5
    assert results["settings"]["composer"] == "openai" and results["settings"]["model"] == "scripted"
    assert "composer `openai`" in (out / "report.md").read_text(encoding="utf-8")
