"""Answer verdicts and the dataset summary against hand-computed values."""

from __future__ import annotations

import pytest

from eval.answers import answer_kind, summarize, verdict
from eval.datasets import Question
from eval.scoring import recall_curve


def ans(text: str, *, refused: bool = False, cites: tuple[tuple[str, bool], ...] = (), grounded: bool = True,
        codes: tuple[str, ...] = (), hits: tuple[str, ...] = (), card: dict | None = None,
        total: float = 10.0, composer: str = "extractive") -> dict:
    card_text = "\n".join(f"{k}: {v}" for k, v in (card or {}).items())
    return {"text": text, "refused": refused, "grounded": grounded, "composer": composer,
            "citations": [{"article_ref": r, "label": r, "valid": v} for r, v in cites],
            "procedure_codes": list(codes), "hits": list(hits), "card": card, "card_text": card_text,
            "timings_ms": {"retrieve": total / 2, "total": total}}


TF = [Question("t1", "…", ("L#1",), qtype="Đúng/Sai", answer="Đúng"),
      Question("t2", "…", ("L#2",), qtype="Đúng/Sai", answer="Sai"),
      Question("t3", "…", ("L#3",), qtype="Đúng/Sai", answer="Sai")]
MC = [Question("m1", "…", ("L#4",), qtype="Trắc nghiệm", choices={"A": "x", "B": "y"}, answer="B"),
      Question("m2", "…", ("L#5",), qtype="Trắc nghiệm", choices={"A": "x", "B": "y"}, answer="B")]
FREE = [Question("f1", "…", ("L#6",), answer="07 năm"), Question("f2", "…", ("L#7",), answer="không")]
PROC = [Question("p1", "…", ("1.001193",), facts=("Giấy chứng sinh", "5 ngày làm việc")),
        Question("p2", "…", ("2.000001",), facts=("200.000 đồng",))]
OOS = [Question("o1", "…", (), refuse=True), Question("o2", "…", (), refuse=True)]


def test_kinds() -> None:
    assert [answer_kind(q) for q in TF + MC + FREE + PROC + OOS] == [
        "true_false"] * 3 + ["multiple_choice"] * 2 + ["free_text", None] + ["facts"] * 2 + ["refusal"] * 2
    assert answer_kind(Question("g", "…", (), answer="Sai")) == "true_false"  # generic file without a qtype
    assert answer_kind(Question("g", "…", ("x",))) is None


def test_choice_accuracy_against_the_majority_baseline() -> None:
    answers = [ans("Nhận định: Đúng"), ans("Không rõ"), ans("Sai.", refused=True),
               ans("Đáp án: B"), ans("Chọn A")]
    verdicts = [verdict(q, a) for q, a in zip(TF + MC, answers, strict=True)]
    assert [v["correct"] for v in verdicts] == [True, False, True, True, False]
    s = summarize(TF + MC, answers, verdicts)
    assert s["true_false"] == {"questions": 3, "accuracy": pytest.approx(2 / 3), "parsed": pytest.approx(2 / 3),
                               "majority_label": "Sai", "majority_baseline": pytest.approx(2 / 3)}
    assert s["multiple_choice"] == {"questions": 2, "accuracy": 0.5, "parsed": 1.0, "majority_label": "B",
                                    "majority_baseline": 1.0}


def test_free_text_contains_gold_and_skips_yes_no() -> None:
    answers = [ans("Phạt tù đến 7 năm [1]."), ans("Không")]
    verdicts = [verdict(q, a) for q, a in zip(FREE, answers, strict=True)]
    assert [v["correct"] for v in verdicts] == [True, None]
    assert summarize(FREE, answers, verdicts)["free_text"] == {"questions": 1, "contains_gold": 1.0}


def test_procedure_facts_refusals_and_citations() -> None:
    questions = PROC + OOS
    answers = [
        ans("Hồ sơ: Giấy chứng sinh. Thời hạn: 5 Ngày làm việc.", codes=("1.001193",),
            cites=(("1.001193", True), ("Luật#1", False))),
        ans("Lệ phí", hits=("9.9", "2.000001"), card={"fee": "200,000 Đồng"}, cites=(("9.9", False),),
            grounded=False),
        ans("Xin lỗi", refused=True),
        ans("Đây là cách…"),
    ]
    verdicts = [verdict(q, a) for q, a in zip(questions, answers, strict=True)]
    assert [(v["gold_found"], v["facts_found"]) for v in verdicts[:2]] == [
        (True, ["Giấy chứng sinh", "5 ngày làm việc"]), (True, ["200.000 đồng"])]  # the fee is on the card
    s = summarize(questions, answers, verdicts)
    assert s["facts"] == {"questions": 2, "gold_found": 1.0, "all_facts": 1.0, "facts_found": 1.0, "refused": 0.0}
    # refused: o1 only → precision 1/1, recall 1/2, no in-scope question refused
    assert s["refusal"] == {"out_of_scope": 2, "in_scope": 2, "precision": 1.0, "recall": 0.5, "in_scope_refused": 0.0}
    # citations over the 2 procedure answers (the out-of-scope ones are judged on refusal only): 1 of 3 to gold
    assert s["citations"] == {"answers": 2, "to_gold": pytest.approx(1 / 3), "with_valid_citation": 0.5,
                              "flagged_ungrounded": 0.5, "per_answer": 1.5}


def test_latency_per_stage_and_composers() -> None:
    answers = [ans("x", total=t) for t in (10.0, 20.0, 30.0, 40.0, 100.0)]
    answers[0]["composer"] = "openai:m"
    s = summarize(TF + MC, answers, [verdict(q, a) for q, a in zip(TF + MC, answers, strict=True)])
    assert s["latency_ms"]["total"] == {"p50": 30.0, "p95": pytest.approx(88.0), "n": 5}
    assert s["latency_ms"]["retrieve"]["p50"] == 15.0
    assert s["composers"] == {"openai:m": 1, "extractive": 4}


def test_recall_curve() -> None:
    assert recall_curve([1, 3, None, 2], 4) == [0.25, 0.5, 0.75, 0.75]
