"""Loose-file loader: the same decree as .txt, .md, .html, .docx and .pdf, plus bad files."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest

from legal_corpus.loaders.files import extract_docx, extract_html, extract_pdf, load_files
from legal_corpus.models import Level, ParsedDocument
from legal_corpus.report import CorpusError, LoadReport

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

# A short decree written for these tests (not an official text).
HEADER = [
    ("CHÍNH PHỦ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("-------", "Độc lập - Tự do - Hạnh phúc"),
    ("Số: 87/2024/NĐ-CP", "Hà Nội, ngày 15 tháng 7 năm 2024"),
]
BODY = """NGHỊ ĐỊNH
QUY ĐỊNH CHI TIẾT VIỆC ĐĂNG KÝ HỘ TỊCH TRỰC TUYẾN

Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;
Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014;
Theo đề nghị của Bộ trưởng Bộ Tư pháp;
Chính phủ ban hành Nghị định quy định chi tiết việc đăng ký hộ tịch trực tuyến.

Chương I
QUY ĐỊNH CHUNG

Điều 1. Phạm vi điều chỉnh
Nghị định này quy định chi tiết việc đăng ký hộ tịch trực tuyến trên Cổng dịch vụ công quốc gia.

Điều 2. Đối tượng áp dụng
1. Công dân Việt Nam có yêu cầu đăng ký hộ tịch.
2. Cơ quan đăng ký hộ tịch và công chức tư pháp - hộ tịch.
3. Cơ quan, tổ chức, cá nhân khác có liên quan.

Chương II
THỦ TỤC ĐĂNG KÝ

Điều 3. Hồ sơ đăng ký khai sinh trực tuyến
1. Người yêu cầu nộp hồ sơ gồm:
a) Tờ khai đăng ký khai sinh theo mẫu điện tử;
b) Bản chụp giấy chứng sinh;
c) Văn bản ủy quyền, nếu nộp thay.
2. Thời hạn giải quyết là 01 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.

Điều 4. Sửa đổi Nghị định số 123/2015/NĐ-CP
Sửa đổi khoản 2 Điều 9 Nghị định số 123/2015/NĐ-CP như sau:
“2. Trường hợp nộp hồ sơ trực tuyến, người yêu cầu không phải xuất trình bản chính giấy tờ.
a) Công chức tư pháp - hộ tịch kiểm tra thông tin trên Cơ sở dữ liệu quốc gia về dân cư;
b) Kết quả được gửi qua hộp thư điện tử.”

Chương III
ĐIỀU KHOẢN THI HÀNH

Điều 5. Hiệu lực thi hành
1. Nghị định này có hiệu lực thi hành kể từ ngày 01 tháng 9 năm 2024.
2. Các Bộ trưởng, Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương chịu trách nhiệm thi hành Nghị định này.

Nơi nhận:
- Ban Bí thư Trung ương Đảng;
- Lưu: VT, PL.
TM. CHÍNH PHỦ
KT. THỦ TƯỚNG
PHÓ THỦ TƯỚNG
Trần Văn An

PHỤ LỤC I
MẪU TỜ KHAI ĐĂNG KÝ KHAI SINH TRỰC TUYẾN
(Kèm theo Nghị định số 87/2024/NĐ-CP ngày 15 tháng 7 năm 2024 của Chính phủ)
Họ, chữ đệm, tên: ....................
Ngày, tháng, năm sinh: ....................
"""
TITLE = "Nghị định Quy định chi tiết việc đăng ký hộ tịch trực tuyến"
KHOAN = {"1": 0, "2": 3, "3": 2, "4": 0, "5": 2}  # khoản per Điều; Điều 4's quoted "2." is not one


def _plain() -> str:
    head = [line for pair in HEADER for line in pair]
    return "\n".join(head) + "\n\n" + BODY


def write_txt(path: Path) -> Path:
    path.write_text(_plain(), encoding="utf-8-sig")  # with a BOM
    return path


def write_md(path: Path) -> Path:
    lines = ["| " + " | ".join(HEADER[0]) + " |", "|---|---|"] + ["| " + " | ".join(r) + " |" for r in HEADER[1:]]
    for line in BODY.split("\n"):
        if line.startswith(("Chương", "Điều", "PHỤ LỤC")):
            line = ("## " if line.startswith("Chương") else "### ") + line
        elif line == "NGHỊ ĐỊNH":
            line = "# **NGHỊ ĐỊNH**"
        elif line.startswith("- "):
            line = "* " + line[2:]
        lines.append(line.replace("hộ tịch trực tuyến.", "*hộ tịch trực tuyến*."))
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def write_html(path: Path) -> Path:
    rows = "".join(f"<tr><td><b>{a}</b></td><td>{b}</td></tr>" for a, b in HEADER)
    paras = "".join(f"<p>{line}</p>" if line else "<br>" for line in BODY.split("\n"))
    html = (f"<html><head><meta charset='utf-8'><title>Trang web</title><style>p {{margin:0}}</style></head>"
            f"<body><nav>Trang chủ | Văn bản</nav><script>var x = 'Điều 99. Không phải';</script>"
            f"<table>{rows}</table><div class='content'>{paras}</div></body></html>")
    path.write_text(html, encoding="utf-8")
    return path


def write_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "CHÍNH PHỦ"
    table.cell(0, 0).add_paragraph("-------")
    table.cell(0, 1).text = HEADER[0][1]
    table.cell(0, 1).add_paragraph(HEADER[1][1])
    table.cell(1, 0).text, table.cell(1, 1).text = HEADER[2]
    for line in BODY.split("\n"):
        if line.startswith("Điều"):
            document.add_heading(line, level=3)
        else:
            document.add_paragraph(line)
    document.save(str(path))
    return path


def write_pdf(path: Path) -> Path:
    if not FONT.exists():
        pytest.skip(f"{FONT} is needed to write Vietnamese into a test PDF")
    from fpdf import FPDF

    class Decree(FPDF):
        def header(self) -> None:  # a running head on every page, to be dropped
            self.set_font("dv", size=8)
            self.cell(0, 5, "Nghị định về đăng ký hộ tịch trực tuyến", align="R", new_x="LMARGIN", new_y="NEXT")

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("dv", size=8)
            self.cell(0, 10, f"Trang {self.page_no()}", align="C")

    pdf = Decree()
    pdf.add_font("dv", fname=str(FONT))
    pdf.add_page()
    pdf.set_font("dv", size=10)
    for left, right in HEADER:
        pdf.cell(70, 6, left, align="C")
        pdf.cell(0, 6, right, align="C", new_x="LMARGIN", new_y="NEXT")
    for line in BODY.split("\n"):
        if line.startswith("PHỤ LỤC"):
            pdf.add_page()
        pdf.multi_cell(0, 6, line or " ", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


WRITERS = {"txt": write_txt, "md": write_md, "html": write_html, "docx": write_docx, "pdf": write_pdf}


def _load_one(path: Path) -> tuple[ParsedDocument, LoadReport]:
    report = LoadReport("files")
    docs = list(load_files(path, report))
    assert report.issues == [], report.issues
    assert len(docs) == 1
    return docs[0], report


def _articles(pdoc: ParsedDocument) -> dict[str, int]:
    return {u.number: sum(c.level is Level.KHOAN for c in u.children)
            for u in pdoc.walk() if u.level is Level.DIEU}


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_every_format_gives_the_same_document(tmp_path: Path, fmt: str):
    pdoc, report = _load_one(WRITERS[fmt](tmp_path / f"nd87.{fmt}"))
    doc = pdoc.doc
    assert (doc.number, doc.doc_type, doc.issuer) == ("87/2024/NĐ-CP", "Nghị định", "Chính phủ")
    assert doc.title == TITLE
    assert doc.issued == date(2024, 7, 15)
    assert doc.effective == date(2024, 9, 1)
    assert doc.id == "files:87/2024/NĐ-CP"
    assert doc.source_url == (tmp_path / f"nd87.{fmt}").resolve().as_uri()
    assert _articles(pdoc) == KHOAN
    by_id = {u.id: u for u in pdoc.walk()}
    diem = [c.number for c in by_id[f"{doc.id}/d3/k1"].children]
    assert diem == ["a", "b", "c"]
    # The amending article keeps the quoted text, with its own "2." and "a)", as body.
    art4 = by_id[f"{doc.id}/d4"]
    assert art4.children == () and "“2. Trường hợp nộp hồ sơ trực tuyến" in art4.text
    assert "Kết quả được gửi qua hộp thư điện tử.”" in art4.text
    # Signature block is not part of Điều 5; the appendix is its own unit.
    assert "Nơi nhận" not in by_id[f"{doc.id}/d5"].text
    appendix = [u for u in pdoc.units if u.level is Level.PHU_LUC]
    assert len(appendix) == 1 and appendix[0].number == "I"
    assert "Ngày, tháng, năm sinh" in appendix[0].text
    assert (report.records_read, report.records_loaded) == (1, 1)


def test_pdf_text_has_whole_syllables_and_no_page_furniture(tmp_path: Path):
    pdoc, _ = _load_one(write_pdf(tmp_path / "nd87.pdf"))
    text = "\n".join(u.text for u in pdoc.articles())
    assert "hộ tịch trực tuyến" in text
    assert "Công dân Việt Nam có yêu cầu đăng ký hộ tịch." in text
    assert "Trang 1" not in text and "Trang 2" not in text
    assert "Nghị định về đăng ký hộ tịch trực tuyến" not in text  # the running head


def test_html_drops_script_style_nav_and_joins_cells(tmp_path: Path):
    text, headings = extract_html(write_html(tmp_path / "nd87.html"))
    assert "Điều 99" not in text and "Trang chủ" not in text and "margin" not in text
    assert "Số: 87/2024/NĐ-CP | Hà Nội, ngày 15 tháng 7 năm 2024" in text.split("\n")
    assert "Điều 1. Phạm vi điều chỉnh" in text.split("\n")


def test_docx_table_rows_read_line_by_line(tmp_path: Path):
    text, headings = extract_docx(write_docx(tmp_path / "nd87.docx"))
    lines = text.split("\n")
    # The header cells hold two paragraphs each: read side by side, line by line.
    assert lines[:3] == ["CHÍNH PHỦ | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "------- | Độc lập - Tự do - Hạnh phúc",
                         "Số: 87/2024/NĐ-CP | Hà Nội, ngày 15 tháng 7 năm 2024"]
    assert "Điều 3. Hồ sơ đăng ký khai sinh trực tuyến" in headings


def test_pdf_columns_and_bare_page_number(tmp_path: Path):
    if not FONT.exists():
        pytest.skip(f"{FONT} is needed to write Vietnamese into a test PDF")
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("dv", fname=str(FONT))
    pdf.set_font("dv", size=10)
    pdf.cell(70, 6, "BỘ CÔNG AN", align="C")
    pdf.cell(0, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, "Điều 1. Phạm vi\nThông tư này quy định về cấp thẻ căn cước.", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(-15)
    pdf.cell(0, 10, "- 1 -", align="C")
    pdf.output(str(tmp_path / "one.pdf"))
    text, _ = extract_pdf(tmp_path / "one.pdf")
    assert text.split("\n") == ["BỘ CÔNG AN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Điều 1. Phạm vi",
                                 "Thông tư này quy định về cấp thẻ căn cước."]


def test_html_charset_from_meta_tag(tmp_path: Path):
    page = "<html><head><meta charset='windows-1258'></head><body><p>Điều 1. Phạm vi</p><p>Nội dung.</p></body></html>"
    (tmp_path / "a.html").write_bytes(_cp1258(page))
    pdoc, _ = _load_one(tmp_path / "a.html")
    assert [u.title for u in pdoc.articles()] == ["Phạm vi"]


def _cp1258(text: str) -> bytes:
    """Windows-1258 puts tone marks after the letter: "ộ" is "ô" + combining dot below."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones)) + tones)
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize("encode", [_cp1258, lambda text: text.encode("utf-16")], ids=["cp1258", "utf-16"])
def test_other_vietnamese_encodings_are_decoded(tmp_path: Path, encode):
    (tmp_path / "old.txt").write_bytes(encode(_plain()))
    pdoc, _ = _load_one(tmp_path / "old.txt")
    assert pdoc.doc.title == TITLE
    assert _articles(pdoc) == KHOAN


def test_bad_files_are_recorded_and_good_ones_still_load(tmp_path: Path):
    write_txt(tmp_path / "good.txt")
    (tmp_path / "sub").mkdir()
    write_docx(tmp_path / "sub" / "good.docx")
    (tmp_path / "broken.docx").write_bytes(b"this is not a zip file")
    (tmp_path / "empty.txt").write_bytes(b"  \n\n")
    (tmp_path / "latin1.txt").write_bytes("Résumé: café, déjà vu, naïve, Noël, garçon.".encode("latin-1"))
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog garbage")
    (tmp_path / "notes.xyz").write_text("Điều 1. Không đọc", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Điều 1. Ẩn", encoding="utf-8")
    report = LoadReport("files")
    docs = list(load_files(tmp_path, report))
    # Both good files are the same decree: the second id is made unique.
    assert [d.doc.id for d in docs] == ["files:87/2024/NĐ-CP", "files:87/2024/NĐ-CP-2"]
    assert [d.doc.source_url.rsplit("/", 1)[1] for d in docs] == ["good.txt", "good.docx"]
    problems = {Path(i.file).name: i.message for i in report.issues}
    assert set(problems) == {"broken.docx", "empty.txt", "latin1.txt", "broken.pdf", "notes.xyz"}
    assert "not a valid .docx" in problems["broken.docx"]
    assert problems["empty.txt"] == "empty file"
    assert "not UTF-8 text" in problems["latin1.txt"]
    assert "PDF" in problems["broken.pdf"]
    assert report.defects["unsupported_file_type"] == 1
    assert (report.records_read, report.records_loaded) == (6, 2)


def test_encrypted_pdf_is_recorded(tmp_path: Path):
    if not FONT.exists():
        pytest.skip(f"{FONT} is needed to write Vietnamese into a test PDF")
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="chu", user_password="bimat")
    pdf.add_page()
    pdf.add_font("dv", fname=str(FONT))
    pdf.set_font("dv", size=10)
    pdf.cell(0, 6, "Điều 1. Bí mật")
    pdf.output(str(tmp_path / "secret.pdf"))
    report = LoadReport("files")
    assert list(load_files(tmp_path, report)) == []
    assert [(Path(i.file).name, "encrypted" in i.message) for i in report.issues] == [("secret.pdf", True)]


def test_guide_without_articles_becomes_sections(tmp_path: Path):
    guide = ["# Hướng dẫn làm thẻ căn cước", "", "## Hồ sơ cần chuẩn bị",
             "- Tờ khai căn cước;", "- Giấy khai sinh, nếu chưa có số định danh.", "",
             "## Nơi nộp hồ sơ", "Công an cấp xã nơi cư trú hoặc qua Cổng dịch vụ công."]
    (tmp_path / "huong_dan_can_cuoc.md").write_text("\n".join(guide), encoding="utf-8")
    (tmp_path / "thu.txt").write_text("Kính gửi ông Nguyễn Văn Bình.\nXin trả lời như sau.", encoding="utf-8")
    long_paras = [f"Đoạn {i}. " + " ".join(["Công dân cần mang theo giấy tờ tùy thân khi đến làm thủ tục."] * 8)
                  for i in range(1, 7)]
    (tmp_path / "vanban_dai.txt").write_text("\n\n".join(long_paras), encoding="utf-8")
    (tmp_path / "khong_dong_trong.txt").write_text("\n".join(long_paras), encoding="utf-8")  # no blank lines
    report = LoadReport("files")
    docs = {d.doc.id: d for d in load_files(tmp_path, report, collection="guides")}
    assert report.issues == []
    guide_doc = docs["guides:huong_dan_can_cuoc"]
    assert guide_doc.doc.title == "huong dan can cuoc"
    assert [(u.level, u.title) for u in guide_doc.units] == [
        (Level.SECTION, "Hồ sơ cần chuẩn bị"), (Level.SECTION, "Nơi nộp hồ sơ")]
    assert guide_doc.units[0].text == "- Tờ khai căn cước;\n- Giấy khai sinh, nếu chưa có số định danh."
    assert guide_doc.units[1].citation == "huong dan can cuoc, mục 2"
    letter = docs["guides:thu"]
    assert len(letter.units) == 1 and letter.units[0].text.endswith("Xin trả lời như sau.")
    assert letter.units[0].citation == "thu"
    for name in ("vanban_dai", "khong_dong_trong"):
        long_doc = docs[f"guides:{name}"]
        assert len(long_doc.units) > 1
        assert all(len(u.text) <= 1500 for u in long_doc.units)
        assert "\n".join(u.text for u in long_doc.units) == "\n".join(long_paras).replace("\n\n", "\n")
        assert [u.id for u in long_doc.units][:2] == [f"guides:{name}/s1", f"guides:{name}/s2"]


def test_single_file_and_missing_path(tmp_path: Path):
    with pytest.raises(CorpusError):
        list(load_files(tmp_path / "missing"))
    (tmp_path / "a.xyz").write_text("x", encoding="utf-8")
    report = LoadReport("files")
    assert list(load_files(tmp_path / "a.xyz", report)) == []
    assert report.defects["unsupported_file_type"] == 1
