"""Text the API takes in and gives out: cleaned input and highlighted snippets."""

from __future__ import annotations

import re
import unicodedata
from html import escape

from legal_corpus.normalize import fold
from retrieval.expansion import expand

from .errors import ApiError

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")
_WORD = re.compile(r"\w+")
SNIPPET_CHARS = 320
# Syllables too common to be worth marking in a snippet (folded).
_STOP = frozenset(fold(w) for w in "là gì của và có được cho các những thì ở để không nào bao nhiêu như thế "
                                   "với về một này khi ai đâu sao nào tôi em bạn".split())


def clean_text(text: str, limit: int, code: str, vi_name: str, en_name: str) -> str:
    """NFC, invisible and control characters removed, trimmed; empty or longer than ``limit`` is a 422
    (codes ``empty_<code>`` and ``<code>_too_long``)."""
    text = _CONTROL.sub("", unicodedata.normalize("NFC", text)).strip()
    if not text:
        raise ApiError(f"empty_{code}", f"{vi_name} đang trống.", f"The {en_name} is empty.", status=422)
    if len(text) > limit:
        raise ApiError(f"{code}_too_long", f"{vi_name} dài quá {limit:,} ký tự.",
                       f"The {en_name} is longer than {limit:,} characters.", status=422)
    return text


def query_terms(query: str) -> frozenset[str]:
    """Folded words of the query and of its everyday-word expansions ("CCCD" → "căn cước")."""
    return frozenset(w for w in (fold(m.group()) for m in _WORD.finditer(expand(query)))
                     if len(w) > 1 and w not in _STOP)


def snippet_html(text: str, terms: frozenset[str], width: int = SNIPPET_CHARS) -> str:
    """The window of ``text`` with the most query words, HTML-escaped, each match in ``<mark>``."""
    text = " ".join(text.split())
    matches = [m for m in _WORD.finditer(text) if fold(m.group()) in terms]
    start = 0
    if matches and len(text) > width:
        def covered(anchor: int) -> int:
            lo = max(0, anchor - width // 4)
            return sum(1 for m in matches if lo <= m.start() and m.end() <= lo + width)

        best = max((m.start() for m in matches), key=covered)
        start = max(0, best - width // 4)
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < best else start
    end = min(len(text), start + width)
    if end < len(text) and (space := text.rfind(" ", start, end)) > start:
        end = space
    out, pos = [], start
    for m in matches:
        if m.start() < start or m.end() > end:
            continue
        out += [escape(text[pos:m.start()]), "<mark>", escape(m.group()), "</mark>"]
        pos = m.end()
    out.append(escape(text[pos:end]))
    return ("…" if start else "") + "".join(out) + ("…" if end < len(text) else "")
