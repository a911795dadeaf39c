"""The checks every entered text passes, whoever enters it: the app, the CLI or a file."""

from __future__ import annotations

from bkdesk.quantities import QuantityError, parse_quantity
from bkdesk.text import clean

MAX_NOTE_LENGTH = 2000


class EntryError(ValueError):
    """A refused entry; ``message`` is Vietnamese and names the place."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_value(text: object, place: str = "") -> str:
    """The text to store for a target or estimate, or :class:`EntryError`.

    Numbers come back canonical (``25500`` → ``25.500``); bounds, ranges and words as
    written after NFC and space clean-up; ``-`` or ``x`` as empty (no figure).
    """
    try:
        return parse_quantity(text).text
    except QuantityError as exc:
        where = f"{place}: " if place else ""
        raise EntryError(f"{where}{exc}") from exc


def check_note(text: object) -> str:
    note = clean(text)
    if len(note) > MAX_NOTE_LENGTH:
        raise EntryError(f"Ghi chú quá dài ({len(note)} ký tự; tối đa {MAX_NOTE_LENGTH})")
    return note


def check_reason(text: object) -> str:
    reason = clean(text)
    if not reason:
        raise EntryError("Cần ghi lý do")
    return reason
