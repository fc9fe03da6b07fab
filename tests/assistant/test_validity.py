"""Effective-date awareness: repealed units stay out of answers, amended ones are flagged."""

from datetime import date

import pytest

from assistant import validity
from assistant.answer import Answer, Citation
from assistant.pipeline import Assistant
from legal_corpus.chunking import chunk_documents
from legal_corpus.models import Document, ParsedDocument, Status
from legal_corpus.structure import UnitFactory, parse_document
from retrieval.index import LegalIndex

LAWS = {
    ("Luật Cư trú", "68/2020/QH14", Status.AMENDED): """
Điều 22. Thủ tục đăng ký thường trú
1. Người đăng ký thường trú nộp hồ sơ đăng ký thường trú đến cơ quan đăng ký cư trú nơi mình cư trú.
""",
    ("Luật Cư trú cũ", "81/2006/QH11", Status.REPEALED): """
Điều 21. Đăng ký thường trú tại huyện đảo
Công dân đăng ký thường trú tại huyện đảo nộp hồ sơ tại Công an huyện đảo theo quy định cũ.
""",
    ("Nghị định chứng thực", "23/2015/NĐ-CP", Status.PARTLY_REPEALED): """
Điều 5. Thẩm quyền chứng thực bản sao
1. Phòng Tư pháp cấp huyện có thẩm quyền chứng thực bản sao từ bản chính các giấy tờ, văn bản.
""",
    ("Luật Căn cước", "26/2023/QH15", Status.IN_FORCE): """
Điều 19. Người được cấp thẻ căn cước
2. Công dân Việt Nam từ đủ 14 tuổi trở lên phải thực hiện thủ tục cấp thẻ căn cước.
""",
}
AMENDED_NOTE = "(văn bản đã được sửa đổi, bổ sung — kiểm tra văn bản hợp nhất)"


def _docs():
    for (title, number, status), text in LAWS.items():
        doc = Document(id=f"vb:{number}", collection="laws", title=title, doc_type=title.split(" ")[0],
                       number=number, issuer="Quốc hội", effective=date(2016, 1, 1), status=status)
        yield ParsedDocument(doc=doc, units=parse_document(text, UnitFactory(doc, status=status))[1])


@pytest.fixture(scope="module")
def assistant():
    return Assistant(LegalIndex.build(list(chunk_documents(list(_docs()))), workers=1))


def test_repealed_units_are_left_out_of_answers(assistant):
    question = "quy định về đăng ký thường trú tại huyện đảo"
    assert any(h.chunk.status == "repealed" for h in assistant.index.search(question, k=5))  # search alone finds it
    answer = assistant.ask(question)
    assert answer.hits and all(not h["article_ref"].startswith("vb:81/2006") for h in answer.hits)
    assert "81/2006/QH11" not in answer.text and "huyện đảo" not in answer.text


def test_a_repealed_unit_named_by_reference_is_shown_and_flagged(assistant):
    answer = assistant.ask("Điều 21 Luật 81/2006/QH11")
    cite = answer.citations[0]
    assert cite.article_ref == "vb:81/2006/QH11/d21"
    assert f"{cite.label} (văn bản đã hết hiệu lực)" in answer.text


@pytest.mark.parametrize("question,number,note", [
    ("người đăng ký thường trú nộp hồ sơ ở cơ quan đăng ký cư trú", "68/2020/QH14", AMENDED_NOTE),
    ("phòng tư pháp có thẩm quyền chứng thực bản sao từ bản chính", "23/2015/NĐ-CP",
     "(văn bản đã bị bãi bỏ một phần — kiểm tra văn bản hợp nhất)")])
def test_amended_and_partly_repealed_sources_are_flagged_after_the_citation(assistant, question, number, note):
    for persona in ("citizen", "official"):
        answer = assistant.ask(question, persona)
        cite = answer.citations[0]
        assert number in cite.label and not answer.refused
        assert f"{cite.label} {note}" in answer.text
        assert answer.text.count(note) == 1  # once per document


def test_sources_in_force_carry_no_note(assistant):
    answer = assistant.ask("công dân từ đủ 14 tuổi có phải làm thẻ căn cước không")
    assert "26/2023/QH15" in answer.citations[0].label
    assert not any(note in answer.text for note in validity.NOTES.values())


def test_an_answer_without_labels_gets_a_closing_note(assistant):
    hit = assistant.index.search("người đăng ký thường trú nộp hồ sơ", k=1)[0]
    assert hit.chunk.status == "amended"
    cite = Citation(unit_id=hit.unit_id, article_ref=hit.article_ref, label=hit.citation, block=1)
    answer = Answer(question="q", text="Nộp hồ sơ tại cơ quan đăng ký cư trú [1].", intent="legal", citations=[cite])
    validity.flag(answer, [hit])
    assert answer.text.endswith(f"Lưu ý hiệu lực: {hit.citation} {AMENDED_NOTE}.")
