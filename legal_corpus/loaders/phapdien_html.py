"""Official Bộ Pháp điển đề mục HTML pages → the same raw records as the jsonl dump.

The Ministry of Justice ships one HTML page per đề mục. Reading it yields
dicts with the jsonl's keys and conventions, so ``phapdien.convert_records``
serves both sources. Page shape (flat ``<p>`` runs inside ``div._content``):

- ``h3``: "Đề mục 23.10 <br/> title"; the đề mục uuid is in the
  ``ViewDanhSachVB(this,'uuid')`` link (else the file stem);
- ``p.pChuong``: headings, an anchored number paragraph then a title
  paragraph; a run of them before an article is joined with " - "
  ("Phần hai - X - Chương IX - Y"), as in the jsonl;
- ``p.pDieu``: ``<a name=anchor>`` + "Điều 23.10.QĐ.1. Title";
- ``p.pGhiChu``: the source note, linked to the original on vbpl.vn;
- ``p.pNoiDung``: the text; its inner ``<p>``s are not nestable, so the
  parser hoists them out as siblings: everything up to the next classed
  paragraph belongs to the article, one line per block (table cells too);
- ``p.pChiDan``: "Điều này có nội dung liên quan đến …"; only links
  ``ViewNoiDungPhapDien('anchor')`` point into the code (related_anchors);
  links to vbpl.vn point outside it and are not kept, as in the jsonl.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..models import ParsedDocument
from ..normalize import normalize_line, normalize_text
from ..report import CorpusError, LoadReport
from .encoding import html_charset
from .phapdien import convert_records

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_DEMUC = re.compile(r"Đề mục\s+(\d+(?:\.\d+)*)\s*(.*)", re.S)
_DIEU = re.compile(r"Điều\s+(\S+?)\.?(?:\s+(.*))?$", re.S)
_UUID = re.compile(r"ViewDanhSachVB\(\s*this\s*,\s*'([^']+)'")
_RELATED = re.compile(r"ViewNoiDungPhapDien\(\s*'([^']+)'")
_BLOCKS = frozenset("p div table thead tbody tfoot tr td th caption ul ol li h1 h2 h3 h4 h5 h6 "
                    "blockquote pre section article header footer dl dt dd".split())
_SKIP = frozenset({"script", "style", "head", "title", "-comment"})
_WS = re.compile(r"\s+")


def decode_html(data: bytes, file: Path, report: LoadReport) -> str:
    """Decode by BOM, then ``<meta charset>``, else UTF-8; bad bytes become U+FFFD and an error."""
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if encoding is None:
        encoding = html_charset(data) or "utf-8"
        try:
            codecs.lookup(encoding)
        except LookupError:
            report.error(file, None, f"unknown charset {encoding!r}; read as UTF-8")
            encoding = "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        report.error(file, None, f"invalid {encoding.removesuffix('-sig')} bytes at {exc.start} ({exc.reason}); "
                                 "replaced with U+FFFD")
        return data.decode(encoding, errors="replace")


def _lines(node: LexborNode, out: list[str]) -> None:
    """Text of ``node`` with a line break around each block, as the jsonl lays it out."""
    tag = node.tag
    if tag == "-text":
        out.append(_WS.sub(" ", node.text(deep=False)))
        return
    if tag in _SKIP:
        return
    if tag == "br":
        out.append("\n")
        return
    block = tag in _BLOCKS
    if block:
        out.append("\n")
    for child in node.iter(include_text=True):
        _lines(child, out)
    if block:
        out.append("\n")


def _text(nodes: list[LexborNode]) -> str:
    out: list[str] = []
    for node in nodes:
        _lines(node, out)
    return normalize_text("\n".join(line for line in "".join(out).split("\n") if line.strip()))


def _anchor(node: LexborNode) -> str:
    link = node.css_first("a[name]")
    return (link.attributes.get("name") or "").strip() if link else ""


def _parse(file: Path, html: str, report: LoadReport) -> Iterator[dict[str, Any]]:
    tree = LexborHTMLParser(html)
    h3, content = tree.css_first("h3"), tree.css_first("div._content")
    head = _DEMUC.search(normalize_line(_text([h3]))) if h3 else None
    if head is None or content is None:
        report.error(file, None, "not a Pháp điển đề mục page (no 'Đề mục' heading or div._content)")
        return
    uuid = _UUID.search(html)
    page = {"demuc_uuid": uuid.group(1) if uuid else file.stem,
            "demuc_code": head.group(1), "demuc_title": normalize_line(head.group(2))}
    heads: list[str] = []
    in_heads = False
    rec: dict[str, Any] | None = None
    body: list[LexborNode] = []

    def finish() -> Iterator[dict[str, Any]]:
        if rec is not None:
            rec["text"] = _text(body)
            yield rec

    for node in content.iter(include_text=True):
        if node.tag == "-text" and not node.text(deep=False).strip():
            continue
        cls = (node.attributes.get("class") or "").split() if node.tag == "p" else []
        kind = next((c for c in cls if c in ("pChuong", "pDieu", "pGhiChu", "pNoiDung", "pChiDan")), "")
        if kind == "pChuong":
            yield from finish()
            rec, body = None, []
            heads = heads if in_heads else []
            heads.append(normalize_line(_text([node])))
        elif kind == "pDieu":
            yield from finish()
            rec, body = None, []
            report.records_read += 1
            match = _DIEU.match(normalize_line(_text([node])))
            anchor = _anchor(node)
            if not anchor or match is None:
                report.error(file, None, f"article without anchor or 'Điều' number: {_text([node])[:80]!r}")
            else:
                rec = {**page, "chuong": " - ".join(h for h in heads if h) or None, "dieu_anchor": anchor,
                       "dieu_code": match.group(1), "dieu_title": match.group(2) or "",
                       "source_note": None, "source_url": None, "text": "", "related_anchors": []}
        elif rec is None:
            pass  # before the first article, or a heading's own "Chương này có … liên quan" links
        elif kind == "pGhiChu":
            link = node.css_first("a[href]")
            rec["source_note"] = normalize_line(_text([node])) or None
            rec["source_url"] = ((link.attributes.get("href") or "").strip() if link else "") or None
        elif kind == "pChiDan":
            rec["related_anchors"] += [m.group(1) for a in node.css("a[onclick]")
                                       for m in _RELATED.finditer(a.attributes.get("onclick") or "")]
        else:
            body.append(node)
        in_heads = kind == "pChuong"
    yield from finish()


def _files(path: Path) -> list[Path]:
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder")
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() in (".html", ".htm") and p.is_file())
    return [path]


def iter_html_records(path: Path | str, report: LoadReport | None = None) -> Iterator[dict[str, Any]]:
    """Yield jsonl-shaped records from one đề mục page or a folder of them (sorted by name)."""
    report = report if report is not None else LoadReport("phapdien")
    for file in _files(Path(path)):
        try:
            data = file.read_bytes()
        except OSError as exc:
            report.error(file, None, f"cannot read ({exc})")
            continue
        yield from _parse(file, decode_html(data, file, report), report)


def load_phapdien_html(path: Path | str, report: LoadReport | None = None) -> Iterator[ParsedDocument]:
    """Documents from official đề mục pages, through the same conversion as the jsonl dump."""
    report = report if report is not None else LoadReport("phapdien-html")
    records = ((str(path), None, rec) for rec in iter_html_records(path, report))
    yield from convert_records(records, report)
