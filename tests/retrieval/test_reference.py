"""Exact legal references: parsing many phrasings, resolving on handmade and real chunks."""

from __future__ import annotations

import time

import pytest

from legal_corpus.models import Chunk
from retrieval.reference import LegalRef, ReferenceIndex, Resolved, parse_reference


def ref(article=None, clause=None, point=None, number=None, doc_type=None, name=None, year=None) -> LegalRef:
    return LegalRef(article, clause, point, number, doc_type, name, year)


@pytest.mark.parametrize("query, expected", [
    ("Điều 16 Luật Hộ tịch", ref("16", doc_type="Luật", name="ho tich")),
    ("dieu 16 luat ho tich", ref("16", doc_type="Luật", name="ho tich")),
    ("ĐIỀU 16 LUẬT HỘ TỊCH", ref("16", doc_type="Luật", name="ho tich")),
    ("Luật Hộ tịch, điều 16", ref("16", doc_type="Luật", name="ho tich")),
    ("Cho tôi xem Điều 16 Luật Hộ tịch năm 2014 với", ref("16", doc_type="Luật", name="ho tich nam", year=2014)),
    ("khoản 2 điều 8 nghị định 100/2019/NĐ-CP",
     ref("8", "2", number="100/2019/NĐ-CP", doc_type="Nghị định", year=2019)),
    ("khoan 2 dieu 8 nghi dinh 100/2019/nd-cp",
     ref("8", "2", number="100/2019/NĐ-CP", doc_type="Nghị định", year=2019)),
    ("Khoản 2, Điều 8 của Nghị định 100/2019/nđ-cp",
     ref("8", "2", number="100/2019/NĐ-CP", doc_type="Nghị định", year=2019)),
    ("điều 8 khoản 2 điểm a nghị định 100/2019/NĐ-CP",
     ref("8", "2", "a", number="100/2019/NĐ-CP", doc_type="Nghị định", year=2019)),
    ("Điểm a khoản 1 Điều 5 Nghị định 100/2019/NĐ-CP",
     ref("5", "1", "a", number="100/2019/NĐ-CP", doc_type="Nghị định", year=2019)),
    ("điểm đ khoản 2a Điều 5a Luật Hộ tịch", ref("5a", "2a", "đ", doc_type="Luật", name="ho tich")),
    ("diem dd khoan 2 dieu 5 luat ho tich", ref("5", "2", "đ", doc_type="Luật", name="ho tich")),
    ("diem d khoan 2 dieu 5 luat ho tich", ref("5", "2", "d", doc_type="Luật", name="ho tich")),
    ("thông tư 01/2022/TT-BCA", ref(number="01/2022/TT-BCA", doc_type="Thông tư", year=2022)),
    ("quyết định 2345/qđ-ttg", ref(number="2345/QĐ-TTg", doc_type="Quyết định")),
    ("Điều 3 Luật Căn cước 2023", ref("3", doc_type="Luật", name="can cuoc", year=2023)),
    ("điều 15 bộ luật dân sự", ref("15", doc_type="Bộ luật", name="dan su")),
    ("BLDS điều 15", ref("15", doc_type="Bộ luật", name="dan su")),
    ("Đ16 Luật Hộ tịch", ref("16", doc_type="Luật", name="ho tich")),
    ("Điều 16 của Luật số 60/2014/QH13", ref("16", number="60/2014/QH13", doc_type="Luật", year=2014)),
    ("điều 16 60/2014/qh13", ref("16", number="60/2014/QH13", doc_type="Luật", year=2014)),
    ("nghị định 100", ref(number="100", doc_type="Nghị định")),
    ("Nghị định số 100/2019", ref(number="100/2019", doc_type="Nghị định", year=2019)),
    ("khoản 3 điều 12 nghị định 123 năm 2015", ref("12", "3", number="123/2015", doc_type="Nghị định", year=2015)),
    ("Nghị định 100/2019/NĐ-CP điều 8 khoản 2",
     ref("8", "2", number="100/2019/NĐ-CP", doc_type="Nghị định", year=2019)),
    ("điều 16 luật hộ tịch (60/2014/QH13)", ref("16", number="60/2014/QH13", doc_type="Luật", year=2014)),
    ("Điều 5 Pháp lệnh Dân số", ref("5", doc_type="Pháp lệnh", name="dan so")),
    ("Nghị quyết 55/2010/QH12", ref(number="55/2010/QH12", doc_type="Nghị quyết", year=2010)),
    ("thông tư hướng dẫn nghị định 100/2019/NĐ-CP", ref(number="100/2019/NĐ-CP", doc_type="Nghị định", year=2019)),
    ("Điều 14 Hiến pháp 2013", ref("14", doc_type="Hiến pháp", year=2013)),
    ("1.000771", ref(number="1.000771")),
    ("thủ tục demo-ht-01 cần gì", ref(number="DEMO-HT-01")),
])
def test_parse_phrasings(query, expected):
    assert parse_reference(query) == expected


@pytest.mark.parametrize("query", [
    "Điều kiện đăng ký khai sinh là gì?",
    "dieu kien cap the can cuoc",
    "Khoản tiền hỗ trợ người cao tuổi là bao nhiêu?",
    "khoản 2 triệu đồng có phải nộp thuế không",
    "Điều 16 quy định gì?",  # an article without a document names nothing
    "theo quy định của pháp luật về hộ tịch",
    "luật sư tư vấn điều 5 thế nào",
    "nghị định mới về xử phạt giao thông",  # decrees are cited by number, not by topic
    "làm giấy khai sinh cho con ở đâu",
    "ngày 01/01/2021 có hiệu lực",
    "",
])
def test_no_reference_gives_none(query):
    assert parse_reference(query) is None


LONG_PART_1 = ("1. Khoản một của điều dài.\n2. Khoản hai.\na) Điểm a khoản hai.\nb) Điểm b khoản hai.\n"
               "3. Khoản ba.\na) Điểm a khoản ba.")
LONG_PART_2 = ("b) Điểm b khoản ba.\nc) Điểm c khoản ba.\n4. Khoản bốn.\na) Điểm a khoản bốn.\n"
               "5. Khoản năm.\na) Điểm a khoản năm.\nđ) Điểm đ khoản năm.")


def _chunk(uid, doc_id, article_no, title, doc_type, number, text, *, collection="phapdien", part=1, parts=1,
           article_ref="", status="in_force", level="dieu") -> Chunk:
    return Chunk(id=uid if parts == 1 else f"{uid}#p{part}", unit_id=uid, article_ref=article_ref or uid,
                 collection=collection, doc_id=doc_id, heading=f"Điều {article_no}", text=text,
                 citation=f"Điều {article_no} {title}", level=level, article_no=article_no, doc_title=title,
                 doc_type=doc_type, doc_number=number, status=status, part=part, parts=parts)


CHUNKS = [
    _chunk("pd:nd100/d8", "pd:100/2019/NĐ-CP", "8", "Nghị định Quy định xử phạt giao thông", "Nghị định",
           "100/2019/NĐ-CP", LONG_PART_1, part=1, parts=2),
    _chunk("pd:nd100/d8", "pd:100/2019/NĐ-CP", "8", "Nghị định Quy định xử phạt giao thông", "Nghị định",
           "100/2019/NĐ-CP", LONG_PART_2, part=2, parts=2),
    _chunk("pd:nd100/d5", "pd:100/2019/NĐ-CP", "5", "Nghị định Quy định xử phạt giao thông", "Nghị định",
           "100/2019/NĐ-CP", "1. Phạt tiền.\na) Điểm a.\nb) Điểm b."),
    _chunk("pd:ht/d16", "pd:60/2014/QH13", "16", "Luật Hộ tịch", "Luật", "60/2014/QH13",
           "1. Người đi đăng ký khai sinh nộp tờ khai.\n2. Công chức ghi Sổ hộ tịch."),
    _chunk("pd:ht/d2", "pd:60/2014/QH13", "2", "Luật Hộ tịch", "Luật", "60/2014/QH13", "Giải thích từ ngữ."),
    _chunk("pd:ht/pl1", "pd:60/2014/QH13", "1", "Luật Hộ tịch", "Luật", "60/2014/QH13", "Phụ lục.",
           level="phu_luc"),
    _chunk("pd:ht/d1", "pd:60/2014/QH13", "1", "Luật Hộ tịch", "Luật", "60/2014/QH13", "Phạm vi điều chỉnh."),
    _chunk("pd:ct/d16", "pd:68/2020/QH14", "16", "Luật Cư trú", "Luật", "68/2020/QH14", "Thủ tục tạm trú."),
    _chunk("pd:ct06/d16", "pd:81/2006/QH11", "16", "Luật Cư trú", "Luật", "81/2006/QH11", "Cư trú cũ.",
           status="repealed"),
    _chunk("pd:ds/d15", "pd:91/2015/QH13", "15", "Bộ luật Dân sự", "Bộ luật", "91/2015/QH13", "Dân sự."),
    _chunk("pd:ttds/d15", "pd:92/2015/QH13", "15", "Bộ luật Tố tụng dân sự", "Bộ luật", "92/2015/QH13", "TTDS."),
    _chunk("pd:nd100b/d1", "pd:100/2014/NĐ-CP", "1", "Nghị định Về kinh doanh", "Nghị định", "100/2014/NĐ-CP",
           "Phạm vi."),
    _chunk("pd:tt01/d2", "pd:01/2022/TT-BCA", "2", "Thông tư Quy định về căn cước", "Thông tư",
           "01/2022/TT-BCA", "Đối tượng."),
    _chunk("pd:tt01/d1", "pd:01/2022/TT-BCA", "1", "Thông tư Quy định về căn cước", "Thông tư",
           "01/2022/TT-BCA", "Phạm vi."),
    _chunk("alqac2025:Luật Căn cước#3", "alqac2025:Luật Căn cước", "3", "Luật Căn cước", "Luật", "",
           "Giải thích từ ngữ.", collection="alqac2025", article_ref="Luật Căn cước#3"),
    _chunk("pd:ccd/d3", "pd:59/2014/QH13", "3", "Luật Căn cước công dân", "Luật", "59/2014/QH13", "Cũ."),
    _chunk("tthc:1.000771#tong-quan", "tthc:1.000771", "Tổng quan", "Đăng ký khai sinh", "Thủ tục hành chính",
           "1.000771", "Tổng quan.", collection="procedures", article_ref="1.000771", level="section"),
    _chunk("tthc:1.000771#ho-so", "tthc:1.000771", "Thành phần hồ sơ", "Đăng ký khai sinh",
           "Thủ tục hành chính", "1.000771", "Hồ sơ.", collection="procedures", article_ref="1.000771",
           level="section"),
    _chunk("demo:DEMO-HT-01#tong-quan", "demo:DEMO-HT-01", "Tổng quan", "Đăng ký khai sinh", "Hướng dẫn", "",
           "Tổng quan.", collection="demo", article_ref="DEMO-HT-01", level="section"),
]


@pytest.fixture(scope="module")
def index() -> ReferenceIndex:
    return ReferenceIndex(CHUNKS)


def resolve(index: ReferenceIndex, query: str) -> list[Resolved]:
    parsed = parse_reference(query)
    assert parsed is not None, query
    return index.resolve(parsed)


def test_article_of_the_named_law_among_several_article_16(index):
    for query in ("Điều 16 Luật Hộ tịch", "dieu 16 luat ho tich", "Điều 16 của Luật số 60/2014/QH13"):
        hits = resolve(index, query)
        assert [(h.unit_id, h.exact) for h in hits] == [("pd:ht/d16", True)], query
        assert CHUNKS[hits[0].position].doc_number == "60/2014/QH13"


def test_clause_and_point_in_the_part_that_holds_them(index):
    assert resolve(index, "khoản 2 điều 8 nghị định 100/2019/NĐ-CP") == [Resolved(0, "pd:nd100/d8/k2", True)]
    assert resolve(index, "khoan 5 dieu 8 nghi dinh 100/2019/nd-cp") == [Resolved(1, "pd:nd100/d8/k5", True)]
    assert resolve(index, "điểm đ khoản 5 điều 8 NĐ 100/2019/NĐ-CP") == [Resolved(1, "pd:nd100/d8/k5/đ", True)]
    assert resolve(index, "Điểm a khoản 4 Điều 8 Nghị định 100/2019/NĐ-CP") == [Resolved(1, "pd:nd100/d8/k4/a", True)]
    assert resolve(index, "Điểm b khoản 2 Điều 8 Nghị định 100/2019/NĐ-CP") == [Resolved(0, "pd:nd100/d8/k2/b", True)]
    assert resolve(index, "Điểm a khoản 1 Điều 5 Nghị định 100/2019/NĐ-CP") == [Resolved(2, "pd:nd100/d5/k1/a", True)]
    # Khoản 3 starts in part 1 and its điểm c is in part 2.
    assert resolve(index, "điểm c khoản 3 điều 8 nghị định 100/2019/NĐ-CP") == [Resolved(1, "pd:nd100/d8/k3/c", True)]


def test_missing_clause_or_point_falls_back_to_what_exists(index):
    # Khoản 2 has no điểm đ (that one is in khoản 5): the khoản, not exact.
    assert resolve(index, "điểm đ khoản 2 điều 8 nghị định 100/2019/NĐ-CP") == [Resolved(0, "pd:nd100/d8/k2", False)]
    # Khoản 2 ends in part 1; the "c)" opening part 2 belongs to khoản 3.
    assert resolve(index, "điểm c khoản 2 điều 8 nghị định 100/2019/NĐ-CP") == [Resolved(0, "pd:nd100/d8/k2", False)]
    assert resolve(index, "khoản 9 điều 8 nghị định 100/2019/NĐ-CP") == [Resolved(0, "pd:nd100/d8", False)]
    assert resolve(index, "điều 99 nghị định 100/2019/NĐ-CP") == []
    assert resolve(index, "điều 8 nghị định 123/2015/NĐ-CP") == []


def test_appendix_never_answers_an_article(index):
    assert [h.unit_id for h in resolve(index, "Điều 1 Luật Hộ tịch")] == ["pd:ht/d1"]


def test_whole_document_gives_its_first_articles_in_order(index):
    hits = resolve(index, "thông tư 01/2022/TT-BCA")
    assert [h.unit_id for h in hits] == ["pd:tt01/d1", "pd:tt01/d2"]
    assert not any(h.exact for h in hits)
    assert [h.unit_id for h in resolve(index, "luật hộ tịch")][:3] == ["pd:ht/d1", "pd:ht/d2", "pd:ht/d16"]


def test_number_without_year_lists_every_match_most_recent_first(index):
    assert [h.unit_id for h in resolve(index, "nghị định 100")] == ["pd:nd100/d5", "pd:nd100b/d1"]
    assert [h.unit_id for h in resolve(index, "nghị định số 100/2014")] == ["pd:nd100b/d1"]
    assert resolve(index, "thông tư 100") == []  # type must match
    assert [(h.unit_id, h.exact) for h in resolve(index, "điều 1 nghị định 100/2014")] == [("pd:nd100b/d1", True)]
    assert [h.exact for h in resolve(index, "điều 5 nghị định 100")] == [False]  # two decrees numbered 100


def test_name_ranking_year_status_and_exact_title(index):
    assert [(h.unit_id, h.exact) for h in resolve(index, "điều 16 luật cư trú")] == [
        ("pd:ct/d16", True), ("pd:ct06/d16", False)]  # the repealed 2006 law comes last
    assert resolve(index, "điều 16 luật cư trú 2006")[0].unit_id == "pd:ct06/d16"
    # "Luật Căn cước" (ALQAC id, no number) before "Luật Căn cước công dân 2014".
    assert resolve(index, "Điều 3 Luật Căn cước 2023")[0] == Resolved(14, "alqac2025:Luật Căn cước#3", True)
    assert resolve(index, "Điều 3 Luật Căn cước")[0].unit_id == "alqac2025:Luật Căn cước#3"
    assert resolve(index, "Điều 3 Luật Căn cước công dân")[0].unit_id == "pd:ccd/d3"


def test_repealed_law_ranks_after_one_still_in_force():
    # The ALQAC copy of the 2020 law has no number (so no year); Pháp điển's 2006 law is repealed.
    index = ReferenceIndex([
        _chunk("pd:ct06/d5", "pd:81/2006/QH11", "5", "Luật Cư trú", "Luật", "81/2006/QH11", "Cũ.",
               status="repealed"),
        _chunk("alqac:Luật Cư trú#5", "alqac:Luật Cư trú", "5", "Luật Cư trú", "Luật", "", "Mới.",
               collection="alqac2024"),
    ])
    hits = index.resolve(parse_reference("Điều 5 Luật Cư trú"))
    assert [(h.unit_id, h.exact) for h in hits] == [("alqac:Luật Cư trú#5", True), ("pd:ct06/d5", False)]


def test_copies_of_one_law_in_several_collections_are_all_exact():
    index = ReferenceIndex([
        _chunk(f"{col}:Hiến pháp#14", f"{col}:Hiến pháp", "14", "Hiến pháp", "Hiến pháp", "", "Quyền con người.",
               collection=col) for col in ("alqac2024", "alqac2025")])
    hits = index.resolve(parse_reference("Điều 14 Hiến pháp 2013"))
    assert [(h.unit_id, h.exact) for h in hits] == [("alqac2024:Hiến pháp#14", True), ("alqac2025:Hiến pháp#14", True)]


def test_bo_luat_by_name_and_without_bo(index):
    for query in ("điều 15 bộ luật dân sự", "dieu 15 luat dan su", "BLDS điều 15"):
        assert [h.unit_id for h in resolve(index, query)] == ["pd:ds/d15"], query


def test_procedure_codes_give_their_sections_first_section_first(index):
    hits = resolve(index, "thủ tục 1.000771")
    assert [h.unit_id for h in hits] == ["tthc:1.000771#tong-quan", "tthc:1.000771#ho-so"]
    assert all(h.exact for h in hits)
    assert [h.unit_id for h in resolve(index, "DEMO-HT-01")] == ["demo:DEMO-HT-01#tong-quan"]
    assert resolve(index, "9.999999") == []


def test_unknown_documents_resolve_to_nothing(index):
    assert resolve(index, "Điều 16 Luật Hộ khẩu") == []
    assert resolve(index, "điều 3 thông tư 99/2099/TT-BCA") == []


def test_limit(index):
    parsed = parse_reference("luật hộ tịch")
    assert parsed is not None
    assert len(index.resolve(parsed, limit=2)) == 2


# Real data: Pháp điển (the ~90k-chunk corpus the product indexes).

@pytest.fixture(scope="module")
def phapdien_chunks(shared_data):
    from legal_corpus.chunking import chunk_documents
    from legal_corpus.loaders.phapdien import load_phapdien

    return list(chunk_documents(load_phapdien(shared_data / "phapdien" / "phapdien_dieu.jsonl.gz")))


@pytest.fixture(scope="module")
def phapdien_index(phapdien_chunks):
    start = time.process_time()
    index = ReferenceIndex(phapdien_chunks)
    return index, time.process_time() - start


@pytest.mark.slow
def test_real_phapdien_references(phapdien_chunks, phapdien_index):
    index, build_s = phapdien_index
    assert len(phapdien_chunks) > 80_000
    assert build_s < 2.0  # about 0.45 s of CPU on the development machine

    def first(query: str) -> tuple[Resolved, Chunk]:
        hits = resolve(index, query)
        assert hits, query
        return hits[0], phapdien_chunks[hits[0].position]

    hit, chunk = first("Điều 16 Luật Hộ tịch")
    assert chunk.citation.startswith("Điều 16 Luật Hộ tịch 2014 (60/2014/QH13)") and hit.exact
    assert first("dieu 16 luat ho tich") == (hit, chunk)
    assert first("Điều 16 của Luật số 60/2014/QH13") == (hit, chunk)

    # 100/2019/NĐ-CP is not in this Pháp điển snapshot; Nghị định 137/2020/NĐ-CP (pháo) is.
    assert parse_reference("điều 8 nghị định 100/2019/NĐ-CP") is not None
    assert resolve(index, "điều 8 nghị định 100/2019/NĐ-CP") == []
    hit, chunk = first("khoản 2 điều 8 nghị định 137/2020/NĐ-CP")
    assert hit.unit_id.endswith("/k2") and hit.exact
    assert (chunk.article_no, chunk.doc_number) == ("8", "137/2020/NĐ-CP")
    # A long article: Điều 8 Nghị định 99/2022/NĐ-CP is split in 4 parts, khoản 7 starts part 3.
    hit, chunk = first("khoan 7 dieu 8 nghi dinh 99/2022/nd-cp")
    assert hit.unit_id.endswith("/k7") and chunk.part == 3 and "\n7. " in f"\n{chunk.text}"

    hit, chunk = first("điều 15 bộ luật dân sự")
    assert chunk.citation.startswith("Điều 15 Bộ luật Dân sự 2015 (91/2015/QH13)")

    parsed = parse_reference("khoản 2 điều 8 nghị định 137/2020/NĐ-CP")
    assert parsed is not None
    start = time.perf_counter()
    for _ in range(200):
        index.resolve(parsed)
    assert (time.perf_counter() - start) / 200 < 0.002  # about 0.02 ms measured
