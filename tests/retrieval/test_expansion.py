from retrieval.expansion import expand, expansions, rephrase, sources
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


def test_colloquial_terms_for_starting_a_business_and_getting_a_tax_code():
    assert expansions("mo ho kinh doanh can gi") == ["thành lập hộ kinh doanh"]
    assert expansions("mở công ty cần vốn bao nhiêu") == ["thành lập doanh nghiệp"]
    assert expansions("lam mst ca nhan") == ["mã số thuế", "đăng ký thuế"]
    assert expansions("làm mã số thuế ở đâu") == ["đăng ký thuế"]


def test_sources_pair_each_term_with_the_words_that_called_it():
    assert list(sources("sang tên xe máy cần gì")) == [("xe may", "xe mô tô xe gắn máy"), ("sang ten xe", "thay đổi chủ xe")]
    assert [t for _, t in sources("lam cccd lan dau")] == expansions("lam cccd lan dau")


def test_rephrased_phrases_are_searched_in_the_law_s_words():
    assert rephrase("Người lao động được nghỉ phép năm bao nhiêu ngày?") == \
        "Người lao động được nghỉ hằng năm bao nhiêu ngày?"
    assert rephrase("nghi phep hang nam may ngay") == "nghi hang nam may ngay"  # typed bare, stays bare
    assert rephrase("nghỉ phép năm nay") == "nghỉ hằng năm nay"
    assert rephrase("nghỉ phép riêng") == "nghỉ phép riêng"
    assert rephrase("Nghỉ phép năm, NGHỈ PHÉP NĂM") == "nghỉ hằng năm, nghỉ hằng năm"


def test_a_worker_asking_for_annual_leave_gets_the_labour_code():
    from legal_corpus.chunking import chunk_documents
    from legal_corpus.models import Document, ParsedDocument
    from legal_corpus.structure import UnitFactory, parse_document

    texts = {
        ("Bộ luật Lao động", "Bộ luật", "45/2019/QH14"): "Điều 113. Nghỉ hằng năm\n1. Người lao động làm việc đủ "
        "12 tháng cho một người sử dụng lao động thì được nghỉ hằng năm, hưởng nguyên lương 12 ngày làm việc.",
        ("Thông tư về tiền bồi dưỡng", "Thông tư", "33/2012/TT-BCA"): "Điều 11. Thanh toán tiền nghỉ phép năm\n"
        "Người lao động chưa nghỉ phép năm hoặc nghỉ phép năm chưa hết số ngày được nghỉ phép năm thì "
        "được thanh toán tiền lương những ngày chưa nghỉ phép năm.",
    }
    docs = []
    for (title, doc_type, number), text in texts.items():
        doc = Document(id=f"vb:{number}", collection="laws", title=title, doc_type=doc_type, number=number)
        docs.append(ParsedDocument(doc=doc, units=parse_document(text, UnitFactory(doc))[1]))
    index = LegalIndex.build(list(chunk_documents(docs)), workers=1)
    top = index.search("người lao động được nghỉ phép năm bao nhiêu ngày", k=2)
    assert "45/2019/QH14" in top[0].citation
