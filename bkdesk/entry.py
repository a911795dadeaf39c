"""The checks every entered text passes, whoever enters it: the app, the CLI or a file.

Two kinds of answer. A refusal (:class:`EntryError`) for text that must never be stored:
control characters, text a spreadsheet would run as a formula, text past its length,
a figure that does not parse, a figure on a heading row. And for a figure that parses,
the slips it may hide (``4,450`` for 4.450 tấn, ``-5`` head of cattle, words where a
number is expected): :func:`review_entry` returns them as questions, which the grid asks
before saving and every other path reports as warnings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bkdesk import rules
from bkdesk.catalogue import Indicator
from bkdesk.numbers import format_number
from bkdesk.plausibility import figure_slips
from bkdesk.quantities import EMPTY, Kind, Quantity, QuantityError, parse_quantity, parse_text
from bkdesk.text import ascii_digits, clean, describe_forbidden, forbidden_character

# A target or figure: the Excel templates already handed out allow 255 characters.
MAX_FIGURE_LENGTH = 255
MAX_NOTE_LENGTH = 2000
MAX_NAME_LENGTH = 500

# The sub-row mark a name may start with ("+ Đàn lợn hiện có"): split off before the formula check.
_SUB_ROW_MARK = re.compile(r"^[+\-–—\u2212]\s+")
_TEXT_QUESTION = "Lưu như một nhận xét bằng chữ (không đánh giá tự động)?"


class EntryError(ValueError):
    """A refused entry; ``message`` is Vietnamese and names the place."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Field(StrEnum):
    """What a text is entered as."""

    TARGET = "target"
    VALUE = "value"  # the estimate or the result of the period
    NOTE = "note"


def _where(place: str) -> str:
    return f"{place}: " if place else ""


def _refuse_characters(text: object, place: str) -> str:
    raw = "" if text is None else str(text)
    found = forbidden_character(raw)
    if found is not None:
        raise EntryError(f"{_where(place)}{describe_forbidden(found)}; hãy xóa ký tự đó rồi nhập lại")
    return raw


def _refuse_long(text: str, limit: int, what: str, place: str) -> None:
    if len(text) > limit:
        raise EntryError(
            f"{_where(place)}{what} dài {format_number(len(text))} ký tự; tối đa {format_number(limit)} ký tự"
        )


def is_formula_like(text: str, *, figure: bool = False) -> bool:
    """Text a spreadsheet would take for a formula: ``=``, ``+``, ``@``, or ``-`` then a letter or ``(``.

    A sign before a number (``+5``, ``-5``) is a number; in a figure, ``=>50`` and ``=<50``
    are bounds (``rules.BOUND_PREFIXES``).
    """
    if not text or (text[0] not in rules.FORMULA_MARKS and text[0] != "-"):
        return False
    rest = text[1:].lstrip()
    if not rest:
        return False
    if text[0] == "-":
        return rest[0] == "(" or rest[0].isalpha()
    if text[0] == "+":
        return not rest[0].isdigit()
    return not (figure and text[0] == "=" and rest[0] in "<>")


def _refuse_formula(text: str, what: str, place: str, *, figure: bool = False) -> None:
    if is_formula_like(text, figure=figure):
        raise EntryError(
            f"{_where(place)}{what} bắt đầu bằng «{text[0]}» như một công thức bảng tính; "
            "bkdesk chỉ lưu số liệu và chữ, không lưu công thức"
        )


def check_value(text: object, place: str = "") -> str:
    """The text to store for a target or estimate, or :class:`EntryError`.

    Numbers come back canonical (``25500`` → ``25.500``); bounds, ranges and words as
    written after NFC and space clean-up; ``-`` or ``x`` as empty (no figure). Digits of
    any script are read as ASCII digits (``٤٦٥`` → ``465``).
    """
    raw = _refuse_characters(text, place)
    cleaned = clean(raw)
    _refuse_long(cleaned, MAX_FIGURE_LENGTH, "số liệu", place)
    cleaned = ascii_digits(cleaned)
    _refuse_formula(cleaned, "số liệu", place, figure=True)
    try:
        return parse_quantity(cleaned).text
    except QuantityError as exc:
        raise EntryError(f"{_where(place)}{exc}") from exc


def check_note(text: object, place: str = "") -> str:
    note = clean(_refuse_characters(text, place))
    _refuse_long(note, MAX_NOTE_LENGTH, "ghi chú", place)
    _refuse_formula(note, "ghi chú", place)
    return note


def check_name(text: object, place: str = "") -> str:
    """An indicator's name as stored: its own characters kept (``m²``), at most 500 of them."""
    name = clean(_refuse_characters(text, place))
    _refuse_long(name, MAX_NAME_LENGTH, "tên chỉ tiêu", place)
    _refuse_formula(_SUB_ROW_MARK.sub("", name), "tên chỉ tiêu", place)
    return name


def check_reason(text: object) -> str:
    reason = clean(_refuse_characters(text, ""))
    if not reason:
        raise EntryError("Cần ghi lý do")
    return reason


@dataclass(frozen=True, slots=True)
class EntryReview:
    """What an entered text would be stored as, and what about it is worth a second look.

    ``questions``: the grid asks them before saving. ``warnings``: the same, said where
    nobody is asked (a command, an imported file). ``words``: when the text is words where
    the target is a number, says so (``set-value`` then needs ``--as-text``); else empty.
    """

    text: str
    questions: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    words: str = ""


def _target(text: str) -> Quantity:
    try:
        return parse_text(text)
    except QuantityError:
        return EMPTY


def heading_refusal(indicator: Indicator, field: Field, place: str) -> str:
    """Why a figure cannot go on this heading row (the caller knows it is one)."""
    what = "nhiệm vụ" if field is Field.TARGET else "số liệu"
    if indicator.is_group:
        return f"{place}: dòng nhóm {indicator.group} là tiêu đề, không nhập {what}"
    return f"{place}: dòng tiêu đề (không có đơn vị tính và nhiệm vụ), không nhập {what}"


def entry_slips(
    indicator: Indicator,
    field: Field,
    stored: str,
    *,
    target: str = "",
    policy: rules.EvaluationRules = rules.DEFAULT_RULES,
) -> EntryReview:
    """The questions about ``stored``, a text that already passed :func:`check_value`."""
    if field is Field.NOTE or not stored:
        return EntryReview(stored)
    place = f"{indicator.code} {indicator.name}"
    figure = parse_text(stored)
    if field is Field.TARGET:
        slips = tuple(f"{place}: {slip}" for slip in figure_slips(indicator, "Nhiệm vụ", figure, None, policy))
        return EntryReview(stored, slips, slips)
    wanted = _target(target)
    if figure.kind is Kind.QUALITATIVE and wanted.is_numeric:
        said = f"{place}: «{stored}» là chữ, còn nhiệm vụ là số ({wanted.text})"
        warning = f"{said}: lưu như một nhận xét bằng chữ, không đánh giá tự động"
        return EntryReview(stored, (f"{said}. {_TEXT_QUESTION}",), (warning,), words=said)
    slips = tuple(f"{place}: {slip}" for slip in figure_slips(indicator, "Ước thực hiện", figure, wanted, policy))
    return EntryReview(stored, slips, slips)


def review_entry(
    indicator: Indicator,
    field: Field,
    text: object,
    *,
    target: str = "",
    heading: bool = False,
    policy: rules.EvaluationRules = rules.DEFAULT_RULES,
) -> EntryReview:
    """Check a text typed for one row and say what about it is worth asking.

    ``target`` is the row's target this year; ``heading`` whether the row is a heading
    (:func:`bkdesk.catalogue.is_heading`). Raises :class:`EntryError` for a text that must
    not be stored, its message naming the row.
    """
    place = f"{indicator.code} {indicator.name}"
    if field is Field.NOTE:
        return EntryReview(check_note(text, place))
    stored = check_value(text, place)
    if stored and (indicator.is_group if field is Field.TARGET else heading):
        raise EntryError(heading_refusal(indicator, field, place))
    return entry_slips(indicator, field, stored, target=target, policy=policy)
