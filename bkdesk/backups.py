"""Backups of a database file: their names, what each was made for, and which ones to keep.

A backup is named after its database and the local time it was made, so that a folder
listing sorts by time and a person can tell the copies apart without bkdesk:
``bkdesk-20261207-210501-chot-so-lieu.sqlite`` is the copy of ``bkdesk.sqlite`` made at
21:05:01 on 7 December 2026, before the figures were locked. A second copy in the same
second gets a serial number (``…-210501-2-…``).

Which copies to keep is decided here from their times alone (:func:`retained`), so the
rule is tested without files: the newest 20, plus the newest of each of the last 30
days and of each of the last 12 months (calendar days and months, today and this month
included). A copy dated after ``now`` (the clock was put back) is never deleted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from bkdesk.numbers import format_number

NEWEST = 20
DAYS = 30
MONTHS = 12
STAMP = "%Y%m%d-%H%M%S"
SUFFIX = ".sqlite"
RETENTION_TEXT = (
    f"bkdesk giữ {NEWEST} bản mới nhất, thêm một bản mỗi ngày trong {DAYS} ngày "
    f"và một bản mỗi tháng trong {MONTHS} tháng gần nhất."
)


class BackupReason(Enum):
    """Why a copy was made: a word for its file name, and what the list says."""

    MANUAL = ("thu-cong", "", "sao lưu theo yêu cầu")
    IMPORT = ("nhan-so-lieu", "nhận số liệu các phòng", "")
    IMPORT_TABLE = ("nhap-bieu", "nhập biểu từ Excel", "")
    MERGE = ("xung-dot", "giải quyết xung đột số liệu", "")
    FEEDBACK = ("nhan-phan-hoi", "nhận tệp phản hồi của văn phòng tổng hợp", "")
    LOCK = ("chot-so-lieu", "chốt số liệu", "")
    UNLOCK = ("mo-khoa", "mở khóa số liệu", "")
    NEW_YEAR = ("tao-nam-moi", "tạo năm mới", "")
    RESTORE = ("khoi-phuc", "khôi phục bản sao lưu", "")
    UPGRADE = ("nang-cap", "nâng cấp cơ sở dữ liệu lên phiên bản mới", "")
    CLOSE = ("dong-ung-dung", "", "khi đóng ứng dụng sau khi có thay đổi")

    def __init__(self, slug: str, operation: str, label: str) -> None:
        self.slug = slug
        self.operation = operation  # the operation the copy protects ("" for none)
        self._label = label

    @property
    def label(self) -> str:
        """What the list of backups says of a copy made for this reason."""
        return self._label or f"trước khi {self.operation}"

    @classmethod
    def from_slug(cls, slug: str) -> BackupReason | None:
        for reason in cls:
            if reason.slug == slug:
                return reason
        return None


@dataclass(frozen=True, slots=True)
class BackupName:
    """What a backup's file name says: when it was made, its serial within that second, and why."""

    when: datetime
    serial: int = 1
    reason: BackupReason | None = None

    @property
    def sort_key(self) -> tuple[datetime, int]:
        return (self.when, self.serial)


def backup_file_name(stem: str, name: BackupName) -> str:
    """``{stem}-YYYYMMDD-HHMMSS[-serial][-reason].sqlite``, local time."""
    parts = [stem, name.when.strftime(STAMP)]
    if name.serial > 1:
        parts.append(str(name.serial))
    if name.reason is not None:
        parts.append(name.reason.slug)
    return "-".join(parts) + SUFFIX


def parse_backup_name(stem: str, file_name: str) -> BackupName | None:
    """The name's parts, or ``None`` for a file that is not a backup of the database called ``stem``."""
    pattern = rf"{re.escape(stem)}-(\d{{8}}-\d{{6}})(?:-(\d+))?(?:-([a-z]+(?:-[a-z]+)*))?{re.escape(SUFFIX)}"
    match = re.fullmatch(pattern, file_name)
    if match is None:
        return None
    try:
        when = datetime.strptime(match.group(1), STAMP)
    except ValueError:  # 20261399-…: digits, but not a time
        return None
    serial = int(match.group(2)) if match.group(2) else 1
    reason = BackupReason.from_slug(match.group(3)) if match.group(3) else None
    return BackupName(when, max(serial, 1), reason)


def when_text(when: datetime) -> str:
    """``07/12/2026 21:05``: how a backup's local time is shown."""
    return when.strftime("%d/%m/%Y %H:%M")


def size_text(size: int) -> str:
    """A file size the Vietnamese way: ``245 kB``, ``7,5 MB``."""
    if size < 1000 * 1000:
        return f"{format_number(max(1, round(size / 1000)))} kB"
    return f"{format_number(Decimal(size) / 1_000_000, 1, trim=True)} MB"


def _month(day: date) -> int:
    return day.year * 12 + day.month - 1


def retained(stamps: Sequence[datetime], now: datetime) -> list[bool]:
    """For each backup time, whether to keep it; equal times count the later position as newer.

    Kept: the ``NEWEST`` newest; the newest of each calendar day from ``DAYS - 1`` days
    before ``now`` to ``now``'s day; the newest of each calendar month from ``MONTHS - 1``
    months before ``now``'s month to that month; and every time after ``now``.
    """
    order = sorted(range(len(stamps)), key=lambda i: (stamps[i], i))
    keep = [False] * len(stamps)
    for i in order[-NEWEST:] if NEWEST else ():
        keep[i] = True
    today = now.date()
    this_month = _month(today)
    newest_of_day: dict[date, int] = {}
    newest_of_month: dict[int, int] = {}
    for i in order:  # oldest first: the last one written for a day or month is its newest
        stamp = stamps[i]
        if stamp > now:
            keep[i] = True
            continue
        if (today - stamp.date()).days < DAYS:
            newest_of_day[stamp.date()] = i
        if this_month - _month(stamp.date()) < MONTHS:
            newest_of_month[_month(stamp.date())] = i
    for i in (*newest_of_day.values(), *newest_of_month.values()):
        keep[i] = True
    return keep
