"""Editing grid cells, and the small pictures the grid paints: the tree indent, the warning marker.

No widget lives in a cell: Qt's own delegate paints every cell from the model's data (in
C++, so a 10,000-row grid scrolls smoothly) and this delegate opens one editor at a time.
The indent and the marker are decorations the model hands out, not Python painting.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPixmap, QPolygonF
from PySide6.QtWidgets import QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from ui import styles

AnyIndex = QModelIndex | QPersistentModelIndex

INDENT = 14  # pixels per level of the indicator tree
MARKER = 9  # side of the warning triangle beside the verdict


@cache
def indent_pixmap(depth: int) -> QPixmap:
    """A transparent picture as wide as ``depth`` levels: the name is painted after it."""
    pixmap = QPixmap(max(1, INDENT * depth - 4), 1)
    pixmap.fill(Qt.GlobalColor.transparent)
    return pixmap


@cache
def warning_pixmap() -> QPixmap:
    """The orange triangle shown beside a verdict that has warnings (its tooltip lists them)."""
    pixmap = QPixmap(MARKER, MARKER)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(styles.WARNING_MARK)
    painter.drawPolygon(QPolygonF([QPointF(0, MARKER), QPointF(MARKER / 2, 0), QPointF(MARKER, MARKER)]))
    painter.end()
    return pixmap


class CellDelegate(QStyledItemDelegate):
    """A frameless line editor that hands the typed text to the model as it is.

    The model checks and normalises it (NFC, Vietnamese number rules); a refused text is
    kept by the model and shown in red, so the user can correct it with F2.
    """

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex) -> QWidget:
        editor = QLineEdit(parent)
        editor.setFrame(False)
        alignment = index.data(Qt.ItemDataRole.TextAlignmentRole)
        if alignment is not None:
            editor.setAlignment(Qt.AlignmentFlag(alignment))
        return editor

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        if isinstance(editor, QLineEdit):
            value = index.data(Qt.ItemDataRole.EditRole)
            editor.setText("" if value is None else str(value))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        if isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)


@cache
def refused_pixmap() -> QPixmap:
    """A red disc with an exclamation mark beside a refused value: seen even when the cell is selected."""
    side = MARKER + 3
    pixmap = QPixmap(side, side)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(styles.ERROR_FOREGROUND)
    painter.drawEllipse(0, 0, side, side)
    painter.setBrush(Qt.GlobalColor.white)
    middle = side / 2
    painter.drawRect(QRectF(middle - 1, 2, 2, side - 7))
    painter.drawRect(QRectF(middle - 1, side - 4, 2, 2))
    painter.end()
    return pixmap
