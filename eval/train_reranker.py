"""Train the retrieval reranker on the dev sets, with honest cross-validated numbers.

    python -m eval.train_reranker --pair zalo-phapdien-dev=var/index/phapdien \\
        --pair alqac2025-train=var/index/alqac2025 --pair alqac2022=var/index/alqac2022

For every question the index's own candidate generator (``LegalIndex.candidates``,
the path users take) gives the top articles and their features. Questions are
split into 5 folds; each fold is reranked by a model trained on the other
folds of all datasets, which is what the printed table reports. The model
trained on everything is then written to ``retrieval/rerank_weights.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

from retrieval.index import DEFAULT_WEIGHTS, RERANK_DEPTH, open_index
from retrieval.lexical import query_view
from retrieval.rerank import WEIGHTS_FILE, Reranker, features, query_side

from .datasets import DatasetError, load_dataset
from .metrics import mean, recall_at_k, reciprocal_rank

FOLDS = 5


def collect(dataset: str, index_dir: Path, data_dir: Path, limit: int | None = None):
    """(features, labels, candidate refs, gold) per question."""
    _, questions = load_dataset(dataset, data_dir)
    index = open_index(index_dir)
    index.reranker = None  # features come from the fused order
    rows = []
    for q in questions[:limit]:
        cands = index.candidates(q.text, None, DEFAULT_WEIGHTS, RERANK_DEPTH)
        view = query_view(q.text)
        idf = index.idf(view)
        qs = query_side(q.text, view, idf)
        x = [features(qs, view, index.chunks[c.row], c) for c, _ in cands]
        refs = [index.article_of[c.row] for c, _ in cands]
        rows.append((np.array(x, dtype=np.float64).reshape(len(x), -1), np.array([r in q.gold for r in refs]),
                     refs, set(q.gold)))
    return rows


def fit(x: np.ndarray, y: np.ndarray, c: float = 1.0) -> Reranker:
    from sklearn.linear_model import LogisticRegression

    centre, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit((x - centre) / scale, y)
    return Reranker(model.coef_[0], float(model.intercept_[0]), centre, scale)


def _scores(rows, orders) -> dict[str, float]:
    pairs = [([refs[i] for i in order], gold) for (_, _, refs, gold), order in zip(rows, orders, strict=True)]
    out = {f"R@{k}": mean(recall_at_k(r, g, k) for r, g in pairs) for k in (1, 5, 10, 20)}
    out["MRR@10"] = mean(reciprocal_rank(r, g, 10) for r, g in pairs)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pair", action="append", required=True, help="DATASET=INDEX_DIR")
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("LEGAL_DATA_DIR", "../shared/data")))
    parser.add_argument("--out", type=Path, default=WEIGHTS_FILE)
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)
    try:
        data = {name: collect(name, Path(path), args.data, args.limit)
                for name, path in (p.split("=", 1) for p in args.pair)}
    except (DatasetError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rng = np.random.default_rng(0)
    folds = {name: rng.integers(0, FOLDS, len(rows)) for name, rows in data.items()}
    orders = {name: [None] * len(rows) for name, rows in data.items()}
    for f in range(FOLDS):
        train = [r for name, rows in data.items() for r, ff in zip(rows, folds[name], strict=True)
                 if ff != f and len(r[0])]
        model = fit(np.vstack([r[0] for r in train]), np.concatenate([r[1] for r in train]), args.c)
        for name, rows in data.items():
            for i, (r, ff) in enumerate(zip(rows, folds[name], strict=True)):
                if ff == f:
                    orders[name][i] = list(np.argsort(-model.score(r[0]), kind="stable")) if len(r[0]) else []
    print("| dataset | order | R@1 | R@5 | R@10 | R@20 | MRR@10 |\n|---|---|---|---|---|---|---|")
    for name, rows in data.items():
        for label, order in (("fused", [list(range(len(r[2]))) for r in rows]),
                             (f"reranked ({FOLDS}-fold CV)", orders[name])):
            s = _scores(rows, order)
            print(f"| {name} | {label} | " + " | ".join(f"{v:.3f}" for v in s.values()) + " |")
    everything = [r for rows in data.values() for r in rows if len(r[0])]
    final = fit(np.vstack([r[0] for r in everything]), np.concatenate([r[1] for r in everything]), args.c)
    args.out.write_text(json.dumps(final.to_json(), indent=1) + "\n", encoding="utf-8")
    print(f"weights written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
