"""Retrieval benchmark: questions → ``retrieval.batch.search_file`` → hits file → metrics.

We measure through the same batch search users' queries go through, over a
JSONL file, so the numbers are what users get. Scoring reads a hits file and
is separate from running the search (``score_hits_file``), so an existing
hits file can be re-scored, and tested, without an index.

Hits file: one line per question ``{"id", "hits": [{"article_ref", "score", …}]}``
in rank order. A question absent from it counts as retrieving nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from legal_corpus.report import CorpusError
from retrieval.types import Filters

from .baselines import TARGETS
from .datasets import DatasetSpec, Question, dataset_name, load_dataset
from .metrics import (
    Rule,
    ScoredRef,
    cross_validated_f2,
    macro_prf2,
    mean,
    ndcg_at_k,
    percentile,
    recall_at_k,
    reciprocal_rank,
    select_articles,
    tune_rule,
)

CUTOFFS = (1, 5, 10, 20, 100)


class BenchmarkError(Exception):
    """A missing index, an unusable hits file…: the CLI prints it as one line, exit 2."""


def write_queries(questions: Sequence[Question], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for q in questions:
            fh.write(json.dumps({"id": q.id, "question": q.text}, ensure_ascii=False) + "\n")


def read_hits(path: Path) -> dict[str, list[ScoredRef]]:
    """Question id → (article_ref, score) in rank order, first occurrence of each article kept."""
    out: dict[str, list[ScoredRef]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise BenchmarkError(f"cannot read hits file {path}: {exc}") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            seen: set[str] = set()
            ranked = []
            for hit in rec["hits"]:
                ref = str(hit["article_ref"])
                if ref not in seen:
                    seen.add(ref)
                    ranked.append((ref, float(hit["score"])))
            out[str(rec["id"])] = ranked
        except (ValueError, KeyError, TypeError) as exc:
            raise BenchmarkError(f"{path}:{n}: not a hits line ({type(exc).__name__}: {exc})") from exc
    return out


def _ranking_metrics(rows: Sequence[tuple[list[str], Sequence[str]]], k: int) -> dict[str, float]:
    out = {f"R@{c}": mean(recall_at_k(r, g, c) for r, g in rows) for c in CUTOFFS if c <= k}
    out["MRR@10"] = mean(reciprocal_rank(r, g, 10) for r, g in rows)
    out["nDCG@10"] = mean(ndcg_at_k(r, g, 10) for r, g in rows)
    return out


def score_hits(questions: Sequence[Question], hits: dict[str, list[ScoredRef]], *, k: int,
               alqac: bool, rule: Rule | None = None, latencies_ms: Sequence[float] = ()) -> dict[str, Any]:
    """Metrics of one run; for ALQAC also the article-count rule (given, or tuned here) and its F2."""
    runs = [(hits.get(q.id, [])[:k], q.gold) for q in questions]
    rows = [([ref for ref, _ in h], g) for h, g in runs]
    report: dict[str, Any] = {"questions": len(questions), "k": k,
                              "questions_without_hits": sum(q.id not in hits for q in questions),
                              "metrics": _ranking_metrics(rows, k)}
    qtypes = sorted({q.qtype for q in questions if q.qtype})
    if qtypes:
        report["by_qtype"] = {t: {"questions": sum(q.qtype == t for q in questions),
                                  **_ranking_metrics([row for row, q in zip(rows, questions, strict=True)
                                                      if q.qtype == t], k)} for t in qtypes}
    selected: list[list[str]] | None = None
    if alqac:
        source = "given" if rule else "tuned on this dataset"
        rule = rule or tune_rule(runs)
        selected = [select_articles(h, rule) for h, _ in runs]
        p, r, f2 = macro_prf2(zip(selected, (g for _, g in runs), strict=True))
        report["f2"] = {"macro_f2": f2, "macro_precision": p, "macro_recall": r, "rule": rule.as_dict(),
                        "rule_source": source, "cv5_f2": cross_validated_f2(runs)}
    if latencies_ms:
        report["latency_ms"] = {"p50": percentile(latencies_ms, 50), "p95": percentile(latencies_ms, 95),
                                "mean": mean(latencies_ms)}
    report["per_question"] = [
        {"id": q.id, "gold": list(q.gold), "qtype": q.qtype,
         "first_gold_rank": next((i for i, ref in enumerate(row, 1) if ref in q.gold), None),
         "top3": row[:3], **({"selected": selected[i]} if selected is not None else {})}
        for i, (q, (row, _)) in enumerate(zip(questions, rows, strict=True))]
    return report


def targets_met(name: str, report: dict[str, Any]) -> dict[str, bool]:
    target = TARGETS.get(name)
    if target is None:
        return {}
    met = {"R@10": report["metrics"].get("R@10", 0.0) >= target.r10,
           "MRR@10": report["metrics"]["MRR@10"] >= target.mrr10}
    if target.f2 is not None:
        met["F2"] = bool(report.get("f2")) and report["f2"]["macro_f2"] >= target.f2
    return met


def score_hits_file(name: str, spec: DatasetSpec | None, questions: Sequence[Question], hits_path: Path, *,
                    k: int, rule: Rule | None = None, latencies_ms: Sequence[float] = ()) -> dict[str, Any]:
    """A complete report (dataset, corpus, metrics, targets) from a hits file already written."""
    report = {"dataset": name,
              "corpus": {"source": spec.corpus_source, "path": spec.corpus_path,
                         "collection": spec.collection} if spec else None,
              **score_hits(questions, read_hits(hits_path), k=k, alqac=bool(spec and spec.alqac),
                           rule=rule, latencies_ms=latencies_ms)}
    report["targets_met"] = targets_met(name, report)
    return report


def run_retrieval(dataset: str, index_dir: Path, out_dir: Path, data_dir: Path, *, k: int = 100,
                  limit: int | None = None, rule: Rule | None = None, with_choices: bool = True,
                  collections: Sequence[str] = ()) -> dict[str, Any]:
    """Search every question of ``dataset`` through the batch search over ``index_dir`` and score it."""
    if not Path(index_dir).is_dir():
        raise BenchmarkError(f"index not found: {index_dir} (build it first)")
    spec, questions = load_dataset(dataset, data_dir, with_choices=with_choices, limit=limit)
    name = dataset_name(dataset)
    out_dir.mkdir(parents=True, exist_ok=True)
    queries, hits_path = out_dir / f"queries-{name}.jsonl", out_dir / f"hits-{name}.jsonl"
    write_queries(questions, queries)
    try:
        from retrieval.batch import search_file
        from retrieval.store import IndexLoadError
    except ImportError as exc:
        raise BenchmarkError(f"batch search unavailable: {exc}") from exc
    filters = Filters(collections=tuple(collections)) if collections else None
    try:
        stats = search_file(Path(index_dir), queries, hits_path, k=k, filters=filters)
    except (IndexLoadError, CorpusError, FileNotFoundError) as exc:
        raise BenchmarkError(f"cannot search {index_dir}: {exc}") from exc
    report = score_hits_file(name, spec, questions, hits_path, k=k, rule=rule,
                             latencies_ms=list(getattr(stats, "latencies_ms", []) or []))
    report.update(index=str(index_dir), with_choices=with_choices, collections=list(collections),
                  search_skipped=int(getattr(stats, "skipped", 0) or 0))
    return report
