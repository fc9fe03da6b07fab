"""PNG plots of a suite run (matplotlib, Agg backend): Recall@k curves, latency histograms, accuracy by type.

matplotlib is an optional extra (``.[eval]``); without it the report is written without plots.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

TYPE_LABELS = {"true_false": "Đúng/Sai", "multiple_choice": "Trắc nghiệm", "free_text": "Tự luận (contains gold)",
               "facts": "procedure facts", "refusal": "out of scope refused"}


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_recall(results: dict[str, Any], path: Path, plt: Any) -> bool:
    curves = {n: e["retrieval"]["recall_curve"] for n, e in results["datasets"].items() if e.get("retrieval")}
    if not curves:
        return False
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, curve in curves.items():
        ax.plot(range(1, len(curve) + 1), curve, label=name)
    ax.set(xscale="log", xlabel="k (articles returned)", ylabel="Recall@k", ylim=(0, 1.01), title="Recall@k")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def plot_latency(details: Sequence[dict[str, Any]], path: Path, plt: Any) -> bool:
    by_dataset: dict[str, list[float]] = {}
    for row in details:
        if row.get("latency_ms") is not None:
            by_dataset.setdefault(row["dataset"], []).append(float(row["latency_ms"]))
    if not by_dataset:
        return False
    fig, axes = plt.subplots(len(by_dataset), 1, figsize=(7, 2.2 * len(by_dataset)), squeeze=False)
    for ax, (name, values) in zip(axes[:, 0], by_dataset.items(), strict=True):
        ax.hist(values, bins=40, color="tab:blue", alpha=0.8)
        ax.set(title=f"{name}: end-to-end answer latency", xlabel="ms", ylabel="questions")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def plot_accuracy(results: dict[str, Any], path: Path, plt: Any) -> bool:
    bars: list[tuple[str, float, float | None]] = []
    for name, entry in results["datasets"].items():
        answers = entry.get("answers") or {}
        for kind, metric in (("true_false", "accuracy"), ("multiple_choice", "accuracy"),
                             ("free_text", "contains_gold"), ("facts", "all_facts"), ("refusal", "recall")):
            if kind in answers:
                bars.append((f"{name}\n{TYPE_LABELS[kind]}", answers[kind][metric],
                             answers[kind].get("majority_baseline")))
    if not bars:
        return False
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(bars)), 4.5))
    xs = range(len(bars))
    ax.bar([x - 0.2 for x in xs], [b[1] for b in bars], width=0.4, label="ours")
    ax.bar([x + 0.2 for x in xs], [b[2] or 0 for b in bars], width=0.4, label="majority-class baseline",
           color="tab:gray")
    ax.set_xticks(list(xs), [b[0] for b in bars], fontsize=8)
    ax.set(ylim=(0, 1), ylabel="share correct", title="Answer accuracy by question type")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def write_plots(results: dict[str, Any], details: Sequence[dict[str, Any]], out_dir: Path) -> list[str]:
    """File names of the plots written into ``out_dir`` (none without matplotlib)."""
    plt = _pyplot()
    if plt is None:
        return []
    done = []
    for name, ok in (("recall_at_k.png", lambda p: plot_recall(results, p, plt)),
                     ("latency.png", lambda p: plot_latency(details, p, plt)),
                     ("accuracy_by_type.png", lambda p: plot_accuracy(results, p, plt))):
        if ok(out_dir / name):
            done.append(name)
    return done
