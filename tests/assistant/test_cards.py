"""Procedure cards show what the portal record says, and the direct answer states the asked fact."""

from assistant.cards import card_from_record, card_text, direct_answer, relevant_passage

RECORD = {
    "code": "2.001263", "name": "Đăng ký việc nuôi con nuôi trong nước", "level": "Cấp xã",
    "competent_office": "Ủy ban Nhân dân xã, phường, thị trấn.", "implementing_office": "Công an cấp Xã",
    "conditions": "Người nhận con nuôi phải có đủ điều kiện sau:\n- Có năng lực hành vi dân sự đầy đủ;\n"
                  "- Hơn con nuôi từ 20 tuổi trở lên;\n- Có điều kiện về sức khỏe, kinh tế, chỗ ở.",
    "steps": ["Người nhận con nuôi nộp hồ sơ cho Ủy ban nhân dân cấp xã.",
              "Ủy ban nhân dân cấp xã lấy ý kiến của những người liên quan trong thời hạn 10 ngày.",
              "Ủy ban nhân dân cấp xã xác minh hoàn cảnh của người nhận con nuôi.",
              "Người nhận con nuôi và trẻ em phải có mặt khi giao nhận con nuôi."],
    "channels": [{"kind": "Trực tiếp", "time_limit": "20 Ngày", "fee": "400.000 đồng",
                  "description": "Thời hạn giải quyết:\n tối đa không quá 20 ngày."},
                 {"kind": "Trực tuyến", "time_limit": "20 Ngày", "fee": "400.000 đồng",
                  "description": "Thời hạn giải quyết:\n tối đa không quá 20 ngày."}],
    "papers": [{"name": "Tờ khai đăng ký việc nuôi con nuôi", "form": "", "quantity": "1 bản chính"}],
    "legal_basis": [], "result": "Giấy chứng nhận nuôi con nuôi\nTrích lục", "url": "https://x",
}


def test_card_names_both_offices_and_keeps_each_channel_note_once():
    card = card_from_record(RECORD)
    assert card.office == "Ủy ban Nhân dân xã, phường, thị trấn.; Công an cấp Xã"
    assert card.channels[0] == "Trực tiếp: 20 Ngày; phí: 400.000 đồng; Thời hạn giải quyết: tối đa không quá 20 ngày."
    assert card.channels[1] == "Trực tuyến: 20 Ngày; phí: 400.000 đồng"


def test_card_text_holds_every_field_a_user_sees():
    text = card_text(card_from_record(RECORD))
    for shown in ("Đăng ký việc nuôi con nuôi trong nước (2.001263)", "Công an cấp Xã", "Lệ phí: 400.000 đồng",
                  "1. Tờ khai đăng ký việc nuôi con nuôi — 1 bản chính", "lấy ý kiến của những người liên quan",
                  "không quá 20 ngày", "https://x"):
        assert shown in text, shown


def test_relevant_passage_is_the_sentence_sharing_the_rare_words():
    passage = relevant_passage(RECORD, "nhan con nuoi thi nguoi nhan phai hon con nuoi bao nhieu tuoi")
    assert passage == "Hơn con nuôi từ 20 tuổi trở lên;"
    assert relevant_passage(RECORD, "thời tiết hôm nay") == ""


def test_direct_answer_quotes_the_passage_and_says_what_one_receives():
    card = card_from_record(RECORD)
    text = direct_answer(card, None, "người nhận phải hơn con nuôi bao nhiêu tuổi", RECORD)
    assert "\u201cHơn con nuôi từ 20 tuổi trở lên;\u201d" in text
    assert text.endswith("Kết quả nhận được: Giấy chứng nhận nuôi con nuôi; Trích lục.")
    fee = direct_answer(card, "fee", "người nhận phải hơn con nuôi bao nhiêu tuổi, lệ phí bao nhiêu", RECORD)
    assert fee.splitlines()[1].startswith("Lệ phí: 400.000 đồng") and "\u201c" not in fee  # the fee field answers
    assert "Kết quả" not in direct_answer(card, None)  # without the record: the card fields only
