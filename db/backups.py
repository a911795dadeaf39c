"""Backups of a SQLite database in a ``backups`` folder beside it, and restoring one.

Every copy is made with SQLite's online backup API (a consistent copy of a database in
use, what its WAL holds included), written under a hidden temporary name, checked with
``PRAGMA integrity_check`` and only then given its backup name; a copy that fails the
check is deleted and the failure reported. After each copy the folder is pruned by
:func:`bkdesk.backups.retained`.

:func:`before` is the copy made at the start of a user operation (an import, a merge, a
lock, a restore, a schema upgrade). When it cannot be made (a full disk, a damaged
database), the operation stops with a Vietnamese message before it writes anything:
going on without the copy would leave the user unprotected without their knowing.

:func:`restore_backup` refuses a file that is not a bkdesk database, a damaged one and
one from a newer schema before it touches anything; then it backs up the current file,
closes the app's connections and copies the backup in through the backup API. The file
is never swapped for another: a stale ``-wal``/``-shm`` beside a swapped file can
corrupt it, and Windows cannot replace an open file.

Only ``sqlite3`` is used here, not SQLAlchemy: the app checks its file at start-up with
it, and a restore must work on a file the database layer refuses to open.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import sqlite3
from collections.abc import Callable, Collection
from contextlib import closing, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bkdesk.backups import (
    BackupName,
    BackupReason,
    backup_file_name,
    parse_backup_name,
    retained,
    when_text,
)
from bkdesk.file_errors import file_error_reason
from db.errors import StoreError
from db.file_format import SCHEMA_VERSION

if TYPE_CHECKING:
    from db.database import Database

FOLDER_NAME = "backups"
SQLITE_HEADER = b"SQLite format 3\x00"
PARTIAL = ".partial"
DAMAGED = ".hong"
RESTORE_ADVICE = "Tệp → Sao lưu / Khôi phục… trong ứng dụng, hoặc lệnh: python main.py backups list"

log = logging.getLogger("bkdesk.backups")


class BackupFailed(StoreError):
    """No copy could be made; the database was not changed."""


class DamagedDatabase(BackupFailed):
    """The copy of the database failed its integrity check: the database itself is damaged."""


@dataclass(frozen=True, slots=True)
class Backup:
    """One checked copy in the backups folder."""

    path: Path
    name: BackupName
    size: int

    @property
    def when(self) -> datetime:
        return self.name.when

    @property
    def when_text(self) -> str:
        return when_text(self.name.when)

    @property
    def label(self) -> str:
        return self.name.reason.label if self.name.reason is not None else ""


@dataclass(frozen=True, slots=True)
class Restored:
    """What a restore did: from which file, into which, and where the file it replaced was kept."""

    database: Path
    source: Path
    version: int  # the schema version of the restored file (older ones are upgraded on the next open)
    saved: Backup | None = None  # the copy of the current database made first
    damaged: Path | None = None  # the damaged current database, kept byte for byte


def _open(path: Path, *, create: bool = False) -> sqlite3.Connection:
    # By its path, never parsed as a URL: a backup of "Số liệu?năm=2020.sqlite" is of that file.
    # Only a new copy is created: a check that runs after its file was moved aside (a setup
    # replacing the open database) must not leave an empty file under the old name.
    from db.database import Access, open_sqlite

    return open_sqlite(path, Access.CREATE if create else Access.READ_WRITE, timeout=10)


def backups_folder(database: Path) -> Path:
    """The ``backups`` folder beside the database file."""
    return database.parent / FOLDER_NAME


def list_backups(database: Path) -> list[Backup]:
    """The database's backups, newest first (files of other databases in the folder are left out)."""
    folder = backups_folder(database)
    found = []
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise StoreError(f"Không đọc được thư mục sao lưu {folder}: {file_error_reason(exc)}") from exc
    for entry in entries:
        name = parse_backup_name(database.stem, entry.name)
        if name is None:
            continue
        with suppress(OSError):  # removed meanwhile, or not a file: not a backup
            if entry.is_file():
                found.append(Backup(Path(entry.path), name, entry.stat().st_size))
    found.sort(key=lambda backup: backup.name.sort_key, reverse=True)
    return found


def _failure(operation: str, text: str) -> str:
    head = f"Chưa {operation}: không tạo được" if operation else "Không tạo được"
    return f"{head} {text}"


def _is_full(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.Error):
        return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))


def _cause(exc: BaseException) -> str:
    """Why a copy could not be written, as the end of a Vietnamese sentence."""
    if _is_full(exc):
        return "ổ đĩa đã đầy"
    if isinstance(exc, OSError):
        return file_error_reason(exc).rstrip(".").split(". ")[0]
    return "SQLite báo lỗi khi ghi (chi tiết trong tệp nhật ký)"


def _advice(exc: BaseException) -> str:
    if _is_full(exc):
        return "hãy giải phóng bớt dung lượng ổ đĩa rồi làm lại."
    return "hãy kiểm tra thư mục đó (quyền ghi, ổ đĩa còn cắm) rồi làm lại."


def _remove(path: Path) -> None:
    for leftover in (path, *(path.with_name(path.name + tail) for tail in ("-journal", "-wal", "-shm"))):
        with suppress(OSError):
            leftover.unlink()


def _integrity_problems(path: Path, pragma: str = "integrity_check") -> list[str]:
    """What ``PRAGMA integrity_check`` (or ``quick_check``) finds wrong; empty when the file is sound."""
    try:
        with closing(_open(path)) as connection:
            connection.execute("PRAGMA query_only = ON")
            rows = [str(row[0]) for row in connection.execute(f"PRAGMA {pragma}")]
    except sqlite3.DatabaseError as exc:  # "database disk image is malformed", "file is not a database"
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def _copy(source: Path, target: Path, *, standalone: bool = False) -> None:
    """Copy ``source`` into ``target`` with the backup API, in one step (a consistent snapshot).

    ``standalone``: a new copy, written without a sync per step (it is checked, then
    synced once by :func:`_sync` before it gets its name) and switched out of WAL mode,
    so that it is one file that reading it leaves no ``-wal``/``-shm`` beside.
    """
    with closing(_open(source)) as reader, closing(_open(target, create=True)) as writer:
        if standalone:
            writer.execute("PRAGMA synchronous = OFF")
        reader.backup(writer)
        if standalone:
            writer.execute("PRAGMA journal_mode = DELETE")


def _sync(path: Path) -> None:
    """Put the file on the disk before it is renamed: a power cut never leaves a named, empty copy."""
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _new_name(database: Path, reason: BackupReason, now: datetime | None) -> Path:
    when = (now or datetime.now()).replace(microsecond=0)
    taken = {backup.name.serial for backup in list_backups(database) if backup.when == when}
    serial = 1
    while serial in taken:
        serial += 1
    return backups_folder(database) / backup_file_name(database.stem, BackupName(when, serial, reason))


def create_backup(
    database: Path,
    reason: BackupReason = BackupReason.MANUAL,
    *,
    now: datetime | None = None,
    prune_after: bool = True,
    keep: Collection[Path] = (),
) -> Backup:
    """Copy the database into its backups folder, check the copy, then prune the folder.

    Raises :class:`BackupFailed` (full disk, no permission) or :class:`DamagedDatabase`
    (the copy fails ``integrity_check``), with the database unchanged either way.
    """
    operation = reason.operation
    if not database.is_file():
        raise BackupFailed(_failure(operation, f"bản sao lưu: không tìm thấy tệp cơ sở dữ liệu {database}."))
    folder = backups_folder(database)
    target = _new_name(database, reason, now)
    partial = target.with_name(f".{target.name}.{os.getpid()}{PARTIAL}")
    try:
        folder.mkdir(exist_ok=True)
        _copy(database, partial, standalone=True)
    except (OSError, sqlite3.Error) as exc:
        _remove(partial)
        if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
            log.error("backup of %s: the database could not be read: %s", database, exc)
            raise DamagedDatabase(_damaged_message(operation, database)) from exc
        log.error("backup of %s into %s failed: %s", database, folder, exc)
        raise BackupFailed(
            _failure(operation, f"bản sao lưu trong thư mục {folder} vì {_cause(exc)}.")
            + f" Dữ liệu vẫn giữ nguyên; {_advice(exc)}"
        ) from exc
    problems = _integrity_problems(partial)
    if problems:
        _remove(partial)
        log.error("backup of %s failed its integrity check: %s", database, "; ".join(problems[:10]))
        raise DamagedDatabase(_damaged_message(operation, database))
    try:
        _sync(partial)
        os.replace(partial, target)
    except OSError as exc:
        _remove(partial)
        raise BackupFailed(
            _failure(operation, f"bản sao lưu {target} vì {_cause(exc)}.") + f" Dữ liệu vẫn giữ nguyên; {_advice(exc)}"
        ) from exc
    name = parse_backup_name(database.stem, target.name)
    assert name is not None
    backup = Backup(target, name, target.stat().st_size)
    log.info("backup of %s: %s (%s)", database, target.name, reason.label)
    if prune_after:
        prune(database, now=now, keep=keep)
    return backup


def _damaged_message(operation: str, database: Path) -> str:
    return _failure(
        operation,
        f"bản sao lưu vì cơ sở dữ liệu {database} bị hỏng (không qua được bước kiểm tra toàn vẹn); "
        f"bản sao hỏng đã được xóa. Hãy khôi phục một bản sao lưu trước đó ({RESTORE_ADVICE}).",
    )


def prune(database: Path, *, now: datetime | None = None, keep: Collection[Path] = ()) -> list[Path]:
    """Delete the backups the retention rule no longer keeps (never one in ``keep``); the deleted ones."""
    backups = sorted(list_backups(database), key=lambda backup: backup.name.sort_key)
    decisions = retained([backup.when for backup in backups], now or datetime.now())
    protected = {path.resolve() for path in keep}
    removed = []
    for backup, kept in zip(backups, decisions, strict=True):
        if kept or backup.path.resolve() in protected:
            continue
        try:
            backup.path.unlink()
        except OSError as exc:  # the next backup tries again
            log.warning("could not remove the old backup %s: %s", backup.path, exc)
            continue
        removed.append(backup.path)
    return removed


def before(db: Database, reason: BackupReason) -> Backup | None:
    """The automatic copy at the start of a user operation, or ``None`` with nothing to copy.

    A database given by URL (a server's, backed up by its own tools) and a file not
    created yet have none. Raises :class:`BackupFailed` when no copy could be made: the
    caller stops, before writing anything.
    """
    db.refuse_writes()  # read-only media: say so, rather than that its backups folder cannot be written
    path = db.path
    if path is None or not path.is_file() or path.stat().st_size == 0:
        return None
    return create_backup(path, reason)


def quick_check(path: Path) -> list[str]:
    """What ``PRAGMA quick_check`` finds wrong with the file (empty when it is sound); the app's start-up check.

    A file gone meanwhile (moved aside by a setup that replaces it, deleted) is not a
    damaged one: whatever opens that path next says what is missing.
    """
    if not path.exists():
        return []
    return _integrity_problems(path, "quick_check")


def check_backup(path: Path) -> int:
    """The schema version of a file to restore from; a Vietnamese refusal when it is not one.

    Refused: a missing file, a file that is not SQLite, a SQLite file that is not a bkdesk
    database (no ``meta`` table with its schema version), a damaged one (``integrity_check``)
    and one from a newer version of bkdesk.
    """
    name = path.name
    if not path.is_file():
        raise StoreError(f"Không tìm thấy tệp sao lưu {path}")
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"Không đọc được tệp {path}: {file_error_reason(exc)}") from exc
    if header != SQLITE_HEADER:
        raise StoreError(
            f"Tệp «{name}» không phải là cơ sở dữ liệu bkdesk (không phải tệp SQLite): không khôi phục từ tệp này."
        )
    problems = _integrity_problems(path)
    if problems:
        log.error("restore from %s refused, integrity check: %s", path, "; ".join(problems[:10]))
        raise StoreError(
            f"Tệp «{name}» bị hỏng (không qua được bước kiểm tra toàn vẹn): không khôi phục từ tệp này; "
            "hãy chọn một bản sao lưu khác."
        )
    try:
        with closing(_open(path)) as connection:
            connection.execute("PRAGMA query_only = ON")
            row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.Error:
        row = None
    version = int(row[0]) if row is not None and str(row[0]).isdigit() else None
    if version is None:
        raise StoreError(
            f"Tệp «{name}» không phải là cơ sở dữ liệu bkdesk (không có phiên bản lược đồ trong bảng meta): "
            "không khôi phục từ tệp này."
        )
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"Tệp «{name}» do phiên bản bkdesk mới hơn tạo (lược đồ {version}, phiên bản này đọc được đến "
            f"{SCHEMA_VERSION}): hãy cập nhật bkdesk rồi mới khôi phục từ tệp này."
        )
    return version


def newest_good_backup(database: Path, progress: Callable[[Backup], None] | None = None) -> Backup | None:
    """The newest backup that :func:`check_backup` accepts (older ones are tried when the newest is bad)."""
    for backup in list_backups(database):
        if progress is not None:
            progress(backup)
        try:
            check_backup(backup.path)
        except StoreError as exc:
            log.warning("backup %s skipped: %s", backup.path, exc.message)
            continue
        return backup
    return None


def _keep_damaged(database: Path, now: datetime | None) -> Path:
    """A byte-for-byte copy of a damaged database (and its WAL) in the backups folder, for a specialist."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    kept = backups_folder(database) / f"{database.stem}-{stamp}{DAMAGED}{database.suffix}"
    backups_folder(database).mkdir(exist_ok=True)
    shutil.copyfile(database, kept)
    wal = database.with_name(database.name + "-wal")
    if wal.is_file():
        shutil.copyfile(wal, kept.with_name(kept.name + "-wal"))
    return kept


def restore_backup(
    database: Path,
    source: Path,
    *,
    close_connections: Callable[[], None] | None = None,
    now: datetime | None = None,
) -> Restored:
    """Replace the database's contents with ``source``'s, through the backup API.

    ``close_connections`` closes the app's own connections to the database
    (``Database.dispose``) once the current file has been backed up. A refused
    ``source`` raises :class:`StoreError` with the database byte for byte as it was.
    """
    version = check_backup(source)
    if database.exists() and database.resolve() == source.resolve():
        raise StoreError(f"Tệp «{source.name}» chính là cơ sở dữ liệu đang dùng: không có gì để khôi phục.")
    saved: Backup | None = None
    damaged: Path | None = None
    if database.is_file() and database.stat().st_size > 0:
        try:
            saved = create_backup(database, BackupReason.RESTORE, now=now, prune_after=False)
        except DamagedDatabase:
            # Restoring is what a damaged database needs: keep its bytes aside and go on.
            try:
                damaged = _keep_damaged(database, now)
            except OSError as exc:
                raise BackupFailed(
                    f"Chưa khôi phục: không giữ lại được bản cơ sở dữ liệu hỏng {database} vì {_cause(exc)}. "
                    "Dữ liệu vẫn giữ nguyên."
                ) from exc
    if close_connections is not None:
        close_connections()
    if damaged is not None:
        # A damaged file may not even let SQLite read its header: the copy goes into a new
        # file, with the old one and its journals kept above.
        _remove(database)
    try:
        _copy(source, database)
    except (OSError, sqlite3.Error) as exc:
        log.error("restore of %s from %s failed: %s", database, source, exc)
        if damaged is not None:
            state = f"bản cơ sở dữ liệu hỏng đã được chuyển sang {damaged}"
        else:
            state = "cơ sở dữ liệu vẫn như trước khi khôi phục"
        advice = _advice(exc)
        raise StoreError(
            f"Không khôi phục được {database} từ «{source.name}» vì {_cause(exc)}; {state}. "
            f"{advice[0].upper()}{advice[1:]}"
        ) from exc
    problems = quick_check(database)
    if problems:  # not expected after a checked copy: say so rather than carry on unaware
        log.error("restored %s fails quick_check: %s", database, "; ".join(problems[:10]))
        raise StoreError(
            f"Đã chép bản sao lưu «{source.name}» vào {database} nhưng kết quả không qua được bước kiểm tra; "
            f"hãy khôi phục lại từ một bản khác ({RESTORE_ADVICE})."
        )
    prune(database, now=now, keep=(source,))
    log.info("restored %s from %s", database, source)
    return Restored(database, source, version, saved, damaged)


def find_backup(database: Path, given: str) -> Path:
    """The file a user named: a path, or the name of a file in the database's backups folder."""
    path = Path(given).expanduser()
    if path.is_file():
        return path
    in_folder = backups_folder(database) / given
    if in_folder.is_file():
        return in_folder
    raise StoreError(
        f"Không tìm thấy bản sao lưu «{given}», cũng không có trong thư mục {backups_folder(database)} "
        "(xem danh sách: python main.py backups list)."
    )
