"""Prompt templates live as plain Vietnamese text in ``prompts/`` so reviewers can edit them without code."""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from retrieval.types import Hit

PROMPTS_DIR = Path(__file__).resolve().parents[1] / "prompts"


def available() -> list[str]:
    """Names of the templates on disk (file stems), sorted."""
    return sorted(p.stem for p in PROMPTS_DIR.glob("*.txt"))


@lru_cache(maxsize=32)
def load_prompt(name: str) -> str:
    """The template ``prompts/<name>.txt`` in NFC; an unknown name is a ValueError naming the known ones."""
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", name or ""):
        raise ValueError(f"bad prompt name {name!r}; available: {', '.join(available())}")
    path = PROMPTS_DIR / f"{name}.txt"
    if not path.is_file():
        raise ValueError(f"unknown prompt {name!r}; available: {', '.join(available())}")
    return unicodedata.normalize("NFC", path.read_text(encoding="utf-8")).strip() + "\n"


def placeholders(name: str) -> set[str]:
    """The ``{field}`` names a template expects."""
    return {f for _, f, _, _ in string.Formatter().parse(load_prompt(name)) if f}


def render(name: str, **values: object) -> str:
    """Fill a template; a missing placeholder is a KeyError that says which template and which field."""
    template = load_prompt(name)
    missing = placeholders(name) - values.keys()
    if missing:
        raise KeyError(f"prompt {name!r} needs {', '.join(sorted(missing))}; got {', '.join(sorted(values)) or 'none'}")
    return template.format_map({k: unicodedata.normalize("NFC", str(v)) for k, v in values.items()})


def _clip(text: str, max_chars: int) -> str:
    """Cut at a word boundary so a block never ends mid-word (quotes must match the source verbatim)."""
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    space = cut.rfind(" ")
    return (cut[:space] if space > max_chars // 2 else cut).rstrip() + " …"


def context_blocks(hits: Sequence[Hit], max_chars_per_block: int = 1500) -> str:
    """Numbered blocks "[n] <citation>\\n<text>" — the numbers the model must cite and the validator checks."""
    blocks = []
    for n, hit in enumerate(hits, start=1):
        text = unicodedata.normalize("NFC", hit.chunk.text.strip())
        label = hit.citation or hit.article_ref or hit.unit_id
        blocks.append(f"[{n}] {label}\n{_clip(text, max_chars_per_block)}")
    return "\n\n".join(blocks)
