import json
from datetime import date

import numpy as np
import pytest

from retrieval.fusion import best_per_article, rrf, top_rows, weighted
from retrieval.index import LegalIndex
from retrieval.store import IndexLoadError, recover
from retrieval.types import Filters


def _search(index, q, **kw):
    return [h.chunk.citation for h in index.search(q, use_references=False, **kw)]


def test_search_finds_the_article_with_and_without_accents(law_chunks):
    index = LegalIndex.build(law_chunks, workers=1)
    assert _search(index, "thủ tục đăng ký khai sinh", k=1) == ["Điều 16 Luật Hộ tịch 2014 (60/2014/QH13)"]
    assert _search(index, "thu tuc dang ky khai sinh", k=1) == ["Điều 16 Luật Hộ tịch 2014 (60/2014/QH13)"]
    assert _search(index, "khong doi mu bao hiem bi phat bao nhieu", k=1)[0].startswith("Điều 6 Nghị định")


def test_hits_carry_citation_ref_score_text_and_url(law_chunks):
    index = LegalIndex.build(law_chunks, workers=1)
    hit = index.search("cấp thẻ căn cước từ đủ 14 tuổi", k=3, use_references=False)[0]
    assert hit.rank == 1 and hit.score > 0
    assert hit.unit_id == "vb:26/2023/QH15/d19" and hit.article_ref == hit.unit_id
    assert "14 tuổi" in hit.chunk.text
    assert hit.chunk.source_url == "http://example.test/26/2023/QH15"
    assert set(hit.scores) == {"bm25"}


def test_one_hit_per_article_best_chunk_wins(demo_chunks):
    index = LegalIndex.build(demo_chunks, workers=1)
    hits = index.search("giấy tờ làm hộ chiếu", k=10, use_references=False)
    refs = [h.article_ref for h in hits]
    assert len(refs) == len(set(refs)) == 10
    assert refs[0] == "DEMO-XNC-01"
    sections = {c.id for c in demo_chunks if c.article_ref == "DEMO-XNC-01"}
    assert len(sections) > 1 and hits[0].chunk.id in sections


def test_filters(law_chunks):
    index = LegalIndex.build(law_chunks, workers=1)
    q = "đăng ký"
    assert {h.chunk.doc_type for h in index.search(q, k=10, filters=Filters(doc_types=("Nghị định",)),
                                                   use_references=False)} <= {"Nghị định"}
    only = index.search("xử phạt", k=10, filters=Filters(doc_numbers=("100/2019/nđ-cp",)), use_references=False)
    assert only and {h.chunk.doc_number for h in only} == {"100/2019/NĐ-CP"}
    gov = index.search("đăng ký xe phạt", k=10, filters=Filters(issuers=("chính phủ",)), use_references=False)
    assert gov and {h.chunk.issuer for h in gov} == {"Chính phủ"}
    residence = "đăng ký thường trú tại công an xã"
    assert _search(index, residence, k=1) == ["Điều 21 Luật Cư trú cũ 2006 (81/2006/QH11)"]
    in_force = _search(index, residence, k=10, filters=Filters(in_force_on=date(2025, 1, 1)))
    assert all("81/2006/QH11" not in c for c in in_force)
    before = _search(index, "thẻ căn cước", k=10, filters=Filters(in_force_on=date(2023, 1, 1)))
    assert all("26/2023/QH15" not in c for c in before)
    assert index.search(q, filters=Filters(collections=("other",)), use_references=False) == []


def test_save_load_roundtrip_and_manifest(law_chunks, tmp_path):
    index = LegalIndex.build(law_chunks, workers=1)
    manifest = index.save(tmp_path / "idx", build={"embedder_spec": "none"})
    assert manifest["chunk_count"] == len(law_chunks) and manifest["embedder"] is None
    on_disk = json.loads((tmp_path / "idx" / "manifest.json").read_text())
    assert on_disk["format_version"] == 1 and on_disk["corpus_fingerprint"] == index.fingerprint()
    loaded = LegalIndex.load(tmp_path / "idx")
    q = "ghi nội dung khai sinh vào sổ hộ tịch"
    assert _search(loaded, q, k=3) == _search(index, q, k=3)
    assert [c.id for c in loaded.chunks] == [c.id for c in index.chunks]


@pytest.mark.parametrize("damage", ["missing_dir", "no_manifest", "bad_manifest", "old_format",
                                    "truncated_chunks", "missing_bm25", "count_mismatch"])
def test_corrupt_or_missing_index_gives_a_clear_error(law_chunks, tmp_path, damage):
    directory = tmp_path / "idx"
    LegalIndex.build(law_chunks, workers=1).save(directory)
    if damage == "missing_dir":
        directory = tmp_path / "nothing"
    elif damage == "no_manifest":
        (directory / "manifest.json").unlink()
    elif damage == "bad_manifest":
        (directory / "manifest.json").write_text("{not json")
    elif damage == "old_format":
        m = json.loads((directory / "manifest.json").read_text())
        (directory / "manifest.json").write_text(json.dumps({**m, "format_version": 0}))
    elif damage == "truncated_chunks":
        data = (directory / "chunks.jsonl").read_bytes()
        (directory / "chunks.jsonl").write_bytes(data[: len(data) // 2])
    elif damage == "missing_bm25":
        for f in (directory / "bm25-accent").iterdir():
            f.unlink()
    elif damage == "count_mismatch":
        lines = (directory / "chunks.jsonl").read_text().splitlines()
        (directory / "chunks.jsonl").write_text("\n".join(lines[:-1]) + "\n")
    with pytest.raises(IndexLoadError) as exc:
        LegalIndex.load(directory)
    assert "\n" not in str(exc.value) and str(directory.name) in str(exc.value)


def test_add_and_delete_without_rebuilding_from_scratch(law_chunks, demo_chunks, tmp_path):
    index = LegalIndex.build(law_chunks, workers=1)
    index.add(demo_chunks, workers=1)
    assert {c.collection for c in index.chunks} == {"laws", "demo"}
    assert index.search("lam ho chieu", k=1, use_references=False)[0].chunk.collection == "demo"
    assert index.search("lam ho chieu", k=3, filters=Filters(collections=("laws",)),
                        use_references=False)[0].chunk.collection == "laws"
    removed = index.delete_documents({"vb:60/2014/QH13"})
    assert removed == 3
    for q in ("thủ tục đăng ký khai sinh", "thu tuc dang ky khai sinh giay chung sinh"):
        assert all(h.chunk.doc_id != "vb:60/2014/QH13" for h in index.search(q, k=50, use_references=False))
    index.save(tmp_path / "idx")
    reloaded = LegalIndex.load(tmp_path / "idx")
    assert all(c.doc_id != "vb:60/2014/QH13" for c in reloaded.chunks)
    assert all(h.chunk.doc_id != "vb:60/2014/QH13"
               for h in reloaded.search("giấy chứng sinh sổ hộ tịch", k=50, use_references=False))
    assert reloaded.delete_collection("demo") == len(demo_chunks)
    assert {c.collection for c in reloaded.chunks} == {"laws"}


def test_re_adding_a_document_replaces_its_old_chunks(law_chunks):
    index = LegalIndex.build(law_chunks, workers=1)
    before = len(index.chunks)
    index.add([c for c in law_chunks if c.doc_id == "vb:26/2023/QH15"], workers=1)
    assert len(index.chunks) == before


def test_re_adding_builds_bm25_once_and_a_failed_add_leaves_the_deletion_searchable(law_chunks, monkeypatch):
    from retrieval import index as index_module

    index = LegalIndex.build(law_chunks, workers=1)
    builds = []
    build = index_module.LexicalIndex.build
    monkeypatch.setattr(index_module.LexicalIndex, "build", lambda table: builds.append(1) or build(table))
    doc = [c for c in law_chunks if c.doc_id == "vb:26/2023/QH15"]
    index.add(doc, workers=1)
    assert len(builds) == len(index_module.VIEWS)

    def fail(*args, **kwargs):
        raise RuntimeError("tokenizer down")

    monkeypatch.setattr(index_module, "tokenize_into", fail)
    with pytest.raises(RuntimeError):
        index.add([c for c in law_chunks if c.doc_id == "vb:60/2014/QH13"], workers=1)
    assert all(c.doc_id != "vb:60/2014/QH13" for c in index.chunks)
    assert {len(t.docs) for t in index.tables.values()} == {len(index.chunks)}
    assert all(h.chunk.doc_id != "vb:60/2014/QH13"
               for h in index.search("thủ tục đăng ký khai sinh", k=50, use_references=False))


def test_atomic_save_keeps_the_previous_index_when_a_build_fails(law_chunks, tmp_path, monkeypatch):
    directory = tmp_path / "idx"
    LegalIndex.build(law_chunks[:3], workers=1).save(directory)
    bigger = LegalIndex.build(law_chunks, workers=1)
    from retrieval import lexical

    def boom(self, path):
        raise OSError("disk full")

    monkeypatch.setattr(lexical.LexicalIndex, "save", boom)
    with pytest.raises(OSError):
        bigger.save(directory)
    assert len(LegalIndex.load(directory).chunks) == 3
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".idx.tmp")]
    # a crash between the two renames leaves the old index beside; recover() puts it back
    directory.rename(tmp_path / ".idx.old-1")
    recover(directory)
    assert len(LegalIndex.load(directory).chunks) == 3


def test_fusion_helpers():
    scores = np.array([0.0, 3.0, 1.0, 2.0])
    assert top_rows(scores, 2).tolist() == [1, 3]
    assert top_rows(scores, 10, mask=np.array([True, False, True, True])).tolist() == [3, 2]
    fused = rrf({"a": [1, 2], "b": [2, 3]}, k=1)
    assert fused[2] == pytest.approx(1 / 3 + 1 / 2)
    w = weighted({"bm25": {1: 10.0, 2: 5.0}, "dense": {2: 0.8, 3: 0.4}}, {"bm25": 1.0, "dense": 0.5})
    assert w == pytest.approx({1: 1.0, 2: 0.5 + 0.5, 3: 0.25})
    assert best_per_article({0: 0.9, 1: 0.8, 2: 0.7}, ["A", "A", "B"], 5) == [(0, 0.9), (2, 0.7)]


def test_named_references_rank_first(law_chunks):
    index = LegalIndex.build(law_chunks, workers=1)
    hits = index.search("dieu 17 luat ho tich", k=3)
    assert hits[0].matched == "reference" and hits[0].citation.startswith("Điều 17 Luật Hộ tịch")
    hit = index.search("khoản 2 Điều 16 Luật Hộ tịch", k=3)[0]
    assert hit.unit_id == "vb:60/2014/QH13/d16/k2" and hit.chunk.unit_id == "vb:60/2014/QH13/d16"
    assert index.search("Điều 5 nghị định 100/2019/nđ-cp", k=1)[0].citation.startswith("Điều 5 Nghị định")
    # A document named inside a longer question is context, not the answer.
    long_q = index.search("Luật Hộ tịch quy định thế nào về thẩm quyền đăng ký kết hôn", k=3)
    assert long_q[0].matched == "search" and long_q[0].citation.startswith("Điều 17")
    # Filters apply to references too.
    assert all(h.matched != "reference" for h in
               index.search("Điều 17 Luật Hộ tịch", k=3, filters=Filters(doc_types=("Nghị định",))))


def test_reindexing_a_collection_reuses_tokens_of_unchanged_chunks(law_chunks, monkeypatch):
    from dataclasses import replace

    from retrieval import index as index_module

    index = LegalIndex.build(law_chunks, workers=1)
    tokenized = []
    real = index_module.tokenize_into
    monkeypatch.setattr(index_module, "tokenize_into",
                        lambda tables, chunks, *a, **k: (tokenized.extend(chunks), real(tables, chunks, *a, **k)))
    changed = [replace(c, text=c.text + " Sửa đổi.") if c.unit_id.endswith("/d19") else c for c in law_chunks]
    index.delete_collection("laws")
    index.add(changed, workers=1)
    assert [c.unit_id for c in tokenized] == ["vb:26/2023/QH15/d19"]
    assert len(index.chunks) == len(law_chunks)
    assert index.search("thẻ căn cước sửa đổi", k=1, use_references=False)[0].unit_id.endswith("/d19")
    assert index.search("thủ tục đăng ký khai sinh", k=1, use_references=False)[0].unit_id.endswith("/d16")


def test_search_file_loads_the_index_once_and_writes_hits(law_chunks, tmp_path):
    from retrieval.batch import search_file

    directory = tmp_path / "idx"
    LegalIndex.build(law_chunks, workers=1).save(directory, build={"embedder_spec": "none"})
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"id": 1, "question": "mũ bảo hiểm"}\n{"id": 2, "question": ""}\nnot json\n',
                       encoding="utf-8")
    stats = search_file(directory, queries, tmp_path / "out" / "hits.jsonl", k=2)
    assert (stats.queries, stats.skipped, len(stats.latencies_ms)) == (1, 2, 1)
    rows = [json.loads(x) for x in (tmp_path / "out" / "hits.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows[0]["id"] == 1 and rows[0]["hits"][0]["citation"].startswith("Điều 6 Nghị định")
    with pytest.raises(IndexLoadError):
        search_file(tmp_path / "missing", queries, tmp_path / "o.jsonl")
