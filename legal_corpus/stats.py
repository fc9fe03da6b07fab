"""What a source yields: documents, units by level, chunks, recovered fields, defects."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from .chunking import DEFAULT_MAX_CHARS, chunk_unit
from .models import ParsedDocument
from .report import LoadReport


@dataclass
class CorpusStats:
    source: str
    documents: int = 0
    procedures: int = 0
    units_by_level: dict[str, int] = field(default_factory=dict)
    doc_types: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    chunks: int = 0
    articles_split: int = 0
    chunk_chars: dict[str, float] = field(default_factory=dict)
    records_read: int = 0
    records_loaded: int = 0
    records_failed: int = 0
    defects: dict[str, int] = field(default_factory=dict)
    field_recovery: dict[str, dict[str, float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _quantiles(values: list[int]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def q(p: float) -> float:
        return float(ordered[min(len(ordered) - 1, int(p * len(ordered)))])

    return {"mean": round(statistics.fmean(ordered), 1), "median": q(0.5), "p90": q(0.9),
            "p99": q(0.99), "max": float(ordered[-1])}


def corpus_stats(docs: Iterable[ParsedDocument], report: LoadReport,
                 max_chars: int = DEFAULT_MAX_CHARS, max_errors: int = 20) -> CorpusStats:
    """Walk every document once; the report must be the one the loader filled."""
    levels: Counter[str] = Counter()
    types: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    lengths: list[int] = []
    stats = CorpusStats(source=report.source)
    for pdoc in docs:
        stats.documents += 1
        stats.procedures += pdoc.procedure is not None
        types[pdoc.doc.doc_type or "unknown"] += 1
        for unit in pdoc.walk():
            levels[unit.level.value] += 1
        for unit in pdoc.articles():
            statuses[unit.status.value] += 1
            chunks = chunk_unit(unit, max_chars)
            stats.articles_split += len(chunks) > 1
            lengths.extend(len(c.passage) for c in chunks)
    stats.units_by_level = dict(levels.most_common())
    stats.doc_types = dict(types.most_common())
    stats.statuses = dict(statuses.most_common())
    stats.chunks = len(lengths)
    stats.chunk_chars = _quantiles(lengths)
    stats.records_read = report.records_read
    stats.records_loaded = report.records_loaded
    stats.records_failed = report.records_failed
    stats.defects = dict(report.defects.most_common())
    stats.field_recovery = {
        name: {"present": report.fields_present[name], "recovered": report.fields[name],
               "rate": round(rate, 4)}
        for name, rate in report.recovery_rates().items()
    }
    stats.errors = [str(issue) for issue in report.issues[:max_errors]]
    return stats
