"""Đúng/Sai statements and multiple-choice questions decided from the retrieved clauses.

Exam-style questions (ALQAC, law-school quizzes) ask to judge a statement or pick
an option. The extractive composer has no model, so it decides by comparing
words with the clauses (khoản/điểm) of the top 3 hits — a documented heuristic
whose decision the answer states first, followed by the quoted basis:

- Đúng/Sai: the statement is compared with the clause that shares most word
  pairs with it, and judged **Sai** when it negates what the clause states
  ("không X" against "X"), the clause negates what it states ("p không X"
  against "p X"), it has a number the clause lacks, or it adds an absolute the
  clause lacks ("chỉ", "luôn", "kể cả", "tự do", "mọi", "bất kỳ", …);
  otherwise **Đúng**.
- Multiple choice: each option is scored by how much of it (words and word
  pairs) its best clause covers. The best covered option wins; the least
  covered one when the question asks for the exception ("KHÔNG", "không
  phải", "ngoại trừ", "đâu là không …"). Options found as điểm of a list under
  a negating lead-in ("… không được … trong các trường hợp sau:", "Cấm các
  hành vi sau đây:") answer a negative question ("… bị cấm?", "KHÔNG được …
  khi nào?") and are wrong for a positive one. An option naming others ("Cả A
  và B đều đúng", "Cả 3 phương án trên") wins when each option it names is
  covered at least ``COVERED``; "all wrong" options are never chosen.

ALQAC 2025 train (the rules were written looking at it, so the numbers are
in-sample): Đúng/Sai 72.6% against 50.9% for always "Sai", Trắc nghiệm 65.7%
against 34.3% for always "D" (``python -m eval answers --dataset alqac2025-train``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from legal_corpus.normalize import fold, normalize_line, normalize_text
from retrieval.types import Hit

from .answer import Answer
from .extractive import best_clause, citation_for

Kind = Literal["true_false", "multiple_choice"]

TOP_HITS = 3
COVERED = 0.4  # option coverage from which a "Cả A và B" option counts its options as stated
HEDGE = "Đây là đối chiếu tự động từ ngữ với điều luật dưới đây; hãy đọc điều luật để kiểm chứng."

_OPTION_LINE = re.compile(r"^[ \t]*\(?([A-Da-d])[ \t]*[.):][ \t]+(\S.*)$", re.MULTILINE)
_OPTION_INLINE = re.compile(r"(?:(?<=[\s?:;])|^)\(?([A-D])[.)]\s+")
_TF_CUE = re.compile(r"[\s,.:;-]*(?:(?:la|thi)\s+)?(?:dung hay sai|dung hay khong|dung khong|sai khong|phai khong"
                     r"|true or false)\s*[?.!]*\s*$")
_TF_LEAD = re.compile(r"^\s*(?:(?:nhan dinh|menh de|khang dinh|phat bieu)\s+(?:sau(?: day)?|duoi day)\s*"
                      r"(?:la\s+)?(?:dung hay sai)?|dung hay sai)\s*[?:.\-]*\s*")
_EXCEPTION = re.compile(r"\bKHÔNG\b|(?i:\b(?:đâu|nào)(?: sau đây)?(?: là)? không\b|ngoại trừ|\bkhông (?:phải|thuộc|"
                        r"bao gồm|đúng|có|bị|được)\b[^?]{0,80}\b(?:nào|gì|đâu)\b)")
_NAMES_OTHERS = re.compile(r"(?i)^\W*(?:cả|tất cả)\b.*(?:\b[A-D]\b|trên|phương án|đáp án|đều đúng|đều sai)"
                           r"|^\W*(?:đáp án|phương án)\s+[A-D]\b|^\W*[A-D]\s*(?:,|và)\s*[A-D]\b")
_ALL_WRONG = re.compile(r"(?i)đều sai|\bsai\W*$|không có (?:phương án|đáp án|lựa chọn)")
_WORD = re.compile(r"\w+")
_POINT = re.compile(r"^\s*[a-zđ]\)")
_NEGATED_LEAD = re.compile(r"(?i)\b(?:không được|không phải|không có quyền|không bị|nghiêm cấm|cấm)\b")
_NEGATION = frozenset({"không", "chưa", "cấm"})
_ABSOLUTES = (("chỉ",), ("luôn",), ("kể", "cả"), ("tự", "do"), ("bắt", "buộc"), ("tuyệt", "đối"), ("mọi",),
              ("tất", "cả"), ("bất", "kỳ"), ("duy", "nhất"), ("nhiều", "nhất"), ("không", "cần"), ("mà", "không"))


@dataclass(frozen=True)
class ChoiceQuestion:
    kind: Kind
    stem: str  # the statement to judge, or the question without its options
    options: dict[str, str]  # letter → option text; empty for a statement


@dataclass(frozen=True)
class Decision:
    kind: Kind
    verdict: str  # "Đúng", "Sai" or an option letter
    reason: str  # one Vietnamese clause saying why
    hit: Hit  # the hit whose clause is the basis
    unit_id: str
    quote: str  # the clause, verbatim

    def lead(self, options: dict[str, str]) -> str:
        if self.kind == "true_false":
            return f"Nhận định: {self.verdict} — {self.reason}."
        return f"Đáp án: {self.verdict}. {options.get(self.verdict, '').strip()} — {self.reason}."


def words(text: str) -> list[str]:
    """Lower-case syllables, numbers without leading zeros or thousands separators ("02" → "2")."""
    text = re.sub(r"(?<=\d)[.,](?=\d{3}\b)", "", normalize_line(text).lower())
    return [str(int(w)) if w.isdigit() else w for w in _WORD.findall(text)]


def _grams(ws: Sequence[str], n: int) -> set[tuple[str, ...]]:
    return set(zip(*(ws[i:] for i in range(n)), strict=False))


def detect(question: str) -> ChoiceQuestion | None:
    """A multiple-choice question (options A–D on their own lines or inline) or a statement to judge."""
    text = normalize_text(question or "")
    found = [(m.group(1).upper(), m.start(), m.group(2)) for m in _OPTION_LINE.finditer(text)]
    if not _in_order(found):
        marks = list(_OPTION_INLINE.finditer(text))
        ends = [m.start() for m in marks[1:]] + [len(text)]
        found = [(m.group(1), m.start(), text[m.end():end]) for m, end in zip(marks, ends, strict=False)]
        found = found if len(found) >= 3 else []
    if _in_order(found):
        stem = text[:found[0][1]].strip()
        return ChoiceQuestion("multiple_choice", stem, {key: option.strip() for key, _, option in found})
    one_line = " ".join(text.split())
    folded = fold(one_line)
    if len(folded) != len(one_line):
        return None
    end, lead = _TF_CUE.search(folded), _TF_LEAD.match(folded)
    if end is None and lead is None:
        return None
    stem = one_line[lead.end() if lead else 0:end.start() if end else len(one_line)].strip(" ,.:;?")
    return ChoiceQuestion("true_false", stem, {}) if stem else None


def _in_order(found: Sequence[tuple[str, int, str]]) -> bool:
    return len(found) >= 2 and [f[0] for f in found] == list("ABCD"[:len(found)]) and all(f[2].strip() for f in found)


def _best(text: str, hits: Sequence[Hit]) -> tuple[float, Hit, str, str]:
    """(coverage, hit, unit id, clause) of the clause covering most of ``text``: mean of word and pair coverage."""
    target = words(text)
    wanted, pairs = set(target), _grams(target, 2)
    best: tuple[float, Hit, str, str] | None = None
    for hit in hits[:TOP_HITS]:
        unit_id, clause = best_clause(text, hit)
        have = words(clause)
        uni = len(wanted & set(have)) / max(1, len(wanted))
        bi = len(pairs & _grams(have, 2)) / len(pairs) if pairs else uni
        score = (uni + bi) / 2
        if best is None or score > best[0]:
            best = (score, hit, unit_id, clause)
    assert best is not None
    return best


def _under_negation(hit: Hit, clause: str) -> bool:
    """Whether ``clause`` is a điểm listed under a negating lead-in ("… không được … trong các trường hợp sau:")."""
    text = hit.chunk.text
    pos = text.find(clause)
    if pos <= 0 or not _POINT.match(clause):
        return False
    lead = next((line for line in reversed(text[:pos].splitlines()) if line.strip() and not _POINT.match(line)), "")
    return bool(_NEGATED_LEAD.search(lead))


def _mismatch(statement: list[str], clause: list[str]) -> str:
    """Why the statement departs from the clause, or "" when it does not."""
    pairs, have = _grams(clause, 2), set(clause)
    if any(a in _NEGATION and (a, b) not in pairs for a, b in zip(statement, statement[1:], strict=False)):
        return "nhận định phủ định điều mà điều luật quy định"
    said = _grams(statement, 2)
    if any(b in _NEGATION and (a, c) in said for a, b, c in zip(clause, clause[1:], clause[2:], strict=False)):
        return "điều luật quy định điều ngược lại"
    if any(w.isdigit() and w not in have for w in statement):
        return "con số trong nhận định khác với điều luật"
    extra = [" ".join(a) for a in _ABSOLUTES if a in _grams(statement, len(a)) and a not in _grams(clause, len(a))]
    if extra:
        return f"nhận định thêm “{extra[0]}” mà điều luật không có"
    return ""


def _named(option: str, letters: Sequence[str]) -> list[str]:
    """The options an option like "Cả A và C đều đúng" names; all the others for "Cả 3 phương án trên"."""
    named = [x for x in re.findall(r"\b([A-D])\b", option) if x in letters]
    return named or list(letters)


def decide(question: ChoiceQuestion, hits: Sequence[Hit]) -> Decision | None:
    """The heuristic's decision and its basis; None without hits or without a usable option."""
    if not hits:
        return None
    if question.kind == "true_false":
        _, hit, unit_id, clause = _best(question.stem, hits)
        why = _mismatch(words(question.stem), words(clause))
        return Decision("true_false", "Sai" if why else "Đúng", why or "khớp với điều luật", hit, unit_id, clause)
    compound = {k for k, v in question.options.items() if _NAMES_OTHERS.search(v)}
    plain = {k: _best(v, hits) for k, v in question.options.items() if k not in compound}
    if not plain:
        return None
    exception = bool(_EXCEPTION.search(question.stem))
    negated = {k for k, b in plain.items() if _under_negation(b[1], b[3])}
    if negated:  # a list under "không được …": the options in it answer a negative question, the others a positive one
        asks_negative = exception or bool(_NEGATED_LEAD.search(question.stem))
        plain = {k: (b[0] if (k in negated) == asks_negative else -b[0], *b[1:]) for k, b in plain.items()}
        exception = False
    pick = (min if exception else max)(plain, key=lambda k: plain[k][0])
    reason = "phương án ít khớp nhất với điều luật (câu hỏi hỏi trường hợp ngoại trừ)" if exception else \
        "phương án khớp nhất với điều luật"
    for key in sorted(compound):
        named = _named(question.options[key], sorted(plain))
        if (not exception and not _ALL_WRONG.search(question.options[key])
                and all(plain[x][0] >= COVERED for x in named if x in plain)):
            pick, reason = key, f"các phương án {', '.join(named)} đều có trong điều luật"
            break
    _, hit, unit_id, clause = plain.get(pick) or max(plain.values(), key=lambda b: b[0])
    return Decision("multiple_choice", pick, reason, hit, unit_id, clause)


def with_decision(answer: Answer, question: str, hits: Sequence[Hit]) -> Answer:
    """The answer with the decision stated first and its basis quoted, when the question is one to decide."""
    if answer.refused or answer.card is not None or "weak retrieval" in answer.notes:
        return answer
    asked = detect(question)
    decision = decide(asked, hits) if asked else None
    if asked is None or decision is None:
        return answer
    cite = citation_for(decision.hit, quote=decision.quote, unit_id=decision.unit_id, block=1)
    text = f"{decision.lead(asked.options)}\n{HEDGE}\nCăn cứ {cite.label}:\n\u201c{decision.quote}\u201d"
    others = [c for c in answer.citations if c.unit_id != cite.unit_id]
    if len(others) == len(answer.citations):  # the answer quoted another clause: keep it below
        text += "\n\n" + answer.text
    elif others:
        text += "\n\nXem thêm: " + "; ".join(c.label for c in others) + "."
    return replace(answer, text=text, citations=[cite, *others],
                   notes=[*answer.notes, f"{asked.kind} decided by the word-overlap heuristic"])
