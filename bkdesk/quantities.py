"""Targets and estimates as officers write them: a number, a bound, a range or words.

``3.200`` (reach), ``>50`` / ``trên 50`` (above), ``≥ 50`` / ``từ 50 trở lên`` (at
least), ``<14`` / ``dưới 14`` (below), ``≤14`` / ``không quá 14`` (at most),
``33-34`` / ``từ 33 đến 34`` (range), ``khoảng 4`` (about), and words
(``Phấn đấu giảm 03 tiêu chí``), which are qualitative. Any other text is an error.
The words and symbols live in :mod:`bkdesk.rules`, so an office can change them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from bkdesk import rules
from bkdesk.numbers import (
    MAX_DECIMAL_PLACES,
    MAX_INTEGER_DIGITS,
    NumberError,
    canonical_number_text,
    parse_number,
)
from bkdesk.text import clean, words


class Kind(StrEnum):
    EMPTY = "empty"
    REACH = "reach"
    ABOUT = "about"
    ABOVE = "above"
    AT_LEAST = "at_least"
    BELOW = "below"
    AT_MOST = "at_most"
    RANGE = "range"
    QUALITATIVE = "qualitative"


POINT_KINDS = frozenset({Kind.REACH, Kind.ABOUT})
BOUND_KINDS = frozenset({Kind.ABOVE, Kind.AT_LEAST, Kind.BELOW, Kind.AT_MOST})


class Quantity(NamedTuple):
    """A parsed target or estimate, with the interval it stands for.

    A named tuple rather than a frozen dataclass: it is as immutable and several times
    cheaper to build, which matters when a table of 10,000 rows is evaluated.

    ``low``/``high`` are ``None`` when unbounded; ``*_open`` marks a strict bound.
    ``text`` is what the officer wrote, after NFC and space clean-up.
    """

    kind: Kind
    text: str
    low: Decimal | None = None
    high: Decimal | None = None
    low_open: bool = False
    high_open: bool = False

    @property
    def is_empty(self) -> bool:
        return self.kind is Kind.EMPTY

    @property
    def is_numeric(self) -> bool:
        return self.kind not in (Kind.EMPTY, Kind.QUALITATIVE)

    @property
    def is_point(self) -> bool:
        return self.kind in POINT_KINDS

    @property
    def value(self) -> Decimal | None:
        """The number of a point quantity (reach or about N), else ``None``."""
        return self.low if self.kind in POINT_KINDS else None


class QuantityError(ValueError):
    """Text that looks like a number or bound but is not one; ``message`` is Vietnamese."""

    def __init__(self, text: str, message: str) -> None:
        super().__init__(f'"{text}": {message}')
        self.text = text
        self.message = message


EMPTY = Quantity(Kind.EMPTY, "")
_REACH = Kind.REACH

_RANGE_SEPARATOR = re.compile(r"^(?P<a>[\d.,]+)\s*[-–—]\s*(?P<b>[\d.,]+)$")
_FROM_TO = re.compile(r"^từ\s+(?P<a>\S+)\s+(?:đến|tới)\s+(?P<b>\S+)$")
_OR_MORE = re.compile(r"^(?:từ\s+)?(?P<a>\S+)\s+trở\s+lên$")
_OR_LESS = re.compile(r"^(?:từ\s+)?(?P<a>\S+)\s+trở\s+xuống$")
_COMPARATORS = ("≥", "≤", ">", "<", "=")


# A plain number as bkdesk stores it, within the limits of bkdesk.numbers (15 integer digits:
# a head of one to three digits and at most four groups); a longer one takes the slow path,
# which says what is too long.
_PLAIN_NUMBER = re.compile(
    rf"-?(?:[1-9]\d{{0,2}}(?:\.\d{{3}}){{1,{(MAX_INTEGER_DIGITS - 1) // 3}}}|\d{{1,{MAX_INTEGER_DIGITS}}})"
    rf"(?:,\d{{1,{MAX_DECIMAL_PLACES}}})?",
    re.ASCII,  # digits of other scripts ("١٢٣", "１２３") take the slow path, which writes them as 0-9
)
_match_plain = _PLAIN_NUMBER.fullmatch
# Building the tuple directly skips the keyword handling of the named tuple's __new__.
_new_tuple = tuple.__new__


@lru_cache(maxsize=1)
def _bound_prefixes() -> tuple[tuple[str, Kind], ...]:
    prefixes = [(text, Kind(kind)) for text, kind in rules.BOUND_PREFIXES]
    return tuple(sorted(prefixes, key=lambda item: -len(item[0])))


def parse_quantity(text: object) -> Quantity:
    """Parse a target or an estimate. Raises :class:`QuantityError` on bad text."""
    if type(text) is str:
        return parse_text(text)
    return _parse(clean(text))


@lru_cache(maxsize=65536)
def parse_text(text: str) -> Quantity:
    """:func:`parse_quantity` of a ``str``, remembered by its raw text.

    Keyed on the raw text, so a table evaluated again skips the clean-up too. A stored
    figure is mostly a plain number already clean: it goes straight to the fast path.
    """
    if _match_plain(text) is not None:
        return _plain(text)
    return _parse(clean(text))


@lru_cache(maxsize=65536)
def _parse(cleaned: str) -> Quantity:
    if cleaned in rules.EMPTY_MARKS:
        return Quantity(Kind.EMPTY, "")
    if _match_plain(cleaned) is not None:
        return _plain(cleaned)
    lowered = cleaned.casefold().replace("%", " ")
    lowered = re.sub(r"\s+", " ", lowered).strip()
    if lowered in rules.NOT_FINITE_WORDS or "∞" in lowered:
        raise QuantityError(cleaned, "không phải là một số hữu hạn; hãy nhập số cụ thể, ví dụ 95,3")
    if _is_qualitative(lowered):
        return Quantity(Kind.QUALITATIVE, cleaned)
    try:
        return _parse_numeric(cleaned, lowered)
    except NumberError as exc:
        raise QuantityError(cleaned, exc.message) from exc


def _is_qualitative(lowered: str) -> bool:
    return any(len(word) >= 2 and word not in rules.BOUND_WORDS for word in words(lowered))


def _parse_numeric(cleaned: str, lowered: str) -> Quantity:
    for pattern, kind in ((_OR_MORE, Kind.AT_LEAST), (_OR_LESS, Kind.AT_MOST)):
        match = pattern.match(lowered)
        if match:
            return _bound(cleaned, kind, parse_number(match["a"]))
    match = _FROM_TO.match(lowered)
    if match:
        return _range(cleaned, parse_number(match["a"]), parse_number(match["b"]))
    for prefix, kind in _bound_prefixes():
        if lowered.startswith(prefix):
            rest = lowered[len(prefix) :].strip()
            if not rest:
                raise QuantityError(cleaned, f'thiếu số sau "{prefix}"; ví dụ viết {prefix}50')
            if rest.startswith(_COMPARATORS):
                raise QuantityError(cleaned, "dấu so sánh bị lặp; chỉ viết một dấu, ví dụ ≥50")
            if kind is Kind.ABOUT:
                return _point(cleaned, Kind.ABOUT, parse_number(rest))
            return _bound(cleaned, kind, parse_number(rest))
    compact = lowered.replace(" ", "")
    if compact.startswith(_COMPARATORS):
        raise QuantityError(cleaned, "dấu so sánh không hợp lệ; dùng >, ≥, <, ≤ rồi đến số, ví dụ ≥50")
    match = _RANGE_SEPARATOR.match(compact)
    if match:
        return _range(cleaned, parse_number(match["a"]), parse_number(match["b"]))
    dash = re.search(r"(?<=[\d.,])\s*[-–—]", lowered)
    if dash is not None:
        head, tail = lowered[: dash.start()].strip(), lowered[dash.end() :].strip()
        if not tail:
            raise QuantityError(cleaned, "khoảng giá trị thiếu số cuối; ví dụ viết 33-34")
        parse_number(head)
        parse_number(tail)
        raise QuantityError(cleaned, "khoảng giá trị không hợp lệ; viết số nhỏ - số lớn, ví dụ 33-34")
    if compact.endswith(("-", "–", "—")):
        raise QuantityError(cleaned, "khoảng giá trị thiếu số cuối; ví dụ 33-34")
    number = parse_number(cleaned)
    return _point(cleaned, Kind.REACH, number, canonical=True)


def _plain(cleaned: str) -> Quantity:
    """The common case, a plain number that matched ``_PLAIN_NUMBER``: one Decimal, no analysis."""
    if "." in cleaned:  # grouped thousands: stored as written, unless a zero leads ("0.123")
        number = Decimal(cleaned.replace(".", "").replace(",", "."))
        text = canonical_number_text(cleaned) if cleaned[0] == "0" or cleaned[:2] == "-0" else cleaned
    else:
        number = Decimal(cleaned.replace(",", "."))
        integer = cleaned.partition(",")[0].lstrip("-")
        # Short, or with a leading zero ("01"): stored as written; else grouped.
        text = cleaned if len(integer) <= 3 else canonical_number_text(cleaned)
    if not number and cleaned[0] == "-":  # "-0" is zero, written and kept without its sign
        number = number.copy_abs()
        text = canonical_number_text(cleaned)
    return _new_tuple(Quantity, (_REACH, text, number, number, False, False))


def _point(cleaned: str, kind: Kind, number: Decimal, *, canonical: bool = False) -> Quantity:
    text = canonical_number_text(cleaned) if canonical else cleaned
    return Quantity(kind, text, number, number)


def _bound(cleaned: str, kind: Kind, number: Decimal) -> Quantity:
    if kind is Kind.ABOVE:
        return Quantity(kind, cleaned, low=number, low_open=True)
    if kind is Kind.AT_LEAST:
        return Quantity(kind, cleaned, low=number)
    if kind is Kind.BELOW:
        return Quantity(kind, cleaned, high=number, high_open=True)
    return Quantity(kind, cleaned, high=number)


def _range(cleaned: str, low: Decimal, high: Decimal) -> Quantity:
    if low > high:
        raise QuantityError(cleaned, "số đầu của khoảng lớn hơn số cuối; viết số nhỏ trước, ví dụ 33-34")
    return Quantity(Kind.RANGE, cleaned, low, high)
