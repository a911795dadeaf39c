"""The one error the persistence layer raises to its callers: a Vietnamese message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


class StoreError(Exception):
    """A refusal or failure to show the user as it is (``message`` is Vietnamese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(StoreError):
    """The user's text was refused (a number that does not parse, a missing reason)."""


@dataclass(frozen=True, slots=True)
class StaleField:
    """One stored value that changed after the person saw it: who changed it, to what, and when."""

    code: str
    place: str  # the row as a person names it: "A.8 Đàn lợn"
    field: str
    label: str  # the field in words: "số liệu", "ghi chú", "nhiệm vụ", …
    expected: str  # what the person saw
    stored: str  # what is stored now
    actor: str = ""
    at: datetime | None = None


class StaleValue(StoreError):
    """A person's write refused, nothing written: a value changed since the person saw it.

    ``stale`` holds every such value (the grid reloads their rows); ``total`` is how many
    cells the refused write had. ``message`` names the first value and what the person
    saw; :meth:`describe` words it for a caller that knows when the person saw it.
    """

    def __init__(self, stale: Sequence[StaleField], total: int = 1) -> None:
        self.stale = tuple(stale)
        self.total = total
        super().__init__(self.describe())

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(item.code for item in self.stale))

    def describe(self, after: str | None = None) -> str:
        """``A.8 Đàn lợn: số liệu đã được «Phòng Kinh tế» sửa thành 22.000 lúc 07/12/2026 21:05 {after}; chưa lưu.``

        Without ``after``: "…, không còn là 21.246 như bạn thấy; chưa lưu."
        """
        first = self.stale[0]
        if after is None:
            seen = _shown(first.field, first.expected) if first.expected else "(trống)"
            after = f", không còn là {seen} như bạn thấy"
        else:
            after = f" {after}"
        others = f" (và {len(self.stale) - 1} ô khác cũng đã thay đổi)" if len(self.stale) > 1 else ""
        unsaved = "chưa lưu ô nào" if self.total > 1 else "chưa lưu"
        return f"{stale_sentence(first)}{after}{others}; {unsaved}."


def stale_sentence(item: StaleField) -> str:
    """``A.8 Đàn lợn: số liệu đã được «Phòng Kinh tế» sửa thành 22.000 lúc 07/12/2026 21:05``."""
    who = f" «{item.actor}»" if item.actor else ""
    what = f"sửa thành {_shown(item.field, item.stored)}" if item.stored else "xóa"
    when = f" lúc {item.at.astimezone().strftime('%d/%m/%Y %H:%M')}" if item.at is not None else ""
    return f"{item.place}: {item.label} đã được{who} {what}{when}"


def _shown(field: str, text: str) -> str:
    """Figures as written (``22.000``); notes, verdicts and words in quotes, a long note cut short."""
    if field in ("note", "verdict") or any(ch.isalpha() for ch in text):
        return f"«{text if len(text) <= 60 else text[:59] + '…'}»"
    return text
