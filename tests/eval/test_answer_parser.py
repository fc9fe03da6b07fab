"""The answer parser on the ways composers and models phrase a verdict, and the text normalisation."""

from __future__ import annotations

import pytest

from eval.answer_parser import contains, normalize_for_match, parse_choice, parse_true_false

TRUE_FALSE = [
    ("Đúng", "Đúng"),
    ("đúng.", "Đúng"),
    ("Sai vì theo khoản 2 Điều 39 hợp đồng phải lập thành văn bản [1].", "Sai"),
    ("Nhận định trên là sai.", "Sai"),
    ("Nhận định: Đúng — khớp với điều luật.\nCăn cứ Khoản 1 Điều 3: “… tranh chấp do các bên thỏa thuận …”", "Đúng"),
    ("khong dung, vi luat quy dinh khac", "Sai"),
    ("Nhận định này không chính xác.", "Sai"),
    ("Không đúng. Theo Điều 18 [2] …", "Sai"),
    ("Khẳng định đã cho là không sai.", "Đúng"),
    ("Trả lời: Sai", "Sai"),
    ("Đáp án: Đúng", "Đúng"),
    ("True", "Đúng"),
    ("False. The law requires a written contract [1].", "Sai"),
    ("The statement is false.", "Sai"),
    ("Answer: True", "Đúng"),
    ("Theo khoản 3 Điều 38 [1], trường hợp này sử dụng thông tin trong Cơ sở dữ liệu, vậy nhận định là đúng.", "Đúng"),
    ("Căn cứ Điều 5 [1] thì vợ chồng bình đẳng. Do đó sai.", "Sai"),
    ("Nhận định SAI", "Sai"),
]

AMBIGUOUS_TF = [
    "",
    "Theo Điều 5 [1], người lao động sử dụng thiết bị đúng mục đích.",  # "đúng mục đích" is no verdict
    "Có thể đúng mà cũng có thể sai, tùy trường hợp. Vậy là đúng. Vậy là sai.",
    "Điều luật quy định “hành vi sai trái bị xử lý”.",  # inside a quote
    "Tôi không chắc.",
]

CHOICES = {"A": "Dịch vụ thể thao.", "B": "Dịch vụ ăn uống.", "C": "Dịch vụ chăm sóc sức khỏe.",
           "D": "Cả 3 phương án trên."}
MULTIPLE_CHOICE = [
    ("Đáp án: B", "B"),
    ("Đáp án đúng là C [1].", "C"),
    ("Chọn C", "C"),
    ("(B)", "B"),
    ("Tôi chọn phương án b vì khoản 2 [1] quy định như vậy.", "B"),
    ("Câu trả lời đúng là A. Dịch vụ thể thao.", "A"),
    ("Answer: D", "D"),
    ("The correct answer is B.", "B"),
    ("D. Cả 3 phương án trên.", "D"),
    ("A", "A"),
    ("dap an: d", "D"),
    ("Đáp án: B. Dịch vụ ăn uống — phương án khớp nhất với điều luật.", "B"),
    ("Theo Điều 2 [1], đáp án (C) là phù hợp.", "C"),
    ("Câu trả lời đúng là Dịch vụ ăn uống.", "B"),  # the text of exactly one option
]

AMBIGUOUS_MC = [
    "",
    "Đáp án: B hoặc C",
    "Có thể là (A) hoặc (C).",
    "Tôi không chắc về câu này.",
]


@pytest.mark.parametrize(("text", "expected"), TRUE_FALSE)
def test_true_false_phrasings(text: str, expected: str) -> None:
    assert parse_true_false(text) == expected


@pytest.mark.parametrize("text", AMBIGUOUS_TF)
def test_true_false_ambiguous_is_none(text: str) -> None:
    assert parse_true_false(text) is None


@pytest.mark.parametrize(("text", "expected"), MULTIPLE_CHOICE)
def test_choice_phrasings(text: str, expected: str) -> None:
    assert parse_choice(text, CHOICES) == expected


@pytest.mark.parametrize("text", AMBIGUOUS_MC)
def test_choice_ambiguous_is_none(text: str) -> None:
    assert parse_choice(text, CHOICES) is None


def test_option_text_needs_the_options() -> None:
    assert parse_choice("Câu trả lời đúng là Dịch vụ ăn uống.") is None


def test_normalisation_for_facts_and_free_text() -> None:
    assert normalize_for_match("  Lệ phí:  200.000   đồng. ") == "lệ phí: 200000 đồng"
    assert normalize_for_match("200,000 đồng") == normalize_for_match("200000 Đồng")
    assert normalize_for_match("07 năm") == "7 năm"
    assert normalize_for_match("Mã 1.001193") == "mã 1.001193"  # a procedure code is not an amount
    decomposed = "Ngày làm việc".replace("à", "a\u0300")
    assert contains("Thời hạn: 5 ngày LÀM VIỆC", decomposed)
    assert contains("phạt tù đến 7 năm", "07 năm")
    assert not contains("phạt tù đến 17 năm", "07 năm")
    assert not contains("bất kỳ", "")
