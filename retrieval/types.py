"""Records that cross the retrieval boundary: search filters and hits."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from legal_corpus.models import Chunk, Status


@dataclass(frozen=True, slots=True)
class Filters:
    """What a search may return. Empty tuples mean "any"."""

    collections: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    issuers: tuple[str, ...] = ()
    doc_numbers: tuple[str, ...] = ()
    in_force_on: date | None = None  # drop units known not to be in force on that day

    def __bool__(self) -> bool:
        return bool(self.collections or self.doc_types or self.issuers or self.doc_numbers or self.in_force_on)

    def accepts(self, chunk: Chunk) -> bool:
        if self.collections and chunk.collection not in self.collections:
            return False
        if self.doc_types and chunk.doc_type.casefold() not in {t.casefold() for t in self.doc_types}:
            return False
        if self.issuers and not any(i.casefold() in chunk.issuer.casefold() for i in self.issuers):
            return False
        if self.doc_numbers and chunk.doc_number.casefold() not in {n.casefold() for n in self.doc_numbers}:
            return False
        if self.in_force_on is not None:
            if chunk.status == Status.REPEALED.value:
                return False
            if chunk.effective and date.fromisoformat(chunk.effective) > self.in_force_on:
                return False
        return True


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked result: the best-matching chunk of an article, with its citation."""

    rank: int
    score: float
    chunk: Chunk
    matched: str = "search"  # "reference" when the query named this unit, else "search"
    scores: dict[str, float] = field(default_factory=dict)  # per-retriever scores, for inspection

    @property
    def unit_id(self) -> str:
        return self.chunk.unit_id

    @property
    def article_ref(self) -> str:
        return self.chunk.article_ref

    @property
    def citation(self) -> str:
        return self.chunk.citation

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self.chunk)
        out.update(rank=self.rank, score=round(self.score, 6), matched=self.matched,
                   scores={k: round(v, 6) for k, v in self.scores.items()})
        return out
