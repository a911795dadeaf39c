"""*Tình hình nộp* in the window: a deadline set in the tab marks the late phòng in words; one count everywhere."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from bkdesk.catalogue import PeriodKind
from bkdesk.deadline import local_day
from bkdesk.exchange.setup_file import read_setup
from bkdesk.reports.settings import format_date
from db.audit import history
from db.database import Database
from db.department_setup import install_setup
from db.schema import open_database
from db.status import load_deadline
from db.submission_import import import_submissions
from db.tables import departments, load_rows
from tests.fixtures.exchange import OFFICE, YEAR, Dialogs, Phong, issue_phong
from tests.ui.pictures import cell_region, ink, pixels_of, screenshot
from ui.context import AppContext
from ui.entry_model import ESTIMATE
from ui.main_window import MainWindow
from ui.setup_dialog import SetupDialog
from ui.status_page import ASSIGNED, CODE, DOUBLED_COLOUR, INSTALLED, LATE_COLOUR, SENT, STANDING, StatusPage


@pytest.fixture
def kt(demo_db: Database, tmp_path: Path) -> Iterator[Phong]:
    made = issue_phong(demo_db, "KT", tmp_path / "phong")
    yield made
    made.db.dispose()


def open_window(qtbot: QtBot, context: AppContext, dialogs: Dialogs) -> MainWindow:
    from bkdesk.forms import restrict_to_department

    window = MainWindow()
    qtbot.addWidget(window)
    window.run_dialog = dialogs
    rows = load_rows(context.db, context.year, context.period)
    if not context.is_synthesis:
        rows = restrict_to_department(rows, context.role)
    window.set_session(context, rows, departments(context.db))
    window.resize(1366, 740)
    window.show()
    qtbot.waitExposed(window)
    return window


def cell(page: StatusPage, code: str, column: int) -> str:
    return str(page.model.index(page.model.row_of(code), column).data())


def show_status(qtbot: QtBot, window: MainWindow) -> StatusPage:
    window.exchange.status_action.trigger()
    page = window.status_page
    assert page is not None and window.tabs.currentWidget() is page
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and not window.exchange.status_busy, timeout=30000)
    return page


def choose(qtbot: QtBot, window: MainWindow, page: StatusPage, day: date) -> None:
    """Pick ``day`` in the tab's date edit and press its button, as the officer does; wait for the tab to be read."""
    page.deadline_edit.setDate(QDate(day.year, day.month, day.day))
    qtbot.mouseClick(page.set_deadline_button, Qt.MouseButton.LeftButton)
    shown = format_date(day)
    qtbot.waitUntil(
        lambda: page.deadline_label.text().startswith(shown) and not window.exchange.status_busy, timeout=30000
    )


def test_a_deadline_set_in_the_tab_marks_the_late_phong_in_words(
    qtbot: QtBot, synthesis_context: AppContext, kt: Phong, demo_db: Database, tmp_path: Path
) -> None:
    dialogs = Dialogs()
    window = open_window(qtbot, synthesis_context, dialogs)
    page = show_status(qtbot, window)
    issued = format_date(local_day(next(e.at for e in history(demo_db, YEAR) if e.action == "cấp tệp thiết lập")))
    assert cell(page, "KT", STANDING) == f"đã cấp tệp thiết lập ngày {issued}, chưa nộp"
    assert page.deadline_label.text() == "chưa đặt: chọn ngày rồi bấm Đặt hạn nộp"
    assert page.set_deadline_button.text() == "Đặt hạn nộp" and not page.clear_deadline_button.isEnabled()
    assert page.deadline_edit.displayFormat() == "dd/MM/yyyy" and page.late_label.isHidden()

    choose(qtbot, window, page, date(2020, 12, 15))
    assert load_deadline(demo_db, YEAR, PeriodKind.ESTIMATE) == date(2020, 12, 15)
    assert page.deadline_edit.text() == "15/12/2020" and page.deadline_label.text() == "15/12/2020 (đã qua)"
    assert page.set_deadline_button.text() == "Đổi hạn nộp" and page.clear_deadline_button.isEnabled()
    assert cell(page, "KT", STANDING) == f"QUÁ HẠN: đã cấp tệp thiết lập ngày {issued}, chưa nộp"
    assert cell(page, "TNMT", STANDING) == "QUÁ HẠN: chưa nộp"
    assert page.late_label.isVisible()
    assert page.late_label.text().startswith("<b>Quá hạn, chưa nộp: 14 phòng (VP, KT, TCKH, ")
    entry = history(demo_db, YEAR)[-1]
    assert (entry.action, entry.period, entry.old, entry.new, entry.actor) == (
        "đặt hạn nộp",
        "uoc",
        "",
        "15/12/2020",
        synthesis_context.actor,
    )
    assert "Đã đặt hạn nộp số liệu ước thực hiện năm 2020: 15/12/2020." in window.statusBar().currentMessage()

    # KT sends after the deadline: it is late in its own way; the others are still to be chased.
    kt.enter("A.2", "3.100")
    import_submissions(demo_db, [kt.submit(tmp_path)], actor=OFFICE)
    window.exchange.after_change()
    qtbot.waitUntil(lambda: cell(page, "KT", STANDING).startswith("NỘP MUỘN"), timeout=30000)
    qtbot.waitUntil(lambda: not window.exchange.status_busy, timeout=30000)
    assert cell(page, "KT", SENT) == "1"
    assert page.late_label.text().endswith("; nộp muộn: 1 phòng (KT)</b>")
    page.table.clearSelection()
    picture = screenshot(window, "status_tab_deadline.png")
    for code in ("KT", "YT"):
        for column in (CODE, STANDING):
            region = cell_region(page.table, page.model.index(page.model.row_of(code), column), window)
            assert pixels_of(picture, region, LATE_COLOUR) > 10, (code, column)
    caption = page.late_label.geometry().translated(page.mapTo(window, page.rect().topLeft()))
    assert pixels_of(picture, caption, LATE_COLOUR) > 50

    # A deadline still ahead marks nobody, in words or in colour.
    choose(qtbot, window, page, date.today() + timedelta(days=10))
    assert cell(page, "KT", STANDING) == "đã nộp đúng hạn" and page.late_label.isHidden()
    picture = screenshot(window, "status_tab_deadline_ahead.png")
    region = cell_region(page.table, page.model.index(page.model.row_of("KT"), STANDING), window)
    assert pixels_of(picture, region, LATE_COLOUR) == 0 and ink(picture, region, darker_than=160) > 10

    qtbot.mouseClick(page.clear_deadline_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.deadline_label.text().startswith("chưa đặt"), timeout=30000)
    assert load_deadline(demo_db, YEAR, PeriodKind.ESTIMATE) is None and cell(page, "KT", STANDING) == "đã nộp"


def test_a_deadline_the_service_refuses_is_a_message_and_nothing_changes(
    qtbot: QtBot, synthesis_context: AppContext, demo_db: Database
) -> None:
    dialogs = Dialogs()
    window = open_window(qtbot, synthesis_context, dialogs)
    show_status(qtbot, window)
    window.exchange.set_deadline(date(2019, 12, 15))  # the edit's minimum stops this; the service says why too
    assert "Hạn nộp 15/12/2019 trước năm 2020" in dialogs.messages()[-1]
    assert load_deadline(demo_db, YEAR, PeriodKind.ESTIMATE) is None


def test_the_setup_dialog_the_send_message_the_grid_and_the_tab_count_kt_alike(
    qtbot: QtBot,
    synthesis_context: AppContext,
    kt: Phong,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    setup = read_setup(kt.setup.read_bytes())
    dialog = SetupDialog(
        setup, kt.setup.name, default_database=tmp_path / "kt2.sqlite", current_database=None, current_owner=None
    )
    qtbot.addWidget(dialog)
    assert "28 chỉ tiêu của phòng" in dialog.summary.text()

    dialogs = Dialogs()
    context = AppContext(kt.db, "KT", YEAR, PeriodKind.ESTIMATE, user="can_bo", department_name="Phòng Kinh tế")
    phong = open_window(qtbot, context, dialogs)
    model = phong.model
    assert model is not None
    column = model.column_of(ESTIMATE)
    own = [r for r, row in enumerate(model.rows) if row.input.indicator.department == "KT"]
    editable = [r for r in own if model.flags(model.index(r, column)) & Qt.ItemFlag.ItemIsEditable]
    assert (len(own), len(editable)) == (29, 28)  # A.15 "Xây dựng NTM" is grey
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args: (str(tmp_path / "KT-1.json"), ""))
    phong.exchange.submit_action.trigger()
    qtbot.waitUntil(lambda: not phong.exchange.runner.busy and bool(dialogs.messages()), timeout=30000)
    assert "27/28 chỉ tiêu đã có số liệu" in dialogs.messages()[-1]

    office = open_window(qtbot, synthesis_context, Dialogs())
    assert cell(show_status(qtbot, office), "KT", ASSIGNED) == "28"


def test_the_tab_counts_each_phongs_installations_and_a_setup_file_on_two_pcs_stands_out(
    qtbot: QtBot, synthesis_context: AppContext, kt: Phong, demo_db: Database, tmp_path: Path
) -> None:
    yt = issue_phong(demo_db, "YT", tmp_path / "phong")  # issued and silent: no installation to show
    yt.db.dispose()
    gddt = issue_phong(demo_db, "GDDT", tmp_path / "phong")  # one PC, as it should be
    gddt.enter("C.1.6", "98,5")
    import_submissions(demo_db, [gddt.submit(tmp_path / "gddt")], actor=OFFICE)
    gddt.db.dispose()
    second = open_database(tmp_path / "KT-may-2.sqlite")  # KT's setup file installed on a second PC too
    try:
        install_setup(second, kt.setup, actor="cán bộ KT máy 2", passphrase=kt.passphrase)
        kt.enter("A.11", "1.400")
        Phong("KT", second, kt.setup, kt.passphrase).enter("A.12", "57")
        files = [kt.submit(tmp_path / "a"), Phong("KT", second, kt.setup, kt.passphrase).submit(tmp_path / "b")]
        import_submissions(demo_db, files, actor=OFFICE)
    finally:
        second.dispose()

    dialogs = Dialogs()
    window = open_window(qtbot, synthesis_context, dialogs)
    page = show_status(qtbot, window)
    assert page.model.headerData(INSTALLED, Qt.Orientation.Horizontal) == "Bản cài"
    assert [cell(page, code, INSTALLED) for code in ("KT", "GDDT", "YT", "TNMT")] == ["2 — cài trùng", "1", "—", "—"]
    assert cell(page, "YT", STANDING).startswith("đã cấp tệp thiết lập ngày ")
    tip = str(page.model.index(page.model.row_of("KT"), INSTALLED).data(Qt.ItemDataRole.ToolTipRole)).split("\n")
    assert len(tip) == 3
    assert tip[0].startswith("bản cài ") and "tệp thiết lập thiet-lap-KT-2020.setup (cấp ngày " in tip[0]
    assert "số thứ tự cuối 1; tệp cuối KT-2020-uoc-so1.json, nhận lúc " in tip[0]
    assert tip[2].startswith("Chú ý: tệp thiết lập thiet-lap-KT-2020.setup của phòng KT được cài trên 2 máy")
    gddt_tip = str(page.model.index(page.model.row_of("GDDT"), INSTALLED).data(Qt.ItemDataRole.ToolTipRole))
    assert gddt_tip.startswith("bản cài ") and "Chú ý" not in gddt_tip
    assert page.doubled_label.isVisible() and "phòng KT được cài trên 2 máy" in page.doubled_label.text()

    page.table.clearSelection()
    page.table.scrollTo(page.model.index(page.model.row_of("KT"), INSTALLED))
    picture = screenshot(window, "status_tab_installations.png")
    doubled = cell_region(page.table, page.model.index(page.model.row_of("KT"), INSTALLED), window)
    single = cell_region(page.table, page.model.index(page.model.row_of("GDDT"), INSTALLED), window)
    assert pixels_of(picture, doubled, DOUBLED_COLOUR) > 10
    assert pixels_of(picture, single, DOUBLED_COLOUR) == 0 and ink(picture, single, darker_than=160) > 3
    caption = page.doubled_label.geometry().translated(page.mapTo(window, page.rect().topLeft()))
    assert pixels_of(picture, caption, DOUBLED_COLOUR) > 50
