"""Question normalisation: one clean line, chat shorthand spelled out.

Citizens type "lam cccd het bn tien, nop online dc ko"; the router and the
retrievers match words, and "ko", "dc", "bn" match nothing in the law. Only
chat shorthand is spelled out here; domain abbreviations (CCCD, GPLX, BHXH…)
are only upper-cased, since mapping them to legal terms is
``retrieval.expansion``'s job.
"""

from __future__ import annotations

import re

from legal_corpus.normalize import fold, has_diacritics, normalize_line

# Chat shorthand, keyed by the folded word (so "đc" and "dc" are one key) → the word it stands for.
SHORTHAND: dict[str, str] = {
    "ko": "không",
    "k": "không",
    "hok": "không",
    "khong": "không",
    "dc": "được",
    "duoc": "được",
    "j": "gì",
    "ntn": "như thế nào",
    "bn": "bao nhiêu",
    "bnh": "bao nhiêu",
    "vs": "với",
    "ng": "người",
    "cx": "cũng",
    "trc": "trước",
}

# Domain abbreviations, keyed by the folded form → the spelling officials use.
ACRONYMS: dict[str, str] = {
    fold(a): a
    for a in (
        "CCCD", "CMND", "GPLX", "ĐKKD", "HKD", "BHXH", "BHYT", "BHTN", "MST", "TNCN", "GTGT",
        "UBND", "HĐND", "LĐTBXH", "CSGT", "QSDĐ", "THPT", "VNeID",
    )
}

# A word, not part of a number or code ("100k", "01/2022/TT-BTP", "1.001234").
_WORD = re.compile(r"(?<![\w/.\-&])\w+(?![\w/\-&]|\.\w)")
# Single letters name a point of an article ("điểm k khoản 2") or follow an amount ("100 k").
_POINT_OR_AMOUNT = re.compile(r"(?:\bdiem|\d)\s*$")
_YOU = re.compile(r"\s*oi\b")  # "bn ơi" is "bạn ơi", not "bao nhiêu ơi"


def _spell(m: re.Match[str], folded: str) -> str:
    word = m.group(0)
    low, key = word.lower(), fold(word)
    if key in ACRONYMS:
        return ACRONYMS[key]
    target = SHORTHAND.get(key)
    # Shorthand is typed bare ("dc", "đc"); a word with other marks is another word ("hồng", "khống").
    if target is None or low == target or (low != key and low != "đc"):
        return word
    if len(key) == 1 and _POINT_OR_AMOUNT.search(folded[: m.start()]):
        return word
    if key == "bn" and _YOU.match(folded, m.end()):
        target = "bạn"
    capital = word[0].isupper() and (len(word) == 1 or not word.isupper())  # "Đc" → "Được", "BN" → "bao nhiêu"
    return target[0].upper() + target[1:] if capital else target


def normalize_question(text: str) -> str:
    """NFC, tidy single-line spacing, chat shorthand spelled out, domain acronyms upper-cased.

    A question typed without accents stays without accents ("ko" → "khong"): search picks its
    accent-insensitive view from the whole question, and one accented word would switch it.
    """
    line = normalize_line(text or "")
    folded = fold_aligned(line)  # alignment is needed for the context checks
    out = _WORD.sub(lambda m: _spell(m, folded), line)
    return out if has_diacritics(line) else _fold_keep_case(out)


def fold_aligned(text: str) -> str:
    """``fold``, or just ``text.lower()`` when folding would change the length: spans found in it cut ``text``."""
    folded = fold(text)
    return folded if len(folded) == len(text) else text.lower()


def _fold_keep_case(text: str) -> str:
    return "".join(fold(c).upper() if c.isupper() else fold(c) for c in text)
