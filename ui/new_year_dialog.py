"""*Tạo năm mới…*: which year's table to start from, and the new year."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.dialog_buttons import ok_cancel

TITLE = "Tạo năm mới"
FIRST_YEAR = 1900  # as db.years takes them; the service says so again if a year slips past
LAST_YEAR = 9999


class NewYearDialog(QDialog):
    def __init__(self, years: Sequence[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setMinimumWidth(460)
        intro = QLabel(
            "Biểu của năm mới có đủ các chỉ tiêu của biểu năm nguồn, giữ nguyên mã và thứ tự; nhiệm vụ để trống "
            "để nhập hoặc nhập biểu sau. Cột so với cùng kỳ của năm mới lấy số thực hiện của năm trước "
            "(chưa có thì lấy số ước thực hiện)."
        )
        intro.setWordWrap(True)

        self.source = QComboBox()
        for year in sorted(years, reverse=True):
            self.source.addItem(str(year), year)
        self.year = QSpinBox()
        self.year.setRange(FIRST_YEAR, LAST_YEAR)
        self.year.setValue(min(max(years, default=FIRST_YEAR - 1) + 1, LAST_YEAR))

        form = QFormLayout()
        form.addRow("Chép từ biểu năm:", self.source)
        form.addRow("Năm mới:", self.year)
        self.buttons = ok_cancel(self, "Tạo năm mới")
        self.ok_button.setEnabled(self.source.count() > 0)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def source_year(self) -> int:
        return int(self.source.currentData())

    def new_year(self) -> int:
        return self.year.value()
