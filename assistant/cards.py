"""Procedure cards: the structured record of a procedure, in the words a citizen reads."""

from __future__ import annotations

from typing import Any

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
    channel_lines = []
    for c in channels:
        parts = [c.get("time_limit", ""), f"phí: {c['fee']}" if c.get("fee") else ""]
        detail = "; ".join(p for p in parts if p)
        channel_lines.append(f"{c['kind']}: {detail}" if detail else c["kind"])
    basis = [f"{b['title']} ({b['number']})" if b.get("number") and b["number"] not in b["title"] else b["title"]
             for b in record.get("legal_basis") or []]
    return ProcedureCard(
        code=record["code"], name=record["name"],
        office=record.get("competent_office") or record.get("implementing_office") or record.get("agency", ""),
        level=record.get("level", ""), papers=tuple(papers), steps=tuple(record.get("steps") or ()),
        time_limit="; ".join(_unique([c.get("time_limit", "") for c in channels])),
        fee="; ".join(_unique([c.get("fee", "") for c in channels])),
        channels=tuple(channel_lines), legal_basis=tuple(basis), url=record.get("url", ""),
        sample=bool(record.get("sample")),
    )


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


def direct_answer(card: ProcedureCard, aspect: str | None) -> str:
    """One paragraph that answers what was asked first (the fee for a fee question), then the rest."""
    lines = [f"Thủ tục phù hợp: {card.name} (mã {card.code}).", _aspect_line(card, aspect)]
    lines += [_aspect_line(card, a) for a in ("time", "fee", "office") if a != aspect]
    return " ".join(line for line in lines if line)
