"""Text hygiene shared by every input path (typed, pasted, read from a file)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Spaces that office software puts into numbers and names: NBSP, narrow NBSP,
# thin space, figure space, zero-width space and BOM.
_ODD_SPACES = re.compile("[\u00a0\u202f\u2009\u2007\u200b\ufeff]")
_RUNS_OF_SPACE = re.compile(r"\s+")
# Never stored (DESIGN §6): control characters other than tab and line breaks (a terminal
# runs ESC sequences, NUL cuts text short) and the invisible bidirectional controls that
# make text read differently from what it says (U+202E turns "5.000" into "000.5").
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# What a printout escapes: the forbidden characters and a carriage return, which would
# write over the line a terminal shows.
_UNPRINTABLE = re.compile(_FORBIDDEN.pattern[:-1] + "\r]")


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


def forbidden_character(text: str) -> str | None:
    """The first character of ``text`` that is never stored, or ``None``."""
    found = _FORBIDDEN.search(text)
    return found.group() if found is not None else None


def describe_forbidden(character: str) -> str:
    """Why ``character`` (from :func:`forbidden_character`) is refused, in Vietnamese."""
    code = f"U+{ord(character):04X}"
    if character in _BIDI:
        return f"có ký tự điều khiển hướng chữ {code} (ẩn, làm chữ hiện ra khác với nội dung)"
    return f"có ký tự điều khiển {code} (không in được)"


def printable(text: str) -> str:
    """``text`` with every control character escaped (ESC as ``\\u001b``), for a terminal or a log.

    Stored text can no longer hold them, but a database written by an older bkdesk may:
    shown raw, ESC sequences would recolour or rewrite the user's terminal. The escape is
    also JSON's, so a JSON document stays valid and means the same.
    """
    if text.isascii() and text.isprintable():
        return text
    return _UNPRINTABLE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def ascii_digits(text: str) -> str:
    """Decimal digits of any script (``٤٦٥``, ``１２３``) as ASCII digits; everything else as it is."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text)


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
