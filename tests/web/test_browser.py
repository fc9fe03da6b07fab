"""The chat (/) and officials' search (/tra-cuu) pages driven in headless Chromium against the real server.

Screenshots (desktop 1280×900, phone 390×844) go to var/test-artifacts/ for a person to look at.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("selenium", reason="selenium is not installed (pip install -e .[dev])")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

DESKTOP = (1280, 900)
MOBILE = (390, 844)
XSS = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


@pytest.fixture()
def page(browser, server):
    """The browser with the console log drained, so each test sees only its own errors."""
    browser.get_log("browser")
    set_viewport(browser, DESKTOP)
    return browser


def wait(driver, condition, timeout: float = 20):
    return WebDriverWait(driver, timeout).until(condition)


def js_errors(driver) -> list[str]:
    """Script errors and CSP violations the page logged (a broken module shows up here)."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def open_chat(driver, base: str) -> None:
    """The chat page with no stored session, its script running."""
    driver.get(f"{base}/")
    driver.execute_script("window.localStorage.clear()")
    driver.get(f"{base}/")
    wait(driver, lambda d: d.find_element(By.ID, "counter").text)  # set by chat.js once it runs


def assistant_messages(driver, state: str = "done"):
    return driver.find_elements(By.CSS_SELECTOR, f"#messages li.msg-assistant[data-state='{state}']")


def ask(driver, question: str):
    """Type a question, press Enter, return the finished answer element."""
    before = len(driver.find_elements(By.CSS_SELECTOR, "#messages li.msg-assistant"))
    box = driver.find_element(By.ID, "question")
    box.clear()
    box.send_keys(question, Keys.ENTER)
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#messages li.msg-assistant")) > before
         and d.find_elements(By.CSS_SELECTOR, "#messages li.msg-assistant")[-1].get_attribute("data-state") != "streaming")
    return driver.find_elements(By.CSS_SELECTOR, "#messages li.msg-assistant")[-1]


def set_viewport(driver, size: tuple[int, int]) -> None:
    """Lay the page out as on a screen of exactly this size (a phone when narrow)."""
    width, height = size
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


@contextmanager
def viewport(driver, size: tuple[int, int]):
    set_viewport(driver, size)
    try:
        yield
    finally:
        set_viewport(driver, DESKTOP)


def click(driver, element) -> None:
    """Click like a person would: scrolled to the middle of the screen, clear of the sticky composer."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def shot(driver, folder: Path, name: str) -> Path:
    path = folder / name
    driver.save_screenshot(str(path))
    return path


def no_sideways_scroll(driver) -> bool:
    return driver.execute_script(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth")


# ---------------------------------------------------------------- chat


def test_starter_question_streams_an_answer_with_citation_panel_and_card(page, server, artifacts):
    open_chat(page, server)
    with viewport(page, MOBILE):
        shot(page, artifacts, "chat-welcome-mobile.png")
    starter = next(b for b in page.find_elements(By.CSS_SELECTOR, ".starter")
                   if b.text == "Làm CCCD lần đầu cần giấy tờ gì?")
    starter.click()
    wait(page, lambda d: assistant_messages(d))
    answer = assistant_messages(page)[-1]

    assert page.find_element(By.CSS_SELECTOR, "#messages li.msg-user").text.endswith("Làm CCCD lần đầu cần giấy tờ gì?")
    assert not page.find_element(By.ID, "welcome").is_displayed()
    assert int(answer.get_attribute("data-tokens") or 0) >= 1, "the answer did not arrive as streamed tokens"
    assert "căn cước" in answer.find_element(By.CSS_SELECTOR, ".msg-body").text

    card = answer.find_element(By.CSS_SELECTOR, ".card")
    assert "Cấp thẻ căn cước lần đầu" in card.find_element(By.TAG_NAME, "h3").text
    boxes = card.find_elements(By.CSS_SELECTOR, ".checklist input[type='checkbox']")
    assert len(boxes) >= 2
    assert len(card.find_elements(By.CSS_SELECTOR, "ol.steps li")) >= 2
    assert card.find_element(By.CSS_SELECTOR, ".fact-fee dd").text
    assert card.find_element(By.CSS_SELECTOR, ".tag-sample").text == "Nội dung mẫu"
    click(page, card.find_elements(By.CSS_SELECTOR, ".checklist label")[0])  # the label ticks its box
    assert boxes[0].is_selected()

    page.execute_script("arguments[0].scrollIntoView({block: 'start'})", answer)
    shot(page, artifacts, "chat-answer-desktop.png")
    chips = answer.find_elements(By.CSS_SELECTOR, ".citations .chip")
    assert chips, "no citation chip"
    click(page, chips[0])
    panel = page.find_element(By.ID, "panel")
    wait(page, lambda d: panel.is_displayed() and d.find_elements(By.CSS_SELECTOR, "#panel .unit-text"))
    text = page.find_element(By.CSS_SELECTOR, "#panel .unit-text").text
    assert "căn cước" in text.lower() and len(text) > 40
    shot(page, artifacts, "chat-desktop.png")
    assert js_errors(page) == []

    page.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    wait(page, lambda d: not panel.is_displayed())
    assert page.switch_to.active_element == chips[0], "focus did not return to the chip"

    with viewport(page, MOBILE):
        answer.find_element(By.CSS_SELECTOR, ".card").location_once_scrolled_into_view  # noqa: B018
        shot(page, artifacts, "chat-mobile.png")
        assert no_sideways_scroll(page)
        click(page, chips[0])
        wait(page, lambda d: d.find_elements(By.CSS_SELECTOR, "#panel .unit-text"))
        shot(page, artifacts, "chat-panel-mobile.png")
        page.find_element(By.CSS_SELECTOR, "#panel .panel-close").click()


def test_conversation_comes_back_after_reload_and_new_conversation_clears_it(page, server):
    open_chat(page, server)
    ask(page, "Lệ phí đăng ký kết hôn là bao nhiêu?")
    session = page.execute_script("return window.localStorage.getItem('vnlegal.session')")
    assert session

    page.refresh()
    wait(page, lambda d: assistant_messages(d))
    assert [m.text for m in page.find_elements(By.CSS_SELECTOR, "#messages li.msg-user")][-1].endswith(
        "Lệ phí đăng ký kết hôn là bao nhiêu?")
    restored = assistant_messages(page)[-1]
    assert restored.find_elements(By.CSS_SELECTOR, ".chip"), "restored answer lost its citations"

    page.find_element(By.ID, "new-chat").click()
    wait(page, lambda d: not d.find_elements(By.CSS_SELECTOR, "#messages li"))
    assert page.find_element(By.ID, "welcome").is_displayed()
    assert page.execute_script("return window.localStorage.getItem('vnlegal.session')") is None
    page.refresh()
    wait(page, lambda d: d.find_element(By.ID, "counter").text)
    assert not page.find_elements(By.CSS_SELECTOR, "#messages li")
    assert js_errors(page) == []

    # A session the server does not know (deleted, another server) just starts a fresh conversation.
    page.execute_script("window.localStorage.setItem('vnlegal.session', 'no-such-session')")
    page.refresh()
    wait(page, lambda d: d.execute_script("return window.localStorage.getItem('vnlegal.session')") is None)
    assert page.find_element(By.ID, "welcome").is_displayed()
    assert not page.find_elements(By.CSS_SELECTOR, "#messages li")


def test_persona_switch_is_sent_with_the_question_and_remembered(page, server):
    open_chat(page, server)
    page.find_element(By.CSS_SELECTOR, "label.persona-option input[value='official'] + span").click()
    ask(page, "Thẩm quyền đăng ký khai sinh")
    session = page.execute_script("return window.localStorage.getItem('vnlegal.session')")
    stored = page.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch('/api/sessions/' + encodeURIComponent(arguments[0]) + '/messages').then(r => r.json()).then(done);",
        session)
    assert [m["answer"]["persona"] for m in stored["messages"] if m["role"] == "assistant"] == ["official"]
    page.refresh()
    wait(page, lambda d: assistant_messages(d))
    assert page.find_element(By.CSS_SELECTOR, "input[name='persona'][value='official']").is_selected()


def test_feedback_thumbs_and_comment_are_sent(page, server):
    open_chat(page, server)
    answer = ask(page, "lam giay khai sinh cho con o dau")
    up = answer.find_element(By.CSS_SELECTOR, ".thumb[data-rating='up']")
    click(page, up)
    wait(page, lambda d: "Cảm ơn" in answer.find_element(By.CSS_SELECTOR, ".feedback-thanks").text)
    assert up.get_attribute("aria-pressed") == "true"
    assert answer.find_element(By.CSS_SELECTOR, ".thumb[data-rating='down']").get_attribute("aria-pressed") == "false"
    box = answer.find_element(By.CSS_SELECTOR, ".feedback-form textarea")
    box.send_keys("Rõ ràng, dễ hiểu")
    click(page, answer.find_element(By.CSS_SELECTOR, ".feedback-form button[type='submit']"))
    wait(page, lambda d: "Đã gửi góp ý" in answer.find_element(By.CSS_SELECTOR, ".feedback-thanks").text)


def test_markup_in_a_message_is_shown_as_text_never_run(page, server, artifacts):
    open_chat(page, server)
    ask(page, XSS)
    shot(page, artifacts, "chat-markup-as-text.png")
    bubble = page.find_elements(By.CSS_SELECTOR, "#messages li.msg-user")[-1]
    assert XSS in bubble.text
    assert not page.find_elements(By.CSS_SELECTOR, "#messages img, #messages script")
    assert page.execute_script("return typeof window.__pwned") == "undefined"

    page.refresh()  # the same message drawn again from the stored history
    wait(page, lambda d: assistant_messages(d))
    assert XSS in page.find_elements(By.CSS_SELECTOR, "#messages li.msg-user")[-1].text
    assert not page.find_elements(By.CSS_SELECTOR, "#messages img, #messages script")
    assert page.execute_script("return typeof window.__pwned") == "undefined"


def test_network_failure_is_explained_inline_and_can_be_retried(page, server, artifacts):
    open_chat(page, server)
    page.set_network_conditions(offline=True, latency=0, download_throughput=-1, upload_throughput=-1)
    try:
        failed = ask(page, "Đăng ký thường trú cần những gì?")
    finally:
        page.delete_network_conditions()
    assert failed.get_attribute("data-state") == "error"
    assert "Không kết nối được" in failed.text
    with viewport(page, MOBILE):
        shot(page, artifacts, "chat-error-mobile.png")
    click(page, failed.find_element(By.CSS_SELECTOR, ".retry"))
    wait(page, lambda d: assistant_messages(d) and not d.find_elements(By.CSS_SELECTOR, "li.msg-error"))


SSE_CHECK = """
const done = arguments[arguments.length - 1];
import('/static/sse.js').then(async ({ readEventStream }) => {
  const text = 'event: meta\\r\\ndata: {"session_id": "s1"}\\r\\n\\r\\n: keep-alive\\r\\n\\r\\n'
    + 'event: token\\r\\ndata: {"text": "Xin chào"}\\r\\n\\r\\nevent: done\\ndata: {"a":\\ndata: 1}\\n\\n';
  const bytes = new TextEncoder().encode(text);
  // Three bytes a chunk: CR/LF pairs and the two-byte Vietnamese letters fall across chunks.
  const body = new ReadableStream({ start(c) {
    for (let i = 0; i < bytes.length; i += 3) c.enqueue(bytes.slice(i, i + 3));
    c.close();
  } });
  const events = [];
  await readEventStream(body, (e) => events.push(e));
  done(events);
}).catch((e) => done(String(e)));
"""

TEXT_CHECK = """
const done = arguments[arguments.length - 1];
import('/static/dom.js').then(({ plainTextBlocks, snippetNodes }) => {
  const blocks = plainTextBlocks('Có thể liên quan:\\n- một\\n- hai\\n1. ba\\n\\nHết.');
  const holder = document.createElement('div');
  holder.append(...snippetNodes('lệ <mark>phí</mark> &lt;b&gt; <img src=x><script>window.__pwned=3</script>'));
  done({ tags: blocks.map((b) => b.tagName + ':' + b.textContent),
         html: holder.innerHTML, pwned: typeof window.__pwned });
}).catch((e) => done(String(e)));
"""


def test_event_stream_reader_copes_with_split_chunks(page, server):
    page.get(f"{server}/tra-cuu")
    events = page.execute_async_script(SSE_CHECK)
    assert events == [{"event": "meta", "data": {"session_id": "s1"}},
                      {"event": "token", "data": {"text": "Xin chào"}},
                      {"event": "done", "data": {"a": 1}}]


def test_answer_text_becomes_lists_and_snippets_keep_only_marks(page, server):
    page.get(f"{server}/tra-cuu")
    out = page.execute_async_script(TEXT_CHECK)
    assert out["tags"] == ["P:Có thể liên quan:", "UL:mộthai", "OL:ba", "P:Hết."]
    assert out["html"] == "lệ <mark>phí</mark> &lt;b&gt; window.__pwned=3"
    assert out["pwned"] == "undefined"


# ---------------------------------------------------------------- officials' search


def test_search_with_a_filter_highlights_matches_and_opens_a_shareable_unit_view(page, server, artifacts):
    page.get(f"{server}/tra-cuu")
    wait(page, lambda d: d.find_elements(By.CSS_SELECTOR, "#collection option[value='demo']"))
    page.find_element(By.ID, "q").send_keys("lệ phí đăng ký kết hôn")
    Select(page.find_element(By.ID, "collection")).select_by_value("demo")
    page.find_element(By.CSS_SELECTOR, "#search-form button[type='submit']").click()
    wait(page, lambda d: d.find_elements(By.CSS_SELECTOR, "#results .result"))

    query = parse_qs(urlsplit(page.current_url).query)
    assert query["q"] == ["lệ phí đăng ký kết hôn"] and query["collection"] == ["demo"]
    assert page.find_elements(By.CSS_SELECTOR, "#results .snippet mark"), "no highlighted match"
    first = page.find_element(By.CSS_SELECTOR, "#results .result")
    assert "kết hôn" in first.text.lower()

    first.find_element(By.CSS_SELECTOR, ".view-unit").click()
    wait(page, lambda d: d.find_elements(By.CSS_SELECTOR, "#unit-body .unit-text"))
    unit_id = first.get_attribute("data-unit-id")
    assert parse_qs(urlsplit(page.current_url).query)["unit"] == [unit_id]
    assert page.find_element(By.CSS_SELECTOR, "#unit-body .unit-text").text
    assert page.find_element(By.CSS_SELECTOR, "#unit-body .unit-citation").text

    page.find_element(By.CSS_SELECTOR, "#unit-body .copy-citation").click()
    wait(page, lambda d: "Đã sao chép" in d.find_element(By.CSS_SELECTOR, "#unit-body .copy-status").text)
    shot(page, artifacts, "search-desktop.png")
    assert js_errors(page) == []

    shared = page.current_url  # a colleague opening the link sees the same search and unit
    page.get(shared)
    wait(page, lambda d: d.find_elements(By.CSS_SELECTOR, "#unit-body .unit-text"))
    assert page.find_element(By.ID, "q").get_attribute("value") == "lệ phí đăng ký kết hôn"
    assert Select(page.find_element(By.ID, "collection")).first_selected_option.get_attribute("value") == "demo"
    assert page.find_elements(By.CSS_SELECTOR, "#results .result.is-open")

    next_page = page.find_element(By.CSS_SELECTOR, "#pager button[aria-label='Trang sau']")
    click(page, next_page)
    wait(page, lambda d: parse_qs(urlsplit(d.current_url).query).get("page") == ["2"])
    wait(page, lambda d: d.find_elements(By.CSS_SELECTOR, "#results .result h2")
         and d.find_element(By.CSS_SELECTOR, "#results .result h2").text.startswith("11."))
    assert page.find_element(By.CSS_SELECTOR, "#pager [aria-current='page']").text == "2"
    page.back()  # history follows the URL state
    wait(page, lambda d: d.find_element(By.CSS_SELECTOR, "#results .result h2").text.startswith("1."))

    with viewport(page, MOBILE):
        page.execute_script("window.scrollTo(0, 0)")
        shot(page, artifacts, "search-mobile.png")
        assert no_sideways_scroll(page)


def test_search_filter_is_applied_by_the_server(page, server):
    page.get(f"{server}/tra-cuu?q=k%E1%BA%BFt+h%C3%B4n&collection=no-such-collection")
    wait(page, lambda d: "Không có kết quả" in d.find_element(By.ID, "summary").text
         or d.find_elements(By.CSS_SELECTOR, "#results .error-box"))
    assert not page.find_elements(By.CSS_SELECTOR, "#results .result")

