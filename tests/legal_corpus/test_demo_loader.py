"""Built-in demo corpus: every packaged guide loads complete, and broken guides are reported."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from legal_corpus.chunking import chunk_documents
from legal_corpus.loaders.demo import SAMPLE_DIR, load_demo, parse_guide
from legal_corpus.models import Level, ParsedDocument, Status
from legal_corpus.normalize import normalize_line
from legal_corpus.report import CorpusError, LoadReport
from legal_corpus.sources import load_source

NOTICE = normalize_line(
    "Nội dung mẫu (sample content): hướng dẫn tóm tắt do dự án biên soạn để minh hoạ, "
    "cần đối chiếu với văn bản chính thức và cơ quan có thẩm quyền trước khi sử dụng."
)
SECTIONS = ["Tổng quan", "Ai cần làm", "Giấy tờ cần chuẩn bị", "Các bước thực hiện", "Thời hạn giải quyết",
            "Lệ phí", "Nơi nộp hồ sơ", "Căn cứ pháp lý", "Lưu ý"]
FULL_NUMBER = re.compile(r"^\d{1,4}/\d{4}/[A-ZĐ][A-Za-zĐđ0-9-]*$")  # 60/2014/QH13, 123/2015/NĐ-CP

GUIDE = """---
code: TEST-01
name: Đăng ký thử nghiệm
field: Hộ tịch
level: Cấp xã
office: Ủy ban nhân dân cấp xã nơi cư trú
audience: Người dân
time_limit: 03 ngày làm việc
fee: Miễn lệ phí
channels: Trực tiếp; Trực tuyến (VNeID)
keywords: thu nghiem, đăng ký thử
---
# Đăng ký thử nghiệm

> Nội dung mẫu (sample content): hướng dẫn tóm tắt do dự án biên soạn để minh hoạ, cần đối chiếu với văn bản chính thức và cơ quan có thẩm quyền trước khi sử dụng.

Đoạn mở đầu.

## Giấy tờ cần chuẩn bị
- Tờ khai (theo mẫu) — 1 bản chính
- Thẻ căn cước
## Các bước thực hiện
1. Nộp hồ sơ.
2. Nhận kết quả
   trong ngày.
## Căn cứ pháp lý
- Luật Hộ tịch 2014 (60/2014/QH13): Điều 16
- Nghị định 123/2015/NĐ-CP
## Lưu ý
Việc này hoà hợp với quy định.
"""


@pytest.fixture(scope="module")
def packaged() -> tuple[list[ParsedDocument], LoadReport]:
    report = LoadReport("demo")
    return list(load_demo(report=report)), report


def _strings(parsed: ParsedDocument) -> list[str]:
    out = [parsed.doc.title, parsed.doc.id]
    for unit in parsed.units:
        out += [unit.id, unit.title, unit.text, unit.context, *(v for _, v in unit.meta)]
    proc = parsed.procedure
    assert proc is not None
    out += [proc.code, proc.name, proc.field, proc.level, proc.audience, proc.competent_office, proc.raw_text,
            *proc.steps, *(c.kind for c in proc.channels), *(c.time_limit for c in proc.channels),
            *(c.fee for c in proc.channels), *(p.name for p in proc.papers), *(p.quantity for p in proc.papers),
            *(b.title for b in proc.legal_basis), *(b.number for b in proc.legal_basis)]
    return out


def test_all_packaged_guides_load_without_errors(packaged):
    docs, report = packaged
    files = sorted(SAMPLE_DIR.glob("*.md"))
    assert report.issues == []
    assert len(docs) >= 30
    assert report.records_read == report.records_loaded == len(files) == len(docs)


def test_codes_and_unit_ids_are_unique(packaged):
    docs, _ = packaged
    codes = [d.procedure.code for d in docs if d.procedure]
    assert len(codes) == len(docs) == len(set(codes))
    unit_ids = [u.id for d in docs for u in d.units]
    assert len(unit_ids) == len(set(unit_ids))


def test_every_guide_is_complete(packaged):
    docs, _ = packaged
    for parsed in docs:
        proc = parsed.procedure
        assert proc is not None
        doc = parsed.doc
        assert doc.id == f"demo:{proc.code}" and doc.collection == "demo" and doc.sample is True
        assert doc.doc_type == "Hướng dẫn" and doc.number is None and doc.status is Status.IN_FORCE
        assert doc.title == proc.name
        assert [u.title for u in parsed.units] == SECTIONS, proc.code
        assert proc.papers and all(p.name for p in proc.papers), proc.code
        assert len(proc.steps) >= 3, proc.code
        assert proc.channels and proc.competent_office and proc.field and proc.level, proc.code
        assert proc.legal_basis, proc.code
        assert any(FULL_NUMBER.match(b.number) for b in proc.legal_basis), proc.code
        assert all(b.number for b in proc.legal_basis), proc.code
        assert NOTICE in normalize_line(proc.raw_text), proc.code
        assert NOTICE in normalize_line(parsed.units[0].text), proc.code
        for unit in parsed.units:
            assert unit.level is Level.SECTION and unit.article_ref == proc.code
            assert unit.context == proc.name and unit.status is Status.IN_FORCE
            assert unit.get_meta("keywords"), proc.code
            assert unit.text.strip()


def test_all_text_is_nfc(packaged):
    docs, _ = packaged
    for file in SAMPLE_DIR.glob("*.md"):
        assert unicodedata.is_normalized("NFC", file.read_text(encoding="utf-8")), file.name
    for parsed in docs:
        for text in _strings(parsed):
            assert unicodedata.is_normalized("NFC", text), (parsed.doc.id, text[:60])


def test_overview_carries_office_fee_and_channels(packaged):
    docs, _ = packaged
    khai_sinh = next(d for d in docs if d.procedure and d.procedure.name == "Đăng ký khai sinh")
    overview = khai_sinh.units[0]
    assert overview.id == "demo:DEMO-HT-01#tong-quan"
    assert "Ủy ban nhân dân cấp xã" in overview.text and "Lệ phí:" in overview.text
    assert "VNeID" in overview.text
    assert any(b.number == "60/2014/QH13" for b in khai_sinh.procedure.legal_basis)


def test_parse_guide_fields(tmp_path: Path):
    # Decomposed input with an old-style tone ("hoà") must come out NFC, new style.
    raw = unicodedata.normalize("NFD", GUIDE).encode("utf-8")
    parsed = parse_guide(raw)
    proc = parsed.procedure
    assert proc is not None and proc.code == "TEST-01" and proc.competent_office.startswith("Ủy ban")
    assert [(p.name, p.quantity) for p in proc.papers] == [("Tờ khai (theo mẫu)", "1 bản chính"),
                                                           ("Thẻ căn cước", "")]
    assert proc.steps == ("Nộp hồ sơ.", "Nhận kết quả trong ngày.")
    assert [c.kind for c in proc.channels] == ["Trực tiếp", "Trực tuyến (VNeID)"]
    assert all(c.time_limit == "03 ngày làm việc" and c.fee == "Miễn lệ phí" for c in proc.channels)
    assert [b.number for b in proc.legal_basis] == ["60/2014/QH13", "123/2015/NĐ-CP"]
    assert [u.id for u in parsed.units] == ["demo:TEST-01#tong-quan", "demo:TEST-01#giay-to-can-chuan-bi",
                                            "demo:TEST-01#cac-buoc-thuc-hien", "demo:TEST-01#can-cu-phap-ly",
                                            "demo:TEST-01#luu-y"]
    assert parsed.units[-1].text == "Việc này hòa hợp với quy định."
    assert parsed.units[0].path == ((Level.SECTION, "Tổng quan"),)
    assert "Cơ quan giải quyết: Ủy ban nhân dân cấp xã nơi cư trú" in parsed.units[0].text
    assert parsed.units[0].meta == (("keywords", "thu nghiem, đăng ký thử"),)
    for text in _strings(parsed):
        assert unicodedata.is_normalized("NFC", text)


def test_broken_guides_are_reported_and_good_ones_still_load(tmp_path: Path):
    (tmp_path / "a-good.md").write_text(GUIDE, encoding="utf-8")
    (tmp_path / "b-no-front-matter.md").write_text("# Tiêu đề\n\nKhông có phần đầu.\n", encoding="utf-8")
    (tmp_path / "c-not-utf8.md").write_bytes(b"---\ncode: X-1\nname: \xff\xfe\xfa\n---\n")
    (tmp_path / "d-empty.md").write_bytes(b"")
    (tmp_path / "e-no-code.md").write_text("---\nname: Thiếu mã\n---\n# Thiếu mã\n", encoding="utf-8")
    (tmp_path / "f-unclosed.md").write_text("---\ncode: X-2\nname: Không đóng\n", encoding="utf-8")
    (tmp_path / "g-duplicate.md").write_text(GUIDE, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a guide", encoding="utf-8")
    report = LoadReport("demo")
    docs = list(load_demo(tmp_path, report))
    assert [d.procedure.code for d in docs if d.procedure] == ["TEST-01"]
    assert report.records_read == 7 and report.records_loaded == 1
    issues = {Path(i.file).name: i for i in report.issues}
    assert set(issues) == {"b-no-front-matter.md", "c-not-utf8.md", "d-empty.md", "e-no-code.md",
                           "f-unclosed.md", "g-duplicate.md"}
    assert "front matter" in issues["b-no-front-matter.md"].message and issues["b-no-front-matter.md"].line == 1
    assert "UTF-8" in issues["c-not-utf8.md"].message and issues["c-not-utf8.md"].line == 3
    assert "empty" in issues["d-empty.md"].message
    assert "code" in issues["e-no-code.md"].message
    assert "not closed" in issues["f-unclosed.md"].message
    assert "duplicate" in issues["g-duplicate.md"].message
    assert all(str(tmp_path) in str(i) for i in report.issues)


def test_single_file_path(tmp_path: Path):
    file = tmp_path / "guide.md"
    file.write_text(GUIDE, encoding="utf-8")
    docs = list(load_demo(file))
    assert len(docs) == 1 and docs[0].doc.id == "demo:TEST-01"


def test_missing_path_raises_one_line_error(tmp_path: Path):
    missing = tmp_path / "nowhere"
    with pytest.raises(CorpusError) as err:
        list(load_demo(missing))
    assert str(missing) in str(err.value) and "\n" not in str(err.value)
    (tmp_path / "empty-dir").mkdir()
    with pytest.raises(CorpusError, match="no .md guides"):
        list(load_demo(tmp_path / "empty-dir"))


def test_demo_source_and_chunking(tmp_path: Path):
    report = LoadReport("demo")
    docs = list(load_source("demo", None, tmp_path, report))
    assert docs and report.issues == []
    chunks = list(chunk_documents(docs))
    assert len({c.doc_id for c in chunks}) == len(docs)
    assert all(c.collection == "demo" and c.text for c in chunks)
