"""Multi-turn: follow-ups are rewritten from the last turn's topic, fresh questions are left alone."""

import pytest

from assistant import followup
from assistant.answer import Turn
from assistant.llm.base import LLMError
from assistant.pipeline import Assistant

FOLLOWUPS = ["thế còn lệ phí?", "còn ở tỉnh khác thì sao", "nếu tôi ở nước ngoài thì sao", "mất bao lâu?",
             "cần giấy tờ gì", "thủ tục đó nộp ở đâu", "điều đó quy định gì", "nộp online được không",
             "vậy còn hộ chiếu thì sao"]
FRESH = ["Làm hộ chiếu cần giấy tờ gì?", "Đăng ký kết hôn ở đâu?", "Điều 16 Luật Hộ tịch quy định gì?",
         "Người lao động được nghỉ mấy ngày?", "Tham ô là gì?", "con tôi 5 tuổi làm CCCD được không",
         "thủ tục do cơ quan nào giải quyết", "lệ phí đăng ký kết hôn là bao nhiêu", "trả nợ ngân hàng thế nào"]
CCCD = Turn("Làm CCCD lần đầu cần giấy tờ gì?", "Làm CCCD lần đầu cần giấy tờ gì?", "Cấp thẻ căn cước lần đầu")


def _unmarked(text):
    from legal_corpus.normalize import fold

    return fold(text)


@pytest.mark.parametrize("question", FOLLOWUPS + [_unmarked(q) for q in FOLLOWUPS])
def test_followups_are_detected_with_and_without_marks(question):
    assert followup.is_followup(question)


@pytest.mark.parametrize("question", FRESH + [_unmarked(q) for q in FRESH])
def test_questions_that_name_their_topic_are_fresh(question):
    assert not followup.is_followup(question)
    assert followup.rule_rewrite(question, [CCCD]) == question


def test_rule_rewrites_name_the_topic():
    assert followup.rule_rewrite("thế còn lệ phí?", [CCCD]) == "Lệ phí khi làm thủ tục Cấp thẻ căn cước lần đầu?"
    assert followup.rule_rewrite("thủ tục đó nộp ở đâu", [CCCD]) == "thủ tục Cấp thẻ căn cước lần đầu nộp ở đâu?"
    assert followup.rule_rewrite("nếu tôi ở nước ngoài thì sao", [CCCD]) == \
        "Làm CCCD lần đầu cần giấy tờ gì, nếu tôi ở nước ngoài?"
    assert followup.rule_rewrite("vậy còn hộ chiếu thì sao", [CCCD]) == "hộ chiếu cần giấy tờ gì?"
    leave = Turn("Người lao động nghỉ thai sản bao lâu?", "Người lao động nghỉ thai sản bao lâu?",
                 "Điều 139 Bộ luật Lao động 2019 (45/2019/QH14)")
    assert followup.rule_rewrite("thế còn lao động nam thì sao", [leave]) == \
        "Người lao động nghỉ thai sản bao lâu, nếu lao động nam?"  # a topic already on the table: a condition
    article = Turn("ai đăng ký khai sinh", "ai đăng ký khai sinh", "Điều 13 Luật Hộ tịch 2014 (60/2014/QH13)")
    assert followup.rule_rewrite("điều đó quy định gì", [article]) == \
        "Điều 13 Luật Hộ tịch 2014 (60/2014/QH13) quy định gì?"


def test_the_last_turn_with_a_topic_is_the_anchor():
    greeting = Turn("cảm ơn", "cảm ơn", "")
    assert followup.rule_rewrite("mất bao lâu?", [CCCD, greeting]).endswith("Cấp thẻ căn cước lần đầu?")
    assert followup.rule_rewrite("mất bao lâu?", [greeting]) == "mất bao lâu?"
    assert followup.rule_rewrite("mất bao lâu?", []) == "mất bao lâu?"


def _fee_leads(answer):
    card = answer.card
    fee, time_limit = answer.text.find(card.fee[:12]), answer.text.find(card.time_limit[:12])
    return 0 <= fee < time_limit


@pytest.mark.parametrize("first,second", [("Làm CCCD lần đầu cần giấy tờ gì?", "thế còn lệ phí?"),
                                          ("lam cccd lan dau can giay to gi", "the con le phi")])
def test_fee_followup_answers_from_the_same_procedure(assistant, first, second):
    a1 = assistant.ask(first)
    assert a1.card.code == "DEMO-CC-01" and not _fee_leads(a1)
    a2 = assistant.ask(second, history=[Turn.from_answer(a1.to_dict())])
    assert a2.standalone_question != second and "Cấp thẻ căn cước lần đầu" in a2.standalone_question
    assert a2.question == second
    assert a2.card is not None and a2.card.code == "DEMO-CC-01"
    assert _fee_leads(a2)
    assert "rewrite" in a2.timings_ms


def test_a_conversation_stays_on_its_procedure_until_a_fresh_question(assistant):
    history = []
    codes = []
    for question in ("làm hộ chiếu cần giấy tờ gì", "mất bao lâu?", "thủ tục đó nộp ở đâu",
                     "nếu tôi ở nước ngoài thì sao", "Đăng ký kết hôn cần giấy tờ gì?", "thế còn lệ phí?"):
        answer = assistant.ask(question, history=history)
        codes.append(answer.card.code if answer.card else None)
        history.append(Turn.from_answer(answer))
    assert codes == ["DEMO-XNC-01"] * 4 + ["DEMO-HT-02"] * 2
    assert history[4].standalone == "Đăng ký kết hôn cần giấy tờ gì?"  # fresh: not rewritten


def test_greetings_are_not_rewritten_and_unsafe_followups_are_refused(assistant):
    history = [CCCD]
    thanks = assistant.ask("cảm ơn nhé", history=history)
    assert thanks.intent == "greeting" and thanks.standalone_question == ""
    unsafe = assistant.ask("thế còn cách làm giả nó?", history=history)
    assert unsafe.refused and unsafe.card is None and unsafe.standalone_question == ""


def test_stream_takes_history_and_ends_with_the_whole_answer(assistant):
    events = list(assistant.stream("thế còn lệ phí?", history=[CCCD]))
    done = events[-1]
    assert done.type == "done" and done.data["answer"]["standalone_question"].endswith("Cấp thẻ căn cước lần đầu?")
    text = "".join(e.data for e in events if e.type == "token")
    assert text == done.data["answer"]["text"]
    assert [e.data.code for e in events if e.type == "card"] == ["DEMO-CC-01"]
    assert {"timings_ms", "grounded", "refused"} <= done.data.keys()


def rewrites_only(reply):
    """A script that answers only the rewrite prompt; the answer composer gets no usable answer."""

    def answer(messages):
        if "Câu hỏi tiếp theo" not in messages[-1]["content"]:
            raise LLMError("composer not scripted")
        if isinstance(reply, Exception):
            raise reply
        return reply

    return answer


def test_a_usable_model_rewrite_is_used(assistant, scripted_model):
    model = scripted_model(rewrites_only("Lệ phí cấp thẻ căn cước lần đầu là bao nhiêu?"))
    answer = Assistant(assistant.index, chat_model=model).ask("thế còn lệ phí?", history=[CCCD])
    assert answer.standalone_question == "Lệ phí cấp thẻ căn cước lần đầu là bao nhiêu?"
    prompt, timeout = model.seen[0][-1]["content"], model.timeouts[0]
    assert "Làm CCCD lần đầu cần giấy tờ gì?" in prompt and "thế còn lệ phí?" in prompt
    assert timeout <= followup.REWRITE_TIMEOUT_S
    assert answer.card.code == "DEMO-CC-01" and _fee_leads(answer)


@pytest.mark.parametrize("reply", [LLMError("LLM timeout after 8 s"), "", "Câu hỏi 1: …\nCâu hỏi 2: …",
                                   "Xin lỗi, tôi không rõ.", "[1] " + "rất dài " * 80])
def test_a_failing_or_garbage_model_rewrite_falls_back_to_the_rules(scripted_model, reply):
    model = scripted_model(rewrites_only(reply))
    out = followup.rewrite("thế còn lệ phí?", [CCCD], model)
    assert model.seen and out == followup.rule_rewrite("thế còn lệ phí?", [CCCD])


def test_fresh_questions_never_reach_the_model(scripted_model):
    model = scripted_model("Lệ phí cấp thẻ căn cước lần đầu là bao nhiêu?")
    assert followup.rewrite("Làm hộ chiếu cần giấy tờ gì?", [CCCD], model) == "Làm hộ chiếu cần giấy tờ gì?"
    assert model.seen == []
