"""The validator every composer runs: block numbers, verbatim quotes, uncited statements of law."""

from __future__ import annotations

import unicodedata

import pytest

from assistant.citations import validate
from legal_corpus.models import Chunk
from retrieval.types import Hit

K16 = ("1. Người đi đăng ký khai sinh nộp tờ khai theo mẫu quy định và giấy chứng sinh cho cơ quan đăng ký "
       "hộ tịch.\n2. Ngay sau khi nhận đủ giấy tờ theo quy định tại khoản 1 Điều này, nếu thấy thông tin "
       "khai sinh đầy đủ và phù hợp, công chức tư pháp - hộ tịch ghi nội dung khai sinh vào Sổ hộ tịch.")
FEE = "Lệ phí đăng ký khai sinh đúng hạn được miễn. Mức thu lệ phí cấp bản sao trích lục là 8.000 đồng/bản."


def make_hit(n: int, text: str, article: str, citation: str) -> Hit:
    chunk = Chunk(id=f"c{n}", unit_id=f"luat-ho-tich/d{article}", article_ref=f"Điều {article}",
                  collection="demo", doc_id="luat-ho-tich", heading=f"Điều {article}.", text=text,
                  citation=citation, source_url=f"https://example.gov.vn/{article}")
    return Hit(rank=n, score=1.0 / n, chunk=chunk)


@pytest.fixture
def hits() -> list[Hit]:
    return [make_hit(1, K16, "16", "Điều 16 Luật Hộ tịch 2014 (60/2014/QH13)"),
            make_hit(2, FEE, "3", "Điều 3 Thông tư 85/2019/TT-BTC"),
            make_hit(3, "Phạm vi điều chỉnh của Luật này.", "1", "Điều 1 Luật Hộ tịch 2014")]


def test_good_answer_passes_with_citations_and_verified_quote(hits: list[Hit]) -> None:
    text = ("Bạn cần làm như sau:\n"
            "1. Nộp tờ khai và giấy chứng sinh cho cơ quan đăng ký hộ tịch [1].\n"
            "2. Theo khoản 2 Điều 16, công chức tư pháp - hộ tịch „ghi nội dung khai sinh vào Sổ hộ tịch” [1].\n"
            "3. Đăng ký khai sinh đúng hạn không mất lệ phí; bản sao trích lục có giá 8.000 đồng/bản [2].")
    v = validate(text, hits)
    assert v.ok, v.problems
    assert [c.block for c in v.citations] == [1, 2]
    first = v.citations[0]
    assert first.unit_id == "luat-ho-tich/d16" and first.article_ref == "Điều 16"
    assert first.label.startswith("Điều 16 Luật Hộ tịch") and first.source_url.endswith("/16")
    assert first.quote == "ghi nội dung khai sinh vào Sổ hộ tịch"
    assert v.citations[1].quote == ""


@pytest.mark.parametrize("refs", ["[1][2]", "[1, 2]", "[1; 2]"])
def test_grouped_references(hits: list[Hit], refs: str) -> None:
    v = validate(f"Hồ sơ gồm tờ khai và lệ phí theo quy định {refs}.", hits)
    assert v.ok, v.problems
    assert [c.block for c in v.citations] == [1, 2]


def test_citation_after_the_full_stop_counts(hits: list[Hit]) -> None:
    assert validate("Thời hạn giải quyết là ngay trong ngày làm việc. [1]", hits).ok


def test_block_out_of_range(hits: list[Hit]) -> None:
    v = validate("Thời hạn là 05 ngày làm việc [7].", hits)
    assert not v.ok
    assert "cites block [7] but only 3 were retrieved" in v.problems
    assert v.citations == []


def test_fake_quote_is_caught(hits: list[Hit]) -> None:
    v = validate('Khoản 2 Điều 16 quy định: "công chức tư pháp cấp giấy khai sinh trong 3 ngày" [1].', hits)
    assert not v.ok
    assert any(p.startswith("quote not found in [1]: công chức tư pháp cấp") for p in v.problems)


def test_quote_from_another_block_than_cited_is_caught(hits: list[Hit]) -> None:
    v = validate("Điều 3 ghi “Mức thu lệ phí cấp bản sao trích lục là 8.000 đồng/bản” [1].", hits)
    assert any(p.startswith("quote not found in [1]") for p in v.problems)
    assert validate("Điều 3 ghi “Mức thu lệ phí cấp bản sao trích lục là 8.000 đồng/bản” [2].", hits).ok


def test_quote_matches_after_nfc_and_whitespace_collapse(hits: list[Hit]) -> None:
    decomposed = unicodedata.normalize("NFD", "ghi  nội dung\nkhai sinh vào Sổ hộ tịch")
    v = validate(f'Theo Điều 16, công chức "{decomposed}" [1].', hits)
    assert v.ok, v.problems


def test_quote_with_omission_and_trailing_stop(hits: list[Hit]) -> None:
    v = validate('Điều 16: "Người đi đăng ký khai sinh nộp tờ khai … cho cơ quan đăng ký hộ tịch." [1]', hits)
    assert v.ok, v.problems
    assert v.citations[0].quote == "Người đi đăng ký khai sinh nộp tờ khai"  # the longest verbatim piece


def test_short_quotes_are_not_checked(hits: list[Hit]) -> None:
    assert validate('Bạn cần xin "trích lục" (bản sao giấy tờ) tại xã [1].', hits).ok


@pytest.mark.parametrize("sentence", [
    "Theo Điều 16 Luật Hộ tịch, bạn nộp tờ khai.",
    "Theo khoản 2, công chức ghi vào sổ.",
    "Việc này được thực hiện theo quy định của pháp luật.",
    "Người vi phạm có thể bị phạt tiền.",
    "Lệ phí cấp bản sao là 8.000 đồng.",
    "Bạn phải trả 50.000 đồng.",
    "Thời hạn giải quyết là 05 ngày làm việc.",
])
def test_uncited_statement_of_law(hits: list[Hit], sentence: str) -> None:
    v = validate(f"Chào bạn. {sentence} Chúc bạn thành công [1].", hits)
    assert not v.ok
    assert v.problems == [f"uncited statement of law: {sentence}"]


def test_plain_text_without_law_is_ok_without_citations(hits: list[Hit]) -> None:
    v = validate("Xin chào! Bạn muốn hỏi về thủ tục nào?", hits)
    assert v.ok and v.citations == [] and v.problems == []


def test_saying_the_blocks_do_not_cover_it_is_not_law(hits: list[Hit]) -> None:
    text = ("Tài liệu hiện có chưa đề cập mức phạt cho trường hợp này. "
            "Bạn nên liên hệ Ủy ban nhân dân cấp xã hoặc Cổng Dịch vụ công quốc gia.")
    assert validate(text, hits).ok


def test_no_hits_any_reference_is_a_problem() -> None:
    v = validate("Lệ phí là 8.000 đồng [1].", [])
    assert v.problems == ["cites block [1] but only 0 were retrieved"]
