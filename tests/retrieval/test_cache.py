"""The search-result cache: LRU order, unhashable keys, and never a stale result after a change."""

from retrieval.cache import ResultCache
from retrieval.index import LegalIndex
from retrieval.types import Filters


def test_lru_keeps_the_most_recently_used():
    cache = ResultCache(2)
    cache.put("a", [1])
    cache.put("b", [2])
    assert cache.get("a") == (1,)  # "a" is now the most recent
    cache.put("c", [3])
    assert cache.get("b") is None and cache.get("a") == (1,) and cache.get("c") == (3,)
    assert (cache.hits, cache.misses) == (3, 1)


def test_unhashable_keys_and_size_zero_are_never_cached():
    cache = ResultCache(4)
    assert cache.put(["list"], [1]) == (1,) and cache.get(["list"]) is None and len(cache) == 0
    off = ResultCache(0)
    off.put("a", [1])
    assert off.get("a") is None


def test_repeated_search_is_served_from_the_cache_and_cleared_by_a_delete(law_chunks):
    index = LegalIndex.build(law_chunks, workers=1)
    query, filters = "thủ tục đăng ký khai sinh", Filters(collections=("laws",))
    first = index.search(query, k=5, filters=filters, use_references=False)
    assert index._results.misses == 1
    again = index.search(query, k=5, filters=filters, use_references=False)
    assert again == first and again is not first and index._results.hits == 1
    assert index.search(query, k=3, filters=filters, use_references=False) == first[:3]  # k is in the key
    doc = first[0].chunk.doc_id
    index.delete_documents({doc})
    assert all(h.chunk.doc_id != doc for h in index.search(query, k=5, filters=filters, use_references=False))


def test_swapping_the_reranker_forgets_cached_results(law_chunks):
    index = LegalIndex.build(law_chunks, workers=1)
    index.search("thủ tục đăng ký khai sinh", k=5)
    assert len(index._results) == 1
    index.reranker = None
    assert len(index._results) == 0


def test_open_index_takes_the_cache_size(law_chunks, tmp_path):
    from retrieval.index import open_index

    LegalIndex.build(law_chunks, workers=1).save(tmp_path / "idx")
    index = open_index(tmp_path / "idx", cache_size=0)
    index.search("thủ tục đăng ký khai sinh", k=3)
    assert len(index._results) == 0 and index._results.misses == 1
