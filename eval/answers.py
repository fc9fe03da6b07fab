"""Answer metrics: per-question verdicts, then the dataset's summary.

A question is scored by what its record says a correct answer is:

- ``true_false`` (ALQAC Đúng/Sai) and ``multiple_choice`` (Trắc nghiệm): the
  verdict parsed from the answer text (:mod:`eval.answer_parser`) equals the
  gold one; an answer with no parseable verdict counts as wrong. Beside the
  accuracy, the majority-class baseline (always answering the commonest gold
  label of the set).
- ``free_text`` (Tự luận, ALQAC 2022): the gold answer occurs in the answer
  after normalisation. One-word "có"/"không" golds would match almost any
  answer, so they are not scored.
- ``facts`` (procedure sets): the gold procedure is in the card or the top 3
  hits; every required fact occurs in the answer or its card.
- ``refusal``: questions that must be refused; with in-scope questions in the
  same set this gives refusal precision and recall.

Citation quality, over answers that were not refused: the share of citations
pointing to a gold article, the share of answers with at least one valid
citation (it names a retrieved article and its quote is verbatim), the share
flagged ungrounded. Latency: p50/p95 of every pipeline stage.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from .answer_parser import contains, normalize_for_match, parse_choice, parse_true_false
from .datasets import Question
from .metrics import mean, percentile

TRUE_FALSE_TYPES = frozenset({"đúng/sai", "true_false", "true/false", "tf"})
MULTIPLE_CHOICE_TYPES = frozenset({"trắc nghiệm", "multiple_choice", "mc"})
UNSCORED_FREE_TEXT = frozenset({"có", "không", "yes", "no"})
KINDS = ("true_false", "multiple_choice", "free_text", "facts", "refusal")


def answer_kind(q: Question) -> str | None:
    """How the answer to ``q`` is scored (one of ``KINDS``), or None when only its citations can be."""
    qtype = (q.qtype or "").strip().lower()
    if q.refuse:
        return "refusal"
    if q.answer and (q.choices or qtype in MULTIPLE_CHOICE_TYPES):
        return "multiple_choice"
    if q.answer and (qtype in TRUE_FALSE_TYPES or (not qtype and parse_true_false(q.answer) and len(q.answer) < 8)):
        return "true_false"
    if q.facts:
        return "facts"
    if q.answer and normalize_for_match(q.answer) not in UNSCORED_FREE_TEXT:
        return "free_text"
    return None


def _shown(answer: dict[str, Any]) -> str:
    """Everything the user sees: the text and the procedure card as rendered."""
    return answer["text"] + "\n" + answer.get("card_text", "")


def verdict(q: Question, answer: dict[str, Any]) -> dict[str, Any]:
    """Per-question result: ``correct`` (bool, None when nothing is scored) plus what it was judged on."""
    kind = answer_kind(q)
    out: dict[str, Any] = {"kind": kind, "refused": answer["refused"]}
    if kind == "true_false":
        said, gold = parse_true_false(answer["text"]), parse_true_false(q.answer or "")
        out.update(parsed=said, correct=said is not None and said == gold)
    elif kind == "multiple_choice":
        said = parse_choice(answer["text"], q.choices)
        out.update(parsed=said, correct=said is not None and said == (q.answer or "").strip().upper())
    elif kind == "free_text":
        out["correct"] = contains(answer["text"], q.answer or "")
    elif kind == "facts":
        shown = _shown(answer)
        found = set(answer["procedure_codes"]) | set(answer["hits"][:3])
        out.update(gold_found=bool(found & set(q.gold)) if q.gold else None,
                   facts_found=[f for f in q.facts if contains(shown, f)])
        out["correct"] = len(out["facts_found"]) == len(q.facts)
    elif kind == "refusal":
        out["correct"] = answer["refused"]
    else:
        out["correct"] = None
    if not answer["refused"] and kind != "refusal":
        cites = answer["citations"]
        out.update(citations=len(cites), valid_citation=any(c["valid"] for c in cites), grounded=answer["grounded"])
        if q.gold:
            out["citations_to_gold"] = sum(c["article_ref"] in q.gold for c in cites)
    return out


def _majority(labels: Sequence[str]) -> tuple[str | None, float]:
    if not labels:
        return None, 0.0
    label, n = Counter(labels).most_common(1)[0]
    return label, n / len(labels)


def summarize(questions: Sequence[Question], answers: Sequence[dict[str, Any]],
              verdicts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The dataset's answer metrics (only the sections its questions call for)."""
    out: dict[str, Any] = {"questions": len(questions)}
    by_kind: dict[str, list[int]] = {}
    for i, v in enumerate(verdicts):
        by_kind.setdefault(v["kind"] or "unscored", []).append(i)
    for kind, label_of in (("true_false", lambda q: parse_true_false(q.answer or "")),
                           ("multiple_choice", lambda q: (q.answer or "").strip().upper())):
        rows = by_kind.get(kind, [])
        if rows:
            label, share = _majority([label_of(questions[i]) for i in rows])
            out[kind] = {"questions": len(rows), "accuracy": mean(verdicts[i]["correct"] for i in rows),
                         "parsed": mean(verdicts[i]["parsed"] is not None for i in rows),
                         "majority_label": label, "majority_baseline": share}
    if by_kind.get("free_text"):
        rows = by_kind["free_text"]
        out["free_text"] = {"questions": len(rows), "contains_gold": mean(verdicts[i]["correct"] for i in rows)}
    if by_kind.get("facts"):
        rows = by_kind["facts"]
        out["facts"] = {"questions": len(rows),
                        "gold_found": mean(bool(verdicts[i]["gold_found"]) for i in rows),
                        "all_facts": mean(verdicts[i]["correct"] for i in rows),
                        "facts_found": (sum(len(verdicts[i]["facts_found"]) for i in rows)
                                        / max(1, sum(len(questions[i].facts) for i in rows))),
                        "refused": mean(verdicts[i]["refused"] for i in rows)}
    if by_kind.get("refusal"):
        out["refusal"] = _refusal(questions, verdicts)
    out["citations"] = _citations(verdicts)
    out["latency_ms"] = latency(answers)
    composers = Counter(a["composer"] for a in answers)
    out["composers"] = dict(composers)
    return out


def _refusal(questions: Sequence[Question], verdicts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    must = [q.refuse for q in questions]
    did = [v["refused"] for v in verdicts]
    true_pos = sum(m and d for m, d in zip(must, did, strict=True))
    in_scope = len(must) - sum(must)
    return {"out_of_scope": sum(must), "in_scope": in_scope,
            "precision": true_pos / sum(did) if sum(did) else 0.0,
            "recall": true_pos / sum(must) if sum(must) else 0.0,
            "in_scope_refused": (sum(did) - true_pos) / in_scope if in_scope else 0.0}


def _citations(verdicts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    answered = [v for v in verdicts if "citations" in v]
    with_gold = [v for v in answered if "citations_to_gold" in v]
    total, gold_total = sum(v["citations"] for v in answered), sum(v["citations"] for v in with_gold)
    return {"answers": len(answered),
            "to_gold": sum(v["citations_to_gold"] for v in with_gold) / gold_total if gold_total else None,
            "with_valid_citation": mean(v["valid_citation"] for v in answered),
            "flagged_ungrounded": mean(not v["grounded"] for v in answered),
            "per_answer": total / len(answered) if answered else 0.0}


def latency(answers: Sequence[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """p50/p95 (ms) of every timed stage, over the answers that went through it."""
    stages: dict[str, list[float]] = {}
    for a in answers:
        for stage, ms in a["timings_ms"].items():
            stages.setdefault(stage, []).append(float(ms))
    return {s: {"p50": percentile(v, 50), "p95": percentile(v, 95), "n": len(v)} for s, v in stages.items()}

