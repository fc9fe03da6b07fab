"""A local Hugging Face causal LM (a directory on disk, never the hub) for fully offline generation.

Greedy decoding keeps answers reproducible; the timeout is enforced with ``max_time`` so a slow CPU
cannot hang a request.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.llm.base import LLMError, Message


class TransformersChat:
    """Load once, generate greedily; chat template when the tokenizer has one, else "role: content" lines."""

    def __init__(self, model_dir: str | Path, *, max_new_tokens: int = 512, device: str | None = None) -> None:
        path = Path(model_dir).expanduser()
        if not path.is_dir():
            raise LLMError(f"transformers model directory not found: {path}")
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError as exc:  # pragma: no cover - transformers is a core dependency
            raise LLMError(f"transformers backend unavailable: {exc}") from None
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
            self.model = AutoModelForCausalLM.from_pretrained(str(path), local_files_only=True)
        except (OSError, ValueError) as exc:
            raise LLMError(f"cannot load model from {path}: {str(exc).splitlines()[0]}") from None
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.model.to(self.device).eval()
        self.max_new_tokens = max_new_tokens
        self.name = f"transformers:{path.name}"
        self._torch = torch

    def _prompt(self, messages: list[Message]) -> str:
        if getattr(self.tokenizer, "chat_template", None):
            return self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        lines = [f"{m['role']}: {m['content']}" for m in messages]
        return "\n".join(lines) + "\nassistant:"

    def _inputs(self, messages: list[Message]) -> dict[str, Any]:
        enc = self.tokenizer(self._prompt(messages), return_tensors="pt")
        return {k: v.to(self.device) for k, v in enc.items() if k in ("input_ids", "attention_mask")}

    def _gen_kwargs(self, timeout: float) -> dict[str, Any]:
        eos = self.tokenizer.eos_token_id
        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else eos
        return {"max_new_tokens": self.max_new_tokens, "do_sample": False, "max_time": float(timeout),
                "pad_token_id": pad, "eos_token_id": eos}

    def complete(self, messages: list[Message], *, timeout: float) -> str:
        inputs = self._inputs(messages)
        try:
            with self._torch.inference_mode():
                out = self.model.generate(**inputs, **self._gen_kwargs(timeout))
        except RuntimeError as exc:
            raise LLMError(f"generation failed: {str(exc).splitlines()[0]}") from None
        new = out[0, inputs["input_ids"].shape[1]:]
        return self.tokenizer.decode(new, skip_special_tokens=True).strip()

    def stream(self, messages: list[Message], *, timeout: float) -> Iterator[str]:
        """Generate in a worker thread and yield decoded text as the streamer releases it."""
        from transformers import TextIteratorStreamer

        inputs = self._inputs(messages)
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True,
                                        timeout=timeout + 5)
        errors: list[BaseException] = []

        def work() -> None:
            try:
                with self._torch.inference_mode():
                    self.model.generate(**inputs, **self._gen_kwargs(timeout), streamer=streamer)
            except BaseException as exc:  # surfaced to the caller below
                errors.append(exc)
                streamer.end()

        thread = threading.Thread(target=work, daemon=True)
        thread.start()
        try:
            for piece in streamer:
                if piece:
                    yield piece
        except Exception as exc:  # queue.Empty when the worker stalls past the timeout
            raise LLMError(f"generation timed out after {timeout:g} s") from exc
        finally:
            thread.join(timeout=1.0)
        if errors:
            raise LLMError(f"generation failed: {str(errors[0]).splitlines()[0]}")
