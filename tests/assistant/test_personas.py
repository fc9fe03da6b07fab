"""Citizen and official answers to the same question differ in form, and both stay grounded."""

import re

import pytest

from assistant import personas
from assistant.citations import validate
from assistant.pipeline import Assistant
from legal_corpus.loaders.demo import load_demo
from retrieval.build import update_index
from retrieval.index import open_index
from retrieval.types import Hit


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    from legal_corpus.models import Document, ParsedDocument, Status
    from legal_corpus.structure import UnitFactory, parse_document

    doc = Document(id="vb:60/2014/QH13", collection="laws", title="Luật Hộ tịch", doc_type="Luật",
                   number="60/2014/QH13", issuer="Quốc hội", status=Status.IN_FORCE)
    text = ("Điều 13. Thẩm quyền đăng ký khai sinh\nỦy ban nhân dân cấp xã nơi cư trú của người cha hoặc người mẹ "
            "thực hiện đăng ký khai sinh.\nĐiều 16. Thủ tục đăng ký khai sinh\n1. Người đi đăng ký khai sinh nộp tờ "
            "khai theo mẫu quy định và giấy chứng sinh cho cơ quan đăng ký hộ tịch.\n2. Ngay sau khi nhận đủ giấy tờ, "
            "công chức tư pháp - hộ tịch ghi nội dung khai sinh vào Sổ hộ tịch.\n")
    law = ParsedDocument(doc=doc, units=parse_document(text, UnitFactory(doc, status=Status.IN_FORCE))[1])
    directory = tmp_path_factory.mktemp("idx") / "mixed"
    update_index(directory, [*load_demo(), law], embedder_spec="none", source="test")
    return Assistant(open_index(directory))


def _grounded(assistant, answer):
    """Every quote in the text is a citation's quote, and citations.validate finds it verbatim in its unit."""
    quotes = re.findall(r"\u201c([^\u201d]*)\u201d", answer.text)
    assert quotes
    for quote in quotes:
        cite = next(c for c in answer.citations if c.quote == quote)
        chunk = next(c for c in assistant.index.chunks if c.article_ref == cite.article_ref)
        check = validate(f"\u201c{quote}\u201d [1].", [Hit(1, 1.0, chunk)])
        assert check.ok and check.citations[0].quote, check.problems  # verified verbatim


def test_legal_answer_personas(assistant):
    question = "công chức tư pháp hộ tịch ghi nội dung khai sinh vào đâu"
    citizen, official = assistant.ask(question, "citizen"), assistant.ask(question, "official")
    assert citizen.citations[0] == official.citations[0]
    cite = official.citations[0]
    assert cite.label.startswith("Khoản 2 Điều 16 Luật Hộ tịch") and cite.quote
    # official: the clause under its full citation, then every related article by label
    assert official.text.startswith(f"Theo {cite.label}:\n\u201c{cite.quote}\u201d")
    related = official.text.split("Điều khoản liên quan:\n", 1)[1].splitlines()
    assert related and related == [f"- {c.label}" for c in official.citations[1:]]
    assert "Giải thích" not in official.text
    # citizen: plain lead, a short "see also", and the jargon in the quote explained
    assert citizen.text.startswith("Quy định liên quan nằm ở") and "Điều khoản liên quan" not in citizen.text
    assert f"hộ tịch ({personas.GLOSSARY['hộ tịch']})" in citizen.text
    for answer in (citizen, official):
        _grounded(assistant, answer)


def test_procedure_answer_personas(assistant):
    question = "đăng ký khai sinh cho con"
    citizen, official = assistant.ask(question, "citizen"), assistant.ask(question, "official")
    assert citizen.card.code == official.card.code == "DEMO-HT-01"
    steps = citizen.card.steps
    assert "\n" + personas.numbered(steps) in citizen.text  # numbered steps for the citizen
    assert "\n1. " not in official.text
    assert any(f"({v})" in citizen.text for v in personas.GLOSSARY.values())
    assert not any(f"({v})" in official.text for v in personas.GLOSSARY.values())
    law = [c for c in official.citations if c.article_ref.startswith("vb:")]  # the official sees the law quoted
    assert law and law[0].quote and f"Theo {law[0].label}:\n\u201c{law[0].quote}\u201d" in official.text
    _grounded(assistant, official)


def test_explain_terms_leaves_quotes_labels_and_names_alone():
    text = ("Lệ phí: Không thu lệ phí khi nộp tại UBND xã.\nTheo Điều 16 Luật Hộ tịch:\n"
            "\u201cCông chức tư pháp - hộ tịch ghi vào Sổ hộ tịch.\u201d")
    out = personas.explain_terms(text, names=["Điều 16 Luật Hộ tịch"])
    assert out.startswith("Lệ phí: Không thu lệ phí (") and "UBND (Ủy ban nhân dân) xã" in out
    assert "\u201cCông chức tư pháp - hộ tịch ghi vào Sổ hộ tịch.\u201d" in out
    assert out.endswith(f"\nGiải thích: hộ tịch ({personas.GLOSSARY['hộ tịch']}).")
    assert out.count("(") == 3
    assert personas.explain_terms("CCCD, VNeID, UBND và lệ phí", limit=2).count("(") == 2
