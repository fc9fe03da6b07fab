"""Turning bytes of unknown encoding into text.

Vietnamese files arrive as UTF-8, UTF-16, or the legacy Windows-1258;
HTML pages may declare their charset. Guessing wrong silently corrupts
every diacritic, so a guess is only accepted when the result looks
Vietnamese.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def html_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a <meta> tag, if any."""
    found = _META_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii").lower() if found else None


class Unreadable(Exception):
    """The file's bytes cannot be turned into text; the message says why."""


# Breve, horn, hook above, dot below and đ: Vietnamese has them everywhere, Latin-1 text hardly ever.
_VIET_MARKS = re.compile("[\u0306\u031b\u0309\u0323đĐ]")


def decode_text(data: bytes, declared: str | None = None) -> str:
    """UTF-8 (BOM or not), UTF-16 by BOM, a declared charset, else Vietnamese Windows-1258."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig" if data.startswith(codecs.BOM_UTF8) else declared, "utf-8"):
        try:
            return data.decode(encoding or "utf-8")
        except (LookupError, UnicodeDecodeError):
            continue
    text = unicodedata.normalize("NFD", data.decode("cp1258", errors="replace"))
    if len(_VIET_MARKS.findall(text)) >= max(3, sum(c.isalpha() for c in text) // 40):
        return text
    raise Unreadable("not UTF-8 text (nor Vietnamese Windows-1258)")


