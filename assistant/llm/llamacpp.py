"""A GGUF model through llama-cpp-python: small quantised models on a CPU-only box (optional extra)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.llm.base import LLMError, Message

EXTRA_HINT = "install the 'llamacpp' extra: pip install -e .[llamacpp]"


def _import_llama() -> Any:
    try:
        import llama_cpp
    except ImportError:
        raise LLMError(EXTRA_HINT) from None
    return llama_cpp


class LlamaCppChat:
    """``Llama.create_chat_completion`` with temperature 0; llama.cpp applies the GGUF's own chat template."""

    def __init__(self, model_path: str | Path, *, n_ctx: int = 8192, max_tokens: int = 1024,
                 n_threads: int | None = None) -> None:
        llama_cpp = _import_llama()  # the package check comes first so its hint is what users see
        path = Path(model_path).expanduser() if str(model_path) else None
        if path is None or not path.is_file():
            raise LLMError(f"llamacpp needs LEGAL_LLM_MODEL to be a .gguf file; got {str(model_path)!r}")
        try:
            self.llm = llama_cpp.Llama(model_path=str(path), n_ctx=n_ctx, n_threads=n_threads, verbose=False)
        except (ValueError, RuntimeError) as exc:
            raise LLMError(f"cannot load {path.name}: {str(exc).splitlines()[0]}") from None
        self.max_tokens = max_tokens
        self.name = f"llamacpp:{path.name}"

    def complete(self, messages: list[Message], *, timeout: float) -> str:
        """llama.cpp runs in-process and has no wall-clock limit; ``timeout`` is accepted for the protocol."""
        try:
            out = self.llm.create_chat_completion(messages=messages, temperature=0.0,
                                                  max_tokens=self.max_tokens)
            return str(out["choices"][0]["message"]["content"] or "").strip()
        except (KeyError, IndexError, TypeError) as exc:
            raise LLMError(f"llamacpp bad payload: {exc}") from None
        except (ValueError, RuntimeError) as exc:
            raise LLMError(f"llamacpp generation failed: {str(exc).splitlines()[0]}") from None

    def stream(self, messages: list[Message], *, timeout: float) -> Iterator[str]:
        try:
            for chunk in self.llm.create_chat_completion(messages=messages, temperature=0.0,
                                                         max_tokens=self.max_tokens, stream=True):
                piece = (chunk["choices"][0].get("delta") or {}).get("content")
                if piece:
                    yield piece
        except (KeyError, IndexError, TypeError) as exc:
            raise LLMError(f"llamacpp bad payload: {exc}") from None
        except (ValueError, RuntimeError) as exc:
            raise LLMError(f"llamacpp generation failed: {str(exc).splitlines()[0]}") from None
