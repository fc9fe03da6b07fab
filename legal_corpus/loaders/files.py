"""Loose files (.txt, .md, .html, .docx, .pdf) into documents and citable units.

People drop the texts they have into a folder (a decree saved from a website,
a Word file, a PDF, a Markdown guide). Each becomes plain lines (table cells
joined with " | "), its header says what it is and the structure parser cuts
it into articles, or into sections when it has none, so it is still citable.
An unreadable file is a recorded error naming it; the other files still load.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from itertools import zip_longest
from pathlib import Path
from typing import TYPE_CHECKING

from ..header import detect_header, find_effective
from ..models import Document, Level, ParsedDocument, Status, Unit
from ..normalize import normalize_line, normalize_text
from ..report import LoadReport
from ..structure import UnitFactory, parse_document
from .encoding import Unreadable, decode_text, html_charset
from .jsonfile import require_path

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode

Extracted = tuple[str, set[str]]  # (text, heading lines, for files without articles)
SHORT_TEXT = 1500  # a text without articles up to this size is one section
SECTION_CHARS = 1200  # paragraphs are packed into sections of about this size


def extract_text(file: Path) -> Extracted:
    return decode_text(file.read_bytes()), set()


_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_INLINE = [
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images → their text
    (re.compile(r"(\*\*|__)(\S(?:.*?\S)?)\1"), r"\2"),  # strong
    (re.compile(r"(?<![\w*])\*(\S(?:.*?\S)?)\*(?![\w*])|(?<!\w)_(\S(?:.*?\S)?)_(?!\w)"), r"\1\2"),
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])"), r"\1"),  # "1\." → "1."
]


def extract_markdown(file: Path) -> Extracted:
    """Strip Markdown marks so "## Điều 5. Tên" is the line "Điều 5. Tên"; # headings are sections."""
    lines, headings = [], set()
    for line in decode_text(file.read_bytes()).splitlines():
        if re.fullmatch(r"\s*([-*_])(\s*\1){2,}\s*|\s*\|?[\s:|-]*-{3,}[\s:|-]*", line):
            line = ""  # horizontal rule, table separator row
        line = re.sub(r"^(\s*)[*+]\s+", r"\1- ", re.sub(r"^\s*>\s?", "", line))  # quote, list marks
        heading = _MD_HEADING.match(line)
        if heading:
            line = heading.group(2)
        elif line.strip().startswith("|"):  # table row "| a | b |" → "a | b"
            line = " | ".join(c.strip() for c in line.strip().strip("|").split("|") if c.strip())
        for pattern, repl in _MD_INLINE:
            line = pattern.sub(repl, line)
        if heading and line.strip():
            headings.add(normalize_line(line))
        lines.append(line)
    return "\n".join(lines), headings


def _join_row(cells: list[list[str]]) -> list[str]:
    """Cells side by side → "left | right" lines; multi-line cells are read line by line."""
    return [" | ".join(c for c in row if c) for row in zip_longest(*cells, fillvalue="")]


_HTML_SKIP = frozenset({"script", "style", "nav", "head", "noscript", "template", "-comment"})
_HTML_BLOCKS = frozenset("p div li ul ol table thead tbody tfoot caption h1 h2 h3 h4 h5 h6 blockquote pre "
                         "section article header footer main aside dl dt dd form figure figcaption".split())


def _html_lines(node: LexborNode, out: list[str], headings: set[str]) -> None:
    tag = node.tag
    if tag == "-text":
        out.append(re.sub(r"\s+", " ", node.text(deep=False)))
    elif tag == "br":
        out.append("\n")
    elif tag == "tr":
        cells = []
        for cell in node.iter():
            if cell.tag in ("td", "th"):
                buf: list[str] = []
                _html_lines(cell, buf, headings)
                cells.append([ln.strip() for ln in "".join(buf).split("\n") if ln.strip()])
        out.append("\n" + "\n".join(_join_row(cells)) + "\n")
    elif tag not in _HTML_SKIP:
        block = tag in _HTML_BLOCKS
        out.append("\n" if block else "")
        for child in node.iter(include_text=True):
            _html_lines(child, out, headings)
        out.append("\n" if block else "")
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            headings.add(normalize_line(node.text()))


def extract_html(file: Path) -> Extracted:
    """Visible text, one line per block, charset from the BOM or <meta>."""
    from selectolax.lexbor import LexborHTMLParser

    data = file.read_bytes()
    tree = LexborHTMLParser(decode_text(data, html_charset(data)))
    out: list[str] = []
    headings: set[str] = set()
    if tree.body is not None:
        _html_lines(tree.body, out, headings)
    return "".join(out), headings


def extract_docx(file: Path) -> Extracted:
    """Paragraphs and table rows in document order; Heading/Title styles are sections."""
    import docx
    from docx.table import Table

    try:
        document = docx.Document(str(file))
    except Exception as exc:  # python-docx raises zip, KeyError or its own errors for junk
        raise Unreadable(f"not a valid .docx file ({type(exc).__name__}: {exc})") from exc
    lines, headings = [], set()
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = list(dict.fromkeys(row.cells))  # a merged cell repeats in row.cells
                lines += _join_row([[p.text.strip() for p in c.paragraphs if p.text.strip()] for c in cells])
            continue
        lines.append(block.text)
        style = block.style.name if block.style is not None else ""
        if style.startswith(("Heading", "Title")) and block.text.strip():
            headings.add(normalize_line(block.text))
    return "\n".join(lines), headings


_PAGE_NUMBER = re.compile(r"^(?:[-–—]?\s*\d{1,4}\s*[-–—]?|(?:Trang|Page)\s+\d+(?:\s*(?:/|of)\s*\d+)?|\d+\s*/\s*\d+)$", re.I)


def extract_pdf(file: Path) -> Extracted:
    """Layout-mode text (plain mode splits Vietnamese syllables), without page numbers and running heads."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(file))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("encrypted PDF (needs a password)")
        pages = [page.extract_text(extraction_mode="layout") or "" for page in reader.pages]
    except Unreadable:
        raise
    except Exception as exc:  # pypdf raises many kinds of errors for broken files
        raise Unreadable(f"not a readable PDF ({type(exc).__name__}: {exc})") from exc
    # Wide gaps separate columns (header blocks, tables); other runs of spaces collapse.
    page_lines = [[re.sub(r"(?<=\S) {4,}(?=\S)", " | ", ln).strip() for ln in p.splitlines()] for p in pages]
    page_lines = [[ln for ln in p if ln and not _PAGE_NUMBER.match(ln)] for p in page_lines]
    edges = Counter(k for p in page_lines for k in {re.sub(r"\d+", "#", ln) for ln in p[:2] + p[-2:]})
    running = {k for k, n in edges.items() if len(pages) > 1 and n >= max(2, math.ceil(len(pages) / 2))}
    kept = []
    for p in page_lines:
        edge = set(range(2)) | set(range(len(p) - 2, len(p)))
        kept += [ln for i, ln in enumerate(p) if not (i in edge and re.sub(r"\d+", "#", ln) in running)]
    if not any(kept):
        raise Unreadable("PDF has no text layer (scanned image?)")
    return "\n".join(kept), set()


EXTRACTORS: dict[str, Callable[[Path], Extracted]] = {
    ".txt": extract_text, ".md": extract_markdown, ".markdown": extract_markdown,
    ".html": extract_html, ".htm": extract_html, ".docx": extract_docx, ".pdf": extract_pdf,
}


def _section_blocks(text: str, headings: set[str]) -> list[tuple[str, list[str]]]:
    """(title, lines) per heading section, else per group of paragraphs, else the whole text."""
    if headings:
        blocks: list[tuple[str, list[str]]] = [("", [])]
        for line in text.split("\n"):
            if line in headings:
                if blocks[-1][1]:
                    blocks.append(("", []))
                blocks[-1] = (line, [])  # a heading right after a heading replaces it
            elif line:
                blocks[-1][1].append(line)
        return [b for b in blocks if b[1]]
    if len(text) <= SHORT_TEXT:
        return [("", [ln for ln in text.split("\n") if ln])]
    # Whole paragraphs where they fit, else lines (PDF and docx text has no blank lines).
    pieces = [p for para in text.split("\n\n") for p in ([para] if len(para) <= SECTION_CHARS else para.split("\n"))]
    blocks, size = [], 0
    for piece in pieces:
        if not blocks or size + len(piece) > SECTION_CHARS:
            blocks.append(("", []))
            size = 0
        blocks[-1][1].extend(ln for ln in piece.split("\n") if ln)
        size += len(piece) + 1
    return [b for b in blocks if b[1]]


def _sections(text: str, headings: set[str], doc: Document) -> list[Unit]:
    """Level.SECTION units, cited as "<document>, mục 2" when there are several."""
    blocks = _section_blocks(text, headings)
    units = []
    for n, (title, lines) in enumerate(blocks, 1):
        first = lines[0]
        title = title or (first if len(first) <= 100 else first[:80].rsplit(" ", 1)[0] + " …")
        uid = f"{doc.id}/s{n}"
        step = (Level.SECTION, str(n) if len(blocks) > 1 else "")
        units.append(Unit(id=uid, level=Level.SECTION, number=str(n), text="\n".join(lines), doc=doc,
                          title=title, path=(step,), article_ref=uid, parent_id=doc.id))
    return units


def parse_file(file: Path, text: str, headings: set[str], collection: str, used: set[str]) -> ParsedDocument:
    """Extracted text → document from its header, units from its articles or sections."""
    header = detect_header(text)
    base = uid = f"{collection}:{header.number or file.stem}"
    n = 1
    while uid in used:  # the same decree as .pdf and .docx, or two files named "quyet-dinh"
        n += 1
        uid = f"{base}-{n}"
    used.add(uid)
    doc = Document(
        id=uid, collection=collection,
        title=header.title or normalize_line(file.stem.replace("_", " ")), doc_type=header.doc_type,
        number=header.number, issuer=header.issuer, issued=header.issued,
        effective=find_effective(text, header.issued), status=Status.UNKNOWN, source_url=file.resolve().as_uri(),
    )
    _, units = parse_document(text, UnitFactory(doc))
    if not any(u.level is Level.DIEU for top in units for u in top.walk()):
        units = _sections(text, headings, doc)
    return ParsedDocument(doc=doc, units=units)


def load_files(path: Path | str, report: LoadReport | None = None,
               collection: str = "files") -> Iterator[ParsedDocument]:
    """Every supported file under ``path`` (a file or a folder, recursive, sorted by path)."""
    path = require_path(path)
    report = report if report is not None else LoadReport(collection)
    used: set[str] = set()
    files = [path] if path.is_file() else sorted(
        p for p in path.rglob("*") if p.is_file() and not any(s.startswith(".") for s in p.relative_to(path).parts))
    for file in files:
        extractor = EXTRACTORS.get(file.suffix.lower())
        if extractor is None:
            report.defect("unsupported_file_type")
            report.error(file, None, f"unsupported file type {file.suffix or '(none)'!r}; skipped")
            continue
        report.records_read += 1
        try:
            raw, headings = extractor(file)
            text = normalize_text(raw)
            parsed = parse_file(file, text, {normalize_line(h) for h in headings}, collection, used) if text else None
        except Exception as exc:  # Unreadable says why; any other failure is one odd file, not the folder's
            known = isinstance(exc, (Unreadable, OSError))
            report.error(file, None, str(exc) if known else f"cannot read ({type(exc).__name__}: {exc})")
            continue
        if parsed is None:
            report.error(file, None, "empty file")
            continue
        report.records_loaded += 1
        yield parsed
