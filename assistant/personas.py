"""How an extractive answer reads for each persona; the facts and quotes stay the same.

A citizen gets plain, short text: the procedure's steps as a numbered list and jargon
explained in brackets the first time it appears (from a small glossary we wrote). An
official gets the clause quoted verbatim under its full citation and the related
articles listed by label. Quotes are never touched, so both stay grounded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .answer import Answer, Citation, Persona

# Terms a citizen may not know → a plain explanation (no full stops: answers are split on them).
GLOSSARY: dict[str, str] = {
    "CCCD": "căn cước công dân",
    "CMND": "chứng minh nhân dân",
    "GPLX": "giấy phép lái xe",
    "BHXH": "bảo hiểm xã hội",
    "BHYT": "bảo hiểm y tế",
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "VNeID": "ứng dụng định danh điện tử của Bộ Công an trên điện thoại",
    "định danh điện tử": "tài khoản xác nhận bạn là ai khi làm thủ tục trên mạng",
    "hộ tịch": "các việc khai sinh, kết hôn, khai tử… được Nhà nước ghi vào sổ",
    "trích lục": "bản ghi lại thông tin trong sổ hộ tịch do cơ quan đăng ký cấp",
    "chứng thực": "cơ quan nhà nước xác nhận bản sao đúng với bản chính hoặc chữ ký đúng là của người ký",
    "công chứng": "công chứng viên xác nhận hợp đồng, giao dịch là đúng pháp luật",
    "lệ phí trước bạ": "khoản tiền nộp khi đăng ký quyền sở hữu nhà, đất, xe",
    "lệ phí": "khoản tiền nộp cho Nhà nước khi được giải quyết thủ tục",
    "thẩm quyền": "quyền được giải quyết việc đó theo luật",
    "ủy quyền": "giao cho người khác làm thay mình",
    "thường trú": "nơi ở ổn định, lâu dài đã đăng ký với công an",
    "tạm trú": "nơi ở trong một thời gian, ngoài nơi thường trú",
    "một cửa": "bộ phận nhận hồ sơ và trả kết quả của cơ quan",
}
# Matched on the lower-cased text: one alternation without IGNORECASE is ten times faster on long answers.
_TERM = re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(t.lower()) for t in sorted(GLOSSARY, key=len, reverse=True))})(?!\w)")
_QUOTED = re.compile(r"“[^”]*”")
_ASIDE = re.compile(r"\([^()]*\)")
MAX_STEPS = 6
MAX_EXPLAINED = 3  # a short answer explains a few terms, not every one


_EXPLAINED = {term.lower(): plain for term, plain in GLOSSARY.items()}


def _explanation(term: str) -> str:
    return _EXPLAINED[term.lower()]


def explain_terms(text: str, names: Sequence[str] = (), limit: int = MAX_EXPLAINED) -> str:
    """The first ``limit`` glossary terms explained in brackets after their first use in the running text.

    Names are left alone: ``names`` (citation labels, the procedure's name), capitalised uses inside a title
    ("Luật Hộ tịch") and bracketed asides. So are field labels ("Lệ phí:") and quotes, which must stay
    verbatim; a term used only in a quote is explained on a closing "Giải thích:" line.
    """
    skip = [m.span() for m in _ASIDE.finditer(text)]
    skip += [(m.start(), m.end()) for n in names if n for m in re.finditer(re.escape(n), text)]
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    inline: dict[str, int] = {}  # term → where its explanation goes
    closing: dict[str, str] = {}  # term → its spelling in the quote
    low = text.lower()
    for m in _TERM.finditer(low if len(low) == len(text) else text):
        key, start, used = m.group(), m.start(), text[m.start():m.end()]
        titled = used[0].isupper() and used not in GLOSSARY and text[:start].rstrip()[-1:] not in ".:!?"
        if key in inline or titled or text.startswith((":", " ("), m.end()) or any(a <= start < b for a, b in skip):
            continue
        if any(a <= start < b for a, b in quoted):
            closing.setdefault(key, used)
        elif len(inline) + len(closing) < limit or key in closing:
            inline[key] = m.end()
            closing.pop(key, None)
    out = text
    for key, end in sorted(inline.items(), key=lambda kv: -kv[1]):
        out = f"{out[:end]} ({_explanation(key)}){out[end:]}"
    terms = list(closing.values())[:max(0, limit - len(inline))]
    return out + ("\nGiải thích: " + "; ".join(f"{t} ({_explanation(t)})" for t in terms) + "." if terms else "")


def numbered(items: Sequence[str], limit: int = MAX_STEPS) -> str:
    """"1. …" lines, as citizens follow them."""
    return "\n".join(f"{i}. {item.strip()}" for i, item in enumerate(items[:limit], 1))


def legal_text(cite: Citation, related: Sequence[Citation], persona: Persona) -> str:
    """A legal answer: the clause verbatim under its citation, then the related articles."""
    if persona == "official":
        text = f"Theo {cite.label}:\n\u201c{cite.quote}\u201d"
        return text + ("\n\nĐiều khoản liên quan:\n" + "\n".join(f"- {c.label}" for c in related) if related else "")
    text = f"Quy định liên quan nằm ở {cite.label}:\n\u201c{cite.quote}\u201d"
    return text + ("\n\nXem thêm: " + "; ".join(c.label for c in related[:2]) + "." if related else "")


def add_basis(answer: Answer, basis: Answer) -> None:
    """An official's procedure answer also quotes the law it rests on (a legal answer on the legal hits)."""
    answer.text += "\n\n" + basis.text
    answer.citations += [c for c in basis.citations if c not in answer.citations]


def finish(answer: Answer, persona: Persona, aspect: str | None = None) -> None:
    """The citizen's touches on a composed extractive answer: numbered steps for a how-to, jargon explained."""
    if persona != "citizen":
        return
    card = answer.card
    if card is not None and card.steps and aspect in (None, "steps") and card.steps[0] not in answer.text:
        answer.text += "\n\nCác bước thực hiện:\n" + numbered(card.steps)
    answer.text = explain_terms(answer.text, [c.label for c in answer.citations] + [card.name if card else ""])
