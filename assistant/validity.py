"""Effective-date awareness: what an answer says about sources that are no longer (fully) in force.

Search drops repealed units unless the question named them (``Assistant`` filters on today's
date); what remains may come from a document that was amended or partly repealed, and a
citizen reading a quote from it must know to check the consolidated text. The note goes
right after the citation's first mention, or on a closing line when the text has no labels
(an LLM answer citing blocks as [n]).
"""

from __future__ import annotations

from collections.abc import Sequence

from legal_corpus.models import Status
from retrieval.types import Hit

from .answer import Answer

NOTES: dict[str, str] = {
    Status.AMENDED.value: "văn bản đã được sửa đổi, bổ sung — kiểm tra văn bản hợp nhất",
    Status.PARTLY_REPEALED.value: "văn bản đã bị bãi bỏ một phần — kiểm tra văn bản hợp nhất",
    Status.REPEALED.value: "văn bản đã hết hiệu lực",
    Status.NOT_YET_EFFECTIVE.value: "văn bản chưa có hiệu lực",
}


def note_for(status: str) -> str:
    """The note an answer carries for a source with this status ("" when in force or unknown)."""
    return NOTES.get(status, "")


def flag(answer: Answer, hits: Sequence[Hit]) -> None:
    """Add the status note once per document that is not simply in force, after its first cited mention."""
    chunks = {h.article_ref: h.chunk for h in hits}
    noted: set[str] = set()
    unlabelled: list[str] = []
    for cite in answer.citations:
        chunk = chunks.get(cite.article_ref)
        if chunk is None or chunk.doc_id in noted or not (warning := note_for(chunk.status)):
            continue
        noted.add(chunk.doc_id)
        note = f" ({warning})"
        at = answer.text.find(cite.label)
        if at < 0:
            unlabelled.append(cite.label + note)
        else:
            end = at + len(cite.label)
            answer.text = answer.text[:end] + note + answer.text[end:]
    if unlabelled:
        answer.text += "\nLưu ý hiệu lực: " + "; ".join(unlabelled) + "."
