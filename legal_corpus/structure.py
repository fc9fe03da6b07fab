"""Structure parser for Vietnamese legal text.

Turns plain text (from a law, decree, circular, or an article body) into a
tree of citable units: Phần → Chương → Mục → Điều → Khoản → Điểm, plus
Phụ lục. Text quoted inside an amending article ("Sửa đổi khoản 2 Điều 5
như sau: “2. …”") belongs to the clause that quotes it and never opens new
units, and khoản/điểm numbering must move forward, so a numbered list restarting
at "1." inside a clause does not start new clauses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .models import Document, Level, PathStep, Status, Unit
from .normalize import normalize_text

_ROMAN = r"[IVXLCDM]+"
_HEADINGS: list[tuple[Level, re.Pattern[str]]] = [
    (Level.PHAN, re.compile(rf"^PHẦN\s+(THỨ\s+[^\s.:]+|{_ROMAN}|\d+)\s*[.:\-–]?\s*(.*)$", re.I)),
    (Level.CHUONG, re.compile(rf"^CHƯƠNG\s+({_ROMAN}|\d+)([a-z]?)\s*[.:\-–]?\s*(.*)$", re.I)),
    (Level.MUC, re.compile(r"^MỤC\s+(\d+|[IVXLC]+)\s*[.:\-–]?\s*(.*)$", re.I)),
    (Level.DIEU, re.compile(r"^(?:Điều|ĐIỀU)\s+(\d+[a-zđ]?)(?:\s*[.:\-–]\s*(.*)|\s+(\w.{0,150}))?$")),
    (Level.PHU_LUC, re.compile(rf"^PHỤ\s+LỤC(?:\s+(?:SỐ\s+)?({_ROMAN}|\d+[a-z]?|[A-Z]))?\s*[.:\-–]?\s*(.*)$", re.I)),
]
_KHOAN = re.compile(r"^(\d{1,3})([a-zđ]?)\.\s+(\S.*)$")
_DIEM = re.compile(r"^([a-zđ])(\d{0,2})\)\s*(\S.*)$")
_END_MATTER = re.compile(r"^(Nơi nhận\s*:|TM\.\s|KT\.\s|Q\.\s|TL\.\s)", re.I)

# Vietnamese legal lettering skips f, j, w, z.
_LETTERS = "abcdđeghiklmnopqrstuvxy"
_OPEN_QUOTES = "“‘«"
_SENTENCE_ENDS = tuple(".:;!?\"”’)»")
_CLOSE_QUOTES = "”’»"
_RANK = {Level.PHU_LUC: -1, Level.PHAN: 0, Level.CHUONG: 1, Level.MUC: 2, Level.DIEU: 3}


@dataclass
class _Node:
    """Mutable builder for a unit; frozen into ``Unit`` once parsing ends."""

    level: Level
    number: str
    title: str = ""
    lines: list[str] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Head:
    level: Level
    number: str
    title: str
    weak: bool = False  # an untitled or unpunctuated "Điều N": could be a wrapped reference


def _heading(line: str) -> _Head | None:
    for level, pattern in _HEADINGS:
        m = pattern.match(line)
        if not m:
            continue
        if level is Level.CHUONG:
            return _Head(level, (m.group(1) + m.group(2)).upper(), m.group(3).strip())
        if level is Level.DIEU:
            bare = m.group(3)  # "Điều 1 Phạm vi" without punctuation: title must look like one
            if bare is not None and (not bare[0].isupper() or bare.rstrip()[-1:] in ",;"):
                return None
            title = (m.group(2) if bare is None else bare) or ""
            return _Head(level, m.group(1), title.strip(), weak=bare is not None or not title.strip())
        number = m.group(1) or ""
        if level is Level.PHAN:
            number = number.lower() if number.lower().startswith("thứ") else number
            number = number[0].upper() + number[1:] if number else number
        return _Head(level, number.strip(), (m.group(2) or "").strip())
    return None


def _ends_block(line: str) -> bool:
    """Whether a line closes what came before: a sentence end, an upper-case title, a heading."""
    return line[-1:] in _SENTENCE_ENDS or line.isupper() or _heading(line) is not None


def _article_number(number: str) -> int:
    return int(re.match(r"\d+", number).group(0))


_ANY_QUOTE = re.compile(r"[“”‘’«»]")


def _quote_delta(line: str) -> int:
    if not _ANY_QUOTE.search(line):
        return 0
    return sum(line.count(c) for c in _OPEN_QUOTES) - sum(line.count(c) for c in _CLOSE_QUOTES)


def _next_letter_ok(prev: str | None, letter: str) -> bool:
    if prev is None:
        return True
    return _LETTERS.find(letter) == _LETTERS.find(prev) + 1


def _next_khoan_ok(prev: int | None, number: int, suffix: str) -> bool:
    """Clauses only move forward: a gap is a repealed or uncodified clause, a restart
    ("1." after "3.") is a numbered list inside the current clause."""
    if prev is None:
        return True
    return number > prev or (bool(suffix) and number == prev)


def _split_clauses(article: _Node, body: list[str]) -> None:
    """Fill an article node with intro lines and khoản/điểm children."""
    khoan: _Node | None = None
    diem: _Node | None = None
    last_k: int | None = None
    last_letter: str | None = None
    depth = 0
    for line in body:
        quoted = depth > 0 or line[:1] in _OPEN_QUOTES or line[:1] == '"'
        depth = max(0, depth + _quote_delta(line))
        if not quoted:
            mk = _KHOAN.match(line)
            if mk and _next_khoan_ok(last_k, int(mk.group(1)), mk.group(2)):
                last_k, last_letter, diem = int(mk.group(1)), None, None
                khoan = _Node(Level.KHOAN, mk.group(1) + mk.group(2), lines=[line])
                article.children.append(khoan)
                continue
            md = _DIEM.match(line)
            if md and _next_letter_ok(last_letter, md.group(1)):
                last_letter = md.group(1)
                diem = _Node(Level.DIEM, md.group(1) + md.group(2), lines=[line])
                (khoan or article).children.append(diem)
                continue
        (diem or khoan or article).lines.append(line)


def _node_text(node: _Node) -> str:
    """A unit's own lines, then its children's text: an article includes its khoản."""
    return "\n".join([*node.lines, *(_node_text(c) for c in node.children)])


@dataclass(frozen=True)
class UnitFactory:
    """Freezes builder nodes into ``Unit``s with ids, paths and citations."""

    doc: Document
    status: Status = Status.UNKNOWN
    status_note: str = ""
    context: str = ""
    related: tuple[str, ...] = ()
    meta: tuple[tuple[str, str], ...] = ()

    def freeze(self, node: _Node, parent_id: str, path: tuple[PathStep, ...], article_ref: str = "",
               unit_id: str | None = None, step: PathStep | None = None) -> Unit:
        path = path + (step or (node.level, node.number),)
        # Articles are numbered uniquely within a document: their ids skip the chapters.
        base = self.doc.id if node.level in (Level.DIEU, Level.PHU_LUC) else parent_id
        uid = unit_id or f"{base}/{_ID_KEYS[node.level]}{node.number}"
        if node.level in (Level.DIEU, Level.PHU_LUC, Level.SECTION) and not article_ref:
            article_ref = uid
        children = tuple(self.freeze(c, uid, path, article_ref) for c in node.children)
        text = _node_text(node) if node.level in _CLAUSE_LEVELS else "\n".join(node.lines)
        at_article = node.level in (Level.DIEU, Level.PHU_LUC, Level.SECTION)
        return Unit(
            id=uid, level=node.level, number=node.number, text=text, doc=self.doc,
            title=node.title, path=path, article_ref=article_ref, parent_id=parent_id,
            children=children, status=self.status, status_note=self.status_note,
            related=self.related if at_article else (), context=self.context, meta=self.meta,
        )


_CLAUSE_LEVELS = (Level.DIEU, Level.KHOAN, Level.DIEM)
_ID_KEYS = {
    Level.PHAN: "p", Level.CHUONG: "c", Level.MUC: "m", Level.DIEU: "d",
    Level.KHOAN: "k", Level.DIEM: "", Level.PHU_LUC: "pl", Level.SECTION: "s",
}


def parse_article(number: str, title: str, body: str, factory: UnitFactory, *,
                  unit_id: str, path: tuple[PathStep, ...] = (), article_ref: str = "") -> Unit:
    """One Điều from its normalised body text (khoản "1." and điểm "a)" on their own lines)."""
    node = _Node(Level.DIEU, number, title)
    _split_clauses(node, [ln for ln in body.split("\n") if ln])
    parent = unit_id.rsplit("/", 1)[0] if "/" in unit_id else factory.doc.id
    return factory.freeze(node, parent, path[:-1], article_ref=article_ref, unit_id=unit_id,
                          step=path[-1] if path else None)


def parse_document(text: str, factory: UnitFactory) -> tuple[str, list[Unit]]:
    """Full document text → (preamble, top-level units).

    The preamble is what comes before the first heading (header, căn cứ);
    signature blocks after the last article ("Nơi nhận:", "TM. CHÍNH PHỦ")
    are dropped until a Phụ lục starts.
    """
    lines = [ln for ln in normalize_text(text).split("\n") if ln]
    roots: list[_Node] = []
    stack: list[_Node] = []
    preamble: list[str] = []
    bodies: dict[int, list[str]] = {}
    current: _Node | None = None
    depth = 0
    skipping = False
    last_article: int | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        quoted = depth > 0 or line[:1] in _OPEN_QUOTES
        depth = max(0, depth + _quote_delta(line))
        head = None if quoted else _heading(line)
        if head and head.weak and (
            (last_article is not None and _article_number(head.number) <= last_article)
            or (i > 1 and not _ends_block(lines[i - 2]))
        ):
            head = None  # "… theo quy định tại khoản 2\nĐiều 3." is a wrapped reference
        if head is None:
            if not quoted and _END_MATTER.match(line):
                skipping = True
            if skipping:
                continue
            if current is None:
                preamble.append(line)
            elif current.level in (Level.DIEU, Level.PHU_LUC):
                bodies[id(current)].append(line)
            elif not current.title:
                current.title = line
            else:
                current.lines.append(line)
            continue
        level, number, title = head.level, head.number, head.title
        skipping = False
        if level is Level.DIEU:
            last_article = _article_number(number)
        elif level is Level.PHU_LUC:
            last_article = None
        if not title and level not in (Level.DIEU,) and i < len(lines) and _heading(lines[i]) is None:
            title, i = lines[i], i + 1
        node = _Node(level, number, title)
        rank = _RANK[level]
        while stack and _RANK[stack[-1].level] >= rank:
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
        if level in (Level.DIEU, Level.PHU_LUC):
            bodies[id(node)] = []
        current = node
    for node in _iter_nodes(roots):
        if node.level is Level.DIEU:
            _split_clauses(node, bodies[id(node)])
        elif node.level is Level.PHU_LUC:
            node.lines = bodies[id(node)]
    units = [factory.freeze(n, factory.doc.id, ()) for n in roots]
    return "\n".join(preamble), units


def _iter_nodes(nodes: list[_Node]):
    for n in nodes:
        yield n
        yield from _iter_nodes(n.children)
