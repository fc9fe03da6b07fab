import numpy as np

from retrieval.lexical import LexicalIndex, TokenTable, lexical_tokens, query_view


def test_accented_and_folded_views():
    assert lexical_tokens("Thủ tục làm Căn cước", "accent") == [
        "thủ", "tục", "làm", "căn", "cước", "thủ_tục", "tục_làm", "làm_căn", "căn_cước"]
    assert lexical_tokens("Thủ tục làm Căn cước", "folded")[:5] == ["thu", "tuc", "lam", "can", "cuoc"]


def test_unaccented_query_matches_the_folded_view_of_accented_text():
    text = lexical_tokens("thủ tục làm căn cước", "folded")
    assert text == lexical_tokens("thu tuc lam can cuoc", "folded")
    assert query_view("thu tuc lam can cuoc") == "folded"
    assert query_view("thủ tục") == "accent"
    assert query_view("lam ho chieu mat bao lau, có được không") == "folded"  # mostly typed bare
    assert query_view("Làm hộ chiếu cho con ở đâu?") == "accent"


def test_one_letter_syllables_are_kept():
    toks = lexical_tokens("Y tế ở xã", "accent")
    assert "y" in toks and "ở" in toks and "y_tế" in toks


def test_token_table_roundtrip_merge_and_keep(tmp_path):
    a = TokenTable()
    a.append(["x", "y"])
    other = TokenTable()
    other.append(["y", "z", "z"])
    a.merge(other.words(), other.docs)
    assert [a.words()[i] for i in a.docs[1]] == ["y", "z", "z"]
    a.save(tmp_path / "t.npz")
    b = TokenTable.load(tmp_path / "t.npz")
    assert b.vocab == a.vocab and [d.tolist() for d in b.docs] == [d.tolist() for d in a.docs]
    b.keep(np.array([1]))
    assert [b.words()[i] for i in b.docs[0]] == ["y", "z", "z"]


def test_bm25_scores_rank_the_matching_document_first():
    table = TokenTable()
    for text in ["đăng ký khai sinh cho trẻ", "đăng ký kết hôn", "cấp thẻ căn cước"]:
        table.append(lexical_tokens(text, "accent"))
    index = LexicalIndex.build(table)
    scores = index.scores(lexical_tokens("khai sinh", "accent"))
    assert scores.shape == (3,) and int(np.argmax(scores)) == 0 and scores[2] == 0
    assert not index.scores(["không", "có"]).any()
