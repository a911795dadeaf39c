"""The history of one indicator: every change with its time, author, old → new, source and reason."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bkdesk.catalogue import PeriodKind
from ui.dialog_buttons import close_only
from ui.entry_model import local_time

if TYPE_CHECKING:
    from db.audit import AuditEntry

HEADINGS = ("Thời gian", "Người sửa", "Thao tác", "Cũ → mới", "Nguồn", "Lý do")
MAX_COLUMN_WIDTH = 240


def period_label(value: str) -> str:
    try:
        return PeriodKind(value).label.lower()
    except ValueError:
        return value


def entry_cells(entry: AuditEntry) -> tuple[str, ...]:
    action = entry.action + (f" ({period_label(entry.period)})" if entry.period else "")
    change = f"{entry.old or '(trống)'} → {entry.new or '(trống)'}"
    return (local_time(entry.at), entry.actor, action, change, entry.source, entry.reason)


class HistoryDialog(QDialog):
    def __init__(self, title: str, entries: Sequence[AuditEntry], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Lịch sử thay đổi — {title}")
        self.resize(1100, 420)
        self.table = QTableWidget(len(entries), len(HEADINGS))
        self.table.setHorizontalHeaderLabels(list(HEADINGS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        for row, entry in enumerate(reversed(entries)):  # newest first
            for column, text in enumerate(entry_cells(entry)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        self.table.resizeColumnsToContents()
        for column in range(len(HEADINGS) - 1):  # long texts are cut; the tooltip has them whole
            header.resizeSection(column, min(header.sectionSize(column), MAX_COLUMN_WIDTH))
        header.setSectionResizeMode(len(HEADINGS) - 1, QHeaderView.ResizeMode.Stretch)
        count = QLabel(f"{len(entries)} thay đổi" if entries else "Chưa có thay đổi nào được ghi lại.")
        layout = QVBoxLayout(self)
        layout.addWidget(count)
        layout.addWidget(self.table)
        layout.addWidget(close_only(self))
