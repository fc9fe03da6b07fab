"""Report files: the full JSON, and a markdown table of our run beside the targets and baselines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .baselines import TARGETS, baselines_for

_DASH = "–"


def _fmt(value: float | None, prefix: str = "") -> str:
    return _DASH if value is None else f"{prefix}{value:.3f}"


def render_markdown(report: dict[str, Any]) -> str:
    name, metrics = report["dataset"], report["metrics"]
    has_f2 = report.get("f2") is not None
    recall_cols = [c for c in metrics if c.startswith("R@")]
    cols = [*recall_cols, "MRR@10", "nDCG@10", *(["F2"] if has_f2 else []), "p50 ms", "p95 ms"]
    lat = report.get("latency_ms") or {}
    ours = {**metrics, "F2": report["f2"]["macro_f2"] if has_f2 else None}
    cells = [_fmt(ours.get(c)) for c in cols[:-2]]
    cells += [f"{lat[p]:.1f}" if p in lat else _DASH for p in ("p50", "p95")]
    index = report.get("index")
    title = f"### Retrieval: {name} ({report['questions']} questions, top {report['k']})"
    lines = [title, "", "| run | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|",
             f"| **ours**{f' ({index})' if index else ''} | " + " | ".join(cells) + " |"]
    target = TARGETS.get(name)
    if target is not None:
        want = {"R@10": target.r10, "MRR@10": target.mrr10, "F2": target.f2}
        lines.append("| target | " + " | ".join(_fmt(want.get(c), "≥ ") for c in cols) + " |")
    for b in baselines_for(name):
        have = {"R@10": b.r10, "MRR@10": b.mrr10, "F2": b.f2}
        lines.append(f"| baseline: {b.method} | " + " | ".join(_fmt(have.get(c)) for c in cols) + " |")
    lines.append("")
    if has_f2:
        f2, rule = report["f2"], report["f2"]["rule"]
        lines.append(f"F2 cut: top-1 plus hits scoring ≥ {rule['ratio']} × the top score, at most "
                     f"{rule['max_n']} articles ({f2['rule_source']}); macro P {f2['macro_precision']:.3f}, "
                     f"R {f2['macro_recall']:.3f}; 5-fold cross-validated F2 {f2['cv5_f2']:.3f}.")
    if report.get("with_choices") is False:
        lines.append("Queries were sent without their multiple-choice options (--no-choices).")
    met = report.get("targets_met") or {}
    if met:
        lines.append("Targets: " + ", ".join(f"{m} {'met' if ok else 'NOT met'}" for m, ok in met.items()) + ".")
    if report.get("questions_without_hits"):
        lines.append(f"{report['questions_without_hits']} questions had no line in the hits file (scored as misses).")
    return "\n".join(lines).rstrip() + "\n"


def write_report(report: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    """``retrieval-<dataset>.json`` and ``retrieval-<dataset>.md`` under ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / f"retrieval-{report['dataset']}.json"
    md_path = json_path.with_name(f"retrieval-{report['dataset']}.md")
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    md_path.write_text(render_markdown(report), encoding="utf-8")
    return json_path, md_path
