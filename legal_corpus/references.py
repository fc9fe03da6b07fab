"""Legal references: document numbers, types, issuers, dates and source notes.

Vietnamese documents are identified by their ký hiệu ("60/2014/QH13",
"100/2019/NĐ-CP", "01/2022/TT-BCA"); the suffix tells the type and the
issuer. Pháp điển's source notes ("(Điều 1 Luật số 57/2020/QH14 …, có hiệu
lực thi hành kể từ ngày 01/01/2021, bị bãi bỏ bởi …)") say which article of
which document a codified article comes from and whether it still applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .models import DOC_TYPES, Status
from .normalize import normalize_line

DOC_NUMBER = re.compile(
    r"(?<![\w/])(\d{1,5}[a-zA-Z]?)\s?/\s?(?:(\d{4})\s?/\s?)?"
    r"([A-ZĐ][A-Za-zĐđ0-9&]*(?:[-/][A-Za-zĐđ0-9&]+)*)"
)

# Suffix codes of issuing bodies (facts from the official numbering scheme).
ISSUERS = {
    "QH": "Quốc hội",
    "UBTVQH": "Ủy ban Thường vụ Quốc hội",
    "CTN": "Chủ tịch nước",
    "CP": "Chính phủ",
    "TTg": "Thủ tướng Chính phủ",
    "BCA": "Bộ Công an",
    "BQP": "Bộ Quốc phòng",
    "BTC": "Bộ Tài chính",
    "BTP": "Bộ Tư pháp",
    "BYT": "Bộ Y tế",
    "BNV": "Bộ Nội vụ",
    "BNG": "Bộ Ngoại giao",
    "BXD": "Bộ Xây dựng",
    "BCT": "Bộ Công Thương",
    "BGDĐT": "Bộ Giáo dục và Đào tạo",
    "BGD&ĐT": "Bộ Giáo dục và Đào tạo",
    "BLĐTBXH": "Bộ Lao động - Thương binh và Xã hội",
    "BTNMT": "Bộ Tài nguyên và Môi trường",
    "BGTVT": "Bộ Giao thông vận tải",
    "BNNPTNT": "Bộ Nông nghiệp và Phát triển nông thôn",
    "BNNMT": "Bộ Nông nghiệp và Môi trường",
    "BKHĐT": "Bộ Kế hoạch và Đầu tư",
    "BKHCN": "Bộ Khoa học và Công nghệ",
    "BTTTT": "Bộ Thông tin và Truyền thông",
    "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch",
    "BDTTG": "Bộ Dân tộc và Tôn giáo",
    "UBDT": "Ủy ban Dân tộc",
    "NHNN": "Ngân hàng Nhà nước Việt Nam",
    "TANDTC": "Tòa án nhân dân tối cao",
    "HĐTP": "Hội đồng Thẩm phán Tòa án nhân dân tối cao",
    "VKSNDTC": "Viện kiểm sát nhân dân tối cao",
    "KTNN": "Kiểm toán nhà nước",
    "TTCP": "Thanh tra Chính phủ",
    "VPCP": "Văn phòng Chính phủ",
}

# Type codes inside the suffix, longest first.
_TYPE_CODES = [
    ("TTLT", "Thông tư liên tịch"),
    ("NQLT", "Nghị quyết liên tịch"),
    ("VBHN", "Văn bản hợp nhất"),
    ("NĐ", "Nghị định"),
    ("TT", "Thông tư"),
    ("QĐ", "Quyết định"),
    ("NQ", "Nghị quyết"),
    ("PL", "Pháp lệnh"),
    ("CT", "Chỉ thị"),
    ("L", "Lệnh"),
]

_TYPE_WORDS = sorted(DOC_TYPES, key=len, reverse=True)
_TYPE_PATTERN = "|".join(re.escape(t) for t in _TYPE_WORDS)
_DMY = re.compile(r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")
_LONG_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I)


@dataclass(frozen=True, slots=True)
class DocNumber:
    number: str  # canonical form, e.g. "100/2019/NĐ-CP"
    year: int | None
    suffix: str

    @property
    def doc_type(self) -> str | None:
        return doc_type_from_suffix(self.suffix)

    @property
    def issuer(self) -> str | None:
        return issuer_from_suffix(self.suffix)


def find_numbers(text: str) -> list[DocNumber]:
    """Every document number in a text, in order."""
    out = []
    for m in DOC_NUMBER.finditer(text):
        num, year, suffix = m.group(1), m.group(2), m.group(3)
        canon = f"{num}/{year}/{suffix}" if year else f"{num}/{suffix}"
        out.append(DocNumber(canon, int(year) if year else None, suffix))
    return out


def canonical_number(text: str) -> str | None:
    found = find_numbers(text)
    return found[0].number if found else None


def _suffix_parts(suffix: str) -> list[str]:
    return [p for p in re.split(r"[-/]", suffix) if p]


def doc_type_from_suffix(suffix: str) -> str | None:
    parts = _suffix_parts(suffix)
    if not parts:
        return None
    head = parts[0]
    if re.fullmatch(r"QH\d*", head):
        return "Luật"
    for code, name in _TYPE_CODES:
        if head == code:
            return name
    return None


def issuer_from_suffix(suffix: str) -> str | None:
    parts = _suffix_parts(suffix)
    names = []
    for part in parts:
        key = re.sub(r"\d+$", "", part)  # QH13 → QH, UBTVQH14 → UBTVQH
        if key in ISSUERS:
            names.append(ISSUERS[key])
    return ", ".join(dict.fromkeys(names)) or None


def parse_date(text: str) -> date | None:
    """First date in "dd/mm/yyyy" or "ngày d tháng m năm yyyy" form."""
    for pattern in (_DMY, _LONG_DATE):
        m = pattern.search(text)
        if m:
            try:
                return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                continue
    return None


@dataclass(frozen=True, slots=True)
class SourceNote:
    """What a Pháp điển source note says about an article's origin and validity."""

    article: str = ""  # "Điều 5a"
    doc_type: str | None = None
    number: str | None = None
    title: str = ""
    issued: date | None = None
    issuer: str | None = None
    effective: date | None = None
    status: Status = Status.UNKNOWN
    changed_by: tuple[str, ...] = ()  # numbers of amending/repealing documents


_NOTE_HEAD = re.compile(
    rf"^\(*\s*(?:((?:Điều|Khoản|Điểm|Phụ lục|Mục|Chương|Phần)\s+[\w.]+)\s+"
    rf"(?:được quy định tại\s+)?)?(?:(?:Danh mục|Biểu mẫu)[^()]*?\s+)?({_TYPE_PATTERN})\b\s*(?:số\s*)?(.*)$",
    re.S,
)
_EFFECTIVE = re.compile(r",?\s*có hiệu lực thi hành kể từ ngày\s*")


def _status_from(changes: str) -> Status:
    whole = re.search(r"(?<!nội dung )(bị bãi bỏ|bị hủy bỏ|bị ngưng hiệu lực|hết hiệu lực)", changes)
    if whole and "có nội dung" not in changes.split(whole.group(1))[0][-40:]:
        return Status.REPEALED
    if re.search(r"có nội dung (bị bãi bỏ|bị hủy bỏ|hết hiệu lực|bị ngưng hiệu lực)", changes):
        return Status.PARTLY_REPEALED
    if re.search(r"được (sửa đổi|bổ sung|đính chính|thay thế)", changes):
        return Status.AMENDED
    return Status.IN_FORCE


def parse_source_note(note: str | None) -> SourceNote:
    """Parse a Pháp điển source note; unknown shapes give an empty note, never an error."""
    if not note:
        return SourceNote()
    note = normalize_line(note)
    m = _NOTE_HEAD.match(note)
    if not m:
        return SourceNote()
    article, doc_type, rest = (m.group(1) or ""), m.group(2), m.group(3)
    parts = _EFFECTIVE.split(rest, maxsplit=1)
    head = parts[0].rstrip(" ,")
    tail = parts[1] if len(parts) > 1 else ""
    number = None
    title = ""
    nm = DOC_NUMBER.match(head)
    if nm:
        number = find_numbers(nm.group(0))[0].number
        head = head[nm.end():].strip(" ,")
    issued = None
    issuer = issuer_from_suffix(number.split("/")[-1]) if number else None
    dm = re.search(r"\s*ngày\s+(\d{1,2}/\d{1,2}/\d{4})(?:\s+của\s+(.+))?$", head)
    if dm:
        issued = parse_date(dm.group(1))
        issuer = (dm.group(2) or "").strip() or issuer
        head = head[: dm.start()]
    if head:
        title = head.strip(" .,")
        if not title.lower().startswith(doc_type.lower()):
            title = f"{doc_type} {title}"
    elif not number:
        title = doc_type
    effective = parse_date(tail[:12]) if tail else None
    changes = tail[10:] if tail else ""
    changed_by = tuple(n.number for n in find_numbers(changes))
    status = _status_from(changes) if tail else Status.UNKNOWN
    return SourceNote(article.strip(), doc_type, number, title, issued, issuer, effective, status, changed_by)
