"""Officials' search: ``GET /api/search`` (ranked units, filters, pages) and ``GET /api/filters``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from retrieval.index import LegalIndex
from retrieval.types import Filters, Hit

from .schedule import SEARCH_BUDGET_S, deadline
from .schemas import ErrorResponse, FilterValues, SearchResponse
from .services import ServicesDep
from .text import clean_text, query_terms, snippet_html

router = APIRouter(tags=["search"])
MIN_DEPTH = 50  # the reranker orders this many articles anyway, so asking for fewer saves nothing
MAX_DEPTH = 200  # results reachable by paging


def result(hit: Hit, terms: frozenset[str]) -> dict[str, Any]:
    c = hit.chunk
    return {"rank": hit.rank, "unit_id": hit.unit_id, "article_ref": hit.article_ref, "citation": hit.citation,
            "score": round(hit.score, 4), "snippet_html": snippet_html(c.text, terms), "text": c.text,
            "source_url": c.source_url, "collection": c.collection, "doc_type": c.doc_type,
            "doc_number": c.doc_number, "issuer": c.issuer, "status": c.status, "effective": c.effective}


@router.get("/api/search", response_model=SearchResponse,
            responses={422: {"model": ErrorResponse}, 503: {"model": ErrorResponse}})
def search(
    services: ServicesDep,
    q: Annotated[str, Query(description="words, a question, or a reference such as "
                                        "“khoản 2 Điều 16 Luật Hộ tịch”")] = "",
    collection: Annotated[list[str], Query(description="repeat for several")] = [],  # noqa: B006
    doc_type: Annotated[list[str], Query(description="Luật, Nghị định, Thông tư…")] = [],  # noqa: B006
    issuer: Annotated[list[str], Query(description="part of the issuer's name")] = [],  # noqa: B006
    number: Annotated[list[str], Query(description="document number, e.g. 60/2014/QH13")] = [],  # noqa: B006
    in_force_on: Annotated[date | None, Query(description="only units in force on this day (YYYY-MM-DD)")] = None,
    k: Annotated[int, Query(ge=1, le=50, description="results per page")] = 10,
    page: Annotated[int, Query(ge=1, le=MAX_DEPTH)] = 1,
) -> dict[str, Any]:
    """Ranked units (one per article) with citation, highlighted snippet and source."""
    index, _ = services.require_index()
    query = clean_text(q, services.settings.max_message_chars, "query", "Từ khóa tìm kiếm", "query")
    filters = Filters(tuple(collection), tuple(doc_type), tuple(issuer), tuple(number), in_force_on)
    depth = min(MAX_DEPTH, max(MIN_DEPTH, page * k))
    with services.gate.turn(deadline(SEARCH_BUDGET_S)):
        with services.lock.read():
            hits = index.search(query, k=depth, filters=filters or None)
        terms = query_terms(query)
        return {"query": query, "page": page, "k": k, "total": len(hits),
                "results": [result(h, terms) for h in hits[(page - 1) * k:page * k]]}


def _filter_values(index: LegalIndex) -> dict[str, list[str]]:
    def distinct(get) -> list[str]:
        return sorted({v for v in map(get, index.chunks) if v}, key=str.casefold)

    return {"collections": distinct(lambda c: c.collection), "doc_types": distinct(lambda c: c.doc_type),
            "issuers": distinct(lambda c: c.issuer)}


@router.get("/api/filters", response_model=FilterValues, responses={503: {"model": ErrorResponse}})
def filters(services: ServicesDep) -> dict[str, list[str]]:
    """The collections, document types and issuers present in the loaded index (for dropdowns)."""
    index, _ = services.require_index()
    with services.lock.read():
        return services.derived("filters", index, _filter_values)

