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
