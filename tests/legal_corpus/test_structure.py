from legal_corpus.models import Document, Level, Status
from legal_corpus.normalize import normalize_text
from legal_corpus.structure import UnitFactory, parse_article, parse_document

DOC = Document(id="vb:test", collection="test", title="Luật Thử nghiệm", doc_type="Luật",
               number="99/2024/QH15")

LAW = """QUỐC HỘI
Luật số: 99/2024/QH15
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
LUẬT
THỬ NGHIỆM
Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;
Quốc hội ban hành Luật Thử nghiệm.
PHẦN THỨ NHẤT
QUY ĐỊNH CHUNG
Chương I. NHỮNG QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Luật này quy định về việc thử nghiệm, trừ trường hợp tại khoản 3. Điều 2 Luật này.
Điều 2: Giải thích từ ngữ
Trong Luật này, các từ ngữ dưới đây được hiểu như sau:
1. Thử nghiệm là hoạt động kiểm tra.
2. Người thử nghiệm gồm:
a) Cá nhân;
b) Tổ chức, kể cả:
- tổ chức trong nước;
- tổ chức nước ngoài;
đ) dòng này không theo thứ tự nên thuộc điểm b;
2a. Khoản bổ sung sau khoản 2.
3. Khoản ba.
1. Danh sách đánh số lại từ đầu nên thuộc khoản 3;
2. mục thứ hai của danh sách.
5. Khoản năm (khoản 4 đã bị bãi bỏ).
Chương II
THỦ TỤC
Mục 1
ĐĂNG KÝ
Điều 5a. Điều bổ sung
Nội dung điều bổ sung.
Điều 6. Sửa đổi, bổ sung một số điều của Luật khác
1. Sửa đổi khoản 2 Điều 7 như sau:
“2. Khoản được trích dẫn không phải khoản của Điều 6;
a) điểm được trích dẫn;
Điều 99. Điều được trích dẫn không phải điều mới.”
2. Bổ sung điểm đ vào khoản 1 Điều 8:
“đ) điểm được trích dẫn.”
Điều 7. Chỉ có điểm
Các hành vi bị nghiêm cấm:
a) Giả mạo giấy tờ;
b) Cản trở thử nghiệm.
Nơi nhận:
- Như Điều 7;
- Lưu: VT.
TM. QUỐC HỘI
CHỦ TỊCH
PHỤ LỤC I
DANH MỤC BIỂU MẪU
1. Mẫu số 01: Tờ khai
2. Mẫu số 02: Đơn đề nghị
Phụ lục II. Bảng phí
Phí: 50.000 đồng
"""


def _parse():
    return parse_document(LAW, UnitFactory(DOC))


def _by_id(units):
    out = {}
    for unit in units:
        for u in unit.walk():
            out[u.id] = u
    return out


def test_preamble_is_what_precedes_the_first_heading():
    preamble, _ = _parse()
    assert preamble.startswith("QUỐC HỘI")
    assert preamble.endswith("Quốc hội ban hành Luật Thử nghiệm.")


def test_heading_hierarchy_and_titles_on_the_next_line():
    _, units = _parse()
    assert [(u.level, u.number) for u in units] == [(Level.PHAN, "Thứ nhất"), (Level.PHU_LUC, "I"),
                                                      (Level.PHU_LUC, "II")]
    phan = units[0]
    assert phan.title == "QUY ĐỊNH CHUNG"
    chapters = [c for c in phan.children if c.level is Level.CHUONG]
    assert [(c.number, c.title) for c in chapters] == [("I", "NHỮNG QUY ĐỊNH CHUNG"), ("II", "THỦ TỤC")]
    muc = chapters[1].children[0]
    assert (muc.level, muc.number, muc.title) == (Level.MUC, "1", "ĐĂNG KÝ")
    assert [a.number for a in muc.children] == ["5a", "6", "7"]


def test_articles_with_dot_or_colon_and_lettered_numbers():
    units = _by_id(_parse()[1])
    assert units["vb:test/d2"].title == "Giải thích từ ngữ"
    assert units["vb:test/d5a"].text == "Nội dung điều bổ sung."
    assert units["vb:test/d5a"].citation == "Điều 5a Luật Thử nghiệm 2024 (99/2024/QH15)"


def test_clauses_points_and_awkward_lines():
    units = _by_id(_parse()[1])
    d2 = units["vb:test/d2"]
    assert [k.number for k in d2.children] == ["1", "2", "2a", "3", "5"]
    k2 = units["vb:test/d2/k2"]
    assert [p.number for p in k2.children] == ["a", "b"]
    point_b = units["vb:test/d2/k2/b"]
    assert "- tổ chức nước ngoài;" in point_b.text
    assert "đ) dòng này không theo thứ tự" in point_b.text  # out-of-order letter stays in b)
    assert "1. Danh sách đánh số lại từ đầu" in units["vb:test/d2/k3"].text
    assert "2. mục thứ hai" in units["vb:test/d2/k3"].text
    assert point_b.citation == "Điểm b Khoản 2 Điều 2 Luật Thử nghiệm 2024 (99/2024/QH15)"
    # An article's text holds its clauses, in order; a clause holds its points.
    assert d2.text.index("1. Thử nghiệm") < d2.text.index("a) Cá nhân") < d2.text.index("3. Khoản ba")
    assert k2.text.startswith("2. Người thử nghiệm gồm:\na) Cá nhân;")


def test_stray_number_inside_a_sentence_does_not_open_a_clause():
    units = _by_id(_parse()[1])
    assert units["vb:test/d1"].children == ()


def test_quoted_amendments_stay_inside_the_amending_clause():
    units = _by_id(_parse()[1])
    d6 = units["vb:test/d6"]
    assert [k.number for k in d6.children] == ["1", "2"]
    assert all(k.children == () for k in d6.children)
    assert "Điều 99. Điều được trích dẫn" in units["vb:test/d6/k1"].text
    assert "vb:test/d99" not in units
    assert units["vb:test/d6/k2"].text.endswith("“đ) điểm được trích dẫn.”")


def test_points_directly_under_an_article():
    units = _by_id(_parse()[1])
    d7 = units["vb:test/d7"]
    assert [(c.level, c.number) for c in d7.children] == [(Level.DIEM, "a"), (Level.DIEM, "b")]
    assert units["vb:test/d7/a"].citation == "Điểm a Điều 7 Luật Thử nghiệm 2024 (99/2024/QH15)"


def test_signature_block_is_dropped_and_appendices_kept():
    units = _by_id(_parse()[1])
    assert "Nơi nhận" not in units["vb:test/d7"].text
    assert "CHỦ TỊCH" not in units["vb:test/d7"].text
    pl1 = units["vb:test/plI"]
    assert pl1.title == "DANH MỤC BIỂU MẪU"
    assert pl1.children == ()  # appendix lists are not clauses
    assert "2. Mẫu số 02: Đơn đề nghị" in pl1.text
    assert pl1.citation == "Phụ lục I Luật Thử nghiệm 2024 (99/2024/QH15)"
    assert units["vb:test/plII"].title == "Bảng phí"


def test_unit_ids_are_unique_and_parents_link_up():
    units = _by_id(_parse()[1])
    for unit in units.values():
        for child in unit.children:
            assert child.parent_id == unit.id
            assert child.article_ref == unit.article_ref or unit.level not in (Level.DIEU, Level.KHOAN)
    assert units["vb:test/d2/k2/a"].article_ref == "vb:test/d2"


def test_parse_article_for_inline_bodies():
    body = normalize_text("Intro.\n1. Một.\n2. Hai:\na) A;\nb) B.\n3. Ba.")
    factory = UnitFactory(DOC, status=Status.AMENDED, status_note="được sửa đổi")
    art = parse_article("16", "Thủ tục", body, factory, unit_id="x:16", article_ref="anchor16")
    assert art.heading == "Điều 16. Thủ tục"
    assert art.text == body
    assert [k.id for k in art.children] == ["x:16/k1", "x:16/k2", "x:16/k3"]
    assert art.children[1].children[1].id == "x:16/k2/b"
    assert {u.article_ref for u in art.walk()} == {"anchor16"}
    assert {u.status for u in art.walk()} == {Status.AMENDED}


def test_empty_text_gives_no_units():
    assert parse_document("", UnitFactory(DOC)) == ("", [])


def _articles(text):
    return [(u.number, u.title, [c.number for c in u.children])
            for top in parse_document(text, UnitFactory(DOC))[1] for u in top.walk() if u.level is Level.DIEU]


def test_wrapped_reference_to_an_article_is_not_a_heading():
    text = ("Điều 4. Thủ tục\n1. Hồ sơ nộp theo quy định tại khoản 2\nĐiều 3.\n2. Thời hạn 5 ngày.\n"
            "Điều 5. Hiệu lực\nNội dung.")
    assert _articles(text) == [("4", "Thủ tục", ["1", "2"]), ("5", "Hiệu lực", [])]


def test_upper_case_and_unpunctuated_article_headings():
    assert _articles("ĐIỀU 1: Phạm vi\nNội dung.\nĐIỀU 2: Đối tượng\nNội dung.") == [
        ("1", "Phạm vi", []), ("2", "Đối tượng", [])]
    assert _articles("Điều 1 Phạm vi điều chỉnh\nNội dung.\nĐiều 2 Đối tượng áp dụng\nNội dung.") == [
        ("1", "Phạm vi điều chỉnh", []), ("2", "Đối tượng áp dụng", [])]


def test_prose_starting_with_an_article_reference_stays_text():
    text = "Điều 1. Phạm vi\nNội dung.\nĐiều 5 của Luật này được áp dụng;\nĐiều 2. Đối tượng\nX."
    assert _articles(text) == [("1", "Phạm vi", []), ("2", "Đối tượng", [])]
