"""Answer quality on the procedure and out-of-scope dev sets, and answer latency.

    python benchmarks/answer_quality.py [--index var/index/procedures]

Prints: gold procedure in the card or the top 3 hits; answers containing all
required facts (compared after NFC, case, spacing and thousands-separator
normalisation); out-of-scope refused; in-scope refused; latency p50/p95.
Targets (issue 5): ≥ 90%, ≥ 85%, ≥ 95%, ≤ 5%; extractive p95 ≤ 100 ms after retrieval.
"""

from __future__ import annotations

import argparse
import json
import re
import unicodedata
from pathlib import Path

from assistant.pipeline import Assistant
from eval.metrics import percentile
from retrieval.index import open_index

DATA = Path(__file__).resolve().parents[1] / "eval" / "data"


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    text = re.sub(r"(?<=\d)[.,](?=\d{3}\b)", "", text)
    return " ".join(text.split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("var/index/procedures"))
    args = parser.parse_args()
    assistant = Assistant(open_index(args.index))
    assistant.index.warm()
    procs = [json.loads(x) for x in (DATA / "procedures_dev.jsonl").read_text(encoding="utf-8").splitlines()]
    oos = [json.loads(x) for x in (DATA / "out_of_scope_dev.jsonl").read_text(encoding="utf-8").splitlines()]
    found = facts = refused_in = 0
    total_ms, compose_ms = [], []
    misses = []
    for q in procs:
        a = assistant.ask(q["question"])
        codes = set(a.procedure_codes) | {h["article_ref"] for h in a.hits[:3]}
        ok = bool(codes & set(q["gold_codes"]))
        found += ok
        shown = _norm(a.text + " " + json.dumps(a.to_dict().get("card") or {}, ensure_ascii=False))
        facts += all(_norm(f) in shown for f in q["facts"])
        refused_in += a.refused
        total_ms.append(a.timings_ms["total"])
        compose_ms.append(a.timings_ms.get("compose", 0.0))
        if not ok:
            misses.append(q["id"])
    refused_out = sum(assistant.ask(q["question"]).refused for q in oos)
    n, m = len(procs), len(oos)
    print(f"gold procedure in card or top-3   {found / n:6.1%}  ({found}/{n}; target ≥ 90%)")
    print(f"all required facts in the answer  {facts / n:6.1%}  ({facts}/{n}; target ≥ 85%)")
    print(f"out-of-scope refused              {refused_out / m:6.1%}  ({refused_out}/{m}; target ≥ 95%)")
    print(f"in-scope refused                  {refused_in / n:6.1%}  ({refused_in}/{n}; target ≤ 5%)")
    print(f"compose after retrieval           p50 {percentile(compose_ms, 50):.1f} ms  p95 {percentile(compose_ms, 95):.1f} ms")
    print(f"end-to-end ask                    p50 {percentile(total_ms, 50):.1f} ms  p95 {percentile(total_ms, 95):.1f} ms")
    print("missed:", " ".join(misses[:20]))


if __name__ == "__main__":
    main()
