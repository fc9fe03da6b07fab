"""The public-service portal's flattened tables, taken apart again.

The portal pages were crawled as text with every table cell glued to the
next ("Trực tiếp5 Ngày làm việc10 USD(/lần)Dịch vụ bưu chính…"), so rows are
found by the one cell of each row that has a recognisable shape: the
channel kind that opens a channel row, the quantity ("1 bản chính") that
closes a paper row, the document number that closes a legal-basis row. The
structured fields were also cut by the crawler wherever a section heading
appears inside content ("…theo quy định tại mục 5.3 (Thành phần hồ sơ)"),
so ``raw_sections`` rebuilds the sections from the full page text.

Inputs are NFC text; outputs are normalised with ``normalize_line`` /
``normalize_text``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ..models import Channel, LegalBasis, RequiredPaper
from ..normalize import normalize_line, normalize_text
from ..references import ISSUERS

NO_INFO = "Không có thông tin"
# Every lower-case letter Vietnamese uses, for "a lower-case word follows" tests.
LOWER = "a-z" + "".join(c for c in map(chr, range(0xC0, 0x1EFA)) if c.islower())
UPPER = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0x1EFA)) if c.isupper())


def has_letters(text: str) -> bool:
    """Whether a cell has content at all ("--" and "1." do not)."""
    return any(c.isalpha() for c in text)


def clean(text: str) -> str:
    """Strip, and treat the portal's "Không có thông tin" as empty."""
    text = text.strip()
    return "" if text == NO_INFO else text


def split_rows(text: str, cells: Iterable[tuple[int, int]]) -> tuple[list[tuple[str, str]], str]:
    """Cut a flattened table at its marker cells: (text before the cell, the cell) per row, and the rest.

    The same cut serves tables whose rows end with the marker (papers, legal
    basis) and tables whose rows start with it (channels).
    """
    rows, start = [], 0
    for a, b in cells:
        rows.append((text[start:a], text[a:b]))
        start = b
    return rows, text[start:]


def spans(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, int]]:
    return (m.span() for m in pattern.finditer(text))


# --- sections of the page text -------------------------------------------------------------

_CHANNEL_ROW = re.compile(r"(Trực tiếp|Trực tuyến|Dịch vụ bưu chính)(?=[A-ZĐ\d])")
_LEGAL_HEADING = re.compile(rf"Căn cứ pháp lý(?=Tên văn bản pháp lý|{NO_INFO})")


def raw_sections(raw: str) -> dict[str, str]:
    """The table and text sections of the page, keyed by the record's field names.

    A heading counts only where the page layout puts it: the legal-basis
    heading is followed by its table header, the papers heading comes after
    the last channel row. Sections that cannot be placed are left out.
    """
    out: dict[str, str] = {}
    steps = raw.find("Trình Tự Thực Hiện")
    channels = raw.find("Cách Thức Thực Hiện", max(steps, 0))
    if steps < 0 or channels < 0:
        return out
    out["trinh_tu_thuc_hien"] = raw[steps + len("Trình Tự Thực Hiện"):channels]
    legal = _LEGAL_HEADING.search(raw, channels)
    if not legal:
        return out
    papers = next((m for m in re.finditer("Thành phần hồ sơ", raw[:legal.start()])
                   if m.start() > channels and not _CHANNEL_ROW.search(raw, m.end(), legal.start())), None)
    if papers is None:
        return out
    out["cach_thuc_thuc_hien"] = raw[channels + len("Cách Thức Thực Hiện"):papers.start()]
    out["thanh_phan_ho_so"] = raw[papers.end():legal.start()]
    office = raw.find("Cơ quan thực hiện", legal.end())
    conditions = raw.find("Yêu cầu, điều kiện thực hiện", max(office, 0))
    if office < 0 or conditions < 0:
        return out
    out["can_cu_phap_ly"] = raw[legal.end():office]
    out["co_quan_thuc_hien"] = raw[office + len("Cơ quan thực hiện"):conditions]
    result = raw.rfind("Kết quả xử lý", conditions)  # conditions may quote the heading, results do not
    body = conditions + len("Yêu cầu, điều kiện thực hiện")
    out["yeu_cau_dieu_kien"] = raw[body:result] if result >= 0 else cut_portal_tail(raw[body:])
    if result >= 0:
        out["ket_qua_xu_ly"] = raw[result + len("Kết quả xử lý"):]
    return out


def cut_portal_tail(text: str) -> str:
    """Drop the page furniture after the last section ("Từ khóa…Mô tả…Chọn cơ quan thực hiện…")."""
    for junk in ("Từ khóa", "Chọn cơ quan thực hiện"):
        at = text.rfind(junk)
        if at >= 0:
            text = text[:at]
    return text


# --- results ---------------------------------------------------------------------------------

_RESULT_CODE = re.compile(r"Mã:\s*(?:[\w.\-]*\d|[\w.\-]*$)")


def parse_result(text: str) -> str:
    """Result documents, one per line, without their portal codes ("Mã: KQ.G01.000074")."""
    items = (normalize_line(part) for part in _RESULT_CODE.split(cut_portal_tail(text)))
    return "\n".join(item for item in items if clean(item))


# --- steps -------------------------------------------------------------------------------------

_STEP_WORD = re.compile(r"(?:^|(?<=[\s.;:]))(?:Bước|BƯỚC)\s*\d+\s*[:.)\-–]")
_MARKERS: list[tuple[str, re.Pattern[str]]] = [
    ("letter", re.compile(r"[a-zđ][).]\s")),
    ("number", re.compile(r"\d+(?:\.\d+)*[).]\s")),
    ("dash", re.compile(r"-\s")),
    ("plus", re.compile(r"\+(?!\+)\s*")),
    ("star", re.compile(r"\*\s*")),
]
_BULLET = re.compile(r"^[-+*•]+\s*")


def _marker(line: str) -> str | None:
    return next((name for name, pattern in _MARKERS if pattern.match(line)), None)


def split_steps(text: str) -> list[str]:
    """Steps of a procedure: at each "Bước N", else at each line with the top list marker.

    Lines with other markers or none stay with the step above them, so
    sub-points ("+ Nếu hồ sơ hợp lệ…") and wrapped lines are not steps.
    """
    text = normalize_text(text)
    if not clean(text):
        return []
    starts = [m.start() for m in _STEP_WORD.finditer(text)]
    if len(starts) >= 2:
        cuts = ([0] if text[:starts[0]].strip() else []) + starts
        pieces = [text[a:b] for a, b in zip(cuts, cuts[1:] + [len(text)], strict=True)]
    else:
        lines = [ln for ln in text.split("\n") if ln.strip()]
        kinds = [k for k in map(_marker, lines) if k]
        # The first list style used twice or more: a lone "6.1. Trình tự thực hiện:" is a heading.
        top = next((k for k in kinds if kinds.count(k) > 1), kinds[0] if kinds else None)
        pieces = []
        for line in lines:
            kind = _marker(line)
            new = kind == top if top else line[:1].isupper()
            if new or not pieces:
                pieces.append(line)
            else:
                pieces[-1] += "\n" + line
    return [s for s in (_BULLET.sub("", p.strip()) for p in pieces) if s]


# --- channels ----------------------------------------------------------------------------------

CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
_AMOUNT = r"\d[\d.,]*\s*(?:Việt Nam Đồng|VNĐ|VND|Đồng|đồng|USD|EUR|Euro)"
_FEE = re.compile(rf"Miễn phí|{NO_INFO}|(?:(?:Lệ phí|Phí)\s*:\s*)?{_AMOUNT}")
_MORE_FEE = re.compile(_AMOUNT)  # a second amount cell, as the portal writes it
_UNIT = r"(?:[.,]\d+)?(?:\s?(?:Ngày làm việc|Ngày|Giờ|Tháng|Năm|Tuần|Phút))?"
_TIME_FEE = re.compile(rf"(?P<time>\d+?{_UNIT}|Trong ngày|{NO_INFO})(?P<fee>{_FEE.pattern})")
_TIME_ONLY = re.compile(rf"\d+{_UNIT}|Trong ngày|{NO_INFO}")


def _take_note(text: str) -> tuple[str, str]:
    """A parenthesised note at the start of text, with nested brackets: (note, rest)."""
    if not text.startswith("("):
        return "", text
    depth = 0
    for i, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0:
            return text[:i + 1], text[i + 1:]
    return text, ""


def _channel(kind: str, cells: str) -> Channel:
    """One channel row after its kind: time limit, fee (with its note, maybe several), description.

    The time's digits are matched lazily so "1100,000 Việt Nam Đồng" reads
    as 1 day and a fee of 100,000; a time that is free text runs up to the fee.
    """
    m = _TIME_FEE.match(cells)
    if m:
        time, rest = m.group("time"), cells[m.start("fee"):]
    elif (fee := _FEE.search(cells)) is not None:
        time, rest = cells[:fee.start()], cells[fee.start():]
    else:
        only = _TIME_ONLY.match(cells)
        time, rest = (only.group(), cells[only.end():]) if only else ("", cells)
    fees = []
    while (fee := (_MORE_FEE if fees else _FEE).match(rest)) is not None:
        rest = rest[fee.end():]
        if fee.group() == NO_INFO:  # an empty fee cell: what follows is the description
            break
        note, rest = _take_note(rest)
        fees.append(f"{fee.group()} {note}".strip())
    return Channel(kind=kind, time_limit=normalize_line(clean(time)),
                   fee=normalize_line("; ".join(f for f in fees if f)),
                   description=normalize_text(clean(rest)))


def parse_channels(text: str) -> list[Channel]:
    """Rows of "Hình thức nộp | Thời gian | Phí, lệ phí | Mô tả"."""
    text = clean(text.replace(CHANNEL_HEADER, ""))
    rows, tail = split_rows(text, spans(_CHANNEL_ROW, text))
    if not rows:
        return []
    bodies = [lead for lead, _ in rows[1:]] + [tail]
    return [_channel(kind, body) for (_, kind), body in zip(rows, bodies, strict=True)]


# --- papers ------------------------------------------------------------------------------------

PAPER_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
# Quantity cells hold one digit ("1 bản chính,1 bản sao"); longer digit runs are a form
# number glued to it ("Mẫu số 181 bản chính"). "01 bản sao giấy khai sinh" is prose.
_QUANTITY = re.compile(
    rf"(?<!\s0)(?<!\(0)\d bản (?:chính|sao)(?:,\d bản (?:chính|sao))*(?!\s+[{LOWER}])"
    r"|Bản chính:\s*\d+\s*Bản sao:\s*\d+"
)
_FORM_EXT = r"(?i:\.(?:docx?|pdf|xlsx?|rtf|odt|zip|rar))"
_FIRST_FORM_EXT = re.compile(rf"{_FORM_EXT}(?![a-z])")
_ENDS_WITH_FORM = re.compile(rf"{_FORM_EXT}$")
_ONE_FORM = re.compile(rf"\S.*?{_FORM_EXT}+(?![a-z])")
# Where a glued form file name may start. Strong: after ";:)", after a sentence's full stop
# ("Bộ Công an.NA5.doc", not "Mẫu I.1.8.docx"), or at a lower→upper join ("nguồn genDon.docx").
# Weak, in this order, only without a strong one: digits after a word's full stop ("TT-BTC.315Phụ
# lục.docx"), a capitalised word ("NĐ-CPMau45.docx", "2026Mau so 02.docx"), after any full stop
# ("TT-BNNMT.mẫu 22c.docx"), digits glued to a word ("theo mẫu1.003850.docx").
_STRONG_START = re.compile(rf"(?<=[;:)])(?=\w)|(?<=[{LOWER})]\.)(?=[A-ZĐ\d])|(?<=[{LOWER}])(?=[A-ZĐ])")
_WEAK_STARTS = (
    re.compile(r"(?<=[^\d\s.]\.)(?=\d)"),
    re.compile(rf"(?<=[A-ZĐ\d])(?=[A-ZĐ][{LOWER}])"),
    re.compile(r"(?<=\.)(?=[^\W\d_])"),
    re.compile(rf"(?<=[{LOWER}])(?=\d)"),
)
_SENTENCE_BREAK = re.compile(r"[.;:)]\s")


def _form_start(cell: str, end: int) -> int:
    """Where the form cell starts in "name + form", the form's first extension being at end.

    The last strong join point, moved back to the first one in its word
    ("kiểmMauBankekhai.docx"); else the first weak one after the name's last
    sentence; else the last word.
    """
    strong = [m.start() for m in _STRONG_START.finditer(cell, 1, end)]
    if strong:
        word = cell.rfind(" ", 0, strong[-1]) + 1
        return next(s for s in strong if s >= word)
    window = max(1, max((m.end() for m in _SENTENCE_BREAK.finditer(cell, 0, end)), default=0))
    for pattern in _WEAK_STARTS:
        weak = pattern.search(cell, window, end)
        if weak:
            return weak.start()
    return cell.rfind(" ", 0, end) + 1


def split_form(cell: str) -> tuple[str, str]:
    """Name and form file(s) of a paper whose name and form cells were glued; forms joined by "; "."""
    cell = cell.strip()
    ext = _FIRST_FORM_EXT.search(cell)
    if ext is None or not _ENDS_WITH_FORM.search(cell):
        return cell, ""
    start = _form_start(cell, ext.start())
    return cell[:start], "; ".join(f.strip() for f in _ONE_FORM.findall(cell[start:]))


def _paper(cell: str, quantity: str = "") -> RequiredPaper | None:
    name, form = split_form(cell)
    name = normalize_line(name)
    if not has_letters(name):
        return None
    return RequiredPaper(name=name, form=normalize_line(form), quantity=normalize_line(quantity))


def parse_papers(text: str) -> list[RequiredPaper]:
    """Rows of "Tên giấy tờ | Mẫu đơn, tờ khai | Số lượng".

    A table may hold several groups, each introduced by a caption ("Trường
    hợp đăng ký trên môi trường điện tử:") before its header; a caption is
    kept in order as a paper without form or quantity, so the grouping survives.
    """
    text = clean(text)
    rows, tail = split_rows(text, spans(_QUANTITY, text))
    out: list[RequiredPaper | None] = []
    for lead, quantity in [*rows, (tail, "")]:
        *captions, cell = lead.split(PAPER_HEADER)
        out += [RequiredPaper(name=normalize_line(c)) for c in captions if has_letters(c)]
        out.append(_paper(cell, quantity))
    return [p for p in out if p is not None]


# --- legal basis -------------------------------------------------------------------------------

LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"
# Issuer codes, longest first: the suffix's last part is glued to the next title, and a
# known code tells where it ends ("NĐ-CPQUY ĐỊNH…", "TT-NHNNsửa đổi…", "TT-BTChông tư…").
_KNOWN = sorted({*ISSUERS, "UBND", "HĐND", "BHXH", "VPQH", "TCHQ"}, key=len, reverse=True)
# "82/2015/", "5568/", "08/2026": glued after a year ("…sửa đổi 202323/2023/QH15") or a
# QH term ("Luật 51/2019/QH1451/2019/QH14") too.
_NUMBER_HEAD = re.compile(
    r"(?:(?<=(?:19|20)\d\d)|(?<=[A-Z]\d\d)|(?<![\d/]))\d{1,4}[a-z]?/(?:(?P<year>(?:19|20)\d\d)(?:/|(?![\d/])))?"
)
_SEGMENT = re.compile(rf"TTg|(?P<letters>[{UPPER}]+)(?P<digits>\d{{0,2}})")
_JOIN = re.compile(r"\s?[-_/]\s?")  # "NĐ-CP", also "NĐ- CP", "TT_BCA", "TTLT/BQP" as typed in the source
# The number cell sometimes repeats the type ("…tín dụngLuật số 32/2024/QH15"): glued, so no space.
_GLUED_TYPE = re.compile(
    r"(?:(?<=\S)|^)\s*(?:(?:Luật|Luất|Bộ luật|Nghị định|Nghị quyết|Thông tư(?: liên tịch)?|Quyết định|Pháp lệnh"
    r"|Lệnh)(?:\s*số)?|[Ss]ố)\s*$"
)


def _suffix_end(text: str, pos: int) -> int | None:
    """End of the suffix ("NĐ-CP", "TTLT-BTP-BNV", "QH13") starting at pos, or None."""
    previous = None  # end of the segment before this one
    while (seg := _SEGMENT.match(text, pos)) is not None:
        join = _JOIN.match(text, seg.end())
        if join and _SEGMENT.match(text, join.end()):
            previous, pos = seg.end(), join.end()
            continue
        letters = seg.group("letters")
        if letters is None or (letters.endswith("QH") and seg.group("digits")):
            return seg.end()  # "TTg", or a National Assembly term "QH13", "UBTVQH14"
        end = seg.start() + len(letters)
        known = next((k for k in _KNOWN if letters.startswith(k)), None)
        if known:
            return seg.start() + len(known)
        if text[end:end + 1].islower():  # "…ABCQuy định": the Q starts the next title
            return end - 1 if len(letters) > 1 else previous
        return end
    return None


def number_spans(text: str, row_ends: bool = True) -> Iterator[tuple[int, int]]:
    """Spans of document numbers; with row_ends, only those not followed by prose or their own repeat."""
    pos = 0
    while (head := _NUMBER_HEAD.search(text, pos)) is not None:
        with_suffix = text.endswith("/", 0, head.end())
        end = _suffix_end(text, head.end()) if with_suffix else head.end()  # "08/2026": no suffix
        if end is None and head.group("year"):
            end = head.end("year")
        if end is None:
            pos = head.start() + 1
            continue
        number, after = text[head.start():end], text[end:end + 1]
        if not row_ends or not after or not (after in " \t\n,.;:)(]" or text.startswith(number, end)):
            yield head.start(), end
        pos = end


def parse_legal_basis(text: str) -> list[LegalBasis]:
    """Rows of "Tên văn bản pháp lý | Mã văn bản"; a row without a number keeps its title."""
    text = clean(text.replace(LEGAL_HEADER, ""))
    rows, tail = split_rows(text, number_spans(text))
    out: list[LegalBasis] = []
    for lead, cell in rows:
        number = re.sub(r"\s", "", cell)
        basis = LegalBasis(title=normalize_line(_GLUED_TYPE.sub("", lead)) or number, number=number)
        if not out or out[-1] != basis:
            out.append(basis)
    if has_letters(tail):  # a last row whose number cell is prose ("Thông tư số 84/2025/TT-BNNMT ngày…")
        inner = next(number_spans(tail, row_ends=False), None)
        out.append(LegalBasis(title=normalize_line(tail), number=tail[slice(*inner)] if inner else ""))
    return out
