"""The entry grid driven from the keyboard, as an officer fills it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QDialog, QLineEdit, QMessageBox
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
    asked: list[str] = []

    def answer_no(dialog: QDialog) -> int:
        # A question nobody expected fails the test below it, never hangs it on a modal dialog.
        assert isinstance(dialog, QMessageBox)
        asked.append(dialog.text())
        return QMessageBox.StandardButton.No.value

    win.run_dialog = answer_no
    win.asked = asked  # type: ignore[attr-defined]
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
    QGuiApplication.clipboard().setText("25.000\r\n5.000\r\n20000\r\n300.000\r\n100500\r\n")  # Excel's line ends

    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)

    assert [read_row(demo_db, code).estimate for code in codes] == ["25.000", "5.000", "20.000", "300.000", "100.500"]
    assert window.asked == []  # type: ignore[attr-defined]
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


# --- Slips asked about before saving (issue 10) -------------------------------------------------


def answering(window: MainWindow, answer: QMessageBox.StandardButton) -> list[str]:
    """Answer every question of ``window`` with ``answer``; returns the questions asked."""
    asked: list[str] = []

    def run(dialog: QDialog) -> int:
        assert isinstance(dialog, QMessageBox)
        asked.append(dialog.text())
        return answer.value

    window.run_dialog = run
    return asked


def test_an_english_style_number_is_asked_about_and_no_stores_nothing(
    qtbot: QtBot, window: MainWindow, demo_db: Database, read_row: ReadRow
) -> None:
    view = grid(window)
    cell = go_to(window, "A.8")
    audited = len(history(demo_db, 2020, "A.8"))
    asked = answering(window, QMessageBox.StandardButton.No)
    enter(qtbot, view, type_into(qtbot, view, "21,246"))

    assert len(asked) == 1
    assert "nhỏ hơn 1/20 nhiệm vụ (25.500)" in asked[0]
    assert "hai mươi mốt nghìn hai trăm bốn mươi sáu, hãy viết 21.246" in asked[0]
    assert "đơn vị «con»" in asked[0]
    assert read_row(demo_db, "A.8").estimate == "21.246"
    assert len(history(demo_db, 2020, "A.8")) == audited
    assert cell.data() == "21,246"  # kept as typed, in red, for F2 to correct
    assert cell.data(Qt.ItemDataRole.BackgroundRole) == styles.ERROR_BACKGROUND
    assert view.currentIndex() == cell
    assert "không lưu" in window.statusBar().currentMessage()

    asked = answering(window, QMessageBox.StandardButton.Yes)
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = view.indexWidget(view.currentIndex())
    assert isinstance(editor, QLineEdit) and editor.text() == "21,246"
    enter(qtbot, view, editor)
    assert len(asked) == 1
    assert read_row(demo_db, "A.8").estimate == "21,246"
    verdict = index_of(window, "A.8", VERDICT)
    assert verdict.data(Qt.ItemDataRole.DecorationRole) is not None  # the warning triangle
    assert "hãy viết 21.246" in verdict.data(Qt.ItemDataRole.ToolTipRole)


def test_an_ordinary_figure_is_saved_without_a_question(
    qtbot: QtBot, window: MainWindow, demo_db: Database, read_row: ReadRow
) -> None:
    view = grid(window)
    go_to(window, "A.6" if window.model.row_of("A.6") >= 0 else "A.8")  # type: ignore[union-attr]
    enter(qtbot, view, type_into(qtbot, view, "21.300"))
    assert window.asked == []  # type: ignore[attr-defined]


def test_words_where_the_target_is_a_number_are_asked_about(
    qtbot: QtBot, window: MainWindow, demo_db: Database, read_row: ReadRow
) -> None:
    view = grid(window)
    go_to(window, "A.8")
    asked = answering(window, QMessageBox.StandardButton.Yes)
    editor = type_into(qtbot, view, "x")
    editor.setText("Đạt kế hoạch")  # QTest types Latin-1 only; the text is what a Vietnamese keyboard sends
    enter(qtbot, view, editor)
    assert asked == [
        "A.8 Đàn lợn: «Đạt kế hoạch» là chữ, còn nhiệm vụ là số (25.500). "
        "Lưu như một nhận xét bằng chữ (không đánh giá tự động)?"
    ]
    assert read_row(demo_db, "A.8").estimate == "Đạt kế hoạch"
    assert index_of(window, "A.8", VERDICT).data() == "Chưa đánh giá"


def test_a_pasted_block_with_a_slip_asks_once_and_no_writes_nothing(
    qtbot: QtBot, window: MainWindow, demo_db: Database, read_row: ReadRow
) -> None:
    view = grid(window)
    codes = ["A.8", "A.8.a", "A.8.b"]
    before = [read_row(demo_db, code).estimate for code in codes]
    go_to(window, "A.8")
    asked = answering(window, QMessageBox.StandardButton.No)
    assert not view.paste("25.000\n-5\n20.000\n")
    assert len(asked) == 1 and "A.8.a" in asked[0] and "số âm (-5)" in asked[0]
    assert asked[0].endswith("Vẫn dán cả khối?")
    assert [read_row(demo_db, code).estimate for code in codes] == before
    assert window.undo_stack.count() == 0

    answering(window, QMessageBox.StandardButton.Yes)
    assert view.paste("25.000\n-5\n20.000\n")
    assert [read_row(demo_db, code).estimate for code in codes] == ["25.000", "-5", "20.000"]


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("=SUM(A1)", "bắt đầu bằng «=» như một công thức"),
        ("+cmd", "bắt đầu bằng «+» như một công thức"),
        ("@x", "bắt đầu bằng «@» như một công thức"),
        ("5\x1b[2J", "ký tự điều khiển U+001B"),
        ("21\u202e246", "ký tự điều khiển hướng chữ U+202E"),
        ("9" * 256, "dài 256 ký tự; tối đa 255"),
    ],
)
def test_text_that_must_never_be_stored_is_refused_in_the_grid(
    qtbot: QtBot, window: MainWindow, demo_db: Database, read_row: ReadRow, typed: str, problem: str
) -> None:
    model = window.model
    assert model is not None
    audited = len(history(demo_db, 2020, "A.8"))
    assert not model.edit_cell(model.row_of("A.8"), ESTIMATE, typed)
    assert problem in window.statusBar().currentMessage()
    assert "A.8 Đàn lợn" in window.statusBar().currentMessage()
    assert read_row(demo_db, "A.8").estimate == "21.246"
    assert len(history(demo_db, 2020, "A.8")) == audited
    assert window.asked == []  # type: ignore[attr-defined]


def test_the_real_question_box_asks_and_keeps_the_stored_figure(
    qtbot: QtBot, window: MainWindow, demo_db: Database, read_row: ReadRow
) -> None:
    """Typed and answered as a user does: the message box itself, its default button "Không lưu"."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    view = grid(window)
    go_to(window, "A.8")
    window.run_dialog = lambda dialog: dialog.exec()
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen.append(box.text())
        assert box.defaultButton().text() == "Không lưu"
        qtbot.keyClick(box, Qt.Key.Key_Return)  # the default: keep what is stored

    QTimer.singleShot(20, answer)
    enter(qtbot, view, type_into(qtbot, view, "-5"))
    assert seen and "số âm (-5)" in seen[0]
    assert read_row(demo_db, "A.8").estimate == "21.246"
    assert index_of(window, "A.8", ESTIMATE).data() == "-5"
    assert view.state() != QAbstractItemView.State.EditingState
