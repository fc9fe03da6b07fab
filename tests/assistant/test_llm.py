"""LLM backends against real (local) endpoints: a scripted OpenAI-compatible server, a tiny local model."""

from __future__ import annotations

import importlib.util
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant.citations import validate
from assistant.llm import LLMError, make_chat_model
from assistant.llm.openai_compat import OpenAIChat
from assistant.settings import Settings
from legal_corpus.models import Chunk
from retrieval.types import Hit

KEY = "sk-test-secret"
GOOD = "Bạn nộp tờ khai khai sinh tại Ủy ban nhân dân cấp xã theo quy định tại Điều 16 [1]."
REPLIES = {
    "good": GOOD,
    "cite7": "Thời hạn giải quyết là 05 ngày làm việc [7].",
    "fakequote": 'Điều 16 quy định: "được cấp giấy khai sinh trong vòng ba mươi ngày" [1].',
}
STREAM_PIECES = ["Bạn nộp ", "tờ khai ", "tại UBND xã [1]."]


class Handler(BaseHTTPRequestHandler):
    """Scripted replies chosen by the last user message."""

    seen: list[dict] = []

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, ctype: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Handler.seen.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        mode = body["messages"][-1]["content"]
        if mode == "slow":
            time.sleep(2.0)
            return self._send(200, b"{}")
        if mode == "error500":
            return self._send(500, b'{"error": "boom"}')
        if mode == "badjson":
            return self._send(200, b"{not json")
        if mode == "nochoices":
            return self._send(200, b'{"object": "chat.completion"}')
        if body.get("stream"):
            events = [{"choices": [{"delta": {"role": "assistant"}}]}]
            events += [{"choices": [{"delta": {"content": p}}]} for p in STREAM_PIECES]
            data = "".join(f"data: {json.dumps(e, ensure_ascii=False)}\n\n" for e in events) + "data: [DONE]\n\n"
            return self._send(200, data.encode(), "text/event-stream")
        reply = {"choices": [{"index": 0, "message": {"role": "assistant", "content": REPLIES[mode]}}]}
        self._send(200, json.dumps(reply, ensure_ascii=False).encode())


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def chat(server: str) -> OpenAIChat:
    model = make_chat_model(Settings(llm_backend="openai", llm_base_url=server, llm_model="tiny", llm_api_key=KEY))
    assert isinstance(model, OpenAIChat)
    return model


@pytest.fixture
def hits() -> list[Hit]:
    text = "Người đi đăng ký khai sinh nộp tờ khai theo mẫu quy định và giấy chứng sinh cho cơ quan đăng ký hộ tịch."
    chunk = Chunk(id="c1", unit_id="ht/d16", article_ref="Điều 16", collection="demo", doc_id="ht",
                  heading="Điều 16.", text=text, citation="Điều 16 Luật Hộ tịch 2014")
    return [Hit(rank=1, score=1.0, chunk=chunk)]


def ask(mode: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": "Trả lời có dẫn nguồn."}, {"role": "user", "content": mode}]


def test_complete_good_answer_with_bearer_key(chat: OpenAIChat, hits: list[Hit]) -> None:
    Handler.seen.clear()
    text = chat.complete(ask("good"), timeout=5)
    assert text == GOOD
    request = Handler.seen[-1]
    assert request["path"] == "/v1/chat/completions" and request["auth"] == f"Bearer {KEY}"
    assert request["body"]["model"] == "tiny" and request["body"]["stream"] is False
    assert KEY not in repr(chat)
    v = validate(text, hits)
    assert v.ok and [c.block for c in v.citations] == [1]


def test_scripted_bad_replies_are_caught_by_the_validator(chat: OpenAIChat, hits: list[Hit]) -> None:
    v = validate(chat.complete(ask("cite7"), timeout=5), hits)
    assert v.problems == ["cites block [7] but only 1 were retrieved"]
    v = validate(chat.complete(ask("fakequote"), timeout=5), hits)
    assert not v.ok and v.problems[0].startswith("quote not found in [1]: được cấp giấy khai sinh")


def test_stream(chat: OpenAIChat) -> None:
    Handler.seen.clear()
    pieces = list(chat.stream(ask("good"), timeout=5))
    assert pieces == STREAM_PIECES
    assert Handler.seen[-1]["body"]["stream"] is True and Handler.seen[-1]["auth"] == f"Bearer {KEY}"


def test_timeout_is_fast_and_one_line(chat: OpenAIChat) -> None:
    start = time.perf_counter()
    with pytest.raises(LLMError, match="timeout") as err:
        chat.complete(ask("slow"), timeout=0.5)
    assert time.perf_counter() - start < 1.8 and "\n" not in str(err.value)
    with pytest.raises(LLMError, match="timeout"):
        list(chat.stream(ask("slow"), timeout=0.5))


@pytest.mark.parametrize("mode, pattern", [("error500", "HTTP 500"), ("badjson", "bad payload"),
                                           ("nochoices", "bad payload")])
def test_server_errors(chat: OpenAIChat, mode: str, pattern: str) -> None:
    with pytest.raises(LLMError, match=pattern) as err:
        chat.complete(ask(mode), timeout=5)
    assert KEY not in str(err.value) and "\n" not in str(err.value)
    if mode != "nochoices":
        with pytest.raises(LLMError, match=pattern):
            list(chat.stream(ask(mode), timeout=5))


def test_unreachable() -> None:
    chat = OpenAIChat("http://127.0.0.1:9/v1", "tiny")  # discard port: nothing listens
    with pytest.raises(LLMError, match="unreachable"):
        chat.complete(ask("good"), timeout=2)


def test_url_forms() -> None:
    for base in ("http://h:1", "http://h:1/", "http://h:1/v1", "http://h:1/v1/chat/completions"):
        assert OpenAIChat(base, "m").url == "http://h:1/v1/chat/completions"


def test_factory_choices() -> None:
    assert make_chat_model(Settings(llm_backend="extractive")) is None
    with pytest.raises(LLMError, match="LEGAL_LLM_BASE_URL"):
        make_chat_model(Settings(llm_backend="openai"))
    with pytest.raises(LLMError, match="unknown llm_backend"):
        make_chat_model(Settings(llm_backend="gpt-magic"))


@pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is not None, reason="llama_cpp is installed")
def test_llamacpp_missing_names_the_extra(tmp_path: Path) -> None:
    (tmp_path / "m.gguf").write_bytes(b"GGUF")
    for model in (str(tmp_path / "m.gguf"), None):
        with pytest.raises(LLMError, match=r"install the 'llamacpp' extra: pip install -e \.\[llamacpp\]"):
            make_chat_model(Settings(llm_backend="llamacpp", llm_model=model))


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1-layer GPT-2 and a word-level tokenizer trained on a few Vietnamese sentences: no download."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    out = tmp_path_factory.mktemp("tiny-gpt2")
    corpus = ["Người đi đăng ký khai sinh nộp tờ khai theo mẫu quy định.",
              "Lệ phí đăng ký khai sinh đúng hạn được miễn.", "system: user: assistant: Trả lời có dẫn nguồn [1]."]
    tok = Tokenizer(models.WordLevel(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.train_from_iterator(corpus, trainers.WordLevelTrainer(special_tokens=["<unk>", "<pad>", "</s>"]))
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", pad_token="<pad>", eos_token="</s>")
    fast.save_pretrained(out)
    config = GPT2Config(n_layer=1, n_head=2, n_embd=32, n_positions=256, vocab_size=tok.get_vocab_size(),
                        eos_token_id=fast.eos_token_id, bos_token_id=fast.eos_token_id,
                        pad_token_id=fast.pad_token_id)
    GPT2LMHeadModel(config).save_pretrained(out)
    return out


def test_transformers_tiny_local_model(tiny_model_dir: Path) -> None:
    from assistant.llm.transformers_local import TransformersChat

    model = make_chat_model(Settings(llm_backend="transformers", llm_model=str(tiny_model_dir)))
    assert isinstance(model, TransformersChat) and model.name == f"transformers:{tiny_model_dir.name}"
    model.max_new_tokens = 8
    messages = [{"role": "system", "content": "Trả lời có dẫn nguồn [1]."},
                {"role": "user", "content": "Lệ phí đăng ký khai sinh?"}]
    assert isinstance(model.complete(messages, timeout=30), str)
    pieces = list(model.stream(messages, timeout=30))
    assert len(pieces) >= 1 and all(isinstance(p, str) for p in pieces)


def test_transformers_missing_dir(tmp_path: Path) -> None:
    with pytest.raises(LLMError, match="not found"):
        make_chat_model(Settings(llm_backend="transformers", llm_model=str(tmp_path / "nope")))


def test_stream_from_a_server_that_ignores_stream_true(server: str) -> None:
    class NonStreaming(OpenAIChat):
        def _body(self, messages, stream):  # type: ignore[no-untyped-def]
            return super()._body(messages, False)

    assert list(NonStreaming(server, "tiny").stream(ask("good"), timeout=5)) == [GOOD]


def test_transformers_uses_the_chat_template_when_present(tiny_model_dir: Path) -> None:
    from assistant.llm.transformers_local import TransformersChat

    model = TransformersChat(tiny_model_dir, max_new_tokens=4)
    messages = [{"role": "user", "content": "Lệ phí?"}]
    assert model._prompt(messages) == "user: Lệ phí?\nassistant:"
    model.tokenizer.chat_template = "{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}<assistant>"
    assert model._prompt(messages) == "<user>Lệ phí?<assistant>"
    assert isinstance(model.complete(messages, timeout=30), str)
