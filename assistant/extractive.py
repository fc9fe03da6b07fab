"""The default composer: answers built only from retrieved text, no model needed.

Every sentence of law it writes is a verbatim quote of a retrieved unit with
its citation, so it cannot invent law; when retrieval is weak it says so and
points to where to ask instead of guessing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from legal_corpus.models import Document
from legal_corpus.normalize import fold
from legal_corpus.structure import UnitFactory, parse_article
from retrieval.lexical import lexical_tokens
from retrieval.types import Hit

from .answer import Answer, Citation, ProcedureCard
from .cards import direct_answer
from .personas import legal_text

WEAK_SCORE = 0.2  # reranker probability under which the sources are taken not to cover the question
WHERE_TO_ASK = ("Bạn có thể hỏi trực tiếp bộ phận một cửa của Ủy ban nhân dân cấp xã nơi cư trú, "
                "hoặc tra cứu và gửi câu hỏi trên Cổng Dịch vụ công quốc gia (dichvucong.gov.vn).")
REFUSAL = ("Xin lỗi, tôi không thể hỗ trợ yêu cầu này. Tôi có thể giúp tra cứu thủ tục hành chính "
           "(giấy tờ, các bước, thời hạn, lệ phí, nơi nộp) và văn bản pháp luật có trích dẫn nguồn. ")
GREETING = ("Xin chào! Tôi có thể giúp bạn tra cứu thủ tục hành chính và văn bản pháp luật, "
            "ví dụ: \u201cLàm căn cước lần đầu cần giấy tờ gì?\u201d")


def citation_for(hit: Hit, quote: str = "", unit_id: str = "", block: int = 0) -> Citation:
    c = hit.chunk
    label = c.citation
    if unit_id and unit_id != c.unit_id:  # a khoản/điểm: name it in the label
        steps = unit_id[len(c.unit_id):].strip("/").split("/")
        names = {"k": "Khoản"}
        parts = [f"{names.get(s[0], 'Điểm')} {s[1:] if s[0] == 'k' else s}" for s in reversed(steps) if s]
        label = " ".join(parts) + " " + c.citation
    return Citation(unit_id=unit_id or hit.unit_id, article_ref=c.article_ref, label=label, quote=quote,
                    source_url=c.source_url, block=block)


def best_clause(question: str, hit: Hit) -> tuple[str, str]:
    """(unit id, verbatim text) of the khoản or điểm of the hit that shares most words with the question."""
    chunk = hit.chunk
    if hit.matched == "reference" and hit.unit_id == chunk.unit_id:  # "Điều 16 Luật Hộ tịch": all of it
        return chunk.unit_id, chunk.text
    wanted = hit.unit if hit.unit and hit.unit != chunk.unit_id else ""  # the query named the clause
    article = parse_article(chunk.article_no, "", chunk.text, UnitFactory(Document(id="q", collection="q")),
                            unit_id=chunk.unit_id)
    clauses = [u for u in article.walk() if u is not article] or [article]
    if wanted:
        for u in clauses:
            if u.id == wanted:
                return u.id, u.text
    q = set(lexical_tokens(question, "folded"))
    best = max(clauses, key=lambda u: (len(q & set(lexical_tokens(u.text, "folded"))), -len(u.text)))
    return best.id, best.text


def refusal(question: str, reason: str, intent: str) -> Answer:
    return Answer(question=question, text=REFUSAL + WHERE_TO_ASK, intent=intent, refused=True,
                  refusal_reason=reason, grounded=True)


def greeting(question: str) -> Answer:
    return Answer(question=question, text=GREETING, intent="greeting")


def weak(question: str, hits: Sequence[Hit], intent: str) -> Answer:
    maybe = "\n".join(f"- {h.citation}" for h in hits[:3])
    text = ("Các nguồn hiện có chưa đề cập rõ câu hỏi này nên tôi không trả lời để tránh sai sót. "
            + (f"Có thể liên quan:\n{maybe}\n" if maybe else "") + WHERE_TO_ASK)
    return Answer(question=question, text=text, intent=intent, grounded=True,
                  citations=[citation_for(h) for h in hits[:3]], notes=["weak retrieval"])


def procedure_answer(question: str, card: ProcedureCard, hits: Sequence[Hit], aspect: str | None,
                     record: Mapping[str, Any] | None = None) -> Answer:
    """The card and a direct answer; ``record`` (the stored procedure) lets it quote steps and conditions."""
    text = direct_answer(card, aspect, question, record)
    if card.legal_basis:
        text += "\nCăn cứ pháp lý: " + "; ".join(card.legal_basis[:4]) + "."
    if card.sample:
        text += "\n(Nội dung mẫu của dự án — cần đối chiếu với cơ quan có thẩm quyền.)"
    cites = [citation_for(h) for h in hits if h.chunk.article_ref == card.code][:1]
    return Answer(question=question, text=text, intent="procedure", card=card, citations=cites)


def legal_answer(question: str, hits: Sequence[Hit], persona: str, intent: str) -> Answer:
    top = hits[0]
    unit_id, quote = best_clause(question, top)
    cite = citation_for(top, quote=quote, unit_id=unit_id, block=1)
    related = [citation_for(h) for h in hits[1:4] if fold(h.citation) != fold(top.citation)]
    return Answer(question=question, text=legal_text(cite, related, persona),  # type: ignore[arg-type]
                  intent=intent, persona=persona, citations=[cite, *related])  # type: ignore[arg-type]
