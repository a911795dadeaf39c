"""Installing a phòng's setup file into a database file, off the GUI thread.

First the file's key is opened with the passphrase (scrypt: a tenth of a second on
purpose); a wrong one comes back as :class:`PassphraseRefused`, before any database is
touched, so the dialog can ask again. Then the setup is installed, either into a
database of its own (created, or updated when it is already that phòng's), or in place
of the database the app has open: that file is first moved aside under a dated name,
so nothing is lost, and moved back if the setup fails.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ui.workers import Job

if TYPE_CHECKING:
    from db.department_setup import SetupResult, UnlockedSetup

COMPANIONS = ("-wal", "-shm", "-journal")


@dataclass(frozen=True, slots=True)
class PassphraseRefused:
    """The passphrase did not open the file's key: nothing was touched."""

    message: str


@dataclass(frozen=True, slots=True)
class UnsentFound:
    """The database holds figures not yet sent that the setup would replace: nothing was installed."""

    message: str
    unlocked: UnlockedSetup
    database: Path


@dataclass(frozen=True, slots=True)
class Installed:
    result: SetupResult
    database: Path
    backup: Path | None = None


def backup_name(path: Path, now: datetime | None = None) -> Path:
    """``bkdesk.sqlite`` → ``bkdesk.truoc-thiet-lap-20201125-2127.sqlite`` beside it (never over another file)."""
    moment = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.truoc-thiet-lap-{moment}{path.suffix}")
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.truoc-thiet-lap-{moment}-{number}{path.suffix}")
        number += 1
    return candidate


def _move(source: Path, target: Path) -> None:
    """Move a SQLite file and whatever journal files it left beside it."""
    source.rename(target)
    for suffix in COMPANIONS:
        companion = source.with_name(source.name + suffix)
        if companion.exists():
            companion.rename(target.with_name(target.name + suffix))


def _remove(path: Path) -> None:
    for file in (path, *(path.with_name(path.name + suffix) for suffix in COMPANIONS)):
        with contextlib.suppress(FileNotFoundError):
            file.unlink()


def _install(database: Path, unlocked: UnlockedSetup, actor: str, set_aside: bool = False) -> SetupResult:
    from db.department_setup import install_unlocked
    from db.schema import open_database

    db = open_database(database)
    try:
        return install_unlocked(db, unlocked, actor=actor, set_aside=set_aside)
    finally:
        db.dispose()


def unlock_task(setup: Path, passphrase: str) -> Callable[[Job], UnlockedSetup | PassphraseRefused]:
    """Open the setup file's key with ``passphrase``."""

    def task(job: Job) -> UnlockedSetup | PassphraseRefused:
        from db.department_setup import WrongPassphrase, unlock_setup

        job.status(f"Đang mở khóa ký trong tệp thiết lập {setup.name}…")
        try:
            return unlock_setup(setup, passphrase)
        except WrongPassphrase as exc:
            return PassphraseRefused(exc.message)

    return task


def install_task(
    unlocked: UnlockedSetup, database: Path, *, actor: str, set_aside: bool = False
) -> Callable[[Job], Installed | UnsentFound]:
    """Create (or update) the phòng's database at ``database``; figures not yet sent come back as a question."""

    def task(job: Job) -> Installed | UnsentFound:
        from db.department_setup import UnsentFigures

        job.status(f"Đang cài tệp thiết lập {unlocked.path.name} vào {database}…")
        try:
            return Installed(_install(database, unlocked, actor, set_aside), database)
        except UnsentFigures as exc:
            return UnsentFound(exc.found, unlocked, database)

    return task


def replace_task(unlocked: UnlockedSetup, current: Path, *, actor: str) -> Callable[[Job], Installed]:
    """Move the open database aside and make a new one for the phòng in its place.

    The caller has closed every connection to ``current`` first.
    """

    def task(job: Job) -> Installed:
        from db.errors import StoreError

        backup = backup_name(current)
        job.status(f"Đang cất cơ sở dữ liệu cũ thành {backup.name}…")
        try:
            _move(current, backup)
        except OSError as exc:
            raise StoreError(f"Không đổi tên được {current} để cất bản cũ: {exc.strerror or exc}") from exc
        try:
            job.status(f"Đang cài tệp thiết lập {unlocked.path.name}…")
            result = _install(current, unlocked, actor)
        except BaseException:
            _remove(current)
            _move(backup, current)
            raise
        return Installed(result, current, backup)

    return task
