"""BM25 over Vietnamese syllables and syllable pairs, accented and folded.

Measured on zalo-phapdien-dev (Pháp điển, article level, BM25 k1=1.2
b=0.75): pyvi words MRR@10 0.661, accented syllables + adjacent pairs
0.726, folded syllables + pairs 0.713. Pairs capture most compounds that
pyvi would join, need no model, and the folded view serves queries typed
without accents. So an index keeps two BM25 models over the same chunks:
``accent`` for queries with diacritics, ``folded`` for those without.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

from legal_corpus.models import Chunk, Level
from legal_corpus.normalize import fold, has_diacritics, normalize_text

VIEWS = ("accent", "folded")
_SYLLABLE = re.compile(r"\w+", re.UNICODE)
HEADING_WEIGHT = 3  # the article heading counts this many times (measured best of 2–4)


def lexical_tokens(text: str, view: str, *, normalized: bool = False) -> list[str]:
    """Syllables and adjacent pairs; one-letter syllables ("y tế", "ở") are kept.

    ``normalized``: the text is a stored chunk field, already through ``normalize_text``.
    """
    if not normalized:
        text = normalize_text(text)
    text = text.lower() if view == "accent" else fold(text)
    syllables = _SYLLABLE.findall(text)
    return syllables + [f"{a}_{b}" for a, b in zip(syllables, syllables[1:], strict=False)]


def chunk_tokens(chunk: Chunk, view: str) -> list[str]:
    """A chunk's document for BM25: its title weighted, then its context and text.

    An article's title is its heading; a section of a procedure or guide is
    known by the procedure's name ("Đăng ký khai sinh › Lệ phí").
    """
    if chunk.level == Level.SECTION.value:
        title, context = f"{chunk.context} {chunk.heading}", ""
    else:
        title, context = chunk.heading, chunk.context
    head = lexical_tokens(title, view)
    return head * HEADING_WEIGHT + lexical_tokens(context, view) + lexical_tokens(chunk.text, view)


def query_view(query: str) -> str:
    """The accented view only for a question really typed with accents.

    Accented Vietnamese has marks on most syllables (at least 57% of them in every
    Zalo dev question); a mostly bare query with a word or two accented ("lam CCCD
    được không") would lose its bare words in the accented view.
    """
    syllables = [s for s in _SYLLABLE.findall(query.lower()) if not s.isdigit()]
    if not syllables:
        return "folded"
    marked = sum(has_diacritics(s) for s in syllables)
    return "accent" if marked / len(syllables) >= 0.5 else "folded"


class TokenTable:
    """Token lists of all chunks as integer arrays: the input for (re)building BM25."""

    def __init__(self, vocab: dict[str, int] | None = None, docs: list[np.ndarray] | None = None):
        self.vocab = vocab or {}
        self.docs = docs or []

    def append(self, tokens: Sequence[str]) -> None:
        vocab = self.vocab
        self.docs.append(np.fromiter((vocab.setdefault(t, len(vocab)) for t in tokens), dtype=np.int32))

    def words(self) -> list[str]:
        return sorted(self.vocab, key=self.vocab.__getitem__)

    def merge(self, words: list[str], docs: list[np.ndarray]) -> None:
        """Append documents encoded with another table's vocabulary."""
        vocab = self.vocab
        translate = np.fromiter((vocab.setdefault(w, len(vocab)) for w in words), dtype=np.int32,
                                count=len(words))
        self.docs.extend(translate[d] for d in docs)

    def keep(self, rows: np.ndarray) -> None:
        self.docs = [self.docs[i] for i in rows]

    def save(self, path: Path) -> None:
        lengths = np.array([len(d) for d in self.docs], dtype=np.int64)
        flat = np.concatenate(self.docs) if self.docs else np.zeros(0, np.int32)
        np.savez(path, flat=flat, lengths=lengths, vocab=np.array(json.dumps(self.words(), ensure_ascii=False)))

    @classmethod
    def load(cls, path: Path) -> TokenTable:
        with np.load(path) as data:
            words = json.loads(str(data["vocab"]))
            flat, lengths = data["flat"], data["lengths"]
        docs = np.split(flat, np.cumsum(lengths)[:-1]) if len(lengths) else []
        return cls({w: i for i, w in enumerate(words)}, list(docs))


class LexicalIndex:
    """One BM25 model (bm25s) over a token table."""

    def __init__(self, model: bm25s.BM25, vocab: dict[str, int]):
        self.model = model
        self.vocab = vocab

    @classmethod
    def build(cls, table: TokenTable, k1: float = 1.2, b: float = 0.75) -> LexicalIndex:
        model = bm25s.BM25(k1=k1, b=b)
        ids = [d.tolist() for d in table.docs]
        model.index(bm25s.tokenization.Tokenized(ids=ids, vocab=dict(table.vocab)), show_progress=False)
        return cls(model, table.vocab)

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every chunk for the query tokens (zeros when none is known)."""
        ids = [self.vocab[t] for t in tokens if t in self.vocab]
        if not ids:
            return np.zeros(self.model.scores["num_docs"], dtype=np.float32)
        return self.model.get_scores(ids)

    def save(self, path: Path) -> None:
        self.model.save(str(path), show_progress=False)

    @classmethod
    def load(cls, path: Path, vocab: dict[str, int]) -> LexicalIndex:
        model = bm25s.BM25.load(str(path), mmap=False, show_progress=False, load_vocab=False)
        return cls(model, vocab)
