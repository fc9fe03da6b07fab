"""Vietnamese text normalisation: NFC, one tone-mark convention, clean spacing.

Part of the real data is stored decomposed (NFD) and sources mix the old
("hoà", "thuỷ") and new ("hòa", "thủy") tone placements, so the same word
would otherwise index as two. Everything that enters the corpus or a query
goes through ``normalize_text``; ``fold`` drops diacritics for matching
queries typed without accents.
"""

from __future__ import annotations

import re
import unicodedata

# Combining tone marks (NFD) and the vowels they may sit on.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_SYLLABLE = re.compile(r"\w+", re.UNICODE)
# Old-style open syllables whose tone moves to the first vowel: oa, oe, uy
# at the end of a syllable ("hoà" → "hòa", "thuỷ" → "thủy"), except after
# "q" where "u" is part of the consonant ("quý" stays).
_OLD_STYLE = re.compile(r"(?<![qQ])([oOuU])([aAeEyY])([\u0300\u0301\u0303\u0309\u0323])$")

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_BULLETS = re.compile(r"^[ \t]*[•●▪■◦○∙·\uf0b7\uf0a7\uf0d8\u2022\u2023\u2043\u25aa\u25cf-]+[ \t]+", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u200e\u200f]")


def _fix_tone(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllable)
    if not any(ch in _TONES for ch in decomposed):
        return syllable
    # Keep the tone apart from other marks (circumflex, breve, horn) so the
    # pattern sees "o" + "a" + tone.
    m = _OLD_STYLE.search(decomposed)
    if not m:
        return syllable
    moved = decomposed[: m.start()] + m.group(1) + m.group(3) + m.group(2)
    return unicodedata.normalize("NFC", moved)


def normalize_tones(text: str) -> str:
    """Move tone marks of open oa/oe/uy syllables to the new-style position."""
    return _SYLLABLE.sub(lambda m: _fix_tone(m.group(0)), text)


def normalize_text(text: str) -> str:
    """NFC, new-style tone marks, no control characters, tidy spaces and bullets.

    Line breaks are kept (they carry the khoản/điểm structure); runs of
    spaces collapse to one and more than one blank line collapses to one.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = normalize_tones(text)
    text = _SPACES.sub(" ", text)
    text = _BULLETS.sub("- ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def normalize_line(text: str) -> str:
    """``normalize_text`` folded onto a single line (titles, names, fields)."""
    return " ".join(normalize_text(text).split())


def fold(text: str) -> str:
    """Lower-case and strip diacritics: "Thủ tục Đăng ký" → "thu tuc dang ky"."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d")


def has_diacritics(text: str) -> bool:
    """Whether the text carries any Vietnamese marks (to tell "lam cccd" from "làm CCCD")."""
    return fold(text) != text.lower()
