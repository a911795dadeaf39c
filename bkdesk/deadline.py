"""*Hạn nộp*: the day by which the synthesis office wants each phòng's file for a period, and who is late.

A phòng is on time when its first file for the period reached the office by the end of
the deadline day, on this computer's clock. A file after that does not make it late:
corrections come after the deadline as a matter of course (a conflict the office asked
about, a figure revised). It is late when its first file came after that day, or when the
day is over and nothing has come. The office chases the second kind; the first is said so
that the record is plain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from bkdesk.reports.settings import DateTextError, format_date, parse_date

NOT_SENT = "chưa nộp"


class DeadlineError(ValueError):
    """A deadline that cannot be kept; ``message`` is Vietnamese and names the date."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_deadline(text: object, year: int) -> date | None:
    """Read a deadline written dd/mm/yyyy for ``year``'s figures; empty text is "no deadline"."""
    try:
        value = parse_date(text)
    except DateTextError as exc:
        raise DeadlineError(f"Hạn nộp «{exc.text}»: {exc.message}") from None
    if value is not None and value.year < year:
        raise DeadlineError(
            f"Hạn nộp {format_date(value)} trước năm {year}: hạn nộp số liệu năm {year} "
            f"phải từ ngày 01/01/{year} trở đi"
        )
    return value


def local_day(moment: datetime) -> date:
    """The day a UTC moment falls on, on this computer's clock (as :mod:`bkdesk.exchange.times` shows it)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone().date()


def is_past(deadline: date | None, today: date) -> bool:
    """The whole deadline day is over."""
    return deadline is not None and today > deadline


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a phòng stands for a period: ``late`` marks it to chase; ``text`` says why in words."""

    late: bool
    text: str


def standing(
    *,
    first_received: datetime | None,
    issued_at: datetime | None,
    deadline: date | None,
    today: date,
) -> Standing:
    """A phòng's standing from its first file received for the period and its newest setup issued for the year."""
    if first_received is not None:
        day = local_day(first_received)
        if deadline is None:
            return Standing(False, "đã nộp")
        if day > deadline:
            return Standing(True, f"NỘP MUỘN: tệp đầu tiên nhận ngày {format_date(day)}")
        return Standing(False, "đã nộp đúng hạn")
    silent = NOT_SENT
    if issued_at is not None:
        silent = f"đã cấp tệp thiết lập ngày {format_date(local_day(issued_at))}, {NOT_SENT}"
    if is_past(deadline, today):
        return Standing(True, f"QUÁ HẠN: {silent}")
    return Standing(False, silent)


def late_summary(overdue: list[str], sent_late: list[str]) -> str:
    """``Quá hạn, chưa nộp: 2 phòng (VP, YT); nộp muộn: 1 phòng (KT)``; empty when nobody is late."""
    parts = [
        f"{label}: {len(codes)} phòng ({', '.join(codes)})"
        for label, codes in (("Quá hạn, chưa nộp", overdue), ("nộp muộn", sent_late))
        if codes
    ]
    return "; ".join(parts)
