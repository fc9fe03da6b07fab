"""Legal answers quote the most relevant clause verbatim, with its citation."""

from assistant import extractive
from retrieval.index import LegalIndex


def test_legal_answer_quotes_the_clause_verbatim(law_chunks):
    index = LegalIndex.build(law_chunks, workers=1)
    hits = index.search("công dân từ đủ 14 tuổi có phải làm thẻ căn cước không", k=3)
    answer = extractive.legal_answer("công dân từ đủ 14 tuổi có phải làm thẻ căn cước không", hits,
                                     "citizen", "legal")
    cite = answer.citations[0]
    assert cite.unit_id == "vb:26/2023/QH15/d19/k2"
    assert cite.label == "Khoản 2 Điều 19 Luật Căn cước 2023 (26/2023/QH15)"
    assert cite.quote.startswith("2. Công dân Việt Nam từ đủ 14 tuổi") and cite.quote in hits[0].chunk.text
    assert f"\u201c{cite.quote}\u201d" in answer.text


def test_a_named_clause_is_the_one_quoted(law_chunks):
    index = LegalIndex.build(law_chunks, workers=1)
    hits = index.search("khoản 3 Điều 16 Luật Hộ tịch", k=3)
    answer = extractive.legal_answer("khoản 3 Điều 16 Luật Hộ tịch", hits, "official", "reference")
    assert answer.citations[0].unit_id.endswith("/d16/k3")
    assert answer.text.startswith("Theo Khoản 3 Điều 16 Luật Hộ tịch")


def test_procedure_answer_quotes_the_record_sentence_that_answers():
    from assistant.cards import card_from_record

    record = {"code": "X.1", "name": "Đăng ký kết hôn", "level": "Cấp xã", "competent_office": "UBND xã",
              "steps": ["Người yêu cầu nộp tờ khai tại Ủy ban nhân dân cấp xã.",
                        "Hai bên nam, nữ phải có mặt khi đăng ký kết hôn.",
                        "Công chức tư pháp - hộ tịch ghi vào Sổ hộ tịch."],
              "channels": [{"kind": "Trực tiếp", "time_limit": "1 Ngày làm việc", "fee": "Miễn phí"}],
              "result": "Giấy chứng nhận kết hôn"}
    question = "đăng ký kết hôn thì cả 2 người có bắt buộc phải có mặt không"
    answer = extractive.procedure_answer(question, card_from_record(record), [], "steps", record)
    assert "\u201cHai bên nam, nữ phải có mặt khi đăng ký kết hôn.\u201d" in answer.text
    assert "Kết quả nhận được: Giấy chứng nhận kết hôn." in answer.text and answer.card.code == "X.1"


def test_a_question_routed_as_legal_gets_a_card_only_when_the_law_is_silent(law_docs, tmp_path):
    from assistant.pipeline import Assistant
    from legal_corpus.loaders.demo import load_demo
    from retrieval.build import update_index
    from retrieval.index import open_index

    question = "điều kiện để được cấp thẻ căn cước là gì"  # routed as a legal question
    update_index(tmp_path / "demo", load_demo(), embedder_spec="none", source="demo")
    answer = Assistant(open_index(tmp_path / "demo")).ask(question)
    assert answer.card is not None and answer.card.code == "DEMO-CC-01"
    update_index(tmp_path / "both", [*law_docs, *load_demo()], embedder_spec="none", source="x")
    answer = Assistant(open_index(tmp_path / "both")).ask(question)
    assert answer.card is None and answer.citations[0].article_ref == "vb:26/2023/QH15/d19"
