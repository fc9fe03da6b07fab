"""The standard suite end to end on the tiny benchmark, and resuming an interrupted run from its cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import eval.runner as runner
from eval.__main__ import main
from eval.datasets import load_dataset
from eval.metrics import mean
from eval.runner import RunSettings, run_dataset


def test_standard_suite_end_to_end(tiny_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out, index_root = tmp_path / "report", tmp_path / "indexes"
    args = ["run", "--suite", "standard", "--data", str(tiny_data), "--out", str(out), "--index-root", str(index_root),
            "--composer", "extractive", "--no-progress"]
    assert main(args) == 0
    assert (index_root / "alqac2025" / "manifest.json").is_file()  # built because it was missing
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    details = [json.loads(line) for line in (out / "details.jsonl").read_text(encoding="utf-8").splitlines()]
    assert set(results["datasets"]) == {"alqac2025-train"}
    assert set(results["skipped"]) == {"zalo-phapdien-dev", "alqac2022", "procedures-dev"}
    entry = results["datasets"]["alqac2025-train"]
    assert entry["questions"] == len(details) == 6 and entry["cache"]["computed"] == 6

    ranks = [d["first_gold_rank"] for d in details]
    assert entry["retrieval"]["metrics"]["R@1"] == pytest.approx(mean(r == 1 for r in ranks))
    assert entry["retrieval"]["recall_curve"][0] == entry["retrieval"]["metrics"]["R@1"]
    answers = entry["answers"]
    tf = [d["verdict"]["correct"] for d in details if d["qtype"] == "Đúng/Sai"]
    assert answers["true_false"]["questions"] == 3 and answers["true_false"]["accuracy"] == pytest.approx(mean(tf))
    assert answers["true_false"]["majority_label"] == "Sai"
    assert answers["true_false"]["majority_baseline"] == pytest.approx(2 / 3)
    assert answers["multiple_choice"]["majority_baseline"] == pytest.approx(1 / 2)
    assert answers["free_text"]["questions"] == 1
    assert all(d["answer"] and d["hits"] for d in details)
    t3 = next(d for d in details if d["id"] == "t3")
    assert t3["answer"].startswith("Nhận định:")  # the bare statement was asked with the "đúng hay sai" cue

    report = (out / "report.md").read_text(encoding="utf-8")
    for heading in ("## Retrieval", "## Answers", "## Citation quality", "## Latency", "## Reproducibility"):
        assert heading in report
    assert "majority-class baseline" in report and "No previous run" in report
    assert "dense e5-small alone" in report  # the published baselines are shown
    assert results["provenance"]["code_fingerprint"] in report
    assert {p.name for p in out.glob("*.png")} == {"recall_at_k.png", "latency.png", "accuracy_by_type.png"}

    assert main(args) == 0  # the second run reuses everything and shows the first as the previous run
    again = json.loads((out / "results.json").read_text(encoding="utf-8"))["datasets"]["alqac2025-train"]
    assert again["cache"] == {**entry["cache"], "computed": 0, "reused": 6}
    assert "Previous run:" in (out / "report.md").read_text(encoding="utf-8")
    assert "skipped zalo-phapdien-dev" in capsys.readouterr().err


def test_interrupted_run_resumes_without_recomputing(tiny_data: Path, tiny_index: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _, questions = load_dataset("alqac2025-train", tiny_data)
    calls: list[str] = []
    real = runner.run_question

    def counting(q, *args, **kwargs):
        if len(calls) == 3 and stop:
            raise KeyboardInterrupt
        calls.append(q.id)
        return real(q, *args, **kwargs)

    monkeypatch.setattr(runner, "run_question", counting)
    settings, cache = RunSettings(), tmp_path / "cache"
    stop = True
    with pytest.raises(KeyboardInterrupt):
        run_dataset("alqac2025-train", questions, tiny_index, settings, cache, progress=False)
    assert calls == ["t1", "t2", "t3"]

    stop = False
    resumed = run_dataset("alqac2025-train", questions, tiny_index, settings, cache, progress=False)
    assert calls[3:] == ["m1", "m2", "f1"] and resumed.computed == 3
    assert [r["id"] for r in resumed.records] == [q.id for q in questions]

    finished = run_dataset("alqac2025-train", questions, tiny_index, settings, cache, progress=False)
    assert finished.computed == 0 and len(calls) == 6 and finished.records == resumed.records

    official = run_dataset("alqac2025-train", questions, tiny_index, RunSettings(persona="official"), cache,
                           progress=False)
    assert official.computed == 6 and official.cache_key != finished.cache_key
    assert [p.name for p in cache.iterdir()] == [f"alqac2025-train-{official.cache_key}.jsonl"]  # stale one dropped


def test_torn_cache_line_is_recomputed(tiny_data: Path, tiny_index: Path, tmp_path: Path) -> None:
    _, questions = load_dataset("alqac2025-train", tiny_data)
    first = run_dataset("alqac2025-train", questions[:2], tiny_index, RunSettings(), tmp_path, progress=False)
    path = tmp_path / f"alqac2025-train-{first.cache_key}.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(lines[0] + "\n" + lines[1][: len(lines[1]) // 2], encoding="utf-8")  # killed mid-write
    again = run_dataset("alqac2025-train", questions[:2], tiny_index, RunSettings(), tmp_path, progress=False)
    assert again.computed == 1


def test_answers_command_on_a_generic_file_needs_an_index(tiny_data: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture) -> None:
    f = tmp_path / "mine.jsonl"
    f.write_text(json.dumps({"id": "1", "question": "Hợp đồng lữ hành lập thế nào?", "gold": ["x#1"]}) + "\n",
                 encoding="utf-8")
    assert main(["answers", "--dataset", str(f), "--data", str(tiny_data), "--out", str(tmp_path / "o"),
                 "--composer", "extractive", "--no-progress"]) == 2
    assert "needs --index" in capsys.readouterr().err
