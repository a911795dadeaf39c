"""The "Nhập số liệu" tab: the filters above the grid, the grid, and the summary sentence below it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from PySide6.QtCore import QModelIndex

    from bkdesk.catalogue import Department
    from bkdesk.evaluation import Evaluation
    from ui.entry_model import EntryModel
    from ui.entry_view import EntryView
    from ui.filters import EntryFilter

SEARCH_DELAY_MS = 120  # filter once the typing pauses, not on every key


class EntryPage(QWidget):
    """Built in two steps: the bar and a loading notice for the first paint, the grid once rows come."""

    gridCreated = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Tìm chỉ tiêu theo tên (gõ không dấu cũng được)…")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self.group = QComboBox()
        self.group.addItem("Tất cả các nhóm", "")
        self.department = QComboBox()
        self.department.addItem("Tất cả các phòng", "")
        self.department_label = QLabel("Phòng:")
        self.only_missing = QCheckBox("Chỉ dòng chưa nhập")
        self.only_missing.setToolTip("Chỉ hiện các chỉ tiêu chưa có số liệu của kỳ này (và các dòng mục của chúng)")
        self.count = QLabel()

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Tìm:"))
        bar.addWidget(self.search, 2)
        bar.addWidget(QLabel("Nhóm:"))
        bar.addWidget(self.group, 1)
        bar.addWidget(self.department_label)
        bar.addWidget(self.department, 1)
        bar.addWidget(self.only_missing)
        bar.addWidget(self.count)

        self._view: EntryView | None = None
        self._proxy: EntryFilter | None = None
        # Centred by stretches rather than an alignment flag: the first paint needs no Qt enums.
        self.loading = QLabel("Đang tải các chỉ tiêu…")
        self.loading_page = QWidget()
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.loading)
        row.addStretch(1)
        column = QVBoxLayout(self.loading_page)
        column.addStretch(1)
        column.addLayout(row)
        column.addStretch(2)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.loading_page)
        self.summary = QLabel()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 2)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.summary)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(self._search_timer.start)
        self.group.currentIndexChanged.connect(self._apply_group)
        self.department.currentIndexChanged.connect(self._apply_department)
        self.only_missing.toggled.connect(self._apply_only_missing)
        self.set_filters_enabled(False)
        self.show_department_filter(False)

    # ---- the grid, created once the first paint is done ----------------------------------------

    def ensure_grid(self) -> EntryView:
        if self._view is not None:
            return self._view
        from PySide6.QtCore import Qt

        from bkdesk.catalogue import GROUPS
        from ui.entry_view import EntryView
        from ui.filters import EntryFilter

        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._view = EntryView()
        self._proxy = EntryFilter(self)
        self.stack.addWidget(self._view)
        proxy = self._proxy
        for signal in (proxy.layoutChanged, proxy.modelReset, proxy.rowsInserted, proxy.rowsRemoved):
            signal.connect(self._update_count)
        for code, name in GROUPS.items():
            self.group.addItem(f"{code}. {name}", code)
        self.gridCreated.emit()
        return self._view

    @property
    def view(self) -> EntryView:
        return self.ensure_grid()

    @property
    def proxy(self) -> EntryFilter:
        self.ensure_grid()
        assert self._proxy is not None
        return self._proxy

    @property
    def has_grid(self) -> bool:
        return self._view is not None

    # ---- states ---------------------------------------------------------------------------

    def show_loading(self, text: str) -> None:
        self.loading.setText(text)
        self.stack.setCurrentWidget(self.loading_page)
        self.set_filters_enabled(False)

    def show_grid(self) -> None:
        self.stack.setCurrentWidget(self.view)
        self.set_filters_enabled(True)
        self.view.setFocus()

    @property
    def is_loading(self) -> bool:
        return self.stack.currentWidget() is self.loading_page

    def set_filters_enabled(self, enabled: bool) -> None:
        for widget in (self.search, self.group, self.department, self.only_missing):
            widget.setEnabled(enabled)

    def show_department_filter(self, visible: bool) -> None:
        self.department.setVisible(visible)
        self.department_label.setVisible(visible)

    # ---- the model --------------------------------------------------------------------------

    def set_model(self, model: EntryModel, departments: Sequence[Department]) -> None:
        self.department.blockSignals(True)
        self.department.clear()
        self.department.addItem("Tất cả các phòng", "")
        for department in departments:
            self.department.addItem(f"{department.code} — {department.name}", department.code)
        self.department.blockSignals(False)
        self.show_department_filter(model.context.is_synthesis)
        self.proxy.setSourceModel(model)
        self._reset_filter_widgets()
        self.view.set_entry_model(self.proxy)
        model.evaluationChanged.connect(self.show_summary)
        self.show_summary(model.evaluation)
        self._update_count()
        first = self._first_editable()
        if first is not None:
            self.view.setCurrentIndex(first)
        self.show_grid()

    def _first_editable(self) -> QModelIndex | None:
        from PySide6.QtCore import Qt

        model = self.proxy.entry_model()
        column = model.column_of("estimate")
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, column)
            if index.flags() & Qt.ItemFlag.ItemIsEditable:
                return index
        return None

    def _reset_filter_widgets(self) -> None:
        for widget in (self.search, self.group, self.department, self.only_missing):
            widget.blockSignals(True)
        self.search.clear()
        self.group.setCurrentIndex(0)
        self.department.setCurrentIndex(0)
        self.only_missing.setChecked(False)
        for widget in (self.search, self.group, self.department, self.only_missing):
            widget.blockSignals(False)
        self.proxy.clear()

    def show_summary(self, evaluation: Evaluation) -> None:
        self.summary.setText(f"Tổng hợp các chỉ tiêu được tính: {evaluation.summary.phrase()}.")

    def _update_count(self) -> None:
        if self._proxy is None or self._proxy.sourceModel() is None:
            self.count.setText("")
            return
        total = self.proxy.sourceModel().rowCount()
        shown = self.proxy.rowCount()
        self.count.setText(f"{shown}/{total} dòng" if shown != total else f"{total} dòng")

    # ---- filters ------------------------------------------------------------------------------

    def _apply_search(self) -> None:
        self.proxy.set_search(self.search.text())
        self._update_count()

    def apply_search_now(self) -> None:
        self._search_timer.stop()
        self._apply_search()

    def _apply_group(self) -> None:
        self.proxy.set_group(self.group.currentData() or None)
        self._update_count()

    def _apply_department(self) -> None:
        self.proxy.set_department(self.department.currentData() or None)
        self._update_count()

    def _apply_only_missing(self, checked: bool) -> None:
        self.proxy.set_only_missing(checked)
        self._update_count()

    def show_indicator(self, code: str) -> bool:
        """Make the row of ``code`` current, clearing the filters if they hide it."""
        if self._proxy is None or self._proxy.sourceModel() is None:
            return False
        if self.view.select_code(code):
            return True
        self._reset_filter_widgets()
        self._update_count()
        return self.view.select_code(code)
