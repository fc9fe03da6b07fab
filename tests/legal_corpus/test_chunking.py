from legal_corpus.chunking import chunk_documents, chunk_unit
from legal_corpus.models import Document, ParsedDocument, Status
from legal_corpus.normalize import normalize_text
from legal_corpus.structure import UnitFactory, parse_article

DOC = Document(id="vb:1", collection="test", title="Luật Thử nghiệm", doc_type="Luật", number="1/2020/QH14",
               source_url="http://example.test/1")


def _article(body: str, number: str = "5"):
    return parse_article(number, "Quy định dài", normalize_text(body), UnitFactory(DOC, context="Chương I"),
                         unit_id=f"vb:1/d{number}")


def test_short_article_is_one_chunk_with_its_heading_and_metadata():
    art = _article("1. Ngắn.\n2. Gọn.")
    (chunk,) = chunk_unit(art, max_chars=500)
    assert chunk.id == art.id == chunk.unit_id
    assert (chunk.part, chunk.parts) == (1, 1)
    assert chunk.heading == "Điều 5. Quy định dài"
    assert chunk.passage == "Chương I › Điều 5. Quy định dài\n1. Ngắn.\n2. Gọn."
    assert chunk.citation == "Điều 5 Luật Thử nghiệm 2020 (1/2020/QH14)"
    assert (chunk.doc_number, chunk.doc_type, chunk.source_url, chunk.status) == (
        "1/2020/QH14", "Luật", "http://example.test/1", Status.UNKNOWN.value)


def test_long_article_splits_at_clause_boundaries():
    clauses = [f"{i}. " + f"Nội dung khoản {i} " * 20 for i in range(1, 11)]
    art = _article("Mở đầu điều.\n" + "\n".join(clauses))
    chunks = chunk_unit(art, max_chars=900)
    assert len(chunks) > 1
    assert [c.part for c in chunks] == list(range(1, len(chunks) + 1))
    assert all(c.parts == len(chunks) and c.unit_id == art.id for c in chunks)
    assert [c.id for c in chunks][:2] == [f"{art.id}#p1", f"{art.id}#p2"]
    assert all(len(c.text) <= 900 for c in chunks)
    assert chunks[0].text.startswith("Mở đầu điều.")
    # Every part starts at a clause and nothing is lost or repeated.
    for c in chunks[1:]:
        assert c.text.split(". ", 1)[0].isdigit()
    assert "\n".join(c.text for c in chunks) == art.text


def test_oversized_clause_splits_at_points_then_sentences():
    points = "\n".join(f"{ch}) " + "điểm dài có nhiều chữ " * 15 for ch in "abcde")
    sentence_blob = " ".join(f"Câu số {i} trong một khoản rất dài." for i in range(80))
    art = _article(f"1. Khoản có điểm:\n{points}\n2. {sentence_blob}")
    chunks = chunk_unit(art, max_chars=700)
    assert all(len(c.text) <= 700 for c in chunks)
    assert any(c.text.startswith("c) ") for c in chunks)
    assert any(c.text.startswith("Câu số") for c in chunks)
    joined = " ".join(c.text for c in chunks)
    assert "Câu số 79 trong một khoản rất dài." in joined and "e) điểm dài" in joined


def test_text_without_any_break_is_cut_hard():
    art = _article("x" * 2500)
    chunks = chunk_unit(art, max_chars=1000)
    assert [len(c.text) for c in chunks] == [1000, 1000, 500]


def test_chunk_documents_covers_every_article():
    doc = ParsedDocument(doc=DOC, units=[_article("A.", "1"), _article("B.", "2")])
    assert [c.unit_id for c in chunk_documents([doc])] == ["vb:1/d1", "vb:1/d2"]
