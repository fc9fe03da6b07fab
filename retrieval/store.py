"""The index directory on disk: manifest, chunks, token tables, BM25 models, vectors.

Layout (format version 1)::

    manifest.json         format, embedder, counts, collections, fingerprint, build settings
    chunks.jsonl          one Chunk per line, row order = index order
    procedures.jsonl      structured procedures (code, offices, papers, steps, fees…) for cards
    tokens-<view>.npz     token ids per chunk (rebuild BM25 after add/delete without re-tokenising)
    bm25-<view>/          bm25s model files
    vectors.npy           float32 (n, dim) passage embeddings (absent without an embedder)
    dense.faiss           FAISS index over the vectors

A directory is written whole into a temporary sibling and renamed into
place, so a reader never sees half an index and a killed build leaves the
previous index loadable.
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from legal_corpus.models import Chunk

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"
PROCEDURES = "procedures.jsonl"


class IndexLoadError(Exception):
    """The index directory is missing, corrupt, or made for another embedder/format."""


_CHUNK_FIELDS = {f.name for f in dataclasses.fields(Chunk)}


def write_chunks(path: Path, chunks: list[Chunk]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for chunk in chunks:
            f.write(json.dumps(dataclasses.asdict(chunk), ensure_ascii=False) + "\n")


def read_chunks(path: Path) -> list[Chunk]:
    chunks = []
    with path.open(encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            try:
                data = json.loads(line)
                chunks.append(Chunk(**{k: v for k, v in data.items() if k in _CHUNK_FIELDS}))
            except (json.JSONDecodeError, TypeError) as exc:
                raise IndexLoadError(f"{path}:{line_no}: corrupt chunk record ({exc})") from exc
    return chunks


def read_procedures(path: Path) -> dict[str, dict[str, Any]]:
    """Structured procedures by code; an index without the file simply has none."""
    if not path.is_file():
        return {}
    out = {}
    with path.open(encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            try:
                record = json.loads(line)
                out[record["code"]] = record
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise IndexLoadError(f"{path}:{line_no}: corrupt procedure record ({exc})") from exc
    return out


def read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST
    if not directory.exists() and directory.parent.is_dir():  # a writer killed between its two renames
        with writer_lock(directory):
            recover(directory)
    if not directory.is_dir():
        raise IndexLoadError(f"{directory}: no index here (build one with `python -m assistant index`)")
    if not path.is_file():
        raise IndexLoadError(f"{directory}: not an index directory (no {MANIFEST})")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IndexLoadError(f"{path}: corrupt manifest ({exc})") from exc
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise IndexLoadError(f"{directory}: index format {version!r}, this version reads {FORMAT_VERSION}; "
                             "rebuild the index")
    return manifest


@contextmanager
def writer_lock(directory: Path) -> Iterator[None]:
    """One writer per index directory: an advisory lock on a sibling file, released even on SIGKILL."""
    directory = directory.resolve()
    directory.parent.mkdir(parents=True, exist_ok=True)
    with open(directory.parent / f".{directory.name}.lock", "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _remove_leftovers(directory: Path) -> None:
    """Temporary and replaced directories a killed writer left behind (call holding the writer lock)."""
    recover(directory)
    for pattern in (f".{directory.name}.tmp-*", f".{directory.name}.old-*"):
        for leftover in directory.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)


def write_atomically(directory: Path, fill: Callable[[Path], None]) -> None:
    """Fill a temporary sibling directory, then swap it in for ``directory``."""
    directory = directory.resolve()
    with writer_lock(directory):
        _remove_leftovers(directory)
        _swap_in(directory, fill)


def _swap_in(directory: Path, fill: Callable[[Path], None]) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.tmp-", dir=directory.parent))
    try:
        fill(tmp)
        for f in tmp.iterdir():  # data on disk before the rename makes it visible
            if f.is_file():
                with f.open("rb") as fh:
                    os.fsync(fh.fileno())
        old = None
        if directory.exists():
            old = directory.parent / f".{directory.name}.old-{time.time_ns()}"
            os.replace(directory, old)
        os.replace(tmp, directory)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def recover(directory: Path) -> None:
    """After a crash between the two renames, put the previous index back."""
    directory = directory.resolve()
    if directory.exists() or not directory.parent.is_dir():
        return
    olds = sorted(directory.parent.glob(f".{directory.name}.old-*"))
    if olds:
        os.replace(olds[-1], directory)


def dir_size(directory: Path) -> int:
    return sum(f.stat().st_size for f in directory.rglob("*") if f.is_file())
