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
from functools import lru_cache

_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def _build_old_style() -> tuple[re.Pattern[str], dict[str, str]]:
    """Map every old-style open syllable ending ("oà", "uỷ") to the new style ("òa", "ủy")."""
    table: dict[str, str] = {}
    for first in "oOuU":
        for second in ("aAeE" if first in "oO" else "yY"):
            for tone in _TONE_MARKS:
                old = unicodedata.normalize("NFC", first + second + tone)
                new = unicodedata.normalize("NFC", first + tone) + second
                table[old] = new
    # Only at the end of a syllable ("hoàn" keeps its tone on "a"), and not
    # after "q", where "u" belongs to the consonant ("quý" stays).
    toned = "".join(sorted({old[1] for old in table}))
    pattern = re.compile(rf"(?<![qQ])[oOuU][{toned}](?!\w)")
    return pattern, table


_OLD_STYLE, _NEW_STYLE = _build_old_style()
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_BULLETS = re.compile(r"^[ \t]*[•●▪■◦○∙·\uf0b7\uf0a7\uf0d8\u2022\u2023\u2043\u25aa\u25cf-]+[ \t]+", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u200e\u200f]")


# UTF-8 bytes shown as Windows-1252/Latin-1: "Thủ tục" → "Thá»§ tá»¥c", "đ" → "Ä‘".
_MOJIBAKE = re.compile("[ÃÄÆÂá][\u0080-\u00bf\u0152-\u2122]")


def _cp1252_byte(ch: str) -> int:
    """The byte a browser showed as ``ch`` when decoding Windows-1252 (undefined bytes pass as C1 controls)."""
    code = ord(ch)
    if code <= 0xFF:
        return code
    try:
        return ch.encode("cp1252")[0]
    except UnicodeEncodeError:
        return -1


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as Windows-1252 (copied from a mis-decoded page); other text is returned as is."""
    if len(_MOJIBAKE.findall(text)) < 2:
        return text
    # Real Vietnamese text ("cá\xa0nhân" twice passes the test above) stops at its first letter
    # beyond Windows-1252, rather than mapping the whole text first.
    raw = bytearray()
    for ch in text:
        byte = _cp1252_byte(ch)
        if byte < 0:
            return text
        raw.append(byte)
    try:
        repaired = raw.decode("utf-8")
    except UnicodeDecodeError:
        return text
    return repaired if has_diacritics(repaired) else text


def normalize_tones(text: str) -> str:
    """Move tone marks of open oa/oe/uy syllables to the new-style position (NFC input)."""
    return _OLD_STYLE.sub(lambda m: _NEW_STYLE.get(m.group(0), m.group(0)), text)


def normalize_text(text: str) -> str:
    """NFC, new-style tone marks, no control characters, tidy spaces and bullets.

    Line breaks are kept (they carry the khoản/điểm structure); runs of
    spaces collapse to one and more than one blank line collapses to one.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", repair_mojibake(text))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = normalize_tones(text)
    text = _SPACES.sub(" ", text)
    text = _BULLETS.sub("- ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


@lru_cache(maxsize=65536)
def normalize_line(text: str) -> str:
    """``normalize_text`` folded onto a single line (titles, names, fields)."""
    return " ".join(normalize_text(text).split())


def _fold_by_decomposition(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d")


# Below U+2500 (Latin, Greek, Cyrillic, combining marks, punctuation) folding is per character,
# so one translate() does it; it runs on every snippet and query, ten times faster than decomposing.
_FOLD_LIMIT = "\u2500"
_FOLD_TABLE = {cp: folded for cp in range(0x80, ord(_FOLD_LIMIT))
               if (folded := _fold_by_decomposition(chr(cp))) != chr(cp)}


_BEYOND_TABLE = re.compile(f"[{_FOLD_LIMIT}-\U0010ffff]")  # a C scan, five times faster than max(text)


def fold(text: str) -> str:
    """Lower-case and strip diacritics: "Thủ tục Đăng ký" → "thu tuc dang ky"."""
    if _BEYOND_TABLE.search(text):
        return _fold_by_decomposition(text)
    return text.lower().translate(_FOLD_TABLE)


def has_diacritics(text: str) -> bool:
    """Whether the text carries any Vietnamese marks (to tell "lam cccd" from "làm CCCD")."""
    return fold(text) != text.lower()
