"""Administrative procedures (thủ tục hành chính) crawled from the national public-service portal.

Each record becomes a document, a structured ``Procedure`` and a few citable
sections (overview, papers, steps, channels with time limits and fees,
conditions, legal basis), so an answer can point at "Thành phần hồ sơ" of
procedure 1.000771 rather than at a whole page. The crawl flattened the
portal's tables and cut fields wherever a heading word appears inside
content; ``tthc_tables`` rebuilds both, and every field that had to be taken
from the page text is counted as a defect.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..models import Document, Level, ParsedDocument, Procedure, Status, Unit
from ..normalize import normalize_line, normalize_text
from ..report import LoadReport
from . import tthc_tables as tables
from .jsonfile import iter_json_records

COLLECTION = "procedures"
DOC_TYPE = "Thủ tục hành chính"
AGENCIES = {
    "bo-tai-chinh": "Bộ Tài chính",
    "bo-nong-nghiep-mt": "Bộ Nông nghiệp và Môi trường",
    "bo-xay-dung": "Bộ Xây dựng",
    "bo-cong-an": "Bộ Công an",
    "bo-tu-phap": "Bộ Tư pháp",
    "ngan-hang-nha-nuoc": "Ngân hàng Nhà nước Việt Nam",
    "toa-an-nhan-dan": "Tòa án nhân dân",
}
# Record fields the crawler may have cut, and the names they are reported under.
SECTIONS = {
    "trinh_tu_thuc_hien": "steps",
    "cach_thuc_thuc_hien": "channels",
    "thanh_phan_ho_so": "papers",
    "can_cu_phap_ly": "legal_basis",
    "co_quan_thuc_hien": "implementing_office",
    "yeu_cau_dieu_kien": "conditions",
    "ket_qua_xu_ly": "result",
}
_HAS_TIME = re.compile(r"\d\s?(?:Ngày|Giờ|Tháng|Năm|Tuần|Phút)|(?:Trực tiếp|Trực tuyến|Dịch vụ bưu chính)\d|Trong ngày")
_HAS_FEE = re.compile(r"Miễn phí|\d[\d.,]*\s*(?:Việt Nam Đồng|VNĐ|VND|Đồng|đồng|USD|EUR)")


def load_procedures(path: Path | str, report: LoadReport | None = None) -> Iterator[ParsedDocument]:
    """Load procedures from .jsonl, .jsonl.gz or a .json list; bad records are reported and skipped."""
    report = report if report is not None else LoadReport(COLLECTION)
    seen: set[str] = set()
    for line, rec in iter_json_records(path, report):
        code = normalize_line(_text(rec, "ma_thu_tuc"))
        if not code:
            report.error(path, line, "record has no ma_thu_tuc")
            continue
        if code in seen:
            report.error(path, line, f"duplicate ma_thu_tuc {code}: kept the first record")
            continue
        seen.add(code)
        parsed = parse_procedure(rec, report)
        report.records_loaded += 1
        yield parsed


def _text(rec: dict[str, Any], key: str) -> str:
    value = rec.get(key)
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else ""


def _sections(rec: dict[str, Any], raw: str, report: LoadReport) -> dict[str, str]:
    """Each cut-prone field, taken from the page text where the field is empty, cut or wrong."""
    page = tables.raw_sections(raw)
    out = {}
    for key, name in SECTIONS.items():
        field = tables.clean(_text(rec, key))
        if key in page and tables.clean(page[key]) != field:
            report.defect(f"field_from_raw_text:{name}")
            field = tables.clean(page[key])
        out[key] = field
    return out


def parse_procedure(rec: dict[str, Any], report: LoadReport) -> ParsedDocument:
    """One portal record → document, structured procedure and citable sections."""
    raw = _text(rec, "raw_text")
    if raw != rec.get("raw_text"):
        report.defect("decomposed_unicode")
    text = _sections(rec, raw, report)
    line = {key: normalize_line(tables.clean(_text(rec, key))) for key in (
        "ma_thu_tuc", "ten_thu_tuc", "agency", "cap_thuc_hien", "linh_vuc", "doi_tuong_thuc_hien",
        "co_quan_co_tham_quyen", "dia_chi_tiep_nhan", "detail_url")}
    proc = Procedure(
        code=line["ma_thu_tuc"], name=line["ten_thu_tuc"], agency=line["agency"],
        level=line["cap_thuc_hien"], field=line["linh_vuc"], audience=line["doi_tuong_thuc_hien"],
        competent_office=line["co_quan_co_tham_quyen"],
        implementing_office=normalize_line(text["co_quan_thuc_hien"]), address=line["dia_chi_tiep_nhan"],
        steps=tuple(tables.split_steps(text["trinh_tu_thuc_hien"])),
        channels=tuple(tables.parse_channels(text["cach_thuc_thuc_hien"])),
        papers=tuple(tables.parse_papers(text["thanh_phan_ho_so"])),
        conditions=normalize_text(text["yeu_cau_dieu_kien"]),
        legal_basis=tuple(tables.parse_legal_basis(text["can_cu_phap_ly"])),
        result=tables.parse_result(text["ket_qua_xu_ly"]), url=line["detail_url"],
        raw_text=normalize_text(raw),
    )
    _report_fields(proc, text, report)
    doc = Document(
        id=f"tthc:{proc.code}", collection=COLLECTION, title=proc.name, doc_type=DOC_TYPE, number=proc.code,
        issuer=proc.competent_office or AGENCIES.get(proc.agency, proc.agency) or None,
        status=Status.UNKNOWN, source_url=proc.url or None,
    )
    return ParsedDocument(doc=doc, units=section_units(proc, doc), procedure=proc)


def _report_fields(proc: Procedure, text: dict[str, str], report: LoadReport) -> None:
    """Per field: does the source have content for it (judged on the source), did we recover it."""
    channels = text["cach_thuc_thuc_hien"].replace(tables.CHANNEL_HEADER, "")
    fields = {
        "steps": (tables.has_letters(text["trinh_tu_thuc_hien"]), proc.steps),
        "channels": (tables.has_letters(channels), proc.channels),
        "time_limit": (_HAS_TIME.search(channels) is not None, any(c.time_limit for c in proc.channels)),
        "fee": (_HAS_FEE.search(channels) is not None, any(c.fee for c in proc.channels)),
        "papers": (tables.has_letters(text["thanh_phan_ho_so"].replace(tables.PAPER_HEADER, "")),
                   any(p.quantity for p in proc.papers)),
        "legal_basis": (tables.has_letters(text["can_cu_phap_ly"].replace(tables.LEGAL_HEADER, "")),
                        any(b.number for b in proc.legal_basis)),
        "conditions": (tables.has_letters(text["yeu_cau_dieu_kien"]), proc.conditions),
        "result": (tables.has_letters(tables.cut_portal_tail(text["ket_qua_xu_ly"])), proc.result),
        "competent_office": (bool(proc.competent_office), proc.competent_office),
    }
    for name, (present, recovered) in fields.items():
        report.field_seen(name, present=present, recovered=bool(recovered))


def _overview(proc: Procedure) -> str:
    facts = [
        ("Tên thủ tục", proc.name), ("Mã thủ tục", proc.code), ("Lĩnh vực", proc.field),
        ("Cấp thực hiện", proc.level), ("Cơ quan quản lý", AGENCIES.get(proc.agency, proc.agency)),
        ("Cơ quan có thẩm quyền", proc.competent_office), ("Cơ quan thực hiện", proc.implementing_office),
        ("Địa chỉ tiếp nhận", proc.address), ("Đối tượng thực hiện", proc.audience),
        ("Kết quả", proc.result.replace("\n", "; ")),
    ]
    return "\n".join(f"{label}: {value}" for label, value in facts if value)


def _papers(proc: Procedure) -> str:
    """One line per paper; a group caption (no form, no quantity) stays a plain line above its papers."""
    lines = []
    for p in proc.papers:
        if not (p.form or p.quantity):
            lines.append(p.name)
            continue
        line = f"- {p.name}" + (f" ({p.form})" if p.form else "")
        lines.append(line + (f" — {p.quantity}" if p.quantity else ""))
    return "\n".join(lines)


def _steps(proc: Procedure) -> str:
    return "\n".join(s if s.lower().startswith("bước") else f"{i}. {s}" for i, s in enumerate(proc.steps, 1))


def _channels(proc: Procedure) -> str:
    lines = []
    for c in proc.channels:
        parts = [c.time_limit.lower() if c.time_limit[:1].isdigit() else c.time_limit,
                 f"phí: {c.fee}" if c.fee else "", c.description.replace("\n", " ")]
        lines.append(f"- {c.kind}: " + "; ".join(p for p in parts if p))
    return "\n".join(lines)


def _legal_basis(proc: Procedure) -> str:
    return "\n".join(f"- {b.title} ({b.number})" if b.number and b.number != b.title else f"- {b.title}"
                     for b in proc.legal_basis)


# (key, short name, section title, text builder)
_UNIT_SECTIONS = (
    ("tong-quan", "Tổng quan", "Tổng quan", _overview),
    ("ho-so", "Hồ sơ", "Thành phần hồ sơ", _papers),
    ("trinh-tu", "Trình tự", "Trình tự thực hiện", _steps),
    ("cach-thuc", "Cách thức", "Cách thức, thời hạn, phí", _channels),
    ("dieu-kien", "Điều kiện", "Yêu cầu, điều kiện", lambda p: p.conditions),
    ("can-cu", "Căn cứ", "Căn cứ pháp lý", _legal_basis),
)


def section_units(proc: Procedure, doc: Document) -> list[Unit]:
    """The procedure's citable sections, empty ones left out."""
    units = []
    for key, short, title, build in _UNIT_SECTIONS:
        text = build(proc)
        if text.strip():
            units.append(Unit(
                id=f"{doc.id}#{key}", level=Level.SECTION, number=short, title=title, text=text, doc=doc,
                path=((Level.SECTION, title),), article_ref=proc.code, parent_id=doc.id,
                context=proc.name, status=doc.status,
            ))
    return units
