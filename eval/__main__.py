"""``python -m eval retrieval``: benchmark the batch search on a question set with gold articles.

Errors a user can fix (a missing index or dataset file, a bad hits file) print
one line and exit 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .datasets import DATASETS, DatasetError, dataset_name, load_dataset
from .metrics import Rule
from .report import render_markdown, write_report
from .retrieval import BenchmarkError, run_retrieval, score_hits_file


def _rule(text: str) -> Rule:
    try:
        ratio, max_n = text.split(":")
        rule = Rule(float(ratio), int(max_n))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected RATIO:MAX_N such as 0.85:3, got {text!r}") from exc
    if not (0 <= rule.ratio <= 1 and rule.max_n >= 1):
        raise argparse.ArgumentTypeError("ratio must be in 0..1 and max_n ≥ 1")
    return rule


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("retrieval", help="Recall@k, MRR@10, nDCG@10, ALQAC F2 and latency of the batch search")
    r.add_argument("--dataset", required=True, help=f"{', '.join(DATASETS)} or a FILE.jsonl ({{id, question, gold}})")
    r.add_argument("--index", type=Path, help="index folder to search (required unless --hits)")
    r.add_argument("--k", type=int, default=100, help="hits per question (default 100)")
    r.add_argument("--out", type=Path, default=Path("reports"), help="report folder (default ./reports)")
    r.add_argument("--data", type=Path, default=Path(os.environ.get("LEGAL_DATA_DIR") or "../shared/data"),
                   help="data folder (default $LEGAL_DATA_DIR or ../shared/data)")
    r.add_argument("--limit", type=int, help="only the first N questions")
    r.add_argument("--rule", type=_rule, help="ALQAC article cut RATIO:MAX_N tuned elsewhere (default: tune here)")
    r.add_argument("--no-choices", action="store_true", help="send ALQAC questions without their options")
    r.add_argument("--collection", action="append", default=[], help="search only this collection (repeatable)")
    r.add_argument("--hits", type=Path, help="score this existing hits file instead of searching")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.k < 1 or (args.limit is not None and args.limit < 1):
        print("error: --k and --limit must be ≥ 1", file=sys.stderr)
        return 2
    try:
        if args.hits is not None:
            if not args.hits.is_file():
                raise BenchmarkError(f"hits file not found: {args.hits}")
            spec, questions = load_dataset(args.dataset, args.data, with_choices=not args.no_choices)
            questions = questions[:args.limit] if args.limit else questions
            report = score_hits_file(dataset_name(args.dataset), spec, questions, args.hits, k=args.k, rule=args.rule)
        elif args.index is None:
            raise BenchmarkError("--index is required (or --hits to score an existing hits file)")
        else:
            report = run_retrieval(args.dataset, args.index, args.out, args.data, k=args.k, limit=args.limit,
                                   rule=args.rule, with_choices=not args.no_choices, collections=args.collection)
    except (BenchmarkError, DatasetError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    json_path, md_path = write_report(report, args.out)
    print(render_markdown(report))
    print(f"wrote {json_path} and {md_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
