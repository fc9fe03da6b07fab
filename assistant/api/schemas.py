"""Request and response models: what /docs shows and what the web pages rely on.

Answers, citations and cards keep the shapes of :mod:`assistant.answer` (``Answer.to_dict()``);
they are modelled here so the OpenAPI schema documents them too.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ErrorBody(BaseModel):
    code: str = Field(examples=["session_not_found"])
    message: str = Field(description="Vietnamese / English")
    message_vi: str
    message_en: str
    details: Any = None


class ErrorResponse(BaseModel):
    error: ErrorBody


# Errors any route may answer (a broken body, too large, rate limited, timed out, a server fault).
COMMON_ERRORS: dict[int | str, dict[str, Any]] = {status: {"model": ErrorResponse}
                                                  for status in (400, 413, 429, 500, 504)}


class CitationOut(BaseModel):
    unit_id: str
    article_ref: str
    label: str
    quote: str = ""
    source_url: str = ""
    block: int = 0


class CardOut(BaseModel):
    code: str
    name: str
    office: str = ""
    level: str = ""
    papers: list[str] = []
    steps: list[str] = []
    time_limit: str = ""
    fee: str = ""
    channels: list[str] = []
    legal_basis: list[str] = []
    url: str = ""
    sample: bool = False


class HitOut(BaseModel):
    unit_id: str
    article_ref: str
    score: float
    citation: str


class AnswerOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    question: str
    text: str
    intent: str
    persona: str
    citations: list[CitationOut]
    card: CardOut | None
    grounded: bool
    refused: bool
    refusal_reason: str
    standalone_question: str
    hits: list[HitOut]
    timings_ms: dict[str, float]
    composer: str
    notes: list[str]
    procedure_codes: list[str]


Persona = Literal["citizen", "official"]


class ChatRequest(BaseModel):
    session_id: str | None = Field(None, description="continue this session; null starts a new one")
    message: str = Field(description="the question, 1–2,000 characters after trimming (LEGAL_MAX_MESSAGE_CHARS)",
                         examples=["Làm căn cước lần đầu cần giấy tờ gì?"])
    persona: Persona = "citizen"
    stream: bool = Field(False, description="answer as server-sent events (also with Accept: text/event-stream)")


class ChatResponse(BaseModel):
    session_id: str
    message_id: str = Field(description="the stored assistant message (feedback targets it)")
    answer: AnswerOut


class SessionOut(BaseModel):
    session_id: str
    created_at: str
    title: str = ""
    messages: int = 0


class SessionList(BaseModel):
    sessions: list[SessionOut]


class MessageOut(BaseModel):
    message_id: str
    role: Literal["user", "assistant"]
    text: str
    answer: AnswerOut | None = None
    created_at: str


class MessageList(BaseModel):
    session_id: str
    messages: list[MessageOut]


class UnitOut(BaseModel):
    unit_id: str
    article_ref: str
    citation: str
    heading: str
    text: str
    source_url: str
    doc_title: str
    doc_number: str
    doc_type: str
    issuer: str
    status: str
    effective: str
    collection: str


class UnitView(BaseModel):
    unit: UnitOut
    article: UnitOut | None = Field(None, description="the parent Điều of a khoản or điểm")
    siblings: list[UnitOut] = Field(description="the khoản before and after (for an article: the articles "
                                                "before and after it in its document)")
    related: list[UnitOut] = Field(description="other articles on the same subject")


class SearchResult(BaseModel):
    rank: int
    unit_id: str
    article_ref: str
    citation: str
    score: float
    snippet_html: str = Field(description="HTML-escaped passage with the matched words in <mark>")
    text: str
    source_url: str
    collection: str
    doc_type: str
    doc_number: str
    issuer: str
    status: str
    effective: str


class SearchResponse(BaseModel):
    query: str
    page: int
    k: int
    total: int
    results: list[SearchResult]


class FilterValues(BaseModel):
    collections: list[str]
    doc_types: list[str]
    issuers: list[str]


class FeedbackRequest(BaseModel):
    message_id: str
    rating: Literal["up", "down"]
    comment: str | None = Field(None, max_length=2000)


class FeedbackCreated(BaseModel):
    feedback_id: str


class DocumentOut(BaseModel):
    document_id: str
    filename: str
    doc_id: str
    title: str
    size_bytes: int
    chunks: int
    created_at: str
    deleted_at: str | None = None


class DocumentList(BaseModel):
    documents: list[DocumentOut]


class DocumentCreated(DocumentOut):
    replaced: list[str] = Field(default_factory=list, description="earlier uploads of the same document")


class ReloadRequest(BaseModel):
    index_dir: str | None = Field(None, max_length=4096, description="an index directory inside the app's var or "
                                                                     "data folder or beside the current index; "
                                                                     "null reloads the configured one")


class ReloadResult(BaseModel):
    ok: bool
    at: str
    index_dir: str
    by: str = Field(description="the admin key's fingerprint, or signal:SIGHUP")
    chunks: int
    updated: str = ""
