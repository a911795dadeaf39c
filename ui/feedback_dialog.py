"""*Chọn số sau phản hồi*: figures the phòng edited since its last file that the office's return file has otherwise.

Nothing was written for them when the return file was taken; here the officer picks,
row by row or for a selection, the synthesis office's figure or the phòng's own. The
dialog gets its two services as functions (list the choices, make one), so it is built
and tested without the rest of the window.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.record_model import RecordTableModel, record_table

if TYPE_CHECKING:
    from db.feedback_import import Choice, FeedbackChoiceView, Keep

AnyIndex = QModelIndex | QPersistentModelIndex
Loader = Callable[[], "list[FeedbackChoiceView]"]
Chooser = Callable[[int, "Keep"], "Choice"]

HEADINGS = ("Chỉ tiêu", "Kỳ", "Nội dung", "Số của văn phòng", "Số của phòng", "Số gửi lần trước", "Lý do của văn phòng")
INDICATOR, KIND, WHAT, CITY, OWN, BASE, REASON = range(len(HEADINGS))
EMPTY = "(trống)"


def _figure(value: str, note: str, fields: Sequence[str]) -> str:
    parts = []
    if "value" in fields:
        parts.append(value or EMPTY)
    if "note" in fields:
        parts.append(f"ghi chú: {note or EMPTY}")
    return "; ".join(parts)


class FeedbackChoicesModel(RecordTableModel["FeedbackChoiceView"]):
    """The figures waiting for a choice, as :func:`db.feedback_import.list_choices` gives them."""

    HEADINGS = HEADINGS

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        choice = self.record_at(index)
        if choice is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(choice, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (CITY, OWN, BASE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, c: FeedbackChoiceView, column: int) -> str:
        if column == INDICATOR:
            return f"{c.code} {c.name}"
        if column == KIND:
            return c.kind.label
        if column == WHAT:
            return c.what
        if column == CITY:
            return _figure(c.city.value, c.city.note, c.fields)
        if column == OWN:
            return _figure(c.own.value, c.own.note, c.fields)
        if column == BASE:
            return _figure(c.base.value, c.base.note, c.fields)
        return c.reason


class FeedbackChoicesDialog(QDialog):
    """``chosen`` is emitted after each choice, so the window can show the figures it wrote."""

    chosen = Signal()

    def __init__(self, load: Loader, choose: Chooser, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Chọn số sau phản hồi của văn phòng tổng hợp")
        self.resize(1180, 420)
        self._load = load
        self._choose = choose
        self.decisions = 0
        self.warn: Callable[[str], None] = self._warn

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.model = FeedbackChoicesModel(parent=self)
        self.table = record_table(self.model, INDICATOR, many=True)

        self.take_city = QPushButton("Lấy số của văn phòng")
        self.take_city.setToolTip("Ghi số trong tệp phản hồi thay cho số của phòng trên máy này")
        self.keep_own = QPushButton("Giữ số của phòng")
        self.keep_own.setToolTip("Giữ số trên máy này; tệp nộp tiếp theo gửi số này để văn phòng tổng hợp nhận")
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)

        decide = QHBoxLayout()
        decide.addStretch(1)
        decide.addWidget(self.take_city)
        decide.addWidget(self.keep_own)
        buttons = QDialogButtonBox(self)
        buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(decide)
        layout.addWidget(self.outcome)
        layout.addWidget(buttons)

        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.take_city.clicked.connect(lambda: self._decide(city=True))
        self.keep_own.clicked.connect(lambda: self._decide(city=False))
        self.reload()

    def selected_rows(self) -> list[int]:
        return sorted(index.row() for index in self.table.selectionModel().selectedRows())

    def reload(self, select_row: int = 0) -> None:
        self.model.set_records(self._load())
        count = self.model.rowCount()
        if count:
            self.intro.setText(
                f"{count} số liệu phòng đã sửa sau lần gửi trước mà tệp phản hồi của văn phòng tổng hợp có số "
                "khác. Chưa có gì được ghi đè. Chọn một hay nhiều dòng rồi chọn giữ số nào; chưa chọn hết thì "
                "chưa gửi được số liệu của kỳ đó."
            )
            self.table.selectRow(min(select_row, count - 1))
        else:
            self.intro.setText("Không còn số liệu nào chờ chọn.")
        self._update_buttons()

    def _update_buttons(self) -> None:
        ready = bool(self.selected_rows())
        self.take_city.setEnabled(ready)
        self.keep_own.setEnabled(ready)

    def _decide(self, *, city: bool) -> None:
        from db.errors import StoreError
        from db.feedback_import import Keep

        rows = self.selected_rows()
        if not rows:
            return
        keep = Keep.CITY if city else Keep.OWN
        done = []
        for row in rows:
            choice = self.model.record(row)
            try:
                self._choose(choice.id, keep)
            except StoreError as exc:
                self.warn(f"Không ghi được lựa chọn cho {choice.code}: {exc.message}")
                break
            figure = choice.city if city else choice.own
            kept = _figure(figure.value, figure.note, choice.fields)
            done.append(f"{choice.code}: {'lấy số của văn phòng' if city else 'giữ số của phòng'} «{kept}»")
        if done:
            self.decisions += len(done)
            self.outcome.setText("Đã chọn — " + "; ".join(done) + ".")
            self.reload(rows[0])
            self.chosen.emit()

    def _warn(self, text: str) -> None:
        from ui.dialog_buttons import warn

        warn(self, "Chọn số sau phản hồi", text)
