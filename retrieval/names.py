"""Procedure names matched against a short citizen question.

"lam ho chieu" or "lam cccd lan dau can giay to gi" names a procedure in two or three
words, but BM25 over whole portal texts lets the generic words long texts repeat
("lần đầu", "giấy tờ", folded "can" = cần/căn) outweigh the word that matters, and an
abbreviation only matches through its expansion, at a reduced weight. Matched against
the procedure names alone, with the expansions counted like typed words and the ask
words ("cần giấy tờ gì", "ở đâu") counting little, the name that shares the question's
rare words wins. Measured on the procedure sets (benchmarks/answer_quality.py), this is
better than the reranked search for questions of at most ``SHORT_WORDS`` content words
and worse for longer ones, so only short questions use it.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from legal_corpus.models import Chunk
from legal_corpus.normalize import fold

from .expansion import expansions
from .rerank import procedure_name
from .types import Hit

SHORT_WORDS = 8  # content words (ask phrases left out) of a question the names answer better
NAME_MIN = 0.1  # a weaker best match is no evidence the question names that procedure
ASK_WEIGHT = 0.1  # share of its IDF a word keeps inside an ask phrase
# How citizens ask about any procedure; no procedure is named by these ("mất" in "mất bao lâu" is not "bị mất").
ASK_PHRASES = ("cần những giấy tờ gì", "cần giấy tờ gì", "giấy tờ gì", "cần gì", "cần những gì", "ở đâu",
               "bao nhiêu tiền", "bao nhiêu", "mất bao lâu", "bao lâu", "mấy ngày", "như thế nào", "thế nào",
               "làm sao", "được không", "không", "cho tôi hỏi", "tôi", "muốn", "thì", "làm", "xin", "thủ tục")
_ASK = re.compile("|".join(rf"(?<!\w){re.escape(fold(p))}(?!\w)" for p in ASK_PHRASES))
_SYLLABLE = re.compile(r"\w+")


def content_words(question: str) -> int:
    """Syllables of the question outside its ask phrases."""
    return len(_SYLLABLE.findall(_ASK.sub(" ", fold(question))))


def question_tokens(question: str) -> dict[str, float]:
    """Folded syllables and pairs of the question and of its expansions → weight factor: 1, or
    ``ASK_WEIGHT`` inside an ask phrase (a pair takes its lighter syllable's). An expansion counts
    like a typed word: "cccd" is in no portal name, "căn cước" is."""
    out: dict[str, float] = {}
    for i, text in enumerate([question, *expansions(question)]):
        folded = fold(text)
        asked = [m.span() for m in _ASK.finditer(folded)] if i == 0 else []
        words = [(m.group(), ASK_WEIGHT if any(a <= m.start() < b for a, b in asked) else 1.0)
                 for m in _SYLLABLE.finditer(folded)]
        pairs = [(f"{a}_{b}", min(wa, wb)) for (a, wa), (b, wb) in zip(words, words[1:], strict=False)]
        for token, weight in words + pairs:
            out[token] = max(out.get(token, 0.0), weight)
    return out


class NameIndex:
    """The procedure (and guide) names of an index's sections: an inverted list over their folded
    syllables and pairs, with IDF among the names."""

    def __init__(self, chunks: Sequence[Chunk], article_of: Sequence[str]):
        tokens: dict[str, frozenset[str]] = {}
        self.rows: dict[str, list[int]] = defaultdict(list)  # procedure → its chunk rows, in index order
        for row, chunk in enumerate(chunks):
            ref = article_of[row]
            if ref not in tokens and (name := procedure_name(chunk)) is not None:
                tokens[ref] = name.folded
            if ref in tokens:
                self.rows[ref].append(row)
        df = Counter(t for toks in tokens.values() for t in toks)
        self.idf = {t: math.log1p(len(tokens) / d) for t, d in df.items()}
        self.postings: dict[str, list[str]] = defaultdict(list)
        for ref, toks in tokens.items():
            for t in toks:
                self.postings[t].append(ref)
        self.weight = {ref: sum(self.idf[t] for t in toks) for ref, toks in tokens.items()}

    def scores(self, question: str) -> dict[str, float]:
        """Procedures whose name shares a word with the question → match in (0, 1]: the shared IDF
        weight as a share of the question's (words in no name weigh nothing) times as a share of
        the name's, so the name must cover the question and the question the name."""
        asked = {t: f * self.idf[t] for t, f in question_tokens(question).items() if t in self.idf}
        total = sum(asked.values())
        shared: dict[str, float] = defaultdict(float)
        for t, w in asked.items():
            for ref in self.postings[t]:
                shared[ref] += w
        return {ref: s * s / (total * self.weight[ref]) for ref, s in shared.items()}

    def best(self, question: str, mask: np.ndarray | None = None) -> tuple[str, float] | None:
        """The best-matching procedure with a row the mask allows, and its score."""
        scores = self.scores(question)
        for ref in sorted(scores, key=lambda r: (-scores[r], r)):
            if mask is None or any(mask[r] for r in self.rows[ref]):
                return ref, scores[ref]
        return None


def prefer_named(names: NameIndex, chunks: Sequence[Chunk], question: str, hits: list[Hit],
                 mask: np.ndarray | None = None) -> list[Hit]:
    """For a short question, the procedure its words name goes first (its first section as the hit)."""
    if content_words(question) > SHORT_WORDS or (best := names.best(question, mask)) is None:
        return hits
    ref, score = best
    if score < NAME_MIN or (hits and hits[0].article_ref == ref):
        return hits
    first = next(r for r in names.rows[ref] if mask is None or mask[r])
    named = Hit(1, max(score, hits[0].score if hits else 0.0), chunks[first], matched="name",
                scores={"name": score})
    rest = [h for h in hits if h.article_ref != ref][: max(len(hits) - 1, 0)]
    return [named] + [replace(h, rank=i) for i, h in enumerate(rest, 2)]
