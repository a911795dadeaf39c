"""The *Trao đổi* menu: the offline exchange between the phòng and the synthesis office, in the window.

Synthesis office: issue a phòng its setup file, export an Excel template, take in the
phòng's files (also by dropping them on the window), resolve conflicts, see who has
sent what (the *Tình hình nộp* tab), send a phòng the return file, lock and unlock the
figures. A phòng: send its figures as a signed file, take the return file and pick a
side where it differs from figures edited since. Anyone: open a setup file (a phòng's first start) or another
database. Each action is enabled on its own side only; invoked on the other side
anyway, the service's own Vietnamese refusal is shown. Work that touches files runs off
the GUI thread (:class:`ui.task_runner.TaskRunner`); every failure is a message box.

This module is imported with the window, before the first paint: the database layer
and the dialogs are imported when an action is used.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QMessageBox

from ui import database_layer
from ui.task_runner import TaskRunner

if TYPE_CHECKING:
    from PySide6.QtCore import QMimeData

    from bkdesk.catalogue import Department
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.workers import Worker


class ExchangeState(NamedTuple):
    """What decides which actions are open: whose database it is, the lock, the open conflicts."""

    owner: Department | None = None  # the phòng a phòng's database belongs to
    locked: bool = False
    lock_reason: str = ""
    open_conflicts: int = 0
    pending_choices: int = 0  # a phòng's figures waiting for a choice after a return file


class ExchangeActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.runner = TaskRunner(window, stopping_text="Đang dừng sau tệp đang xử lý…")
        self.state = ExchangeState()
        self._status_worker: Worker | None = None
        self._status_again = False
        self.status_stale = True

        new = window.make_action
        self.issue_action = new("Cấp tệp thiết lập cho phòng…", self.issue, tip="Tạo tệp thiết lập (kèm khóa ký)")
        self.template_action = new(
            "Xuất mẫu Excel cho phòng…", self.export_template, tip="Biểu mẫu Excel cho phòng chưa dùng bkdesk"
        )
        self.import_action = new(
            "Nhận số liệu các phòng…",
            self.choose_and_import,
            ["Ctrl+Shift+I"],
            "Nhập các tệp nộp số liệu và biểu mẫu Excel; cũng có thể kéo thả các tệp vào cửa sổ",
        )
        self.table_action = new(
            "Nhập biểu chỉ tiêu từ Excel…",
            self.import_table,
            tip="Nhập biểu chỉ tiêu của năm đang mở từ tệp .xlsx (như lệnh import-table)",
        )
        self.conflicts_action = new("Xung đột số liệu…", self.open_conflicts, tip="Giải quyết các xung đột số liệu")
        self.feedback_action = new(
            "Gửi phản hồi cho phòng…",
            self.send_feedback,
            tip="Tệp phản hồi đã ký: số liệu, nhiệm vụ, đánh giá và các xung đột đã giải quyết của một phòng",
        )
        self.status_action = new("Tình hình nộp", self.show_status_tab, tip="Phòng nào đã nộp, đã nhập bao nhiêu")
        self.lock_action = new("Chốt số liệu…", lambda: self.change_lock(True), tip="Khóa số liệu của kỳ")
        self.unlock_action = new("Mở khóa số liệu…", lambda: self.change_lock(False), tip="Mở khóa để sửa lại")
        self.new_year_action = new(
            "Tạo năm mới…", self.new_year, tip="Tạo biểu chỉ tiêu năm mới từ biểu một năm trước (nhiệm vụ để trống)"
        )
        self.submit_action = new(
            "Gửi số liệu…", self.submit, ["Ctrl+Shift+S"], "Ghi tệp nộp số liệu đã ký để gửi văn phòng tổng hợp"
        )
        self.receive_feedback_action = new(
            "Nhận phản hồi…",
            self.receive_feedback,
            tip="Nhận tệp phản hồi của văn phòng tổng hợp: số liệu, nhiệm vụ, đánh giá và cách giải quyết xung đột",
        )
        self.choices_action = new(
            "Chọn số sau phản hồi…",
            self.open_choices,
            tip="Các số liệu phòng đã sửa mà tệp phản hồi có số khác: chọn giữ số nào",
        )
        self.setup_action = new(
            "Mở tệp thiết lập…", self.open_setup, tip="Tạo cơ sở dữ liệu của phòng từ tệp văn phòng tổng hợp cấp"
        )
        self.other_database_action = new(
            "Mở cơ sở dữ liệu khác…", self.open_other_database, tip="Mở một tệp cơ sở dữ liệu bkdesk (.sqlite)"
        )
        self.synthesis_actions = [
            self.issue_action,
            self.template_action,
            self.import_action,
            self.table_action,
            self.conflicts_action,
            self.feedback_action,
            self.status_action,
            self.lock_action,
            self.unlock_action,
            self.new_year_action,
        ]
        self.phong_actions = [self.submit_action, self.receive_feedback_action]
        self.any_actions = [self.setup_action, self.other_database_action]
        menu = window.exchange_menu
        for action in (self.issue_action, self.template_action, self.table_action):
            menu.addAction(action)
        menu.addSeparator()
        for action in (self.import_action, self.conflicts_action, self.feedback_action, self.status_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.lock_action)
        menu.addAction(self.unlock_action)
        menu.addAction(self.new_year_action)
        menu.addSeparator()
        menu.addAction(self.submit_action)
        menu.addAction(self.receive_feedback_action)
        menu.addAction(self.choices_action)
        menu.addSeparator()
        menu.addAction(self.setup_action)
        menu.addAction(self.other_database_action)
        self.runner.busyChanged.connect(lambda _busy: self.update_actions())
        self.update_actions()

    # ---- state --------------------------------------------------------------------------------

    @property
    def context(self) -> AppContext | None:
        return self.window.context

    @property
    def on_synthesis_side(self) -> bool:
        return self.context is not None and self.context.is_synthesis and self.state.owner is None

    @property
    def on_phong_side(self) -> bool:
        return self.context is not None and self.state.owner is not None

    def refresh_state(self) -> None:
        """Read whose database it is, the lock and the open conflicts again (after a session or a change)."""
        from db.errors import StoreError
        from db.roles import database_role
        from db.tables import lock_state

        context = self.context
        if context is None:
            return
        try:
            owner = database_role(context.db).department
            lock = lock_state(context.db, context.year, context.period)
            conflicts = choices = 0
            if context.is_synthesis and owner is None:
                # Only the synthesis office has conflicts; a phòng's start-up skips these tables.
                from db.conflicts import list_conflicts

                conflicts = len(list_conflicts(context.db, context.year))
            elif owner is not None:
                from db.feedback_import import list_choices

                choices = len(list_choices(context.db))
        except StoreError as exc:
            self.window.show_message(exc.message)
            return
        self.apply_state(ExchangeState(owner, lock.locked, lock.reason, conflicts, choices))

    def apply_state(self, state: ExchangeState) -> None:
        """Show a state already read (at start-up, from the first screen's read of the file)."""
        self.state = state
        self.window.set_lock_state(state.locked, state.lock_reason)
        conflicts = state.open_conflicts
        self.conflicts_action.setText(f"Xung đột số liệu ({conflicts})…" if conflicts else "Xung đột số liệu…")
        choices = state.pending_choices
        self.choices_action.setText(f"Chọn số sau phản hồi ({choices})…" if choices else "Chọn số sau phản hồi…")
        self.update_actions()

    def update_actions(self) -> None:
        free = not self.runner.busy and self.window.database_ready
        for action in self.synthesis_actions:
            action.setEnabled(free and self.on_synthesis_side)
        for action in self.phong_actions:
            action.setEnabled(free and self.on_phong_side)
        for action in self.any_actions:
            action.setEnabled(free and self.context is not None)
        self.choices_action.setEnabled(free and self.on_phong_side and self.state.pending_choices > 0)

    def after_change(self) -> None:
        """Figures changed outside the grid (an import, a decision): show them, and what depends on them."""
        model = self.window.model
        if model is not None:
            model.refresh()
            self.undo_stack_clear()
        self.refresh_state()
        self.status_stale = True
        self.refresh_status_if_shown()

    def undo_stack_clear(self) -> None:
        # An undo recorded before the import would write back a figure the import replaced.
        self.window.undo_stack.clear()

    # ---- messages ------------------------------------------------------------------------------

    def warn(self, title: str, text: str, path: Path | None = None) -> None:
        from ui.dialog_buttons import message_box

        details = f"Tệp: {path}" if path is not None and str(path) not in text else ""
        self.window.run_dialog(message_box(self.window, title, text, QMessageBox.Icon.Warning, details))

    def inform(self, title: str, text: str, details: str = "", folder: Path | None = None) -> None:
        from ui.dialog_buttons import message_box

        box = message_box(self.window, title, text, QMessageBox.Icon.Information, details)
        open_folder = None
        if folder is not None:
            open_folder = box.addButton("Mở thư mục chứa tệp", QMessageBox.ButtonRole.ActionRole)
        self.window.run_dialog(box)
        if open_folder is not None and box.clickedButton() is open_folder:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def ask(self, title: str, text: str, yes: str, no: str = "Không") -> bool:
        from ui.dialog_buttons import question_box

        answer = self.window.run_dialog(question_box(self.window, title, text, yes, no))
        return answer == QMessageBox.StandardButton.Yes

    def folder(self) -> str:
        from ui.exchange_files import documents_folder

        remembered = self.window.settings.exchange_folder()
        return remembered if remembered and Path(remembered).is_dir() else documents_folder()

    def remember_folder(self, path: Path) -> None:
        self.window.settings.save_exchange_folder(str(path.parent))

    def run_task(
        self,
        title: str,
        label: str,
        task: Any,
        done: Any,
        path: Path | None = None,
        *,
        then: Callable[[], None] | None = None,
        **options: Any,
    ) -> None:
        """Run ``task`` off the GUI thread; a failure is a message box naming ``path``, followed by ``then()``."""
        if self.runner.busy:
            self.window.show_message("Đang xử lý một thao tác trao đổi khác; hãy đợi xong rồi làm lại.")
            return

        def failed(message: str) -> None:
            self.warn(title, message, path)
            if then is not None:
                then()

        self.runner.run(title, label, task, done, failed, **options)

    # ---- synthesis office: issuing and templates -----------------------------------------------

    def issue(self) -> None:
        from ui.exchange_exports import issue

        issue(self)

    def export_template(self) -> None:
        from ui.exchange_exports import export_template

        export_template(self)

    def import_table(self) -> None:
        from ui.table_import_flow import import_table

        import_table(self)

    # ---- synthesis office: taking files in ---------------------------------------------------

    def choose_and_import(self) -> None:
        from ui.exchange_files import INCOMING_FILTER, ask_open_many

        if self.context is None:
            return
        paths = ask_open_many(self.window, "Nhận số liệu các phòng", self.folder(), INCOMING_FILTER)
        if paths:
            self.remember_folder(paths[0])
            self.import_files(paths)

    def import_files(self, paths: list[Path]) -> None:
        from ui.exchange_import import ImportFlow

        ImportFlow(self).start(paths)

    def accepts_drop(self, mime: QMimeData) -> bool:
        """Files dropped on the window are taken in at the synthesis office only, and only local files."""
        ready = self.window.database_ready and not self.runner.busy
        return ready and self.on_synthesis_side and bool(dropped_files(mime))

    def drop(self, mime: QMimeData) -> bool:
        files = dropped_files(mime)
        if not self.accepts_drop(mime):
            return False
        if len(files) < len(mime.urls()):
            self.window.show_message("Chỉ nhận các tệp trên máy này; thư mục và địa chỉ mạng được bỏ qua.")
        self.import_files(files)
        return True

    def open_conflicts(self) -> None:
        from bkdesk.backups import BackupReason
        from db.conflicts import Keep, Resolution, list_conflicts, resolve_conflict
        from db.errors import StoreError
        from ui.backup_actions import protect
        from ui.conflicts_dialog import ConflictsDialog

        context = self.context
        if context is None:
            return
        db, year, actor = context.db, context.year, context.actor

        backed_up: list[bool] = []

        def resolve(conflict_id: int, keep: Keep, reason: str) -> Resolution:
            if not backed_up:  # one copy before the first decision of this dialog
                protect(self.window, db, BackupReason.MERGE)
                backed_up.append(True)
            return resolve_conflict(db, conflict_id, keep, reason, actor=actor)

        try:
            dialog = ConflictsDialog(
                year, lambda closed: list_conflicts(db, year, include_closed=closed), resolve, self.window
            )
        except StoreError as exc:
            self.warn("Xung đột số liệu", exc.message)
            return
        dialog.warn = lambda text: self.warn("Xung đột số liệu", text)
        dialog.resolved.connect(self.after_change)
        self.window.run_dialog(dialog)
        if dialog.decisions:
            self.window.show_message(f"Đã giải quyết {dialog.decisions} xung đột số liệu.")

    def send_feedback(self) -> None:
        from ui.feedback_flow import send_feedback

        send_feedback(self)

    # ---- synthesis office: locking --------------------------------------------------------------

    def change_lock(self, locking: bool) -> None:
        from bkdesk.backups import BackupReason
        from db.errors import StoreError
        from db.locking import lock_period, unlock_period
        from ui.backup_actions import protect
        from ui.lock_dialog import LockDialog

        context = self.context
        if context is None:
            return
        self.window.commit_open_editor()
        dialog = LockDialog(
            locking=locking,
            year=context.year,
            kind=context.period,
            lock_reason=self.state.lock_reason,
            parent=self.window,
        )
        if self.window.run_dialog(dialog) != QDialog.DialogCode.Accepted:
            return
        title = "Chốt số liệu" if locking else "Mở khóa số liệu"
        action = lock_period if locking else unlock_period
        try:
            protect(self.window, context.db, BackupReason.LOCK if locking else BackupReason.UNLOCK)
            changes = action(context.db, context.year, dialog.kinds(), dialog.reason_text(), actor=context.actor)
        except StoreError as exc:
            self.warn(title, exc.message)
            return
        lines = []
        for change in changes:
            label = f"{change.kind.label} năm {change.year}"
            if change.changed:
                lines.append(f"{label}: {'đã chốt' if locking else 'đã mở khóa'} (lý do: {change.reason}).")
            else:
                lines.append(f"{label}: {'đã được chốt từ trước' if locking else 'đang mở, không cần mở khóa'}.")
        self.refresh_state()
        self.window.show_message(" ".join(lines))
        self.inform(title, "\n".join(lines))

    def new_year(self) -> None:
        from ui.year_flow import new_year

        new_year(self)

    # ---- the "Tình hình nộp" tab ----------------------------------------------------------------

    def show_status_tab(self) -> None:
        page = self.window.ensure_status_page()
        if page is not None:
            self.window.tabs.setCurrentWidget(page)

    def refresh_status_if_shown(self) -> None:
        page = self.window.status_page
        if page is not None and self.window.tabs.currentWidget() is page and self.status_stale:
            self.refresh_status()

    def refresh_status(self) -> None:
        """Read the completeness of every phòng again, off the GUI thread."""
        from ui.workers import run_in_background

        page = self.window.status_page
        context = self.context
        if page is None or context is None or not self.on_synthesis_side:
            return
        if self._status_worker is not None:
            self._status_again = True
            return
        self.status_stale = False
        db, year, kind = context.db, context.year, context.period
        page.show_loading(year, kind)

        def task(_job: Any) -> Any:
            database_layer.load()  # the tab may be opened while the layer still loads
            from db.status import status_report

            return status_report(db, year, kind)

        def done(report: Any) -> None:
            if self.window.context is context:
                page.show_report(report)
            else:  # the user changed period meanwhile
                self.status_stale = True

        def failed(message: str) -> None:
            page.show_problem(message)

        worker = run_in_background(task, done, failed, self)
        worker.done.connect(self._status_done)
        self._status_worker = worker

    def _status_done(self) -> None:
        self._status_worker = None
        if self._status_again or self.status_stale:
            self._status_again = False
            self.refresh_status_if_shown()

    @property
    def status_busy(self) -> bool:
        return self._status_worker is not None

    def set_deadline(self, chosen: date | None) -> None:
        """Keep the period's *Hạn nộp* chosen in the tab (``None``: no deadline), then read the tab again."""
        context = self.context
        if context is None or not self.on_synthesis_side:
            return
        database_layer.load()
        from bkdesk.reports.settings import format_date
        from db.errors import StoreError
        from db.status import set_deadline

        try:
            change = set_deadline(context.db, context.year, context.period, format_date(chosen), actor=context.actor)
        except StoreError as exc:
            self.warn("Hạn nộp", exc.message)
            return
        what = f"hạn nộp số liệu {context.period.label.lower()} năm {context.year}"
        if change.new is None:
            self.window.show_message(f"Đã bỏ {what}.")
        else:
            self.window.show_message(f"Đã đặt {what}: {format_date(change.new)}.")
        self.status_stale = True
        self.refresh_status_if_shown()

    # ---- a phòng: sending its figures --------------------------------------------------------

    def submit(self) -> None:
        from ui.exchange_exports import submit

        submit(self)

    def receive_feedback(self) -> None:
        from ui.feedback_flow import receive_feedback

        receive_feedback(self)

    def open_choices(self) -> None:
        from ui.feedback_flow import open_choices

        open_choices(self)

    # ---- anyone: a setup file, another database --------------------------------------------

    def open_setup(self) -> None:
        from ui.setup_flow import SetupFlow

        SetupFlow(self).start()

    def open_other_database(self) -> None:
        from ui.exchange_files import DATABASE_FILTER, ask_open

        context = self.context
        if context is None:
            return
        start = str(context.db.path.parent) if context.db.path is not None else self.folder()
        path = ask_open(self.window, "Mở cơ sở dữ liệu khác", start, DATABASE_FILTER)
        if path is None:
            return
        if context.db.path is not None and path.resolve() == context.db.path.resolve():
            self.window.show_message("Cơ sở dữ liệu này đang được mở.")
            return
        self.window.reopenRequested.emit(str(path), "", 0)


def dropped_files(mime: QMimeData) -> list[Path]:
    """The local files among what was dropped (folders and web addresses are not taken)."""
    if not mime.hasUrls():
        return []
    files = []
    for url in mime.urls():
        if url.isLocalFile():
            path = Path(url.toLocalFile())
            if path.is_file():
                files.append(path)
    return files
