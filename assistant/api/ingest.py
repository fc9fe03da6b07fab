"""Put an uploaded document into the live index, or take it out, without a restart.

One change at a time (``services.upload_lock``): parse and chunk with no lock held, add to
the index under the write lock (searches wait a moment, never see half a document), then
save the index directory atomically under the read lock (searches go on meanwhile).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from legal_corpus.chunking import chunk_documents
from legal_corpus.loaders.files import load_files
from legal_corpus.models import ParsedDocument
from legal_corpus.report import LoadReport
from retrieval.build import cache_dir_for, procedure_record
from retrieval.index import LegalIndex

from .errors import ApiError
from .services import Services

COLLECTION = "uploads"


def upload_dir(services: Services) -> Path:
    return Path(services.settings.var_dir) / "uploads"


def parse_upload(path: Path) -> ParsedDocument:
    """The one document in a saved upload; an unreadable file is a 422 naming the problem (not our path)."""
    report = LoadReport(COLLECTION)
    docs = list(load_files(path, report, collection=COLLECTION))
    if not docs or not any(True for _ in docs[0].articles()):
        why = report.issues[0].message if report.issues else "no text found"
        raise ApiError("unreadable_document", "Không đọc được nội dung tệp.", f"The file cannot be read ({why}).",
                       status=422)
    return docs[0]


def _collections(index: LegalIndex) -> dict[str, Any]:
    collections = dict(index.manifest.get("collections", {}))
    uploaded = [c for c in index.chunks if c.collection == COLLECTION]
    if uploaded:
        collections[COLLECTION] = {"source": "upload", "documents": len({c.doc_id for c in uploaded}),
                                   "chunks": len(uploaded)}
    else:
        collections.pop(COLLECTION, None)
    return collections


def _save(services: Services, index: LegalIndex) -> None:
    try:
        with services.lock.read():
            index.save(Path(services.settings.index_dir), collections=_collections(index))
    except OSError as exc:
        raise ApiError("index_save_failed", "Không lưu được chỉ mục, vui lòng thử lại sau.",
                       f"The index could not be saved ({exc.strerror or exc}).", status=503) from exc


def add_document(services: Services, pdoc: ParsedDocument) -> int:
    """Index the document (replacing an earlier version with the same id); returns its chunk count."""
    index, _ = services.require_index()
    chunks = [dataclasses.replace(c, source_url="")  # the stored file's path is ours, not the reader's
              for c in chunk_documents([pdoc], services.settings.chunk_max_chars)]
    procedures = [procedure_record(pdoc)] if pdoc.procedure is not None else []
    with services.lock.write():
        index.add(chunks, cache_dir=cache_dir_for(Path(services.settings.index_dir)), workers=1,
                  procedures=procedures)
        services.use_index(index)
    try:
        _save(services, index)
    except ApiError:  # not on disk, so not in memory either: what a restart would serve
        remove_document(services, pdoc.doc.id, save=False)
        raise
    return len(chunks)


def remove_document(services: Services, doc_id: str, *, save: bool = True) -> int:
    """Take every chunk of the document out of the index; returns how many went."""
    index, _ = services.require_index()
    with services.lock.write():
        removed = index.delete_documents([doc_id])
        services.use_index(index)
    if save:
        _save(services, index)
    return removed
