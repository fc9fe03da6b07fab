"""Records the answer pipeline produces: the Answer, its citations, the procedure card, stream events."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Intent = Literal["procedure", "legal", "reference", "greeting", "out_of_scope", "unsafe"]
Persona = Literal["citizen", "official"]


@dataclass(frozen=True, slots=True)
class Citation:
    """A retrieved unit an answer relies on; ``quote`` occurs verbatim in that unit's text."""

    unit_id: str
    article_ref: str
    label: str  # "Khoản 2 Điều 16 Luật Hộ tịch 2014 (60/2014/QH13)"
    quote: str = ""
    source_url: str = ""
    block: int = 0  # the numbered context block [n] it came from (LLM composers)


@dataclass(frozen=True, slots=True)
class ProcedureCard:
    code: str
    name: str
    office: str = ""
    level: str = ""
    papers: tuple[str, ...] = ()  # "Tờ khai … — 1 bản chính"
    steps: tuple[str, ...] = ()
    time_limit: str = ""
    fee: str = ""
    channels: tuple[str, ...] = ()  # "Trực tuyến: 5 ngày làm việc; phí 10 USD"
    legal_basis: tuple[str, ...] = ()
    url: str = ""
    sample: bool = False  # built from the project's demo guides, not an official record


@dataclass
class Answer:
    question: str
    text: str
    intent: Intent
    persona: Persona = "citizen"
    citations: list[Citation] = field(default_factory=list)
    card: ProcedureCard | None = None
    grounded: bool = True  # every statement of law is backed by a cited unit
    refused: bool = False
    refusal_reason: str = ""
    standalone_question: str = ""  # the follow-up rewritten with the session history
    hits: list[dict[str, Any]] = field(default_factory=list)  # retrieval hits (unit_id, article_ref, score, citation)
    timings_ms: dict[str, float] = field(default_factory=dict)  # per stage
    composer: str = "extractive"
    notes: list[str] = field(default_factory=list)  # e.g. "LLM answer replaced: unbacked citation [4]"

    @property
    def procedure_codes(self) -> list[str]:
        return [self.card.code] if self.card else []

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["procedure_codes"] = self.procedure_codes
        return out


@dataclass(frozen=True, slots=True)
class Turn:
    """One earlier exchange of a session, as much as follow-up rewriting needs (kept by the API's store)."""

    question: str  # what the user typed
    standalone: str = ""  # the question as it was answered (its standalone rewrite)
    topic: str = ""  # what the answer was about: the procedure name, else the first citation label

    @classmethod
    def from_answer(cls, answer: dict[str, Any] | Answer) -> Turn:
        """From an Answer or its ``to_dict()`` form (as stored with a session's messages)."""
        a = answer.to_dict() if isinstance(answer, Answer) else answer
        card, cites = a.get("card") or {}, a.get("citations") or []
        topic = card.get("name") or (cites[0].get("label", "") if cites else "")
        return cls(a.get("question", ""), a.get("standalone_question") or a.get("question", ""), topic)


EventType = Literal["token", "citation", "card", "done", "error"]


@dataclass(frozen=True, slots=True)
class Event:
    """One streamed piece of an answer (sent as a server-sent event by the API)."""

    type: EventType
    data: Any
