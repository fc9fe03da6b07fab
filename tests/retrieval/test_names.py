"""Short citizen questions matched against procedure names (retrieval/names.py)."""

import numpy as np

from legal_corpus.models import Chunk, Level
from retrieval.index import LegalIndex
from retrieval.names import ASK_WEIGHT, SHORT_WORDS, _weighted, content_words, prefer_named

GENERIC = "Hồ sơ nộp lần đầu gồm giấy tờ cần thiết; cần nộp giấy tờ lần đầu theo mẫu. " * 4
CARD = "CC-01"
QUESTION = "lam cccd lan dau can giay to gi"


def _procedure(code: str, name: str, text: str) -> list[Chunk]:
    """A portal procedure as the index holds it: sections that carry the name as context."""
    return [Chunk(id=f"tthc:{code}#{slug}", unit_id=f"tthc:{code}#{slug}", article_ref=code,
                  collection="procedures", doc_id=f"tthc:{code}", heading=heading, text=body, citation=name,
                  context=name, level=Level.SECTION.value, doc_type="Thủ tục hành chính")
            for slug, heading, body in (("tong-quan", "Tổng quan", f"Thủ tục {name}."),
                                        ("ho-so", "Thành phần hồ sơ", text))]


def _index() -> LegalIndex:
    """One identity-card procedure among licences whose long texts repeat the question's generic words."""
    chunks = _procedure(CARD, "Cấp thẻ căn cước cho công dân", "Phiếu thu thập thông tin dân cư.")
    for i, what in enumerate(("kinh doanh dịch vụ kiểm toán", "hành nghề dược", "kinh doanh vận tải",
                              "hoạt động xây dựng", "hành nghề luật sư")):
        chunks += _procedure(f"LIC-{i}", f"Cấp giấy phép {what} (Cấp lần đầu)", GENERIC)
    return LegalIndex.build(chunks, workers=1)


def test_an_expansion_counts_like_a_typed_word_and_ask_words_count_little():
    names = _index().names
    weights = names.weights(QUESTION)
    assert weights["cuoc"] == names.idf["cuoc"] and weights["can_cuoc"] == names.idf["can_cuoc"]  # "cccd" → "căn cước"
    typed = _weighted(QUESTION, ask=True)
    assert typed["giay_to"] == typed["gi"] == ASK_WEIGHT
    assert typed["lan_dau"] == ASK_WEIGHT  # "lần đầu" selects first issues (variants.py), not names saying it
    assert content_words(QUESTION) == 3  # cccd lan dau


def test_a_short_question_gets_the_procedure_its_words_name_first():
    index = _index()
    hits = index.search(QUESTION, k=5)
    assert hits[0].article_ref != CARD  # BM25 prefers the licences that repeat "lần đầu … giấy tờ"
    named = prefer_named(index.names, index.chunks, QUESTION, hits)
    assert named[0].article_ref == CARD and named[0].matched == "name" and named[0].chunk.heading == "Tổng quan"
    assert [h.rank for h in named] == list(range(1, len(named) + 1)) and len(named) == len(hits)
    assert CARD not in [h.article_ref for h in named[1:]]


def test_long_questions_and_masked_procedures_keep_the_search_order():
    index = _index()
    long_question = QUESTION + " " + " ".join(["hồ sơ nộp theo mẫu của cơ quan nhà nước"] * 2)
    assert content_words(long_question) > SHORT_WORDS
    hits = index.search(long_question, k=5)
    assert prefer_named(index.names, index.chunks, long_question, hits) == hits
    blocked = np.array([ref != CARD for ref in index.article_of])
    hits = index.search(QUESTION, k=5)
    assert prefer_named(index.names, index.chunks, QUESTION, hits, blocked)[0].article_ref != CARD


def test_law_articles_have_no_names(law_chunks):
    law = LegalIndex.build(law_chunks, workers=1)
    assert not law.names.rows and law.names.best("đăng ký khai sinh") is None


def _names_index(names: list[str]) -> LegalIndex:
    chunks = [c for i, name in enumerate(names) for c in _procedure(f"P-{i}", name, "Tờ khai.")]
    fillers = ("kinh doanh dịch vụ kiểm toán", "hành nghề dược", "kinh doanh vận tải", "hoạt động xây dựng")
    chunks += [c for i, what in enumerate(fillers) for c in _procedure(f"F-{i}", f"Cấp giấy phép {what}", GENERIC)]
    return LegalIndex.build(chunks, workers=1)


def test_an_expansion_restating_the_typed_words_adds_no_more_than_they_weigh():
    emissions = "Chứng nhận kiểm định khí thải xe mô tô, xe gắn máy"
    transfer = "Cấp chứng nhận đăng ký xe, biển số xe trong trường hợp thay đổi chủ xe (đăng ký sang tên xe)"
    index = _names_index([emissions, transfer, "Cấp giấy phép lái xe", "Đổi giấy phép lái xe"])
    names = index.names
    weights = names.weights("sang ten xe may can gi")
    restated = sum(weights[t] for t in ("mo", "gan", "xe_mo", "mo_to", "xe_gan", "gan_may") if t in weights)
    assert 0 < restated <= sum(names.idf[t] for t in ("xe", "may", "xe_may") if t in names.idf) + 1e-9
    assert weights["thay_doi"] == names.idf["thay_doi"]  # "sang tên xe" → "thay đổi chủ xe" translates: in full
    assert names.best("sang ten xe may can gi")[0] == "P-1"
    assert names.best("thi bang lai xe may o dau")[0] == "P-2"


def test_a_first_issue_question_gets_the_first_issue_and_an_adult_the_adults_card():
    index = _names_index(["Cấp lại thẻ căn cước", "Cấp đổi thẻ căn cước",
                          "Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên", "Cấp thẻ căn cước cho người dưới 14 tuổi"])
    assert index.names.best("cccd can giay to gi")[0] in ("P-0", "P-1")  # no cue: a shortest name, as before
    assert index.names.best("lam cccd can giay to gi")[0] == "P-2"  # "làm <paper>": have one made
    assert index.names.best("lam cccd lan dau can giay to gi")[0] == "P-2"
    assert index.names.best("làm CCCD lần đầu cho con dưới 14 tuổi")[0] == "P-3"
    assert index.names.best("mat cccd cap lai o dau")[0] == "P-0"
    hits = index.search("cccd cap lan dau", k=4)
    moved = prefer_named(index.names, index.chunks, "cccd cap lan dau", hits)
    refs = [h.article_ref for h in moved]
    assert refs[0] == "P-2" and set(refs[-2:]) >= {"P-0", "P-1"} & set(refs)
    assert [h.rank for h in moved] == list(range(1, len(moved) + 1))


def test_a_long_first_issue_question_also_sets_reissues_aside_but_names_nothing():
    wordy = "Giấy tờ cần mang theo khi đi làm thẻ căn cước: tờ khai, giấy tờ tùy thân. " * 3
    chunks = (_procedure("P-0", "Cấp lại thẻ căn cước", wordy) + _procedure("P-1", "Cấp đổi thẻ căn cước", wordy)
              + _procedure("P-2", "Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên", "Tờ khai."))
    index = LegalIndex.build(chunks, workers=1)
    question = "tôi năm nay 20 tuổi, lần đầu đi làm thẻ căn cước thì cần mang theo những loại giấy tờ gì"
    assert content_words(question) > SHORT_WORDS
    hits = index.search(question, k=3)
    assert hits[0].article_ref in ("P-0", "P-1")  # the reissues' texts repeat the question's words
    moved = prefer_named(index.names, index.chunks, question, hits)
    assert [h.article_ref for h in moved][0] == "P-2" and all(h.matched != "name" for h in moved)
    assert sorted(h.article_ref for h in moved) == sorted(h.article_ref for h in hits)
