"""The synthesis office's "Tình hình nộp" tab: for each phòng, what it owes, what it has sent, who to chase.

The rows are :class:`db.status.DepartmentStatus` as the status service returns them
(:class:`db.status.StatusReport`), where a phòng is late, and the words saying so, are
decided (:mod:`bkdesk.deadline`); the share sent is worked out by the core
(:func:`bkdesk.evaluation.ratio`) and written by :func:`bkdesk.numbers.format_percent`.
A late phòng is marked in words in the *Tình trạng* column (QUÁ HẠN, NỘP MUỘN), in
red and bold, and named under the table. *Bản cài* counts the PCs that send with the
phòng's current key; its tooltip lists each installation (:func:`db.status.installation_text`),
and a setup file installed on more than one PC is written in red and bold and named under
the table, for the office to ask the phòng about. *Hạn nộp* is set with the date edit above the
table: the page asks (``deadlineChosen``) and the window writes it. Double-clicking a
phòng asks the window to show that phòng's rows in the entry grid.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bkdesk.deadline import late_summary
from bkdesk.evaluation import ratio
from bkdesk.exchange.times import local_text
from bkdesk.numbers import format_percent
from bkdesk.reports.settings import format_date
from db.status import doubled_texts, installation_text, installations_cell
from ui.record_model import RecordTableModel, record_table

if TYPE_CHECKING:
    from bkdesk.catalogue import PeriodKind
    from db.status import DepartmentStatus, StatusReport

AnyIndex = QModelIndex | QPersistentModelIndex
CODE_ROLE = Qt.ItemDataRole.UserRole + 1

HEADINGS = (
    "Mã",
    "Phòng",
    "Tình trạng",
    "Được giao",
    "Phòng đã gửi",
    "Tỷ lệ (%)",
    "Bản cài",
    "Nhận tệp cuối",
    "Tệp lập/lưu lúc",
    "Số thứ tự",
    "Có chữ ký",
    "Xung đột",
)
(CODE, NAME, STANDING, ASSIGNED, SENT, SHARE, INSTALLED, LAST, MADE, SEQUENCE, SIGNED, CONFLICTS) = range(len(HEADINGS))
NUMERIC = {ASSIGNED, SENT, SHARE, INSTALLED, SEQUENCE, CONFLICTS}
INCOMPLETE_COLOUR = QColor("#9b5a00")
CONFLICT_COLOUR = QColor("#c0262d")
LATE_COLOUR = QColor("#c0262d")
DOUBLED_COLOUR = QColor("#c0262d")
DATE_FORMAT = "dd/MM/yyyy"


def share_text(line: DepartmentStatus) -> str:
    return format_percent(ratio(Decimal(line.sent), Decimal(line.assigned)))


def signed_text(line: DepartmentStatus) -> str:
    last = line.last_file
    if last is None:
        return "—"
    if last.template:
        return "Không (mẫu Excel)"
    return "Có" if last.signed else "Không"


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
            if column in (SENT, SHARE) and not line.complete:
                return INCOMPLETE_COLOUR
            if column in (CODE, STANDING) and line.late:
                return LATE_COLOUR
            if column == INSTALLED and line.doubled:
                return DOUBLED_COLOUR
            return None
        if role == Qt.ItemDataRole.FontRole and (
            (column in (CODE, STANDING) and line.late) or (column == INSTALLED and line.doubled)
        ):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tip(line, column)
        return None

    def tip(self, line: DepartmentStatus, column: int) -> str:
        last = line.last_file
        if column == MADE and last is not None:
            if last.template:
                return f"Biểu mẫu Excel {last.name}: lần lưu cuối trong Excel/LibreOffice"
            return f"Tệp {last.name}: lúc phòng lập tệp"
        if column == LAST and last is not None:
            return f"Tệp {last.name}: lúc văn phòng tổng hợp nhận"
        if column == INSTALLED:
            if not line.installations:
                return f"{line.name}: chưa có máy nào gửi tệp có chữ ký theo tệp thiết lập năm này"
            return "\n".join([installation_text(view) for view in line.installations] + doubled_texts(line))
        if column == SENT:
            return (
                f"{line.sent} số liệu trong biểu do chính phòng gửi (trên {line.assigned} chỉ tiêu được giao); "
                f"trong biểu có {line.entered} số liệu, kể cả số văn phòng tổng hợp tự nhập"
            )
        return f"{line.name}: nhấp đúp để xem các chỉ tiêu của phòng trong bảng nhập số liệu"

    def text(self, line: DepartmentStatus, column: int) -> str:
        last = line.last_file
        if column == CODE:
            return line.code
        if column == NAME:
            return line.name
        if column == STANDING:
            return line.standing.text
        if column == ASSIGNED:
            return str(line.assigned)
        if column == SENT:
            return str(line.sent)
        if column == SHARE:
            return share_text(line)
        if column == INSTALLED:
            return installations_cell(line)
        if column == LAST:
            return local_text(last.received_at) if last is not None else "—"
        if column == MADE:
            return local_text(last.made_at) if last is not None else "—"
        if column == SEQUENCE:
            return str(last.sequence) if last is not None and last.sequence is not None else "—"
        if column == SIGNED:
            return signed_text(line)
        return str(line.open_conflicts)


class StatusPage(QWidget):
    """``departmentActivated(code)``: the user double-clicked a phòng. ``refreshRequested``: *Làm mới*.

    ``deadlineChosen(date | None)``: *Đặt hạn nộp* (the date in the edit) or *Bỏ hạn nộp* (``None``).
    """

    departmentActivated = Signal(str)
    refreshRequested = Signal()
    deadlineChosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report: StatusReport | None = None
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.refresh_button = QPushButton("Làm mới")
        self.refresh_button.clicked.connect(self.refreshRequested.emit)

        self.deadline_edit = QDateEdit()
        self.deadline_edit.setObjectName("deadlineEdit")
        self.deadline_edit.setDisplayFormat(DATE_FORMAT)
        self.deadline_edit.setCalendarPopup(True)
        self.deadline_edit.setToolTip("Hạn nộp số liệu của kỳ này (ngày/tháng/năm)")
        self.set_deadline_button = QPushButton("Đặt hạn nộp")
        self.set_deadline_button.clicked.connect(self._choose_deadline)
        self.clear_deadline_button = QPushButton("Bỏ hạn nộp")
        self.clear_deadline_button.clicked.connect(lambda: self.deadlineChosen.emit(None))
        self.deadline_label = QLabel()
        self.deadline_label.setWordWrap(True)
        caption = QLabel("<b>Hạn nộp:</b>")
        caption.setBuddy(self.deadline_edit)

        self.model = StatusModel(parent=self)
        self.table = record_table(self.model, NAME)
        self.table.setObjectName("statusTable")
        self.table.doubleClicked.connect(self._activated)
        self.late_label = QLabel()
        self.late_label.setObjectName("lateLabel")
        self.late_label.setWordWrap(True)
        self.late_label.setStyleSheet(f"color: {LATE_COLOUR.name()};")
        self.doubled_label = QLabel()
        self.doubled_label.setObjectName("doubledLabel")
        self.doubled_label.setWordWrap(True)
        self.doubled_label.setStyleSheet(f"color: {DOUBLED_COLOUR.name()};")
        self.doubled_label.setVisible(False)
        self.hint = QLabel(
            "Nhấp đúp vào một phòng để xem các chỉ tiêu của phòng đó trong bảng nhập số liệu. "
            "Nhận tệp của các phòng bằng Trao đổi → Nhận số liệu các phòng…, hoặc kéo thả các tệp vào cửa sổ này."
        )
        self.hint.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.refresh_button)
        deadline_row = QHBoxLayout()
        deadline_row.addWidget(caption)
        deadline_row.addWidget(self.deadline_edit)
        deadline_row.addWidget(self.set_deadline_button)
        deadline_row.addWidget(self.clear_deadline_button)
        deadline_row.addWidget(self.deadline_label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 2)
        layout.addLayout(top)
        layout.addLayout(deadline_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.late_label)
        layout.addWidget(self.doubled_label)
        layout.addWidget(self.hint)
        self._enable_deadline(False)

    def show_loading(self, year: int, kind: PeriodKind) -> None:
        self.title.setText(f"<b>Tình hình nộp số liệu {kind.label.lower()} năm {year}</b> — đang đọc…")
        self._enable_deadline(False)

    def show_report(self, report: StatusReport) -> None:
        self.report = report
        lock = f" — <b>ĐÃ CHỐT</b> (lý do: {escape(report.lock_reason)})" if report.locked else " — đang mở"
        self.title.setText(f"<b>Tình hình nộp số liệu {report.kind.label.lower()} năm {report.year}</b>{lock}")
        deadline = report.deadline
        earliest = date(report.year, 1, 1)
        shown = deadline if deadline is not None else max(report.today, earliest)
        self.deadline_edit.setMinimumDate(QDate(earliest.year, earliest.month, earliest.day))
        self.deadline_edit.setDate(QDate(shown.year, shown.month, shown.day))
        if deadline is None:
            self.deadline_label.setText("chưa đặt: chọn ngày rồi bấm Đặt hạn nộp")
            self.set_deadline_button.setText("Đặt hạn nộp")
        else:
            passed = "đã qua" if report.deadline_passed else "chưa đến"
            self.deadline_label.setText(f"{format_date(deadline)} ({passed})")
            self.set_deadline_button.setText("Đổi hạn nộp")
        self._enable_deadline(True)
        self.clear_deadline_button.setEnabled(deadline is not None)
        self.model.set_lines(report.lines)
        late = late_summary([line.code for line in report.overdue], [line.code for line in report.sent_late])
        self.late_label.setText(f"<b>{escape(late)}</b>" if late else "")
        self.late_label.setVisible(bool(late))
        doubled = [text for line in report.lines for text in doubled_texts(line)]
        self.doubled_label.setText("<br>".join(f"<b>{escape(text)}</b>." for text in doubled))
        self.doubled_label.setVisible(bool(doubled))

    def show_problem(self, text: str) -> None:
        self.title.setText(text)

    def _enable_deadline(self, enabled: bool) -> None:
        for widget in (self.deadline_edit, self.set_deadline_button, self.clear_deadline_button):
            widget.setEnabled(enabled)

    def _choose_deadline(self) -> None:
        chosen = self.deadline_edit.date()
        self.deadlineChosen.emit(date(chosen.year(), chosen.month(), chosen.day()))

    def _activated(self, index: QModelIndex) -> None:
        code = index.data(CODE_ROLE)
        if code:
            self.departmentActivated.emit(str(code))
