import unicodedata

import pytest

from legal_corpus.normalize import (
    fold,
    has_diacritics,
    normalize_line,
    normalize_text,
    normalize_tones,
    repair_mojibake,
)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hoà bình", "hòa bình"),
        ("thuỷ lợi", "thủy lợi"),
        ("khoẻ mạnh", "khỏe mạnh"),
        ("Uỷ ban nhân dân", "Ủy ban nhân dân"),
        ("HOÀ GIẢI", "HÒA GIẢI"),
        ("hoạ sĩ", "họa sĩ"),
        ("thuý.", "thúy."),
    ],
)
def test_old_style_tone_marks_move_to_new_style(old, new):
    assert normalize_tones(old) == new


@pytest.mark.parametrize("word", ["hoàn thành", "quý", "quỹ", "khuyến", "hoài", "thuyết", "tòa án"])
def test_words_already_in_one_convention_are_left_alone(word):
    assert normalize_tones(word) == word


def test_decomposed_text_is_composed_and_tones_unified():
    raw = unicodedata.normalize("NFD", "Thủ tục hoà giải ở cơ sở")
    out = normalize_text(raw)
    assert out == "Thủ tục hòa giải ở cơ sở"
    assert unicodedata.is_normalized("NFC", out)


def test_whitespace_bullets_and_control_characters():
    raw = "Điều 1.\u00a0 Phạm  vi\r\n\n\n\n• mục một\n\uf0b7 mục hai\x0c\n\t  a) điểm  "
    assert normalize_text(raw) == "Điều 1. Phạm vi\n\n- mục một\n- mục hai\na) điểm"


def test_dash_starting_a_clause_number_is_not_taken_for_a_bullet():
    assert normalize_text("-5 độ C") == "-5 độ C"


def test_normalize_line_folds_lines():
    assert normalize_line("  Luật\nHộ   tịch ") == "Luật Hộ tịch"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Thủ tục làm Căn cước", "thu tuc lam can cuoc"),
        ("ĐĂNG KÝ KẾT HÔN", "dang ky ket hon"),
        (unicodedata.normalize("NFD", "giấy phép lái xe"), "giay phep lai xe"),
        ("y tế ở đâu", "y te o dau"),
    ],
)
def test_fold_strips_every_mark(text, folded):
    assert fold(text) == folded


def test_has_diacritics():
    assert has_diacritics("làm CCCD")
    assert not has_diacritics("lam cccd can giay to gi")


def _shown_as_windows_1252(text: str) -> str:
    """What a browser shows for UTF-8 bytes decoded as Windows-1252 (undefined bytes as C1 controls)."""
    return "".join(chr(b) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([b]).decode("cp1252")
                   for b in text.encode("utf-8"))


@pytest.mark.parametrize("clean", ["Thủ tục đăng ký khai sinh", "Ông Đức ở Hà Nội", "Điều 16 Luật Hộ tịch",
                                   "Lệ phí hộ chiếu là bao nhiêu? Ưu tiên"])
def test_utf8_read_as_windows_1252_is_repaired(clean):
    assert normalize_text(_shown_as_windows_1252(clean)) == clean


@pytest.mark.parametrize("text", ["Ã là chữ cái", "café – Résumé", "Khoá “học” á–à", "Ông Đức"])
def test_text_that_is_not_mojibake_is_left_alone(text):
    assert repair_mojibake(text) == text


def test_fast_fold_agrees_with_decomposition_on_any_text():
    import random

    from legal_corpus.normalize import _fold_by_decomposition

    rnd = random.Random(7)
    samples = ["Thủ tục Đăng ký", "İstanbul", "ẞ ﬁ Ǆ", "\u0344x", "Ưu tiên ĐĂNG KÝ", "日本 Điều", "Cà\u0300 phê"]
    samples += ["".join(chr(rnd.randrange(0x20, 0x2600)) for _ in range(rnd.randrange(1, 12))) for _ in range(3000)]
    assert [fold(s) for s in samples] == [_fold_by_decomposition(s) for s in samples]
