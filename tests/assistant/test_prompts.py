"""Prompt templates: all load, render with their placeholders, and unknown names fail clearly."""

from __future__ import annotations

import unicodedata

import pytest

from assistant.prompts import available, context_blocks, load_prompt, placeholders, render
from legal_corpus.models import Chunk
from retrieval.types import Hit

EXPECTED = {"system_citizen": set(), "system_official": set(), "answer_user": {"question", "context"},
            "rewrite_followup": {"history", "question"}}


def test_all_templates_present_and_nfc() -> None:
    assert set(EXPECTED) <= set(available())
    for name in EXPECTED:
        text = load_prompt(name)
        assert text.strip() and unicodedata.is_normalized("NFC", text)
        assert placeholders(name) == EXPECTED[name]


@pytest.mark.parametrize("name", ["system_citizen", "system_official"])
def test_system_prompts_state_the_rules(name: str) -> None:
    text = load_prompt(name)
    for needle in ("[1]", "Cổng Dịch vụ công quốc gia", "làm giả", "nguyên văn", "lệ phí"):
        assert needle in text, needle


def test_render_fills_placeholders() -> None:
    out = render("answer_user", question="Đăng ký khai sinh ở đâu? {x}", context="[1] Điều 16\nNội dung")
    assert "Đăng ký khai sinh ở đâu? {x}" in out and "[1] Điều 16\nNội dung" in out
    assert "{question}" not in out and "{context}" not in out
    out = render("rewrite_followup", history="Người dùng: khai sinh?", question="Còn lệ phí?")
    assert "Người dùng: khai sinh?" in out and "Còn lệ phí?" in out
    assert render("system_citizen") == load_prompt("system_citizen")


def test_render_missing_placeholder_names_it() -> None:
    with pytest.raises(KeyError, match="answer_user.*context"):
        render("answer_user", question="x")


@pytest.mark.parametrize("name", ["nope", "../pyproject", ""])
def test_unknown_prompt(name: str) -> None:
    with pytest.raises(ValueError, match="available: .*system_citizen"):
        load_prompt(name)


def test_context_blocks_numbered_and_clipped() -> None:
    def hit(n: int, text: str) -> Hit:
        chunk = Chunk(id=f"c{n}", unit_id=f"u{n}", article_ref=f"Điều {n}", collection="demo", doc_id="d",
                      heading="", text=text, citation=f"Điều {n} Luật Hộ tịch 2014")
        return Hit(rank=n, score=1.0, chunk=chunk)

    out = context_blocks([hit(1, "Ngắn gọn."), hit(2, "từ " * 1000)], max_chars_per_block=100)
    first, second = out.split("\n\n")
    assert first == "[1] Điều 1 Luật Hộ tịch 2014\nNgắn gọn."
    assert second.startswith("[2] Điều 2 Luật Hộ tịch 2014\ntừ từ") and second.endswith(" …")
    assert len(second.split("\n", 1)[1]) <= 102
    assert context_blocks([]) == ""
