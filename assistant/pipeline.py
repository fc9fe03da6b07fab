"""question → normalise → route → retrieve → compose → validate → answer.

The pipeline drives ``retrieval`` through its public search only. Procedure
questions search the procedure collections first (for the card) and the legal
collections for the basis; legal questions search the legal collections;
named references resolve to their unit. The extractive composer is the
default and the fallback of every other composer.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from datetime import date

from retrieval.index import LegalIndex
from retrieval.names import prefer_named
from retrieval.types import Filters, Hit

from . import choice, extractive, followup, llm_composer, personas, validity
from .answer import Answer, Event, Persona, Turn
from .cards import card_from_record
from .llm.base import ChatModel
from .query import normalize_question
from .router import route_normalized

PROCEDURE_COLLECTIONS = ("procedures", "demo")
_TOKEN_START = re.compile(r"(?<=\s)(?=\S)")  # streamed pieces: a word and the spaces before the next


class Assistant:
    def __init__(self, index: LegalIndex, k: int = 5, chat_model: ChatModel | None = None,
                 llm_timeout_s: float = 30.0):
        self.index = index
        self.k = k
        self.chat_model = chat_model
        self.llm_timeout_s = llm_timeout_s
        present = index.columns.collection_names
        self.procedure_collections = tuple(c for c in PROCEDURE_COLLECTIONS if c in present)
        self.legal_collections = tuple(sorted(present - set(self.procedure_collections)))

    def _procedure_search(self, question: str) -> list[Hit]:
        """Procedure hits; a short question ("lam ho chieu") picks the procedure its words name."""
        hits = self._search(question, self.procedure_collections)
        if not self.procedure_collections:
            return hits
        mask = self.index.columns.mask(self._filters(self.procedure_collections, in_force=True))
        return prefer_named(self.index.names, self.index.chunks, question, hits, mask)

    def _record(self, procedures: list[Hit]) -> dict | None:
        """The structured record of the first procedure hit strong enough to answer with its card."""
        return next((self.index.procedures[h.article_ref] for h in procedures
                     if h.article_ref in self.index.procedures and h.score >= extractive.WEAK_SCORE), None)

    def _filters(self, collections: tuple[str, ...], in_force: bool) -> Filters:
        return Filters(collections=collections, in_force_on=date.today() if in_force else None)

    def _search(self, question: str, collections: tuple[str, ...], in_force: bool = True) -> list[Hit]:
        """Hits from these collections; units repealed by today are left out unless ``in_force`` is False."""
        if not collections:
            return []
        return self.index.search(question, k=self.k, filters=self._filters(collections, in_force))

    def ask(self, question: str, persona: Persona = "citizen", history: Sequence[Turn] = ()) -> Answer:
        """Answer one question; ``history`` holds the session's earlier turns, most recent last."""
        timings: dict[str, float] = {}
        start = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal start
            now = time.perf_counter()
            timings[stage] = round((now - start) * 1000, 2)
            start = now

        text = normalize_question(question)
        r = route_normalized(text)
        lap("route")
        if history and r.intent not in ("unsafe", "out_of_scope", "greeting"):
            text, r = followup.resolve(text, r, history, self.chat_model,
                                       min(self.llm_timeout_s, followup.REWRITE_TIMEOUT_S))
            lap("rewrite")
        if r.intent in ("unsafe", "out_of_scope"):
            answer = extractive.refusal(question, r.reason, r.intent)
        elif r.intent == "greeting":
            answer = extractive.greeting(question)
        else:
            answer = self._answer(question, text, r.intent, r.aspect, persona, lap)
            answer.standalone_question = text
        answer.persona = persona
        answer.timings_ms = {**timings, **answer.timings_ms}
        answer.timings_ms["total"] = round(sum(v for k, v in answer.timings_ms.items() if k != "total"), 2)
        return answer

    def _answer(self, question: str, text: str, intent: str, aspect: str | None, persona: Persona, lap) -> Answer:
        procedures = self._procedure_search(text) if intent == "procedure" else []
        record = self._record(procedures)
        # A citizen's card cites its own legal basis; searching the law as well would only cost time.
        carded = persona == "citizen" and self.chat_model is None and record is not None
        legal = [] if carded else self._search(text, self.legal_collections, in_force=intent != "reference")
        if intent == "legal" and not any(h.score >= extractive.WEAK_SCORE for h in legal):
            # The law is silent: a procedure the question names may answer it ("nhận con nuôi phải hơn
            # bao nhiêu tuổi" is in the procedure's conditions).
            procedures = [h for h in self._search(text, self.procedure_collections)
                          if self.index.names_procedure(text, h)]
            record = self._record(procedures)
        lap("retrieve")
        hits = procedures + legal
        strong = [h for h in legal + procedures if h.matched == "reference" or h.score >= extractive.WEAK_SCORE]
        if record is not None:
            answer = extractive.procedure_answer(question, card_from_record(record), procedures, aspect, record)
            if persona == "official" and (basis := [h for h in strong if h in legal]):
                personas.add_basis(answer, extractive.legal_answer(text, basis, persona, intent))
        else:
            answer = (extractive.legal_answer(question, strong + [h for h in hits if h not in strong], persona, intent)
                      if strong else extractive.weak(question, hits, intent))
            answer = choice.with_decision(answer, question, strong)  # Đúng/Sai and A–D questions: decide first
        personas.finish(answer, persona, aspect)
        lap("compose")
        if self.chat_model is not None and hits and "weak retrieval" not in answer.notes:
            text, citations, problem = llm_composer.compose(self.chat_model, text, hits, persona,
                                                            self.llm_timeout_s)
            if problem:
                answer.notes.append(problem)
            else:
                answer.text, answer.citations, answer.composer = text, citations, self.chat_model.name
            lap("llm")
        validity.flag(answer, hits)
        answer.hits = [{"unit_id": h.unit_id, "article_ref": h.article_ref, "score": round(h.score, 4),
                        "citation": h.citation} for h in hits]
        answer.timings_ms = {}
        return answer

    def stream(self, question: str, persona: Persona = "citizen",
               history: Sequence[Turn] = ()) -> Iterator[Event]:
        """The answer as events: text pieces (joined they are exactly ``answer.text``), then citations and
        the card, then ``done`` with the whole answer (for the API to store)."""
        answer = self.ask(question, persona, history)
        for piece in _TOKEN_START.split(answer.text):
            if piece:
                yield Event("token", piece)
        for c in answer.citations:
            yield Event("citation", c)
        if answer.card is not None:
            yield Event("card", answer.card)
        yield Event("done", {"timings_ms": answer.timings_ms, "grounded": answer.grounded,
                             "refused": answer.refused, "answer": answer.to_dict()})
