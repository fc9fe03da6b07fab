"""Batch search for evaluators: queries JSONL in, ranked article hits JSONL out.

This is the path ``eval`` measures, so what is measured is what users get:
one index load, then the same ``LegalIndex.search`` a user's query takes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from legal_corpus.loaders.jsonfile import iter_json_records
from legal_corpus.report import CorpusError, LoadReport

from .index import LegalIndex, open_index
from .types import Filters, Hit


@dataclass
class BatchStats:
    queries: int = 0
    skipped: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def hit_record(hit: Hit) -> dict:
    return {"unit_id": hit.unit_id, "article_ref": hit.article_ref, "score": round(hit.score, 6),
            "citation": hit.citation}


def iter_questions(path: Path, report: LoadReport) -> Iterator[tuple[Any, str]]:
    """(id, question) of every well-formed ``{"id", "question"}`` line; the others go to the report."""
    for line, rec in iter_json_records(path, report):
        qid, question = rec.get("id"), rec.get("question")
        if qid is None or not isinstance(question, str) or not question.strip():
            report.error(path, line, "needs an 'id' and a non-empty 'question'")
            continue
        yield qid, question


def search_queries(index: LegalIndex, queries_path: Path, out_path: Path, k: int = 20,
                   filters: Filters | None = None) -> BatchStats:
    """Search every ``{"id", "question"}`` line; bad lines are reported and skipped."""
    report = LoadReport("queries")
    stats = BatchStats()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with out_path.open("w", encoding="utf-8") as out:
        for qid, question in iter_questions(queries_path, report):
            start = time.perf_counter()
            hits = index.search(question, k=k, filters=filters)
            stats.latencies_ms.append((time.perf_counter() - start) * 1000)
            stats.queries += 1
            out.write(json.dumps({"id": qid, "hits": [hit_record(h) for h in hits]}, ensure_ascii=False) + "\n")
    stats.skipped = report.records_failed
    stats.errors = [str(i) for i in report.issues]
    return stats


def search_file(index_dir: Path, queries_path: Path, out_path: Path, k: int = 20,
                filters: Filters | None = None, embedder: str | None = None) -> BatchStats:
    """Load the index once and run ``search_queries``."""
    index = open_index(Path(index_dir), embedder)
    if not Path(queries_path).exists():
        raise CorpusError(f"{queries_path}: no such file")
    return search_queries(index, Path(queries_path), Path(out_path), k, filters)
