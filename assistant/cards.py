"""Procedure cards: the structured record of a procedure, in the words a citizen reads."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from retrieval.lexical import lexical_tokens

from .answer import ProcedureCard


def _unique(values: list[str]) -> list[str]:
    return [v for v in dict.fromkeys(v.strip() for v in values) if v]


def card_from_record(record: dict[str, Any]) -> ProcedureCard:
    """Build a card from a procedure stored in the index (see ``retrieval.build.procedure_record``)."""
    channels = record.get("channels") or []
    papers = []
    for p in record.get("papers") or []:
        line = p["name"] + (f" ({p['form']})" if p.get("form") else "")
        papers.append(f"{line} — {p['quantity']}" if p.get("quantity") else line)
    channel_lines, notes = [], set()
    for c in channels:
        # The portal's note on a channel often holds the real time limit or how to submit
        # ("tối đa không quá 15 ngày làm việc", "thông qua số điện thoại …"); often the same
        # note repeats for every channel, and is shown once.
        note = " ".join((c.get("description") or "").split())
        parts = [c.get("time_limit", ""), f"phí: {c['fee']}" if c.get("fee") else "", "" if note in notes else note]
        notes.add(note)
        detail = "; ".join(p for p in parts if p)
        channel_lines.append(f"{c['kind']}: {detail}" if detail else c["kind"])
    basis = [f"{b['title']} ({b['number']})" if b.get("number") and b["number"] not in b["title"] else b["title"]
             for b in record.get("legal_basis") or []]
    return ProcedureCard(
        code=record["code"], name=record["name"],
        office="; ".join(_unique([record.get("competent_office") or "", record.get("implementing_office") or ""]))
        or record.get("agency", ""),
        level=record.get("level", ""), papers=tuple(papers), steps=tuple(record.get("steps") or ()),
        time_limit="; ".join(_unique([c.get("time_limit", "") for c in channels])),
        fee="; ".join(_unique([c.get("fee", "") for c in channels])),
        channels=tuple(channel_lines), legal_basis=tuple(basis), url=record.get("url", ""),
        sample=bool(record.get("sample")),
    )


def card_text(card: ProcedureCard) -> str:
    """The card as the lines a user reads (every field a renderer shows): what answer scoring compares."""
    head = f"{card.name} ({card.code}) — {card.office} {card.level}".rstrip()
    lines = [head, f"Thời hạn: {card.time_limit}" if card.time_limit else "", f"Lệ phí: {card.fee}" if card.fee else ""]
    for label, items in (("Giấy tờ", card.papers), ("Các bước", card.steps), ("Cách nộp", card.channels),
                         ("Căn cứ pháp lý", card.legal_basis)):
        if items:
            lines += [f"{label}:", *(f"  {i}. {item}" for i, item in enumerate(items, 1))]
    return "\n".join(line for line in [*lines, card.url] if line)


ASPECT_LINES = {
    "fee": ("Lệ phí", lambda c: c.fee),
    "time": ("Thời hạn giải quyết", lambda c: c.time_limit),
    "office": ("Cơ quan giải quyết", lambda c: c.office),
    "channels": ("Cách nộp", lambda c: "; ".join(c.channels)),
}


def _aspect_line(card: ProcedureCard, aspect: str | None) -> str:
    if aspect == "papers" and card.papers:
        return "Hồ sơ cần chuẩn bị: " + "; ".join(card.papers[:8]) + "."
    if aspect == "steps" and card.steps:
        return "Các bước: " + " ".join(f"({i}) {s}" for i, s in enumerate(card.steps[:6], 1))
    if aspect in ASPECT_LINES:
        label, get = ASPECT_LINES[aspect]
        value = get(card)
        return f"{label}: {value}." if value else ""
    return ""


_SENTENCE_BREAK = re.compile(r"(?<=[.;:])\s+|\n+")
PASSAGE_ASPECTS = (None, "general", "steps", "channels")  # no single card field answers these
MIN_PASSAGE_SCORE = 2.5  # ≈ question words a sentence shares that are rare in the procedure (dev-set tuned)


def _sentences(record: Mapping[str, Any]) -> list[str]:
    texts = [record.get("conditions") or "", *(record.get("steps") or ()),
             *(c.get("description") or "" for c in record.get("channels") or ())]
    return [s.strip(" -+*") for t in texts for s in _SENTENCE_BREAK.split(t) if len(s.strip()) > 15]


def relevant_passage(record: Mapping[str, Any], question: str) -> str:
    """The sentence of the procedure's steps, conditions or channel notes that best answers the question.

    Words of the procedure's name are shared by every sentence and do not count; the others
    weigh by how rare they are among the procedure's own sentences (local IDF, scaled so that
    a word found in one sentence only weighs 1), so "hơn … tuổi" outweighs "người nhận".
    Empty when no sentence shares enough.
    """
    sentences = _sentences(record)
    name = set(lexical_tokens(record.get("name", ""), "folded"))
    asked = set(lexical_tokens(question, "folded")) - name
    tokens = [set(lexical_tokens(s, "folded")) & asked for s in sentences]
    df = Counter(t for shared in tokens for t in shared)
    unique = math.log1p(len(sentences))
    scores = [sum(math.log1p(len(sentences) / df[t]) for t in shared) / unique for shared in tokens]
    best = max(range(len(sentences)), key=scores.__getitem__, default=None)
    return sentences[best] if best is not None and scores[best] >= MIN_PASSAGE_SCORE else ""


def direct_answer(card: ProcedureCard, aspect: str | None, question: str = "",
                  record: Mapping[str, Any] | None = None) -> str:
    """One paragraph that answers what was asked first (the fee for a fee question), then the rest.

    With the stored record it also quotes the sentence that answers a question no card field
    answers ("cả 2 người có phải có mặt không") and says what the citizen receives.
    """
    lines = [f"Thủ tục phù hợp: {card.name} (mã {card.code}).", _aspect_line(card, aspect)]
    if record is not None and aspect in PASSAGE_ASPECTS and (passage := relevant_passage(record, question)):
        lines.append(f"Hướng dẫn của thủ tục ghi: \u201c{passage}\u201d.")
    lines += [_aspect_line(card, a) for a in ("time", "fee", "office") if a != aspect]
    result = "; ".join(_unique(((record or {}).get("result") or "").splitlines()))
    if result:
        lines.append(f"Kết quả nhận được: {result}.")
    return "\n".join(line for line in lines if line)  # one line per fact: the page shows each as a paragraph
