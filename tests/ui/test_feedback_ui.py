"""The return file in the app: *Gửi phản hồi cho phòng…* at the synthesis office, *Nhận phản hồi…* and
*Chọn số sau phản hồi…* on the phòng's PC, with what each window then shows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from bkdesk.catalogue import PeriodKind
from db.conflicts import Keep, list_conflicts, resolve_conflict
from db.database import Database
from db.entry import set_value
from db.submission_import import import_submissions
from db.tables import departments, load_rows
from tests.fixtures.exchange import OFFICE, YEAR, Dialogs, Phong, issue_phong
from tests.ui.pictures import screenshot
from tests.ui.selection import select_row
from ui.context import AppContext
from ui.department_file_dialog import DepartmentFileDialog
from ui.feedback_dialog import CITY, OWN, FeedbackChoicesDialog
from ui.main_window import MainWindow


@pytest.fixture
def kt(demo_db: Database, tmp_path: Path) -> Iterator[Phong]:
    made = issue_phong(demo_db, "KT", tmp_path / "phong")
    yield made
    made.db.dispose()


def open_window(qtbot: QtBot, context: AppContext, dialogs: Dialogs) -> MainWindow:
    from bkdesk.forms import restrict_to_department

    window = MainWindow()
    qtbot.addWidget(window)
    window.run_dialog = dialogs  # type: ignore[method-assign]
    rows = load_rows(context.db, context.year, context.period)
    if not context.is_synthesis:
        rows = restrict_to_department(rows, context.role)
    window.set_session(context, rows, departments(context.db))
    window.resize(1366, 740)
    window.show()
    qtbot.waitExposed(window)
    return window


def shown_in_grid(window: MainWindow, code: str) -> str:
    model = window.model
    assert model is not None
    return str(model.index(model.row_of(code), model.column_of("estimate")).data())


def send_from_office(qtbot: QtBot, demo_db: Database, folder: Path) -> tuple[Path, list[str]]:
    dialogs = Dialogs()
    window = open_window(qtbot, AppContext(demo_db, "tonghop", YEAR, PeriodKind.ESTIMATE, user="van_thu"), dialogs)
    proposed: list[str] = []

    def fill(dialog: QDialog) -> int:
        assert isinstance(dialog, DepartmentFileDialog)
        dialog.select_department("KT")
        proposed.append(Path(dialog.file.text()).name)
        dialog.file.setText(str(folder / "KT-phanhoi.json"))
        return int(QDialog.DialogCode.Accepted)

    dialogs.on(DepartmentFileDialog, fill)
    assert window.exchange.feedback_action.isEnabled()
    window.exchange.feedback_action.trigger()
    qtbot.waitUntil(lambda: not window.exchange.runner.busy and bool(dialogs.of(QMessageBox)), timeout=30000)
    assert proposed == ["KT-2020-phanhoi.json"]
    window.close()
    return folder / "KT-phanhoi.json", dialogs.messages()


def test_the_office_sends_and_the_phong_window_then_shows_the_citys_figures(
    qtbot: QtBot, demo_db: Database, kt: Phong, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kt.enter("A.12", "57")
    set_value(demo_db, "A.12", YEAR, "60", actor=OFFICE)
    import_submissions(demo_db, [kt.submit(tmp_path / "out")], actor=OFFICE)
    (conflict,) = list_conflicts(demo_db, YEAR)
    resolve_conflict(demo_db, conflict.id, Keep.LOCAL, "theo số của Chi cục Thủy sản", actor=OFFICE)

    path, office_messages = send_from_office(qtbot, demo_db, tmp_path / "usb")
    assert any("Đã ghi tệp phản hồi năm 2020 cho phòng KT" in text for text in office_messages), office_messages
    assert path.exists()

    dialogs = Dialogs()
    context = AppContext(kt.db, "KT", YEAR, PeriodKind.ESTIMATE, user="can_bo", department_name="Phòng Kinh tế")
    window = open_window(qtbot, context, dialogs)
    assert shown_in_grid(window, "A.12") == "57"
    assert window.exchange.receive_feedback_action.isEnabled()
    assert not window.exchange.choices_action.isEnabled()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(path), ""))
    window.exchange.receive_feedback_action.trigger()
    qtbot.waitUntil(lambda: not window.exchange.runner.busy and bool(dialogs.of(QMessageBox)), timeout=30000)

    assert shown_in_grid(window, "A.12") == "60"
    (message,) = dialogs.messages()
    assert "Đã nhận tệp phản hồi KT-phanhoi.json năm 2020 của phòng KT" in message
    assert "Xung đột A.12 (ước thực hiện, giá trị): phòng gửi «57», văn phòng có «60» — giữ số của văn phòng" in message


def test_figures_edited_since_the_last_file_are_chosen_in_a_dialog(
    qtbot: QtBot, demo_db: Database, kt: Phong, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kt.enter("A.11", "1.400")
    kt.enter("A.2", "3.100")
    import_submissions(demo_db, [kt.submit(tmp_path / "out")], actor=OFFICE)
    set_value(demo_db, "A.11", YEAR, "1.405", actor=OFFICE)
    set_value(demo_db, "A.2", YEAR, "3.120", actor=OFFICE)
    kt.enter("A.11", "1.410")
    kt.enter("A.2", "3.150")
    path, _messages = send_from_office(qtbot, demo_db, tmp_path / "usb")

    dialogs = Dialogs()
    context = AppContext(kt.db, "KT", YEAR, PeriodKind.ESTIMATE, user="can_bo", department_name="Phòng Kinh tế")
    window = open_window(qtbot, context, dialogs)
    seen: list[list[tuple[str, str, str]]] = []

    def choose(dialog: QDialog) -> int:
        assert isinstance(dialog, FeedbackChoicesDialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        model = dialog.model
        seen.append([(model.record(r).code, model.index(r, CITY).data(), model.index(r, OWN).data()) for r in range(2)])
        screenshot(dialog, "feedback-choices.png")
        select_row(dialog.table, [r.code for r in model.records].index("A.11"))
        dialog.keep_own.click()
        assert dialog.model.rowCount() == 1
        select_row(dialog.table, 0)
        dialog.take_city.click()
        assert dialog.model.rowCount() == 0 and "Không còn số liệu nào chờ chọn" in dialog.intro.text()
        return int(QDialog.DialogCode.Rejected)

    dialogs.on(FeedbackChoicesDialog, choose)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(path), ""))
    window.exchange.receive_feedback_action.trigger()
    qtbot.waitUntil(lambda: not window.exchange.runner.busy and bool(seen), timeout=30000)

    assert sorted(seen[0]) == [("A.11", "1.405", "1.410"), ("A.2", "3.120", "3.150")]
    assert "2 số liệu phòng đã sửa sau lần gửi trước" in dialogs.messages()[0]
    assert (shown_in_grid(window, "A.11"), shown_in_grid(window, "A.2")) == ("1.410", "3.120")
    assert not window.exchange.choices_action.isEnabled()
    assert window.exchange.choices_action.text() == "Chọn số sau phản hồi…"


def test_a_return_file_for_another_phong_is_refused_in_a_message_and_the_window_keeps_its_figures(
    qtbot: QtBot, demo_db: Database, kt: Phong, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from db.feedback_export import export_feedback
    from tests.fixtures.commands import dump

    issue_phong(demo_db, "TCKH", tmp_path / "tckh").db.dispose()
    set_value(demo_db, "A.12", YEAR, "60", actor=OFFICE)
    wrong = tmp_path / "usb" / "TCKH-phanhoi.json"
    wrong.parent.mkdir()
    export_feedback(demo_db, "TCKH", YEAR, wrong, actor=OFFICE)
    assert kt.db.path is not None
    before = dump(kt.db.path)

    dialogs = Dialogs()
    context = AppContext(kt.db, "KT", YEAR, PeriodKind.ESTIMATE, user="can_bo", department_name="Phòng Kinh tế")
    window = open_window(qtbot, context, dialogs)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(wrong), ""))
    window.exchange.receive_feedback_action.trigger()
    qtbot.waitUntil(lambda: not window.exchange.runner.busy and bool(dialogs.of(QMessageBox)), timeout=30000)

    (box,) = dialogs.of(QMessageBox)
    assert isinstance(box, QMessageBox) and box.icon() == QMessageBox.Icon.Warning
    (message,) = dialogs.messages()
    assert "Tệp phản hồi TCKH-phanhoi.json: tệp dành cho phòng TCKH (Phòng Tài chính - Kế hoạch)" in message
    assert "máy này là của phòng KT (Phòng Kinh tế). Chưa nhận gì." in message
    assert shown_in_grid(window, "A.12") == "54,47"
    assert dump(kt.db.path) == before
