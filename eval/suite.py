"""Benchmark suites: run every available benchmark and write one report folder.

``python -m eval run --suite standard`` runs each named dataset found under the
data dir on its BM25 index (``<index root>/<name>``, built from the corpus when
missing, reused otherwise); ``python -m eval answers`` runs one dataset. Both
write into the output folder:

- ``report.md``: the tables, beside the published baselines and the previous
  run found in the same folder;
- ``results.json``: every metric, the settings, the index manifests, versions
  and git commit;
- ``details.jsonl``: one line per question (question, gold, hits, answer,
  verdict) for error analysis;
- PNG plots; ``cache/``: per-question results, so an interrupted run continues.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.llm.base import ChatModel

from .datasets import DATASETS, DatasetSpec, dataset_name, load_dataset
from .provenance import provenance
from .runner import RunError, RunSettings, run_dataset
from .scoring import score_dataset


@dataclass(frozen=True)
class Benchmark:
    dataset: str  # a named dataset or a generic FILE.jsonl
    retrieval: bool = True
    answers: bool = True


SUITES: dict[str, tuple[Benchmark, ...]] = {
    "standard": tuple(Benchmark(name) for name in ("zalo-phapdien-dev", "alqac2025-train", "alqac2022",
                                                   "procedures-dev")),
}


@dataclass(frozen=True)
class SuiteConfig:
    data_dir: Path
    out_dir: Path
    index_root: Path = Path("var/index")
    settings: RunSettings = RunSettings()
    index: Path | None = None  # search this index instead of the dataset's own
    limit: int | None = None  # only the first N questions of each dataset
    chat_model: ChatModel | None = None
    llm_timeout_s: float = 30.0
    progress: bool = True
    suite: str = "standard"


def index_for(spec: DatasetSpec, cfg: SuiteConfig) -> Path:
    """The dataset's index under the index root, built (BM25 only) from its corpus when missing."""
    index_dir = cfg.index_root / spec.index_name
    if (index_dir / "manifest.json").is_file():
        return index_dir
    corpus = cfg.data_dir / spec.corpus_path
    if not corpus.exists():
        raise RunError(f"no index at {index_dir} and no corpus at {corpus} to build it from")
    from legal_corpus.report import LoadReport
    from legal_corpus.sources import load_source
    from retrieval.build import update_index

    print(f"building the BM25 index {index_dir} from {corpus} (once; minutes for large corpora)", file=sys.stderr)
    docs = load_source(spec.corpus_source, corpus, cfg.data_dir, LoadReport(spec.corpus_source))
    update_index(index_dir, docs, embedder_spec="none", source=spec.corpus_source)
    return index_dir


def unavailable(bench: Benchmark, cfg: SuiteConfig) -> str | None:
    """Why a named benchmark cannot run here (its question file or its corpus is missing), else None."""
    spec = DATASETS.get(bench.dataset)
    if spec is None:
        return None if Path(bench.dataset).is_file() else f"dataset file not found: {bench.dataset}"
    if not (cfg.data_dir / spec.path).is_file():
        return f"dataset file not found: {cfg.data_dir / spec.path}"
    if cfg.index is None and not (cfg.index_root / spec.index_name / "manifest.json").is_file() \
            and not (cfg.data_dir / spec.corpus_path).exists():
        return f"no index {cfg.index_root / spec.index_name} and no corpus {cfg.data_dir / spec.corpus_path}"
    return None


def read_results(out_dir: Path) -> dict[str, Any] | None:
    path = Path(out_dir) / "results.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def run_suite(benchmarks: Sequence[Benchmark], cfg: SuiteConfig) -> dict[str, Any]:
    """Run the benchmarks, write the report folder and return the results."""
    from .plots import write_plots
    from .suite_report import render_report

    previous = read_results(cfg.out_dir)
    results: dict[str, Any] = {"suite": cfg.suite, "created": datetime.now(UTC).isoformat(timespec="seconds"),
                               "data_dir": str(cfg.data_dir),
                               "settings": {k: v for k, v in asdict(cfg.settings).items()
                                            if k not in ("retrieval", "answers")},  # per dataset below
                               "limit": cfg.limit, "provenance": provenance(), "datasets": {}, "skipped": {}}
    details: list[dict[str, Any]] = []
    for bench in benchmarks:
        name = dataset_name(bench.dataset)
        reason = unavailable(bench, cfg)
        if reason:
            results["skipped"][name] = reason
            continue
        spec, questions = load_dataset(bench.dataset, cfg.data_dir, with_choices=cfg.settings.with_choices,
                                       limit=cfg.limit)
        if cfg.index is not None:
            index_dir = cfg.index
        elif spec is not None:
            index_dir = index_for(spec, cfg)
        else:
            raise RunError(f"{bench.dataset}: a generic dataset needs --index")
        settings = replace(cfg.settings, retrieval=bench.retrieval, answers=bench.answers)
        run = run_dataset(name, questions, index_dir, settings, cfg.out_dir / "cache", chat_model=cfg.chat_model,
                          llm_timeout_s=cfg.llm_timeout_s, progress=cfg.progress)
        entry, rows = score_dataset(name, spec, questions, run, settings)
        entry.update(index_dir=str(index_dir), settings=asdict(settings))
        results["datasets"][name] = entry
        details += rows
    cfg.out_dir.mkdir(parents=True, exist_ok=True)
    with (cfg.out_dir / "details.jsonl").open("w", encoding="utf-8") as fh:
        for row in details:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    results["plots"] = write_plots(results, details, cfg.out_dir)
    (cfg.out_dir / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n",
                                              encoding="utf-8")
    (cfg.out_dir / "report.md").write_text(render_report(results, previous), encoding="utf-8")
    return results
