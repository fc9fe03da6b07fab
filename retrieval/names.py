"""Procedure names matched against a short citizen question.

"lam ho chieu" or "lam cccd lan dau can giay to gi" names a procedure in two or three
words, but BM25 over whole portal texts lets the generic words long texts repeat
("lần đầu", "giấy tờ", folded "can" = cần/căn) outweigh the word that matters, and an
abbreviation only matches through its expansion, at a reduced weight. Matched against
the procedure names alone, with the expansions counted like typed words (a restatement,
"xe máy" → "xe mô tô xe gắn máy", at most once more) and the ask words ("cần giấy tờ gì",
"ở đâu") counting little, the name that shares the question's rare words wins, among the
variants the question means (``variants``: "lần đầu" is no "Cấp lại …"). Measured on the
procedure sets (benchmarks/answer_quality.py), this is better than the reranked search for
questions of at most ``SHORT_WORDS`` content words and worse for longer ones, so only short
questions use it.
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

from .expansion import expand, sources
from .rerank import procedure_name
from .types import Hit
from .variants import cue_spans, unmeant

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


def _weighted(text: str, ask: bool = False) -> dict[str, float]:
    """Folded syllables and pairs of ``text`` → 1, or ``ASK_WEIGHT`` inside an ask phrase when ``ask``
    (a pair takes its lighter syllable's)."""
    folded = fold(text)
    asked = [m.span() for m in _ASK.finditer(folded)] + cue_spans(folded) if ask else []
    words = [(m.group(), ASK_WEIGHT if any(a <= m.start() < b for a, b in asked) else 1.0)
             for m in _SYLLABLE.finditer(folded)]
    pairs = [(f"{a}_{b}", min(wa, wb)) for (a, wa), (b, wb) in zip(words, words[1:], strict=False)]
    out: dict[str, float] = {}
    for token, weight in words + pairs:
        out[token] = max(out.get(token, 0.0), weight)
    return out


class NameIndex:
    """The procedure (and guide) names of an index's sections: an inverted list over their folded
    syllables and pairs, with IDF among the names."""

    def __init__(self, chunks: Sequence[Chunk], article_of: Sequence[str]):
        tokens: dict[str, frozenset[str]] = {}
        self.name: dict[str, str] = {}  # procedure → its name as the portal writes it
        self.rows: dict[str, list[int]] = defaultdict(list)  # procedure → its chunk rows, in index order
        for row, chunk in enumerate(chunks):
            ref = article_of[row]
            if ref not in tokens and (name := procedure_name(chunk)) is not None:
                tokens[ref] = name.folded
                self.name[ref] = chunk.context
            if ref in tokens:
                self.rows[ref].append(row)
        df = Counter(t for toks in tokens.values() for t in toks)
        self.idf = {t: math.log1p(len(tokens) / d) for t, d in df.items()}
        self.postings: dict[str, list[str]] = defaultdict(list)
        for ref, toks in tokens.items():
            for t in toks:
                self.postings[t].append(ref)
        self.weight = {ref: sum(self.idf[t] for t in toks) for ref, toks in tokens.items()}

    def weights(self, question: str) -> dict[str, float]:
        """Question tokens found in names → IDF times a factor: 1, or ``ASK_WEIGHT`` inside an ask
        phrase. An expansion counts like a typed word ("cccd" is in no portal name, "căn cước" is),
        except that one restating the typed words with more ("xe máy" → "xe mô tô xe gắn máy") adds
        at most what the typed words weigh: it says one thing twice, and counted in full its rare
        syllables and pairs would outweigh "sang tên" or "bằng lái" beside it. A translation
        ("sổ đỏ" → "giấy chứng nhận quyền sử dụng đất", "cccd" → "căn cước") counts in full."""
        typed = _weighted(question, ask=True)
        out = {t: f * self.idf[t] for t, f in typed.items() if t in self.idf}
        for form, term in sources(question):
            said, meant = _weighted(form), _weighted(term)
            extra = {t: self.idf[t] for t in meant if t in self.idf and typed.get(t, 0.0) < 1.0}
            added = sum(extra.values())
            restated = all(t in meant for t in said if "_" not in t)
            bound = sum(self.idf.get(t, 0.0) for t in said)
            scale = min(1.0, bound / added) if restated and added else 1.0
            for t, w in extra.items():
                out[t] = max(out.get(t, 0.0), w * scale)
        return out

    def scores(self, question: str) -> dict[str, float]:
        """Procedures whose name shares a word with the question → match in (0, 1]: the shared IDF
        weight as a share of the question's (words in no name weigh nothing) times as a share of
        the name's, so the name must cover the question and the question the name."""
        asked = self.weights(question)
        total = sum(asked.values())
        shared: dict[str, float] = defaultdict(float)
        for t, w in asked.items():
            for ref in self.postings[t]:
                shared[ref] += w
        skip = unmeant(expand(question))  # "lần đầu": not "Cấp lại …"; no child: not "… dưới 14 tuổi"
        shared = {ref: s for ref, s in shared.items() if not skip(self.name[ref])}
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
    """Search hits for variants the question does not mean (``variants.unmeant``) go last; then, for
    a short question, the procedure its words name goes first (its first section as the hit)."""
    skip = unmeant(expand(question))
    meant = [h for h in hits if not (h.article_ref in names.name and skip(names.name[h.article_ref]))]
    if len(meant) < len(hits):
        hits = [replace(h, rank=i) for i, h in enumerate(meant + [h for h in hits if h not in meant], 1)]
    if content_words(question) > SHORT_WORDS:
        return hits
    if (best := names.best(question, mask)) is None:
        return hits
    ref, score = best
    if score < NAME_MIN or (hits and hits[0].article_ref == ref):
        return hits
    first = next(r for r in names.rows[ref] if mask is None or mask[r])
    named = Hit(1, max(score, hits[0].score if hits else 0.0), chunks[first], matched="name",
                scores={"name": score})
    rest = [h for h in hits if h.article_ref != ref][: max(len(hits) - 1, 0)]
    return [named] + [replace(h, rank=i) for i, h in enumerate(rest, 2)]
