"""Which backups are kept (the newest 20, one a day for 30 days, one a month for 12 months), and their names."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bkdesk.backups import (
    DAYS,
    MONTHS,
    NEWEST,
    BackupName,
    BackupReason,
    backup_file_name,
    parse_backup_name,
    retained,
    size_text,
    when_text,
)

NOW = datetime(2026, 12, 7, 21, 5, 1)
stamps = st.lists(
    st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31, 23, 59, 59)).map(
        lambda moment: moment.replace(microsecond=0)
    ),
    max_size=120,
)
nows = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 6, 30)).map(
    lambda moment: moment.replace(microsecond=0)
)


def kept(times: list[datetime], now: datetime) -> list[datetime]:
    return [time for time, keep in zip(times, retained(times, now), strict=True) if keep]


def months_between(older: datetime, newer: datetime) -> int:
    return (newer.year * 12 + newer.month) - (older.year * 12 + older.month)


@given(stamps, nows)
def test_the_newest_twenty_are_always_kept(times: list[datetime], now: datetime) -> None:
    decisions = retained(times, now)
    newest = sorted(range(len(times)), key=lambda i: (times[i], i))[-NEWEST:]
    assert all(decisions[i] for i in newest)


@given(stamps, nows)
def test_every_recent_day_and_month_keeps_its_newest_backup(times: list[datetime], now: datetime) -> None:
    decisions = retained(times, now)
    for i, time in enumerate(times):
        if time > now:
            assert decisions[i], "a backup dated after now (clock put back) is never deleted"
            continue
        same_day = [j for j, other in enumerate(times) if other.date() == time.date()]
        newest_of_day = max(same_day, key=lambda j: (times[j], j))
        if (now.date() - time.date()).days < DAYS:
            assert decisions[newest_of_day]
        if months_between(time, now) < MONTHS:
            same_month = [j for j, other in enumerate(times) if (other.year, other.month) == (time.year, time.month)]
            assert decisions[max(same_month, key=lambda j: (times[j], j))]


@given(stamps, nows)
def test_nothing_else_is_kept_and_the_rule_is_stable(times: list[datetime], now: datetime) -> None:
    decisions = retained(times, now)
    order = sorted(range(len(times)), key=lambda i: (times[i], i))
    newest = set(order[-NEWEST:])
    for i, keep in enumerate(decisions):
        if not keep:
            continue
        time = times[i]
        later_same_day = [j for j in order if times[j].date() == time.date() and (times[j], j) > (time, i)]
        later_same_month = [
            j for j in order if (times[j].year, times[j].month) == (time.year, time.month) and (times[j], j) > (time, i)
        ]
        reasons = [
            i in newest,
            time > now,
            (now.date() - time.date()).days < DAYS and not later_same_day,
            months_between(time, now) < MONTHS and not later_same_month,
        ]
        assert any(reasons), f"{time} kept for no reason"
    assert sum(decisions) <= NEWEST + DAYS + MONTHS + sum(1 for time in times if time > now)
    # Pruning again right away deletes nothing more.
    survivors = kept(times, now)
    assert kept(survivors, now) == survivors


def test_a_year_of_hourly_backups_keeps_twenty_plus_a_day_and_a_month() -> None:
    times = [NOW - timedelta(hours=hours) for hours in range(0, 400 * 24)]
    survivors = kept(times, NOW)
    assert max(survivors) == NOW
    assert sorted(survivors, reverse=True)[:NEWEST] == times[:NEWEST]
    days = {time.date() for time in survivors}
    assert {NOW.date() - timedelta(days=n) for n in range(DAYS)} <= days
    months = {(time.year, time.month) for time in survivors}
    assert (2026, 1) in months and (2025, 12) not in months  # twelve months, this one included: Jan … Dec 2026
    assert len(months) == MONTHS
    recent = {day for day in days if day > NOW.date() - timedelta(days=40)}
    # The last 30 days (7 December back to 8 November), and 31 October as October's newest.
    assert recent == {NOW.date() - timedelta(days=n) for n in range(DAYS)} | {datetime(2026, 10, 31).date()}
    # The copy kept for an older day is its last one (23:05, taken just before midnight).
    assert (NOW - timedelta(days=10)).replace(hour=23) in survivors
    assert len(survivors) < NEWEST + DAYS + MONTHS


def test_backups_dated_after_now_are_never_deleted() -> None:
    """The clock was put back: copies "from the future" are kept, however many there are."""
    future = [NOW + timedelta(days=400, minutes=n) for n in range(NEWEST + 10)]
    past = [NOW - timedelta(days=400 + n) for n in range(5)]
    decisions = retained(past + future, NOW)
    assert decisions[len(past) :] == [True] * len(future)
    assert decisions[: len(past)] == [False] * len(past)


def test_names_sort_by_time_and_say_why() -> None:
    name = BackupName(NOW, 1, BackupReason.LOCK)
    file_name = backup_file_name("bkdesk", name)
    assert file_name == "bkdesk-20261207-210501-chot-so-lieu.sqlite"
    assert parse_backup_name("bkdesk", file_name) == name
    second = BackupName(NOW, 2, BackupReason.IMPORT)
    assert backup_file_name("bkdesk", second) == "bkdesk-20261207-210501-2-nhan-so-lieu.sqlite"
    assert parse_backup_name("bkdesk", backup_file_name("bkdesk", second)) == second
    assert parse_backup_name("bkdesk", "bkdesk-20261207-210501.sqlite") == BackupName(NOW)
    # Another database's backups in the same folder, and files that only look alike, are not this one's.
    assert parse_backup_name("bkdesk", "bkdesk-KT-20261207-210501-thu-cong.sqlite") is None
    assert parse_backup_name("bkdesk-KT", "bkdesk-KT-20261207-210501-thu-cong.sqlite") is not None
    assert parse_backup_name("bkdesk", "bkdesk-20261399-210501.sqlite") is None
    assert parse_backup_name("bkdesk", ".bkdesk-20261207-210501.sqlite.123.partial") is None
    assert parse_backup_name("bkdesk", "bkdesk-20261207-210501.hong.sqlite") is None
    names = [backup_file_name("bkdesk", BackupName(NOW + timedelta(seconds=s))) for s in (59, 1, 3600, 86400 * 40)]
    assert sorted(names) == [names[1], names[0], names[2], names[3]]


def test_what_the_list_shows() -> None:
    assert when_text(NOW) == "07/12/2026 21:05"
    assert BackupReason.LOCK.label == "trước khi chốt số liệu"
    assert BackupReason.CLOSE.label == "khi đóng ứng dụng sau khi có thay đổi"
    assert BackupReason.MANUAL.label == "sao lưu theo yêu cầu"
    assert (size_text(249_856), size_text(7_520_256), size_text(12)) == ("250 kB", "7,5 MB", "1 kB")
