"""LangChain adapter: the legal index as a ``BaseRetriever`` returning cited ``Document``s."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from .index import LegalIndex
from .types import Filters, Hit


def hit_to_document(hit: Hit) -> Document:
    """The chunk text as content; citation, ids and document facts as metadata."""
    c = hit.chunk
    return Document(
        page_content=c.passage,
        id=c.id,
        metadata={
            "unit_id": hit.unit_id, "article_ref": c.article_ref, "citation": c.citation, "score": hit.score,
            "rank": hit.rank, "matched": hit.matched, "collection": c.collection, "doc_id": c.doc_id,
            "doc_type": c.doc_type, "doc_number": c.doc_number, "issuer": c.issuer, "effective": c.effective,
            "status": c.status, "source_url": c.source_url, "heading": c.heading,
        },
    )


class LegalRetriever(BaseRetriever):
    """``retriever.invoke("Điều 16 Luật Hộ tịch")`` → ranked Documents, one per article."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: LegalIndex
    k: int = 5
    filters: Filters | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                **kwargs: Any) -> list[Document]:
        hits = self.index.search(query, k=kwargs.get("k", self.k), filters=kwargs.get("filters", self.filters))
        return [hit_to_document(h) for h in hits]
