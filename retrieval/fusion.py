"""Combining retrievers and collapsing chunks into articles.

Two fusions, both tuned on the dev sets (see eval/ and the README):
- reciprocal rank fusion, robust when score scales differ;
- weighted score fusion, each retriever's scores divided by its best score
  for the query, which keeps how far apart the candidates are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def top_rows(scores: np.ndarray, k: int, mask: np.ndarray | None = None) -> np.ndarray:
    """Rows of the k best positive scores, best first (masked-out rows never returned)."""
    if mask is not None:
        scores = np.where(mask, scores, 0.0)
    k = min(k, int(np.count_nonzero(scores > 0)))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="stable")]


def rrf(rankings: Mapping[str, Sequence[int]], k: int = 60,
        weights: Mapping[str, float] | None = None) -> dict[int, float]:
    """Reciprocal rank fusion of row rankings: sum of weight / (k + rank)."""
    fused: dict[int, float] = {}
    for name, rows in rankings.items():
        w = (weights or {}).get(name, 1.0)
        for rank, row in enumerate(rows, 1):
            fused[int(row)] = fused.get(int(row), 0.0) + w / (k + rank)
    return fused


def weighted(scores: Mapping[str, Mapping[int, float]], weights: Mapping[str, float]) -> dict[int, float]:
    """Sum of each retriever's max-normalised scores times its weight."""
    fused: dict[int, float] = {}
    for name, per_row in scores.items():
        w = weights.get(name, 0.0)
        top = max(per_row.values(), default=0.0)
        if w == 0.0 or top <= 0:
            continue
        for row, s in per_row.items():
            fused[row] = fused.get(row, 0.0) + w * s / top
    return fused


def best_per_article(fused: Mapping[int, float], article_of: Sequence[str], limit: int) -> list[tuple[int, float]]:
    """One row per article, the best-scoring chunk of each, best articles first."""
    seen: set[str] = set()
    out: list[tuple[int, float]] = []
    for row, score in sorted(fused.items(), key=lambda kv: (-kv[1], kv[0])):
        ref = article_of[row]
        if ref in seen:
            continue
        seen.add(ref)
        out.append((row, score))
        if len(out) >= limit:
            break
    return out
