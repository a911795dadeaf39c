"""*Nhập biểu chỉ tiêu từ Excel…* (synthesis office): a year's table from a workbook, as ``import-table`` does.

The file is read off the GUI thread (:func:`db.table_file.open_table`); a table with no group
rows asks which group its rows belong to (*Chưa phân nhóm* or A–E, the CLI's ``--group``);
then the same service stores it and the result is shown in the CLI's words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QVBoxLayout, QWidget

from bkdesk.catalogue import GROUPS, UNGROUPED_NAME
from ui.dialog_buttons import ok_cancel

if TYPE_CHECKING:
    from bkdesk.exchange.table_import import ImportResult
    from db.table_file import OpenedTable
    from db.table_store import TableReport
    from ui.exchange_actions import ExchangeActions

TITLE = "Nhập biểu chỉ tiêu từ Excel"
TABLE_FILTER = "Biểu chỉ tiêu Excel (*.xlsx)"


class TableGroupDialog(QDialog):
    """Which group the rows of a table without group rows go in."""

    def __init__(self, file_name: str, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setMinimumWidth(460)
        intro = QLabel(
            f"Biểu {file_name} (năm {year}) không có dòng nhóm (A–E). Chọn nhóm cho các chỉ tiêu của biểu; "
            f"để «{UNGROUPED_NAME}» thì các chỉ tiêu được in dưới dòng «{UNGROUPED_NAME}»."
        )
        intro.setWordWrap(True)
        self.group = QComboBox()
        self.group.addItem(UNGROUPED_NAME, None)
        for letter, name in GROUPS.items():
            self.group.addItem(f"{letter}. {name}", letter)
        form = QFormLayout()
        form.addRow("Nhóm:", self.group)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self, "Nhập biểu"))

    def chosen_group(self) -> str | None:
        data = self.group.currentData()
        return data if isinstance(data, str) else None


def import_table(host: ExchangeActions) -> None:
    from ui.exchange_files import ask_open

    context = host.context
    if context is None:
        return
    path = ask_open(host.window, TITLE, host.folder(), TABLE_FILTER)
    if path is None:
        return
    host.remember_folder(path)
    year, kind, db, actor = context.year, context.period, context.db, context.actor

    def opened(found: tuple[OpenedTable, bool]) -> None:
        table, has_groups = found
        group: str | None = None
        if not has_groups:
            dialog = TableGroupDialog(path.name, year, host.window)
            if host.window.run_dialog(dialog) != QDialog.DialogCode.Accepted:
                return
            group = dialog.chosen_group()
        store(table, group)

    def store(table: OpenedTable, group: str | None) -> None:
        from db.table_file import import_table as import_into

        host.run_task(
            TITLE,
            f"Đang nhập biểu {path.name}…",
            lambda job: import_into(db, table, group=group, actor=actor),
            done,
            path,
        )

    def done(outcome: tuple[ImportResult, TableReport]) -> None:
        from db.table_file import summary

        result, report = outcome
        lines = summary(result, report, path.name, kind)
        host.after_change()
        host.inform(TITLE, "\n".join(lines[:2]), "\n".join(lines[2:]))
        host.window.show_message(lines[0])

    def open_task(job: object) -> tuple[OpenedTable, bool]:
        from db.table_file import open_table

        table = open_table(path, year, kind)
        return table, table.has_groups()

    host.run_task(TITLE, f"Đang đọc biểu {path.name}…", open_task, opened, path)
