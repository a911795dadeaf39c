"""The main window: menus, the entry tab, the overview tab, the synthesis office's status tab, the status bar.

It is built and shown before the database layer is imported (start-up speed); the rows
arrive later through :meth:`MainWindow.set_session`. Widgets get the :class:`AppContext`
and the services through it, never the application object.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QPaintEvent,
    QUndoStack,
)
from PySide6.QtWidgets import QDialog, QLabel, QMainWindow, QProgressBar, QTabWidget, QVBoxLayout, QWidget

from ui import trace
from ui.backup_actions import BackupActions
from ui.entry_page import EntryPage
from ui.exchange_actions import ExchangeActions, ExchangeState
from ui.settings_store import SettingsStore

if TYPE_CHECKING:
    # Types only: the core and the grid are imported after the first paint.
    from PySide6.QtCore import QModelIndex, QPoint

    from bkdesk.catalogue import Department
    from bkdesk.evaluation import Evaluation, RowInput
    from ui.context import AppContext
    from ui.entry_model import EntryModel
    from ui.entry_store import EntryStore
    from ui.status_page import StatusPage

APP_TITLE = "bkdesk"
LOCKED_LABEL = "Đã chốt số liệu"
READ_ONLY_LABEL = "Chỉ đọc: tệp không ghi được, không sửa được số liệu"
READ_ONLY_TIP = (
    "Cơ sở dữ liệu nằm trên ổ đĩa hoặc thư mục chỉ cho phép đọc (hoặc tệp không có quyền ghi): "
    "xem, tìm và in được, nhưng không nhập hay sửa được. Muốn sửa, hãy chép tệp sang một thư mục "
    "ghi được rồi mở bản chép đó (Trao đổi → Mở cơ sở dữ liệu khác…)."
)
DialogRunner = Callable[[QDialog], int]


def window_title(context: AppContext | None, locked: bool = False) -> str:
    if context is None:
        return APP_TITLE
    title = f"{APP_TITLE} — {context.role_label} — {context.period.label} năm {context.year}"
    return f"{title} — {LOCKED_LABEL.lower()}" if locked else title


class MainWindow(QMainWindow):
    firstPainted = Signal()
    changeSessionRequested = Signal()
    reopenRequested = Signal(str, str, int)  # database file, role ("" = ask), year (0 = ask)
    yearAdded = Signal(int)  # a year's table was just made (Tạo năm mới…): offer it and show it

    def __init__(self, settings: SettingsStore | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings if settings is not None else SettingsStore()
        self.context: AppContext | None = None
        # False while the database layer loads behind a grid filled from the file (ui.database_layer).
        self.database_ready = True
        self.model: EntryModel | None = None
        self.departments: list[Department] = []
        self.painted = False
        self.dashboard: Any = None
        self._dashboard_stale = True
        self.status_page: StatusPage | None = None
        self.locked = False
        # Modal dialogs go through here, so tests can answer them without a user.
        self.run_dialog: DialogRunner = lambda dialog: dialog.exec()
        self.undo_stack = QUndoStack(self)

        self.setWindowTitle(window_title(None))
        self.entry_page = EntryPage()
        self.overview_page = QWidget()
        self.overview_layout = QVBoxLayout(self.overview_page)
        self.overview_placeholder = QLabel("Tổng quan sẽ hiện khi số liệu đã được tải.")
        self.overview_layout.addWidget(self.overview_placeholder)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.entry_page, "Nhập số liệu")
        self.tabs.addTab(self.overview_page, "Tổng quan")
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.setCentralWidget(self.tabs)

        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        self.database_label = QLabel()
        self.lock_label = QLabel(LOCKED_LABEL)
        self.lock_label.setStyleSheet("QLabel { color: #9b1c22; font-weight: bold; padding: 0 6px; }")
        self.lock_label.setVisible(False)
        self.read_only_label = QLabel(READ_ONLY_LABEL)
        self.read_only_label.setStyleSheet(self.lock_label.styleSheet())
        self.read_only_label.setToolTip(READ_ONLY_TIP)
        self.read_only_label.setVisible(False)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.lock_label)
        self.statusBar().addPermanentWidget(self.read_only_label)
        self.statusBar().addPermanentWidget(self.database_label)

        self._build_actions()
        self._build_menus()
        # The offline exchange fills the "Trao đổi" menu; files dropped on the window are its imports.
        self.exchange = ExchangeActions(self)
        self.backups = BackupActions(self)  # Tệp → Sao lưu / Khôi phục…, the copy at closing
        self.setAcceptDrops(True)
        self.entry_page.gridCreated.connect(self._connect_grid)
        self._restore_geometry()
        self.show_loading("Đang mở cơ sở dữ liệu…")

    # ---- menus -----------------------------------------------------------------------------

    def _action(
        self, text: str, slot: Callable[[], Any], shortcuts: Sequence[QKeySequence | str] = (), tip: str = ""
    ) -> QAction:
        action = QAction(text, self)
        if shortcuts:
            action.setShortcuts([QKeySequence(s) if isinstance(s, str) else s for s in shortcuts])
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def make_action(
        self, text: str, slot: Callable[[], Any], shortcuts: Sequence[QKeySequence | str] = (), tip: str = ""
    ) -> QAction:
        """An action of this window (for the menus other modules fill)."""
        return self._action(text, slot, shortcuts, tip)

    def _build_actions(self) -> None:
        self.change_session_action = self._action(
            "Đổi người dùng / kỳ báo cáo…",
            self.changeSessionRequested.emit,
            ["Ctrl+Shift+O"],
            "Chọn phòng (hoặc Văn phòng tổng hợp), năm và kỳ báo cáo",
        )
        self.print_action = self._action("In biểu…", self.open_print_preview, ["Ctrl+P"], "Xem trước và in biểu")
        self.quit_action = self._action("Thoát", self.close, ["Ctrl+Q"])
        self.undo_action = self.undo_stack.createUndoAction(self, "Hoàn tác")
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.redo_action = self.undo_stack.createRedoAction(self, "Làm lại")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        page = self.entry_page
        self.copy_action = self._action("Sao chép", lambda: page.view.copy_selection(), ["Ctrl+C"])
        self.paste_action = self._action("Dán", lambda: page.view.paste(), ["Ctrl+V"])
        self.clear_action = self._action("Xóa ô đã chọn", lambda: page.view.clear_selection_cells(), ["Delete"])
        self.find_action = self._action("Tìm chỉ tiêu", self._focus_search, ["Ctrl+F"])
        self.override_action = self._action("Điều chỉnh đánh giá…", self._override_current)
        self.history_action = self._action("Lịch sử thay đổi…", self._history_current, ["Ctrl+H"])
        self._session_actions = [
            self.print_action,
            self.copy_action,
            self.paste_action,
            self.clear_action,
            self.find_action,
            self.override_action,
            self.history_action,
        ]
        self.change_session_action.setEnabled(False)
        for action in self._session_actions:
            action.setEnabled(False)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = self.file_menu = bar.addMenu("&Tệp")
        file_menu.addAction(self.change_session_action)
        file_menu.addSeparator()
        file_menu.addAction(self.print_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("&Sửa")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.copy_action)
        edit_menu.addAction(self.paste_action)
        edit_menu.addAction(self.clear_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        indicator_menu = bar.addMenu("&Chỉ tiêu")
        indicator_menu.addAction(self.override_action)
        indicator_menu.addAction(self.history_action)
        # Filled by the offline exchange (submissions, conflicts, locking).
        self.exchange_menu = bar.addMenu("T&rao đổi")

    def prepare_grid(self) -> None:
        """Create the grid (and import its modules) ahead of the rows, once the window is on screen."""
        self.entry_page.ensure_grid()

    def _connect_grid(self) -> None:
        from PySide6.QtCore import Qt

        view = self.entry_page.view
        view.message.connect(self.show_message)
        view.contextMenuRequestedAt.connect(self._context_menu)
        for action in (self.copy_action, self.paste_action, self.clear_action):
            # Only while the grid has the focus: the search box keeps its own copy and paste.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            view.addAction(action)
        self.overview_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.database_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    # ---- states ------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            trace.milestone(trace.WINDOW_SHOWN)
            self.firstPainted.emit()

    def show_message(self, text: str, timeout_ms: int = 10000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def show_loading(self, text: str) -> None:
        self.entry_page.show_loading(text)
        self.progress.setVisible(True)

    def show_waiting(self, text: str) -> None:
        """Nothing is running: the grid area says what the user is expected to do."""
        if self.context is None:
            self.entry_page.show_loading(text)
        self.progress.setVisible(False)

    def show_failure(self, text: str) -> None:
        self.entry_page.show_loading(text)
        self.progress.setVisible(False)
        self.show_message(text, 0)

    def set_database(self, label: str) -> None:
        self.database_label.setText(f"Cơ sở dữ liệu: {label}")
        self.database_label.setToolTip(label)
        self.change_session_action.setEnabled(self.database_ready)

    def set_database_ready(self, ready: bool) -> None:
        """Printing, switching and the exchange menu go to the database: off while its layer loads."""
        self.database_ready = ready
        self.change_session_action.setEnabled(ready)
        self.print_action.setEnabled(ready and self.context is not None)
        self.exchange.update_actions()

    def set_session(
        self,
        context: AppContext,
        rows: Sequence[RowInput],
        departments: Sequence[Department] = (),
        store: EntryStore | None = None,
        state: ExchangeState | None = None,
    ) -> EntryModel:
        """Show ``context``'s table in the grid; returns the model behind it.

        ``state`` (whose database, the lock, the conflicts) when it is already known; else it is read.
        """
        from ui.entry_model import EntryModel

        self.entry_page.ensure_grid()
        self.context = context
        self.departments = list(departments)
        old = self.model
        self.model = EntryModel(
            context,
            rows,
            store=store,
            undo_stack=self.undo_stack,
            department_names={department.code: department.name for department in departments},
            parent=self,
        )
        self.undo_stack.clear()
        from ui.save_question import save_question

        self.model.ask = save_question(self, lambda dialog: self.run_dialog(dialog))
        self.model.message.connect(self.show_message)
        self.model.evaluationChanged.connect(self._on_evaluation)
        self.entry_page.set_model(self.model, departments)
        if old is not None:
            old.deleteLater()
        self.locked = False
        self.setWindowTitle(window_title(context))
        self.set_database(context.db.label)
        self.progress.setVisible(False)
        for action in self._session_actions:
            action.setEnabled(True)
        self.print_action.setEnabled(self.database_ready)
        self.override_action.setVisible(context.is_synthesis)
        self.read_only_label.setVisible(context.db.read_only)
        for action in (self.paste_action, self.clear_action, self.override_action):
            action.setEnabled(not context.db.read_only)
        self._dashboard_stale = True
        if state is not None:
            self.exchange.apply_state(state)
        else:
            self.exchange.refresh_state()
        self._place_status_tab()
        if self.tabs.currentWidget() is self.overview_page:
            self._refresh_dashboard()
        return self.model

    def set_lock_state(self, locked: bool, reason: str = "") -> None:
        """Locked figures (chốt số liệu): said in the status bar and the title; the grid's writes are refused."""
        self.locked = locked
        self.lock_label.setVisible(locked)
        self.lock_label.setToolTip(f"Lý do chốt: {reason}" if reason else "")
        self.setWindowTitle(window_title(self.context, locked))

    # ---- the synthesis office's "Tình hình nộp" tab ----------------------------------------------

    def _place_status_tab(self) -> None:
        """The tab belongs to the synthesis office; it is read again whenever it is shown after a change."""
        if self.exchange.on_synthesis_side:
            self.ensure_status_page()
            self.exchange.status_stale = True
            self.exchange.refresh_status_if_shown()
        elif self.status_page is not None and self.tabs.indexOf(self.status_page) >= 0:
            self.tabs.removeTab(self.tabs.indexOf(self.status_page))

    def ensure_status_page(self) -> StatusPage | None:
        if not self.exchange.on_synthesis_side:
            return None
        if self.status_page is None:
            from ui.status_page import StatusPage

            self.status_page = StatusPage()
            self.status_page.departmentActivated.connect(self.show_department)
            self.status_page.refreshRequested.connect(self.exchange.refresh_status)
            self.status_page.deadlineChosen.connect(self.exchange.set_deadline)
        if self.tabs.indexOf(self.status_page) < 0:
            self.tabs.addTab(self.status_page, "Tình hình nộp")
        return self.status_page

    def show_department(self, code: str) -> None:
        """The entry grid, filtered to one phòng's rows (from a double click in *Tình hình nộp*)."""
        self.tabs.setCurrentWidget(self.entry_page)
        found = self.entry_page.department.findData(code)
        if found < 0:
            self.show_message(f"Phòng {code} không có trong bộ lọc của bảng nhập số liệu")
            return
        self.entry_page.department.setCurrentIndex(found)

    # ---- files dropped on the window: the synthesis office takes them in -----------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.exchange.accepts_drop(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self.exchange.accepts_drop(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        if self.exchange.drop(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    # ---- overview and printing (built by their own modules, loaded when first used) -----------

    def _on_tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.overview_page:
            self._refresh_dashboard()
        elif self.status_page is not None and self.tabs.currentWidget() is self.status_page:
            self.exchange.refresh_status_if_shown()

    def _on_evaluation(self, evaluation: Evaluation) -> None:
        self._dashboard_stale = True
        if self.dashboard is not None and self.tabs.currentWidget() is self.overview_page:
            self._refresh_dashboard()

    def _ensure_dashboard(self) -> Any:
        if self.dashboard is not None:
            return self.dashboard
        try:
            from ui.dashboard import DashboardWidget
        except ImportError:
            self.overview_placeholder.setText("Bản cài này chưa có màn hình Tổng quan.")
            self.show_message("Không mở được màn hình Tổng quan: bản cài này chưa có thành phần đó.")
            return None
        self.dashboard = DashboardWidget(self.overview_page)
        self.dashboard.indicatorActivated.connect(self.show_indicator)
        self.overview_layout.removeWidget(self.overview_placeholder)
        self.overview_placeholder.hide()
        self.overview_layout.addWidget(self.dashboard)
        return self.dashboard

    def _refresh_dashboard(self) -> None:
        if self.model is None or not self._dashboard_stale:
            return
        dashboard = self._ensure_dashboard()
        if dashboard is None:
            return
        dashboard.show_evaluation(self.model.evaluation)
        self._dashboard_stale = False

    def show_indicator(self, code: str) -> None:
        self.tabs.setCurrentWidget(self.entry_page)
        if not self.entry_page.show_indicator(code):
            self.show_message(f"Chỉ tiêu {code} không có trong biểu đang mở")

    def open_print_preview(self) -> None:
        if self.context is None:
            return
        try:
            from ui.print_preview import PrintPreviewDialog
        except ImportError:
            self.show_message("Không mở được In biểu: bản cài này chưa có màn hình xem trước bản in.")
            return
        dialog = PrintPreviewDialog(self.context, self)
        self.run_dialog(dialog)

    # ---- the current indicator: override and history --------------------------------------------

    def _focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.entry_page)
        self.entry_page.search.setFocus()
        self.entry_page.search.selectAll()

    def _current_source_row(self) -> int:
        view = self.entry_page.view
        index = view.currentIndex()
        if not index.isValid():
            return -1
        return self.entry_page.proxy.mapToSource(index).row()

    def _override_current(self) -> None:
        row = self._current_source_row()
        if row >= 0:
            self.open_override_dialog(row)

    def _history_current(self) -> None:
        row = self._current_source_row()
        if row >= 0:
            self.open_history_dialog(row)

    def _context_menu(self, index: QModelIndex, position: QPoint) -> None:
        if self.model is None or self.context is None:
            return
        row = index.row()
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self)
        if self.context.is_synthesis:
            override = menu.addAction("Điều chỉnh đánh giá…", lambda: self.open_override_dialog(row))
            override.setEnabled(self.model.is_editable_row(row) and bool(self.model.rows[row].input.target))
        menu.addAction("Lịch sử thay đổi…", lambda: self.open_history_dialog(row))
        menu.addSeparator()
        menu.addAction(self.copy_action)
        menu.addAction(self.paste_action)
        menu.exec(position)

    def open_override_dialog(self, row: int) -> bool:
        """The synthesis office sets or removes a verdict by hand, with a reason."""
        from PySide6.QtWidgets import QDialog

        from ui.override_dialog import OverrideDialog

        if self.model is None or self.context is None or not self.context.is_synthesis:
            return False
        if not self.model.is_editable_row(row) or not self.model.rows[row].input.target:
            self.show_message("Dòng này không có nhiệm vụ nên không có đánh giá để điều chỉnh")
            return False
        dialog = OverrideDialog(self.model.rows[row], self)
        if self.run_dialog(dialog) != QDialog.DialogCode.Accepted:
            return False
        return self.model.set_override(row, dialog.verdict(), dialog.reason_text())

    def open_history_dialog(self, row: int) -> None:
        from ui.history_dialog import HistoryDialog

        if self.model is None:
            return
        indicator = self.model.rows[row].indicator
        entries = self.model.store.history(indicator.code)
        from db import history  # imported here: the reading thread never imports

        db, code = self.model.store.context.db, indicator.code
        dialog = HistoryDialog(
            f"{indicator.code} {indicator.name}", entries, self, read_years=lambda: history.history(db, code)
        )
        self.run_dialog(dialog)

    # ---- closing --------------------------------------------------------------------------------

    def commit_open_editor(self) -> None:
        """An edit typed but not yet confirmed with Enter is saved, not lost, when the window closes."""
        from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView

        if not self.entry_page.has_grid:
            return
        view = self.entry_page.view
        if view.state() != QAbstractItemView.State.EditingState:
            return
        editor = view.indexWidget(view.currentIndex())
        if editor is not None:
            view.commitData(editor)
            view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def _restore_geometry(self) -> None:
        geometry = self.settings.window_geometry()
        if geometry is not None and self.restoreGeometry(geometry):
            return
        screen = QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(1280, 720)
            return
        available = screen.availableGeometry()
        self.resize(min(1360, available.width()), min(760, available.height()))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.commit_open_editor()
        self.backups.before_close()
        self.settings.save_window_geometry(self.saveGeometry())
        super().closeEvent(event)
