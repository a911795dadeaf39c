"""*Tệp → Sao lưu / Khôi phục…*, the automatic copies the window makes, and the start-up check it shows.

The window makes a copy before an operation that changes many figures at once (through
:func:`protect`: an import, a merge, a lock) and when it closes after changes; every copy
is made off the GUI thread, the window painting meanwhile behind a progress dialog. A copy
that cannot be made stops the operation with the message (the data is unchanged), except
at closing, where it is said and the window closes.

This module is imported with the window, before the first paint: ``db.backups``, the
dialog and the task runner are imported when they are used.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

if TYPE_CHECKING:
    from bkdesk.backups import BackupReason
    from db.backups import Restored
    from db.database import Database
    from ui.file_check import DatabaseWatch
    from ui.main_window import MainWindow
    from ui.settings_store import SettingsStore
    from ui.workers import Job

TITLE = "Sao lưu / Khôi phục"


def run_and_wait(parent: QWidget, title: str, label: str, task: Callable[[Job], Any]) -> Any:
    """Run ``task`` off the GUI thread behind a progress dialog, and wait for it while the window paints.

    Returns the task's result; raises :class:`db.errors.StoreError` with its message when it failed.
    """
    from PySide6.QtCore import QEventLoop

    from db.errors import StoreError
    from ui.task_runner import TaskRunner

    runner = TaskRunner(parent)
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def finished(result: Any) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(message: str) -> None:
        outcome["error"] = message
        loop.quit()

    runner.run(title, label, task, finished, failed)
    if not outcome:
        loop.exec()
    runner.deleteLater()
    if "error" in outcome:
        raise StoreError(outcome["error"])
    return outcome.get("result")


def protect(parent: QWidget, db: Database, reason: BackupReason) -> None:
    """The automatic copy before an operation, made off the GUI thread; ``StoreError`` when it could not be made."""
    if db.path is None:
        return

    def task(_job: Job) -> None:
        from db.backups import before

        before(db, reason)

    run_and_wait(parent, TITLE, f"Đang sao lưu cơ sở dữ liệu {reason.label}…", task)


class BackupActions(QObject):
    """The window's side of backups: the menu, the open database's watch, the copy made at closing."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.database: Path | None = None  # the file the window opens, even when it could not be opened
        self.db: Database | None = None
        self.watch: DatabaseWatch | None = None
        self._closing = False
        self._default_triggers: Any = None
        self.damaged_label = QLabel("Tệp hỏng — chỉ xem")
        self.damaged_label.setStyleSheet("QLabel { color: #9b1c22; font-weight: bold; padding: 0 6px; }")
        self.damaged_label.setVisible(False)
        window.statusBar().addPermanentWidget(self.damaged_label)
        self.action = window.make_action(
            "Sao lưu / Khôi phục…",
            self.open_dialog,
            tip="Xem các bản sao lưu, sao lưu ngay, hoặc khôi phục cơ sở dữ liệu từ một bản sao lưu",
        )
        menu = window.file_menu
        menu.insertAction(window.quit_action, self.action)
        menu.insertSeparator(window.quit_action)
        menu.aboutToShow.connect(self.update_action)
        self.update_action()

    def update_action(self) -> None:
        self.action.setEnabled(self.database is not None and not self.window.exchange.runner.busy)

    # ---- the open database ---------------------------------------------------------------------

    def set_file(self, database: Path | None) -> None:
        """The database file the app tried to open (it may be damaged or missing): restoring it stays possible."""
        self.database = database
        self.update_action()

    def attach(self, db: Database, settings: SettingsStore) -> None:
        """Watch a database just opened: writes wait for its check, which runs in the background after ``ready``."""
        from ui.file_check import DatabaseWatch, needs_check

        self.db = db
        self.set_file(db.path)
        self._allow_editing(True)
        watch = DatabaseWatch(db, needs_check(db.path, settings.clean_close()))
        self.watch = watch
        if not watch.checked:
            # Queued, so the check starts once the grid has been filled (the start-up is not slowed).
            QTimer.singleShot(0, lambda: self._start_check(watch))

    def _start_check(self, watch: DatabaseWatch) -> None:
        from ui.workers import run_in_background

        def task(_job: Job) -> str:
            from ui import database_layer

            # After the layer behind the grid has loaded: one thread imports at a time.
            database_layer.load()
            return watch.check()

        run_in_background(task, lambda problem: self._checked(watch, problem), self._failed, self)

    def _failed(self, message: str) -> None:
        self.window.show_message(message, 0)

    def _checked(self, watch: DatabaseWatch, problem: str) -> None:
        if watch is not self.watch or not problem:
            return
        from ui.dialog_buttons import message_box

        self._allow_editing(False)
        self.window.show_message(problem, 0)
        self.window.run_dialog(message_box(self.window, "Cơ sở dữ liệu bị hỏng", problem, QMessageBox.Icon.Warning))

    def _allow_editing(self, allowed: bool) -> None:
        """A damaged file: the grid takes no input (the database refuses every write anyway)."""
        from PySide6.QtWidgets import QAbstractItemView

        self.damaged_label.setVisible(not allowed)
        if not self.window.entry_page.has_grid:
            return
        view = self.window.entry_page.view
        if self._default_triggers is None:
            self._default_triggers = view.editTriggers()
        view.setEditTriggers(self._default_triggers if allowed else QAbstractItemView.EditTrigger.NoEditTriggers)

    def closed(self, settings: SettingsStore) -> None:
        """The database has been closed (its connections disposed): remember its state if it was sound."""
        from ui.file_check import file_stamp

        watch = self.watch
        if watch is None or watch.db.path is None:
            return
        stamp = file_stamp(watch.db.path) if watch.sound else ""
        settings.save_clean_close(str(watch.db.path) if stamp else "", stamp)

    # ---- copies made by the window ----------------------------------------------------------------

    def before_close(self) -> None:
        """A copy when the window closes after changes; a failure is said, and the window closes anyway."""
        from bkdesk.backups import BackupReason
        from db.errors import StoreError

        watch = self.watch
        if self._closing or watch is None or not watch.changed or not watch.sound:
            return
        self._closing = True
        try:
            protect(self.window, watch.db, BackupReason.CLOSE)
            watch.changed = False
        except StoreError as exc:
            from ui.dialog_buttons import message_box

            self.window.run_dialog(message_box(self.window, TITLE, exc.message, QMessageBox.Icon.Warning))
        finally:
            self._closing = False

    # ---- the dialog -------------------------------------------------------------------------------

    def open_dialog(self) -> None:
        from ui.backup_dialog import BackupDialog

        if self.database is None:
            self.window.show_message("Cơ sở dữ liệu theo địa chỉ URL: hãy sao lưu bằng công cụ của máy chủ đó.")
            return
        if self.window.exchange.runner.busy:
            self.window.show_message("Đang xử lý một thao tác khác; hãy đợi xong rồi làm lại.")
            return
        self.window.commit_open_editor()
        dialog = BackupDialog(self.database, self._restore, self.window)
        dialog.run_dialog = self.window.run_dialog
        dialog.restored.connect(self._after_restore)
        self.window.run_dialog(dialog)

    def _restore(self, source: Path) -> Restored:
        """Run by the dialog off the GUI thread: the window's connections are closed once the current file is saved."""
        from db.backups import restore_backup

        assert self.database is not None
        db = self.db
        return restore_backup(self.database, source, close_connections=db.dispose if db is not None else None)

    def _after_restore(self, restored: Restored) -> None:
        """Open the restored database in this window, as the same user and year when it has them."""
        from ui.dialog_buttons import message_box

        lines = [f"Đã khôi phục cơ sở dữ liệu {restored.database} từ «{restored.source.name}»."]
        if restored.saved is not None:
            lines.append(f"Cơ sở dữ liệu trước khi khôi phục được sao lưu vào {restored.saved.path.name}.")
        if restored.damaged is not None:
            lines.append(f"Cơ sở dữ liệu trước khi khôi phục bị hỏng; bản hỏng được giữ nguyên ở {restored.damaged}.")
        self.window.run_dialog(message_box(self.window, TITLE, "\n".join(lines)))
        context = self.window.context
        role, year = (context.role, context.year) if context is not None else ("", 0)
        self.window.undo_stack.clear()  # an undo would write back a figure from before the restore
        self.window.reopenRequested.emit(str(restored.database), role, year)
