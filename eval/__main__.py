"""``python -m eval``: retrieval benchmarks, answer benchmarks, the standard suite, run comparison.

    python -m eval retrieval --dataset NAME|FILE.jsonl --index DIR      # retrieval metrics only
    python -m eval answers --dataset NAME|FILE.jsonl [--index DIR] [--composer extractive|openai|…]
    python -m eval run --suite standard [--data DIR] [--out DIR]        # every benchmark found, one report
    python -m eval compare RUN_A RUN_B                                   # metric differences, wins/losses

Errors a user can fix (a missing index or dataset file, a bad hits file) print
one line and exit 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from assistant.llm.base import BACKENDS, LLMError, make_chat_model
from assistant.settings import get_settings

from .compare import CompareError, render_compare
from .datasets import DATASETS, DatasetError, dataset_name, load_dataset
from .metrics import Rule
from .report import render_markdown, write_report
from .retrieval import BenchmarkError, run_retrieval, score_hits_file
from .runner import RunError, RunSettings
from .suite import SUITES, Benchmark, SuiteConfig, run_suite

DATA_DIR = Path(os.environ.get("LEGAL_DATA_DIR") or "../shared/data")


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
    r.add_argument("--data", type=Path, default=DATA_DIR, help="data folder (default $LEGAL_DATA_DIR or ../shared/data)")
    r.add_argument("--limit", type=int, help="only the first N questions")
    r.add_argument("--rule", type=_rule, help="ALQAC article cut RATIO:MAX_N tuned elsewhere (default: tune here)")
    r.add_argument("--no-choices", action="store_true", help="send ALQAC questions without their options")
    r.add_argument("--collection", action="append", default=[], help="search only this collection (repeatable)")
    r.add_argument("--hits", type=Path, help="score this existing hits file instead of searching")

    a = sub.add_parser("answers", help="answer accuracy, procedure facts, refusals, citation quality and latency "
                                       "of the full pipeline on one dataset")
    a.add_argument("--dataset", required=True, help=f"{', '.join(DATASETS)} or a FILE.jsonl (eval/FORMATS.md)")
    a.add_argument("--index", type=Path, help="index folder (default: the dataset's own under --index-root)")
    a.add_argument("--out", type=Path, help="report folder (default reports/answers-<dataset>)")
    _common(a)

    u = sub.add_parser("run", help="run every benchmark available under the data dir and write one report folder")
    u.add_argument("--suite", choices=sorted(SUITES), default="standard")
    u.add_argument("--out", type=Path, default=Path("reports/standard"), help="report folder (default reports/standard)")
    _common(u)

    c = sub.add_parser("compare", help="metric differences and per-question wins/losses of run B against run A")
    c.add_argument("run_a", type=Path)
    c.add_argument("run_b", type=Path)
    c.add_argument("--out", type=Path, help="also write the comparison to this markdown file")
    return parser


def _common(p: argparse.ArgumentParser) -> None:
    """Options shared by ``answers`` and ``run``."""
    p.add_argument("--data", type=Path, default=DATA_DIR, help="data folder (default $LEGAL_DATA_DIR or ../shared/data)")
    p.add_argument("--index-root", type=Path, default=Path("var/index"),
                   help="where the datasets' indexes live and are built when missing (default var/index)")
    p.add_argument("--composer", choices=BACKENDS, help="answer composer (default: LEGAL_LLM_BACKEND, else extractive)")
    p.add_argument("--model", help="LLM model name or path (default LEGAL_LLM_MODEL)")
    p.add_argument("--base-url", help="OpenAI-compatible server URL (default LEGAL_LLM_BASE_URL)")
    p.add_argument("--persona", choices=("citizen", "official"), default="citizen")
    p.add_argument("--limit", type=int, help="only the first N questions of each dataset")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def _suite_config(args: argparse.Namespace, out: Path, index: Path | None, suite: str) -> SuiteConfig:
    """Settings-driven chat model (``assistant.llm``), overridden by the command line."""
    settings = get_settings()
    update = {"llm_backend": args.composer or settings.llm_backend}
    update |= {k: v for k, v in (("llm_model", args.model), ("llm_base_url", args.base_url)) if v}
    settings = settings.model_copy(update=update)
    model = make_chat_model(settings)
    run = RunSettings(composer=settings.llm_backend, model=(settings.llm_model or "") if model else "",
                      persona=args.persona)
    return SuiteConfig(data_dir=args.data, out_dir=out, index_root=args.index_root, settings=run, index=index,
                       limit=args.limit, chat_model=model, llm_timeout_s=settings.llm_timeout_s,
                       progress=not args.no_progress, suite=suite)


def _run_suite(args: argparse.Namespace) -> int:
    if args.command == "answers":
        out = args.out or Path("reports") / f"answers-{dataset_name(args.dataset)}"
        cfg = _suite_config(args, out, args.index, "answers")
        results = run_suite([Benchmark(args.dataset, retrieval=False)], cfg)
    else:
        cfg = _suite_config(args, args.out, None, args.suite)
        results = run_suite(SUITES[args.suite], cfg)
    print((cfg.out_dir / "report.md").read_text(encoding="utf-8"))
    for name, reason in results["skipped"].items():
        print(f"skipped {name}: {reason}", file=sys.stderr)
    print(f"wrote {cfg.out_dir}/report.md, results.json, details.jsonl and {len(results['plots'])} plots",
          file=sys.stderr)
    return 0 if results["datasets"] else 2


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "compare":
        try:
            text = render_compare(args.run_a, args.run_b)
        except CompareError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        if args.out:
            args.out.write_text(text, encoding="utf-8")
        print(text, end="")
        return 0
    if args.limit is not None and args.limit < 1:
        print("error: --limit must be ≥ 1", file=sys.stderr)
        return 2
    if args.command in ("answers", "run"):
        try:
            return _run_suite(args)
        except (RunError, DatasetError, LLMError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    if args.k < 1:
        print("error: --k must be ≥ 1", file=sys.stderr)
        return 2
    try:
        if args.hits is not None:
            if not args.hits.is_file():
                raise BenchmarkError(f"hits file not found: {args.hits}")
            spec, questions = load_dataset(args.dataset, args.data, with_choices=not args.no_choices, limit=args.limit)
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
