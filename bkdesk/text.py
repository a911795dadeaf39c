"""Text hygiene shared by every input path (typed, pasted, read from a file)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Spaces that office software puts into numbers and names: NBSP, narrow NBSP,
# thin space, figure space, zero-width space and BOM.
_ODD_SPACES = re.compile("[\u00a0\u202f\u2009\u2007\u200b\ufeff]")
_RUNS_OF_SPACE = re.compile(r"\s+")


def clean(text: object) -> str:
    """NFC-normalise ``text``, turn odd spaces into plain ones, collapse runs, strip.

    Offices type with "Unicode tổ hợp" (decomposed) as often as with "Unicode dựng
    sẵn"; after this ``Đạt`` equals ``Đạt`` whatever the bytes were.
    """
    if text is None:
        return ""
    value = str(text)
    if value.isascii() and value.isprintable() and value == value.strip() and "  " not in value:
        return value  # already clean: ASCII is NFC, and most figures are ASCII
    value = unicodedata.normalize("NFC", value)
    value = _ODD_SPACES.sub(" ", value)
    return _RUNS_OF_SPACE.sub(" ", value).strip()


def _accent_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in (*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)):
        decomposed = unicodedata.normalize("NFD", chr(code))
        base = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        if base != chr(code):
            table[code] = base
    table.update({ord("đ"): "d", ord("Đ"): "D"})
    return table


_WITHOUT_ACCENTS = _accent_table()


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Search key: lower case, without diacritics, ``đ`` as ``d``.

    ``fold("Đàn lợn") == fold("dan lon")``, so a search typed without accents
    still finds the row.
    """
    return clean(text).casefold().translate(_WITHOUT_ACCENTS)


def words(text: str) -> list[str]:
    """The words of ``text`` after NFC and case folding (letters only)."""
    return re.findall(r"[^\W\d_]+", clean(text).casefold())
