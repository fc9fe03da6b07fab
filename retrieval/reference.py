"""Exact legal references in a query ("khoản 2 Điều 8 Nghị định 100/2019/NĐ-CP") → units.

Officials type references, not questions; ranking those by similarity buries the very
article they named under articles that merely mention it. So a reference is parsed
(with or without diacritics) and looked up in plain tables built once from the chunks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from legal_corpus.models import DOC_TYPES, NAMED_TYPES, Chunk
from legal_corpus.normalize import fold, normalize_line
from legal_corpus.references import ISSUERS, doc_type_from_suffix, find_numbers

# Type words documents are cited by ("Lệnh", "Hướng dẫn"… are too common as plain words).
_TYPES = {fold(t): t for t in DOC_TYPES if t not in ("Lệnh", "Công văn", "Hướng dẫn", "Thủ tục hành chính")}
_TYPE_WORDS = [t.split() for t in sorted(_TYPES, key=len, reverse=True)]
_FAMILY = {"bo luat": "luat", "thong tu lien tich": "thong tu", "nghi quyet lien tich": "nghi quyet"}
_END = r"(?![a-z0-9])"
_TYPE_RE = re.compile(  # not "pháp luật", "luật sư", "luật pháp", "luật lệ", "luật này"
    rf"(?<![a-z0-9])(?<!phap )({'|'.join(sorted(_TYPES, key=len, reverse=True))}){_END}"
    rf"(?<!luat(?=\s(?:su|phap|le|nay|do|nao){_END}))")
_ALIASES = {"blds": "dan su", "blhs": "hinh su", "blttds": "to tung dan su", "bltths": "to tung hinh su",
            "blld": "lao dong"}
_ALIAS_RE = re.compile(rf"(?<![a-z0-9])({'|'.join(_ALIASES)}){_END}")
_SEP = r"\s*,?\s*(?:(?:cua|tai|thuoc)\s+)?"
_P, _K = r"([a-z]|dd)(?![a-z0-9/])", r"(\d{1,3}[a-z]?)(?![a-z0-9/])"
_CHAIN = re.compile(  # folded "điểm a khoản 2 điều 8", "điều 8 khoản 2 điểm a", "Đ16"
    rf"(?<![a-z0-9])(?:diem\s+{_P}{_SEP})?(?:khoan\s+{_K}{_SEP})?(?:dieu\s*|d\.?(?=\d))(\d{{1,4}}[a-z]?)(?![a-z0-9/])"
    rf"(?:{_SEP}khoan\s+{_K})?(?:{_SEP}diem\s+{_P})?")
_CODE = re.compile(r"(?<![\w.])(\d\.\d{6})(?![\w.])|(?<![\w-])(demo-[a-z]{2,5}-\d{1,3})(?![\w-])")
_BARE = re.compile(r"\s*(?:so\s*)?(\d{1,5}[a-z]?)(?:\s*/\s*(\d{4})|\s+nam\s+(\d{4}))?(?![a-z0-9/])")
_YEAR = re.compile(r"(?<![\d/])((?:19[4-9]|20\d)\d)(?![\d/])")
_TOKEN = re.compile(r"[a-z0-9]+|[^\sa-z0-9,&-]")
_CODES = {fold(c).upper(): c for c in [*ISSUERS, "NĐ", "QĐ"]}  # "ND" → "NĐ", "TTG" → "TTg"
_CLAUSE_LINE = re.compile(r"^\d{1,3}[a-zđ]?\.\s", re.M)
_PROCEDURES = ("procedures", "demo")
_fold_type = lru_cache(maxsize=64)(fold)


@dataclass(frozen=True, slots=True)
class LegalRef:
    """What a query cites. ``doc_number`` may be partial ("100", "100/2019") when typed so."""

    article: str | None
    clause: str | None
    point: str | None
    doc_number: str | None
    doc_type: str | None
    doc_name: str | None  # folded words after the type word, question words included
    year: int | None


@dataclass(frozen=True, slots=True)
class Resolved:
    position: int  # index into the chunks given to ReferenceIndex
    unit_id: str  # article id, or f"{article}/k2", or f"{article}/k2/a"
    exact: bool  # the named article (and khoản/điểm) found in an unambiguous document, or a procedure code


def _canonical(number: str) -> str:
    """"100/2019/nd-cp" → "100/2019/NĐ-CP": people type numbers lower-case and without đ."""
    parts = re.split(r"([-/])", number.upper())
    for i, part in enumerate(parts):
        head = part.rstrip("0123456789")
        parts[i] = _CODES.get(head, head) + part[len(head):]
    return "".join(parts)


def _year(text: str) -> int | None:
    m = _YEAR.search(text)
    return int(m.group(1)) if m else None


def parse_reference(query: str) -> LegalRef | None:
    """The reference in a query, or None when it names no document."""
    q = normalize_line(query)
    low, f = q.lower(), fold(q)
    low = low if len(low) == len(f) else f  # keep "đ" apart from "d" where alignment allows
    if m := _CODE.search(f):
        return LegalRef(None, None, None, m.group(1) or m.group(2).upper(), None, None, None)
    chain = _CHAIN.search(f)
    article = clause = point = None
    if chain:
        article, clause = low[chain.start(3):chain.end(3)], chain.group(2) or chain.group(4)
        if g := (1 if chain.group(1) else 5 if chain.group(5) else 0):
            point = "đ" if chain.group(g) == "dd" else low[chain.start(g):chain.end(g)]
    found = [n for n in find_numbers(q.upper()) if n.year or "-" in n.suffix]
    number = _canonical(found[0].number) if found else None
    doc: tuple[str | None, str | None, int | None] | None = None  # type, name, year
    if found:
        doc = (doc_type_from_suffix(found[0].suffix), None, found[0].year)
    after = chain.end() if chain else 0
    for tm in sorted(_TYPE_RE.finditer(f), key=lambda t: t.start() < after):  # right after "Điều N" first
        doc_type = _TYPES[tm.group(1)]
        if number:  # the type word typed right before the number wins over the suffix's
            if doc and re.match(r"\s*(?:so\s*)?\d", f[tm.end():]):
                doc = (doc_type, None, doc[2])
            break
        tail = f[tm.end():chain.start() if chain and chain.start() > tm.end() else len(f)]
        name, year, bare = None, None, _BARE.match(tail)
        yr = (bare.group(2) or bare.group(3)) if bare else None
        if bare and doc_type in NAMED_TYPES and not yr and _YEAR.fullmatch(bare.group(1)):
            year = int(bare.group(1))  # "Hiến pháp 2013"
        elif bare:  # "nghị định 100", "nghị định số 100/2019", "nghị định 100 năm 2019"
            number, year = (f"{bare.group(1)}/{yr}", int(yr)) if yr else (bare.group(1), None)
        else:
            name, year = _name_words(tail), _year(tail[:80])
        if number or (doc_type in NAMED_TYPES and (name or doc_type == "Hiến pháp")):
            doc = (doc_type, name, year)
            break
    if doc is None and (am := _ALIAS_RE.search(f)):
        doc = ("Bộ luật", _ALIASES[am.group(1)], _year(f[am.end():am.end() + 20]))
    return LegalRef(article, clause, point, number, *doc) if doc else None


def _name_words(tail: str) -> str | None:
    """Folded words after the type word, up to a number or punctuation; the rest of the
    question that may follow the name is dropped at lookup, against real titles."""
    words: list[str] = []
    for tok in _TOKEN.findall(tail):
        if not tok.isalpha() or len(words) == 10:
            break
        if words or tok != "so":  # "Luật số 60/2014/QH13"
            words.append(tok)
    return " ".join(words) or None


def _key(number: str) -> str:
    """Lookup form of a number or code: folded, no leading zeros ("01/2022/TT-BTP" = "1/2022/tt-btp")."""
    number = number.lower() if number.isascii() else fold(number)
    return number.lstrip("0") if number[:1] == "0" and number[1:2].isdigit() else number


def _words(title: str, kind: str) -> tuple[str, ...]:
    """Folded title words without the leading type word ("Luật Hộ tịch" → ("ho", "tich"))."""
    words = re.findall(r"[a-z0-9]+", fold(title))
    for tw in [kind.split(), *_TYPE_WORDS]:
        if tw and words[:len(tw)] == tw:
            return tuple(words[len(tw):])
    return tuple(words)


def _article_key(article_no: str, level: str) -> tuple[str, tuple[int, int, str]]:
    """Lookup key (lower case: "98đ" and "98d" are different articles; a Phụ lục never
    answers "Điều 1") and sort key ("Điều 1" first when a whole document is asked for)."""
    m = re.match(r"(\d+)(.*)", article_no)
    rank = (0, int(m.group(1)), m.group(2)) if m and level == "dieu" else (1, 0, "")
    return ("pl:" if level == "phu_luc" else "") + article_no.lower(), rank


@dataclass(slots=True)
class _Doc:
    type: str  # folded
    year: int | None
    words: tuple[str, ...]
    vocab: frozenset[str]
    repealed: bool
    units: list[str]


class ReferenceIndex:
    """Lookup tables over chunks: numbers and codes, names, (document, article) → units."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self._chunks = chunks
        self._docs: dict[str, _Doc] = {}
        self._by_number: dict[str, list[str]] = {}  # number or procedure code → doc ids
        self._by_lead: dict[str, list[str]] = {}  # "100" → doc ids numbered "100/…"
        self._named: dict[str, list[str]] = {}  # type family → ids of documents cited by name
        self._articles: dict[tuple[str, str], list[str]] = {}  # (doc id, article) → unit ids
        self._parts: dict[str, list[int]] = {}  # unit id → positions, part order
        keys: dict[tuple[str, str], tuple[str, tuple[int, int, str]]] = {}
        order: dict[str, list[tuple[tuple[int, int, str], str]]] = {}
        parts_of, articles = self._parts, self._articles
        for pos, c in enumerate(chunks):
            parts = parts_of.get(c.unit_id)
            if parts is not None:
                parts.append(pos)
                if c.part < chunks[parts[-2]].part:
                    parts.sort(key=lambda p: chunks[p].part)
                continue
            parts_of[c.unit_id] = [pos]
            doc = self._docs.get(c.doc_id) or self._add_doc(c)
            doc.repealed = doc.repealed and c.status == "repealed"
            level = getattr(c, "level", "dieu")
            art, rank = keys.get((c.article_no, level)) or keys.setdefault(
                (c.article_no, level), _article_key(c.article_no, level))
            articles.setdefault((c.doc_id, art), []).append(c.unit_id)
            order.setdefault(c.doc_id, []).append((rank, c.unit_id))
        for doc_id, units in order.items():
            units.sort(key=lambda u: u[0])
            self._docs[doc_id].units = [u for _, u in units]

    def _add_doc(self, c: Chunk) -> _Doc:
        number = c.doc_number or (c.article_ref if c.collection in _PROCEDURES else "")
        if number:
            self._by_number.setdefault(_key(number), []).append(c.doc_id)
            self._by_lead.setdefault(_key(number.split("/")[0]), []).append(c.doc_id)
        kind, words = _fold_type(c.doc_type), ()
        if c.doc_type in NAMED_TYPES:
            words = _words(c.doc_title, kind)
            self._named.setdefault(_FAMILY.get(kind, kind), []).append(c.doc_id)
        year = next((int(p) for p in number.split("/")[1:] if _YEAR.fullmatch(p)), None)
        doc = self._docs[c.doc_id] = _Doc(kind, year, words, frozenset(words), True, [])
        return doc

    def resolve(self, ref: LegalRef, limit: int = 10) -> list[Resolved]:
        """Units the reference names: the article (its khoản/điểm part), or a document's first articles."""
        docs = self._documents(ref)
        out: list[Resolved] = []
        if ref.article:
            art = ref.article.lower()
            for d, exact in docs:  # "5d" typed without diacritics may mean "5đ"
                units = self._articles.get((d, art)) or self._articles.get((d, re.sub("d$", "đ", art)), ())
                out += [self._locate(unit, ref, exact) for unit in units]
        else:
            each = limit if len(docs) == 1 else 1
            for d, exact in docs:
                doc = self._docs[d]
                code = exact and doc.type in ("thu tuc hanh chinh", "huong dan")  # a procedure code names it
                out += [Resolved(self._parts[u][0], u, code) for u in doc.units[:each]]
        return out[:limit]

    def _documents(self, ref: LegalRef) -> list[tuple[str, bool]]:
        """Candidate documents, best first, each with whether it is identified exactly."""
        want = fold(ref.doc_type) if ref.doc_type else ""
        fam = _FAMILY.get(want, want)
        number = _key(ref.doc_number) if ref.doc_number else ""
        if number in self._by_number:
            return [(d, True) for d in self._by_number[number]]
        if re.search(r"[a-z]/|/[a-z]", number):
            return []  # a full number this corpus does not hold
        if number:  # "100" or "100/2019": any document numbered so
            lead, _, yr = number.partition("/")
            found = {d: (0, False) for d in self._by_lead.get(lead, ()) if not yr or self._docs[d].year == int(yr)}
        else:
            found = self._by_name(tuple((ref.doc_name or "").split()), fam)
        if want:
            found = {d: v for d, v in found.items() if _FAMILY.get(self._docs[d].type, self._docs[d].type) == fam}

        def score(d: str) -> tuple[int, ...]:
            (k, prefix), doc = found[d], self._docs[d]
            by_year = 1 if ref.year is None or doc.year is None else 2 * (doc.year == ref.year)
            return (k, prefix, by_year, not doc.repealed, 0 < k == len(doc.words), doc.type == want, doc.year or 0)

        best = max(found.values(), default=(0, False))
        cands = sorted((d for d, v in found.items() if v == best), key=score, reverse=True)
        if number:  # several documents numbered "100": ambiguous, most recent first
            return [(d, len(cands) == 1) for d in cands]
        # Top candidates that tie and share a title are copies in several collections.
        tied = [d for d in cands if score(d) == score(cands[0])]
        same = len({self._docs[d].words for d in tied}) == 1
        return [(d, same and d in tied) for d in cands]

    def _by_name(self, name: tuple[str, ...], fam: str) -> dict[str, tuple[int, bool]]:
        """Documents whose title holds the leading name words, as a prefix or (two words or
        more) as a whole-word subset ("luật an toàn lao động" → "An toàn, vệ sinh lao động").
        Words after a fully matched title are the rest of the question; a word that differs
        inside the title ("Luật Hộ khẩu" against "Luật Hộ tịch") is another law."""
        out = {}
        for d in self._named.get(fam, ()):
            doc = self._docs[d]
            k = 0
            while k < len(name) and name[k] in doc.vocab:
                k += 1
            if name and (k == 0 or k < len(name) and not doc.vocab <= set(name[:k])):
                continue
            prefix = k > 0 and doc.words[:k] == name[:k]
            if not name or prefix or (k >= 2 and 2 * k >= len(doc.words)):
                out[d] = (k, prefix)
        return out

    def _locate(self, unit: str, ref: LegalRef, exact: bool) -> Resolved:
        """The part holding the khoản line "2. …" (and its điểm "a) …"), else part 1."""
        positions, clause, point = self._parts[unit], ref.clause, ref.point
        if not clause and not point:
            return Resolved(positions[0], unit, exact)
        head = re.compile(rf"^{re.escape(clause)}\.\s", re.M) if clause else None
        at = None  # the part where the khoản starts
        for pos in positions:
            text, start = self._chunks[pos].text, 0
            if head and at is None:
                if (m := head.search(text)) is None:
                    continue
                at, start = pos, m.end()
                if not point:
                    return Resolved(pos, f"{unit}/k{clause}", exact)
            nxt = _CLAUSE_LINE.search(text, start) if clause else None
            end = nxt.start() if nxt else len(text)
            if point and re.compile(rf"^{re.escape(point)}\)", re.M).search(text, start, end):
                return Resolved(pos, f"{unit}/k{clause}/{point}" if clause else f"{unit}/{point}", exact)
            if nxt:
                break  # the khoản ended without that điểm
        if at is not None:
            return Resolved(at, f"{unit}/k{clause}", False)
        return Resolved(positions[0], unit, False)
