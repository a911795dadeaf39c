"""The database file checked at start-up, and a missing database's newest backup offered.

A file that changed since the app last closed it cleanly (its size and modification
time are recorded in the user's settings then) is checked with ``PRAGMA quick_check``
in the background once the grid is ready, so the start-up is not slowed: after a clean
close there is nothing to check. Writes wait for the check (``Database.before_write``);
on a damaged file every write is refused, the grid stops taking input and the window
says to restore a backup. A database file that is missing while its ``backups`` folder
has a sound copy is not silently replaced by the demo: the newest sound copy is offered.

This module is imported between the first paint and ``ready``: ``db.backups`` and the
dialogs are imported when they are needed, off that path.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from db.errors import StoreError

if TYPE_CHECKING:
    from db.backups import Backup
    from db.database import Database
    from ui.options import AppOptions
    from ui.startup import AppController


def damaged_message(path: Path) -> str:
    return (
        f"Tệp cơ sở dữ liệu {path} bị hỏng (bước kiểm tra khi mở báo lỗi). bkdesk chỉ mở tệp để xem: mọi thay đổi "
        "đều bị từ chối để không làm hỏng thêm. Hãy khôi phục một bản sao lưu: Tệp → Sao lưu / Khôi phục…"
    )


class DatabaseWatch:
    """One open database: its start-up check, and whether the app has written to it since it was opened."""

    def __init__(self, db: Database, checking: bool) -> None:
        self.db = db
        self.problem = ""
        self.changed = False
        self._lock = threading.Lock()
        self._started = not checking
        self._checked = threading.Event()
        if not checking:
            self._checked.set()
        db.before_write = self._before_write

    @property
    def checked(self) -> bool:
        return self._checked.is_set()

    @property
    def sound(self) -> bool:
        """Checked (or known clean) and found sound."""
        return self._checked.is_set() and not self.problem

    def check(self) -> str:
        """Run the check once, on whichever thread gets here first (the others wait); the problem found, or ``""``."""
        with self._lock:
            run, self._started = not self._started, True
        if run:
            try:
                from db.backups import quick_check

                if self.db.path is not None and quick_check(self.db.path):
                    self.problem = damaged_message(self.db.path)
            finally:  # a write waiting on the GUI thread must never wait forever
                self._checked.set()
        self._checked.wait()
        return self.problem

    def _before_write(self) -> None:
        # A write that comes before the background check starts runs the check itself.
        if self.check():
            raise StoreError(self.problem)
        self.changed = True


def file_stamp(path: Path) -> str:
    """The file's size and modification time, to tell whether it changed since the app last closed it cleanly."""
    try:
        info = path.stat()
    except OSError:
        return ""
    wal = path.with_name(path.name + "-wal")
    if wal.is_file() and wal.stat().st_size > 0:
        return ""  # a WAL left behind: the last connection did not close cleanly
    return f"{info.st_size}:{info.st_mtime_ns}"


def needs_check(path: Path | None, clean_close: tuple[str, str]) -> bool:
    """Whether the file changed since the app last closed it cleanly, after a sound check."""
    if path is None:
        return False  # a server's database: its server keeps it whole
    database, stamp = clean_close
    current = file_stamp(path)
    return not (current and database == str(path) and stamp == current)


class BackupOffer(NamedTuple):
    """The database file is missing; its backups folder has this sound copy."""

    database: Path
    backup: Backup


def database_file(options: AppOptions) -> Path | None:
    """The SQLite file the app opens with these options (``None`` for a database given by URL)."""
    if options.db_url:
        return None
    from db.database import default_db_path

    return Path(options.db).expanduser() if options.db else default_db_path()


def missing_database_offer(options: AppOptions) -> BackupOffer | None:
    """The newest sound backup of the database the app is about to open, when that file is missing.

    Runs in the start-up worker: on the usual start it costs one ``stat``.
    """
    database = database_file(options)
    if database is None or database.exists():
        return None
    from db.backups import list_backups, newest_good_backup

    if not list_backups(database):
        return None
    backup = newest_good_backup(database)
    return BackupOffer(database, backup) if backup is not None else None


def offer_backup(controller: AppController, offer: BackupOffer) -> None:
    """Ask whether to restore the newest sound backup of a missing database; then start as usual."""
    from PySide6.QtWidgets import QMessageBox

    from ui.dialog_buttons import question_box
    from ui.workers import Job, run_in_background

    window = controller.window
    controller.offer_backups = False  # asked once: the next start opens what is there, or makes it
    backup = offer.backup
    why = f" ({backup.label})" if backup.label else ""
    text = (
        f"Không tìm thấy cơ sở dữ liệu {offer.database}.\n\n"
        f"Thư mục sao lưu bên cạnh có bản sao lưu tốt mới nhất lúc {backup.when_text}{why}. "
        "Khôi phục cơ sở dữ liệu từ bản này?\n\n"
        "Nếu không, bkdesk tạo cơ sở dữ liệu mới với dữ liệu mẫu Bắc Kạn 2020; các bản sao lưu vẫn được giữ nguyên."
    )
    window.show_waiting("Không tìm thấy cơ sở dữ liệu: hãy chọn có khôi phục bản sao lưu không.")
    # Enter restores: a new demo database under the office's file name would put sample figures where its own were.
    box = question_box(
        window, "Khôi phục bản sao lưu", text, "Khôi phục", "Không, tạo cơ sở dữ liệu mới", yes_is_default=True
    )
    if window.run_dialog(box) != QMessageBox.StandardButton.Yes:
        controller.start()
        return

    def task(_job: Job) -> object:
        from db.backups import restore_backup

        return restore_backup(offer.database, backup.path)

    def done(_restored: object) -> None:
        window.show_message(f"Đã khôi phục {offer.database} từ bản sao lưu lúc {backup.when_text}.", 0)
        controller.start()

    def failed(message: str) -> None:
        controller.warn(message)
        controller.start()

    window.show_loading(f"Đang khôi phục bản sao lưu lúc {backup.when_text}…")
    run_in_background(task, done, failed, controller)
