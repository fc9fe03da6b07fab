"""Header detection on the usual Vietnamese header layouts."""

from __future__ import annotations

from datetime import date

from legal_corpus.header import Header, detect_header, find_effective, issuer_name, sentence_case

LAW = """QUỐC HỘI
--------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Luật số: 60/2014/QH13
LUẬT
HỘ TỊCH
Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;
Quốc hội ban hành Luật hộ tịch.
Chương I
NHỮNG QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Luật này quy định về hộ tịch.
Điều 77. Hiệu lực thi hành
Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2016.
Luật này đã được Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam khóa XIII, kỳ họp thứ 8 thông qua ngày 20 tháng 11 năm 2014.
"""

# Two header columns laid out as "left | right" cells (docx/html tables).
DECREE = """CHÍNH PHỦ | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
------- | Độc lập - Tự do - Hạnh phúc
Số: 100/2019/NĐ-CP | Hà Nội, ngày 30 tháng 12 năm 2019
NGHỊ ĐỊNH
QUY ĐỊNH VỀ XỬ PHẠT VI PHẠM HÀNH CHÍNH TRONG LĨNH VỰC
GIAO THÔNG ĐƯỜNG BỘ VÀ ĐƯỜNG SẮT
Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;
"""

# Columns run together on one line, as a PDF's text layer gives them.
CIRCULAR = """BỘ CÔNG AN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 59/2021/TT-BCA Hà Nội, ngày 15 tháng 5 năm 2021
THÔNG TƯ
Quy định chi tiết thi hành Luật Căn cước công dân
Căn cứ Luật Căn cước công dân ngày 20 tháng 11 năm 2014;
"""

PROVINCE = """ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH BẮC NINH | Độc lập - Tự do - Hạnh phúc
Số: 15/2023/QĐ-UBND | Bắc Ninh, ngày 05 tháng 6 năm 2023
QUYẾT ĐỊNH
BAN HÀNH QUY CHẾ PHỐI HỢP GIỮA CÁC SỞ VÀ UBND CẤP XÃ
ỦY BAN NHÂN DÂN TỈNH BẮC NINH
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
"""

NO_NUMBER = """UỶ BAN NHÂN DÂN
THÀNH PHỐ HÀ NỘI
CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số:      /QĐ-UBND
Hà Nội, ngày     tháng     năm 2024
QUYẾT ĐỊNH
Về việc phê duyệt danh mục thủ tục hành chính
CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI
Căn cứ Luật Tổ chức chính quyền địa phương;
"""


def test_law_header_title_number_issuer_and_passing_date():
    h = detect_header(LAW)
    assert h == Header(doc_type="Luật", number="60/2014/QH13", issuer="Quốc hội",
                       issued=date(2014, 11, 20), title="Luật Hộ tịch", place="")
    assert find_effective(LAW) == date(2016, 1, 1)


def test_decree_in_table_cells_with_two_line_title():
    h = detect_header(DECREE)
    assert h.number == "100/2019/NĐ-CP"
    assert h.doc_type == "Nghị định"
    assert h.issuer == "Chính phủ"
    assert h.issued == date(2019, 12, 30)
    assert h.place == "Hà Nội"
    assert h.title == ("Nghị định Quy định về xử phạt vi phạm hành chính trong lĩnh vực "
                       "giao thông đường bộ và đường sắt")


def test_circular_with_columns_run_together_and_mixed_case_title():
    h = detect_header(CIRCULAR)
    assert (h.number, h.doc_type, h.issuer) == ("59/2021/TT-BCA", "Thông tư", "Bộ Công an")
    assert h.issued == date(2021, 5, 15)
    assert h.place == "Hà Nội"
    assert h.title == "Thông tư Quy định chi tiết thi hành Luật Căn cước công dân"


def test_provincial_decision_issuer_and_acronym_in_title():
    h = detect_header(PROVINCE)
    assert h.issuer == "Ủy ban nhân dân tỉnh Bắc Ninh"
    assert h.number == "15/2023/QĐ-UBND"
    assert h.doc_type == "Quyết định"
    assert h.place == "Bắc Ninh"
    assert h.issued == date(2023, 6, 5)
    # The authority line after the title is not part of it; UBND stays upper case.
    assert h.title == "Quyết định Ban hành quy chế phối hợp giữa các sở và UBND cấp xã"


def test_missing_number_and_blank_date():
    h = detect_header(NO_NUMBER)
    assert h.number is None
    assert h.issued is None
    assert h.doc_type == "Quyết định"
    assert h.issuer == "Ủy ban nhân dân thành phố Hà Nội"  # old-style "UỶ" normalised
    assert h.place == "Hà Nội"
    assert h.title == "Quyết định Về việc phê duyệt danh mục thủ tục hành chính"


def test_number_with_spaces_followed_by_the_date_column():
    h = detect_header("BỘ TƯ PHÁP\nSố: 04 / 2020/TT-BTP Hà Nội, ngày 28 tháng 5 năm 2020\nTHÔNG TƯ\nQUY ĐỊNH CHI TIẾT")
    assert (h.number, h.issued, h.place) == ("04/2020/TT-BTP", date(2020, 5, 28), "Hà Nội")
    assert (h.issuer, h.title) == ("Bộ Tư pháp", "Thông tư Quy định chi tiết")


def test_type_and_issuer_fall_back_to_number_suffix():
    h = detect_header("Số: 01/2022/TT-BCA\nHà Nội, ngày 05 tháng 01 năm 2022\nCăn cứ Luật Cư trú;")
    assert (h.number, h.doc_type, h.issuer) == ("01/2022/TT-BCA", "Thông tư", "Bộ Công an")
    assert h.title == ""


def test_text_without_header_gives_empty_header():
    h = detect_header("Hướng dẫn làm căn cước\nBước 1: chuẩn bị giấy tờ.\nBước 2: nộp hồ sơ.")
    assert h == Header()


def test_stops_before_the_body():
    # "QUYẾT ĐỊNH:" and numbers after "Căn cứ" belong to the body, not the header.
    h = detect_header("Căn cứ Nghị định số 123/2015/NĐ-CP;\nQUYẾT ĐỊNH:\nĐiều 1. Ban hành")
    assert h.number is None and h.doc_type is None


def test_sentence_case_keeps_acronyms_and_names():
    assert sentence_case("QUY ĐỊNH VỀ CẤP CCCD CHO CÔNG DÂN VIỆT NAM") == "Quy định về cấp CCCD cho công dân Việt Nam"
    assert sentence_case("HƯỚNG DẪN NGHỊ ĐỊNH 100/2019/NĐ-CP") == "Hướng dẫn nghị định 100/2019/NĐ-CP"
    assert sentence_case("Đã viết thường") == "Đã viết thường"
    # Documents cited inside a title keep their capitals.
    assert (sentence_case("HƯỚNG DẪN MỘT SỐ ĐIỀU CỦA BỘ LUẬT HÌNH SỰ VÀ NGHỊ ĐỊNH SỐ 126/2020/NĐ-CP")
            == "Hướng dẫn một số điều của Bộ luật Hình sự và Nghị định số 126/2020/NĐ-CP")
    assert sentence_case("QUY ĐỊNH THẨM QUYỀN QUYẾT ĐỊNH ĐẦU TƯ") == "Quy định thẩm quyền quyết định đầu tư"


def test_issuer_names():
    assert issuer_name(["THỦ TƯỚNG CHÍNH PHỦ"]) == "Thủ tướng Chính phủ"
    assert issuer_name(["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HỒ CHÍ MINH"]) == "Ủy ban nhân dân thành phố Hồ Chí Minh"
    assert issuer_name(["BỘ Y TẾ", "CỤC QUẢN LÝ DƯỢC"]) == "Cục quản lý dược"
    assert issuer_name([]) is None


def test_effective_date_variants():
    issued = date(2023, 3, 1)
    assert find_effective("Quyết định này có hiệu lực kể từ ngày ký ban hành.", issued) == issued
    assert find_effective("Thông tư này có hiệu lực thi hành từ ngày 01/7/2021.") == date(2021, 7, 1)
    # The document's own entry into force wins over a later date for one clause.
    text = ("Khoản 3 Điều 5 có hiệu lực từ ngày 01 tháng 01 năm 2025.\n"
            "Nghị định này có hiệu lực thi hành kể từ ngày 15 tháng 8 năm 2024.")
    assert find_effective(text) == date(2024, 8, 15)
    assert find_effective("Không có ngày hiệu lực.") is None
