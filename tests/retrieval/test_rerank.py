import json

import numpy as np

from retrieval.index import DEFAULT_WEIGHTS, LegalIndex
from retrieval.rerank import FEATURES, Candidate, Reranker, features, load_reranker, query_side


def test_feature_vector_matches_the_feature_names(law_chunks):
    chunk = law_chunks[1]
    row = features(query_side("thủ tục đăng ký khai sinh", "accent"), "accent", chunk, Candidate(0, 0, 1.0, None, 2))
    assert len(row) == len(FEATURES) == len(set(FEATURES))
    named = dict(zip(FEATURES, row, strict=True))
    assert named["q_in_heading"] > 0.5 and named["inv_rank"] == 1.0 and named["type=Luật"] == 1.0


def test_json_roundtrip_and_mismatch(tmp_path):
    n = len(FEATURES)
    model = Reranker(np.arange(n, dtype=float), 0.5, np.zeros(n), np.ones(n))
    path = tmp_path / "w.json"
    path.write_text(json.dumps(model.to_json()))
    loaded = load_reranker(path)
    x = np.ones((2, n))
    assert np.allclose(loaded.score(x), model.score(x))
    path.write_text(json.dumps({**model.to_json(), "features": ["other"]}))
    assert load_reranker(path) is None
    assert load_reranker(tmp_path / "missing.json") is None


def test_reranker_reorders_and_scores_are_probabilities(law_chunks):
    index = LegalIndex.build(law_chunks, workers=1)
    n = len(FEATURES)
    weights = np.zeros(n)
    weights[FEATURES.index("log_length")] = -5.0  # prefer the shortest article
    index.reranker = Reranker(weights, 0.0, np.zeros(n), np.ones(n))
    ranked = index.rank("đăng ký", None, DEFAULT_WEIGHTS, limit=5)
    lengths = [len(index.chunks[c.row].text) for c, _ in ranked]
    assert lengths == sorted(lengths)
    assert all(0.0 < s < 1.0 for _, s in ranked)


def test_training_script_writes_weights(law_chunks, tmp_path):
    from eval.train_reranker import main

    index_dir = tmp_path / "idx"
    LegalIndex.build(law_chunks, workers=1).save(index_dir)
    questions = [("khai sinh nộp tờ khai", "vb:60/2014/QH13/d16"), ("thẩm quyền kết hôn", "vb:60/2014/QH13/d17"),
                 ("thẻ căn cước 14 tuổi", "vb:26/2023/QH15/d19"), ("mũ bảo hiểm xe mô tô", "vb:100/2019/NĐ-CP/d6"),
                 ("xe ô tô hiệu lệnh", "vb:100/2019/NĐ-CP/d5"), ("ảnh khuôn mặt vân tay", "vb:26/2023/QH15/d23"),
                 ("ủy ban xã đăng ký khai sinh", "vb:60/2014/QH13/d13"), ("thường trú công an", "vb:81/2006/QH11/d21")]
    qfile = tmp_path / "dev.jsonl"
    qfile.write_text("\n".join(json.dumps({"id": str(i), "question": q, "gold": [g]}, ensure_ascii=False)
                               for i, (q, g) in enumerate(questions * 2)), encoding="utf-8")
    out = tmp_path / "weights.json"
    assert main(["--pair", f"{qfile}={index_dir}", "--out", str(out), "--data", str(tmp_path)]) == 0
    model = load_reranker(out)
    assert model is not None and model.weights.shape == (len(FEATURES),)


def test_training_script_reports_bad_input(tmp_path, capsys):
    from eval.train_reranker import main

    assert main(["--pair", f"{tmp_path / 'none.jsonl'}={tmp_path / 'idx'}", "--data", str(tmp_path)]) == 2
    assert "error:" in capsys.readouterr().err


def test_idf_weights_rare_tokens_higher(law_chunks):
    index = LegalIndex.build(law_chunks, workers=1)
    idf = index.idf("accent")
    assert idf("điều") < idf("vân") and idf("không-có-từ-này") == 0.0
    row = features(query_side("vân tay khuôn mặt", "accent", idf), "accent", law_chunks[-3], Candidate(0, 0, 1.0, None, 1))
    assert len(row) == len(FEATURES)


def test_candidates_the_reranker_rejects_are_not_shown(law_chunks):
    index = LegalIndex.build(law_chunks, workers=1)
    n = len(FEATURES)
    index.reranker = Reranker(np.zeros(n), -20.0, np.zeros(n), np.ones(n))  # every candidate ~0
    hits = index.search("Điều 17 Luật Hộ tịch", k=5)
    assert [h.matched for h in hits] == ["reference"]


def _procedure_sections(*names):
    from legal_corpus.models import Chunk, Level

    return [Chunk(id=f"p{i}#ho-so", unit_id=f"p{i}#ho-so", article_ref=f"P{i}", collection="procedures",
                  doc_id=f"p{i}", heading="Thành phần hồ sơ", text="Tờ khai theo mẫu.", citation=name,
                  context=name, level=Level.SECTION.value) for i, name in enumerate(names)]


def _refs(ranked, chunks):
    return [chunks[c.row].article_ref for c, _ in ranked]


def _ranked(chunks, order):
    return [(Candidate(i, rank, 1.0, None, 1), 0.9 - 0.1 * rank) for rank, i in enumerate(order)]


def _idf(token):
    """As in the portal corpus: "đăng ký" and "thủ tục" are in most procedure names."""
    return 0.1 if token in {"dang", "ky", "dang_ky", "thu", "tuc", "thu_tuc"} else 1.0


def test_plain_procedure_goes_above_a_variant_whose_qualifier_the_question_lacks():
    from retrieval.rerank import prefer_plain_variants

    chunks = _procedure_sections("Thủ tục đăng ký khai sinh có yếu tố nước ngoài", "Thủ tục đăng ký kết hôn",
                                 "Đăng ký khai sinh")
    ranked = prefer_plain_variants("lam giay khai sinh cho con can giay to gi", _ranked(chunks, [0, 1, 2]),
                                   chunks, _idf)
    assert _refs(ranked, chunks) == ["P2", "P0", "P1"]
    assert [s for _, s in ranked] == sorted((s for _, s in ranked), reverse=True)  # scores keep their order


def test_variant_keeps_its_place_when_the_question_names_the_qualifier():
    from retrieval.rerank import prefer_plain_variants

    chunks = _procedure_sections("Đăng ký kết hôn có yếu tố nước ngoài", "Đăng ký kết hôn")
    for question in ("đăng ký kết hôn với người nước ngoài cần gì", "dang ky ket hon co yeu to nuoc ngoai"):
        ranked = prefer_plain_variants(question, _ranked(chunks, [0, 1]), chunks, _idf)
        assert _refs(ranked, chunks) == ["P0", "P1"], question


def test_a_contained_procedure_the_question_does_not_name_stays_put():
    from retrieval.rerank import prefer_plain_variants

    # "đăng ký khai sinh" is inside the bundled procedure's name, but the question is about khai tử.
    chunks = _procedure_sections("Liên thông đăng ký khai sinh, đăng ký khai tử, đăng ký thường trú",
                                 "Đăng ký khai tử", "Đăng ký khai sinh")
    ranked = prefer_plain_variants("bố em vừa mất, đăng ký khai tử cần gì", _ranked(chunks, [0, 1, 2]),
                                   chunks, _idf)
    assert _refs(ranked, chunks) == ["P1", "P0", "P2"]


def test_a_question_names_a_procedure_only_with_a_share_of_its_name(law_chunks):
    from retrieval.rerank import question_names

    chunk = _procedure_sections("Đăng ký việc nuôi con nuôi trong nước")[0]
    assert question_names("nhan con nuoi thi nguoi nhan phai hon con nuoi bao nhieu tuoi", chunk, _idf)
    assert not question_names("tội trộm cắp tài sản bị phạt tù bao nhiêu năm", chunk, _idf)
    assert not question_names("nuôi con nuôi", law_chunks[0], _idf)  # an article of law has no procedure name
