"""``python -m eval compare RUN_A RUN_B``: what changed between two report folders.

Metrics: every number of both ``results.json`` files, side by side with the
difference B − A. Per question (from ``details.jsonl``), per dataset: B wins when
it finds the first gold article higher (reciprocal rank within the top 10) or
answers correctly where A did not; losses are the reverse. The ids of the first
wins and losses are listed for error analysis.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SKIP = frozenset({"recall_curve", "index", "cache", "index_dir", "rule", "composers", "by_qtype", "targets_met"})
SHOWN_IDS = 8


class CompareError(Exception):
    """A run folder without results.json or details.jsonl."""


@dataclass
class Tally:
    wins: list[str] = field(default_factory=list)
    losses: list[str] = field(default_factory=list)
    ties: int = 0


def load_run(run_dir: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    try:
        results = json.loads((Path(run_dir) / "results.json").read_text(encoding="utf-8"))
        details = [json.loads(line) for line in
                   (Path(run_dir) / "details.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError) as exc:
        raise CompareError(f"{run_dir}: not a report folder of `python -m eval run` ({exc})") from exc
    return results, details


def flatten(node: Any, prefix: str = "") -> Iterator[tuple[str, float]]:
    """(dotted path, value) of every number in ``node``, skipping curves, counts of reuse and index data."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in SKIP:
                yield from flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        yield prefix, float(node)


def metric_rows(a: dict[str, Any], b: dict[str, Any]) -> list[tuple[str, str, float | None, float | None]]:
    """(dataset, metric, A, B) for every metric in either run."""
    rows = []
    for name in sorted(set(a.get("datasets", {})) | set(b.get("datasets", {}))):
        va = dict(flatten(a.get("datasets", {}).get(name, {})))
        vb = dict(flatten(b.get("datasets", {}).get(name, {})))
        for metric in sorted(set(va) | set(vb)):
            rows.append((name, metric, va.get(metric), vb.get(metric)))
    return rows


def _rr(row: dict[str, Any]) -> float | None:
    if not row.get("gold") or not row.get("hits"):  # no gold, or retrieval not run
        return None
    rank = row.get("first_gold_rank")
    return 1.0 / rank if rank and rank <= 10 else 0.0


def _correct(row: dict[str, Any]) -> float | None:
    v = row.get("verdict") or {}
    return None if v.get("correct") is None else float(v["correct"])


def per_question(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> dict[tuple[str, str], Tally]:
    """(dataset, "retrieval" | "answer") → wins and losses of B over A on the questions both ran."""
    rows_a = {(r["dataset"], r["id"]): r for r in a}
    out: dict[tuple[str, str], Tally] = {}
    for rb in b:
        ra = rows_a.get((rb["dataset"], rb["id"]))
        if ra is None:
            continue
        for aspect, score in (("retrieval", _rr), ("answer", _correct)):
            sa, sb = score(ra), score(rb)
            if sa is None or sb is None:
                continue
            tally = out.setdefault((rb["dataset"], aspect), Tally())
            if sb > sa:
                tally.wins.append(rb["id"])
            elif sb < sa:
                tally.losses.append(rb["id"])
            else:
                tally.ties += 1
    return out


def _num(v: float | None) -> str:
    return "–" if v is None else f"{v:.3f}" if abs(v) < 1000 else f"{v:,.0f}"


def render_compare(run_a: Path, run_b: Path) -> str:
    (ra, da), (rb, db) = load_run(run_a), load_run(run_b)
    lines = [f"# {run_b} (B) against {run_a} (A)", "",
             f"A: {ra.get('created')} commit `{(ra['provenance']['git'].get('commit') or '')[:10]}`; "
             f"B: {rb.get('created')} commit `{(rb['provenance']['git'].get('commit') or '')[:10]}`", "",
             "## Metrics", "", "| dataset | metric | A | B | B − A |", "|---|---|---|---|---|"]
    for name, metric, va, vb in metric_rows(ra, rb):
        diff = vb - va if va is not None and vb is not None else None
        lines.append(f"| {name} | {metric} | {_num(va)} | {_num(vb)} | "
                     f"{'–' if diff is None else f'{diff:+.3f}'} |")
    lines += ["", "## Per question (B against A)", "",
              "| dataset | judged on | B wins | B losses | ties | first wins | first losses |",
              "|---|---|---|---|---|---|---|"]
    for (name, aspect), t in sorted(per_question(da, db).items()):
        lines.append(f"| {name} | {aspect} | {len(t.wins)} | {len(t.losses)} | {t.ties} | "
                     f"{' '.join(t.wins[:SHOWN_IDS])} | {' '.join(t.losses[:SHOWN_IDS])} |")
    return "\n".join(lines) + "\n"
