"""The reranker's ``idf_q_in_text`` feature for all candidates at once, from the stored token ids.

Tokenising each candidate's text at query time was a quarter of a search's CPU on a large
index (50 texts of a few KB per question). The token table already holds every chunk's BM25
document as integer ids: the title tokens (three times), the context tokens, then exactly
``lexical_tokens(text)``. So the text's tokens are the tail of that array, and whether a query
token occurs in it is an integer lookup. The value equals ``features``' own computation (a test
compares them on every chunk of a fixture index).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from legal_corpus.models import Chunk, Level

from .lexical import HEADING_WEIGHT, TokenTable, lexical_tokens
from .rerank import QuerySide


@lru_cache(maxsize=32768)
def _count(text: str, view: str) -> int:
    return len(lexical_tokens(text, view, normalized=True))


def _text_start(chunk: Chunk, view: str) -> int:
    """Where the text's tokens begin in the chunk's document (see ``lexical.chunk_tokens``)."""
    if chunk.level == Level.SECTION.value:
        return HEADING_WEIGHT * _count(f"{chunk.context} {chunk.heading}", view)
    return HEADING_WEIGHT * _count(chunk.heading, view) + _count(chunk.context, view)


def text_cover(qs: QuerySide, view: str, table: TokenTable, chunks: Sequence[Chunk],
               rows: Sequence[int]) -> np.ndarray:
    """IDF-weighted share of the query's tokens that occur in each row's text."""
    known = [(table.vocab[t], qs.weight[t]) for t in qs.tokens if t in table.vocab]
    if not rows or not known or not qs.total:
        return np.zeros(len(rows))
    known.sort()
    ids = np.array([i for i, _ in known], dtype=np.int64)
    weights = np.array([w for _, w in known])
    tails = [table.docs[r][_text_start(chunks[r], view):] for r in rows]
    flat = np.concatenate(tails)
    owner = np.repeat(np.arange(len(rows)), [len(t) for t in tails])
    pos = np.minimum(np.searchsorted(ids, flat), len(ids) - 1)
    hit = ids[pos] == flat
    present = np.zeros((len(rows), len(ids)), dtype=bool)
    present[owner[hit], pos[hit]] = True
    return present @ weights / qs.total
