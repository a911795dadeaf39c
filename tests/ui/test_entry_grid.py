"""The entry grid driven from the keyboard, as an officer fills it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QLineEdit
from pytestqt.qtbot import QtBot

from bkdesk.evaluation import RowInput
from bkdesk.verdicts import Verdict
from db.audit import history
from db.database import Database
from db.tables import departments
from ui import styles
from ui.context import AppContext
from ui.entry_model import ESTIMATE, NOTE, VERDICT
from ui.entry_view import EntryView
from ui.main_window import MainWindow

ReadRow = Callable[..., RowInput]
TableRows = Callable[[AppContext], list[RowInput]]


@pytest.fixture
def window(qtbot: QtBot, kt_context: AppContext, table_rows: TableRows) -> MainWindow:
    win = MainWindow()
    qtbot.addWidget(win)
    win.set_session(kt_context, table_rows(kt_context), departments(kt_context.db))
    win.resize(1366, 740)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    return win


def grid(window: MainWindow) -> EntryView:
    return window.entry_page.view


def index_of(window: MainWindow, code: str, key: str) -> QModelIndex:
    model = window.model
    assert model is not None
    source = model.index(model.row_of(code), model.column_of(key))
    return window.entry_page.proxy.mapFromSource(source)


def go_to(window: MainWindow, code: str, key: str = ESTIMATE) -> QModelIndex:
    index = index_of(window, code, key)
    grid(window).selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    return index


def type_into(qtbot: QtBot, view: EntryView, text: str) -> QLineEdit:
    """Type as a user does: the first key opens the editor, the rest go into it."""
    qtbot.keyClicks(view, text[0])
    editor = view.indexWidget(view.currentIndex())
    assert isinstance(editor, QLineEdit), "typing should open the cell editor"
    qtbot.keyClicks(editor, text[1:])
    return editor


def enter(qtbot: QtBot, view: EntryView, editor: QLineEdit) -> None:
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)


def test_typing_a_value_and_enter_saves_it_and_updates_the_verdict(
    qtbot: QtBot, window: MainWindow, demo_db: Database, read_row: ReadRow
) -> None:
    view = grid(window)
    go_to(window, "A.12")
    verdict = index_of(window, "A.12", VERDICT)
    assert verdict.data() == "Không đạt"
    assert verdict.data(Qt.ItemDataRole.ForegroundRole) == styles.VERDICT_COLOURS[Verdict.NOT_ACHIEVED]

    editor = type_into(qtbot, view, "58")
    assert editor.text() == "58"  # typing replaces the cell, as in Excel
    enter(qtbot, view, editor)

    assert verdict.data().startswith("Vượt")
    assert verdict.data(Qt.ItemDataRole.ForegroundRole) == styles.VERDICT_COLOURS[Verdict.EXCEEDED]
    assert read_row(demo_db, "A.12").estimate == "58"
    last = next(e for e in reversed(history(demo_db, 2020, "A.12")) if e.field == "value")
    assert (last.field, last.old, last.new, last.source) == ("value", "54,47", "58", "nhập tay")
    assert view.currentIndex() == index_of(window, "A.13", ESTIMATE)  # Enter moved down
    assert "Đã lưu" in window.statusBar().currentMessage()


def test_enter_skips_header_rows_without_a_target(qtbot: QtBot, window: MainWindow) -> None:
    view = grid(window)
    go_to(window, "A.14" if window.model.row_of("A.14") >= 0 else "A.13")  # type: ignore[union-attr]
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert view.currentIndex() == index_of(window, "A.15.a", ESTIMATE)  # A.15 "Xây dựng NTM" is skipped


def test_a_value_that_does_not_parse_is_refused(
    qtbot: QtBot, window: MainWindow, demo_db: Database, read_row: ReadRow
) -> None:
    view = grid(window)
    cell = go_to(window, "A.8")
    audited = len(history(demo_db, 2020, "A.8"))
    editor = type_into(qtbot, view, "1.5")
    enter(qtbot, view, editor)

    assert cell.data() == "1.5"
    assert cell.data(Qt.ItemDataRole.BackgroundRole) == styles.ERROR_BACKGROUND
    assert cell.data(Qt.ItemDataRole.DecorationRole) is not None  # a mark that shows on a selected cell too
    tip = cell.data(Qt.ItemDataRole.ToolTipRole)
    assert "dấu chấm chỉ dùng để tách hàng nghìn" in tip and "21.246" in tip
    assert "Không lưu" in window.statusBar().currentMessage()
    assert "1,5" in window.statusBar().currentMessage()
    assert read_row(demo_db, "A.8").estimate == "21.246"
    assert len(history(demo_db, 2020, "A.8")) == audited
    assert view.currentIndex() == cell  # stays on the cell to be corrected

    qtbot.keyClick(view, Qt.Key.Key_F2)  # F2 opens the typed text for correction
    editor = view.indexWidget(view.currentIndex())
    assert isinstance(editor, QLineEdit) and editor.text() == "1.5"
    editor.setText("21.500")
    enter(qtbot, view, editor)
    assert read_row(demo_db, "A.8").estimate == "21.500"
    assert cell.data(Qt.ItemDataRole.BackgroundRole) is None
    assert cell.data(Qt.ItemDataRole.DecorationRole) is None


def test_escape_cancels_and_tab_moves_right(
    qtbot: QtBot, window: MainWindow, demo_db: Database, read_row: ReadRow
) -> None:
    view = grid(window)
    go_to(window, "A.12")
    editor = type_into(qtbot, view, "99")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)
    assert read_row(demo_db, "A.12").estimate == "54,47"

    editor = type_into(qtbot, view, "55")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)
    assert read_row(demo_db, "A.12").estimate == "55"
    assert view.currentIndex() == index_of(window, "A.12", VERDICT)


def test_delete_inside_the_editor_edits_the_text_only(
    qtbot: QtBot, window: MainWindow, demo_db: Database, read_row: ReadRow
) -> None:
    view = grid(window)
    go_to(window, "A.12")
    editor = type_into(qtbot, view, "550")
    qtbot.keyClick(editor, Qt.Key.Key_Home)
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    assert editor.text() == "50"
    assert read_row(demo_db, "A.12").estimate == "54,47"  # nothing written until Enter
    enter(qtbot, view, editor)
    assert read_row(demo_db, "A.12").estimate == "50"


def test_paste_a_block_from_excel_and_undo_it(
    qtbot: QtBot, window: MainWindow, demo_db: Database, read_row: ReadRow
) -> None:
    view = grid(window)
    codes = ["A.8", "A.8.a", "A.8.b", "A.9", "A.9.a"]
    before = [read_row(demo_db, code).estimate for code in codes]
    go_to(window, "A.8")
    QGuiApplication.clipboard().setText("25.000\r\n5.000\r\n20000\r\n300.000\r\n100,5\r\n")  # Excel's own line ends

    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)

    assert [read_row(demo_db, code).estimate for code in codes] == ["25.000", "5.000", "20.000", "300.000", "100,5"]
    assert index_of(window, "A.8", VERDICT).data().startswith("Không đạt")
    assert window.undo_stack.count() == 1  # the whole paste is one step

    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [read_row(demo_db, code).estimate for code in codes] == before
    assert index_of(window, "A.8", ESTIMATE).data() == "21.246"

    qtbot.keyClick(view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert read_row(demo_db, "A.9").estimate == "300.000"


def test_a_paste_with_a_bad_cell_writes_nothing(
    qtbot: QtBot, window: MainWindow, demo_db: Database, read_row: ReadRow
) -> None:
    view = grid(window)
    go_to(window, "A.12")
    assert not view.paste("60\n1.5\n")
    assert read_row(demo_db, "A.12").estimate == "54,47"
    message = window.statusBar().currentMessage()
    assert "A.13" in message and "chưa ghi ô nào" in message


def test_paste_into_a_column_that_takes_no_input_is_refused(qtbot: QtBot, window: MainWindow) -> None:
    view = grid(window)
    go_to(window, "A.12", VERDICT)
    assert not view.paste("Đạt\n")
    assert "Đánh giá" in window.statusBar().currentMessage()


def test_paste_notes(qtbot: QtBot, window: MainWindow, demo_db: Database, read_row: ReadRow) -> None:
    view = grid(window)
    model = window.model
    assert model is not None
    go_to(window, "A.12", NOTE)
    assert view.paste('"Số liệu\tước"\nĐã rà soát\n')
    assert read_row(demo_db, "A.12").note == "Số liệu ước"
    assert read_row(demo_db, "A.13").note == "Đã rà soát"


def test_copy_the_selection_as_tab_separated_text(qtbot: QtBot, window: MainWindow) -> None:
    view = grid(window)
    start = go_to(window, "A.2", ESTIMATE)
    end = index_of(window, "A.3", VERDICT)
    view.selectionModel().select(QItemSelection(start, end), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "3.050\tKhông đạt\n460,1\tKhông đạt"


def test_delete_empties_the_selected_cells_in_one_step(
    qtbot: QtBot, window: MainWindow, demo_db: Database, read_row: ReadRow
) -> None:
    view = grid(window)
    go_to(window, "A.12")
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert read_row(demo_db, "A.12").estimate == ""
    assert index_of(window, "A.12", VERDICT).data() == "Chưa đánh giá"
    window.undo_stack.undo()
    assert read_row(demo_db, "A.12").estimate == "54,47"


def test_search_box_filters_the_grid(qtbot: QtBot, window: MainWindow) -> None:
    page = window.entry_page
    qtbot.keyClicks(page.search, "dan lon")
    page.apply_search_now()
    names = [page.proxy.index(r, 1).data() for r in range(page.proxy.rowCount())]
    assert names == ["Chỉ tiêu kinh tế", "Đàn lợn", "Đàn lợn hiện có"]
    assert page.count.text() == f"3/{window.model.rowCount()} dòng"  # type: ignore[union-attr]
