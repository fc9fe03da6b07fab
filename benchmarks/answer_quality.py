"""Answer quality on the procedure sets (dev and held-out test) and the out-of-scope set, and answer latency.

    python benchmarks/answer_quality.py [--index var/index/procedures] [--failures dev|test|all]

Prints per procedure set: gold procedure in the card or the top 3 hits;
answers containing all required facts; in-scope refused. Then out-of-scope
refused and latency p50/p95. A fact counts only if it occurs in what a user
sees, the answer text plus the rendered card, matched as ``python -m eval
answers`` matches it (``eval.answer_parser.contains``: whole words, after NFC,
case, spacing, thousands-separator and leading-zero normalisation).
Targets (issue 5): ≥ 90%, ≥ 85%, ≤ 5%, ≥ 95%; extractive p95 ≤ 100 ms after retrieval.
The test set is held out: tune on dev, report test, never tune on test.
test2 (procedures_test2.jsonl) is a second, fresh held-out set: report it, never tune on it.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

from assistant.answer import Answer
from assistant.cards import card_text
from assistant.pipeline import Assistant
from eval.answer_parser import contains
from eval.datasets import BUNDLED, Question, read_generic, read_out_of_scope
from eval.metrics import percentile
from retrieval.index import open_index

SETS = {"dev": "procedures_dev.jsonl", "test": "procedures_test.jsonl", "short": "procedures_short.jsonl",
        "test2": "procedures_test2.jsonl"}


def shown_text(answer: Answer) -> str:
    """What the user reads: the answer text and the card."""
    return answer.text + ("\n" + card_text(answer.card) if answer.card else "")


@dataclass
class SetScore:
    n: int = 0
    found: int = 0
    facts: int = 0
    refused: int = 0
    total_ms: list[float] = field(default_factory=list)
    compose_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def score_set(assistant: Assistant, questions: list[Question]) -> SetScore:
    s = SetScore(n=len(questions))
    for q in questions:
        a = assistant.ask(q.text)
        codes = set(a.procedure_codes) | {h["article_ref"] for h in a.hits[:3]}
        ok = bool(codes & set(q.gold))
        shown = shown_text(a)
        missing = [f for f in q.facts if not contains(shown, f)]
        s.found += ok
        s.facts += not missing
        s.refused += a.refused
        s.total_ms.append(a.timings_ms["total"])
        s.compose_ms.append(a.timings_ms.get("compose", 0.0))
        if not ok or missing or a.refused:
            card = f"{a.card.code} {a.card.name[:70]}" if a.card else "no card"
            top = " ".join(h["article_ref"] for h in a.hits[:3])
            s.failures.append(f"{q.id} [{q.category}] {q.text[:80]}\n"
                              f"    gold {' '.join(q.gold)} | card {card} | top3 {top}"
                              f"{' | REFUSED' if a.refused else ''}"
                              + (f"\n    missing facts: {missing}" if missing else ""))
    return s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("var/index/procedures"))
    parser.add_argument("--failures", choices=(*SETS, "all"), help="print each failed question")
    args = parser.parse_args()
    assistant = Assistant(open_index(args.index))
    assistant.index.warm()
    scores = {name: score_set(assistant, read_generic(BUNDLED / file)) for name, file in SETS.items()}
    oos = read_out_of_scope(BUNDLED / "out_of_scope_dev.jsonl")
    refused_out = sum(assistant.ask(q.text).refused for q in oos)
    for name, s in scores.items():
        print(f"[{name}: {s.n} questions]")
        print(f"  gold procedure in card or top-3   {s.found / s.n:6.1%}  ({s.found}/{s.n}; target ≥ 90%)")
        print(f"  all required facts in the answer  {s.facts / s.n:6.1%}  ({s.facts}/{s.n}; target ≥ 85%)")
        print(f"  in-scope refused                  {s.refused / s.n:6.1%}  ({s.refused}/{s.n}; target ≤ 5%)")
    m = len(oos)
    print(f"out-of-scope refused                {refused_out / m:6.1%}  ({refused_out}/{m}; target ≥ 95%)")
    compose = [t for s in scores.values() for t in s.compose_ms]
    total = [t for s in scores.values() for t in s.total_ms]
    print(f"compose after retrieval             p50 {percentile(compose, 50):.1f} ms  "
          f"p95 {percentile(compose, 95):.1f} ms")
    print(f"end-to-end ask                      p50 {percentile(total, 50):.1f} ms  p95 {percentile(total, 95):.1f} ms")
    for name, s in scores.items():
        if args.failures in (name, "all"):
            print(f"\nfailures on {name} ({len(s.failures)}):")
            print("\n".join(s.failures))


if __name__ == "__main__":
    main()
