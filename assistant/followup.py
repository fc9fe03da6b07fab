"""Follow-up questions rewritten into standalone ones, so retrieval sees the topic the user means.

After "Làm CCCD lần đầu cần giấy tờ gì?", "thế còn lệ phí?" names no procedure: searched
alone it finds any fee. The rules below decide, on the folded text, whether a question
leans on the previous turn and rewrite it from that turn's topic (the procedure shown, else
the cited unit) or standalone question:

| the question…                                         | rewritten as                               |
|-------------------------------------------------------|--------------------------------------------|
| points back ("thủ tục đó nộp ở đâu", "điều đó…", "nó") | the pointer replaced by the topic          |
| opens "thế còn / vậy còn / còn… thì sao" with a new    | that topic asked what the last one was     |
| topic ("thế còn hộ chiếu?")                            |                                            |
| asks only an aspect ("mất bao lâu?", "cần giấy tờ gì") | "<aspect> khi làm thủ tục <procedure>?"    |
| adds only a condition ("nếu tôi ở nước ngoài thì sao", | "<last question>, nếu tôi ở nước ngoài?"   |
| "còn lao động nam thì sao" after a question on them)   |                                            |
| names its own topic (a procedure, a paper, a law)      | unchanged: a fresh question                |

The rules are deterministic and take microseconds. A configured chat model may phrase the
rewrite (``prompts/rewrite_followup.txt``); its reply is kept only if it is one plausible
question about the same topic, otherwise the rule-based rewrite stands.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

from legal_corpus.normalize import fold, has_diacritics

from .answer import Turn
from .llm.base import ChatModel, LLMError
from .prompts import render
from .query import fold_aligned, normalize_question
from .router import Route, _re, aspect_of, route_normalized

REWRITE_TIMEOUT_S = 8.0  # a follow-up waits at most this long for the model before the rules answer


# "thế còn…", "vậy còn…", "còn ở…": the question continues the last one ("con tôi" is "my child").
_OPENER = re.compile(r"^(?:(?:the|vay) (?:con ve|con|thi|neu)|con (?:ve|neu|truong hop|doi voi)"
                     r"|con(?! (?:toi|minh|em|cua|trai|gai|nho|be|chau|nuoi|ut|so|lai|dau)(?![a-z])))\s+")
_OPENER_MARKED = ("thế", "vậy", "còn")  # what the opener's first word must be when typed with marks
_TAIL = re.compile(r"\s*thi (?:sao|the nao|nhu the nao|ra sao)$")
_CONDITION = re.compile(r"^(?:neu|khi|truong hop|doi voi|voi|cho)(?![a-z])")
# Pointers back: "thủ tục đó", "điều này", "văn bản trên", "nó".
_POINTER = _re(r"(?:thu tuc|ho so|giay to|viec|cai|vu|truong hop|dieu|khoan|diem|quy dinh|van ban|luat"
               r"|nghi dinh|thong tu) (?:do|nay|ay|tren|kia)(?! quan| co quan| ai| nguoi| ubnd| cap)", r"no")
_KEEP_NOUN = ("ho so", "giay to")  # "hồ sơ đó" → "hồ sơ thủ tục …"
# What a question must name to be about its own topic.
_TOPIC = _re(
    r"cccd|cmnd|gplx|dkkd|hkd|bhxh|bhyt|bhtn|mst|vneid|passport|visa",
    r"ho chieu|can cuoc|chung minh|dinh danh|khai sinh|khai tu|ket hon|ly hon|giam ho|nhan cha|ho tich|trich luc",
    r"thuong tru|tam tru|tam vang|cu tru|ho khau|bang lai|lai xe|giay phep|xe may|o to|bien so|sang ten",
    r"so do|so hong|dat dai|su dung dat|nha o|xay dung|kinh doanh|doanh nghiep|cong ty|ma so thue|thue",
    r"bao hiem|thai san|that nghiep|huu tri|tro cap|ly lich tu phap|chung thuc|cong chung|nghia vu quan su",
    r"lao dong|hop dong|thua ke|di chuc|quoc tich|thi thuc|hon nhan|nguoi cao tuoi",
    r"luat|nghi dinh|thong tu|hien phap|dieu \d+|\d+/\d{4}/[a-z0-9-]+|\d\.\d{6}|demo-[a-z]{2,5}-\d{1,3}")
# Words a follow-up uses besides its aspect and condition; whatever else it says is its own content.
_FILLER = frozenset(
    "a ah oi ad ban minh toi em anh chi nhe nha nhi ha vay the thi con ve sao nao gi j la co khong ko duoc dc "
    "phai can lam nop mat het bao nhieu lau gio khi o tai dau di den len ra may ngay tien phi le muc thu mien "
    "giam truc tiep tuyen online qua mang buu dien thoai giay to ho so gom nhung cac buoc han gian cach hinh "
    "chuan bi theo nua them va hay hoac de ma cua cho voi ket qua nhan tra lay xong dieu kien yeu cau nhu".split())
_WORD = re.compile(r"[a-z0-9]+")
_ASPECT_PHRASES = {"fee": "lệ phí bao nhiêu", "time": "mất bao lâu", "office": "nộp ở đâu",
                   "papers": "cần giấy tờ gì", "result": "nhận kết quả thế nào",
                   "channels": "nộp trực tuyến được không", "conditions": "cần điều kiện gì",
                   "steps": "các bước thế nào"}
MAX_REWRITE_CHARS = 300


def _plain(question: str) -> str:
    return " ".join(question.split()).strip("?.!… ")


def _anchor_turn(history: Sequence[Turn]) -> Turn | None:
    """The most recent turn that was about something (greetings and refusals have no topic)."""
    return next((t for t in reversed(history) if t.topic), None)


def _is_label(topic: str) -> bool:
    """A citation label ("Khoản 2 Điều 16 Luật Hộ tịch…") rather than a procedure name."""
    return bool(re.match(r"(?:diem|khoan|dieu|phu luc|chuong|muc) ", fold_aligned(topic)))


def _pointer(text: str, folded: str) -> re.Match[str] | None:
    """A pointer back. Unaccented "no" is as often "nợ" and is not taken; "do" must be "đó" when marks are typed."""
    marks = has_diacritics(text)
    for m in _POINTER.finditer(folded):
        typed = text[m.end() - 2:m.end()].lower()
        if m.group() == "no":
            if typed == "nó":
                return m
        elif not m.group().endswith(" do") or not marks or typed == "đó":
            return m
    return None


@dataclass(frozen=True)
class _Parts:
    body: str  # the question without its opener and "thì sao" tail, as typed
    folded: str
    continues: bool  # it opened with "thế còn…" or ended with "thì sao"
    aspect: str | None
    content: tuple[str, ...]  # its words besides aspect cues and filler


def _parts(text: str) -> _Parts:
    folded = fold_aligned(text)
    start = end = 0
    if (m := _OPENER.match(folded)) and (not has_diacritics(text) or text.split()[0].lower() in _OPENER_MARKED):
        start = m.end()
    if (t := _TAIL.search(folded, start)) and t.start() > start:
        end = len(text) - t.start()
    body, body_folded = text[start:len(text) - end], folded[start:len(folded) - end]
    aspect, _ = aspect_of(body_folded)
    content = tuple(w for w in _WORD.findall(body_folded) if w not in _FILLER)
    return _Parts(body, body_folded, bool(start or end), aspect, content)


def _leans(p: _Parts) -> bool:
    """Whether a question without a pointer back leans on an earlier turn."""
    if _TOPIC.search(p.folded):  # "thế còn hộ chiếu?" borrows only the aspect
        return p.continues and p.aspect is None and not _CONDITION.match(p.folded)
    return p.continues or (p.aspect is not None and not p.content)


def is_followup(question: str) -> bool:
    """Whether the question leans on an earlier turn instead of naming its own topic."""
    text = _plain(question)
    return bool(_pointer(text, fold_aligned(text))) or _leans(_parts(text))


def rule_rewrite(question: str, history: Sequence[Turn]) -> str:
    """The standalone form of a follow-up (rules in the module docstring); a fresh question is returned as is."""
    turn = _anchor_turn(history)
    if turn is None:
        return question
    text = _plain(question)
    label = _is_label(turn.topic)
    if m := _pointer(text, fold_aligned(text)):
        noun = m.group().rsplit(" ", 1)[0] if " " in m.group() else ""
        kept = text[m.start():m.start() + len(noun)] + " " if noun in _KEEP_NOUN else ""
        target = turn.topic if label else f"{kept}thủ tục {turn.topic}"
        return f"{text[:m.start()]}{target}{text[m.end():]}?"
    p = _parts(text)
    if not _leans(p):
        return question
    if set(_TOPIC.findall(p.folded)) - set(_TOPIC.findall(fold_aligned(f"{turn.standalone} {turn.topic}"))):
        last, _ = aspect_of(fold_aligned(turn.standalone))  # a new topic asked like the last one
        return f"{p.body} {_ASPECT_PHRASES.get(last or '', '')}".strip() + "?"
    if p.aspect and not p.content:
        if label:
            return f"{_plain(turn.standalone)}: {p.body}?"
        return f"{p.body[:1].upper()}{p.body[1:]} khi làm thủ tục {turn.topic}?"
    condition = p.body if _CONDITION.match(p.folded) else f"nếu {p.body}"
    return f"{_plain(turn.standalone)}, {condition}?"


def _history_text(history: Sequence[Turn]) -> str:
    lines = []
    for t in history[-3:]:
        lines.append(f"Người dùng: {t.question}")
        if t.topic:
            lines.append(f"Trợ lý trả lời về: {t.topic}")
    return "\n".join(lines)


def _usable(reply: str, question: str, anchor: Turn) -> str:
    """The model's rewrite if it is one plausible question about the topic, else ""."""
    lines = [ln.strip() for ln in unicodedata.normalize("NFC", reply or "").splitlines() if ln.strip()]
    if len(lines) != 1:
        return ""
    line = re.sub(r"^(?:câu hỏi[^:]{0,30}:)\s*", "", lines[0], flags=re.IGNORECASE).strip(" \"'“”")
    if not 3 <= len(line) <= MAX_REWRITE_CHARS or re.search(r"\[|https?:|<|\{", line):
        return ""
    known = set(_WORD.findall(fold(f"{anchor.topic} {anchor.standalone} {question}"))) - _FILLER
    return line if known & set(_WORD.findall(fold(line))) else ""


def rewrite(question: str, history: Sequence[Turn], model: ChatModel | None = None,
            timeout: float = REWRITE_TIMEOUT_S) -> str:
    """The standalone question: the model's rewrite when it is usable, else the rules'; fresh questions as is."""
    rules = rule_rewrite(question, history)
    anchor = _anchor_turn(history)
    if model is None or rules == question or anchor is None:
        return rules
    prompt = render("rewrite_followup", history=_history_text(history), question=question)
    try:
        reply = model.complete([{"role": "user", "content": prompt}], timeout=timeout)
    except LLMError:
        return rules
    return _usable(reply, question, anchor) or rules


def resolve(text: str, first: Route, history: Sequence[Turn], model: ChatModel | None = None,
            timeout: float = REWRITE_TIMEOUT_S) -> tuple[str, Route]:
    """The standalone question and its route. What the follow-up itself asks ("thế còn lệ phí?" → fee)
    wins over the aspect of the question it borrows from; a rewrite that routes as unsafe is refused."""
    standalone = normalize_question(rewrite(text, history, model, timeout))
    if standalone == text:
        return text, first
    second = route_normalized(standalone)
    return standalone, replace(second, aspect=first.aspect or second.aspect)
