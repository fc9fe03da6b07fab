"""The corpora we know how to read, by name, with their default locations.

Loaders are imported lazily: reading the demo corpus should not pay for
the HTML, PDF and DOCX libraries.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .models import ParsedDocument
from .report import CorpusError, LoadReport

Loader = Callable[..., Iterator[ParsedDocument]]


@dataclass(frozen=True)
class Source:
    name: str
    loader: str  # "module:function"
    default_path: str | None  # relative to the data dir; None = packaged or required
    description: str

    def load_function(self) -> Loader:
        module, func = self.loader.split(":")
        return getattr(importlib.import_module(module), func)


SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source("demo", "legal_corpus.loaders.demo:load_demo", None,
               "built-in sample guides to common citizen procedures"),
        Source("phapdien", "legal_corpus.loaders.phapdien:load_phapdien", "phapdien/phapdien_dieu.jsonl.gz",
               "Bộ Pháp điển, jsonl dump"),
        Source("phapdien-html", "legal_corpus.loaders.phapdien_html:load_phapdien_html", "phapdien/raw_sample",
               "Bộ Pháp điển, official đề mục HTML pages"),
        Source("procedures", "legal_corpus.loaders.procedures:load_procedures", "tthc/procedures.jsonl.gz",
               "administrative procedures from the national public-service portal"),
        Source("alqac", "legal_corpus.loaders.alqac:load_alqac", "alqac",
               "ALQAC law corpora (law_*.json)"),
        Source("files", "legal_corpus.loaders.files:load_files", None,
               "a file or folder of .txt/.md/.html/.docx/.pdf documents"),
    )
}


def resolve_path(name: str, path: Path | str | None, data_dir: Path | str) -> Path | None:
    """The path to read: the one given, else the source's default under the data dir."""
    source = get_source(name)
    if path is not None:
        return Path(path)
    if source.default_path is None:
        if name == "demo":
            return None
        raise CorpusError(f"source '{name}' needs --path (a file or folder to read)")
    return Path(data_dir) / source.default_path


def get_source(name: str) -> Source:
    try:
        return SOURCES[name]
    except KeyError:
        raise CorpusError(f"unknown source '{name}' (choose from: {', '.join(SOURCES)})") from None


def load_source(name: str, path: Path | str | None, data_dir: Path | str,
                report: LoadReport | None = None) -> Iterator[ParsedDocument]:
    """Documents of a named source; problems go to the report, fatal ones raise CorpusError."""
    source = get_source(name)
    resolved = resolve_path(name, path, data_dir)
    report = report if report is not None else LoadReport(name)
    loader = source.load_function()
    return loader(resolved, report) if resolved is not None else loader(None, report)
