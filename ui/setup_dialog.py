"""*Mở tệp thiết lập…* on a phòng's PC: what the file is, and where the phòng's database will live."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from bkdesk.catalogue import is_assigned
from bkdesk.exchange.times import local_date
from bkdesk.text import clean
from ui.dialog_buttons import ok_cancel
from ui.exchange_files import DATABASE_FILTER, ask_save

if TYPE_CHECKING:
    from bkdesk.exchange.setup_file import Setup


class SetupDialog(QDialog):
    def __init__(
        self,
        setup: Setup,
        file_name: str,
        *,
        default_database: Path,
        current_database: Path | None,
        current_owner: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mở tệp thiết lập của phòng")
        self.setMinimumWidth(640)
        department = setup.department
        self._code = department.code
        own = sum(1 for row in setup.own_rows() if is_assigned(row.indicator, department.code, row.target))
        by = f" bởi {escape(setup.issued_by)}" if setup.issued_by else ""
        self.summary = QLabel(
            f"Tệp <b>{escape(file_name)}</b> là tệp thiết lập của <b>{escape(department.name)} "
            f"({escape(department.code)})</b>, năm {setup.year}, cấp ngày {local_date(setup.issued_at)}{by}: "
            f"{own} chỉ tiêu của phòng. Sau khi cài, bkdesk mở lại với vai trò của phòng này.<br><br>"
            "Tệp chứa khóa ký của phòng: sau khi cài, hãy xóa tệp khỏi USB hoặc cất ở nơi chỉ phòng giữ."
        )
        self.summary.setWordWrap(True)

        self._where = QButtonGroup(self)
        self.own_database = QRadioButton("Cơ sở dữ liệu riêng của phòng (nên chọn):")
        self.database = QLineEdit(str(default_database))
        self.database.setMinimumWidth(420)
        self.browse = QPushButton("Chọn…")
        self.browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addSpacing(24)
        row.addWidget(self.database, 1)
        row.addWidget(self.browse)

        self.replace_current = QRadioButton()
        self.current_database = current_database
        self.current_is_this_phong = current_owner == department.code
        if current_database is None:
            self.replace_current.setText("Thay cơ sở dữ liệu đang mở (không dùng được: không phải một tệp)")
            self.replace_current.setEnabled(False)
        elif self.current_is_this_phong:
            self.replace_current.setText(f"Cập nhật cơ sở dữ liệu đang mở của phòng: {current_database}")
        else:
            self.replace_current.setText(f"Thay cơ sở dữ liệu đang mở: {current_database}")
            self.replace_current.setToolTip("Bản cũ được giữ lại bên cạnh, dưới một tên có ghi ngày giờ")
        for button in (self.own_database, self.replace_current):
            self._where.addButton(button)
        self.own_database.setChecked(True)

        self.buttons = ok_cancel(self, "Cài đặt")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addSpacing(6)
        layout.addWidget(QLabel("Lưu cơ sở dữ liệu của phòng ở đâu?"))
        layout.addWidget(self.own_database)
        layout.addLayout(row)
        layout.addWidget(self.replace_current)
        layout.addWidget(self.buttons)
        self.database.textChanged.connect(self._update)
        self._where.buttonToggled.connect(lambda *_: self._update())
        self._update()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    @property
    def replaces_current(self) -> bool:
        return self.replace_current.isChecked()

    def target(self) -> Path | None:
        if self.replaces_current:
            return self.current_database
        text = clean(self.database.text())
        return Path(text).expanduser() if text else None

    def _browse(self) -> None:
        chosen = ask_save(
            self,
            "Nơi lưu cơ sở dữ liệu của phòng",
            Path(self.database.text()),
            DATABASE_FILTER,
            confirm_overwrite=False,  # an existing file of the phòng is updated, not overwritten
        )
        if chosen is not None:
            self.database.setText(str(chosen))
            self.own_database.setChecked(True)

    def _update(self) -> None:
        self.database.setEnabled(self.own_database.isChecked())
        self.browse.setEnabled(self.own_database.isChecked())
        self.ok_button.setEnabled(self.target() is not None)
