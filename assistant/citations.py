"""Check a composed answer against the blocks it was given, so no composer can ship unbacked law.

Every composer (extractive or LLM) runs its text through :func:`validate`: block numbers must exist,
quotes must be verbatim, and every sentence that states law must cite a block.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.answer import Citation
from retrieval.types import Hit

MIN_QUOTE_CHARS = 20
_REF = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
_QUOTE = re.compile(r"“(?P<a>[^”]*)”|„(?P<b>[^“”\"]*)[“”\"]|\"(?P<c>[^\"]*)\"")
_BOUNDARY = re.compile(r"[.!?](?=\s)|\n")
_ONLY_REFS = re.compile(r"^[\s\[\]\d,;.:]*$")
_ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.)\s*")
_LAW = re.compile(
    r"\bĐiều\s+\d+|\bkhoản\s+\d+|theo quy định|\bphạt\b|\blệ phí\b|\bphí\b|ngày làm việc"
    r"|\d[\d.,]*\s*(?:đồng|VNĐ|VND|USD|triệu|nghìn|ngàn)\b",
    re.IGNORECASE,
)
# "Tài liệu hiện có chưa nêu mức phạt" states a gap in the blocks, not law.
_NOT_COVERED = re.compile(r"(tài liệu|khối)[^.]{0,60}\b(không|chưa)\s+(nêu|đề cập|có thông tin|quy định)",
                          re.IGNORECASE)


@dataclass
class Validation:
    ok: bool
    citations: list[Citation] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _short(text: str, limit: int = 120) -> str:
    text = _norm(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _refs(text: str) -> list[int]:
    return [int(n) for m in _REF.finditer(text) for n in re.split(r"\s*[,;]\s*", m.group(1))]


def _sentences(text: str, quotes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentence spans, never split inside a quote; a trailing "[1]." joins the sentence before it."""
    cuts = [m.end() for m in _BOUNDARY.finditer(text) if not any(a <= m.start() < b for a, b in quotes)]
    spans: list[tuple[int, int]] = []
    start = 0
    for end in [*cuts, len(text)]:
        if end <= start:
            continue
        if spans and _ONLY_REFS.match(text[start:end]) and _REF.search(text[start:end]):
            spans[-1] = (spans[-1][0], end)
        elif text[start:end].strip():
            spans.append((start, end))
        start = end
    return spans


def _quote_in(quote: str, source: str) -> bool:
    """Verbatim after NFC and whitespace collapse; "…" inside a quote marks an omission (pieces in order)."""
    pos = 0
    for piece in _ELLIPSIS.split(quote):
        piece = piece.strip().rstrip(".,;:").strip()
        if not piece:
            continue
        found = source.find(piece, pos)
        if found < 0:
            return False
        pos = found + len(piece)
    return True


def _verbatim_part(quote: str, source: str) -> str:
    """What a Citation may carry as ``quote``: the whole quote if verbatim, else its longest verbatim piece."""
    whole = _ELLIPSIS.sub(" ", quote).strip().rstrip(".,;:")
    if whole in source:
        return whole
    pieces = [p.strip().rstrip(".,;:").strip() for p in _ELLIPSIS.split(quote)]
    return max((p for p in pieces if p and p in source), key=len, default="")


def validate(text: str, hits: Sequence[Hit]) -> Validation:
    """Problems found in ``text`` and the citations it makes to ``hits`` (block n is ``hits[n-1]``)."""
    text = unicodedata.normalize("NFC", text)
    problems: list[str] = []
    order: list[int] = []
    for n in _refs(text):
        if not 1 <= n <= len(hits):
            msg = f"cites block [{n}] but only {len(hits)} were retrieved"
            if msg not in problems:
                problems.append(msg)
        elif n not in order:
            order.append(n)
    sources = {n: _norm(hits[n - 1].chunk.text) for n in order}

    quote_matches = list(_QUOTE.finditer(text))
    spans = _sentences(text, [(m.start(), m.end()) for m in quote_matches])

    def sentence_of(pos: int) -> str:
        return next((text[a:b] for a, b in spans if a <= pos < b), text)

    verified: dict[int, str] = {}
    for m in quote_matches:
        quote = _norm(m.group("a") or m.group("b") or m.group("c") or "")
        if len(quote) < MIN_QUOTE_CHARS:
            continue
        cited = [n for n in _refs(sentence_of(m.start())) if n in sources] or order
        if not cited:
            problems.append(f"uncited quote: {_short(quote)}")
            continue
        where = next((n for n in cited if _quote_in(quote, sources[n])), None)
        if where is None:
            problems.append(f"quote not found in {', '.join(f'[{n}]' for n in cited)}: {_short(quote)}")
        else:
            verified.setdefault(where, _verbatim_part(quote, sources[where]))

    law_present = False
    for a, b in spans:
        sentence = text[a:b]
        if not _LAW.search(sentence) or _NOT_COVERED.search(sentence):
            continue
        law_present = True
        if not _REF.search(sentence):
            problems.append(f"uncited statement of law: {_short(sentence)}")

    citations = [
        Citation(unit_id=hits[n - 1].unit_id, article_ref=hits[n - 1].article_ref, label=hits[n - 1].citation,
                 quote=verified.get(n, ""), source_url=hits[n - 1].chunk.source_url, block=n)
        for n in order
    ]
    ok = not problems and (bool(citations) or not law_present)
    return Validation(ok=ok, citations=citations, problems=problems)
