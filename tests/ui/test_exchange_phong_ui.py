"""A phòng's side of the exchange in the app: its setup file, its own database, sending its figures."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QFileDialog, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from bkdesk.catalogue import PeriodKind
from db.database import Database, default_db_path
from db.demo import install_demo
from db.exchange_models import DepartmentIdentity
from db.issue import issue_department
from db.roles import database_role
from db.schema import open_database
from db.submission_import import ImportStatus, import_submissions
from db.tables import catalogue, departments, load_rows
from tests.fixtures.exchange import OFFICE, YEAR, Dialogs, Phong, issue_phong
from tests.ui.pictures import pixels_of, region_of, screenshot
from ui.context import AppContext
from ui.department_file_dialog import DepartmentFileDialog
from ui.import_job import STOPPED, Scanned, import_task
from ui.main_window import MainWindow
from ui.options import AppOptions
from ui.settings_store import Choice, SettingsStore
from ui.setup_dialog import SetupDialog
from ui.start_dialog import StartDialog
from ui.startup import AppController
from ui.workers import Job, _Signals


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
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def kt_window(qtbot: QtBot, kt: Phong) -> tuple[MainWindow, Dialogs]:
    dialogs = Dialogs()
    context = AppContext(kt.db, "KT", YEAR, PeriodKind.ESTIMATE, user="can_bo", department_name="Phòng Kinh tế")
    return open_window(qtbot, context, dialogs), dialogs


def wait_free(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.exchange.runner.busy, timeout=30000)


def test_a_phong_database_offers_the_phong_actions_only(kt_window: tuple[MainWindow, Dialogs]) -> None:
    window, _dialogs = kt_window
    exchange = window.exchange
    assert exchange.state.owner is not None and exchange.state.owner.code == "KT"
    assert exchange.submit_action.isEnabled() and exchange.setup_action.isEnabled()
    assert not any(action.isEnabled() for action in exchange.synthesis_actions)
    assert window.status_page is None and window.tabs.count() == 2


def test_send_writes_a_signed_file_the_synthesis_office_takes_in(
    qtbot: QtBot,
    kt_window: tuple[MainWindow, Dialogs],
    kt: Phong,
    demo_db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window, dialogs = kt_window
    model = window.model
    assert model is not None
    assert model.edit_cell(model.row_of("A.2"), "estimate", "3.100")
    suggested: list[str] = []
    usb = tmp_path / "usb"

    def save(_parent: object, _title: str, proposed: str, *_rest: object) -> tuple[str, str]:
        suggested.append(Path(proposed).name)
        return str(usb / Path(proposed).name), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
    window.exchange.submit_action.trigger()
    wait_free(qtbot, window)
    with kt.db.read() as session:
        mark = session.scalar(select(DepartmentIdentity.installation_id))[:8]  # type: ignore[index]
    # Numbered, and named after this PC's installation: two PCs of one phòng never send two files of one name.
    assert suggested == [f"KT-2020-uoc-so1-{mark}.json"]
    sent = usb / suggested[0]
    assert sent.is_file()
    told = dialogs.messages()[-1]
    assert str(sent) in told and "số thứ tự 1" in told and "văn phòng tổng hợp" in told and "USB" in told
    assert suggested[0] in window.statusBar().currentMessage()

    window.exchange.submit_action.trigger()  # the next one carries the next number
    wait_free(qtbot, window)
    assert suggested[-1] == f"KT-2020-uoc-so2-{mark}.json"

    (outcome,) = import_submissions(demo_db, [sent], actor=OFFICE)
    assert (outcome.status, outcome.values_changed) == (ImportStatus.ACCEPTED, 1)
    assert next(r.estimate for r in load_rows(demo_db, YEAR) if r.indicator.code == "A.2") == "3.100"


def test_each_side_shows_the_services_refusal_when_invoked_anyway(
    qtbot: QtBot,
    kt_window: tuple[MainWindow, Dialogs],
    synthesis_context: AppContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window, dialogs = kt_window
    dialogs.on(DepartmentFileDialog, lambda dialog: int(QDialog.DialogCode.Accepted))
    window.settings.save_exchange_folder(str(tmp_path))  # where the dialog proposes the file
    window.exchange.issue()  # disabled in the menu, called all the same
    wait_free(qtbot, window)
    assert "Chỉ văn phòng tổng hợp mới cấp tệp thiết lập" in dialogs.messages()[-1]

    office_dialogs = Dialogs()
    office = open_window(qtbot, synthesis_context, office_dialogs)
    target = tmp_path / "x.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(target), ""))
    office.exchange.submit()
    wait_free(qtbot, office)
    message = office_dialogs.messages()[-1]
    assert "Chỉ cơ sở dữ liệu của một phòng" in message and str(target) in message
    assert not target.exists()


class Started:
    """A window with its controller, as ``python main.py`` makes them; dialogs answered by the test."""

    def __init__(self, qtbot: QtBot, options: AppOptions, dialogs: Dialogs) -> None:
        self.settings = SettingsStore()
        self.window = MainWindow(self.settings)
        qtbot.addWidget(self.window)
        self.controller = AppController(self.window, options, self.settings)
        self.warnings: list[str] = []
        self.controller.warn = self.warnings.append
        self.window.run_dialog = dialogs

    def run(self, qtbot: QtBot) -> MainWindow:
        with qtbot.waitSignal(self.controller.ready, timeout=30000):
            self.window.show()
            self.controller.start()
        # The menus that go to the database open once its layer has loaded behind the grid.
        qtbot.waitUntil(lambda: self.window.database_ready, timeout=30000)
        return self.window

    def close(self) -> None:
        self.window.close()
        self.controller.shutdown()


@pytest.fixture
def office_file(tmp_path: Path) -> Iterator[tuple[Path, Path, str]]:
    """The synthesis office's database file, a setup file it issued to Phòng Kinh tế, and its passphrase."""
    path = tmp_path / "tonghop.sqlite"
    db = open_database(path)
    install_demo(db, actor=OFFICE)
    setup = tmp_path / "usb" / "thiet-lap-KT-2020.setup"
    issued = issue_department(db, "KT", YEAR, setup, actor=OFFICE)
    db.dispose()
    yield path, setup, issued.passphrase


def test_open_setup_makes_the_phong_database_and_reopens_as_that_phong(
    qtbot: QtBot, office_file: tuple[Path, Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    office, setup, passphrase = office_file
    expected = default_db_path().with_name("bkdesk-KT.sqlite")
    dialogs = Dialogs()
    proposed: list[str] = []

    def accept(dialog: QDialog) -> int:
        assert isinstance(dialog, SetupDialog)
        proposed.append(dialog.database.text())
        proposed.append(dialog.summary.text())
        assert not dialog.ok_button.isEnabled()  # nothing is installed without the passphrase
        dialog.passphrase.setText(passphrase)
        assert dialog.ok_button.isEnabled()
        return int(QDialog.DialogCode.Accepted)

    dialogs.on(SetupDialog, accept)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(setup), ""))
    started = Started(qtbot, AppOptions(db=str(office), role="tonghop", year=YEAR), dialogs)
    window = started.run(qtbot)
    try:
        window.exchange.setup_action.trigger()
        qtbot.waitUntil(
            lambda: window.context is not None and window.context.db.path == expected and window.model is not None,
            timeout=30000,
        )
        assert proposed[0] == str(expected)
        assert "Phòng Kinh tế (KT)" in proposed[1] and "năm 2020" in proposed[1]
        assert "Đã tạo cơ sở dữ liệu của Phòng Kinh tế (KT), năm 2020" in dialogs.messages()[-1]
        assert window.windowTitle() == "bkdesk — Phòng Kinh tế — Ước thực hiện năm 2020"
        assert window.exchange.submit_action.isEnabled() and not window.exchange.import_action.isEnabled()
        assert window.model.row_of("A.2") >= 0 and window.model.row_of("C.2.1") < 0  # type: ignore[union-attr]
        assert started.settings.database() == str(expected)
    finally:
        started.close()

    # Next start, without --db: the phòng's database, as the phòng, without asking.
    again = Started(qtbot, AppOptions(), Dialogs())
    try:
        window = again.run(qtbot)
        assert window.context is not None and window.context.db.path == expected
        assert window.windowTitle() == "bkdesk — Phòng Kinh tế — Ước thực hiện năm 2020"
    finally:
        again.close()


def test_a_wrong_passphrase_says_so_and_the_same_dialog_asks_again(
    qtbot: QtBot, office_file: tuple[Path, Path, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    office, setup, passphrase = office_file
    chosen = tmp_path / "may-cua-phong" / "kt.sqlite"
    dialogs = Dialogs()
    seen: list[tuple[str, bool, str]] = []

    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, SetupDialog)
        seen.append((dialog.database.text(), not dialog.problem.isHidden(), dialog.problem.text()))
        if len(seen) == 1:
            dialog.database.setText(str(chosen))
            dialog.passphrase.setText("ABCD-EFGH-JKLM-NPQR")
            return int(QDialog.DialogCode.Accepted)
        assert not chosen.exists()  # the wrong passphrase touched no database
        dialog.show()
        qtbot.waitExposed(dialog)
        picture = screenshot(dialog, "setup_dialog_wrong_passphrase.png")
        assert pixels_of(picture, region_of(dialog.problem, dialog), QColor("#b91c1c")) > 50  # said in red
        assert dialog.problem.height() >= dialog.problem.heightForWidth(dialog.problem.width())  # every line of it
        assert dialog.passphrase.echoMode() == QLineEdit.EchoMode.Password
        assert dialog.focusWidget() is dialog.passphrase and dialog.passphrase.selectedText() == "ABCD-EFGH-JKLM-NPQR"
        dialog.show_passphrase.setChecked(True)
        assert dialog.passphrase.echoMode() == QLineEdit.EchoMode.Normal
        dialog.passphrase.setText(passphrase.replace("-", " ").lower())  # as read out over the telephone
        return int(QDialog.DialogCode.Accepted)

    dialogs.on(SetupDialog, answer)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(setup), ""))
    started = Started(qtbot, AppOptions(db=str(office), role="tonghop", year=YEAR), dialogs)
    window = started.run(qtbot)
    try:
        window.exchange.setup_action.trigger()
        qtbot.waitUntil(lambda: window.context is not None and window.context.db.path == chosen, timeout=30000)
        assert len(seen) == 2 and len(dialogs.of(SetupDialog)) == 2
        assert seen[0][1:] == (False, "")
        database, problem_shown, problem = seen[1]
        assert database == str(chosen) and problem_shown  # the choice kept, the problem said
        assert problem.startswith("Cụm mật khẩu không đúng với tệp thiết lập thiet-lap-KT-2020.setup (phòng KT)")
        (told,) = dialogs.messages()  # no error box: the dialog itself said it
        assert "Đã tạo cơ sở dữ liệu của Phòng Kinh tế (KT)" in told
    finally:
        started.close()


def test_a_phong_database_refuses_another_role_and_offers_only_its_phong(qtbot: QtBot, kt: Phong) -> None:
    assert kt.db.path is not None
    dialogs = Dialogs()
    offered: list[list[str]] = []

    def choose(dialog: QDialog) -> int:
        assert isinstance(dialog, StartDialog)
        offered.append([dialog.role.itemData(i) for i in range(dialog.role.count())])
        return int(QDialog.DialogCode.Accepted)

    dialogs.on(StartDialog, choose)
    started = Started(qtbot, AppOptions(db=str(kt.db.path), role="tonghop"), dialogs)
    try:
        window = started.run(qtbot)
        (warning,) = started.warnings
        assert "là của Phòng Kinh tế (KT)" in warning and "không mở được với vai trò «tonghop»" in warning
        assert offered == [["KT"]]
        assert window.windowTitle() == "bkdesk — Phòng Kinh tế — Ước thực hiện năm 2020"
    finally:
        started.close()


def test_a_remembered_synthesis_choice_does_not_open_a_phong_database_as_another(qtbot: QtBot, kt: Phong) -> None:
    assert kt.db.path is not None
    SettingsStore().save_choice(Choice("tonghop", 2021, PeriodKind.ESTIMATE))
    started = Started(qtbot, AppOptions(db=str(kt.db.path)), Dialogs())
    try:
        window = started.run(qtbot)
        assert started.warnings == []
        assert window.context is not None and (window.context.role, window.context.year) == ("KT", 2020)
    finally:
        started.close()


def test_replacing_the_open_database_keeps_the_old_one_aside(
    qtbot: QtBot, office_file: tuple[Path, Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    office, setup, passphrase = office_file
    dialogs = Dialogs()

    def replace(dialog: QDialog) -> int:
        assert isinstance(dialog, SetupDialog)
        assert dialog.replace_current.isEnabled()
        dialog.replace_current.setChecked(True)
        dialog.passphrase.setText(passphrase)
        return int(QDialog.DialogCode.Accepted)

    questions: list[str] = []

    def confirm(box: QDialog) -> int:
        assert isinstance(box, QMessageBox)
        if box.icon() == QMessageBox.Icon.Question:
            questions.append(box.text())
            return int(QMessageBox.StandardButton.Yes)
        return int(QMessageBox.StandardButton.Ok)

    dialogs.on(SetupDialog, replace)
    dialogs.on(QMessageBox, confirm)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(setup), ""))
    started = Started(qtbot, AppOptions(db=str(office), role="tonghop", year=YEAR), dialogs)
    window = started.run(qtbot)
    try:
        window.exchange.setup_action.trigger()
        qtbot.waitUntil(lambda: window.context is not None and window.context.role == "KT", timeout=30000)
        assert window.context is not None and window.context.db.path == office
        (question,) = questions
        assert str(office) in question and "tonghop.truoc-thiet-lap-" in question
        backups = list(office.parent.glob("tonghop.truoc-thiet-lap-*.sqlite"))
        assert len(backups) == 1
    finally:
        started.close()
    kept = open_database(backups[0])
    try:
        assert database_role(kept).is_synthesis and len(catalogue(kept)) > 100  # the old data, whole
    finally:
        kept.dispose()


def test_a_damaged_setup_file_is_a_message_naming_it(
    qtbot: QtBot, kt_window: tuple[MainWindow, Dialogs], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, dialogs = kt_window
    bad = tmp_path / "thiet-lap-hong.setup"
    bad.write_text("{không phải tệp thiết lập", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(bad), ""))
    window.exchange.setup_action.trigger()
    (message,) = dialogs.messages()
    assert message.startswith("Tệp thiết lập thiet-lap-hong.setup: ")
    assert not dialogs.of(SetupDialog)


def test_a_stop_between_files_keeps_what_was_applied(demo_db: Database, tmp_path: Path) -> None:
    phong = {code: issue_phong(demo_db, code, tmp_path / "phong") for code in ("KT", "YT", "GDDT")}
    try:
        files = [phong[code].submit(tmp_path) for code in ("KT", "YT", "GDDT")]
    finally:
        for item in phong.values():
            item.db.dispose()
    scanned = [Scanned(i, path, departments(demo_db)[0], YEAR, PeriodKind.ESTIMATE, 1) for i, path in enumerate(files)]
    cancel = threading.Event()
    signals = _Signals()
    signals.progress.connect(lambda done, total: cancel.set())  # the user presses Hủy after the first file
    run = import_task(demo_db, scanned, set(), actor=OFFICE)(Job(signals, cancel))
    assert run.stopped
    assert [line.outcome.status if line.outcome else line.skipped for line in run.lines] == [
        ImportStatus.ACCEPTED,
        STOPPED,
        STOPPED,
    ]
    from db.status import completeness

    sent = {line.code: line.last_sequence for line in completeness(demo_db, YEAR)}
    assert (sent["KT"], sent["YT"], sent["GDDT"]) == (1, None, None)


def test_files_dropped_on_a_phong_window_are_not_taken(
    kt_window: tuple[MainWindow, Dialogs], kt: Phong, tmp_path: Path
) -> None:
    from PySide6.QtCore import QMimeData, QUrl

    window, _dialogs = kt_window
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(kt.submit(tmp_path)))])
    assert not window.exchange.accepts_drop(mime)
    assert not window.exchange.drop(mime)


def test_another_database_is_opened_from_the_menu_with_the_chooser(
    qtbot: QtBot, kt: Phong, office_file: tuple[Path, Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert kt.db.path is not None
    office, _setup, _passphrase = office_file
    dialogs = Dialogs()
    offered: list[list[str]] = []

    def choose(dialog: QDialog) -> int:
        assert isinstance(dialog, StartDialog)
        offered.append([dialog.role.itemData(i) for i in range(dialog.role.count())])
        return int(QDialog.DialogCode.Accepted)  # the synthesis office, first in the list

    dialogs.on(StartDialog, choose)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(office), ""))
    started = Started(qtbot, AppOptions(db=str(kt.db.path)), dialogs)
    window = started.run(qtbot)
    try:
        window.exchange.other_database_action.trigger()
        qtbot.waitUntil(lambda: window.context is not None and window.context.db.path == office, timeout=30000)
        assert offered[-1][:2] == ["tonghop", "VP"]  # asked afresh: the phòng chosen before means nothing here
        assert window.windowTitle() == "bkdesk — Văn phòng tổng hợp — Ước thực hiện năm 2020"
        assert started.settings.database() == str(office)
    finally:
        started.close()


def test_a_remembered_database_that_is_gone_falls_back_to_the_default(qtbot: QtBot, tmp_path: Path) -> None:
    SettingsStore().save_database(str(tmp_path / "usb-da-rut" / "bkdesk-KT.sqlite"))
    started = Started(qtbot, AppOptions(role="tonghop", year=YEAR), Dialogs())
    try:
        window = started.run(qtbot)
        assert window.context is not None and window.context.db.path == default_db_path()
    finally:
        started.close()
