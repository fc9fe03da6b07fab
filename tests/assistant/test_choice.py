"""The Đúng/Sai and multiple-choice heuristic on small hand-written clauses."""

from __future__ import annotations

import pytest

from assistant.answer import Answer, Citation
from assistant.choice import decide, detect, with_decision, words
from legal_corpus.models import Chunk
from retrieval.types import Hit

DU_LICH_39 = ("1. Hợp đồng lữ hành là sự thỏa thuận giữa doanh nghiệp kinh doanh dịch vụ lữ hành và khách du lịch.\n"
              "2. Hợp đồng lữ hành phải được lập thành văn bản.")
CU_TRU_9 = ("1. Thời hạn tạm trú tối đa là 02 năm và có thể tiếp tục gia hạn nhiều lần.\n"
            "2. Công dân có quyền tự do cư trú theo quy định của Luật này.")
DU_LICH_5 = ("1. Các loại dịch vụ du lịch khác bao gồm dịch vụ thể thao, dịch vụ ăn uống và dịch vụ chăm sóc sức khỏe.\n"
             "2. Dịch vụ lưu trú do cơ sở lưu trú du lịch cung cấp.")


def hit(article: str, text: str, rank: int = 1) -> Hit:
    law, no = article.split("#")
    chunk = Chunk(id=f"{article}/c1", unit_id=f"t:{article}", article_ref=article, collection="t", doc_id=law,
                  heading=f"Điều {no}.", text=text, citation=f"Điều {no} {law}", article_no=no)
    return Hit(rank=rank, score=1.0 / rank, chunk=chunk)


HITS = [hit("Luật Du lịch#39", DU_LICH_39), hit("Luật Cư trú#9", CU_TRU_9, 2), hit("Luật Du lịch#5", DU_LICH_5, 3)]


def test_words_normalise_numbers_and_case() -> None:
    assert words("Tối đa 02 năm, phí 200.000 Đồng") == ["tối", "đa", "2", "năm", "phí", "200000", "đồng"]


@pytest.mark.parametrize(("question", "stem"), [
    ("Hợp đồng lữ hành phải lập thành văn bản, đúng hay sai?", "Hợp đồng lữ hành phải lập thành văn bản"),
    ("Nhận định sau đúng hay sai: công dân được tự do cư trú", "công dân được tự do cư trú"),
    ("thoi han tam tru toi da la 2 nam dung khong?", "thoi han tam tru toi da la 2 nam"),
    ("Hợp đồng lữ hành lập bằng lời nói là đúng hay sai", "Hợp đồng lữ hành lập bằng lời nói"),
])
def test_detects_statements(question: str, stem: str) -> None:
    q = detect(question)
    assert q is not None and q.kind == "true_false" and q.stem == stem and q.options == {}


def test_detects_options_on_lines_and_inline() -> None:
    lined = detect("Thời hạn tạm trú tối đa?\nA. 01 năm\nB. 02 năm\nC. 03 năm\nD. 05 năm")
    inline = detect("Thời hạn tạm trú tối đa? A. 01 năm B. 02 năm C. 03 năm D. 05 năm")
    for q in (lined, inline):
        assert q is not None and q.kind == "multiple_choice" and q.stem == "Thời hạn tạm trú tối đa?"
        assert q.options == {"A": "01 năm", "B": "02 năm", "C": "03 năm", "D": "05 năm"}


@pytest.mark.parametrize("question", [
    "Thủ tục đăng ký tạm trú cần giấy tờ gì?",
    "Điều 16 Luật Hộ tịch quy định gì?",
    "Chọn giữa A. một và C. hai",  # letters out of order are not options
    "",
])
def test_ordinary_questions_are_not_detected(question: str) -> None:
    assert detect(question) is None


@pytest.mark.parametrize(("statement", "verdict", "why"), [
    ("Hợp đồng lữ hành phải được lập thành văn bản", "Đúng", "khớp"),
    ("Hợp đồng lữ hành không cần phải được lập thành văn bản", "Sai", "phủ định"),
    ("Thời hạn tạm trú tối đa là 03 năm", "Sai", "con số"),
    ("Thời hạn tạm trú tối đa là 2 năm và có thể tiếp tục gia hạn nhiều lần", "Đúng", "khớp"),
    ("Hợp đồng lữ hành chỉ phải được lập thành văn bản", "Sai", "chỉ"),
])
def test_true_false_decisions(statement: str, verdict: str, why: str) -> None:
    d = decide(detect(statement + ", đúng hay sai?"), HITS)
    assert d is not None and d.verdict == verdict and why in d.reason
    assert d.quote in d.hit.chunk.text  # the basis is quoted verbatim


def test_clause_negating_the_statement_is_sai() -> None:
    banned = hit("Luật Điện ảnh#9", "2. Đội chiếu phim lưu động không được phép tham gia hợp tác kinh doanh.")
    d = decide(detect("Đội chiếu phim lưu động được phép tham gia hợp tác kinh doanh, đúng hay sai?"), [banned])
    assert d.verdict == "Sai" and "ngược lại" in d.reason


def test_multiple_choice_best_covered_option() -> None:
    q = detect("Thời hạn tạm trú tối đa là bao lâu?\nA. 01 năm\nB. 02 năm và có thể gia hạn nhiều lần\n"
               "C. 03 năm\nD. 05 năm")
    d = decide(q, HITS)
    assert d.verdict == "B" and d.hit.article_ref == "Luật Cư trú#9"


def test_multiple_choice_exception_question_takes_the_least_covered() -> None:
    q = detect("Dịch vụ nào sau đây KHÔNG thuộc các loại dịch vụ du lịch khác?\nA. Dịch vụ thể thao\n"
               "B. Dịch vụ ăn uống\nC. Dịch vụ cầm đồ và cho vay\nD. Dịch vụ chăm sóc sức khỏe")
    assert decide(q, HITS).verdict == "C"


def test_all_of_the_above_wins_when_each_option_is_stated() -> None:
    q = detect("Các loại dịch vụ du lịch khác bao gồm?\nA. Dịch vụ thể thao.\nB. Dịch vụ ăn uống.\n"
               "C. Dịch vụ chăm sóc sức khỏe.\nD. Cả 3 phương án trên.")
    d = decide(q, HITS)
    assert d.verdict == "D" and "A, B, C" in d.reason
    wrong = detect("Các loại dịch vụ du lịch khác bao gồm?\nA. Dịch vụ thể thao.\nB. Dịch vụ cầm đồ, cho vay tiền và đòi nợ thuê.\n"
                   "C. Cả A và B đều đúng\nD. Cả A và B đều sai")
    assert decide(wrong, HITS).verdict == "A"  # B is not stated, and "đều sai" is never picked


def test_options_listed_under_a_prohibition() -> None:
    """Options found under "không được … các trường hợp sau" answer a negative question, not a positive one."""
    article = hit("Luật Viên chức#29", "1. Đơn vị được đơn phương chấm dứt hợp đồng khi:\n"
                  "a) Viên chức hai năm liền không hoàn thành nhiệm vụ;\n"
                  "2. Đơn vị không được đơn phương chấm dứt hợp đồng khi:\n"
                  "a) Viên chức đang nghỉ thai sản;\nb) Viên chức đang điều trị bệnh nghề nghiệp.")
    options = "\nA. Viên chức đang nghỉ thai sản\nB. Viên chức hai năm liền không hoàn thành nhiệm vụ"
    positive = detect("Đơn vị được đơn phương chấm dứt hợp đồng trong trường hợp nào?" + options)
    negative = detect("Đơn vị không được đơn phương chấm dứt hợp đồng trong trường hợp nào?" + options)
    assert decide(positive, [article]).verdict == "B"
    assert decide(negative, [article]).verdict == "A"


def test_no_hits_no_decision() -> None:
    assert decide(detect("Hợp đồng lữ hành phải lập thành văn bản, đúng hay sai?"), []) is None


def test_with_decision_states_the_verdict_first_and_keeps_the_answer_below() -> None:
    top = HITS[1]
    base = Answer(question="q", text="Quy định liên quan nằm ở Điều 9:\n“…”", intent="legal",
                  citations=[Citation(unit_id=top.unit_id, article_ref=top.article_ref, label=top.citation)])
    out = with_decision(base, "Hợp đồng lữ hành phải được lập thành văn bản, đúng hay sai?", HITS)
    assert out.text.startswith("Nhận định: Đúng")
    assert "“Hợp đồng lữ hành phải được lập thành văn bản.”" in out.text or \
        "“2. Hợp đồng lữ hành phải được lập thành văn bản.”" in out.text
    assert out.text.endswith(base.text)
    assert out.citations[0].article_ref == "Luật Du lịch#39" and out.citations[0].quote
    assert any("heuristic" in n for n in out.notes)
    plain = Answer(question="q", text="x", intent="legal")
    assert with_decision(plain, "Thủ tục tạm trú cần gì?", HITS) is plain
    refused = Answer(question="q", text="x", intent="unsafe", refused=True)
    assert with_decision(refused, "Hợp đồng lữ hành phải lập thành văn bản, đúng hay sai?", HITS) is refused
