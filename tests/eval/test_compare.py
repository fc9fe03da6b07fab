"""``eval compare`` on two small hand-made report folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.__main__ import main
from eval.compare import flatten, metric_rows, per_question


def write_run(folder: Path, r10: float, accuracy: float, rows: list[dict]) -> Path:
    folder.mkdir()
    results = {"created": "2026-01-01T00:00:00+00:00", "provenance": {"git": {"commit": "abc123"}},
               "datasets": {"alqac2025-train": {
                   "questions": len(rows), "cache": {"computed": 3}, "index": {"chunk_count": 9},
                   "retrieval": {"metrics": {"R@10": r10}, "recall_curve": [0.1, 0.2]},
                   "answers": {"true_false": {"accuracy": accuracy, "majority_label": "Sai"}}}}}
    (folder / "results.json").write_text(json.dumps(results), encoding="utf-8")
    (folder / "details.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return folder


def row(qid: str, rank: int | None, correct: bool | None) -> dict:
    return {"dataset": "alqac2025-train", "id": qid, "gold": ["g"], "hits": ["x", "g"], "first_gold_rank": rank,
            "verdict": {"correct": correct}}


@pytest.fixture
def runs(tmp_path: Path) -> tuple[Path, Path]:
    a = write_run(tmp_path / "a", 0.5, 0.5, [row("q1", 1, True), row("q2", 3, False), row("q3", None, True),
                                             row("q4", 2, None)])
    b = write_run(tmp_path / "b", 0.75, 0.25, [row("q1", 2, False), row("q2", 3, False), row("q3", 5, False),
                                               row("q4", 1, None), row("q5", 1, True)])
    return a, b


def test_flatten_skips_curves_and_bookkeeping() -> None:
    data = {"retrieval": {"metrics": {"R@1": 0.5}, "recall_curve": [1]}, "cache": {"computed": 3},
            "answers": {"true_false": {"accuracy": 0.7, "majority_label": "Sai", "ok": True}}}
    assert dict(flatten(data)) == {"retrieval.metrics.R@1": 0.5, "answers.true_false.accuracy": 0.7}


def test_metric_differences(runs: tuple[Path, Path]) -> None:
    a, b = (json.loads((p / "results.json").read_text()) for p in runs)
    assert metric_rows(a, b) == [
        ("alqac2025-train", "answers.true_false.accuracy", 0.5, 0.25),
        ("alqac2025-train", "questions", 4.0, 5.0),
        ("alqac2025-train", "retrieval.metrics.R@10", 0.5, 0.75),
    ]


def test_wins_and_losses(runs: tuple[Path, Path]) -> None:
    a, b = ([json.loads(x) for x in (p / "details.jsonl").read_text().splitlines()] for p in runs)
    tallies = per_question(a, b)
    retrieval, answer = tallies[("alqac2025-train", "retrieval")], tallies[("alqac2025-train", "answer")]
    # reciprocal ranks A → B: q1 1 → 1/2 (loss), q2 1/3 → 1/3 (tie), q3 0 → 1/5 (win), q4 1/2 → 1 (win); q5 only in B
    assert (retrieval.wins, retrieval.losses, retrieval.ties) == (["q3", "q4"], ["q1"], 1)
    # answers: q1 and q3 lost, q2 tied, q4 not scored
    assert (answer.wins, answer.losses, answer.ties) == ([], ["q1", "q3"], 1)


def test_compare_command(runs: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "cmp.md"
    assert main(["compare", str(runs[0]), str(runs[1]), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert text == out.read_text(encoding="utf-8")
    assert "| alqac2025-train | retrieval.metrics.R@10 | 0.500 | 0.750 | +0.250 |" in text
    assert "| alqac2025-train | retrieval | 2 | 1 | 1 | q3 q4 | q1 |" in text
    assert main(["compare", str(runs[0]), str(tmp_path / "missing")]) == 2
    assert "not a report folder" in capsys.readouterr().err
