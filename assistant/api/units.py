"""``GET /api/units/{id}`` (a unit with its article, neighbours and related articles) and
``GET /api/procedures/{code}`` (the procedure card).

The index keeps article-level chunks; a khoản ("…/k2") or điểm ("…/k2/a") is cut out of its
article's text by its numbering ("2. …", "a) …"), the same way references resolve to it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from fastapi import APIRouter

from assistant.cards import card_from_record
from legal_corpus.models import Chunk
from retrieval.index import LegalIndex

from .errors import ApiError
from .schemas import CardOut, ErrorResponse, UnitView
from .services import ServicesDep

router = APIRouter(tags=["units"])
RELATED = 5
_SUB_ID = re.compile(r"^(?P<article>.+?)/k(?P<clause>\d{1,3}[a-zđ]?)(?:/(?P<point>[a-zđ]))?$")
_CLAUSE = re.compile(r"^(\d{1,3}[a-zđ]?)\.\s", re.M)
_POINT = re.compile(r"^([a-zđ])\)\s", re.M)


@dataclass(frozen=True, slots=True)
class Units:
    """Article-level units of the index: their chunk rows (parts in order) and each document's units."""

    rows: dict[str, list[int]]
    by_doc: dict[str, list[str]]


def _units(index: LegalIndex) -> Units:
    rows: dict[str, list[int]] = {}
    by_doc: dict[str, list[str]] = {}
    for i, c in enumerate(index.chunks):
        if c.unit_id not in rows:
            by_doc.setdefault(c.doc_id, []).append(c.unit_id)
        rows.setdefault(c.unit_id, []).append(i)
    for parts in rows.values():
        parts.sort(key=lambda r: index.chunks[r].part)
    return Units(rows, by_doc)


def _view(chunk: Chunk, unit_id: str, heading: str, text: str, citation: str) -> dict[str, Any]:
    return {"unit_id": unit_id, "article_ref": chunk.article_ref, "citation": citation, "heading": heading,
            "text": text, "source_url": chunk.source_url, "doc_title": chunk.doc_title,
            "doc_number": chunk.doc_number, "doc_type": chunk.doc_type, "issuer": chunk.issuer,
            "status": chunk.status, "effective": chunk.effective, "collection": chunk.collection}


def _article(index: LegalIndex, units: Units, unit_id: str) -> dict[str, Any]:
    parts = [index.chunks[r] for r in units.rows[unit_id]]
    return _view(parts[0], unit_id, parts[0].heading, "\n".join(p.text for p in parts), parts[0].citation)


def _numbered(text: str, pattern: re.Pattern[str]) -> list[tuple[str, str]]:
    """(number, text) of each "2. …" or "a) …" block of a text."""
    marks = list(pattern.finditer(text))
    return [(m.group(1), text[m.start():marks[i + 1].start() if i + 1 < len(marks) else len(text)].strip())
            for i, m in enumerate(marks)]


def _neighbours(items: list[tuple[str, str]], number: str) -> tuple[str, list[str]] | None:
    """The block numbered ``number`` and the numbers just before and after it."""
    numbers = [n for n, _ in items]
    if number not in numbers:
        return None
    i = numbers.index(number)
    return items[i][1], [numbers[j] for j in (i - 1, i + 1) if 0 <= j < len(numbers)]


def _sub_unit(article: dict[str, Any], clause: str, point: str | None) -> tuple[dict, list[dict]] | None:
    """A khoản or điểm of the article, and its neighbouring khoản (or điểm)."""
    def sub(uid: str, label: str, text: str) -> dict[str, Any]:
        return {**article, "unit_id": uid, "heading": label, "text": text, "citation": f"{label} {article['citation']}"}

    clauses = _numbered(article["text"], _CLAUSE)
    found = _neighbours(clauses, clause)
    if found is None:
        return None
    text, near = found
    base = article["unit_id"]
    if point is None:
        return (sub(f"{base}/k{clause}", f"Khoản {clause}", text),
                [sub(f"{base}/k{n}", f"Khoản {n}", dict(clauses)[n]) for n in near])
    points = _numbered(text, _POINT)
    found = _neighbours(points, point)
    if found is None:
        return None
    text, near = found
    return (sub(f"{base}/k{clause}/{point}", f"Điểm {point} Khoản {clause}", text),
            [sub(f"{base}/k{clause}/{n}", f"Điểm {n} Khoản {clause}", dict(points)[n]) for n in near])


def _related(index: LegalIndex, units: Units, article: dict[str, Any]) -> list[dict[str, Any]]:
    """Articles a search for this article's heading and opening finds, other than itself."""
    query = f"{article['heading']} {article['text'][:300]}"
    hits = index.search(query, k=RELATED + 1, use_references=False)
    return [_article(index, units, h.chunk.unit_id) for h in hits
            if h.article_ref != article["article_ref"]][:RELATED]


def unit_view(index: LegalIndex, units: Units, unit_id: str) -> dict[str, Any] | None:
    sub = _SUB_ID.match(unit_id)
    article_id = sub.group("article") if sub and unit_id not in units.rows else unit_id
    if article_id not in units.rows:
        return None
    article = _article(index, units, article_id)
    if article_id == unit_id:
        doc_units = units.by_doc[index.chunks[units.rows[unit_id][0]].doc_id]
        i = doc_units.index(unit_id)
        siblings = [_article(index, units, doc_units[j]) for j in (i - 1, i + 1) if 0 <= j < len(doc_units)]
        return {"unit": article, "article": None, "siblings": siblings, "related": _related(index, units, article)}
    found = _sub_unit(article, sub.group("clause"), sub.group("point"))  # type: ignore[union-attr]
    if found is None:
        return None
    unit, siblings = found
    return {"unit": unit, "article": article, "siblings": siblings, "related": _related(index, units, article)}


@router.get("/api/units/{unit_id:path}", response_model=UnitView,
            responses={404: {"model": ErrorResponse}, 503: {"model": ErrorResponse}})
def get_unit(unit_id: str, services: ServicesDep) -> dict[str, Any]:
    """A unit's full text with its parent article, neighbouring khoản and related articles."""
    index, _ = services.require_index()
    with services.lock.read():
        view = unit_view(index, services.derived("units", index, _units), unit_id)
    if view is None:
        raise ApiError("unit_not_found", "Không tìm thấy điều khoản này.", "Unit not found.", status=404)
    return view


@router.get("/api/procedures/{code}", response_model=CardOut,
            responses={404: {"model": ErrorResponse}, 503: {"model": ErrorResponse}})
def get_procedure(code: str, services: ServicesDep) -> dict[str, Any]:
    """The procedure card: papers, steps, time limit, fee, channels, legal basis."""
    index, _ = services.require_index()
    record = index.procedures.get(code.strip())
    if record is None:
        raise ApiError("procedure_not_found", "Không tìm thấy thủ tục này.", "Procedure not found.", status=404)
    return asdict(card_from_record(record))
