"""Selecting rows in a view as a plain click would, whatever keys an earlier test left pressed.

``QTableView.selectRow`` reads the keyboard modifiers of the application: a Shift or Ctrl
that another test pressed and Qt still thinks is down makes it extend or toggle the
selection instead of replacing it.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QAbstractItemView


def select_row(view: QAbstractItemView, row: int) -> None:
    """Make ``row`` the whole selection and the current row."""
    model = view.model()
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    view.selectionModel().setCurrentIndex(model.index(row, 0), flags)
