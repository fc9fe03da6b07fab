"""Articles into passages for retrieval.

One chunk per article by default, so a hit is an article people can cite.
Articles longer than ``max_chars`` are split at khoản boundaries (then
điểm, then lines, then sentences) and every part repeats the article
heading, so a part read alone still says where it comes from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from .models import Chunk, ParsedDocument, Unit

DEFAULT_MAX_CHARS = 1500
_SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+")


def _pieces(unit: Unit) -> list[str]:
    """The article's text as an ordered list of its smallest natural pieces."""
    if not unit.children:
        return unit.text.split("\n")
    intro_len = len(unit.text) - len("\n".join(c.text for c in unit.children))
    intro = unit.text[: max(intro_len - 1, 0)].strip()
    pieces = [intro] if intro else []
    for child in unit.children:
        pieces.append(child.text)
    return pieces


def _split_long(piece: str, unit: Unit | None, max_chars: int) -> list[str]:
    """Break one oversized piece: at điểm, then lines, then sentences, then hard cuts."""
    if len(piece) <= max_chars:
        return [piece]
    if unit is not None and unit.children:
        return _pack(_pieces(unit), max_chars, {c.text: c for c in unit.children})
    lines = piece.split("\n")
    if len(lines) > 1:
        return _pack(lines, max_chars, {})
    sentences = _SENTENCE_END.split(piece)
    if len(sentences) > 1:
        return _pack(sentences, max_chars, {}, sep=" ")
    return [piece[i:i + max_chars] for i in range(0, len(piece), max_chars)]


def _pack(pieces: list[str], max_chars: int, units: dict[str, Unit], sep: str = "\n") -> list[str]:
    """Greedily join consecutive pieces into parts of at most ``max_chars``."""
    parts: list[str] = []
    current = ""
    for piece in pieces:
        if not piece:
            continue
        for small in _split_long(piece, units.get(piece), max_chars):
            if current and len(current) + len(sep) + len(small) > max_chars:
                parts.append(current)
                current = small
            else:
                current = f"{current}{sep}{small}" if current else small
    if current:
        parts.append(current)
    return parts


def chunk_unit(unit: Unit, max_chars: int = DEFAULT_MAX_CHARS) -> list[Chunk]:
    """An article-level unit → one chunk, or several parts of a long article."""
    text = unit.text
    if len(text) <= max_chars:
        bodies = [text]
    else:
        kids = {c.text: c for c in unit.children}
        bodies = _pack(_pieces(unit), max_chars, kids)
    doc = unit.doc
    source_url = unit.get_meta("source_url") or doc.source_url or ""
    common = dict(
        unit_id=unit.id, article_ref=unit.article_ref or unit.id, collection=doc.collection,
        doc_id=doc.id, heading=unit.heading, citation=unit.citation, context=unit.context,
        level=unit.level.value, article_no=unit.path[-1][1] if unit.path else unit.number, doc_title=doc.title,
        doc_type=doc.doc_type or "", doc_number=doc.number or "", issuer=doc.issuer or "",
        effective=doc.effective.isoformat() if doc.effective else "", status=unit.status.value,
        source_url=source_url,
    )
    n = len(bodies)
    return [
        Chunk(id=unit.id if n == 1 else f"{unit.id}#p{i}", text=body, part=i, parts=n, **common)
        for i, body in enumerate(bodies, 1)
    ]


def chunk_documents(docs: Iterable[ParsedDocument], max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[Chunk]:
    """Every article, appendix and section of every document, as chunks."""
    for pdoc in docs:
        for unit in pdoc.articles():
            yield from chunk_unit(unit, max_chars)
