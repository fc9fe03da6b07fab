from retrieval.expansion import expand, expansions
from retrieval.index import LegalIndex


def test_everyday_words_gain_their_legal_term():
    assert expansions("lam cccd can giay to gi") == ["căn cước"]
    assert expansions("Làm CCCD cần giấy tờ gì") == ["căn cước"]
    assert "giấy phép lái xe" in expansions("doi bang lai xe o dau")
    assert "giấy chứng nhận quyền sử dụng đất" in expansions("làm sổ đỏ mất bao lâu")


def test_no_expansion_inside_other_words_or_when_the_term_is_there():
    assert expansions("cần thơ có bao nhiêu quận") == []
    assert expansions("đăng ký thường trú khi đã có hộ khẩu") == []
    assert expand("thủ tục ly hôn") == "thủ tục ly hôn"


def test_citizen_abbreviations_find_the_procedure(demo_chunks):
    index = LegalIndex.build(demo_chunks, workers=1)
    assert index.search("lam cccd lan dau can giay to gi", k=1)[0].article_ref == "DEMO-CC-01"
    assert index.search("đổi bằng lái xe", k=1)[0].article_ref == "DEMO-GT-01"


def test_portal_abbreviations_are_added_for_spelled_out_terms():
    assert expansions("mua bảo hiểm y tế hộ gia đình") == ["bhyt"]
    assert expansions("rut bhxh 1 lan") == ["bảo hiểm xã hội", "một lần"]
    assert expansions("làm passport cho con") == ["hộ chiếu"]


def test_expansion_terms_weigh_less_than_what_the_user_typed(demo_chunks):
    from retrieval.index import EXPANSION_WEIGHT

    assert 0 < EXPANSION_WEIGHT < 1
    index = LegalIndex.build(demo_chunks, workers=1)
    # "xe máy" also searches "xe mô tô xe gắn máy"; the registration asked for still comes first.
    assert index.search("dang ky xe may lan dau can giay to gi", k=1)[0].article_ref == "DEMO-GT-03"
