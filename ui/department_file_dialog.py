"""Choosing a phòng, a year (and a period) and where to write its file: the setup file or the Excel template."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from bkdesk.catalogue import Department, PeriodKind
from bkdesk.text import clean
from ui.dialog_buttons import ok_cancel
from ui.exchange_files import ask_save

Namer = Callable[[str, int, PeriodKind], str]


class DepartmentFileDialog(QDialog):
    def __init__(
        self,
        title: str,
        intro: str,
        departments: Sequence[Department],
        years: Sequence[int],
        *,
        year: int,
        folder: str,
        namer: Namer,
        file_filter: str,
        period: PeriodKind | None = None,
        warning: str = "",
        ok_text: str = "Ghi tệp",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(620)
        self._namer = namer
        self._filter = file_filter
        self._suggested = ""

        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.department = QComboBox()
        for department in departments:
            self.department.addItem(f"{department.name} ({department.code})", department.code)
        self.department.setMinimumContentsLength(30)
        self.year = QComboBox()
        for value in sorted(years, reverse=True):
            self.year.addItem(str(value), value)
        found = self.year.findData(year)
        if found >= 0:
            self.year.setCurrentIndex(found)

        self.periods: dict[PeriodKind, QRadioButton] = {}
        period_row = QHBoxLayout()
        self._period_group = QButtonGroup(self)
        for kind in PeriodKind:
            button = QRadioButton(kind.label, self)
            self.periods[kind] = button
            self._period_group.addButton(button)
            period_row.addWidget(button)
        period_row.addStretch(1)
        self.periods[period or PeriodKind.ESTIMATE].setChecked(True)

        self.file = QLineEdit()
        self.file.setMinimumWidth(380)
        self.browse = QPushButton("Chọn…")
        self.browse.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(self.browse)

        form = QFormLayout()
        form.addRow("Phòng:", self.department)
        form.addRow("Năm:", self.year)
        if period is not None:
            form.addRow("Kỳ báo cáo:", period_row)
        else:
            for button in self.periods.values():
                button.hide()
        form.addRow("Ghi vào tệp:", file_row)

        self.warning = QLabel(warning)
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("QLabel { color: #9b1c22; }")
        self.warning.setVisible(bool(warning))

        self.buttons = ok_cancel(self, ok_text)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addWidget(self.buttons)

        self.file.setText(str(Path(folder) / self._suggest()))
        self._suggested = self.file.text()
        for combo in (self.department, self.year):
            combo.currentIndexChanged.connect(self._rename)
        self._period_group.buttonToggled.connect(lambda *_: self._rename())
        self.file.textChanged.connect(self._update)
        self._update()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def department_code(self) -> str:
        return str(self.department.currentData() or "")

    def chosen_year(self) -> int:
        return int(self.year.currentData())

    def period(self) -> PeriodKind:
        for kind, button in self.periods.items():
            if button.isChecked():
                return kind
        return PeriodKind.ESTIMATE

    def path(self) -> Path | None:
        text = clean(self.file.text())
        return Path(text).expanduser() if text else None

    def select_department(self, code: str) -> None:
        found = self.department.findData(code)
        if found >= 0:
            self.department.setCurrentIndex(found)

    def _suggest(self) -> str:
        return self._namer(self.department_code(), self.chosen_year(), self.period())

    def _rename(self) -> None:
        """A name the app proposed follows the phòng and year; a name the user typed is left alone."""
        if self.file.text() == self._suggested:
            folder = Path(self._suggested).parent
            self.file.setText(str(folder / self._suggest()))
            self._suggested = self.file.text()

    def _browse(self) -> None:
        current = self.path() or Path(self._suggest())
        chosen = ask_save(self, self.windowTitle(), current, self._filter)
        if chosen is not None:
            self.file.setText(str(chosen))

    def _update(self) -> None:
        self.ok_button.setEnabled(self.path() is not None and self.department.count() > 0)
