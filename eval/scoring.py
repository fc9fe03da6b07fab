"""Score one dataset's run: retrieval metrics from the recorded hits, answer metrics from the answers,
and one detail row per question for error analysis."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .answers import summarize, verdict
from .datasets import DatasetSpec, Question
from .metrics import mean
from .retrieval import score_hits, targets_met
from .runner import DatasetRun, RunSettings

DETAIL_HITS = 10  # hits kept per question in details.jsonl


def recall_curve(first_ranks: Sequence[int | None], k: int) -> list[float]:
    """R@1 … R@k: the share of questions whose first gold article is within the top i."""
    return [mean(r is not None and r <= i for r in first_ranks) for i in range(1, k + 1)]


def score_retrieval(name: str, spec: DatasetSpec | None, questions: Sequence[Question],
                    records: Sequence[dict[str, Any]], k: int) -> tuple[dict[str, Any], dict[str, int | None]]:
    """The retrieval report (as ``eval retrieval`` writes it, plus the recall curve) and each question's
    first gold rank."""
    scored = [(q, r) for q, r in zip(questions, records, strict=True) if "hits" in r]
    hits = {q.id: [(ref, float(score)) for ref, score in r["hits"]] for q, r in scored}
    report = score_hits([q for q, _ in scored], hits, k=k, alqac=bool(spec and spec.alqac),
                        latencies_ms=[r["search_ms"] for _, r in scored])
    per_question = report.pop("per_question")
    report["targets_met"] = targets_met(name, report)
    ranks = {row["id"]: row["first_gold_rank"] for row in per_question}
    report["recall_curve"] = recall_curve(list(ranks.values()), k)
    return report, ranks


def score_dataset(name: str, spec: DatasetSpec | None, questions: Sequence[Question], run: DatasetRun,
                  settings: RunSettings) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the dataset's entry in results.json, its rows for details.jsonl)."""
    entry: dict[str, Any] = {"questions": len(questions), "index": run.index,
                             "cache": {"key": run.cache_key, "computed": run.computed,
                                       "reused": len(questions) - run.computed}}
    ranks: dict[str, int | None] = {}
    if settings.retrieval and any("hits" in r for r in run.records):
        entry["retrieval"], ranks = score_retrieval(name, spec, questions, run.records, settings.k)
    verdicts: list[dict[str, Any] | None] = [None] * len(questions)
    if settings.answers:
        answers = [r["answer"] for r in run.records]
        verdicts = [verdict(q, a) for q, a in zip(questions, answers, strict=True)]
        entry["answers"] = summarize(questions, answers, verdicts)  # type: ignore[arg-type]
    rows = []
    for q, rec, v in zip(questions, run.records, verdicts, strict=True):
        answer = rec.get("answer") or {}
        rows.append({"dataset": name, "id": q.id, "qtype": q.qtype, "question": q.text, "gold": list(q.gold),
                     "answer_gold": q.answer, "facts": list(q.facts), "refuse": q.refuse,
                     "hits": [ref for ref, _ in rec.get("hits", [])[:DETAIL_HITS]],
                     "first_gold_rank": ranks.get(q.id), "answer": answer.get("text"),
                     "citations": [c["label"] for c in answer.get("citations", [])],
                     "latency_ms": answer.get("timings_ms", {}).get("total"), "verdict": v})
    return entry, rows
