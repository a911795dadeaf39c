"""What the heading of the appendix needs to know of the report it is attached to.

Dates are written as Nghị định 30/2020/NĐ-CP writes them: a leading zero for days
below 10 and for the months 1 and 2 (``ngày 05 tháng 02 năm 2021``, ``tháng 3``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bkdesk.text import clean

_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


@dataclass(frozen=True, slots=True)
class ReportSettings:
    """The report the appendix is attached to: who issues it, its number and date."""

    issuer: str = ""
    number: str = ""
    date: date | None = None


class DateTextError(ValueError):
    """A date that is not a real dd/mm/yyyy date; ``message`` is Vietnamese."""

    def __init__(self, text: str, message: str) -> None:
        super().__init__(f'"{text}": {message}')
        self.text = text
        self.message = message


def day_text(day: int) -> str:
    return f"{day:02d}"


def month_text(month: int) -> str:
    # Nghị định 30: months 1 and 2 take a leading zero so "tháng 1" cannot be read as 10, 11, 12.
    return f"{month:02d}" if month < 3 else str(month)


def date_words(value: date) -> str:
    """``ngày 05 tháng 02 năm 2021``, ``ngày 10 tháng 12 năm 2020``."""
    return f"ngày {day_text(value.day)} tháng {month_text(value.month)} năm {value.year}"


def format_date(value: date | None) -> str:
    """The date as the app shows it (dd/mm/yyyy), empty when not set."""
    return "" if value is None else f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def parse_date(text: object) -> date | None:
    """Read a dd/mm/yyyy date; empty text is "not set". Raises :class:`DateTextError`."""
    cleaned = clean(text)
    if not cleaned:
        return None
    match = _DATE.fullmatch(cleaned)
    if match is None:
        raise DateTextError(cleaned, "ngày phải viết theo dạng ngày/tháng/năm, ví dụ 05/02/2021")
    day, month, year = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        raise DateTextError(cleaned, f"không có tháng {month}; tháng từ 1 đến 12")
    if year < 1900:
        raise DateTextError(cleaned, f"năm {year} không hợp lệ; viết đủ bốn chữ số, ví dụ 2021")
    try:
        return date(year, month, day)
    except ValueError:
        raise DateTextError(cleaned, f"tháng {month} năm {year} không có ngày {day}") from None
