"""The main window: title, menus, the synthesis office's override and history, closing and reopening."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from bkdesk.catalogue import PeriodKind
from bkdesk.evaluation import RowInput
from bkdesk.verdicts import Verdict
from db.database import Database
from db.schema import open_database
from db.tables import departments
from tests.ui.pictures import cell_region, colours, pixels_of, screenshot
from ui.context import AppContext
from ui.entry_model import ESTIMATE, NOTE, VERDICT
from ui.history_dialog import HistoryDialog
from ui.main_window import MainWindow
from ui.override_dialog import OverrideDialog
from ui.print_preview import PrintPreviewDialog
from ui.styles import VERDICT_COLOURS

TableRows = Callable[[AppContext], list[RowInput]]
ReadRow = Callable[..., RowInput]


def open_window(qtbot: QtBot, context: AppContext, rows: list[RowInput]) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.set_session(context, rows, departments(context.db))
    window.resize(1366, 740)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def synthesis_window(qtbot: QtBot, synthesis_context: AppContext, table_rows: TableRows) -> MainWindow:
    return open_window(qtbot, synthesis_context, table_rows(synthesis_context))


@pytest.fixture
def kt_window(qtbot: QtBot, kt_context: AppContext, table_rows: TableRows) -> MainWindow:
    return open_window(qtbot, kt_context, table_rows(kt_context))


def verdict_of(window: MainWindow, code: str, role: int = Qt.ItemDataRole.DisplayRole) -> object:
    model = window.model
    assert model is not None
    return model.index(model.row_of(code), model.column_of(VERDICT)).data(role)


def test_title_status_bar_and_menus(kt_window: MainWindow, demo_db: Database) -> None:
    assert kt_window.windowTitle() == "bkdesk — Phòng Kinh tế — Ước thực hiện năm 2020"
    assert str(demo_db.path) in kt_window.database_label.text()
    menus = [action.text() for action in kt_window.menuBar().actions()]
    assert menus == ["&Tệp", "&Sửa", "&Chỉ tiêu", "T&rao đổi"]
    # The synthesis office's database opened as a phòng: neither side's exchange actions, only the setup file.
    enabled = [a.text() for a in kt_window.exchange_menu.actions() if a.isEnabled() and not a.isSeparator()]
    assert enabled == ["Mở tệp thiết lập…", "Mở cơ sở dữ liệu khác…"]
    assert kt_window.change_session_action.text() == "Đổi người dùng / kỳ báo cáo…"
    assert kt_window.print_action.shortcut().toString() == "Ctrl+P"
    assert not kt_window.override_action.isVisible()  # only the synthesis office overrides
    assert kt_window.entry_page.department.isHidden()


def test_synthesis_office_has_the_phong_column_and_filter(synthesis_window: MainWindow) -> None:
    model = synthesis_window.model
    assert model is not None
    assert synthesis_window.windowTitle() == "bkdesk — Văn phòng tổng hợp — Ước thực hiện năm 2020"
    assert model.headerData(3, Qt.Orientation.Horizontal) == "Phòng"
    page = synthesis_window.entry_page
    assert not page.department.isHidden()
    page.department.setCurrentIndex(page.department.findData("CA"))
    codes = [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())]
    assert codes == ["D", "4", "+", "+", "5"]


def test_override_dialog_requires_a_reason(qtbot: QtBot, synthesis_window: MainWindow) -> None:
    model = synthesis_window.model
    assert model is not None
    dialog = OverrideDialog(model.rows[model.row_of("A.2")], synthesis_window)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.reason, "   ")
    assert not dialog.ok_button.isEnabled()  # spaces are no reason
    qtbot.keyClicks(dialog.reason, "Theo bao cao")  # QTest types ASCII only
    assert dialog.ok_button.isEnabled()
    dialog.reason.setPlainText("")
    assert not dialog.ok_button.isEnabled()
    dialog.reason.setPlainText("Theo số liệu Cục Thống kê")
    assert dialog.ok_button.isEnabled()
    assert not dialog.choices[None].isEnabled()  # nothing to remove yet
    assert dialog.choices[Verdict.NOT_ACHIEVED].isChecked()  # starts at the computed verdict


def test_override_through_the_context_menu_dialog_and_history(
    qtbot: QtBot, synthesis_window: MainWindow, demo_db: Database
) -> None:
    seen: list[QDialog] = []

    def answer(dialog: QDialog) -> int:
        seen.append(dialog)
        if isinstance(dialog, OverrideDialog):
            dialog.choices[Verdict.ACHIEVED].setChecked(True)
            dialog.reason.setPlainText("Theo  số liệu Cục Thống kê")
            return QDialog.DialogCode.Accepted
        return QDialog.DialogCode.Rejected

    synthesis_window.run_dialog = answer
    model = synthesis_window.model
    assert model is not None
    assert synthesis_window.open_override_dialog(model.row_of("A.2"))
    assert verdict_of(synthesis_window, "A.2") == "Đạt ✎"
    assert "Lý do: Theo số liệu Cục Thống kê" in str(verdict_of(synthesis_window, "A.2", Qt.ItemDataRole.ToolTipRole))

    synthesis_window.open_history_dialog(model.row_of("A.2"))
    history = seen[-1]
    assert isinstance(history, HistoryDialog)
    table = history.table
    newest = [table.item(0, c).text() for c in range(table.columnCount())]
    assert newest[1] == "tong_hop (Văn phòng tổng hợp)"
    assert newest[2] == "điều chỉnh đánh giá (ước thực hiện)"
    assert newest[3] == "(trống) → Đạt"
    assert newest[5] == "Theo số liệu Cục Thống kê"
    day, month, rest = newest[0].split("/")
    assert len(day) == 2 and len(month) == 2 and len(rest) == len("2025 10:30")


def test_close_and_reopen_keeps_the_values(
    qtbot: QtBot, kt_context: AppContext, table_rows: TableRows, demo_db: Database
) -> None:
    window = open_window(qtbot, kt_context, table_rows(kt_context))
    model = window.model
    assert model is not None
    assert model.edit_cell(model.row_of("A.12"), ESTIMATE, "57")
    assert model.edit_cell(model.row_of("A.12"), NOTE, "Đã rà soát")
    # A value typed but not confirmed with Enter is saved too when the window closes.
    view = window.entry_page.view
    view.setCurrentIndex(window.entry_page.proxy.mapFromSource(model.index(model.row_of("A.13"), 4)))
    view.edit(view.currentIndex())
    editor = view.indexWidget(view.currentIndex())
    editor.setText("210")  # type: ignore[union-attr]
    window.close()
    demo_db.dispose()

    again = open_database(demo_db.path)
    try:
        context = AppContext(again, "KT", 2020, PeriodKind.ESTIMATE, user="can_bo")
        reopened = open_window(qtbot, context, table_rows(context))
        model = reopened.model
        assert model is not None
        values = {code: model.rows[model.row_of(code)].input for code in ("A.12", "A.13")}
        assert (values["A.12"].estimate, values["A.12"].note, values["A.13"].estimate) == ("57", "Đã rà soát", "210")
        reopened.close()
    finally:
        again.dispose()


def test_overview_tab_shows_the_dashboard(synthesis_window: MainWindow) -> None:
    synthesis_window.tabs.setCurrentWidget(synthesis_window.overview_page)
    assert synthesis_window.dashboard is not None
    synthesis_window.dashboard.indicatorActivated.emit("A.8")
    assert synthesis_window.tabs.currentWidget() is synthesis_window.entry_page
    current = synthesis_window.entry_page.view.currentIndex()
    assert synthesis_window.entry_page.proxy.mapToSource(current).row() == synthesis_window.model.row_of("A.8")  # type: ignore[union-attr]


def test_ctrl_p_opens_the_print_preview_of_the_context(qtbot: QtBot, kt_window: MainWindow) -> None:
    opened: list[QDialog] = []

    def answer(dialog: QDialog) -> int:
        opened.append(dialog)
        return QDialog.DialogCode.Rejected

    kt_window.run_dialog = answer
    kt_window.activateWindow()
    qtbot.keyClick(kt_window.entry_page.view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert len(opened) == 1
    assert isinstance(opened[0], PrintPreviewDialog)
    assert opened[0].context is kt_window.context
    opened[0].close()


def test_missing_overview_and_print_modules_give_a_message(
    synthesis_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ui.dashboard", None)  # an import of it now fails
    monkeypatch.setitem(sys.modules, "ui.print_preview", None)
    synthesis_window.tabs.setCurrentWidget(synthesis_window.overview_page)
    assert "Tổng quan" in synthesis_window.statusBar().currentMessage()
    synthesis_window.print_action.trigger()
    assert "In biểu" in synthesis_window.statusBar().currentMessage()


def test_screenshot_of_the_main_window(kt_window: MainWindow) -> None:
    """The picture shows every verdict on screen in its own colour (tests/out/main_window.png)."""
    view, proxy = kt_window.entry_page.view, kt_window.entry_page.proxy
    model = kt_window.model
    assert model is not None
    view.clearSelection()  # a selected cell is drawn in the selection's colours, not the verdict's
    picture = screenshot(kt_window, "main_window.png")
    assert colours(picture) > 50  # a window, not a blank rectangle
    column = proxy.mapFromSource(model.index(0, model.column_of(VERDICT))).column()
    verdict_colours = {VERDICT_COLOURS[verdict].name() for verdict in Verdict}
    seen: dict[str, int] = {}
    for row in range(proxy.rowCount()):
        index = proxy.index(row, column)
        if not view.viewport().rect().contains(view.visualRect(index)):
            continue
        colour = index.data(Qt.ItemDataRole.ForegroundRole)
        if not index.data() or colour is None or colour.name() not in verdict_colours:
            continue
        region = cell_region(view, index, kt_window)
        assert pixels_of(picture, region, colour) > 5, f"{index.data()} is not drawn in its colour"
        others = [QColor(name) for name in verdict_colours - {colour.name()}]
        assert all(pixels_of(picture, region, other) == 0 for other in others)
        seen[colour.name()] = seen.get(colour.name(), 0) + 1
    assert sum(seen.values()) >= 5, seen  # the first screen of Phòng Kinh tế shows verdicts
