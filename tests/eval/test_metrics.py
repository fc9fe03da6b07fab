"""Metrics against hand-computed values; the article-count rule on runs whose best cut is known."""

from __future__ import annotations

import pytest

from eval.metrics import (
    Rule,
    cross_validated_f2,
    macro_f2,
    macro_prf2,
    ndcg_at_k,
    percentile,
    precision_recall_f2,
    recall_at_k,
    reciprocal_rank,
    select_articles,
    tune_rule,
)

RANKED = [f"x{i}" for i in range(1, 21)]


def ranked_with(gold_at: dict[str, int]) -> list[str]:
    """20 refs with the given gold refs placed at 1-based ranks."""
    out = list(RANKED)
    for ref, rank in gold_at.items():
        out[rank - 1] = ref
    return out


def test_recall_at_k_counts_any_gold_in_top_k() -> None:
    ranked = ranked_with({"g": 5})
    assert recall_at_k(ranked, ["g"], 4) == 0.0
    assert recall_at_k(ranked, ["g"], 5) == 1.0
    assert recall_at_k(ranked_with({"g2": 3}), ["g1", "g2"], 3) == 1.0
    assert recall_at_k([], ["g"], 10) == 0.0


def test_reciprocal_rank_first_gold_within_10() -> None:
    assert reciprocal_rank(ranked_with({"g": 1}), ["g"]) == 1.0
    assert reciprocal_rank(ranked_with({"g": 3}), ["g"]) == pytest.approx(1 / 3)
    assert reciprocal_rank(ranked_with({"a": 4, "b": 2}), ["a", "b"]) == 0.5
    assert reciprocal_rank(ranked_with({"g": 10}), ["g"]) == pytest.approx(0.1)
    assert reciprocal_rank(ranked_with({"g": 11}), ["g"]) == 0.0


def test_ndcg_two_gold() -> None:
    # gold at ranks 2 and 4: (1/log2 3 + 1/log2 5) / (1 + 1/log2 3)
    assert ndcg_at_k(ranked_with({"a": 2, "b": 4}), ["a", "b"]) == pytest.approx(0.6509209298)
    assert ndcg_at_k(ranked_with({"a": 1, "b": 2}), ["a", "b"]) == pytest.approx(1.0)
    # only one of two gold found, at rank 1: 1 / (1 + 1/log2 3)
    assert ndcg_at_k(ranked_with({"a": 1}), ["a", "b"]) == pytest.approx(1 / 1.6309297536)
    assert ndcg_at_k(ranked_with({"a": 11}), ["a"]) == 0.0


def test_precision_recall_f2() -> None:
    assert precision_recall_f2(["a"], ["a"]) == (1.0, 1.0, 1.0)
    p, r, f2 = precision_recall_f2(["a"], ["a", "b"])  # P 1, R 1/2: 2.5 / 4.5
    assert (p, r) == (1.0, 0.5) and f2 == pytest.approx(5 / 9)
    p, r, f2 = precision_recall_f2(["a", "b", "x", "y"], ["a", "b", "c"])  # P 1/2, R 2/3
    assert (p, r) == (0.5, pytest.approx(2 / 3)) and f2 == pytest.approx(0.625)
    assert precision_recall_f2(["x"], ["a"]) == (0.0, 0.0, 0.0)
    assert precision_recall_f2([], ["a"]) == (0.0, 0.0, 0.0)


def test_macro_averages_per_question() -> None:
    p, r, f2 = macro_prf2([(["a"], ["a", "b"]), (["x"], ["a"]), (["a", "b", "x", "y"], ["a", "b", "c"])])
    assert p == pytest.approx((1 + 0 + 0.5) / 3)
    assert r == pytest.approx((0.5 + 0 + 2 / 3) / 3)
    assert f2 == pytest.approx((5 / 9 + 0 + 0.625) / 3)
    assert macro_prf2([]) == (0.0, 0.0, 0.0)


def test_percentile_interpolates_like_numpy() -> None:
    values = [float(v) for v in range(10, 0, -1)]  # unsorted on purpose
    assert percentile(values, 50) == pytest.approx(5.5)
    assert percentile(values, 95) == pytest.approx(9.55)
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) == 0.0


HITS = [("a", 10.0), ("b", 9.0), ("c", 8.5), ("d", 5.0)]


def test_select_articles_ratio_and_max_n() -> None:
    assert select_articles(HITS, Rule(0.85, 5)) == ["a", "b", "c"]  # 8.5 ≥ 0.85 × 10 is kept
    assert select_articles(HITS, Rule(0.85, 2)) == ["a", "b"]
    assert select_articles(HITS, Rule(0.95, 5)) == ["a"]
    assert select_articles(HITS, Rule(0.5, 5)) == ["a", "b", "c", "d"]
    assert select_articles([("a", -1.0), ("b", -1.0)], Rule(0.5, 3)) == ["a"]
    assert select_articles([], Rule(0.5, 3)) == []


# Gold {a,b} needs ratio ≤ 0.8 (b at 8/10) and ≤ 0.9; the third question's c at 0.7 must stay out.
RUNS = [
    ([("a", 10.0), ("b", 8.0), ("c", 6.0)], ["a", "b"]),
    ([("a", 10.0), ("c", 7.0), ("d", 6.0)], ["a"]),
    ([("a", 10.0), ("b", 9.0), ("c", 5.0)], ["a", "b"]),
]


def test_tune_rule_finds_the_known_best_cut() -> None:
    rule = tune_rule(RUNS)
    assert rule == Rule(0.8, 2)  # strictest rule with F2 1.0
    assert macro_f2(RUNS, rule) == pytest.approx(1.0)
    assert macro_f2(RUNS, Rule(1.0, 1)) < 1.0
    # A coarse grid: 0.6 keeps b (and c in the second question: P 1/2, F2 5/6); 0.9 loses b in the first.
    coarse = tune_rule(RUNS, ratios=[0.6, 0.9], max_ns=[1, 2])
    assert coarse == Rule(0.6, 2)
    assert macro_f2(RUNS, coarse) == pytest.approx((1 + 5 / 6 + 1) / 3)
    assert macro_f2(RUNS, Rule(0.9, 2)) == pytest.approx((5 / 9 + 1 + 1) / 3)


def test_cross_validation_exposes_an_overfit_cut() -> None:
    # Only the first question wants a second article; tuned on itself the cut is perfect,
    # but with that question held out the rule learnt from the others drops its second gold.
    runs = [([("a", 10.0), ("b", 8.0)], ["a", "b"])]
    runs += [([("a", 10.0), ("z", 7.0)], ["a"]) for _ in range(4)]
    assert macro_f2(runs, tune_rule(runs)) == pytest.approx(1.0)
    assert cross_validated_f2(runs, folds=5) == pytest.approx((5 / 9 + 4) / 5)
    assert cross_validated_f2(RUNS * 5, folds=5) == pytest.approx(1.0)
