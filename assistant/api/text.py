"""Text the API takes in and gives out: cleaned input and highlighted snippets."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from functools import lru_cache
from html import escape

from legal_corpus.normalize import fold
from retrieval.expansion import expand

from .errors import ApiError

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")
_WORD = re.compile(r"\w+")
_RECORD_ID = re.compile(r"[0-9a-f]{32}")
SNIPPET_CHARS = 320
# Syllables too common to be worth marking in a snippet (folded).
_STOP = frozenset(fold(w) for w in "là gì của và có được cho các những thì ở để không nào bao nhiêu như thế "
                                   "với về một này khi ai đâu sao nào tôi em bạn".split())


def strip_control(text: str) -> str:
    """NFC, invisible and control characters removed (PostgreSQL refuses NUL), trimmed; tabs and line
    breaks stay."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", text)).strip()


def is_record_id(value: str) -> bool:
    """An id the store could have made (32 hex digits): anything else is unknown without asking the store."""
    return _RECORD_ID.fullmatch(value) is not None


def clean_text(text: str, limit: int, code: str, vi_name: str, en_name: str) -> str:
    """:func:`strip_control`; empty or longer than ``limit`` is a 422 (codes ``empty_<code>`` and
    ``<code>_too_long``)."""
    text = strip_control(text)
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


@lru_cache(maxsize=256)
def _terms_pattern(terms: frozenset[str]) -> re.Pattern[str]:
    """Whole words equal to one of ``terms``: the regex engine skips the other words of a long text."""
    alternatives = "|".join(map(re.escape, sorted(terms, key=len, reverse=True)))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def _matches(text: str, terms: frozenset[str]) -> list[tuple[int, int]]:
    """Spans of query words in ``text``; one fold of the whole text when it keeps every offset."""
    if not terms:
        return []
    folded = fold(text)
    if len(folded) == len(text):
        return [m.span() for m in _terms_pattern(terms).finditer(folded)]
    return [m.span() for m in _WORD.finditer(text) if fold(m.group()) in terms]


def snippet_html(text: str, terms: frozenset[str], width: int = SNIPPET_CHARS) -> str:
    """The window of ``text`` with the most query words, HTML-escaped, each match in ``<mark>``."""
    text = " ".join(text.split())
    matches = _matches(text, terms)
    start = 0
    if matches and len(text) > width:
        starts = [a for a, _ in matches]
        ends = [b for _, b in matches]

        def covered(i: int) -> int:  # matches inside the window opened a quarter-width before match i
            lo = max(0, starts[i] - width // 4)
            return bisect_right(ends, lo + width) - bisect_left(starts, lo)

        best = starts[max(range(len(matches)), key=covered)]
        start = max(0, best - width // 4)
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < best else start
    end = min(len(text), start + width)
    if end < len(text) and (space := text.rfind(" ", start, end)) > start:
        end = space
    out, pos = [], start
    for a, b in matches:
        if a < start or b > end:
            continue
        out += [escape(text[pos:a]), "<mark>", escape(text[a:b]), "</mark>"]
        pos = b
    out.append(escape(text[pos:end]))
    return ("…" if start else "") + "".join(out) + ("…" if end < len(text) else "")
