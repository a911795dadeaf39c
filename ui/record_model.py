"""A read-only table of plain records, one per row: the part every list model shares.

Subclasses name their ``HEADINGS`` and answer ``data``; the records are the core's or
the services' dataclasses, shown as they are (the model formats nothing itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

AnyIndex = QModelIndex | QPersistentModelIndex

Record = TypeVar("Record")


class RecordTableModel(QAbstractTableModel, Generic[Record]):
    HEADINGS: tuple[str, ...] = ()

    def __init__(self, records: Sequence[Record] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self._records: list[Record] = list(records)

    @property
    def records(self) -> list[Record]:
        return list(self._records)

    def set_records(self, records: Sequence[Record]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self.endResetModel()

    def record(self, row: int) -> Record:
        return self._records[row]

    def record_at(self, index: AnyIndex) -> Record | None:
        """The record of ``index``, or ``None`` for an index outside the table."""
        if not index.isValid() or not 0 <= index.row() < len(self._records):
            return None
        return self._records[index.row()]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self.HEADINGS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADINGS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADINGS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.heading_alignment(section)
        return None

    def heading_alignment(self, section: int) -> Any:
        return None


def record_table(
    model: QAbstractTableModel, stretch: int, *, many: bool = False, parent: QWidget | None = None
) -> QTableView:
    """A read-only view of a record model: whole rows selected (one, or ``many``), alternating colours, no row
    numbers, no wrapping, each column as wide as its content but ``stretch``, which takes the width left."""
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    mode = QAbstractItemView.SelectionMode
    table.setSelectionMode(mode.ExtendedSelection if many else mode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table
