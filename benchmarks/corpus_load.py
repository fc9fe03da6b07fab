"""Time loading + normalising + parsing + chunking the whole Pháp điển, and
print the chunk length distribution.

    python benchmarks/corpus_load.py [--path ../shared/data/phapdien/phapdien_dieu.jsonl.gz]

Target (issue 3): ≤ 60 s on the 2-core development machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from pathlib import Path

from eval.metrics import percentile
from legal_corpus.chunking import DEFAULT_MAX_CHARS, chunk_documents
from legal_corpus.loaders.phapdien import load_phapdien
from legal_corpus.report import LoadReport


def main() -> None:
    data = Path(os.environ.get("LEGAL_DATA_DIR", Path(__file__).resolve().parents[1].parent / "shared" / "data"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", type=Path, default=data / "phapdien" / "phapdien_dieu.jsonl.gz")
    parser.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS)
    args = parser.parse_args()

    report = LoadReport("phapdien")
    t0 = time.perf_counter()
    docs = list(load_phapdien(args.path, report))
    t1 = time.perf_counter()
    chunks = list(chunk_documents(docs, args.max_chars))
    t2 = time.perf_counter()

    lengths = [len(c.passage) for c in chunks]
    split_articles = len({c.unit_id for c in chunks if c.parts > 1})
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"records read      {report.records_read:>10,}")
    print(f"articles loaded   {report.records_loaded:>10,}")
    print(f"source documents  {len(docs):>10,}")
    print(f"chunks            {len(chunks):>10,}  (max {args.max_chars} chars; {split_articles:,} articles split)")
    print(f"load+parse        {t1 - t0:>10.1f} s")
    print(f"chunking          {t2 - t1:>10.1f} s")
    print(f"total             {t2 - t0:>10.1f} s   (target ≤ 60 s)")
    print(f"peak RSS          {peak_mb:>10,.0f} MB")
    print("chunk length (chars, heading included):")
    print(f"  mean {statistics.mean(lengths):.0f}  median {statistics.median(lengths):.0f}  "
          f"p90 {percentile(lengths, 90):.0f}  p99 {percentile(lengths, 99):.0f}  max {max(lengths)}")
    bins = [0, 250, 500, 1000, 1500, 2000, 10**9]
    for lo, hi in zip(bins, bins[1:], strict=False):
        n = sum(lo <= x < hi for x in lengths)
        label = f"{lo}–{hi - 1}" if hi < 10**9 else f"≥{lo}"
        print(f"  {label:>10}: {n:>7,}  {100 * n / len(lengths):5.1f}%")


if __name__ == "__main__":
    main()
