"""Admin documents: upload (parsed, indexed, searchable at once), list, read, delete.

All routes need the admin key. A deleted document leaves the index at once and its file is
removed; its record stays (marked deleted) so the audit trail can still name it. The same
bytes uploaded again are refused with 409 and the id of the upload that has them (nothing
to re-index, and no second record of one file); a new version of a document — other bytes,
same document number — replaces the earlier upload.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Response, UploadFile

from assistant.storage.base import DocumentRecord, new_id, now_iso

from . import audit, ingest
from .auth import AdminDep
from .errors import ApiError
from .schemas import DocumentCreated, DocumentList, DocumentOut, ErrorResponse
from .services import ServicesDep
from .text import is_record_id
from .uploads import check_content, display_name, extension, max_upload_bytes, save_atomically, too_large

router = APIRouter(tags=["admin"], responses={401: {"model": ErrorResponse}, 403: {"model": ErrorResponse}})
READ_BLOCK = 1024 * 1024


def _out(record: DocumentRecord) -> dict[str, Any]:
    out = asdict(record)
    out.pop("stored_name")  # where we keep it is nobody's business
    return out


def _read_limited(file: UploadFile, limit: int) -> bytes:
    """The upload's bytes, refusing as soon as it passes the limit (a chunked body has no length up front)."""
    data = bytearray()
    while block := file.file.read(READ_BLOCK):
        data += block
        if len(data) > limit:
            raise too_large(limit)
    return bytes(data)


def _same_bytes(folder: Path, live: list[DocumentRecord], data: bytes) -> DocumentRecord | None:
    """The live upload with exactly these bytes (only files of the same size are read)."""
    for record in live:
        path = folder / record.stored_name
        if record.size_bytes == len(data) and path.is_file() and path.read_bytes() == data:
            return record
    return None


def _not_found() -> ApiError:
    return ApiError("document_not_found", "Không tìm thấy tài liệu.", "Document not found.", status=404)


@router.post("/api/documents", response_model=DocumentCreated, status_code=201,
             responses={409: {"model": ErrorResponse}, 413: {"model": ErrorResponse}, 415: {"model": ErrorResponse},
                        422: {"model": ErrorResponse}})
def upload_document(services: ServicesDep, actor: AdminDep,
                    file: Annotated[UploadFile, File(description=".txt .md .html .docx .pdf")]) -> dict[str, Any]:
    """Parse the file into articles or sections and add it to the live index (searchable at once)."""
    services.require_single_worker()
    services.require_index()
    name = display_name(file.filename)
    ext = extension(name)
    data = _read_limited(file, max_upload_bytes(services.settings))
    check_content(ext, data)
    document_id = new_id()
    folder = ingest.upload_dir(services)
    with services.upload_lock:
        live = services.store.list_documents()
        if (same := _same_bytes(folder, live, data)) is not None:
            raise ApiError("duplicate_document", "Tệp này đã được tải lên (cùng nội dung).",
                           "This exact file was already uploaded.", status=409,
                           details={"document_id": same.document_id})
        path = save_atomically(folder, f"{document_id}{ext}", data)
        try:
            pdoc = ingest.parse_upload(path)
            earlier = [d for d in live if d.doc_id == pdoc.doc.id]
            chunks = ingest.add_document(services, pdoc)
        except Exception:
            path.unlink(missing_ok=True)
            raise
        record = services.store.add_document(DocumentRecord(
            document_id, name, path.name, pdoc.doc.id, pdoc.doc.label, len(data), chunks, now_iso()))
        for old in earlier:  # the same document again: the new text replaced the old in the index
            services.store.mark_document_deleted(old.document_id)
            (folder / old.stored_name).unlink(missing_ok=True)
    audit.record(services, "document.upload", actor=actor, target=document_id,
                 detail={"filename": name, "doc_id": pdoc.doc.id, "chunks": chunks,
                         "replaced": [d.document_id for d in earlier]})
    return {**_out(record), "replaced": [d.document_id for d in earlier]}


@router.get("/api/documents", response_model=DocumentList)
def list_documents(services: ServicesDep, actor: AdminDep,
                   include_deleted: Annotated[bool, Query(description="also list deleted uploads")] = False
                   ) -> dict[str, Any]:
    """Uploaded documents, oldest first."""
    return {"documents": [_out(d) for d in services.store.list_documents(include_deleted)]}


@router.get("/api/documents/{document_id}", response_model=DocumentOut, responses={404: {"model": ErrorResponse}})
def get_document(document_id: str, services: ServicesDep, actor: AdminDep) -> dict[str, Any]:
    record = services.store.get_document(document_id) if is_record_id(document_id) else None
    if record is None:
        raise _not_found()
    return _out(record)


@router.delete("/api/documents/{document_id}", status_code=204, response_class=Response,
               responses={404: {"model": ErrorResponse}, 409: {"model": ErrorResponse}})
def delete_document(document_id: str, services: ServicesDep, actor: AdminDep) -> Response:
    """Remove the document from the index (never returned again) and delete its file."""
    services.require_single_worker()
    with services.upload_lock:
        record = services.store.get_document(document_id) if is_record_id(document_id) else None
        if record is None or record.deleted_at is not None:
            raise _not_found()
        removed = ingest.remove_document(services, record.doc_id)
        services.store.mark_document_deleted(document_id)
        (ingest.upload_dir(services) / record.stored_name).unlink(missing_ok=True)
    audit.record(services, "document.delete", actor=actor, target=document_id,
                 detail={"doc_id": record.doc_id, "chunks_removed": removed})
    return Response(status_code=204)
