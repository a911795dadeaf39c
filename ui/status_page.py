"""The synthesis office's "Tình hình nộp" tab: for each phòng, what it owes, what is in, what it last sent.

The rows are :class:`db.status.DepartmentStatus` as the status service returns them;
the share entered is worked out by the core (:func:`bkdesk.evaluation.ratio`) and
written by :func:`bkdesk.numbers.format_percent`. Double-clicking a phòng asks the
window to show that phòng's rows in the entry grid.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from bkdesk.evaluation import ratio
from bkdesk.exchange.times import local_text
from bkdesk.numbers import format_percent
from ui.record_model import RecordTableModel

if TYPE_CHECKING:
    from bkdesk.catalogue import PeriodKind
    from db.status import DepartmentStatus

AnyIndex = QModelIndex | QPersistentModelIndex
CODE_ROLE = Qt.ItemDataRole.UserRole + 1

HEADINGS = (
    "Mã",
    "Phòng",
    "Được giao",
    "Đã nhập",
    "Tỷ lệ (%)",
    "Lần nộp cuối",
    "Số thứ tự",
    "Có chữ ký",
    "Xung đột",
)
CODE, NAME, ASSIGNED, ENTERED, SHARE, LAST, SEQUENCE, SIGNED, CONFLICTS = range(len(HEADINGS))
NUMERIC = {ASSIGNED, ENTERED, SHARE, SEQUENCE, CONFLICTS}
NOT_YET = "chưa nộp"
INCOMPLETE_COLOUR = QColor("#9b5a00")
CONFLICT_COLOUR = QColor("#c0262d")


def share_text(line: DepartmentStatus) -> str:
    return format_percent(ratio(Decimal(line.entered), Decimal(line.assigned)))


def signed_text(line: DepartmentStatus) -> str:
    if line.signed is None:
        return "—"
    return "Có" if line.signed else "Không"


class StatusModel(RecordTableModel["DepartmentStatus"]):
    HEADINGS = HEADINGS

    @property
    def lines(self) -> list[DepartmentStatus]:
        return self.records

    def set_lines(self, lines: Sequence[DepartmentStatus]) -> None:
        self.set_records(lines)

    def row_of(self, code: str) -> int:
        for row, line in enumerate(self._records):
            if line.code == code:
                return row
        return -1

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        line = self.record_at(index)
        if line is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(line, column)
        if role == CODE_ROLE:
            return line.code
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column in NUMERIC else Qt.AlignmentFlag.AlignLeft
            if column == SIGNED:
                horizontal = Qt.AlignmentFlag.AlignHCenter
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == CONFLICTS and line.open_conflicts:
                return CONFLICT_COLOUR
            if column in (ENTERED, SHARE) and not line.complete:
                return INCOMPLETE_COLOUR
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{line.name}: nhấp đúp để xem các chỉ tiêu của phòng trong bảng nhập số liệu"
        return None

    def text(self, line: DepartmentStatus, column: int) -> str:
        if column == CODE:
            return line.code
        if column == NAME:
            return line.name
        if column == ASSIGNED:
            return str(line.assigned)
        if column == ENTERED:
            return str(line.entered)
        if column == SHARE:
            return share_text(line)
        if column == LAST:
            return local_text(line.last_submitted_at) if line.last_submitted_at is not None else NOT_YET
        if column == SEQUENCE:
            return str(line.last_sequence) if line.last_sequence is not None else "—"
        if column == SIGNED:
            return signed_text(line)
        return str(line.open_conflicts)


class StatusPage(QWidget):
    """``departmentActivated(code)``: the user double-clicked a phòng. ``refreshRequested``: *Làm mới*."""

    departmentActivated = Signal(str)
    refreshRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.refresh_button = QPushButton("Làm mới")
        self.refresh_button.clicked.connect(self.refreshRequested.emit)
        self.model = StatusModel(parent=self)
        self.table = QTableView()
        self.table.setObjectName("statusTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._activated)
        self.hint = QLabel(
            "Nhấp đúp vào một phòng để xem các chỉ tiêu của phòng đó trong bảng nhập số liệu. "
            "Nhận tệp của các phòng bằng Trao đổi → Nhận số liệu các phòng…, hoặc kéo thả các tệp vào cửa sổ này."
        )
        self.hint.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 2)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint)

    def show_loading(self, year: int, kind: PeriodKind) -> None:
        self.title.setText(f"<b>Tình hình nộp số liệu {kind.label.lower()} năm {year}</b> — đang đọc…")

    def show_lines(self, year: int, kind: PeriodKind, lines: Sequence[DepartmentStatus]) -> None:
        self.title.setText(f"<b>Tình hình nộp số liệu {kind.label.lower()} năm {year}</b>")
        self.model.set_lines(lines)

    def show_problem(self, text: str) -> None:
        self.title.setText(text)

    def _activated(self, index: QModelIndex) -> None:
        code = index.data(CODE_ROLE)
        if code:
            self.departmentActivated.emit(str(code))
