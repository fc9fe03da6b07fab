"""Compose with an LLM, and keep its answer only if every citation checks out.

The model sees numbered context blocks and must cite them as [n]; the
validator checks block numbers, verbatim quotes and uncited statements of
law. Any failure — the model down, slow, or unbacked — returns the reason,
and the pipeline shows the extractive answer with that note instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.types import Hit

from .answer import Citation
from .citations import validate
from .llm.base import ChatModel, LLMError
from .prompts import context_blocks, load_prompt, render


def messages_for(question: str, hits: Sequence[Hit], persona: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": load_prompt(f"system_{persona}")},
            {"role": "user", "content": render("answer_user", question=question, context=context_blocks(hits))}]


def compose(model: ChatModel, question: str, hits: Sequence[Hit], persona: str,
            timeout: float) -> tuple[str, list[Citation], str]:
    """(text, citations, "") for a validated answer, or ("", [], why it was rejected)."""
    try:
        text = model.complete(messages_for(question, hits, persona), timeout=timeout)
    except LLMError as exc:
        return "", [], f"LLM unavailable ({exc}); extractive answer shown"
    check = validate(text, hits)
    if not check.ok:
        return "", [], "LLM answer not shown (" + "; ".join(check.problems[:2]) + "); extractive answer shown"
    return text.strip(), check.citations, ""
