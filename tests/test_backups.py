"""Backups and restore on real database files: checked copies, a full disk, refusals, the backup API."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import db.backups as backups
from bkdesk.backups import NEWEST, BackupReason
from bkdesk.catalogue import PeriodKind
from db.backups import (
    BackupFailed,
    DamagedDatabase,
    backups_folder,
    before,
    create_backup,
    list_backups,
    newest_good_backup,
    prune,
    quick_check,
    restore_backup,
)
from db.database import Database
from db.entry import set_value
from db.errors import StoreError
from db.file_format import SCHEMA_VERSION
from db.locking import lock_period
from db.schema import open_database
from db.tables import evaluate, lock_state
from tests.fixtures.damaged import damage_database, from_newer_version, plain_sqlite

NOW = datetime(2026, 12, 7, 21, 5, 1)


def estimate(db: Database, code: str = "A.8") -> str:
    return evaluate(db, 2020).row(code).estimate.text


def value_in(path: Path, code: str = "A.8") -> str:
    """The 2020 estimate stored in a database file, read with plain SQL (the file is not migrated or changed)."""
    with closing(sqlite3.connect(path)) as connection:
        return value_in_connection(connection, code)


def files_of(path: Path) -> dict[str, bytes]:
    """The database file and whatever journal lies beside it, byte for byte."""
    return {p.name: p.read_bytes() for p in sorted(path.parent.glob(path.name + "*"))}


@pytest.fixture
def closed_demo(demo_db: Database) -> Iterator[Path]:
    """The demo database file with every connection closed (its WAL checkpointed into it)."""
    assert demo_db.path is not None
    demo_db.dispose()
    yield demo_db.path


def test_a_backup_is_a_checked_standalone_copy_with_every_value(demo_db: Database) -> None:
    assert demo_db.path is not None
    set_value(demo_db, "A.8", 2020, "21.999", actor="kiểm thử")  # in the WAL, not yet in the file
    backup = create_backup(demo_db.path, BackupReason.LOCK, now=NOW)
    assert backup.path == backups_folder(demo_db.path) / "bkdesk-20261207-210501-chot-so-lieu.sqlite"
    assert (backup.when_text, backup.label) == ("07/12/2026 21:05", "trước khi chốt số liệu")
    assert value_in(backup.path) == "21.999"
    with closing(sqlite3.connect(backup.path)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert sorted(p.name for p in backups_folder(demo_db.path).iterdir()) == [backup.path.name]
    assert list_backups(demo_db.path) == [backup]
    # The database it came from is still the one in use, with its figures.
    assert estimate(demo_db) == "21.999"


def test_two_backups_in_the_same_second_are_both_kept_and_listed_newest_first(closed_demo: Path) -> None:
    first = create_backup(closed_demo, BackupReason.IMPORT, now=NOW)
    second = create_backup(closed_demo, BackupReason.MANUAL, now=NOW)
    later = create_backup(closed_demo, BackupReason.MANUAL, now=NOW + timedelta(minutes=1))
    assert second.path.name == "bkdesk-20261207-210501-2-thu-cong.sqlite"
    assert [b.path for b in list_backups(closed_demo)] == [later.path, second.path, first.path]


def test_a_full_disk_stops_the_copy_and_changes_nothing(closed_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(source: Path, target: Path, *, standalone: bool = False) -> None:
        target.write_bytes(b"half a copy")  # what a copy leaves when the disk fills up midway
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    before_bytes = files_of(closed_demo)
    monkeypatch.setattr(backups, "_copy", full)
    with pytest.raises(BackupFailed) as refused:
        create_backup(closed_demo, BackupReason.LOCK)
    message = refused.value.message
    assert message.startswith("Chưa chốt số liệu: không tạo được bản sao lưu trong thư mục")
    assert "ổ đĩa đã đầy" in message and "Dữ liệu vẫn giữ nguyên" in message
    assert str(backups_folder(closed_demo)) in message
    assert list(backups_folder(closed_demo).iterdir()) == []  # the half copy is gone
    assert files_of(closed_demo) == before_bytes


def test_sqlite_saying_the_disk_is_full_is_the_same_refusal(closed_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(source: Path, target: Path, *, standalone: bool = False) -> None:
        error = sqlite3.OperationalError("database or disk is full")
        error.sqlite_errorcode = sqlite3.SQLITE_FULL
        raise error

    monkeypatch.setattr(backups, "_copy", full)
    with pytest.raises(BackupFailed, match=r"Chưa nhận số liệu các phòng: .* vì ổ đĩa đã đầy"):
        create_backup(closed_demo, BackupReason.IMPORT)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 kB file system (tmpfs) as the backups folder, where this machine lets the tests mount one."""
    folder = tmp_path / "backups"
    folder.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("this machine does not allow mounting a tmpfs")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_backups_folder_on_a_really_full_disk(demo_db: Database, tiny_disk: Path) -> None:
    assert demo_db.path is not None and backups_folder(demo_db.path) == tiny_disk
    demo_db.dispose()
    before_bytes = files_of(demo_db.path)
    with pytest.raises(BackupFailed, match=r"Chưa chốt số liệu: .* vì ổ đĩa đã đầy"):
        lock_with_backup(demo_db)
    assert files_of(demo_db.path) == before_bytes
    assert list(tiny_disk.iterdir()) == []
    assert lock_state(demo_db, 2020, PeriodKind.ESTIMATE).locked is False


def lock_with_backup(db: Database) -> None:
    before(db, BackupReason.LOCK)
    lock_period(db, 2020, None, "đã đủ số liệu", actor="kiểm thử")


def test_a_damaged_database_makes_no_backup_and_says_so(closed_demo: Path) -> None:
    damage_database(closed_demo)
    assert quick_check(closed_demo)
    with pytest.raises(DamagedDatabase) as refused:
        create_backup(closed_demo, BackupReason.IMPORT_TABLE)
    message = refused.value.message
    assert message.startswith("Chưa nhập biểu từ Excel: không tạo được bản sao lưu vì cơ sở dữ liệu")
    assert "bị hỏng" in message and "bản sao hỏng đã được xóa" in message
    assert list(backups_folder(closed_demo).iterdir()) == []


def test_before_makes_one_copy_and_none_without_a_file(demo_db: Database, tmp_path: Path) -> None:
    made = before(demo_db, BackupReason.IMPORT)
    assert made is not None and made.label == "trước khi nhận số liệu các phòng"
    assert before(Database("sqlite://"), BackupReason.IMPORT) is None  # no file: nothing to copy
    assert (
        before(Database(f"sqlite:///{tmp_path / 'chua-co.sqlite'}", tmp_path / "chua-co.sqlite"), BackupReason.LOCK)
        is None
    )
    assert not (tmp_path / "chua-co.sqlite").exists()


def test_pruning_keeps_the_rule_and_leaves_other_files_alone(closed_demo: Path) -> None:
    folder = backups_folder(closed_demo)
    made = [create_backup(closed_demo, now=NOW - timedelta(minutes=n), prune_after=False) for n in range(NEWEST + 5)]
    made += [create_backup(closed_demo, now=NOW - timedelta(days=days), prune_after=False) for days in (3, 45, 500)]
    others = [folder / "bkdesk-KT-20200101-000000.sqlite", folder / "ghi-chu.txt", folder / "bkdesk-cu.sqlite"]
    for other in others:
        other.write_text("không phải bản sao lưu của bkdesk.sqlite")
    removed = prune(closed_demo, now=NOW)
    kept = {backup.path for backup in list_backups(closed_demo)}
    newest_of_today = {backup.path for backup in made[:NEWEST]}
    assert newest_of_today <= kept
    assert made[-3].path in kept and made[-2].path in kept  # 3 days ago; 45 days ago is October's newest
    assert made[-1].path not in kept  # 500 days ago: older than a year
    assert set(removed) == {backup.path for backup in made} - kept
    assert len(removed) == 6  # the 5 oldest of today, and the one from last year
    assert all(other.exists() for other in others)


def test_a_damaged_newest_backup_is_passed_over(closed_demo: Path) -> None:
    good = create_backup(closed_demo, now=NOW - timedelta(hours=1))
    bad = create_backup(closed_demo, now=NOW)
    damage_database(bad.path)
    assert newest_good_backup(closed_demo) == good


# ---- restore -----------------------------------------------------------------------------------


def test_restore_brings_back_every_value_through_the_backup_api(demo_db: Database) -> None:
    path = demo_db.path
    assert path is not None
    backup = create_backup(path, BackupReason.MANUAL, now=NOW)
    set_value(demo_db, "A.8", 2020, "30.000", actor="kiểm thử")
    set_value(demo_db, "A.2", 2020, "99,9", actor="kiểm thử")
    inode = path.stat().st_ino
    # A reader that stays open across the restore: with a swapped file it would go on
    # reading the old one; through the backup API it sees the restored figures.
    keeper = sqlite3.connect(path)
    keeper.execute("PRAGMA wal_autocheckpoint = 0")
    assert value_in_connection(keeper) == "30.000"
    closed: list[list[str]] = []

    def close_connections() -> None:
        closed.append(sorted(p.name for p in backups_folder(path).iterdir()))
        demo_db.dispose()

    restored = restore_backup(path, backup.path, close_connections=close_connections, now=NOW + timedelta(hours=1))
    try:
        assert path.stat().st_ino == inode
        assert value_in_connection(keeper) == "21.246"
    finally:
        keeper.close()
    # The current file was backed up before the connections were closed, and holds the later figures.
    assert restored.saved is not None and closed == [sorted([backup.path.name, restored.saved.path.name])]
    assert restored.saved.label == "trước khi khôi phục bản sao lưu"
    assert value_in(restored.saved.path) == "30.000"
    assert (restored.source, restored.version, restored.damaged) == (backup.path, SCHEMA_VERSION, None)
    reopened = open_database(path)
    try:
        assert estimate(reopened) == "21.246"
        assert evaluate(reopened, 2020).row("A.2").estimate.text == estimate_of_demo("A.2")
        assert evaluate(reopened, 2020).summary.counted == 59
        set_value(reopened, "A.8", 2020, "22.000", actor="kiểm thử")  # the restored database takes writes
        assert estimate(reopened) == "22.000"
    finally:
        reopened.dispose()
    assert quick_check(path) == []


def value_in_connection(connection: sqlite3.Connection, code: str = "A.8") -> str:
    row = connection.execute(
        "SELECT v.text FROM indicator_values v JOIN indicators i ON v.indicator_id = i.id "
        "JOIN periods p ON v.period_id = p.id WHERE i.code = ? AND p.year = 2020 AND p.kind = 'uoc'",
        (code,),
    ).fetchone()
    return str(row[0])


def estimate_of_demo(code: str) -> str:
    from bkdesk.demo import demo_data

    table = next(table for table in demo_data().tables if table.year == 2020)
    return next(line.estimate for line in table.lines if line.indicator.code == code) or ""


def test_restore_keeps_the_backup_it_restores_from_out_of_the_pruning(closed_demo: Path) -> None:
    made = [create_backup(closed_demo, now=NOW - timedelta(minutes=n)) for n in range(NEWEST)]
    oldest = made[-1]
    restored = restore_backup(closed_demo, oldest.path, now=NOW + timedelta(minutes=1))
    assert oldest.path.exists()
    assert restored.saved is not None and restored.saved.path.exists()


def test_restore_into_a_missing_database_creates_it(closed_demo: Path) -> None:
    backup = create_backup(closed_demo, now=NOW)
    closed_demo.unlink()
    restored = restore_backup(closed_demo, backup.path)
    assert restored.saved is None
    assert value_in(closed_demo) == "21.246"


def test_restore_over_a_damaged_database_keeps_the_damaged_bytes(closed_demo: Path) -> None:
    backup = create_backup(closed_demo, now=NOW)
    damage_database(closed_demo)
    damaged_bytes = closed_demo.read_bytes()
    restored = restore_backup(closed_demo, backup.path, now=NOW + timedelta(minutes=5))
    assert restored.saved is None and restored.damaged is not None
    assert restored.damaged.read_bytes() == damaged_bytes
    assert restored.damaged not in {b.path for b in list_backups(closed_demo)}  # kept aside, never offered
    assert quick_check(closed_demo) == []
    assert value_in(closed_demo) == "21.246"


def _text_file(folder: Path) -> Path:
    path = folder / "ghi-chu.sqlite"
    path.write_text("Danh sách chỉ tiêu năm 2020\n", encoding="utf-8")
    return path


NOT_BKDESK = {
    "text file": (_text_file, "không phải là cơ sở dữ liệu bkdesk (không phải tệp SQLite)"),
    "another program's SQLite": (
        lambda folder: plain_sqlite(folder / "danh-ba.sqlite"),
        "không phải là cơ sở dữ liệu bkdesk (không có phiên bản lược đồ",
    ),
    "missing": (lambda folder: folder / "khong-co.sqlite", "Không tìm thấy tệp sao lưu"),
}


@pytest.mark.parametrize("kind", NOT_BKDESK)
def test_restore_refuses_a_file_that_is_not_a_bkdesk_database(closed_demo: Path, tmp_path: Path, kind: str) -> None:
    make, expected = NOT_BKDESK[kind]
    assert_refused_and_unchanged(closed_demo, make(tmp_path), expected)


def test_restore_refuses_a_damaged_backup(closed_demo: Path) -> None:
    backup = create_backup(closed_demo, now=NOW)
    damage_database(backup.path)
    assert_refused_and_unchanged(closed_demo, backup.path, "bị hỏng (không qua được bước kiểm tra toàn vẹn)")


def test_restore_refuses_a_backup_from_a_newer_version(closed_demo: Path, tmp_path: Path) -> None:
    newer = from_newer_version(closed_demo, tmp_path / "ban-moi.sqlite", SCHEMA_VERSION + 1)
    assert_refused_and_unchanged(
        closed_demo,
        newer,
        f"do phiên bản bkdesk mới hơn tạo (lược đồ {SCHEMA_VERSION + 1}, phiên bản này đọc được đến {SCHEMA_VERSION})",
    )


def test_restore_refuses_the_database_itself(closed_demo: Path) -> None:
    assert_refused_and_unchanged(closed_demo, closed_demo, "chính là cơ sở dữ liệu đang dùng")


def assert_refused_and_unchanged(database: Path, source: Path, expected: str) -> None:
    before_bytes = files_of(database)
    before_backups = sorted(backups_folder(database).glob("*")) if backups_folder(database).exists() else []
    closed: list[bool] = []
    with pytest.raises(StoreError) as refused:
        restore_backup(database, source, close_connections=lambda: closed.append(True))
    assert expected in refused.value.message
    assert source.name in refused.value.message
    assert files_of(database) == before_bytes
    after_backups = sorted(backups_folder(database).glob("*")) if backups_folder(database).exists() else []
    assert after_backups == before_backups  # not even the copy made before a restore
    assert closed == []
