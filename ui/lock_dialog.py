"""*Chốt số liệu* / *Mở khóa số liệu*: which periods of the year, and the reason the audit log keeps."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from bkdesk.catalogue import PeriodKind
from ui.dialog_buttons import ok_cancel
from ui.reason_edit import ReasonEdit


class LockDialog(QDialog):
    def __init__(
        self, *, locking: bool, year: int, kind: PeriodKind, lock_reason: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.locking = locking
        self.setWindowTitle("Chốt số liệu" if locking else "Mở khóa số liệu")
        self.setMinimumWidth(480)
        if locking:
            text = (
                "Sau khi chốt, không ai sửa được số liệu của kỳ đã chốt, kể cả khi nhận tệp của các phòng, "
                "cho đến khi văn phòng tổng hợp mở khóa (cũng cần ghi lý do)."
            )
        else:
            held = f" Lý do chốt: <i>{escape(lock_reason)}</i>." if lock_reason else ""
            text = f"Mở khóa để sửa lại hoặc nhận thêm số liệu; việc mở khóa được ghi vào lịch sử.{held}"
        self.intro = QLabel(text)
        self.intro.setWordWrap(True)

        group = QGroupBox("Kỳ báo cáo")
        box = QVBoxLayout(group)
        self._scope = QButtonGroup(self)
        self.only_this = QRadioButton(f"{kind.label} năm {year}")
        self.both = QRadioButton(f"Cả ước thực hiện và thực hiện năm {year}")
        for button in (self.only_this, self.both):
            self._scope.addButton(button)
            box.addWidget(button)
        self.only_this.setChecked(True)
        self._kind = kind

        self.reason = ReasonEdit(
            "Lý do (bắt buộc), ví dụ: đã trình báo cáo kỳ họp HĐND" if locking else "Lý do mở khóa (bắt buộc)"
        )
        self.buttons = ok_cancel(self, "Chốt số liệu" if locking else "Mở khóa")
        self.reason.textChanged.connect(self._update)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(group)
        layout.addWidget(QLabel("Lý do:"))
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)
        self._update()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def reason_text(self) -> str:
        return self.reason.reason()

    def kinds(self) -> list[PeriodKind] | None:
        """The periods chosen; ``None`` means both, as the locking service takes it."""
        return None if self.both.isChecked() else [self._kind]

    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.reason_text()))
