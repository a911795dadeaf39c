"""What became of each file the synthesis office took in: one line per file, in the order given."""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from bkdesk.numbers import format_number
from ui.import_job import FileLine, ImportRun

ACCEPTED_COLOUR = QColor("#1e7b34")
REFUSED_COLOUR = QColor("#c0262d")
QUIET_COLOUR = QColor("#55545a")


def status_word(line: FileLine) -> str:
    from db.submission_import import ImportStatus

    if line.outcome is None:
        return "chưa nhập"
    return {
        ImportStatus.ACCEPTED: "đã nhận",
        ImportStatus.UNCHANGED: "không thay đổi",
        ImportStatus.REFUSED: "bị từ chối",
    }[line.outcome.status]


def heading(run: ImportRun) -> str:
    words = [status_word(line) for line in run.lines]
    parts = [
        f"{format_number(words.count(word))} {word}"
        for word in ("đã nhận", "không thay đổi", "bị từ chối", "chưa nhập")
    ]
    shown = ", ".join(part for part in parts if not part.startswith("0 "))
    text = f"Đã xử lý {format_number(len(run.lines))} tệp: {shown}."
    if run.stopped:
        text += "\nĐã dừng theo yêu cầu; các tệp nhập xong trước đó vẫn được giữ."
    return text


class ImportResultDialog(QDialog):
    """``wants_conflicts`` is set when the user closes it with *Giải quyết xung đột…*."""

    def __init__(self, run: ImportRun, open_conflicts: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Kết quả nhận số liệu các phòng")
        self.resize(760, 360)
        self.run = run
        self.wants_conflicts = False
        self.summary = QLabel(heading(run))
        self.summary.setWordWrap(True)
        self.lines = QListWidget()
        self.lines.setWordWrap(True)
        self.lines.setAlternatingRowColors(True)
        style = self.style()
        icons = {
            "đã nhận": style.standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton),
            "không thay đổi": style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation),
            "bị từ chối": style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical),
            "chưa nhập": style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning),
        }
        colours = {"đã nhận": ACCEPTED_COLOUR, "bị từ chối": REFUSED_COLOUR}
        for line in run.lines:
            word = status_word(line)
            item = QListWidgetItem(icons[word], line.message)
            item.setForeground(colours.get(word, QUIET_COLOUR))
            item.setToolTip(f"{line.path}\n{line.message}")
            self.lines.addItem(item)
        self.conflicts_note = QLabel(
            f"Còn {open_conflicts} xung đột số liệu chưa giải quyết: hai bên cùng sửa một giá trị; "
            "số của văn phòng tổng hợp được giữ đến khi có người quyết định."
            if open_conflicts
            else ""
        )
        self.conflicts_note.setWordWrap(True)
        self.conflicts_note.setVisible(bool(open_conflicts))

        self.buttons = QDialogButtonBox(self)
        self.copy_button = self.buttons.addButton("Sao chép kết quả", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_text)
        self.conflicts_button = self.buttons.addButton("Giải quyết xung đột…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.conflicts_button.setVisible(bool(open_conflicts))
        self.conflicts_button.clicked.connect(self._to_conflicts)
        close = self.buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.RejectRole)
        close.setDefault(True)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.lines, 1)
        layout.addWidget(self.conflicts_note)
        layout.addWidget(self.buttons)

    def line_texts(self) -> list[str]:
        return [self.lines.item(row).text() for row in range(self.lines.count())]

    def copy_text(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText("\n".join([self.summary.text(), *self.line_texts()]))

    def _to_conflicts(self) -> None:
        self.wants_conflicts = True
        self.accept()
