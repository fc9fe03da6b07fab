"""Any OpenAI-compatible ``/v1/chat/completions`` server (vLLM, llama.cpp server, Ollama, hosted APIs).

Plain httpx instead of the openai SDK: one fewer dependency, and every failure becomes a one-line
LLMError the composer can log and fall back from. The API key travels only in the Authorization header.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx

from assistant.llm.base import LLMError, Message


class OpenAIChat:
    """Greedy (temperature 0) chat completions; deterministic answers are easier to validate and cache."""

    def __init__(self, base_url: str, model: str, *, api_key: str | None = None, max_tokens: int = 1024,
                 temperature: float = 0.0) -> None:
        base = base_url.rstrip("/")
        self.url = base if base.endswith("/chat/completions") else (
            f"{base}/chat/completions" if base.endswith("/v1") else f"{base}/v1/chat/completions")
        self.model = model
        self.name = f"openai:{model}"
        self.max_tokens = max_tokens
        self.temperature = temperature
        self._headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if api_key:
            self._headers["Authorization"] = f"Bearer {api_key}"

    def __repr__(self) -> str:  # never show the key
        return f"OpenAIChat(url={self.url!r}, model={self.model!r})"

    def _body(self, messages: list[Message], stream: bool) -> dict[str, Any]:
        return {"model": self.model, "messages": messages, "temperature": self.temperature,
                "max_tokens": self.max_tokens, "stream": stream}

    def _error(self, exc: Exception, timeout: float) -> LLMError:
        if isinstance(exc, httpx.TimeoutException):
            return LLMError(f"LLM timeout after {timeout:g} s at {self.url}")
        if isinstance(exc, httpx.HTTPStatusError):
            return LLMError(f"LLM HTTP {exc.response.status_code} from {self.url}")
        if isinstance(exc, httpx.TransportError):
            return LLMError(f"LLM unreachable at {self.url}: {type(exc).__name__}")
        return LLMError(f"LLM bad payload from {self.url}: {exc}".splitlines()[0][:300])

    def complete(self, messages: list[Message], *, timeout: float) -> str:
        try:
            resp = httpx.post(self.url, json=self._body(messages, False), headers=self._headers,
                              timeout=timeout)
            resp.raise_for_status()
            return _content(resp.json()["choices"][0]["message"])
        except LLMError:
            raise
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
            raise self._error(exc, timeout) from None

    def stream(self, messages: list[Message], *, timeout: float) -> Iterator[str]:
        """Yield content deltas from the SSE lines ``data: {...}`` until ``data: [DONE]``."""
        try:
            with httpx.stream("POST", self.url, json=self._body(messages, True),
                              headers={**self._headers, "Accept": "text/event-stream"}, timeout=timeout) as resp:
                resp.raise_for_status()
                other: list[str] = []  # blank separators, comments, "event:" lines — or a plain JSON body
                saw_data = False
                for line in resp.iter_lines():
                    if not line.startswith("data:"):
                        other.append(line)
                        continue
                    saw_data = True
                    data = line[5:].strip()
                    if data == "[DONE]":
                        return
                    choices = json.loads(data).get("choices") or [{}]
                    piece = _content(choices[0].get("delta") or {}, allow_missing=True)
                    if piece:
                        yield piece
                if not saw_data:  # a server that ignored stream=true answers with one JSON completion
                    yield _content(json.loads("\n".join(other))["choices"][0]["message"])
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            raise self._error(exc, timeout) from None


def _content(message: dict[str, Any], *, allow_missing: bool = False) -> str:
    """The text of a message or delta; anything but a string is a bad payload."""
    content = message.get("content")
    if content is None and allow_missing:
        return ""
    if not isinstance(content, str):
        raise LLMError(f"LLM bad payload: message content is {type(content).__name__}, not text")
    return content
