import pytest

from legal_corpus.models import Level
from retrieval.index import LegalIndex
from retrieval.lexical import VIEWS
from retrieval.rerank import FEATURES, Candidate, _idf_cover, _text_field, features, query_side
from retrieval.text_cover import text_cover

QUERIES = ["lam cccd lan dau can giay to gi", "Lệ phí đăng ký khai sinh là bao nhiêu?",
           "thủ tục đăng ký thường trú ở đâu", "khoản 2 Điều 16 Luật Hộ tịch", "xe máy 2024 ; mất giấy",
           "zzz không có trong kho"]


@pytest.fixture(scope="module")
def index():
    from legal_corpus.chunking import chunk_documents
    from legal_corpus.loaders.demo import load_demo

    return LegalIndex.build(list(chunk_documents(load_demo())), workers=1)


@pytest.mark.parametrize("view", VIEWS)
def test_equals_tokenising_each_text(index, view):
    idf = index.idf(view)
    rows = list(range(len(index.chunks)))
    assert any(c.level == Level.SECTION.value for c in index.chunks)  # both kinds of title are covered
    for query in QUERIES:
        qs = query_side(query, view, idf)
        fast = text_cover(qs, view, index.tables[view], index.chunks, rows)
        slow = [_idf_cover(qs.tokens, _text_field(c.text, view), qs.weight, qs.total) for c in index.chunks]
        assert fast.tolist() == pytest.approx(slow, abs=1e-12)
        assert max(slow) > 0 or query.startswith("zzz")


def test_features_use_the_given_cover(index):
    qs = query_side("đăng ký khai sinh", "accent", index.idf("accent"))
    chunk, cand = index.chunks[0], Candidate(0, 0, 1.0, None, 1)
    slot = FEATURES.index("idf_q_in_text")
    assert features(qs, "accent", chunk, cand, 0.25)[slot] == 0.25
    own = features(qs, "accent", chunk, cand)
    assert own[slot] == pytest.approx(text_cover(qs, "accent", index.tables["accent"], index.chunks, [0])[0])


def test_no_rows_or_no_known_tokens(index):
    qs = query_side("qqqq wwww", "folded", index.idf("folded"))
    assert text_cover(qs, "folded", index.tables["folded"], index.chunks, []).shape == (0,)
    assert not text_cover(qs, "folded", index.tables["folded"], index.chunks, [0, 1]).any()


def test_still_equal_after_adding_and_deleting(law_chunks):
    from legal_corpus.chunking import chunk_documents
    from legal_corpus.loaders.demo import load_demo

    index = LegalIndex.build(list(chunk_documents(load_demo())), workers=1)
    index.add(law_chunks, workers=1)
    index.delete_documents([index.chunks[0].doc_id])
    qs = query_side("đăng ký thường trú tại công an xã", "accent", index.idf("accent"))
    fast = text_cover(qs, "accent", index.tables["accent"], index.chunks, range(len(index.chunks)))
    slow = [_idf_cover(qs.tokens, _text_field(c.text, "accent"), qs.weight, qs.total) for c in index.chunks]
    assert fast.tolist() == pytest.approx(slow, abs=1e-12) and max(slow) > 0
