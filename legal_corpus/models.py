"""Records for legal documents and their citable units.

Every loader produces the same shapes, so retrieval and answers never care
where a text came from: a ``Document`` (the legal instrument or procedure),
its ``Unit`` tree (Phần → Chương → Mục → Điều → Khoản → Điểm, or the
sections of a procedure), and optionally a structured ``Procedure``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import Enum


class Level(str, Enum):
    """Structural level of a unit, top to bottom."""

    PHAN = "phan"
    CHUONG = "chuong"
    MUC = "muc"
    DIEU = "dieu"
    KHOAN = "khoan"
    DIEM = "diem"
    PHU_LUC = "phu_luc"
    SECTION = "section"  # a titled section of a guide or procedure

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self]


LEVEL_LABELS = {
    Level.PHAN: "Phần",
    Level.CHUONG: "Chương",
    Level.MUC: "Mục",
    Level.DIEU: "Điều",
    Level.KHOAN: "Khoản",
    Level.DIEM: "Điểm",
    Level.PHU_LUC: "Phụ lục",
    Level.SECTION: "Mục",
}


class Status(str, Enum):
    """Validity of a document or unit, as far as the source tells."""

    IN_FORCE = "in_force"
    AMENDED = "amended"  # in force, some content amended or supplemented
    PARTLY_REPEALED = "partly_repealed"
    REPEALED = "repealed"
    NOT_YET_EFFECTIVE = "not_yet_effective"
    UNKNOWN = "unknown"

    @property
    def in_force(self) -> bool:
        return self not in (Status.REPEALED, Status.NOT_YET_EFFECTIVE)


# Document types whose documents are usually cited by name ("Luật Hộ tịch 2014").
NAMED_TYPES = ("Hiến pháp", "Bộ luật", "Luật", "Pháp lệnh")

DOC_TYPES = (
    "Hiến pháp",
    "Bộ luật",
    "Luật",
    "Pháp lệnh",
    "Lệnh",
    "Nghị quyết liên tịch",
    "Nghị quyết",
    "Nghị định",
    "Quyết định",
    "Thông tư liên tịch",
    "Thông tư",
    "Chỉ thị",
    "Văn bản hợp nhất",
    "Công văn",
    "Hướng dẫn",
    "Thủ tục hành chính",
)


@dataclass(frozen=True, slots=True)
class Document:
    """A legal instrument (law, decree, circular…), a procedure or a guide."""

    id: str
    collection: str
    title: str = ""  # name without the number, e.g. "Luật Hộ tịch"
    doc_type: str | None = None  # one of DOC_TYPES when known
    number: str | None = None  # ký hiệu, e.g. "60/2014/QH13"
    issuer: str | None = None
    issued: date | None = None
    effective: date | None = None
    status: Status = Status.UNKNOWN
    source_url: str | None = None
    sample: bool = False  # written by us as demo content, not an official text

    @property
    def year(self) -> int | None:
        if self.issued:
            return self.issued.year
        if self.number:
            for part in self.number.split("/"):
                if len(part) == 4 and part.isdigit() and part.startswith(("19", "20")):
                    return int(part)
        return None

    @property
    def label(self) -> str:
        """How people cite the document: "Luật Hộ tịch 2014 (60/2014/QH13)"."""
        named = self.title and (
            self.doc_type in NAMED_TYPES or not self.number or self.doc_type in ("Hướng dẫn", "Thủ tục hành chính")
        )
        if named and len(self.title) <= 120:
            name = self.title
            if self.year and str(self.year) not in name and self.doc_type in NAMED_TYPES:
                name = f"{name} {self.year}"
            return f"{name} ({self.number})" if self.number else name
        if self.number:
            return f"{self.doc_type} {self.number}" if self.doc_type else self.number
        return self.title or self.id

    def in_force_on(self, day: date) -> bool | None:
        """True/False when the source says so, None when unknown."""
        if self.status is Status.REPEALED:
            return False
        if self.effective is None:
            return None
        return self.effective <= day


PathStep = tuple[Level, str]


@dataclass(frozen=True, slots=True)
class Unit:
    """A citable piece of a document: an article, a clause, a point, a section.

    ``text`` is the unit's full text (an article's text includes its khoản);
    ``path`` runs from the top of the document down to this unit.
    """

    id: str
    level: Level
    number: str
    text: str
    doc: Document
    title: str = ""
    path: tuple[PathStep, ...] = ()
    article_ref: str = ""  # stable id of the enclosing article or section
    parent_id: str | None = None
    children: tuple[Unit, ...] = ()
    status: Status = Status.UNKNOWN
    status_note: str = ""
    related: tuple[str, ...] = ()
    context: str = ""  # human path above the article: "Đề mục 36.3 Thanh niên › Chương I …"
    meta: tuple[tuple[str, str], ...] = ()

    @property
    def citation(self) -> str:
        return citation_label(self.path, self.doc)

    @property
    def heading(self) -> str:
        """The unit's own heading line: "Điều 16. Thủ tục đăng ký khai sinh"."""
        if self.level is Level.SECTION:
            return self.title
        level, number = self.path[-1] if self.path else (self.level, self.number)
        head = f"{level.label} {number}".strip()
        return f"{head}. {self.title}" if self.title else head

    def walk(self) -> Iterator[Unit]:
        yield self
        for child in self.children:
            yield from child.walk()

    def get_meta(self, key: str, default: str = "") -> str:
        return dict(self.meta).get(key, default)


def citation_label(path: tuple[PathStep, ...], doc: Document) -> str:
    """Build "Điểm a Khoản 2 Điều 16 Luật Hộ tịch 2014 (60/2014/QH13)".

    Only Điều and below are named: Chương/Mục are not part of a legal citation.
    """
    if path and path[-1][0] is Level.SECTION:  # a section of a procedure or guide
        return f"{doc.label}, mục {path[-1][1]}" if path[-1][1] else doc.label
    parts: list[str] = []
    for level, number in reversed(path):
        if level in (Level.DIEM, Level.KHOAN, Level.DIEU, Level.PHU_LUC):
            parts.append(f"{level.label} {number}".strip())
    parts.append(doc.label)
    return " ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class Channel:
    """One way to submit: in person, online or by post, with its time limit and fee."""

    kind: str
    time_limit: str = ""
    fee: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class RequiredPaper:
    name: str
    form: str = ""
    quantity: str = ""


@dataclass(frozen=True, slots=True)
class LegalBasis:
    title: str
    number: str = ""


@dataclass(frozen=True, slots=True)
class Procedure:
    """A structured administrative procedure (thủ tục hành chính)."""

    code: str
    name: str
    agency: str = ""
    level: str = ""  # cấp thực hiện
    field: str = ""  # lĩnh vực
    audience: str = ""
    competent_office: str = ""
    implementing_office: str = ""
    address: str = ""
    steps: tuple[str, ...] = ()
    channels: tuple[Channel, ...] = ()
    papers: tuple[RequiredPaper, ...] = ()
    conditions: str = ""
    legal_basis: tuple[LegalBasis, ...] = ()
    result: str = ""
    url: str = ""
    raw_text: str = ""


@dataclass(slots=True)
class ParsedDocument:
    """A loader's output: one document, its top-level units, and its procedure if any."""

    doc: Document
    units: list[Unit] = field(default_factory=list)
    procedure: Procedure | None = None

    def walk(self) -> Iterator[Unit]:
        for unit in self.units:
            yield from unit.walk()

    def articles(self) -> Iterator[Unit]:
        """Article-level units (Điều, Phụ lục, sections): what a chunk is made of."""
        for unit in self.walk():
            if unit.level in (Level.DIEU, Level.PHU_LUC, Level.SECTION):
                yield unit


@dataclass(frozen=True, slots=True)
class Chunk:
    """A passage to index: an article (or a part of a long one) with its heading."""

    id: str
    unit_id: str
    article_ref: str
    collection: str
    doc_id: str
    heading: str
    text: str
    citation: str
    context: str = ""
    level: str = Level.DIEU.value  # level of the article-level unit: dieu, phu_luc or section
    article_no: str = ""  # "16" for Điều 16 (or the Phụ lục / section number)
    doc_title: str = ""  # "Luật Hộ tịch"
    doc_type: str = ""
    doc_number: str = ""
    issuer: str = ""
    effective: str = ""  # ISO date or ""
    status: str = Status.UNKNOWN.value
    source_url: str = ""
    part: int = 1
    parts: int = 1

    @property
    def passage(self) -> str:
        """Heading, context and body: what the embedder and BM25 see."""
        head = " › ".join(p for p in (self.context, self.heading) if p)
        return f"{head}\n{self.text}" if head else self.text
