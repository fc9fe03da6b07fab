"""The Store contract, run against every backend (see conftest.BACKENDS)."""

from __future__ import annotations

import threading

import pytest

from assistant.storage import Store
from assistant.storage.base import DocumentRecord, now_iso

ANSWER = {"question": "Làm căn cước cần gì?", "text": "Mang giấy khai sinh.", "intent": "procedure",
          "citations": [{"unit_id": "demo:DEMO-CC-01#ho-so", "label": "Cấp thẻ căn cước lần đầu"}],
          "card": {"code": "DEMO-CC-01", "name": "Cấp thẻ căn cước lần đầu"}, "timings_ms": {"total": 3.5}}


def test_store_satisfies_the_protocol(store):
    assert isinstance(store, Store)


def test_session_messages_in_order_with_their_answers(store):
    session = store.create_session()
    assert session.title == "" and store.get_session(session.session_id).messages == 0
    store.add_message(session.session_id, "user", "Làm căn cước cần gì?")
    reply = store.add_message(session.session_id, "assistant", ANSWER["text"], ANSWER)
    store.add_message(session.session_id, "user", "Còn lệ phí?")
    messages = store.list_messages(session.session_id)
    assert [m.role for m in messages] == ["user", "assistant", "user"]
    assert messages[1].answer == ANSWER and messages[0].answer is None
    assert store.get_message(reply.message_id) == messages[1]
    assert [m.text for m in store.list_messages(session.session_id, limit=2)] == [ANSWER["text"], "Còn lệ phí?"]
    got = store.get_session(session.session_id)
    assert got.title == "Làm căn cước cần gì?" and got.messages == 3  # the first question titles it


def test_long_first_question_gives_a_short_title(store):
    session = store.create_session(title="câu hỏi " * 40)
    assert len(session.title) <= 81 and session.title.endswith("…")


def test_sessions_listed_newest_first_and_deleted_with_their_messages(store):
    first, second = store.create_session("một"), store.create_session("hai")
    message = store.add_message(first.session_id, "user", "xin chào")
    assert [s.session_id for s in store.list_sessions()][:2] == [second.session_id, first.session_id]
    assert store.delete_session(first.session_id)
    assert store.get_session(first.session_id) is None and store.get_message(message.message_id) is None
    assert not store.delete_session(first.session_id)
    assert [s.session_id for s in store.list_sessions()] == [second.session_id]


def test_message_for_an_unknown_session_is_refused(store):
    with pytest.raises(KeyError):
        store.add_message("no-such-session", "user", "?")


def test_given_message_id_is_kept(store):
    session = store.create_session()
    message = store.add_message(session.session_id, "assistant", "ok", {"text": "ok"}, message_id="abc123")
    assert message.message_id == "abc123" and store.get_message("abc123").text == "ok"


def test_feedback(store):
    session = store.create_session()
    reply = store.add_message(session.session_id, "assistant", "ok", ANSWER)
    up = store.add_feedback(reply.message_id, "up", "rõ ràng")
    down = store.add_feedback(reply.message_id, "down")
    assert [(f.feedback_id, f.rating, f.comment) for f in store.list_feedback()] == [
        (down.feedback_id, "down", None), (up.feedback_id, "up", "rõ ràng")]


def _document(document_id: str, doc_id: str) -> DocumentRecord:
    return DocumentRecord(document_id, "nghị định.pdf", f"{document_id}.pdf", doc_id, "Nghị định 1/2031/NĐ-CP",
                          1234, 7, now_iso())


def test_documents_listed_until_deleted(store):
    store.add_document(_document("d1", "uploads:1/2031/NĐ-CP"))
    store.add_document(_document("d2", "uploads:x"))
    assert [d.document_id for d in store.list_documents()] == ["d1", "d2"]
    deleted = store.mark_document_deleted("d1")
    assert deleted.deleted_at and store.get_document("d1").deleted_at == deleted.deleted_at
    assert [d.document_id for d in store.list_documents()] == ["d2"]
    assert [d.document_id for d in store.list_documents(include_deleted=True)] == ["d1", "d2"]
    assert store.mark_document_deleted("nope") is None and store.get_document("nope") is None


def test_audit_log_newest_first(store):
    store.audit("document.upload", actor="key:abc", target="d1", detail={"chunks": 3})
    store.audit("admin.denied", actor="127.0.0.1", detail={"reason": "no key"})
    log = store.audit_log()
    assert [e.action for e in log] == ["admin.denied", "document.upload"]
    assert log[1].detail == {"chunks": 3} and log[1].actor == "key:abc"


def test_a_restart_loses_nothing(reopen):
    store = reopen()
    session = store.create_session()
    store.add_message(session.session_id, "assistant", "ok", ANSWER)
    store.audit("x")
    store.close()
    again = reopen()
    assert again.get_session(session.session_id).messages == 1
    assert again.list_messages(session.session_id)[0].answer == ANSWER and len(again.audit_log()) == 1


def test_concurrent_writers_lose_no_rows(store):
    session = store.create_session()

    def write(n: int) -> None:
        for i in range(25):
            store.add_message(session.session_id, "user", f"{n}-{i}")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    texts = {m.text for m in store.list_messages(session.session_id)}
    assert len(texts) == 200 and "7-24" in texts
