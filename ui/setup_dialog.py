"""*Mở tệp thiết lập…* on a phòng's PC: what the file is, its passphrase, and where the phòng's database will live.

The passphrase field hides what is typed (a box shows it); after a wrong passphrase the
same dialog comes back with the file and the chosen database kept, saying so.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
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
        own = len(setup.own_rows())
        by = f" bởi {escape(setup.issued_by)}" if setup.issued_by else ""
        self.summary = QLabel(
            f"Tệp <b>{escape(file_name)}</b> là tệp thiết lập của <b>{escape(department.name)} "
            f"({escape(department.code)})</b>, năm {setup.year}, cấp ngày {local_date(setup.issued_at)}{by}: "
            f"{own} chỉ tiêu của phòng. Sau khi cài, bkdesk mở lại với vai trò của phòng này.<br><br>"
            "Khóa ký của phòng trong tệp được mã hóa: nhập cụm mật khẩu văn phòng tổng hợp trao riêng (qua điện "
            "thoại hoặc trên giấy). Sau khi cài, khóa được cất trên máy này; hãy xóa tệp khỏi USB."
        )
        self.summary.setWordWrap(True)

        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("ví dụ K7QM-3XHP-9TRD-W2FN (chữ thường, thiếu dấu gạch đều được)")
        self.passphrase.setInputMethodHints(
            Qt.InputMethodHint.ImhSensitiveData
            | Qt.InputMethodHint.ImhNoPredictiveText
            | Qt.InputMethodHint.ImhNoAutoUppercase
        )
        self.show_passphrase = QCheckBox("Hiện")
        self.show_passphrase.toggled.connect(self._show_passphrase)
        passphrase_row = QHBoxLayout()
        passphrase_row.addWidget(self.passphrase, 1)
        passphrase_row.addWidget(self.show_passphrase)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b91c1c;")
        self.problem.setVisible(False)

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
        layout.addWidget(QLabel("Cụm mật khẩu của tệp thiết lập:"))
        layout.addLayout(passphrase_row)
        layout.addWidget(self.problem)
        layout.addSpacing(6)
        layout.addWidget(QLabel("Lưu cơ sở dữ liệu của phòng ở đâu?"))
        layout.addWidget(self.own_database)
        layout.addLayout(row)
        layout.addWidget(self.replace_current)
        layout.addWidget(self.buttons)
        self.database.textChanged.connect(self._update)
        self.passphrase.textChanged.connect(self._update)
        self._where.buttonToggled.connect(lambda *_: self._update())
        self._update()
        self.passphrase.setFocus()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    @property
    def replaces_current(self) -> bool:
        return self.replace_current.isChecked()

    def passphrase_text(self) -> str:
        return self.passphrase.text()

    def show_problem(self, message: str) -> None:
        """Shown again after a wrong passphrase: say so, keep every choice, and put the cursor in the field."""
        self.problem.setText(message)
        self.problem.setVisible(True)
        self.passphrase.selectAll()
        self.passphrase.setFocus()

    def _show_passphrase(self, shown: bool) -> None:
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)

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
        self.ok_button.setEnabled(self.target() is not None and bool(self.passphrase.text().strip()))
