"""Read the verdict out of an answer, however a composer or a model phrased it.

Answers say "Đúng.", "Nhận định trên là sai vì…", "khong dung", "Đáp án: B",
"Chọn C", "(B)", "phương án b", "Câu trả lời đúng là A. …", "Answer: D",
"True". The parsers look for, in order: a labelled verdict ("nhận định … là",
"đáp án", "trả lời", "answer"), a verdict opening the answer, and a concluding
one ("… vậy là sai."). Quoted law is ignored (a quoted clause may say "đúng").
Anything that names both verdicts at the same level, or two letters, is
ambiguous and gives None, which scores as a wrong answer.

Also here: the normalisation used to look for required facts and free-text
gold answers in an answer (NFC, case, spacing, thousands separators, leading
zeros), shared by every scorer so they agree.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from legal_corpus.normalize import fold

TRUE, FALSE = "Đúng", "Sai"

_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|«[^»]*»")
_WORDS = re.compile(r"\w+")
# Verdict words after folding; the longer, negated forms first.
_VERDICT = (r"(khong (?:hoan toan )?dung|chua dung|khong chinh xac|khong sai|not true|not correct|incorrect|"
            r"dung|sai|chinh xac|true|false|correct)")
_POLARITY = {"khong dung": FALSE, "khong hoan toan dung": FALSE, "chua dung": FALSE, "khong chinh xac": FALSE,
             "not true": FALSE, "not correct": FALSE, "incorrect": FALSE, "sai": FALSE, "false": FALSE,
             "khong sai": TRUE, "dung": TRUE, "chinh xac": TRUE, "true": TRUE, "correct": TRUE}
_TF_LABELLED = re.compile(
    r"(?:nhan dinh|menh de|khang dinh|phat bieu|y kien|statement|dap an|tra loi|ket luan|answer|verdict)"
    r"(?: (?:tren|nay|da cho|do|neu tren|is|the))*\s*(?:la|thi|is|[:\-–=])?\s*" + _VERDICT + r"\b")
_TF_OPENING = re.compile(r"^\W*" + _VERDICT + r"\b")
_TF_CLOSING = re.compile(r"(?:\bla|\bvay|do do|\bnen|=>|→)\s*" + _VERDICT + r"\s*(?:[.!;]|$)")

_LETTER = r"(?<!\w)\(?([a-d])\)?(?!\w)"
_MC_LABELLED = re.compile(r"(?:dap an|phuong an|lua chon|cau tra loi|tra loi|chon|answer|option|choice)\b"
                          r"[^.\n:]{0,30}?(?:\bla\b|\bis\b|:|-|–)?\s*" + _LETTER)
_MC_OPENING = re.compile(r"^\W*\(?([A-Da-d])(?:\)|[.:,]|\s*$|\s+(?=\S))")
_MC_PAREN = re.compile(r"\(([A-D])\)")
_MORE_LETTERS = re.compile(r"^\s*(?:,|va|hoac|hay|or|and|/)\s*\(?[a-d]\b")


def _canon(text: str) -> str:
    """Lower-case, folded, quotes removed; words that only fold to "dung"/"sai" ("sử dụng", "Sài Gòn") masked."""
    text = _QUOTED.sub(" ", unicodedata.normalize("NFC", text or "")).lower()

    def mask(m: re.Match[str]) -> str:
        word = m.group(0)
        key = fold(word)
        return "x" if key in ("dung", "sai") and word not in ("đúng", "dung", "sai") else word

    text = fold(_WORDS.sub(mask, text))
    text = re.sub(r"\bsu dung\b", "su x", text)  # "su dung" typed without accents is "sử dụng"
    return " ".join(text.split())


def _unique(values: Iterable[str]) -> str | None:
    found = set(values)
    return found.pop() if len(found) == 1 else None


def parse_true_false(text: str) -> str | None:
    """"Đúng", "Sai", or None when the answer states no verdict or both."""
    canon = _canon(text)
    for pattern in (_TF_LABELLED, _TF_OPENING):
        m = pattern.search(canon)
        if m:
            return _POLARITY[m.group(1)]
    return _unique(_POLARITY[m.group(1)] for m in _TF_CLOSING.finditer(canon))


def parse_choice(text: str, options: Mapping[str, str] | None = None) -> str | None:
    """The option letter (upper case) the answer picks, or None.

    With ``options`` an answer that repeats exactly one option's text ("Câu trả lời đúng là Dịch vụ ăn
    uống") picks that option when no letter is given.
    """
    raw = unicodedata.normalize("NFC", text or "").strip()
    canon = _canon(raw)
    m = _MC_LABELLED.search(canon)
    if m:
        return None if _MORE_LETTERS.match(canon[m.end():]) else m.group(1).upper()
    m = _MC_OPENING.match(_QUOTED.sub(" ", raw))
    if m:
        return m.group(1).upper()
    letter = _unique(_MC_PAREN.findall(raw))
    if letter:
        return letter
    if options:
        said = normalize_for_match(raw)
        return _unique(k.upper() for k, v in options.items() if len(v.strip()) > 3 and normalize_for_match(v) in said)
    return None


def normalize_for_match(text: str) -> str:
    """NFC, case-folded, one space, no thousands separators ("200.000" = "200,000" = "200000"), no leading
    zeros ("07 năm" = "7 năm"), no trailing sentence punctuation."""
    text = unicodedata.normalize("NFC", text or "").casefold()
    text = re.sub(r"(?<=\d)[.,](?=\d{3}\b)", "", text)
    text = re.sub(r"(?<![\d.,])\b0+(?=\d)", "", text)
    return " ".join(text.split()).strip(" .;:")


def contains(answer: str, wanted: str) -> bool:
    """Whether ``wanted`` occurs in ``answer``, as whole words ("7 năm" is not in "17 năm"), after
    :func:`normalize_for_match` on both."""
    needle = normalize_for_match(wanted)
    return bool(needle) and re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", normalize_for_match(answer)) is not None
