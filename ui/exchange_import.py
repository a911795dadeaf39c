"""*Nhận số liệu các phòng* and files dropped on the window: read, ask about templates, import, report.

The files are read first (off the GUI thread) so that an unsigned Excel template can
be named in a question before it is taken in; then they are imported one by one behind
a progress dialog the user may stop; then the window shows the new figures and one
line per file says what became of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from ui.import_job import ImportRun, Scanned, distinct_files, import_task, scan_task

if TYPE_CHECKING:
    from ui.exchange_actions import ExchangeActions

TITLE = "Nhận số liệu các phòng"
Button = QMessageBox.StandardButton


def unsigned_question(item: Scanned, remaining: int, parent: QWidget | None = None) -> QMessageBox:
    """Yes/No for one template; with more to come, also yes or no for all of them."""
    assert item.department is not None and item.kind is not None
    department = item.department
    text = (
        f"Tệp «{item.path.name}» là biểu mẫu Excel, không có chữ ký, của {department.name} ({department.code}) — "
        f"{item.kind.label.lower()} năm {item.year}.\n\n"
        "bkdesk không kiểm tra được ai đã điền tệp này. Chỉ nhập khi bạn chắc chắn tệp do chính phòng đó gửi.\n\n"
        "Nhập tệp này?"
    )
    buttons = Button.Yes | Button.No
    if remaining > 1:
        buttons |= Button.YesToAll | Button.NoToAll
    box = QMessageBox(QMessageBox.Icon.Question, "Biểu mẫu Excel chưa ký", text, buttons, parent)
    box.button(Button.Yes).setText("Nhập tệp này")
    box.button(Button.No).setText("Không nhập")
    if remaining > 1:
        box.button(Button.YesToAll).setText(f"Nhập cả {remaining} biểu mẫu")
        box.button(Button.NoToAll).setText("Không nhập biểu mẫu nào")
    box.setDefaultButton(Button.No)
    return box


class ImportFlow:
    def __init__(self, host: ExchangeActions) -> None:
        self.host = host
        self.window = host.window

    def start(self, paths: list[Path]) -> None:
        host = self.host
        context = host.context
        if context is None:
            return
        files = distinct_files(paths)
        if not files:
            return
        self.window.commit_open_editor()
        host.run_task(
            TITLE,
            f"Đang đọc {len(files)} tệp…",
            scan_task(files),
            self._scanned,
            files[0] if len(files) == 1 else None,
            cancellable=True,
            on_cancelled=lambda: self.window.show_message("Đã hủy: chưa nhập tệp nào."),
        )

    def confirm_unsigned(self, scanned: list[Scanned]) -> set[Path]:
        """Ask about each readable template, by name; the ones the user accepts."""
        templates = [item for item in scanned if item.unsigned and item.department is not None]
        accepted: set[Path] = set()
        for position, item in enumerate(templates):
            remaining = len(templates) - position
            answer = self.window.run_dialog(unsigned_question(item, remaining, self.window))
            if answer == Button.YesToAll:
                accepted.update(other.path for other in templates[position:])
                break
            if answer == Button.NoToAll:
                break
            if answer == Button.Yes:
                accepted.add(item.path)
        return accepted

    def _scanned(self, scanned: list[Scanned]) -> None:
        host = self.host
        context = host.context
        if context is None:
            return
        accepted = self.confirm_unsigned(scanned)
        host.run_task(
            TITLE,
            f"Đang nhập {len(scanned)} tệp…",
            import_task(context.db, scanned, accepted, actor=context.actor),
            self._imported,
            scanned[0].path if len(scanned) == 1 else None,
            cancellable=True,
            then=host.after_change,  # files taken in before a failure stay: show them
        )

    def _imported(self, run: ImportRun) -> None:
        from ui.import_result_dialog import ImportResultDialog, heading

        host = self.host
        host.after_change()
        conflicts = host.state.open_conflicts
        message = heading(run).replace("\n", " ")
        if conflicts:
            message += f" Còn {conflicts} xung đột số liệu chưa giải quyết (Trao đổi → Xung đột số liệu…)."
        self.window.show_message(message, 0)
        dialog = ImportResultDialog(run, conflicts, self.window)
        self.window.run_dialog(dialog)
        if dialog.wants_conflicts:
            host.open_conflicts()
