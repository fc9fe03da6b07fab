"""Dense retrieval storage: a FAISS inner-product index and an on-disk embedding cache.

Vectors are L2-normalised, so inner product is cosine. Small corpora use an
exact flat index; large ones an HNSW graph. The cache keys vectors by a hash of
the passage text, so rebuilding an index never re-embeds unchanged text and a
killed build resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from retrieval.embedders import Embedder

log = logging.getLogger(__name__)

HNSW_FROM_ROWS = 100_000  # "auto" switches from exact Flat to HNSW at this size
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 80, 128
EXACT_MAX_ALLOWED = 20_000  # with a filter this selective, brute force on the allowed rows beats the graph
FLUSH_SECONDS = 60.0  # a killed build loses at most about this much embedding work
_threads: int | None = None


class DenseIndexError(RuntimeError):
    """The dense index file is missing, truncated or not an index we wrote."""


def _faiss() -> Any:
    import faiss  # lazy: ~0.3 s, and only needed when vectors are used

    return faiss


def set_threads(n: int) -> None:
    """Cap FAISS threads. Re-applied on every search because OpenMP keeps it per calling thread."""
    global _threads
    _threads = max(1, int(n))
    _faiss().omp_set_num_threads(_threads)


def _rows(x: np.ndarray, dim: int | None = None) -> np.ndarray:
    x = np.ascontiguousarray(np.atleast_2d(np.asarray(x, dtype=np.float32)))
    if x.ndim != 2 or (dim is not None and x.shape[1] != dim):
        raise ValueError(f"expected vectors of shape (n, {dim}), got {x.shape}")
    return x


class DenseIndex:
    """Inner-product search over L2-normalised vectors; row i is chunk i of the index."""

    def __init__(self, index: Any, kind: str) -> None:
        self._index, self.kind = index, kind

    @classmethod
    def build(cls, vectors: np.ndarray, *, kind: str = "auto") -> DenseIndex:
        """``auto``: exact ``flat`` below HNSW_FROM_ROWS rows, else ``hnsw`` (approximate, much faster)."""
        faiss, x = _faiss(), _rows(vectors)
        if kind == "auto":
            kind = "hnsw" if len(x) >= HNSW_FROM_ROWS else "flat"
        if kind == "flat":
            index = faiss.IndexFlatIP(x.shape[1])
        elif kind == "hnsw":
            index = faiss.IndexHNSWFlat(x.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            index.hnsw.efSearch = HNSW_EF_SEARCH
        else:
            raise ValueError(f"dense index kind {kind!r} is not 'auto', 'flat' or 'hnsw'")
        dense = cls(index, kind)
        dense.add(x)
        return dense

    @property
    def ntotal(self) -> int:
        return int(self._index.ntotal)

    @property
    def dim(self) -> int:
        return int(self._index.d)

    def add(self, vectors: np.ndarray) -> None:
        """Append rows (their row numbers continue from ``ntotal``)."""
        x = _rows(vectors, self.dim)
        if len(x):
            self._index.add(x)

    def search(self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, rows) per query, best first; missing slots are row -1, score -inf.

        ``allowed`` is a bool mask over rows (deleted or filtered-out rows False).
        Flat indexes, and HNSW under a selective mask, are then searched exactly
        with numpy; otherwise HNSW results are over-fetched and disallowed rows dropped.
        """
        q = _rows(queries, self.dim)
        scores = np.full((len(q), max(k, 0)), -np.inf, dtype=np.float32)
        rows = np.full((len(q), max(k, 0)), -1, dtype=np.int64)
        if k <= 0 or not len(q) or not self.ntotal:
            return scores, rows
        if _threads:
            _faiss().omp_set_num_threads(_threads)
        mask = None if allowed is None else np.asarray(allowed, dtype=bool)
        if mask is not None and mask.shape != (self.ntotal,):
            raise ValueError(f"allowed mask has shape {mask.shape}, index has {self.ntotal} rows")
        ids = None if mask is None else np.flatnonzero(mask)
        if ids is None:
            d, i = self._index.search(q, k)
        elif not len(ids):
            return scores, rows
        elif self.kind == "flat" or len(ids) <= EXACT_MAX_ALLOWED:
            d, i = self._exact(q, k, mask, ids)
        else:
            fetch = min(self.ntotal, max(2 * k, int(1.5 * k * self.ntotal / len(ids))))
            while True:
                d, i = self._index.search(q, fetch)
                keep = (i >= 0) & mask[np.maximum(i, 0)]
                if fetch >= self.ntotal or keep.sum(axis=1).min() >= k:
                    break
                fetch = min(self.ntotal, fetch * 2)
            d, i = np.where(keep, d, -np.inf), np.where(keep, i, -1)
        for j in range(len(q)):  # best first, -1 rows last
            order = np.lexsort((-d[j], i[j] < 0))[:k]
            order = order[i[j][order] >= 0]
            scores[j, : len(order)], rows[j, : len(order)] = d[j][order], i[j][order]
        return scores, rows

    def _exact(self, q: np.ndarray, k: int, mask: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Brute force over the allowed rows, in blocks of queries to bound memory."""
        faiss = _faiss()
        flat = faiss.downcast_index(self._index.storage) if self.kind == "hnsw" else self._index
        matrix = faiss.rev_swig_ptr(flat.get_xb(), self.ntotal * self.dim).reshape(self.ntotal, self.dim)
        gathered = matrix[ids] if len(ids) * 4 < self.ntotal else None  # small subset: copy it once
        top = min(k, len(ids))  # disallowed rows score -inf, so the best `top` are all allowed
        d, i = np.empty((len(q), top), np.float32), np.empty((len(q), top), np.int64)
        for s in range(0, len(q), 64):
            if gathered is not None:
                sims, cand = q[s:s + 64] @ gathered.T, ids
            else:
                sims, cand = q[s:s + 64] @ matrix.T, np.arange(self.ntotal)
                sims[:, ~mask] = -np.inf
            part = np.argpartition(-sims, top - 1, axis=1)[:, :top]
            d[s:s + 64], i[s:s + 64] = np.take_along_axis(sims, part, axis=1), cand[part]
        return d, i

    def save(self, path: Path) -> None:
        """Write atomically, so a crash never leaves a half-written index in place."""
        path = Path(path)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        _faiss().write_index(self._index, str(tmp))
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        faiss, path = _faiss(), Path(path)
        if not path.is_file():
            raise DenseIndexError(f"dense index {path} is missing; rebuild the index")
        try:
            index = faiss.read_index(str(path))  # already the concrete class; downcasting again would drop ownership
        except RuntimeError as exc:
            raise DenseIndexError(f"dense index {path} is corrupt or truncated; rebuild the index") from exc
        if index.metric_type != faiss.METRIC_INNER_PRODUCT:
            raise DenseIndexError(f"dense index {path} does not use inner product; rebuild the index")
        if isinstance(index, faiss.IndexHNSWFlat):
            index.hnsw.efSearch = HNSW_EF_SEARCH
            return cls(index, "hnsw")
        if isinstance(index, faiss.IndexFlat):
            return cls(index, "flat")
        raise DenseIndexError(f"dense index {path} is a {type(index).__name__}, not Flat or HNSW")


def recall_against_exact(vectors: np.ndarray, queries: np.ndarray, k: int = 10) -> float:
    """Mean recall@k of HNSW against exact search on the same vectors (for benchmarks)."""
    _, exact = DenseIndex.build(vectors, kind="flat").search(queries, k)
    _, approx = DenseIndex.build(vectors, kind="hnsw").search(queries, k)
    hits = [len(set(e[e >= 0]) & set(a[a >= 0])) / max(1, int((e >= 0).sum()))
            for e, a in zip(exact, approx, strict=True)]
    return float(np.mean(hits)) if hits else 1.0


def text_key(text: str) -> bytes:
    """16-byte blake2b of the passage text: the cache key."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class EmbeddingCacheError(ValueError):
    """The cache folder belongs to another model or dimension."""


class EmbeddingCache:
    """Vectors by text hash so unchanged text is never embedded twice, and an interrupted build resumes.

    A folder of ``shard-NNNNN.npz`` files (``keys`` (n, 16) uint8, ``vectors``
    (n, dim) float32), each written to a temp file then renamed, so a kill
    loses at most the texts not yet flushed. ``cache.json`` records the model;
    another model's vectors are refused rather than mixed. Unreadable shards are
    renamed ``*.corrupt``, reported in ``problems`` and their texts re-embedded.
    One writer at a time.
    """

    def __init__(self, path: Path, dim: int, model_name: str) -> None:
        self.path, self.dim, self.model_name = Path(path), int(dim), model_name
        self.problems: list[str] = []
        self._vectors: dict[bytes, np.ndarray] = {}
        self._pending: dict[bytes, np.ndarray] = {}
        self.path.mkdir(parents=True, exist_ok=True)
        meta_file = self.path / "cache.json"
        if meta_file.exists():
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            if (meta.get("model"), meta.get("dim")) != (model_name, self.dim):
                raise EmbeddingCacheError(
                    f"embedding cache {self.path} holds {meta.get('model')!r} (dim {meta.get('dim')}), "
                    f"not {model_name!r} (dim {self.dim}); use another folder or delete it")
        else:
            self._write_atomic(meta_file, json.dumps({"model": model_name, "dim": self.dim}).encode())
        self._load()

    def _load(self) -> None:
        for shard in sorted(self.path.glob("shard-*.npz")):
            try:
                with np.load(shard) as data:
                    keys, vectors = data["keys"], data["vectors"]
                if keys.shape != (len(vectors), 16) or vectors.shape[1:] != (self.dim,):
                    raise ValueError(f"shapes {keys.shape} / {vectors.shape}")
            except Exception as exc:  # truncated zip, bad pickle, wrong shapes: all mean "unusable"
                msg = f"embedding cache shard {shard.name} is unreadable ({type(exc).__name__}); its texts will be re-embedded"
                self.problems.append(msg)
                warnings.warn(msg, stacklevel=3)
                log.warning(msg)
                try:
                    shard.rename(shard.with_name(shard.name + ".corrupt"))
                except OSError:
                    pass
                continue
            vectors = vectors.astype(np.float32, copy=False)
            self._vectors.update(zip(map(bytes, keys), vectors, strict=True))

    def __len__(self) -> int:
        return len(self._vectors)

    def get_many(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(found, vectors): a bool mask per text and (n, dim) float32 rows, zero where not found."""
        found = np.zeros(len(texts), dtype=bool)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for j, text in enumerate(texts):
            vec = self._vectors.get(text_key(text))
            if vec is not None:
                found[j], out[j] = True, vec
        return found, out

    def embed(self, texts: Sequence[str], embedder: Embedder, *, batch_size: int = 32, flush_every: int = 512,
              flush_seconds: float | None = None, progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Vectors for all ``texts`` in order, embedding only the ones not cached (each distinct text once).

        Flushes a shard every ``flush_every`` new vectors or ``flush_seconds`` (default
        ``FLUSH_SECONDS``), and on any exception;
        ``progress(n_done)`` counts input texts resolved so far: once for the
        cached ones (if any), then after each batch; it ends at ``len(texts)``.
        """
        if (embedder.name, int(embedder.dim)) != (self.model_name, self.dim):
            raise EmbeddingCacheError(f"embedder {embedder.name!r} (dim {embedder.dim}) does not match the "
                                      f"cache's {self.model_name!r} (dim {self.dim})")
        keys = [text_key(t) for t in texts]
        todo: dict[bytes, tuple[str, int]] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in self._vectors:
                todo[key] = (todo[key][0], todo[key][1] + 1) if key in todo else (text, 1)
        done = len(texts) - sum(n for _, n in todo.values())
        items = list(todo.items())
        if progress is not None and done:
            progress(done)
        flush_seconds = FLUSH_SECONDS if flush_seconds is None else flush_seconds
        last_flush = time.monotonic()
        try:
            for start in range(0, len(items), batch_size):
                batch = items[start:start + batch_size]
                vecs = _rows(embedder.embed_passages([text for _, (text, _) in batch]), self.dim)
                if len(vecs) != len(batch):
                    raise ValueError(f"embedder returned {len(vecs)} vectors for {len(batch)} texts")
                for (key, (_, count)), vec in zip(batch, vecs, strict=True):
                    self._vectors[key] = self._pending[key] = vec
                    done += count
                if len(self._pending) >= flush_every or time.monotonic() - last_flush >= flush_seconds:
                    self.flush()
                    last_flush = time.monotonic()
                if progress is not None:
                    progress(done)
        finally:
            self.flush()
        return np.stack([self._vectors[k] for k in keys]) if keys else np.zeros((0, self.dim), np.float32)

    def flush(self) -> None:
        """Write pending vectors as the next shard."""
        if not self._pending:
            return
        names = [p.name for p in self.path.glob("shard-*.npz*")]
        number = 1 + max((int(n[6:11]) for n in names if n[6:11].isdigit()), default=0)
        keys = np.frombuffer(b"".join(self._pending), dtype=np.uint8).reshape(-1, 16)
        vectors = np.stack(list(self._pending.values())).astype(np.float32)
        shard = self.path / f"shard-{number:05d}.npz"
        tmp = self.path / f".{shard.name}.{os.getpid()}.tmp"
        with open(tmp, "wb") as fh:
            np.savez(fh, keys=keys, vectors=vectors)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, shard)
        self._pending.clear()

    @staticmethod
    def _write_atomic(path: Path, data: bytes) -> None:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
