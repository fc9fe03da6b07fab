"""Retrieval metrics as pure functions on ranked lists of article refs.

``ranked`` is one question's article refs in rank order (one per article),
``gold`` its relevant refs. Relevance is binary; a question may have several
gold articles.

ALQAC task 1 scores a *set* of returned articles with F2 (recall weighs 4×
precision), so a ranked list must be cut. ``select_articles`` keeps the top
hit plus every further hit scoring at least ``ratio`` × the top score, at most
``max_n``. ``tune_rule`` grid-searches ``ratio`` and ``max_n`` for the best
macro F2 on the runs it is given: tune it on dev/train data only and apply
the rule it returns, unchanged, to test data. ``cross_validated_f2`` says how
much the in-sample tuned F2 flatters the rule.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ScoredRef = tuple[str, float]  # (article_ref, score), in rank order
Run = tuple[Sequence[ScoredRef], Sequence[str]]  # one question: its hits and its gold refs


def recall_at_k(ranked: Sequence[str], gold: Iterable[str], k: int) -> float:
    """1.0 when any gold article is in the top ``k`` (the benchmarks' "R@k"), else 0.0."""
    gold_set = set(gold)
    return 1.0 if any(ref in gold_set for ref in ranked[:k]) else 0.0


def reciprocal_rank(ranked: Sequence[str], gold: Iterable[str], k: int = 10) -> float:
    """1 / rank of the first gold article within the top ``k``; 0 when none is there."""
    gold_set = set(gold)
    for rank, ref in enumerate(ranked[:k], 1):
        if ref in gold_set:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranked: Sequence[str], gold: Iterable[str], k: int = 10) -> float:
    """Binary-relevance nDCG: gain 1/log2(rank+1) per gold article found, over the ideal ranking."""
    gold_set = set(gold)
    if not gold_set:
        return 0.0
    seen: set[str] = set()
    dcg = 0.0
    for rank, ref in enumerate(ranked[:k], 1):
        if ref in gold_set and ref not in seen:
            seen.add(ref)
            dcg += 1.0 / math.log2(rank + 1)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(gold_set), k) + 1))
    return dcg / ideal


def precision_recall_f2(selected: Iterable[str], gold: Iterable[str]) -> tuple[float, float, float]:
    """ALQAC task 1 per question: P, R and F2 = 5PR / (4P + R), all 0 when nothing is right."""
    sel, gold_set = set(selected), set(gold)
    correct = len(sel & gold_set)
    if not correct:
        return 0.0, 0.0, 0.0
    p, r = correct / len(sel), correct / len(gold_set)
    return p, r, 5 * p * r / (4 * p + r)


def macro_prf2(pairs: Iterable[tuple[Iterable[str], Iterable[str]]]) -> tuple[float, float, float]:
    """Macro averages of P, R and F2 over (selected, gold) pairs, as ALQAC reports them."""
    scores = [precision_recall_f2(sel, gold) for sel, gold in pairs]
    if not scores:
        return 0.0, 0.0, 0.0
    return tuple(mean(col) for col in zip(*scores, strict=True))  # type: ignore[return-value]


def mean(values: Iterable[float]) -> float:
    vals = list(values)
    return sum(vals) / len(vals) if vals else 0.0


def percentile(values: Iterable[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default), ``q`` in 0..100; 0.0 for no values."""
    vals = sorted(values)
    if not vals:
        return 0.0
    pos = (len(vals) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return vals[lo] + (vals[hi] - vals[lo]) * (pos - lo)


@dataclass(frozen=True)
class Rule:
    """How many articles to return: top-1, then hits with score ≥ ratio × top score, at most max_n."""

    ratio: float
    max_n: int

    def as_dict(self) -> dict[str, float | int]:
        return {"ratio": self.ratio, "max_n": self.max_n}


RATIOS = tuple(round(0.5 + 0.025 * i, 3) for i in range(21))  # 0.5 … 1.0
MAX_NS = (1, 2, 3, 4, 5)


def select_articles(hits: Sequence[ScoredRef], rule: Rule) -> list[str]:
    """Refs chosen by ``rule``. A top score ≤ 0 gives no usable ratio, so only the top hit is kept."""
    if not hits:
        return []
    top = hits[0][1]
    out = [hits[0][0]]
    if top <= 0:
        return out
    for ref, score in hits[1:rule.max_n]:
        if score < rule.ratio * top:
            break
        out.append(ref)
    return out


def macro_f2(runs: Sequence[Run], rule: Rule) -> float:
    return macro_prf2((select_articles(hits, rule), gold) for hits, gold in runs)[2]


def tune_rule(runs: Sequence[Run], ratios: Sequence[float] = RATIOS, max_ns: Sequence[int] = MAX_NS) -> Rule:
    """The grid rule with the best macro F2 on ``runs``; ties go to the strictest (fewest articles)."""
    best, best_f2 = Rule(1.0, 1), -1.0
    for max_n in sorted(max_ns):
        for ratio in sorted(ratios, reverse=True):
            rule = Rule(ratio, max_n)
            f2 = macro_f2(runs, rule)
            if f2 > best_f2 + 1e-12:
                best, best_f2 = rule, f2
    return best


def cross_validated_f2(runs: Sequence[Run], folds: int = 5) -> float:
    """Macro F2 where each question is cut by a rule tuned on the other folds (interleaved split)."""
    if len(runs) < folds:
        return macro_f2(runs, tune_rule(runs))
    pairs = []
    for f in range(folds):
        rule = tune_rule([run for i, run in enumerate(runs) if i % folds != f])
        pairs += [(select_articles(hits, rule), gold) for i, (hits, gold) in enumerate(runs) if i % folds == f]
    return macro_prf2(pairs)[2]
