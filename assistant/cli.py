"""The one command line: ``python -m assistant <command>`` (or ``vnlegal <command>``).

Errors a user can cause (a missing file, an unknown source, a bad flag)
print one line and exit with status 2; they never show a traceback.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from legal_corpus.report import CorpusError, LoadReport
from legal_corpus.sources import SOURCES, load_source
from legal_corpus.stats import CorpusStats, corpus_stats
from retrieval.store import IndexLoadError, read_manifest

from .cli_ask import ask_cmd
from .cli_retrieval import index_cmd, search_cmd
from .settings import get_settings

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Vietnamese public-service and legal assistant.")
corpus_app = typer.Typer(no_args_is_help=True, help="Read corpora into citable legal units.")
app.add_typer(corpus_app, name="corpus")
app.command("index")(index_cmd)
app.command("search")(search_cmd)
console = Console(soft_wrap=True)


class UserError(Exception):
    """A problem the user can fix; shown as one line."""


SourceName = Annotated[str, typer.Option("--source", "-s", help=f"one of: {', '.join(SOURCES)}")]
PathOpt = Annotated[Path | None, typer.Option("--path", "-p", help="file or folder (default: the source's "
                                                                   "place under the data dir)")]


@corpus_app.command("stats")
def corpus_stats_cmd(
    source: SourceName,
    path: PathOpt = None,
    data_dir: Annotated[Path | None, typer.Option(help="data folder (default: LEGAL_DATA_DIR)")] = None,
    max_chars: Annotated[int | None, typer.Option(help="chunk size limit in characters")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print machine-readable JSON")] = False,
) -> None:
    """What a source yields: documents, units by level, chunks, fields recovered, defects, errors."""
    settings = get_settings()
    report = LoadReport(source)
    start = time.perf_counter()
    docs = load_source(source, path, data_dir or settings.data_dir, report)
    stats = corpus_stats(docs, report, max_chars or settings.chunk_max_chars)
    stats.seconds = round(time.perf_counter() - start, 2)
    if as_json:
        print(json.dumps(stats.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_stats(stats)


def _table(title: str, rows: dict[str, object], *headers: str) -> Table:
    table = Table(title=title, title_justify="left", show_header=bool(headers))
    for h in headers or ("", ""):
        table.add_column(h, justify="right" if h in ("count", "rate") else "left")
    for key, value in rows.items():
        table.add_row(str(key), f"{value:,}" if isinstance(value, int) else str(value))
    return table


def _print_stats(s: CorpusStats) -> None:
    console.print(f"[bold]{s.source}[/]: {s.documents:,} documents, {s.chunks:,} chunks "
                  f"({s.articles_split:,} long articles split), read {s.records_read:,} records, "
                  f"loaded {s.records_loaded:,}, failed {s.records_failed:,} in {s.seconds:.1f} s")
    console.print(_table("Units by level", s.units_by_level, "level", "count"))
    console.print(_table("Document types", s.doc_types, "type", "count"))
    console.print(_table("Article status", s.statuses, "status", "count"))
    console.print(_table("Chunk length (characters)", s.chunk_chars, "statistic", "value"))
    if s.procedures:
        console.print(f"procedures with a structured record: {s.procedures:,}")
    if s.field_recovery:
        rows = {k: f"{v['recovered']:,}/{v['present']:,} = {v['rate']:.2%}" for k, v in s.field_recovery.items()}
        console.print(_table("Fields recovered (of records where the source has the field)", rows,
                             "field", "recovered"))
    if s.defects:
        console.print(_table("Known defects found in the source", s.defects, "defect", "count"))
    if s.errors:
        console.print(f"[red]{s.records_failed:,} bad records[/] (first {len(s.errors)}):")
        for line in s.errors:
            console.print(f"  {line}", markup=False, highlight=False)


app.command("ask")(ask_cmd)


@app.command()
def serve(
    index: Annotated[Path | None, typer.Option("--index", "-i", help="index directory (default: LEGAL_INDEX_DIR)")] = None,
    host: Annotated[str | None, typer.Option(help="address to listen on (default: LEGAL_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="port (default: LEGAL_PORT)")] = None,
    workers: Annotated[int | None, typer.Option(min=1, max=64, help="processes sharing the loaded index, "
                                                "about one per core (default: LEGAL_WORKERS)")] = None,
) -> None:
    """Serve the citizens' chat (/), the officials' search (/tra-cuu) and the API (docs at /docs)."""
    import uvicorn

    from .api.app import create_app
    from .api.prefork import Supervisor, bind, listen
    from .api.reload import reload_on_sighup
    from .api.services import open_warm_index
    from .storage import StoreError, open_store

    settings = get_settings()
    settings = settings.model_copy(update={"index_dir": index or settings.index_dir,
                                           "workers": workers or settings.workers})
    host, port = host or settings.host, port or settings.port
    read_manifest(settings.index_dir)  # a missing or foreign index is reported before anything else
    try:  # fail before a long load; workers listen on sockets of their own beside this one
        sock = bind(host, port, reuse_port=True) if settings.workers > 1 else listen(host, port)
    except OSError as exc:
        raise UserError(f"cannot listen on {host}:{port} ({exc.strerror})") from exc
    with sock:
        loaded = open_warm_index(settings, settings.index_dir)  # a bad index stops here, in one line
        try:  # so does an unreachable store; workers open their own, so it is only tried for them
            if settings.workers > 1:
                open_store(settings).close()
            else:
                application = create_app(settings, index=loaded)
        except StoreError as exc:
            raise UserError(str(exc)) from exc
        console.print(f"serving {settings.index_dir} ({len(loaded.chunks):,} chunks) on http://{host}:{port}"
                      f"{f' with {settings.workers} workers' if settings.workers > 1 else ''}", highlight=False)
        if settings.workers > 1:
            Supervisor(sock, lambda idx: create_app(settings, index=idx),
                       lambda: open_warm_index(settings, settings.index_dir), settings.workers).run(loaded)
            return
        reload_on_sighup(application)  # `kill -HUP <pid>` serves the rebuilt index without a restart
        uvicorn.Server(uvicorn.Config(application, log_level="info")).run(sockets=[sock])


@app.command("eval", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def eval_cmd(ctx: typer.Context) -> None:
    """Run benchmarks: the same as ``python -m eval …`` (e.g. ``eval retrieval --dataset alqac2022 --index DIR``)."""
    import subprocess

    # eval drives the product from outside, so it runs as its own program, never imported here.
    raise typer.Exit(subprocess.call([sys.executable, "-m", "eval", *ctx.args]))


def main(argv: list[str] | None = None) -> None:
    """Entry point: one line and exit status 2 for every error a user can cause."""
    try:
        result = app(args=argv, prog_name="vnlegal", standalone_mode=False)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except (CorpusError, UserError, IndexLoadError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except Exception as exc:
        if not (hasattr(exc, "format_message") and hasattr(exc, "exit_code")):
            raise
        if type(exc).__name__ == "Abort":
            print("interrupted", file=sys.stderr)
            sys.exit(130)
        message = exc.format_message()
        if message:  # a usage error; help shown for a bare command has no message
            print(f"error: {message} (see --help)", file=sys.stderr)
        sys.exit(2)
    sys.exit(result if isinstance(result, int) else 0)
