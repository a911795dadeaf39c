"""Who is working, and on which period: a phòng or the synthesis office, a year, ước or thực hiện."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from bkdesk.catalogue import Department, PeriodKind
from ui.context import SYNTHESIS_ROLE
from ui.dialog_buttons import ok_cancel
from ui.settings_store import Choice

SYNTHESIS_LABEL = "Văn phòng tổng hợp"


class StartDialog(QDialog):
    def __init__(
        self,
        departments: Sequence[Department],
        years: Sequence[int],
        current: Choice | None = None,
        parent: QWidget | None = None,
        *,
        allow_synthesis: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("bkdesk — chọn người dùng và kỳ báo cáo")
        if allow_synthesis:
            intro = QLabel("Chọn đơn vị của bạn và kỳ báo cáo. Lựa chọn được ghi nhớ cho lần mở sau.")
        else:  # a phòng's own database: it opens as that phòng only
            intro = QLabel("Cơ sở dữ liệu này là của phòng bạn. Chọn năm và kỳ báo cáo.")
        intro.setWordWrap(True)

        self.role = QComboBox()
        if allow_synthesis:
            self.role.addItem(SYNTHESIS_LABEL, SYNTHESIS_ROLE)
        for department in departments:
            self.role.addItem(f"{department.name} ({department.code})", department.code)
        self.role.setMinimumContentsLength(32)

        self.year = QComboBox()
        for year in sorted(years, reverse=True):
            self.year.addItem(str(year), year)

        self.estimate = QRadioButton(PeriodKind.ESTIMATE.label)
        # Not ``result``: that is QDialog.result(), the dialog's exit code.
        self.final_result = QRadioButton(PeriodKind.RESULT.label)
        self._period = QButtonGroup(self)
        self._period.addButton(self.estimate)
        self._period.addButton(self.final_result)
        period_row = QHBoxLayout()
        period_row.addWidget(self.estimate)
        period_row.addWidget(self.final_result)
        period_row.addStretch(1)

        form = QFormLayout()
        form.addRow("Người dùng:", self.role)
        form.addRow("Năm:", self.year)
        form.addRow("Kỳ báo cáo:", period_row)

        self.buttons = ok_cancel(self, "Mở")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._select(current)

    def _select(self, current: Choice | None) -> None:
        self.estimate.setChecked(True)
        if current is None:
            return
        role = self.role.findData(current.role)
        if role >= 0:
            self.role.setCurrentIndex(role)
        year = self.year.findData(current.year)
        if year >= 0:
            self.year.setCurrentIndex(year)
        (self.final_result if current.period is PeriodKind.RESULT else self.estimate).setChecked(True)

    def choice(self) -> Choice:
        period = PeriodKind.RESULT if self.final_result.isChecked() else PeriodKind.ESTIMATE
        return Choice(str(self.role.currentData()), int(self.year.currentData()), period)
