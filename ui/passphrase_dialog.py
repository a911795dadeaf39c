"""The passphrase of a setup file just issued, shown once at the synthesis office.

bkdesk keeps no copy of it: the text can be selected or copied, and the dialog says to
give it to the phòng by another channel than the file (read out on the telephone, or
on paper by hand), so that a lost or copied USB stick alone signs nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

PASSPHRASE_WARNING = (
    "Hãy trao cụm mật khẩu cho phòng qua một đường khác với tệp: đọc qua điện thoại, hoặc ghi ra giấy trao "
    "tận tay. Không chép cùng USB, không gửi cùng thư với tệp thiết lập. bkdesk không lưu cụm mật khẩu: đóng "
    "cửa sổ này rồi thì không xem lại được; nếu phòng làm mất, hãy cấp lại tệp thiết lập."
)


class PassphraseDialog(QDialog):
    def __init__(self, summary: str, passphrase: str, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Cụm mật khẩu của tệp thiết lập")
        self.setMinimumWidth(600)
        self._folder = folder

        self.summary = QLabel(summary)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        caption = QLabel("Cụm mật khẩu mở khóa ký trong tệp (phòng nhập khi cài tệp thiết lập):")
        caption.setWordWrap(True)

        self.passphrase = QLineEdit(passphrase)
        self.passphrase.setReadOnly(True)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(font.pointSizeF(), 10.0) * 1.6)
        font.setWeight(QFont.Weight.Bold)
        self.passphrase.setFont(font)
        self.passphrase.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.passphrase.setMinimumWidth(self.passphrase.fontMetrics().horizontalAdvance(passphrase) + 40)
        self.copy = QPushButton("Chép")
        self.copy.setToolTip("Chép cụm mật khẩu vào bộ nhớ tạm")
        self.copy.clicked.connect(self._copy)
        row = QHBoxLayout()
        row.addWidget(self.passphrase, 1)
        row.addWidget(self.copy)

        self.warning = QLabel(PASSPHRASE_WARNING)
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #9a3412; font-weight: 600;")

        self.buttons = QDialogButtonBox(self)
        self.open_folder = self.buttons.addButton("Mở thư mục chứa tệp", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_folder.clicked.connect(self._open_folder)
        self.done_button = self.buttons.addButton("Đã ghi lại cụm mật khẩu", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addSpacing(6)
        layout.addWidget(caption)
        layout.addLayout(row)
        layout.addSpacing(6)
        layout.addWidget(self.warning)
        layout.addWidget(self.buttons)
        self.passphrase.selectAll()
        self.passphrase.setFocus()

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.passphrase.text())
        self.copy.setText("Đã chép")

    def _open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._folder)))
