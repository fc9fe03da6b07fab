"""The standard header of a Vietnamese legal document: who, which number, when, what.

Documents open with the issuer block ("CHÍNH PHỦ"), the national motto,
"Số: 100/2019/NĐ-CP", "Hà Nội, ngày 30 tháng 12 năm 2019", the type line
("NGHỊ ĐỊNH") and the capitalised title. Extractors lay the two header
columns out as "left | right" cells or run them together on one line (PDF),
so the motto is cut out of whatever line it sits on before reading the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .models import DOC_TYPES
from .normalize import fold, normalize_text
from .references import DOC_NUMBER, ISSUERS, find_numbers, parse_date

_MOTTO = re.compile(r"C[ỘO]NG H[ÒO]A XÃ H[ỘO]I CH[ỦU] NGH[ĨI]A VI[ỆE]T NAM|"
                    r"Độc lập\s*[-–—]\s*Tự do\s*[-–—]\s*Hạnh phúc", re.I)
_RULE = re.compile(r"^[-_=*.…~ ]*$")
_NUMBER = re.compile(r"^(?:(?:Bộ luật|Luật|Pháp lệnh|Nghị quyết|Lệnh)\s+)?Số(?:\s+hiệu)?\s*(?::|(?=\d))\s*(.*)$", re.I)
_TYPE_WORDS = "|".join(t.upper() for t in sorted(DOC_TYPES, key=len, reverse=True))
_TYPE = re.compile(rf"^({_TYPE_WORDS})(?:\s+(.+))?$")
_PLACE = re.compile(r"^(.{2,40}?),\s*ngày\b")
_DATE = re.compile(r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}|ngày\s+\d{1,2}/\d{1,2}/\d{4}", re.I)
_STOP = re.compile(r"^(Căn cứ|Theo đề nghị|Xét đề nghị|Kính gửi|Nơi nhận|(?:Chương|Phần|Mục|Điều)\s+[\dIVXLC]+)", re.I)
_PASSED = re.compile(r"thông qua ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}")
_EFFECTIVE = re.compile(r"(\bnày\s+)?có hiệu lực(?:\s+thi hành)?\s+(?:kể\s+)?từ\s+(ngày\s+[^;\n]{0,40})")
_LOCAL = re.compile(r"^(ỦY BAN NHÂN DÂN|UBND|HỘI ĐỒNG NHÂN DÂN|HĐND)\s+"
                    r"(TỈNH|THÀNH PHỐ|TP\.|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN|ĐẶC KHU)\s+(.+)$")
_LOCAL_BODY = {"ỦY BAN NHÂN DÂN": "Ủy ban nhân dân", "UBND": "Ủy ban nhân dân",
               "HỘI ĐỒNG NHÂN DÂN": "Hội đồng nhân dân", "HĐND": "Hội đồng nhân dân"}
_KNOWN_ISSUERS = {v.upper(): v for v in ISSUERS.values()}
_PROPER = ("Việt Nam", "Hồ Chí Minh", "Hà Nội", "Chính phủ", "Quốc hội")
# Cited documents keep their capitals: "của Luật Quản lý thuế", "Nghị định số 126/2020/NĐ-CP".
_CITED = re.compile(r"(?<!\w)(?:(?:bộ luật|luật|pháp lệnh)\s+(?!số\b|này\b)(\w)|(?:nghị định|thông tư|nghị quyết|quyết định)\s+số\b)")
_AUTHORITY = re.compile(r"^(ỦY BAN|CHỦ TỊCH|BỘ TRƯỞNG|THỦ TƯỚNG|HỘI ĐỒNG|QUỐC HỘI|CHÍNH PHỦ|THỐNG ĐỐC|TỔNG)\b")
# A word that cannot be a Vietnamese syllable (UBND, CCCD, COVID-19, NĐ-CP) is an acronym: kept upper case.
_SYLLABLE = re.compile(r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?$")


@dataclass(frozen=True, slots=True)
class Header:
    doc_type: str | None = None
    number: str | None = None
    issuer: str | None = None
    issued: date | None = None
    title: str = ""
    place: str = ""


def _is_upper(text: str) -> bool:
    return any(c.isalpha() for c in text) and text == text.upper()


def sentence_case(text: str) -> str:
    """"QUY ĐỊNH VỀ XỬ PHẠT" → "Quy định về xử phạt"; mixed-case text and acronyms (UBND) are kept."""
    if not _is_upper(text):
        return text
    words = []
    for word in text.split(" "):
        core = word.strip("()[],.;:\"“”")
        acronym = len(core) > 1 and not _SYLLABLE.match(fold(core))
        words.append(word if acronym else word.lower())
    out = " ".join(words)
    for name in _PROPER:
        out = re.sub(rf"(?<!\w){re.escape(name.lower())}(?!\w)", name, out)
    out = _CITED.sub(lambda m: m[0][:1].upper() + m[0][1:-1] + (m[0][-1].upper() if m[1] else m[0][-1]), out)
    return out[:1].upper() + out[1:]


def issuer_name(lines: list[str]) -> str | None:
    """"ỦY BAN NHÂN DÂN / TỈNH BẮC NINH" → "Ủy ban nhân dân tỉnh Bắc Ninh"; a parent body line is dropped."""
    if not lines:
        return None
    joined = " ".join(lines)
    if joined in _KNOWN_ISSUERS:
        return _KNOWN_ISSUERS[joined]
    local = _LOCAL.match(joined)
    if local:
        body, level, name = local.groups()
        level = "thành phố" if level == "TP." else level.lower()
        return f"{_LOCAL_BODY[body]} {level} {name.title()}"
    if len(lines) > 1 and lines[0] in _KNOWN_ISSUERS:  # "BỘ Y TẾ / CỤC QUẢN LÝ DƯỢC"
        return issuer_name(lines[1:])
    return sentence_case(joined)


def _cells(line: str) -> list[str]:
    line = _MOTTO.sub(" | ", line)
    return [c.strip() for c in line.split("|") if c.strip() and not _RULE.match(c.strip())]


def detect_header(text: str, max_lines: int = 40) -> Header:
    """Read the header block at the top of a document; what is missing stays None/""."""
    text = normalize_text(text)
    lines = [ln for ln in text.split("\n") if ln.strip()]
    issuer_lines: list[str] = []
    number = doc_type = issued = None
    place = ""
    title: list[str] = []
    in_title = False
    for line in lines[:max_lines]:
        if _STOP.match(line):
            break
        for cell in _cells(line):
            m = _NUMBER.match(cell)
            if m and number is None:  # what follows the number may be the date column
                found = DOC_NUMBER.search(m.group(1))
                number = find_numbers(found.group(0))[0].number if found else ""
                cell = m.group(1)[found.end():].strip() if found else ""
            if not cell:
                continue
            if _DATE.search(cell) or re.search(r",\s*ngày\b", cell):
                issued = issued or parse_date(cell)
                pm = _PLACE.match(cell)
                place = place or (pm.group(1).strip() if pm else "")
                in_title = False
            elif doc_type is None and (tm := _TYPE.match(cell)) and not (tm.group(2) or "").startswith("SỐ"):
                doc_type = next(t for t in DOC_TYPES if t.upper() == tm.group(1))
                title, in_title = ([tm.group(2)] if tm.group(2) else []), True
            elif in_title and len(title) < 5 and not _AUTHORITY.match(cell) and (
                    not title or _is_upper(cell) == _is_upper(title[0])):
                title.append(cell)
            elif in_title:
                in_title = False
            elif doc_type is None and number is None and _is_upper(cell) and len(cell) < 80:
                issuer_lines.append(cell)
        if title and doc_type and not in_title:
            break
    passed = _PASSED.findall(text)  # a law's own "thông qua ngày …" sentence is its last
    issued = issued or (parse_date(passed[-1]) if passed else None)
    suffix = find_numbers(number)[0] if number else None
    if doc_type is None and suffix:
        doc_type = suffix.doc_type
    name = sentence_case(" ".join(title)) if title else ""
    full_title = f"{doc_type} {name[:1].upper()}{name[1:]}" if name and doc_type else name
    issuer = issuer_name(issuer_lines) or (suffix.issuer if suffix else None)
    return Header(doc_type, number or None, issuer, issued, full_title, place)


def find_effective(text: str, issued: date | None = None) -> date | None:
    """The document's own entry into force ("Nghị định này có hiệu lực thi hành từ ngày …")."""
    matches = list(_EFFECTIVE.finditer(normalize_text(text)))
    matches.sort(key=lambda m: m.group(1) is None)  # "… này có hiệu lực" first
    for m in matches:
        if m.group(2)[4:].lstrip().startswith("ký"):
            return issued
        found = parse_date(m.group(2))
        if found:
            return found
    return None
