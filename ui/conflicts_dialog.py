"""*Xung đột số liệu*: values both sides changed from the same base, for a person to decide, with a reason.

The dialog gets its two services as functions (list the conflicts, open ones only or
all of them; resolve one), so it is built and tested without the rest of the window;
every decision goes through :func:`db.conflicts.resolve_conflict`, which writes the
value and the audit record. *Cả xung đột đã giải quyết* adds the closed conflicts, in
grey and read-only, with the office's figure as it was when the file arrived, the
decision, who took it, when and why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bkdesk.exchange.times import local_text
from bkdesk.text import clean
from ui.record_model import RecordTableModel, record_table

if TYPE_CHECKING:
    from db.conflicts import ConflictView, Keep, Resolution

AnyIndex = QModelIndex | QPersistentModelIndex
Loader = Callable[[bool], "list[ConflictView]"]  # include the closed conflicts or not
Resolver = Callable[[int, "Keep", str], "Resolution"]

HEADINGS = (
    "Phòng",
    "Chỉ tiêu",
    "Nội dung",
    "Số gốc",
    "Số hiện tại",
    "Số mới nhận",
    "Tệp",
    "Thời gian nhận",
    "Số văn phòng lúc nhận",
    "Trạng thái",
    "Quyết định",
    "Người quyết định",
    "Lúc",
    "Lý do",
)
(PHONG, INDICATOR, FIELD, BASE, CURRENT, INCOMING, FILE, TIME, LOCAL, STATUS, DECISION, WHO, WHEN, REASON) = range(
    len(HEADINGS)
)
HISTORY = (LOCAL, STATUS, DECISION, WHO, WHEN, REASON)  # shown with the closed conflicts
FIGURES = (BASE, CURRENT, INCOMING, LOCAL)
EMPTY = "(trống)"
CLOSED_COLOUR = QColor("#6b6b6b")


def _shown(text: str) -> str:
    return text if text else EMPTY


class ConflictsModel(RecordTableModel["ConflictView"]):
    """The conflicts, one per row, as :func:`db.conflicts.list_conflicts` gives them."""

    HEADINGS = HEADINGS

    @property
    def conflicts(self) -> list[ConflictView]:
        return self.records

    def set_conflicts(self, conflicts: Sequence[ConflictView]) -> None:
        self.set_records(conflicts)

    def conflict(self, row: int) -> ConflictView:
        return self.record(row)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        conflict = self.record_at(index)
        if conflict is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(conflict, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(conflict, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in FIGURES:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and not conflict.is_open:
            return CLOSED_COLOUR
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        # Closed conflicts are there to be read: selectable, never editable, like the open ones.
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def _text(self, c: ConflictView, column: int) -> str:
        if column == PHONG:
            return c.department_code
        if column == INDICATOR:
            return f"{c.indicator_code} {c.indicator_name}"
        if column == FIELD:
            return f"{c.field_label} ({c.kind.label.lower()})"
        if column == BASE:
            return _shown(c.base)
        if column == CURRENT:
            return _shown(c.current)
        if column == INCOMING:
            return _shown(c.incoming)
        if column == FILE:
            return c.file_name
        if column == TIME:
            return local_text(c.created_at)
        if column == LOCAL:
            return _shown(c.local)
        if column == STATUS:
            return c.status_label
        if column == DECISION:
            return c.decision_label or ("" if c.is_open else "—")
        if column == WHO:
            return c.resolved_by
        if column == WHEN:
            return c.resolved_text
        return c.reason

    def _tooltip(self, c: ConflictView, column: int) -> str:
        if column == PHONG:
            return c.department_name
        if column == CURRENT and c.current != c.local:
            return f"{_shown(c.current)}\nLúc nhận tệp, văn phòng tổng hợp có: {_shown(c.local)}"
        if column == FILE:
            origin = f"số thứ tự {c.sequence}" if c.sequence is not None else "biểu mẫu Excel chưa ký"
            return f"{c.file_name} ({origin})"
        if column == LOCAL:
            return f"Số văn phòng tổng hợp có lúc nhận tệp {c.file_name}: {_shown(c.local)}"
        if column in (DECISION, WHO, WHEN) and not c.is_open and not c.decision_label:
            return "Đóng khi nhập một tệp sau của phòng, không do người quyết định"
        return self._text(c, column)


class ConflictsDialog(QDialog):
    """``resolved`` is emitted after each decision, so the window can refresh what depends on it."""

    resolved = Signal()

    def __init__(self, year: int, load: Loader, resolve: Resolver, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Xung đột số liệu năm {year}")
        self.resize(1180, 440)
        self._load = load
        self._resolve = resolve
        self.decisions = 0
        self.warn: Callable[[str], None] = self._warn

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.show_closed = QCheckBox("Cả xung đột đã giải quyết")
        self.show_closed.setToolTip(
            "Xem cả các xung đột đã đóng (chỉ để xem): số lúc nhận tệp, quyết định, người quyết định, lúc nào, lý do"
        )
        self.model = ConflictsModel(parent=self)
        self.table = record_table(self.model, INDICATOR, many=True)
        # The selected conflict's story in full, whatever the columns' widths (with the closed conflicts).
        self.detail = QLabel()
        self.detail.setObjectName("conflictDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setVisible(False)

        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Lý do (bắt buộc, ghi vào lịch sử), ví dụ: theo công văn của phòng ngày …")
        self.keep_local = QPushButton("Giữ số hiện tại")
        self.keep_local.setToolTip("Giữ số đang có ở văn phòng tổng hợp; số trong tệp của phòng bị bỏ qua")
        self.keep_incoming = QPushButton("Lấy số mới nhận")
        self.keep_incoming.setToolTip("Ghi số trong tệp của phòng thay cho số đang có")
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)

        decide = QHBoxLayout()
        decide.addWidget(QLabel("Lý do:"))
        decide.addWidget(self.reason, 1)
        decide.addWidget(self.keep_local)
        decide.addWidget(self.keep_incoming)
        buttons = QDialogButtonBox(self)
        buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(self.intro, 1)
        top.addWidget(self.show_closed, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addLayout(decide)
        layout.addWidget(self.outcome)
        layout.addWidget(buttons)

        self.reason.textChanged.connect(self._update_buttons)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.keep_local.clicked.connect(lambda: self._decide(local=True))
        self.keep_incoming.clicked.connect(lambda: self._decide(local=False))
        self.show_closed.toggled.connect(lambda _checked: self.reload())
        self.reload()

    def reason_text(self) -> str:
        return clean(self.reason.text())

    def selected_rows(self) -> list[int]:
        return sorted(index.row() for index in self.table.selectionModel().selectedRows())

    def reload(self, select_row: int = 0) -> None:
        history = self.show_closed.isChecked()
        self.model.set_conflicts(self._load(history))
        for column in HISTORY:
            self.table.setColumnHidden(column, not history)
        header = self.table.horizontalHeader()
        # With the history the row is long: the indicator gives way (its tooltip and the detail have it whole).
        if history:
            header.setSectionResizeMode(INDICATOR, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(INDICATOR, 200)
        else:
            header.setSectionResizeMode(INDICATOR, QHeaderView.ResizeMode.Stretch)
        self.detail.setVisible(history)
        conflicts = self.model.conflicts
        count = sum(1 for c in conflicts if c.is_open)
        closed = len(conflicts) - count
        shown = f" Cùng {closed} xung đột đã đóng, màu xám, chỉ để xem." if history else ""
        if count:
            self.intro.setText(
                f"{count} xung đột chưa giải quyết.{shown} Phòng và văn phòng tổng hợp cùng sửa một giá trị từ cùng "
                "một số gốc; bkdesk giữ số hiện tại cho đến khi có người quyết định. Chọn một hay nhiều dòng, ghi "
                "lý do, rồi chọn giữ số nào."
            )
        else:
            self.intro.setText(f"Không còn xung đột số liệu nào chưa giải quyết.{shown}")
        self.table.clearSelection()
        # The first open conflict from the one decided on: the next to decide.
        rows = [row for row, c in enumerate(conflicts) if c.is_open]
        later = [row for row in rows if row >= select_row] or rows[-1:]
        if later:
            self.table.selectRow(later[0])
        self._update_buttons()

    def _update_buttons(self) -> None:
        rows = self.selected_rows()
        if self.show_closed.isChecked():
            self._show_detail(rows)
        closed = any(not self.model.conflict(row).is_open for row in rows)
        ready = bool(self.reason_text()) and bool(rows) and not closed
        self.keep_local.setEnabled(ready)
        self.keep_incoming.setEnabled(ready)
        if closed:
            self.outcome.setText("Xung đột đã đóng chỉ để xem; chọn các dòng chưa giải quyết để quyết định.")
        elif self.outcome.text().startswith("Xung đột đã đóng"):
            self.outcome.setText("")

    def _show_detail(self, rows: list[int]) -> None:
        if len(rows) != 1:
            self.detail.setText("Chọn một dòng để xem đủ lịch sử của xung đột đó.")
            return
        c = self.model.conflict(rows[0])
        head = f"{c.department_code} · {c.indicator_code} {c.indicator_name} · {c.field_label} — {c.status_label}"
        self.detail.setText("\n".join([head, *(f"    {line}" for line in c.history)]))

    def _decide(self, *, local: bool) -> None:
        from db.conflicts import Keep
        from db.errors import StoreError

        rows = self.selected_rows()
        reason = self.reason_text()
        if not rows or not reason or any(not self.model.conflict(row).is_open for row in rows):
            return
        keep = Keep.LOCAL if local else Keep.INCOMING
        done = []
        for row in rows:
            conflict = self.model.conflict(row)
            try:
                result = self._resolve(conflict.id, keep, reason)
            except StoreError as exc:
                self.warn(f"Không giải quyết được xung đột {conflict.indicator_code}: {exc.message}")
                break
            kept = _shown(result.kept)
            done.append(f"{conflict.indicator_code}: {'giữ số hiện tại' if local else 'lấy số mới nhận'} «{kept}»")
        if done:
            self.decisions += len(done)
            self.outcome.setText("Đã giải quyết — " + "; ".join(done) + ".")
            self.reload(rows[0])
            self.resolved.emit()

    def _warn(self, text: str) -> None:
        from ui.dialog_buttons import warn

        warn(self, "Xung đột số liệu", text)
