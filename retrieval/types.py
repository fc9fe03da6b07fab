"""Records that cross the retrieval boundary: search filters and hits."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from legal_corpus.models import Chunk


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


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked result: the best-matching chunk of an article, with its citation."""

    rank: int
    score: float
    chunk: Chunk
    matched: str = "search"  # "reference": the query named this unit; "name": a short question named its procedure
    scores: dict[str, float] = field(default_factory=dict)  # per-retriever scores, for inspection
    unit: str = ""  # the most specific unit named by a reference ("…/k2/a"), if any

    @property
    def unit_id(self) -> str:
        return self.unit or self.chunk.unit_id

    @property
    def article_ref(self) -> str:
        return self.chunk.article_ref

    @property
    def citation(self) -> str:
        return self.chunk.citation

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self.chunk)
        out.update(unit_id=self.unit_id, rank=self.rank, score=round(self.score, 6), matched=self.matched,
                   scores={k: round(v, 6) for k, v in self.scores.items()})
        return out
