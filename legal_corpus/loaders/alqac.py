"""ALQAC benchmark law corpora (``law_2022.json``, ``law_2024.json``, ``law_2025.json``).

Each file is a list of laws ``{"id", "articles": [{"id", "text"}]}`` where an
article's first line is its title. The law id is a name ("Luật Căn cước")
in 2024/2025 and a document number ("91/2015/QH13") in 2022; article refs
stay ``"<law_id>#<article_id>"`` so benchmark gold labels match hits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..models import Document, Level, ParsedDocument, Status
from ..normalize import normalize_line, normalize_text
from ..references import find_numbers
from ..report import CorpusError, LoadReport
from ..structure import UnitFactory, parse_article
from .jsonfile import iter_json_records, require_path


def collection_for(path: Path) -> str:
    """``law_2025.json`` → ``alqac2025``."""
    m = re.search(r"(\d{4})", path.stem)
    return f"alqac{m.group(1)}" if m else "alqac"


def _document(law_id: str, collection: str) -> Document:
    numbers = find_numbers(law_id)
    if numbers:
        num = numbers[0]
        return Document(id=f"{collection}:{law_id}", collection=collection, doc_type=num.doc_type,
                        number=num.number, issuer=num.issuer, status=Status.UNKNOWN)
    doc_type = next((t for t in ("Bộ luật", "Hiến pháp", "Luật") if law_id.startswith(t)), None)
    return Document(id=f"{collection}:{law_id}", collection=collection, title=law_id,
                    doc_type=doc_type, issuer="Quốc hội" if doc_type else None, status=Status.UNKNOWN)


def load_alqac(path: Path | str, report: LoadReport | None = None) -> Iterator[ParsedDocument]:
    """Load one ALQAC law file, or every ``law_*.json`` in a folder."""
    report = report if report is not None else LoadReport("alqac")
    path = require_path(path)
    files = sorted(path.glob("law_*.json")) if path.is_dir() else [path]
    if not files:
        raise CorpusError(f"{path}: no law_*.json files in this folder")
    for file in files:
        collection = collection_for(file)
        for item, law in iter_json_records(file, report):
            law_id = normalize_line(str(law.get("id") or ""))
            articles = law.get("articles")
            if not law_id or not isinstance(articles, list):
                report.error(file, item, "law record needs an 'id' and a list of 'articles'")
                continue
            doc = _document(law_id, collection)
            factory = UnitFactory(doc=doc, status=Status.UNKNOWN)
            units = []
            for art in articles:
                art_id = str(art.get("id") or "").strip() if isinstance(art, dict) else ""
                if not art_id:
                    report.error(file, item, f"{law_id}: article without an id skipped")
                    continue
                text = normalize_text(str(art.get("text") or ""))
                title, _, body = text.partition("\n")
                if not body.strip() and (len(title) > 120 or title.endswith(".")):
                    # Untitled articles (the Constitution's) are a single line of content.
                    title, body = "", title
                    report.defect("untitled_article")
                ref = f"{law_id}#{art_id}"
                units.append(parse_article(art_id, title.strip(), body.strip(), factory,
                                           unit_id=f"{collection}:{ref}", article_ref=ref,
                                           path=((Level.DIEU, art_id),)))
            report.records_loaded += 1
            yield ParsedDocument(doc=doc, units=units)
