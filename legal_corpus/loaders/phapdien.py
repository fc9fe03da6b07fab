"""Bộ Pháp điển (the official codified law) into documents and article units.

Each codified article comes from an article of a source document (a law,
decree, circular…) named in its source note. Articles are grouped back into
their source documents so citations read "Điều 16 Luật Hộ tịch 2014
(60/2014/QH13)"; the Pháp điển position (đề mục, chương, codified number)
is kept as context. The same conversion serves the jsonl dump and the
official HTML pages (``phapdien_html``), which yield the same raw records.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..models import Document, Level, ParsedDocument, Status, Unit
from ..normalize import normalize_line, normalize_text
from ..references import SourceNote, parse_source_note
from ..report import LoadReport
from ..structure import UnitFactory, parse_article
from .jsonfile import iter_json_records

COLLECTION = "phapdien"
_FILE_NAME = re.compile(r"^[^\n]{0,300}\.(docx?|pdf|xlsx?|zip|rar|jpe?g|png|tiff?)$", re.I)
_NOTE_LEVELS = {"Điều": Level.DIEU, "Khoản": Level.KHOAN, "Điểm": Level.DIEM,
                "Phụ lục": Level.PHU_LUC, "Mục": Level.MUC, "Chương": Level.CHUONG, "Phần": Level.PHAN}
RawRecord = tuple[str, int | None, dict[str, Any]]  # (file, line, record)


@dataclass
class _DocInfo:
    """What the notes of one source document's articles say about the document."""

    note: SourceNote
    titles: list[str] = field(default_factory=list)
    effective: list[date] = field(default_factory=list)
    statuses: set[Status] = field(default_factory=set)
    url: str = ""


@dataclass(slots=True)
class _Article:
    unit_id: str
    anchor: str
    text: str
    note: SourceNote
    rec: dict[str, Any]


def _doc_key(note: SourceNote) -> str:
    if note.number:
        return note.number
    if note.title:
        return note.title
    return "khong-ro-nguon"


def _note_path(note: SourceNote, dieu_code: str) -> tuple[Level, str]:
    if note.article:
        word, _, number = note.article.rpartition(" ")
        level = _NOTE_LEVELS.get(word)
        if level:
            return level, number
    return Level.DIEU, dieu_code


def is_attachment_only(text: str) -> bool:
    """The article's content is an attached file: at most an intro line besides file names.

    ("Ban hành kèm theo Thông tư này Quy chế …\nPhu luc kem theo.doc").
    """
    lines = text.split("\n")
    names = [ln for ln in lines if _FILE_NAME.match(ln)]
    return bool(names) and len(lines) - len(names) <= 1 and len(text) < 600


def _defects(rec: dict[str, Any], text: str, report: LoadReport) -> None:
    raw = rec.get("text") or ""
    if raw and not unicodedata.is_normalized("NFC", raw):
        report.defect("decomposed_unicode")
    if not text:
        report.defect("empty_text")
    elif is_attachment_only(text):
        report.defect("attachment_only_text")
    if not (rec.get("dieu_title") or "").strip():
        report.defect("empty_title")
    if len(raw) > 2000:
        report.defect("text_over_2000_chars")
    if len(raw) > 5000:
        report.defect("text_over_5000_chars")
    if not rec.get("source_note"):
        report.defect("missing_source_note")


def convert_records(records: Iterable[RawRecord], report: LoadReport) -> list[ParsedDocument]:
    """Raw Pháp điển records (jsonl or HTML) → one ParsedDocument per source document.

    Two passes: a document's name and dates are spread over its articles'
    notes, so documents are settled before any unit is built.
    """
    infos: dict[str, _DocInfo] = {}
    articles: dict[str, list[_Article]] = {}
    seen: dict[str, str] = {}  # unit key → text of the first record with it
    for file, line, rec in records:
        anchor = str(rec.get("dieu_anchor") or "").strip()
        if not anchor:
            report.error(file, line, "record has no dieu_anchor")
            continue
        text = normalize_text(rec.get("text") or "")
        _defects(rec, text, report)
        key = anchor
        if anchor in seen:
            if seen[anchor] == text:
                report.defect("duplicate_anchor_same_article_skipped")
                continue
            report.defect("duplicate_anchor_different_article")
            n = 2
            while f"{anchor}~{n}" in seen:
                n += 1
            key = f"{anchor}~{n}"
        seen[key] = text
        note = parse_source_note(rec.get("source_note"))
        if rec.get("source_note") and not note.number:
            report.defect("source_note_without_document_number")
        doc_key = _doc_key(note)
        info = infos.setdefault(doc_key, _DocInfo(note))
        if note.title:
            info.titles.append(note.title)
        if note.effective:
            info.effective.append(note.effective)
        info.statuses.add(note.status)
        info.url = info.url or str(rec.get("source_url") or "").split("#")[0]
        articles.setdefault(doc_key, []).append(_Article(f"{COLLECTION}:{key}", anchor, text, note, rec))
        report.records_loaded += 1
    out = []
    for doc_key, info in infos.items():
        doc = _document(doc_key, info)
        out.append(ParsedDocument(doc=doc, units=[_unit(a, doc) for a in articles[doc_key]]))
    return out


def _document(key: str, info: _DocInfo) -> Document:
    note = info.note
    title = max(info.titles, key=len) if info.titles else (note.title or "")
    if info.statuses == {Status.REPEALED}:
        status = Status.REPEALED
    elif info.statuses == {Status.UNKNOWN}:
        status = Status.UNKNOWN
    else:
        status = Status.IN_FORCE
    return Document(
        id=f"{COLLECTION}:{key}", collection=COLLECTION, title=title, doc_type=note.doc_type,
        number=note.number, issuer=note.issuer, issued=note.issued,
        effective=min(info.effective) if info.effective else None, status=status,
        source_url=info.url or None,
    )


def _unit(art: _Article, doc: Document) -> Unit:
    rec, note = art.rec, art.note
    demuc = normalize_line(f"{rec.get('demuc_code') or ''} {rec.get('demuc_title') or ''}")
    chuong = normalize_line(rec.get("chuong") or "")
    dieu_code = normalize_line(rec.get("dieu_code") or "")
    source_note = normalize_line(rec.get("source_note") or "")
    changed = note.status not in (Status.IN_FORCE, Status.UNKNOWN)
    factory = UnitFactory(
        doc=doc, status=note.status, status_note=source_note if changed else "",
        context=" › ".join(p for p in (f"Đề mục {demuc}" if demuc else "", chuong) if p),
        related=tuple(str(a) for a in rec.get("related_anchors") or ()),
        meta=(
            ("demuc_code", str(rec.get("demuc_code") or "")),
            ("demuc_title", normalize_line(rec.get("demuc_title") or "")),
            ("chuong", chuong),
            ("dieu_code", dieu_code),
            ("source_note", source_note),
            ("source_url", str(rec.get("source_url") or "")),
        ),
    )
    # Every Pháp điển entry is an article of the code; its citation follows the
    # source ("Khoản 3 …" when a single clause was codified).
    level, number = _note_path(note, dieu_code)
    return parse_article(number, normalize_line(rec.get("dieu_title") or ""), art.text, factory,
                         unit_id=art.unit_id, article_ref=art.anchor, path=((level, number),))


def iter_jsonl_records(path: Path | str, report: LoadReport) -> Iterator[RawRecord]:
    for line, rec in iter_json_records(path, report):
        yield str(path), line, rec


def load_phapdien(path: Path | str, report: LoadReport | None = None) -> Iterator[ParsedDocument]:
    """Load the Pháp điển jsonl(.gz) dump."""
    report = report if report is not None else LoadReport("phapdien")
    yield from convert_records(iter_jsonl_records(path, report), report)
