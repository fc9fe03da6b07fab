"""DenseIndex search/persistence and the resumable embedding cache, with a fake embedder."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from retrieval import dense
from retrieval.dense import (
    DenseIndex,
    DenseIndexError,
    EmbeddingCache,
    EmbeddingCacheError,
    recall_against_exact,
)


def unit_rows(n: int, dim: int, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


class FakeEmbedder:
    """Deterministic: text hash → random unit vector. Counts texts; can fail after N texts."""

    def __init__(self, dim: int = 16, name: str = "fake:hash", fail_after: int | None = None) -> None:
        self.dim, self.name, self.fail_after = dim, name, fail_after
        self.embedded: list[str] = []

    def vector(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        return unit_rows(1, self.dim, seed)[0]

    def embed_passages(self, texts):
        if self.fail_after is not None and len(self.embedded) + len(texts) > self.fail_after:
            raise RuntimeError("simulated crash")
        self.embedded.extend(texts)
        return np.stack([self.vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    embed_queries = embed_passages


# --- DenseIndex ---------------------------------------------------------------------------------

def test_auto_kind_and_flat_search_is_exact():
    x, q = unit_rows(500, 32), unit_rows(5, 32, seed=1)
    index = DenseIndex.build(x)
    assert (index.kind, index.ntotal, index.dim) == ("flat", 500, 32)
    scores, rows = index.search(q, 7)
    expected = np.argsort(-(q @ x.T), axis=1)[:, :7]
    assert np.array_equal(rows, expected)
    assert np.allclose(scores, np.take_along_axis(q @ x.T, expected, axis=1), atol=1e-5)
    assert np.all(np.diff(scores, axis=1) <= 1e-6)  # best first


def test_flat_and_hnsw_agree_on_top1():
    x = unit_rows(2000, 32)
    queries = x[:50] + 0.05 * unit_rows(50, 32, seed=3)  # near-duplicates of known rows
    _, flat_rows = DenseIndex.build(x, kind="flat").search(queries, 1)
    hnsw = DenseIndex.build(x, kind="hnsw")
    assert hnsw.kind == "hnsw"
    _, hnsw_rows = hnsw.search(queries, 1)
    assert np.array_equal(flat_rows[:, 0], np.arange(50))
    assert np.array_equal(hnsw_rows, flat_rows)


def test_missing_slots_are_minus_one():
    index = DenseIndex.build(unit_rows(3, 8))
    scores, rows = index.search(unit_rows(1, 8, seed=5)[0], 5)  # a single 1-d query is accepted
    assert rows.shape == (1, 5) and sorted(rows[0, :3]) == [0, 1, 2]
    assert list(rows[0, 3:]) == [-1, -1] and np.all(np.isneginf(scores[0, 3:]))


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
@pytest.mark.parametrize("n_allowed", [3, 150, 900])  # sparse mask (exact path) and dense mask
def test_allowed_mask_never_returns_disallowed_rows(kind, n_allowed, monkeypatch):
    monkeypatch.setattr(dense, "EXACT_MAX_ALLOWED", 100)  # make HNSW use over-fetching for the larger masks
    x = unit_rows(1000, 16)
    index = DenseIndex.build(x, kind=kind)
    rng = np.random.default_rng(7)
    allowed = np.zeros(1000, dtype=bool)
    allowed[rng.choice(1000, n_allowed, replace=False)] = True
    deleted = np.flatnonzero(~allowed)[:5]
    queries = x[deleted]  # each query's best match is a deleted row
    scores, rows = index.search(queries, 10, allowed=allowed)
    got = rows[rows >= 0]
    assert len(got) and allowed[got].all() and not np.isin(deleted, got).any()
    assert (rows >= 0).sum(axis=1).tolist() == [min(10, n_allowed)] * 5
    exact = np.where(allowed, queries @ x.T, -np.inf)
    best = np.argmax(exact, axis=1)
    if kind == "flat" or n_allowed <= 100:
        assert np.array_equal(rows[:, 0], best)
    else:
        assert np.mean(rows[:, 0] == best) >= 0.8
    assert np.all(scores[rows >= 0] <= 1.0001)


@pytest.mark.parametrize("density", [0.1, 0.9])
def test_masked_flat_search_matches_brute_force_for_many_queries(density):
    x, q = unit_rows(400, 16), unit_rows(150, 16, seed=8)  # more queries than one block
    allowed = np.random.default_rng(1).random(400) < density
    scores, rows = DenseIndex.build(x).search(q, 5, allowed=allowed)
    sims = np.where(allowed, q @ x.T, -np.inf)
    expected = np.argsort(-sims, axis=1, kind="stable")[:, :5]
    assert np.array_equal(rows, expected)
    assert np.allclose(scores, np.take_along_axis(sims, expected, axis=1), atol=1e-5)


def test_all_disallowed_and_bad_mask():
    index = DenseIndex.build(unit_rows(10, 8))
    _, rows = index.search(unit_rows(2, 8), 3, allowed=np.zeros(10, dtype=bool))
    assert (rows == -1).all()
    with pytest.raises(ValueError, match="mask"):
        index.search(unit_rows(2, 8), 3, allowed=np.ones(9, dtype=bool))


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_add_then_search_finds_new_rows(kind):
    index = DenseIndex.build(unit_rows(200, 16), kind=kind)
    new = unit_rows(3, 16, seed=99)
    index.add(new)
    assert index.ntotal == 203
    _, rows = index.search(new, 1)
    assert rows[:, 0].tolist() == [200, 201, 202]
    with pytest.raises(ValueError):
        index.add(unit_rows(2, 8))


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_save_load_roundtrip(tmp_path, kind):
    x, q = unit_rows(300, 16), unit_rows(4, 16, seed=2)
    index = DenseIndex.build(x, kind=kind)
    index.save(tmp_path / "dense.faiss")
    assert [p.name for p in tmp_path.iterdir()] == ["dense.faiss"]  # no temp file left behind
    loaded = DenseIndex.load(tmp_path / "dense.faiss")
    assert (loaded.kind, loaded.ntotal, loaded.dim) == (kind, 300, 16)
    for a, b in zip(index.search(q, 5), loaded.search(q, 5), strict=True):
        assert np.array_equal(a, b)


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "missing"])
def test_corrupt_index_file_raises_dense_index_error(tmp_path, damage):
    path = tmp_path / "dense.faiss"
    DenseIndex.build(unit_rows(100, 16), kind="hnsw").save(path)
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(np.random.default_rng(0).bytes(4096))
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.unlink()
    with pytest.raises(DenseIndexError) as info:
        DenseIndex.load(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_recall_against_exact_is_high_on_random_data():
    x = unit_rows(3000, 64)
    assert recall_against_exact(x, unit_rows(30, 64, seed=4), k=10) >= 0.9


def test_set_threads(monkeypatch):
    monkeypatch.setattr(dense, "_threads", None)
    dense.set_threads(1)
    assert dense._threads == 1
    _, rows = DenseIndex.build(unit_rows(50, 8)).search(unit_rows(1, 8), 2)
    assert (rows >= 0).all()


# --- EmbeddingCache --------------------------------------------------------------------------------

TEXTS = [f"Điều {i}. Văn bản số {i}" for i in range(100)]


def test_second_call_embeds_nothing_and_vectors_match(tmp_path):
    emb = FakeEmbedder()
    first = EmbeddingCache(tmp_path, 16, emb.name).embed(TEXTS, emb, batch_size=8)
    assert len(emb.embedded) == 100
    assert np.allclose(first, np.stack([emb.vector(t) for t in TEXTS]))
    again = FakeEmbedder()
    cache = EmbeddingCache(tmp_path, 16, emb.name)  # reopened from disk
    assert len(cache) == 100
    second = cache.embed(TEXTS[::-1], again)
    assert again.embedded == []
    seen: list[int] = []
    cache.embed(TEXTS, again, progress=seen.append)
    assert seen == [100] and again.embedded == []
    assert np.array_equal(second, first[::-1])
    found, vecs = cache.get_many(["Điều 3. Văn bản số 3", "unseen"])
    assert found.tolist() == [True, False]
    assert np.array_equal(vecs[0], first[3]) and not vecs[1].any()


def test_duplicates_embedded_once_and_progress_reaches_total(tmp_path):
    emb = FakeEmbedder()
    cache = EmbeddingCache(tmp_path, 16, emb.name)
    cache.embed(TEXTS[:10], emb)
    seen: list[int] = []
    texts = TEXTS[:20] + TEXTS[5:15]  # 10 cached, 10 new, 10 repeats
    out = cache.embed(texts, emb, batch_size=4, progress=seen.append)
    assert emb.embedded == TEXTS[:10] + TEXTS[10:20]
    assert seen == [15, 23, 28, 30]  # 15 positions cached; then batches of 4 distinct texts, repeats counted
    assert np.array_equal(out[20:], out[5:15])


def test_shards_are_flushed_during_the_run(tmp_path):
    emb = FakeEmbedder()
    cache = EmbeddingCache(tmp_path, 16, emb.name)
    on_disk: list[int] = []
    cache.embed(TEXTS, emb, batch_size=10, flush_every=20,
                progress=lambda n: on_disk.append(len(list(tmp_path.glob("shard-*.npz")))))
    assert on_disk[1] == 1 and on_disk[-1] == 5  # a shard every 2 batches, before the run ends
    assert not list(tmp_path.glob(".*tmp"))


def test_crash_mid_way_then_resume_embeds_only_the_rest(tmp_path):
    crashing = FakeEmbedder(fail_after=45)
    with pytest.raises(RuntimeError, match="simulated"):
        EmbeddingCache(tmp_path, 16, crashing.name).embed(TEXTS, crashing, batch_size=10)
    assert len(crashing.embedded) == 40
    resumed = FakeEmbedder()
    out = EmbeddingCache(tmp_path, 16, resumed.name).embed(TEXTS, resumed, batch_size=10)
    assert resumed.embedded == TEXTS[40:]
    assert np.allclose(out, np.stack([resumed.vector(t) for t in TEXTS]))


def test_truncated_shard_is_reported_and_its_texts_re_embedded(tmp_path):
    emb = FakeEmbedder()
    cache = EmbeddingCache(tmp_path, 16, emb.name)
    cache.embed(TEXTS[:30], emb, batch_size=10, flush_every=10)
    shards = sorted(tmp_path.glob("shard-*.npz"))
    assert len(shards) == 3
    shards[-1].write_bytes(shards[-1].read_bytes()[:200])
    with pytest.warns(UserWarning, match="shard-00003.npz"):
        reopened = EmbeddingCache(tmp_path, 16, emb.name)
    assert len(reopened) == 20 and len(reopened.problems) == 1
    again = FakeEmbedder()
    out = reopened.embed(TEXTS[:30], again)
    assert again.embedded == TEXTS[20:30]
    assert np.allclose(out, np.stack([again.vector(t) for t in TEXTS[:30]]))
    assert len(EmbeddingCache(tmp_path, 16, emb.name)) == 30  # the bad shard was set aside, the new one is good


def test_other_model_or_dim_is_refused(tmp_path):
    emb = FakeEmbedder()
    EmbeddingCache(tmp_path, 16, emb.name).embed(TEXTS[:3], emb)
    with pytest.raises(EmbeddingCacheError, match="fake:hash"):
        EmbeddingCache(tmp_path, 16, "fake:other")
    with pytest.raises(EmbeddingCacheError):
        EmbeddingCache(tmp_path, 32, emb.name)
    with pytest.raises(EmbeddingCacheError, match="does not match"):
        EmbeddingCache(tmp_path, 16, emb.name).embed(TEXTS, FakeEmbedder(name="fake:other"))


def test_empty_input(tmp_path):
    emb = FakeEmbedder()
    out = EmbeddingCache(tmp_path, 16, emb.name).embed([], emb)
    assert out.shape == (0, 16) and emb.embedded == []
