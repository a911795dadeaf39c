"""Ctrl+H's second tab, *Qua các năm*: an indicator's years as a table and a chart, on a two-year database."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from bkdesk.catalogue import PeriodKind
from bkdesk.verdicts import Verdict
from db.database import Database
from db.entry import set_value
from db.tables import departments, load_rows
from tests.ui.pictures import cell_region, colours, ink, pixels_of, region_of, screenshot
from ui.context import AppContext
from ui.history_chart import SERIES
from ui.history_dialog import YEARS_TAB, HistoryDialog, YearsModel
from ui.main_window import MainWindow
from ui.styles import VERDICT_COLOURS


def _open(qtbot: QtBot, context: AppContext, code: str) -> HistoryDialog:
    """The window on 2020, the row of ``code`` current, then Ctrl+H."""
    window = MainWindow()
    qtbot.addWidget(window)
    window.set_session(context, load_rows(context.db, context.year, context.period), departments(context.db))
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    shown: list[QDialog] = []
    window.run_dialog = lambda dialog: shown.append(dialog) or 0
    page = window.entry_page
    assert window.model is not None
    page.view.setCurrentIndex(page.proxy.mapFromSource(window.model.index(window.model.row_of(code), 1)))
    page.view.setFocus()
    assert window.history_action.shortcut().toString() == "Ctrl+H"
    qtbot.keyClick(page.view, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    (dialog,) = shown
    assert isinstance(dialog, HistoryDialog)
    qtbot.addWidget(dialog)
    return dialog


def _cells(model: YearsModel) -> list[list[str]]:
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_the_years_of_an_indicator_as_a_user_reads_them(
    qtbot: QtBot, synthesis_context: AppContext, demo_db: Database
) -> None:
    # The demo has 2020's estimates and the council's 2021 targets; 2020's final result and a 2021 estimate come in.
    set_value(demo_db, "A.2", 2020, "3.180", kind=PeriodKind.RESULT, actor="kiểm thử")
    set_value(demo_db, "A.2", 2021, "3.400", actor="kiểm thử")
    dialog = _open(qtbot, synthesis_context, "A.2")
    assert dialog.windowTitle() == "Lịch sử — A.2 Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ"
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == ["Thay đổi", YEARS_TAB]
    dialog.tabs.setCurrentIndex(1)
    dialog.resize(900, 560)
    dialog.show()
    qtbot.waitExposed(dialog)
    years = dialog.years
    qtbot.waitUntil(lambda: years.model.rowCount() == 2, timeout=10000)

    assert [years.model.headerData(c, Qt.Orientation.Horizontal) for c in range(7)] == [
        "Năm",
        "Nhiệm vụ",
        "Ước thực hiện",
        "Thực hiện",
        "Đánh giá",
        "% KH",
        "So với cùng kỳ (%)",
    ]
    assert _cells(years.model) == [
        ["2020", "3.200", "3.050", "3.180", "Không đạt", "99,38", ""],
        ["2021", "3.250", "3.400", "", "Vượt", "104,62", "106,92"],
    ]
    assert years.status.text().startswith("2 năm có chỉ tiêu trong biểu.")
    verdict_2020 = years.model.index(0, YearsModel.VERDICT)
    assert "Theo số thực hiện năm 2020" in verdict_2020.data(Qt.ItemDataRole.ToolTipRole)
    assert verdict_2020.data(Qt.ItemDataRole.ForegroundRole) == VERDICT_COLOURS[Verdict.NOT_ACHIEVED]
    description = years.chart.accessibleDescription()
    assert description.splitlines() == [
        "Nhiệm vụ: 2020: 3.200; 2021: 3.250",
        "Ước thực hiện: 2020: 3.050; 2021: 3.400",
        "Thực hiện: 2020: 3.180",
    ]

    picture = screenshot(dialog, "history_years.png")
    for row, verdict in ((0, Verdict.NOT_ACHIEVED), (1, Verdict.EXCEEDED)):
        cell = cell_region(years.table, years.model.index(row, YearsModel.VERDICT), dialog)
        assert pixels_of(picture, cell, VERDICT_COLOURS[verdict]) > 10, verdict
    chart = region_of(years.chart, dialog)
    for series in SERIES:  # every line and its legend drawn in its own colour
        assert pixels_of(picture, chart, series.colour, tolerance=30) > 40, series.label
    assert colours(picture, chart) > 8
    assert ink(picture, chart) > 200  # axis labels, years, legend


def test_an_indicator_with_words_has_no_line_and_says_so(
    qtbot: QtBot, synthesis_context: AppContext, demo_db: Database
) -> None:
    dialog = _open(qtbot, synthesis_context, "D.5")
    dialog.tabs.setCurrentIndex(1)
    years = dialog.years
    qtbot.waitUntil(lambda: years.model.rowCount() == 2, timeout=10000)

    assert [row[0] for row in _cells(years.model)] == ["2020", "2021"]
    assert _cells(years.model)[0][4] == "Đạt ✎"  # the office's verdict, marked as the grid marks it
    assert _cells(years.model)[1][4] == "Chưa đánh giá"
    assert years.chart.accessibleDescription() == "Không có số liệu dạng số để vẽ biểu đồ."
    assert QColor(VERDICT_COLOURS[None]) == years.model.index(1, YearsModel.VERDICT).data(
        Qt.ItemDataRole.ForegroundRole
    )
