"""Scoring a hits file, the report files, the run through a stand-in batch search, and CLI errors."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from eval.__main__ import main
from eval.baselines import BASELINES
from eval.datasets import load_dataset
from eval.metrics import Rule
from eval.report import render_markdown, write_report
from eval.retrieval import BenchmarkError, read_hits, run_retrieval, score_hits_file

ROOT = Path(__file__).resolve().parents[2]
GOLD = {"t1": ["A#1"], "t2": ["A#2", "A#3"], "t3": ["A#4"], "t4": ["A#5"]}


def hit(ref: str, score: float) -> dict[str, Any]:
    return {"unit_id": f"alqac2025:{ref}", "article_ref": ref, "score": score, "citation": ref}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    questions = [{"question_id": qid, "question_type": "Trắc nghiệm" if qid == "t1" else "Đúng/Sai",
                  "text": f"Câu {qid}?", "answer": "A",
                  "relevant_articles": [{"law_id": g.split("#")[0], "article_id": g.split("#")[1]} for g in gold],
                  **({"choices": {"A": "có", "B": "không"}} if qid == "t1" else {})}
                 for qid, gold in GOLD.items()]
    (tmp_path / "data" / "alqac").mkdir(parents=True)
    (tmp_path / "data" / "alqac" / "train_2025.json").write_text(json.dumps(questions), encoding="utf-8")
    return tmp_path / "data"


@pytest.fixture
def hits_file(tmp_path: Path) -> Path:
    """t1 gold at rank 1; t2 first gold at rank 2 (after a duplicate of rank 1); t3 at rank 11; t4 absent."""
    lines = [
        {"id": "t1", "hits": [hit("A#1", 10), hit("X#1", 5)]},
        {"id": "t2", "hits": [hit("X#2", 10), hit("X#2", 9.5), hit("A#2", 9), hit("A#3", 8.6), hit("X#3", 2)]},
        {"id": "t3", "hits": [hit(f"Y#{i}", 20 - i) for i in range(10)] + [hit("A#4", 5)]},
    ]
    path = tmp_path / "hits.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    return path


NDCG_T2 = (1 / math.log2(3) + 1 / math.log2(4)) / (1 + 1 / math.log2(3))


def test_read_hits_keeps_first_occurrence_in_rank_order(hits_file: Path) -> None:
    hits = read_hits(hits_file)
    assert hits["t2"] == [("X#2", 10.0), ("A#2", 9.0), ("A#3", 8.6), ("X#3", 2.0)]
    assert set(hits) == {"t1", "t2", "t3"}


def test_read_hits_rejects_bad_lines(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "t1", "hits": []}\n{"id": "t2", "hits": [{"score": 1}]}\n', encoding="utf-8")
    with pytest.raises(BenchmarkError, match=r"bad.jsonl:2: not a hits line"):
        read_hits(bad)


def test_score_hits_file_hand_computed(data_dir: Path, hits_file: Path) -> None:
    spec, qs = load_dataset("alqac2025-train", data_dir)
    report = score_hits_file("alqac2025-train", spec, qs, hits_file, k=20, rule=Rule(0.85, 3),
                             latencies_ms=[10.0, 20.0, 30.0, 40.0])
    m = report["metrics"]
    assert list(m) == ["R@1", "R@5", "R@10", "R@20", "MRR@10", "nDCG@10"]  # no R@100 when k = 20
    assert (m["R@1"], m["R@5"], m["R@10"], m["R@20"]) == (0.25, 0.5, 0.5, 0.75)
    assert m["MRR@10"] == pytest.approx((1 + 0.5 + 0 + 0) / 4)
    assert m["nDCG@10"] == pytest.approx((1 + NDCG_T2) / 4)
    f2 = report["f2"]
    # t1 keeps A#1 only (5 < 8.5); t2 keeps X#2, A#2, A#3: P 2/3, R 1, F2 10/11; t3, t4 score 0
    assert f2["rule"] == {"ratio": 0.85, "max_n": 3} and f2["rule_source"] == "given"
    assert f2["macro_f2"] == pytest.approx((1 + 10 / 11) / 4)
    assert f2["macro_precision"] == pytest.approx((1 + 2 / 3) / 4) and f2["macro_recall"] == 0.5
    assert report["latency_ms"]["p50"] == pytest.approx(25.0) and report["latency_ms"]["p95"] == pytest.approx(38.5)
    assert report["questions_without_hits"] == 1
    per = {p["id"]: p for p in report["per_question"]}
    assert [per[q]["first_gold_rank"] for q in GOLD] == [1, 2, 11, None]
    assert per["t2"]["selected"] == ["X#2", "A#2", "A#3"]
    assert report["by_qtype"]["Đúng/Sai"]["questions"] == 3 and report["by_qtype"]["Trắc nghiệm"]["R@1"] == 1.0
    assert report["targets_met"] == {"R@10": False, "MRR@10": False, "F2": False}
    top10 = score_hits_file("alqac2025-train", spec, qs, hits_file, k=10, rule=Rule(0.85, 3))
    assert "R@20" not in top10["metrics"] and top10["metrics"]["R@10"] == 0.5
    assert [p["first_gold_rank"] for p in top10["per_question"]] == [1, 2, None, None]  # rank 11 cut off
    tuned = score_hits_file("alqac2025-train", spec, qs, hits_file, k=20)
    assert tuned["f2"]["rule_source"] == "tuned on this dataset"
    assert tuned["f2"]["macro_f2"] >= f2["macro_f2"]  # the tuned cut is at least as good as any grid rule


def test_report_files_and_markdown(data_dir: Path, hits_file: Path, tmp_path: Path) -> None:
    spec, qs = load_dataset("alqac2025-train", data_dir)
    report = score_hits_file("alqac2025-train", spec, qs, hits_file, k=20, rule=Rule(0.85, 3))
    json_path, md_path = write_report(report, tmp_path / "out")
    assert json_path.name == "retrieval-alqac2025-train.json" and md_path.name == "retrieval-alqac2025-train.md"
    assert json.loads(json_path.read_text(encoding="utf-8"))["metrics"] == report["metrics"]
    md = md_path.read_text(encoding="utf-8")
    assert md == render_markdown(report)
    header = next(line for line in md.splitlines() if line.startswith("| run |"))
    assert header == "| run | R@1 | R@5 | R@10 | R@20 | MRR@10 | nDCG@10 | F2 | p50 ms | p95 ms |"
    ours = next(line for line in md.splitlines() if line.startswith("| **ours**"))
    assert ours.split(" | ")[1:5] == ["0.250", "0.500", "0.500", "0.750"]
    assert "| target | – | – | ≥ 0.990 | – | ≥ 0.920 | – | ≥ 0.880 |" in md
    for b in BASELINES:
        assert (f"baseline: {b.method} |" in md) == (b.dataset == "alqac2025-train")
    assert "| baseline: same, with the multiple-choice options appended to the question | – | – | 0.967 | – | 0.876 | – | 0.848 |" in md
    assert "1 questions had no line in the hits file" in md


def test_run_retrieval_through_batch_search(monkeypatch: pytest.MonkeyPatch, data_dir: Path, tmp_path: Path) -> None:
    calls: list[dict[str, Any]] = []

    def search_file(index_dir: Path, queries_path: Path, out_path: Path, k: int = 20, filters: Any = None) -> Any:
        queries = [json.loads(line) for line in queries_path.read_text(encoding="utf-8").splitlines()]
        calls.append({"index": index_dir, "k": k, "filters": filters, "queries": queries})
        with out_path.open("w", encoding="utf-8") as fh:
            for q in queries:  # the gold article first for every question but t2
                refs = GOLD[q["id"]] if q["id"] != "t2" else ["Z#1", *GOLD["t2"]]
                fh.write(json.dumps({"id": q["id"], "hits": [hit(r, 3.0 - i) for i, r in enumerate(refs)]}) + "\n")
        return types.SimpleNamespace(latencies_ms=[5.0] * len(queries))

    monkeypatch.setitem(sys.modules, "retrieval.batch", types.SimpleNamespace(search_file=search_file))
    index = tmp_path / "index"
    index.mkdir()
    report = run_retrieval("alqac2025-train", index, tmp_path / "out", data_dir, k=50, limit=3,
                           collections=["alqac2025"])
    (call,) = calls
    assert call["index"] == index and call["k"] == 50 and call["filters"].collections == ("alqac2025",)
    assert [q["id"] for q in call["queries"]] == ["t1", "t2", "t3"]
    assert call["queries"][0]["question"] == "Câu t1?\nA. có\nB. không"
    assert report["questions"] == 3 and report["metrics"]["MRR@10"] == pytest.approx((1 + 0.5 + 1) / 3)
    assert report["latency_ms"]["p95"] == 5.0 and report["index"] == str(index)
    assert (tmp_path / "out" / "hits-alqac2025-train.jsonl").is_file()


def one_error_line(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    return err


def test_cli_errors_are_one_line(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                 data_dir: Path, tmp_path: Path) -> None:
    out = ["--out", str(tmp_path / "out"), "--data", str(data_dir)]
    assert "index not found" in one_error_line(
        capsys, ["retrieval", "--dataset", "alqac2025-train", "--index", str(tmp_path / "none"), *out])
    err = one_error_line(capsys, ["retrieval", "--dataset", "alqac2022", "--index", str(tmp_path), *out])
    assert "dataset file not found" in err and "questions_2022.json" in err
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n", encoding="utf-8")
    assert "not a hits line" in one_error_line(
        capsys, ["retrieval", "--dataset", "alqac2025-train", "--hits", str(bad), *out])
    monkeypatch.setitem(sys.modules, "retrieval.batch", None)  # the batch search cannot be imported
    assert "batch search unavailable" in one_error_line(
        capsys, ["retrieval", "--dataset", "alqac2025-train", "--index", str(tmp_path), *out])
    with pytest.raises(SystemExit) as exc:
        main(["retrieval", "--dataset", "alqac2025-train", "--hits", str(bad), "--rule", "high"])
    assert exc.value.code == 2


def test_cli_scores_hits_file(capsys: pytest.CaptureFixture[str], data_dir: Path, hits_file: Path,
                              tmp_path: Path) -> None:
    rc = main(["retrieval", "--dataset", "alqac2025-train", "--hits", str(hits_file), "--k", "20",
               "--rule", "0.85:3", "--out", str(tmp_path / "out"), "--data", str(data_dir)])
    assert rc == 0
    stdout = capsys.readouterr().out
    assert stdout.startswith("### Retrieval: alqac2025-train (4 questions, top 20)")
    assert "≥ 0.85 × the top score, at most 3 articles (given)" in stdout
    saved = json.loads((tmp_path / "out" / "retrieval-alqac2025-train.json").read_text(encoding="utf-8"))
    assert saved["f2"]["macro_f2"] == pytest.approx((1 + 10 / 11) / 4)


def test_module_entry_point_missing_index(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "eval", "retrieval", "--dataset", "alqac2022",
                           "--index", str(tmp_path / "none"), "--out", str(tmp_path / "out")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: index not found: {tmp_path / 'none'} (build it first)"
