"""``report.md`` of a suite run: our numbers beside the previous run, the baselines and the targets."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .baselines import ANSWER_TARGETS, TARGETS, baselines_for
from .report import render_markdown

_DASH = "–"


def _f(value: float | None, digits: int = 3) -> str:
    return _DASH if value is None else f"{value:.{digits}f}"


def _pair(a: float | None, b: float | None) -> str:
    return _DASH if a is None and b is None else f"{_f(a)} / {_f(b)}"


def _get(results: dict[str, Any] | None, name: str, *path: str) -> Any:
    node: Any = (results or {}).get("datasets", {}).get(name)
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), *("| " + " | ".join(r) + " |" for r in rows),
            ""]


def _retrieval(results: dict[str, Any], previous: dict[str, Any] | None) -> list[str]:
    rows = []
    for name, entry in results["datasets"].items():
        r = entry.get("retrieval")
        if not r:
            continue
        m, f2 = r["metrics"], (r.get("f2") or {}).get("macro_f2")
        prev = _get(previous, name, "retrieval", "metrics") or {}
        best = max(baselines_for(name), key=lambda b: b.mrr10, default=None)
        target = TARGETS.get(name)
        rows.append([name, str(r["questions"]), _f(m.get("R@1")), _f(m.get("R@10")), _f(m.get("MRR@10")), _f(f2),
                     _pair(prev.get("R@10"), prev.get("MRR@10")) if prev else _DASH,
                     _pair(best.r10, best.mrr10) if best else _DASH,
                     _pair(target.r10, target.mrr10) if target else _DASH])
    if not rows:
        return []
    return ["## Retrieval", "", *_table(["dataset", "questions", "R@1", "R@10", "MRR@10", "macro F2",
                                          "previous R@10 / MRR@10", "best baseline R@10 / MRR@10",
                                          "target R@10 / MRR@10"], rows)]


def _answers(results: dict[str, Any], previous: dict[str, Any] | None) -> list[str]:
    rows = []
    for name, entry in results["datasets"].items():
        a = entry.get("answers") or {}
        for kind, metric, label in (("true_false", "accuracy", "Đúng/Sai accuracy"),
                                    ("multiple_choice", "accuracy", "Trắc nghiệm accuracy"),
                                    ("free_text", "contains_gold", "free text: gold answer contained")):
            if kind not in a:
                continue
            s = a[kind]
            prev = _get(previous, name, "answers", kind, metric)
            base = s.get("majority_baseline")
            rows.append([name, label, str(s["questions"]), _f(s[metric]),
                         f"{_f(base)} (always {s['majority_label']})" if base is not None else _DASH,
                         _f(s.get("parsed")), _f(prev)])
    if not rows:
        return []
    return ["## Answers", "", *_table(["dataset", "metric", "questions", "ours", "majority-class baseline",
                                        "verdict parsed", "previous"], rows)]


def _procedures(results: dict[str, Any], previous: dict[str, Any] | None) -> list[str]:
    t = ANSWER_TARGETS
    rows = []
    for name, entry in results["datasets"].items():
        a = entry.get("answers") or {}
        facts, refusal = a.get("facts"), a.get("refusal")
        if not (facts or refusal):
            continue

        def cell(section: str, metric: str, source: dict[str, Any] | None = a) -> str:
            return _f(((source or {}).get(section) or {}).get(metric))

        prev = _get(previous, name, "answers")
        for label, src in (("ours", a), ("previous", prev)):
            if src is None:
                continue
            rows.append([name, label, cell("facts", "gold_found", src), cell("facts", "all_facts", src),
                         cell("refusal", "recall", src), cell("refusal", "precision", src),
                         cell("refusal", "in_scope_refused", src)])
    if not rows:
        return []
    rows.append(["", "target", f"≥ {t.gold_found}", f"≥ {t.all_facts}", f"≥ {t.refusal_recall}", _DASH,
                 f"≤ {t.in_scope_refused}"])
    return ["## Procedure answers and refusals", "",
            *_table(["dataset", "run", "gold procedure in card or top 3", "all required facts",
                     "out of scope refused (recall)", "refusal precision", "in-scope refused"], rows)]


def _per_dataset(results: dict[str, Any], title: str, header: list[str],
                 row: Callable[[dict[str, Any]], list[str] | None]) -> list[str]:
    rows = []
    for name, entry in results["datasets"].items():
        cells = row(entry)
        if cells is not None:
            rows.append([name, *cells])
    return [title, "", *_table(["dataset", *header], rows)] if rows else []


def _citations(entry: dict[str, Any]) -> list[str] | None:
    c = (entry.get("answers") or {}).get("citations")
    if not c:
        return None
    return [str(c["answers"]), _f(c["per_answer"], 2), _f(c["to_gold"]), _f(c["with_valid_citation"]),
            _f(c["flagged_ungrounded"]), ", ".join(f"{k} {v}" for k, v in entry["answers"]["composers"].items())]


def _stages(results: dict[str, Any]) -> list[str]:
    """The answer stages timed in this run, in pipeline order ("total" last)."""
    seen: dict[str, None] = {}
    for entry in results["datasets"].values():
        seen |= dict.fromkeys((entry.get("answers") or {}).get("latency_ms") or {})
    return [s for s in seen if s != "total"] + (["total"] if "total" in seen else [])


def _latency(stages: list[str]) -> Callable[[dict[str, Any]], list[str] | None]:
    def row(entry: dict[str, Any]) -> list[str] | None:
        lat = (entry.get("answers") or {}).get("latency_ms") or {}
        search = (entry.get("retrieval") or {}).get("latency_ms")
        if not (lat or search):
            return None
        cells = [f"{search['p50']:.1f} / {search['p95']:.1f}" if search else _DASH]
        return cells + [f"{lat[s]['p50']:.1f} / {lat[s]['p95']:.1f}" if s in lat else _DASH for s in stages]

    return row


def _reproducibility(results: dict[str, Any]) -> list[str]:
    prov = results["provenance"]
    git = prov["git"]
    lines = ["## Reproducibility", "",
             f"- git commit `{git.get('commit')}`" + (" with uncommitted changes" if git.get("dirty") else ""),
             f"- code fingerprint `{prov['code_fingerprint']}` (keys the per-question cache)",
             f"- settings: `{json.dumps(results['settings'], ensure_ascii=False)}`"
             + (f", first {results['limit']} questions per dataset" if results.get("limit") else ""),
             f"- data dir `{results['data_dir']}`; {prov['platform']}",
             "- versions: " + ", ".join(f"{k} {v}" for k, v in prov["versions"].items())]
    for name, entry in results["datasets"].items():
        ix = entry["index"]
        cache = entry["cache"]
        lines.append(f"- {name}: index `{entry.get('index_dir')}` fingerprint `{ix.get('corpus_fingerprint')}`, "
                     f"{ix.get('chunk_count'):,} chunks, embedder {(ix.get('embedder') or {}).get('name', 'none')}, "
                     f"updated {ix.get('updated')}; {cache['computed']} questions computed, {cache['reused']} "
                     "reused from the cache")
    for name, reason in results.get("skipped", {}).items():
        lines.append(f"- skipped {name}: {reason}")
    return [*lines, ""]


def render_report(results: dict[str, Any], previous: dict[str, Any] | None) -> str:
    prev_note = (f"Previous run: {previous['created']} (commit `{(previous['provenance']['git'].get('commit') or '')[:10]}`)."
                 if previous else "No previous run in this folder.")
    lines = [f"# Evaluation report: suite {results['suite']}", "",
             f"Run {results['created']}, composer `{results['settings']['composer']}`. {prev_note}", ""]
    lines += _retrieval(results, previous)
    lines += _answers(results, previous)
    lines += _procedures(results, previous)
    lines += _per_dataset(results, "## Citation quality (answers not refused)",
                          ["answers", "citations per answer", "citations to a gold article",
                           "answers with ≥ 1 valid citation", "flagged ungrounded", "composer used"], _citations)
    stages = _stages(results)
    lines += _per_dataset(results, "## Latency p50 / p95 (ms)", ["search (k=100)", *stages], _latency(stages))
    details = [render_markdown({"dataset": name, **entry["retrieval"], "index": entry.get("index_dir")})
               for name, entry in results["datasets"].items() if entry.get("retrieval")]
    if details:
        lines += ["## Retrieval per dataset, with every baseline", "", *details]
    if results.get("plots"):
        lines += ["## Plots", "", *(f"![{p}]({p})" for p in results["plots"]), ""]
    lines += _reproducibility(results)
    return "\n".join(lines).rstrip() + "\n"
