"""*Sao lưu / Khôi phục*: the database's backups, newest first; back up now; restore one.

Reading the list, making a copy and restoring run off the GUI thread through the task
runner, behind its progress dialog. The restore itself is given to the dialog as a
function (the window's, which also closes its connections), so the dialog is built and
tested without the rest of the window. Questions and messages go through ``run_dialog``
and the file chooser through ``choose_file``, so that tests answer them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bkdesk.backups import RETENTION_TEXT, size_text
from ui.record_model import RecordTableModel, record_table
from ui.task_runner import TaskRunner

if TYPE_CHECKING:
    from db.backups import Backup, Restored
    from ui.workers import Job

AnyIndex = QModelIndex | QPersistentModelIndex
Restorer = Callable[[Path], "Restored"]
TITLE = "Sao lưu / Khôi phục"
HEADINGS = ("Thời gian", "Lý do", "Dung lượng", "Tệp")
WHEN, REASON, SIZE, FILE = range(len(HEADINGS))


class BackupsModel(RecordTableModel["Backup"]):  # a name: db is imported only when needed
    """The backups as :func:`db.backups.list_backups` gives them, newest first."""

    HEADINGS = HEADINGS

    def backup(self, row: int) -> Backup:
        return self.record(row)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        backup = self.record_at(index)
        if backup is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == WHEN:
                return backup.when_text
            if column == REASON:
                return backup.label or "—"
            if column == SIZE:
                return size_text(backup.size)
            return backup.path.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(backup.path)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class BackupDialog(QDialog):
    """``restored(Restored)`` is emitted after a restore, and the dialog closes: the window reopens the database."""

    restored = Signal(object)

    def __init__(self, database: Path, restore: Restorer, parent: QWidget | None = None) -> None:
        from db.backups import backups_folder

        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.resize(860, 420)
        self.database = database
        self.folder = backups_folder(database)
        self._restore = restore
        self.runner = TaskRunner(self)
        # Modal questions and the file chooser go through these, so tests can answer them.
        self.run_dialog: Callable[[QDialog], int] = lambda dialog: dialog.exec()
        self.choose_file: Callable[[], Path | None] = self._choose_file

        self.intro = QLabel(
            f"Cơ sở dữ liệu: {database}\nThư mục sao lưu: {self.folder}\n"
            "bkdesk tự sao lưu trước mỗi lần nhận số liệu, nhập biểu, giải quyết xung đột, chốt hay mở khóa, "
            f"khôi phục, nâng cấp, và khi đóng ứng dụng sau khi có thay đổi. {RETENTION_TEXT}"
        )
        self.intro.setWordWrap(True)
        self.intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = BackupsModel(parent=self)
        self.table = record_table(self.model, FILE)
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.create_button = QPushButton("Sao lưu ngay")
        self.restore_button = QPushButton("Khôi phục bản đã chọn…")
        self.restore_file_button = QPushButton("Khôi phục từ tệp khác…")
        self.folder_button = QPushButton("Mở thư mục sao lưu")
        actions = QHBoxLayout()
        for button in (self.create_button, self.restore_button, self.restore_file_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.folder_button)
        buttons = QDialogButtonBox(self)
        buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.outcome)
        layout.addWidget(buttons)

        self.create_button.clicked.connect(self.back_up_now)
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button.clicked.connect(self.restore_other)
        self.folder_button.clicked.connect(self.open_folder)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())
        self.runner.busyChanged.connect(lambda _busy: self._update_buttons())
        self.reload()

    # ---- the list -------------------------------------------------------------------------------

    def selected(self) -> Backup | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.backup(rows[0].row()) if rows else None

    def reload(self) -> None:
        """Read the list again, off the GUI thread."""
        database = self.database

        def task(_job: Job) -> list[Backup]:
            from db.backups import list_backups

            return list_backups(database)

        self._run("Đang đọc danh sách bản sao lưu…", task, self._show)

    def _show(self, backups: list[Backup]) -> None:
        self.model.set_records(backups)
        if backups:
            self.table.selectRow(0)
        elif not self.outcome.text():
            self.outcome.setText("Chưa có bản sao lưu nào.")
        self._update_buttons()

    def _update_buttons(self) -> None:
        free = not self.runner.busy
        self.create_button.setEnabled(free and self.database.is_file())
        self.restore_button.setEnabled(free and self.selected() is not None)
        self.restore_file_button.setEnabled(free)

    def _run(self, label: str, task: Callable[[Job], Any], done: Callable[[Any], None]) -> None:
        if self.runner.busy:
            return
        self.runner.run(TITLE, label, task, done, self._failed)

    def _failed(self, message: str) -> None:
        from ui.dialog_buttons import message_box

        self.outcome.setText(message)
        self.run_dialog(message_box(self, TITLE, message, QMessageBox.Icon.Warning))
        self.reload()

    # ---- backing up -------------------------------------------------------------------------------

    def back_up_now(self) -> None:
        database = self.database

        def task(_job: Job) -> Backup:
            from bkdesk.backups import BackupReason
            from db.backups import create_backup

            return create_backup(database, BackupReason.MANUAL)

        self._run("Đang sao lưu cơ sở dữ liệu…", task, self._created)

    def _created(self, backup: Backup) -> None:
        self.outcome.setText(
            f"Đã sao lưu lúc {backup.when_text} vào {backup.path.name} ({size_text(backup.size)}); "
            "bản sao đã qua bước kiểm tra toàn vẹn."
        )
        self.reload()

    # ---- restoring --------------------------------------------------------------------------------

    def restore_selected(self) -> None:
        backup = self.selected()
        if backup is None or self.runner.busy:
            return
        why = f" ({backup.label})" if backup.label else ""
        self._confirm_and_restore(backup.path, f"bản sao lưu lúc {backup.when_text}{why}")

    def restore_other(self) -> None:
        if self.runner.busy:
            return
        path = self.choose_file()
        if path is not None:
            self._confirm_and_restore(path, f"tệp {path}")

    def _choose_file(self) -> Path | None:
        from ui.exchange_files import DATABASE_FILTER, ask_open

        start = str(self.folder if self.folder.is_dir() else self.database.parent)
        return ask_open(self, "Khôi phục từ tệp sao lưu", start, DATABASE_FILTER)

    def _confirm_and_restore(self, source: Path, described: str) -> None:
        from ui.dialog_buttons import question_box

        text = (
            f"Khôi phục cơ sở dữ liệu {self.database} từ {described}?\n\n"
            "Những gì đã ghi sau thời điểm đó sẽ không còn trong cơ sở dữ liệu đang dùng. Trước khi khôi phục, "
            "bkdesk sao lưu cơ sở dữ liệu hiện tại, nên vẫn quay lại được."
        )
        box = question_box(self, "Khôi phục bản sao lưu", text, "Khôi phục", "Không")
        if self.run_dialog(box) != QMessageBox.StandardButton.Yes:
            return
        restore = self._restore
        self._run("Đang khôi phục cơ sở dữ liệu…", lambda _job: restore(source), self._restored)

    def _restored(self, restored: Restored) -> None:
        self.outcome.setText(f"Đã khôi phục từ {restored.source.name}.")
        self.restored.emit(restored)
        self.accept()

    def open_folder(self) -> None:
        folder = self.folder if self.folder.is_dir() else self.database.parent
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
