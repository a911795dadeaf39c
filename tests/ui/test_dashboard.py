"""The Dashboard tab on the Bắc Kạn 2020 demo: what the synthesis office reads there."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from bkdesk.catalogue import GROUPS
from bkdesk.evaluation import Evaluation
from bkdesk.summary import Counts
from bkdesk.verdicts import Verdict
from db.database import Database
from db.tables import evaluate
from tests.ui.pictures import cell_region, pixels_of, region_of, screenshot
from ui.dashboard import CODE_ROLE, DashboardWidget, NotAchievedModel
from ui.styles import VERDICT_COLOURS


@pytest.fixture
def evaluation(demo_db: Database) -> Evaluation:
    return evaluate(demo_db, 2020)


@pytest.fixture
def dashboard(qtbot: QtBot, evaluation: Evaluation) -> DashboardWidget:
    widget = DashboardWidget()
    qtbot.addWidget(widget)
    widget.resize(1340, 640)
    widget.show_evaluation(evaluation)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _cell(widget: DashboardWidget, row: int, column: int) -> str:
    return widget.model.index(row, column).data()


def test_lists_the_nine_indicators_not_achieved(dashboard: DashboardWidget, evaluation: Evaluation) -> None:
    model = dashboard.model
    assert model.rowCount() == 9
    assert [model.index(row, 0).data(CODE_ROLE) for row in range(9)] == [
        r.code for r in evaluation.summary.not_achieved
    ]
    # A.2, the first of the report's list: GRDP per head 3.050 against 3.200, 95,31% KH.
    assert _cell(dashboard, 0, NotAchievedModel.GROUP) == "A"
    assert _cell(dashboard, 0, NotAchievedModel.STT) == "2"
    assert _cell(dashboard, 0, NotAchievedModel.TARGET) == "3.200"
    assert _cell(dashboard, 0, NotAchievedModel.ESTIMATE) == "3.050"
    assert _cell(dashboard, 0, NotAchievedModel.PCT_PLAN) == "95,31"
    assert dashboard.phrase.text() == "Đạt và vượt 50/59 chỉ tiêu; 09/59 chỉ tiêu chưa đạt."
    assert dashboard.missed_title.text() == "Các chỉ tiêu chưa đạt (9)"


def test_chart_draws_the_summary_counts_per_group(dashboard: DashboardWidget, evaluation: Evaluation) -> None:
    drawn = dashboard.chart.group_counts()
    assert drawn == evaluation.summary.by_group
    assert list(drawn) == list(GROUPS)
    assert drawn["A"] == Counts(exceeded=6, achieved=1, not_achieved=6, not_evaluated=0)
    assert dashboard.chart.total_counts() == evaluation.summary.counts
    # The figures are written out in words too: nothing is told by colour alone.
    lines = dashboard.chart.row_texts()
    assert lines[0] == "A. Chỉ tiêu kinh tế: vượt 6, đạt 1, không đạt 6, chưa đánh giá 0 (tổng 13 chỉ tiêu)"
    assert lines[-1].startswith("Tất cả các nhóm:") and "không đạt 9" in lines[-1]


def test_clicking_a_row_asks_to_jump_to_it(qtbot: QtBot, dashboard: DashboardWidget) -> None:
    view = dashboard.table
    rect = view.visualRect(dashboard.model.index(3, NotAchievedModel.NAME))
    with qtbot.waitSignal(dashboard.indicatorActivated, timeout=2000) as blocker:
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["A.7"]


def test_enter_on_the_selected_row_asks_to_jump_to_it(qtbot: QtBot, dashboard: DashboardWidget) -> None:
    view = dashboard.table
    view.setFocus()
    view.setCurrentIndex(dashboard.model.index(8, NotAchievedModel.NAME))
    with qtbot.waitSignal(dashboard.indicatorActivated, timeout=2000) as blocker:
        QTest.keyClick(view, Qt.Key.Key_Return)
    assert blocker.args == ["C.3.6"]


def test_nothing_missed_shows_a_sentence_not_an_empty_table(
    qtbot: QtBot, dashboard: DashboardWidget, evaluation: Evaluation
) -> None:
    from dataclasses import replace

    all_met = replace(evaluation, summary=replace(evaluation.summary, not_achieved=()))
    dashboard.show_evaluation(all_met)
    assert dashboard.model.rowCount() == 0
    assert dashboard.missed_stack.currentWidget() is dashboard.none_missed


def test_model_is_a_well_behaved_qt_model(qtmodeltester, evaluation: Evaluation) -> None:  # type: ignore[no-untyped-def]
    model = NotAchievedModel()
    model.set_rows(evaluation.summary.not_achieved)
    qtmodeltester.check(model)
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.data(QModelIndex()) is None


def test_screenshot(dashboard: DashboardWidget, evaluation: Evaluation) -> None:
    """The picture (tests/out/dashboard.png) shows the bars in proportion and the missed rows' % KH in red."""
    view = dashboard.table
    view.clearSelection()  # a selected cell is drawn in the selection's colours
    picture = screenshot(dashboard, "dashboard.png")
    chart = region_of(dashboard.chart, dashboard)
    counts = evaluation.summary.counts
    painted = {
        verdict: pixels_of(picture, chart, VERDICT_COLOURS[verdict], tolerance=0)
        for verdict in (Verdict.EXCEEDED, Verdict.ACHIEVED, Verdict.NOT_ACHIEVED)
    }
    # Every group's bar is on one scale, so each hue covers an area in proportion to its count.
    per_indicator = sum(painted.values()) / (counts.exceeded + counts.achieved + counts.not_achieved)
    assert painted[Verdict.EXCEEDED] == pytest.approx(counts.exceeded * per_indicator, rel=0.1)
    assert painted[Verdict.ACHIEVED] == pytest.approx(counts.achieved * per_indicator, rel=0.1)
    assert painted[Verdict.NOT_ACHIEVED] == pytest.approx(counts.not_achieved * per_indicator, rel=0.1)
    for row in range(dashboard.model.rowCount()):
        cell = cell_region(view, dashboard.model.index(row, NotAchievedModel.PCT_PLAN), dashboard)
        assert pixels_of(picture, cell, VERDICT_COLOURS[Verdict.NOT_ACHIEVED]) > 5, f"% KH of row {row}"
