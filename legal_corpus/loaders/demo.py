"""The built-in demo corpus: short guides to the procedures citizens ask about most.

The assistant must answer something useful before anyone downloads a real
corpus, so the project ships ~40 guides it wrote itself (``sample=True``:
never presented as official text). Each guide is a Markdown file with a
``key: value`` front matter and fixed ``##`` sections; it becomes a
``Document``, one citable ``Unit`` per section, and a structured
``Procedure``. A broken guide is a recorded error naming the file; the others
still load.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..models import (
    Channel,
    Document,
    LegalBasis,
    Level,
    ParsedDocument,
    Procedure,
    RequiredPaper,
    Status,
    Unit,
)
from ..normalize import fold, normalize_line, normalize_text
from ..references import canonical_number
from ..report import CorpusError, LoadReport

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample"
OVERVIEW = "Tổng quan"
PAPERS, STEPS, BASIS = "Giấy tờ cần chuẩn bị", "Các bước thực hiện", "Căn cứ pháp lý"
# Front-matter lines copied into the overview so a search for the office or fee finds the guide.
_OVERVIEW_FIELDS = (("name", "Thủ tục"), ("office", "Cơ quan giải quyết"), ("time_limit", "Thời hạn"),
                    ("fee", "Lệ phí"), ("channels", "Cách nộp"), ("keywords", "Người dân thường hỏi"))
_FIELD = re.compile(r"^([a-z_]+)\s*:\s*(.*)$")
_STEP = re.compile(r"^\d+[.)]\s+(.*)$")
_BULLET = re.compile(r"^[-*+]\s+(.*)$")


class GuideError(ValueError):
    """A guide that cannot be read; ``line`` points at the problem."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line


def slug(title: str) -> str:
    """"Giấy tờ cần chuẩn bị" → "giay-to-can-chuan-bi": stable, ASCII unit ids."""
    return re.sub(r"[^a-z0-9]+", "-", fold(title)).strip("-") or "muc"


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GuideError(data[: exc.start].count(b"\n") + 1,
                         f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _front_matter(lines: list[str]) -> tuple[dict[str, str], int]:
    """Parse the ``---`` block; return the fields and the index of the first body line."""
    if not lines or lines[0].strip() != "---":
        raise GuideError(1, "no front matter (the first line must be '---')")
    fields: dict[str, str] = {}
    for i, line in enumerate(lines[1:], 1):
        if line.strip() == "---":
            return fields, i + 1
        if not line.strip():
            continue
        m = _FIELD.match(line.strip())
        if not m:
            raise GuideError(i + 1, f"front matter line is not 'key: value': {line.strip()[:60]!r}")
        fields[m.group(1)] = normalize_line(m.group(2))
    raise GuideError(1, "front matter is not closed by a '---' line")


def _sections(lines: list[str], start: int) -> dict[str, list[str]]:
    """The lines under each ``##`` heading; the lead under the ``#`` title goes to ``OVERVIEW``."""
    current = OVERVIEW
    sections: dict[str, list[str]] = {OVERVIEW: []}
    for line in lines[start:]:
        if line.startswith("## "):
            current = normalize_line(line[3:])
            sections.setdefault(current, [])
        elif not line.startswith("# "):  # the title repeats ``name``; a "> " quote becomes plain text
            sections[current].append(line[2:] if line.startswith("> ") else line)
    return sections


def _items(body: list[str], pattern: re.Pattern[str]) -> list[str]:
    """List items (bullets or numbered steps); indented or wrapped lines join the item above."""
    items: list[str] = []
    for line in body:
        m = pattern.match(line.strip())
        if m:
            items.append(m.group(1))
        elif items and line.strip():
            items[-1] += " " + line.strip()
    return [normalize_line(item) for item in items if item.strip()]


def _paper(item: str) -> RequiredPaper:
    name, sep, quantity = item.rpartition(" — ")
    return RequiredPaper(name=name, quantity=quantity) if sep else RequiredPaper(name=item)


def parse_guide(raw: bytes) -> ParsedDocument:
    """One guide file's bytes → document, section units and procedure; ``GuideError`` if malformed."""
    decoded = _decode(raw)
    if not decoded.strip():
        raise GuideError(None, "empty file")
    # Line by line, so error line numbers are the file's own.
    lines = [normalize_line(line) for line in decoded.split("\n")]
    fields, body_start = _front_matter(lines)
    missing = [key for key in ("code", "name") if not fields.get(key)]
    if missing:
        raise GuideError(1, f"front matter lacks {', '.join(missing)}")
    code, name = fields["code"], fields["name"]
    sections = _sections(lines, body_start)
    doc = Document(id=f"demo:{code}", collection="demo", title=name, doc_type="Hướng dẫn",
                   number=None, status=Status.IN_FORCE, sample=True, source_url=None)
    lead = [f"{label}: {fields[key]}" for key, label in _OVERVIEW_FIELDS if fields.get(key)]
    sections[OVERVIEW] = sections[OVERVIEW] + [""] + lead
    meta = (("keywords", fields.get("keywords", "")),)
    units = []
    for heading, body in sections.items():
        body_text = normalize_text("\n".join(body))
        if body_text:
            units.append(Unit(id=f"demo:{code}#{slug(heading)}", level=Level.SECTION, number=heading,
                              text=body_text, doc=doc, title=heading, path=((Level.SECTION, heading),),
                              article_ref=code, status=Status.IN_FORCE, context=name, meta=meta))
    time_limit, fee = fields.get("time_limit", ""), fields.get("fee", "")
    channels = tuple(Channel(kind=kind.strip(), time_limit=time_limit, fee=fee)
                     for kind in fields.get("channels", "").split(";") if kind.strip())
    basis = tuple(LegalBasis(title=item, number=canonical_number(item) or "")
                  for item in _items(sections.get(BASIS, []), _BULLET))
    procedure = Procedure(
        code=code, name=name, level=fields.get("level", ""), field=fields.get("field", ""),
        audience=fields.get("audience", ""), competent_office=fields.get("office", ""),
        steps=tuple(_items(sections.get(STEPS, []), _STEP)), channels=channels,
        papers=tuple(_paper(item) for item in _items(sections.get(PAPERS, []), _BULLET)),
        legal_basis=basis, raw_text=normalize_text(decoded))
    return ParsedDocument(doc=doc, units=units, procedure=procedure)


def load_demo(path: Path | str | None = None, report: LoadReport | None = None) -> Iterator[ParsedDocument]:
    """Guides from the packaged ``sample/`` folder, another folder of ``*.md``, or one file."""
    report = report if report is not None else LoadReport("demo")
    path = Path(path) if path is not None else SAMPLE_DIR
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder")
    files = sorted(path.glob("*.md")) if path.is_dir() else [path]
    if not files:
        raise CorpusError(f"{path}: no .md guides in this folder")
    seen: set[str] = set()
    for file in files:
        report.records_read += 1
        try:
            parsed = parse_guide(file.read_bytes())
        except OSError as exc:
            report.error(file, None, f"cannot read ({exc.strerror or exc})")
            continue
        except GuideError as exc:
            report.error(file, exc.line, str(exc))
            continue
        code = parsed.procedure.code if parsed.procedure else parsed.doc.id
        if code in seen:
            report.error(file, 1, f"duplicate code {code!r} (already used by another guide)")
            continue
        seen.add(code)
        report.records_loaded += 1
        yield parsed
