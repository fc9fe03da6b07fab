"""Procedure variants a question does not mean (retrieval/variants.py)."""

import pytest

from legal_corpus.normalize import fold
from retrieval.variants import cue_spans, later_verb, unmeant

REISSUE = "Cấp lại thẻ căn cước"
FIRST = "Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên"
MINORS = "Cấp thẻ căn cước cho người dưới 14 tuổi"


@pytest.mark.parametrize("question", ["lam cccd lan dau can giay to gi", "làm CCCD lần đầu cần giấy tờ gì",
                                      "thẻ ABTC cấp mới hết bao nhiêu", "dang ky xe may moi mua o dau",
                                      "lam so do can gi", "tôi muốn làm mst cá nhân"])
def test_first_issue_cues(question):
    assert cue_spans(fold(question))


@pytest.mark.parametrize("question", ["mat cccd lam lai the nao", "làm mất hộ chiếu thì sao",
                                      "làm thủ tục sang tên xe", "cccd het han doi o dau",
                                      "đăng ký kết hôn mất bao lâu"])
def test_no_first_issue_cue(question):
    assert not cue_spans(fold(question))


def test_later_verbs_open_the_name():
    assert later_verb("Cấp lại thẻ căn cước") == "cap lai"
    assert later_verb("Thủ tục Khôi phục mã số thuế") == "khoi phuc"
    assert later_verb("Đổi giấy phép lái xe") == "doi"
    assert later_verb("Cấp giấy phép lái xe") is None
    assert later_verb("Đăng ký thuế lần đầu đối với người nộp thuế là cá nhân") is None


def test_a_first_issue_question_does_not_mean_a_later_procedure_unless_it_names_the_verb():
    assert unmeant("lam cccd lan dau")(REISSUE)
    assert not unmeant("lam cccd lan dau")(FIRST)
    assert not unmeant("doi bang lai lan dau o dau")("Đổi giấy phép lái xe")  # the verb is named
    assert not unmeant("mat cccd cap lai")(REISSUE)  # no first-issue cue: nothing changes


def test_a_first_issue_question_means_an_issuing_name_or_one_that_says_first_time():
    assert unmeant("dang ky xe may moi mua")("Chứng nhận kiểm định khí thải xe mô tô, xe gắn máy")
    assert unmeant("lam cccd lan dau")("Tích hợp, cập nhật, điều chỉnh thông tin trên thẻ căn cước")
    assert not unmeant("dang ky xe may moi mua")("Đăng ký, cấp biển số xe lần đầu")
    assert not unmeant("the ABTC cap moi")("Cấp mới thẻ ABTC")
    assert not unmeant("TNLĐ lần đầu")("Giải quyết hưởng chế độ TNLĐ đối với trường hợp bị TNLĐ lần đầu")


def test_a_minors_variant_needs_a_child_in_the_question():
    assert unmeant("làm căn cước ở đâu")(MINORS)
    assert not unmeant("làm căn cước cho con ở đâu")(MINORS)
    assert not unmeant("be 5 tuoi lam can cuoc")(MINORS)
    assert not unmeant("làm căn cước ở đâu")(FIRST)


def test_making_something_does_not_ask_for_an_issuing_verb():
    copy = "Chứng thực bản sao từ bản chính giấy tờ, văn bản"
    assert not unmeant("lam chung thuc ban sao o dau")(copy)
    assert unmeant("lam chung thuc ban sao o dau")("Cấp lại bản sao chứng thực")  # a later verb still is
    assert unmeant("làm chứng thực lần đầu")("Tích hợp thông tin chứng thực")  # said in so many words
