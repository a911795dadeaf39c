"""The synthesis office sets a verdict by hand (Vượt / Đạt / Không đạt) or removes its own; a reason is required."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from bkdesk.evaluation import EvaluatedRow
from bkdesk.verdicts import NOT_EVALUATED, Verdict
from ui.dialog_buttons import ok_cancel
from ui.reason_edit import ReasonEdit

REMOVE_LABEL = "Bỏ điều chỉnh (dùng đánh giá theo quy tắc)"


class OverrideDialog(QDialog):
    def __init__(self, row: EvaluatedRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Điều chỉnh đánh giá")
        self.setMinimumWidth(460)
        indicator = row.indicator
        computed = row.computed_verdict.value if row.computed_verdict else NOT_EVALUATED
        header = QLabel(
            f"<b>{escape(indicator.stt)} {escape(indicator.name)}</b><br>"
            f"Nhiệm vụ: {escape(row.input.target) or '—'}; ước thực hiện: {escape(row.input.estimate) or '—'}<br>"
            f"Đánh giá theo quy tắc: {computed}"
        )
        header.setWordWrap(True)

        self.choices: dict[Verdict | None, QRadioButton] = {}
        group = QGroupBox("Đánh giá")
        box = QVBoxLayout(group)
        self._group = QButtonGroup(self)
        for verdict in Verdict:
            button = QRadioButton(verdict.value)
            self.choices[verdict] = button
            self._group.addButton(button)
            box.addWidget(button)
        remove = QRadioButton(REMOVE_LABEL)
        remove.setEnabled(row.overridden)
        self.choices[None] = remove
        self._group.addButton(remove)
        box.addWidget(remove)
        current = row.input.override.verdict if row.input.override else row.computed_verdict
        self.choices[current if current is not None else Verdict.ACHIEVED].setChecked(True)

        self.reason = ReasonEdit("Lý do điều chỉnh (bắt buộc), ví dụ: căn cứ báo cáo của phòng…")
        if row.input.override is not None:
            self.reason.setPlainText(row.input.override.reason)

        self.buttons = ok_cancel(self)
        self.reason.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addWidget(group)
        layout.addWidget(QLabel("Lý do:"))
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)
        self._update()

    @property
    def ok_button(self) -> QWidget:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.reason_text()))

    def reason_text(self) -> str:
        return self.reason.reason()

    def verdict(self) -> Verdict | None:
        for verdict, button in self.choices.items():
            if button.isChecked():
                return verdict
        return None
