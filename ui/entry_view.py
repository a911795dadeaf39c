"""The entry grid, keyboard first as in Excel.

Typing starts editing, F2 edits the cell as it is, Enter accepts and moves down to the
next row that takes a figure, Tab moves right, Esc cancels; Ctrl+C copies the selection
as tab/newline text, Ctrl+V pastes a block copied from Excel, Delete empties the selected
cells. Paste and Delete are one undo step each (Ctrl+Z / Ctrl+Y).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QTableView,
    QWidget,
)

from ui.clipboard import format_block, parse_block
from ui.delegates import CellDelegate
from ui.entry_model import (
    DEPARTMENT,
    ERROR_ROLE,
    ESTIMATE,
    LAST_YEAR,
    NAME,
    NOTE,
    PCT_LAST_YEAR,
    PCT_PLAN,
    PLAIN_ROLE,
    STT,
    TARGET,
    TITLES,
    UNIT,
    VERDICT,
    EntryModel,
)
from ui.filters import EntryFilter

# Column widths in average characters of the UI font; the name column takes the rest.
WIDTH_CHARS = {
    STT: 4,
    UNIT: 15,
    DEPARTMENT: 6,
    TARGET: 10,
    ESTIMATE: 11,
    VERDICT: 14,
    PCT_PLAN: 6,
    LAST_YEAR: 10,
    PCT_LAST_YEAR: 8,
    NOTE: 18,
}
Hint = QAbstractItemDelegate.EndEditHint


class EntryView(QTableView):
    """A QTableView over :class:`EntryFilter` over :class:`EntryModel`."""

    message = Signal(str)
    contextMenuRequestedAt = Signal(QModelIndex, object)  # source index, global position

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("entryGrid")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.setTabKeyNavigation(True)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().setVisible(False)
        rows = self.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # uniform rows: 10,000 scroll smoothly
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header.setStretchLastSection(False)
        # Qt's own delegate paints (fast); the Python one only where cells are edited.
        self._plain_delegate = QStyledItemDelegate(self)
        self._cell_delegate = CellDelegate(self)
        self.setItemDelegate(self._plain_delegate)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)

    # ---- models ----------------------------------------------------------------------------

    def set_entry_model(self, proxy: EntryFilter) -> None:
        self.setModel(proxy)
        model = proxy.entry_model()
        for column, key in enumerate(model.columns):
            delegate = self._cell_delegate if model.editable_key(key) else self._plain_delegate
            self.setItemDelegateForColumn(column, delegate)
        self.size_columns()

    def proxy(self) -> EntryFilter:
        model = self.model()
        assert isinstance(model, EntryFilter)
        return model

    def entry_model(self) -> EntryModel:
        return self.proxy().entry_model()

    def size_columns(self) -> None:
        """Numbers and verdicts fully visible, headers never cut; the name takes the rest."""
        model = self.entry_model()
        header = self.horizontalHeader()
        metrics = self.fontMetrics()
        header_metrics = header.fontMetrics()
        char = metrics.averageCharWidth()
        padding = 2 * self.style().pixelMetric(self.style().PixelMetric.PM_HeaderMargin) + 14
        for column, key in enumerate(model.columns):
            if key == NAME:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
                continue
            title = str(model.headerData(column, Qt.Orientation.Horizontal) or TITLES[key])
            width = max(WIDTH_CHARS.get(key, 10) * char + 12, header_metrics.horizontalAdvance(title) + padding)
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)

    # ---- moving ------------------------------------------------------------------------------

    def _next_editable_row(self, start: int, column: int, step: int) -> int | None:
        proxy = self.proxy()
        row = start + step
        while 0 <= row < proxy.rowCount():
            if proxy.index(row, column).flags() & Qt.ItemFlag.ItemIsEditable:
                return row
            row += step
        return None

    def move_vertically(self, step: int) -> None:
        """Enter / Shift+Enter: the next row below (above) that takes a figure in this column."""
        current = self.currentIndex()
        if not current.isValid():
            return
        row = self._next_editable_row(current.row(), current.column(), step)
        if row is not None:
            self._go(self.proxy().index(row, current.column()))

    def move_horizontally(self, step: int) -> None:
        current = self.currentIndex()
        if not current.isValid():
            return
        column = current.column() + step
        if 0 <= column < self.proxy().columnCount():
            self._go(self.proxy().index(current.row(), column))

    def _go(self, index: QModelIndex) -> None:
        """Make ``index`` the current and only selected cell (whatever modifier is held)."""
        self.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.scrollTo(index)

    def _refused(self, index: QModelIndex) -> bool:
        return index.isValid() and index.data(ERROR_ROLE) is not None

    def closeEditor(self, editor: QWidget, hint: Hint) -> None:
        current = self.currentIndex()
        if hint == Hint.SubmitModelCache:  # Enter: the delegate has committed the text
            super().closeEditor(editor, Hint.NoHint)
            if not self._refused(current):
                self.move_vertically(1)
            return
        if hint in (Hint.EditNextItem, Hint.EditPreviousItem):  # Tab / Shift+Tab: move, as Excel does
            super().closeEditor(editor, Hint.NoHint)
            if not self._refused(current):
                self.move_horizontally(1 if hint == Hint.EditNextItem else -1)
            return
        super().closeEditor(editor, hint)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        editing = self.state() == QAbstractItemView.State.EditingState
        if not editing and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.move_vertically(-1 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1)
            event.accept()
            return
        if not editing:
            if event.matches(QKeySequence.StandardKey.Copy):
                self.copy_selection()
                return
            if event.matches(QKeySequence.StandardKey.Paste):
                self.paste()
                return
            if event.matches(QKeySequence.StandardKey.Undo):
                self.entry_model().undo_stack.undo()
                return
            if event.matches(QKeySequence.StandardKey.Redo) or (
                key == Qt.Key.Key_Y and event.modifiers() == Qt.KeyboardModifier.ControlModifier
            ):
                self.entry_model().undo_stack.redo()
                return
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and event.modifiers() == Qt.KeyboardModifier.NoModifier:
                self.clear_selection_cells()
                return
        super().keyPressEvent(event)

    # ---- clipboard ---------------------------------------------------------------------------

    def _selected(self) -> list[QModelIndex]:
        selected = self.selectionModel().selectedIndexes() if self.selectionModel() else []
        if not selected and self.currentIndex().isValid():
            selected = [self.currentIndex()]
        return sorted(selected, key=lambda index: (index.row(), index.column()))

    def copy_selection(self) -> str:
        """Copy the selected cells (their bounding block) as Excel reads it; returns the text."""
        selected = self._selected()
        if not selected:
            return ""
        rows = sorted({index.row() for index in selected})
        columns = sorted({index.column() for index in selected})
        chosen = {(index.row(), index.column()) for index in selected}
        proxy = self.proxy()
        block = [
            [
                str(proxy.index(row, column).data(PLAIN_ROLE) or "") if (row, column) in chosen else ""
                for column in range(columns[0], columns[-1] + 1)
            ]
            for row in range(rows[0], rows[-1] + 1)
        ]
        text = format_block(block)
        QGuiApplication.clipboard().setText(text)
        self.message.emit(f"Đã chép {len(selected)} ô")
        return text

    def paste(self, text: str | None = None) -> bool:
        """Paste a block at the current cell into consecutive rows that take figures."""
        block = parse_block(QGuiApplication.clipboard().text() if text is None else text)
        current = self.currentIndex()
        if not block:
            self.message.emit("Bộ nhớ tạm không có số liệu để dán")
            return False
        if not current.isValid():
            self.message.emit("Hãy chọn ô bắt đầu dán")
            return False
        proxy = self.proxy()
        model = self.entry_model()
        selected = self._selected()
        if len(block) == 1 and len(block[0]) == 1 and len(selected) > 1:
            # One value onto a selection fills every selected cell that takes it, as Excel does.
            cells = [
                (proxy.mapToSource(index).row(), model.key_of(index.column()), block[0][0])
                for index in selected
                if index.flags() & Qt.ItemFlag.ItemIsEditable
            ]
            return self._write(
                cells, "Dán", [index for index in selected if index.flags() & Qt.ItemFlag.ItemIsEditable]
            )
        width = max(len(line) for line in block)
        columns = list(range(current.column(), current.column() + width))
        if columns[-1] >= proxy.columnCount():
            self.message.emit(f"Không dán: khối có {width} cột, vượt quá bên phải của bảng")
            return False
        for column in columns:
            key = model.key_of(column)
            if not model.editable_key(key):
                title = proxy.headerData(column, Qt.Orientation.Horizontal)
                self.message.emit(f"Không dán: cột «{title}» không nhập được")
                return False
        rows: list[int] = []
        row = current.row()
        if not proxy.index(row, current.column()).flags() & Qt.ItemFlag.ItemIsEditable:
            found = self._next_editable_row(row, current.column(), 1)
            row = found if found is not None else proxy.rowCount()
        while len(rows) < len(block) and row < proxy.rowCount():
            rows.append(row)
            found = self._next_editable_row(row, current.column(), 1)
            row = found if found is not None else proxy.rowCount()
        if len(rows) < len(block):
            self.message.emit(
                f"Không dán: khối có {len(block)} dòng nhưng từ ô đang chọn chỉ còn {len(rows)} dòng nhập được"
            )
            return False
        cells = []
        targets = []
        for line, row in zip(block, rows, strict=True):
            for offset, value in enumerate(line):
                index = proxy.index(row, columns[offset])
                cells.append((proxy.mapToSource(index).row(), model.key_of(columns[offset]), value))
                targets.append(index)
        return self._write(cells, "Dán", targets)

    def clear_selection_cells(self) -> bool:
        """Delete: empty the selected cells that take figures, as one undo step."""
        model = self.entry_model()
        proxy = self.proxy()
        editable = [index for index in self._selected() if index.flags() & Qt.ItemFlag.ItemIsEditable]
        if not editable:
            return False
        cells = [(proxy.mapToSource(index).row(), model.key_of(index.column()), "") for index in editable]
        return self._write(cells, "Xóa", editable)

    def _write(self, cells: list[tuple[int, str, str]], label: str, targets: list[QModelIndex]) -> bool:
        if not cells:
            self.message.emit("Không có ô nào nhập được trong vùng chọn")
            return False
        ok = self.entry_model().write_block(cells, label)
        if ok and targets:
            selection = QItemSelection()
            for index in targets:
                selection.select(index, index)
            self.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        return ok

    # ---- context menu -------------------------------------------------------------------------

    def contextMenuEvent(self, event: Any) -> None:
        index = self.indexAt(event.pos())
        if not index.isValid():
            return
        self.setCurrentIndex(index)
        self.contextMenuRequestedAt.emit(self.proxy().mapToSource(index), event.globalPos())

    def select_code(self, code: str) -> bool:
        """Bring the row of ``code`` into view and make it current; ``False`` when it is filtered out."""
        model = self.entry_model()
        row = model.row_of(code)
        if row < 0:
            return False
        proxy = self.proxy()
        column = max(model.column_of(ESTIMATE), 0)
        index = proxy.mapFromSource(model.index(row, column))
        if not index.isValid():
            return False
        self._go(index)
        self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True
