"""Start-up: database opened after the first paint, the chooser, the remembered choice, the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from bkdesk.catalogue import PeriodKind
from bkdesk.verdicts import Verdict
from db.demo import install_demo
from db.entry import set_value
from db.locking import lock_period
from db.schema import open_database
from db.submission_import import import_submissions
from db.tables import load_rows
from tests.fixtures.exchange import issue_phong
from ui.app import parse_options
from ui.main_window import MainWindow
from ui.session import AppOptions
from ui.settings_store import Choice, SettingsStore
from ui.start_dialog import StartDialog
from ui.startup import AppController

ROOT = Path(__file__).resolve().parent.parent.parent
HEAVY = ("reportlab", "openpyxl", "cryptography")


class Started:
    """A window and its controller, with the dialogs and warnings answered by the test."""

    def __init__(self, qtbot: QtBot, options: AppOptions, choose: Choice | None = None) -> None:
        self.settings = SettingsStore()
        self.window = MainWindow(self.settings)
        qtbot.addWidget(self.window)
        self.controller = AppController(self.window, options, self.settings)
        self.warnings: list[str] = []
        self.dialogs: list[QDialog] = []
        self.controller.warn = self.warnings.append
        self.choose = choose

        def answer(dialog: QDialog) -> int:
            self.dialogs.append(dialog)
            if isinstance(dialog, StartDialog) and self.choose is not None:
                dialog._select(self.choose)
                return QDialog.DialogCode.Accepted
            return QDialog.DialogCode.Rejected

        self.window.run_dialog = answer

    def run(self, qtbot: QtBot) -> None:
        with qtbot.waitSignal(self.controller.ready, timeout=30000):
            self.window.show()
            self.controller.start()
        # The menus that go to the database open once its layer has loaded behind the grid.
        qtbot.waitUntil(lambda: self.window.database_ready, timeout=30000)

    def close(self) -> None:
        self.window.close()
        self.controller.shutdown()


def test_options_of_the_app() -> None:
    options = parse_options(["--db", "x.sqlite", "--role", "KT", "--year", "2020", "--period", "thuc-hien"])
    assert options == AppOptions("x.sqlite", None, "KT", 2020, PeriodKind.RESULT)


def test_role_and_year_from_the_command_line_skip_the_chooser(qtbot: QtBot, db_path: Path) -> None:
    started = Started(qtbot, AppOptions(db=str(db_path), role="KT", year=2020))
    started.run(qtbot)
    try:
        window = started.window
        assert started.dialogs == [] and started.warnings == []
        assert window.windowTitle() == "bkdesk — Phòng Kinh tế — Ước thực hiện năm 2020"
        assert window.model is not None and window.model.row_of("A.8") >= 0  # the demo was installed
        assert not window.entry_page.is_loading
        assert str(db_path) in window.database_label.text()
        assert started.settings.choice() is None  # the command line is not remembered
    finally:
        started.close()


def test_first_start_asks_and_remembers_the_choice(qtbot: QtBot, db_path: Path) -> None:
    started = Started(qtbot, AppOptions(db=str(db_path)), choose=Choice("tonghop", 2021, PeriodKind.ESTIMATE))
    started.run(qtbot)
    try:
        dialog = started.dialogs[0]
        assert isinstance(dialog, StartDialog)
        assert [dialog.year.itemText(i) for i in range(dialog.year.count())] == ["2021", "2020"]
        assert dialog.role.itemText(0) == "Văn phòng tổng hợp"
        assert started.window.windowTitle() == "bkdesk — Văn phòng tổng hợp — Ước thực hiện năm 2021"
        assert started.settings.choice() == Choice("tonghop", 2021, PeriodKind.ESTIMATE)
    finally:
        started.close()

    again = Started(qtbot, AppOptions(db=str(db_path)))
    again.run(qtbot)
    try:
        assert again.dialogs == []  # remembered: no chooser
        assert again.window.windowTitle() == "bkdesk — Văn phòng tổng hợp — Ước thực hiện năm 2021"
    finally:
        again.close()


def test_the_chooser_proposes_the_newest_year_with_estimates(qtbot: QtBot, db_path: Path) -> None:
    started = Started(qtbot, AppOptions(db=str(db_path)), choose=None)
    started.window.show()
    started.controller.start()
    qtbot.waitUntil(lambda: bool(started.dialogs), timeout=30000)
    try:
        dialog = started.dialogs[0]
        assert isinstance(dialog, StartDialog)
        assert dialog.choice() == Choice("tonghop", 2020, PeriodKind.ESTIMATE)  # 2021 has targets only
    finally:
        started.controller.shutdown()


def test_an_unknown_role_lists_the_valid_codes_then_asks(qtbot: QtBot, db_path: Path) -> None:
    started = Started(qtbot, AppOptions(db=str(db_path), role="XYZ"), choose=Choice("YT", 2020, PeriodKind.ESTIMATE))
    started.run(qtbot)
    try:
        assert len(started.warnings) == 1
        message = started.warnings[0]
        assert "«XYZ»" in message and "KT (Phòng Kinh tế)" in message and "tonghop" in message
        assert isinstance(started.dialogs[0], StartDialog)
        assert started.window.windowTitle() == "bkdesk — Phòng Y tế — Ước thực hiện năm 2020"
    finally:
        started.close()


def test_role_code_is_matched_without_case_and_a_missing_year_is_explained(qtbot: QtBot, db_path: Path) -> None:
    started = Started(
        qtbot, AppOptions(db=str(db_path), role="kt", year=2019), choose=Choice("KT", 2020, PeriodKind.ESTIMATE)
    )
    started.run(qtbot)
    try:
        assert "Chưa có biểu chỉ tiêu năm 2019" in started.warnings[0]
        assert started.dialogs[0].choice().role == "KT"  # type: ignore[attr-defined]
    finally:
        started.close()


def test_changing_user_and_period_from_the_menu(qtbot: QtBot, db_path: Path) -> None:
    started = Started(qtbot, AppOptions(db=str(db_path), role="KT", year=2020))
    started.run(qtbot)
    try:
        started.choose = Choice("CA", 2020, PeriodKind.RESULT)
        window = started.window
        started.window.change_session_action.trigger()
        qtbot.waitUntil(lambda: window.context is not None and window.context.role == "CA", timeout=30000)
        assert window.windowTitle() == "bkdesk — Công an thành phố — Thực hiện năm 2020"
        model = window.model
        assert model is not None
        assert model.headerData(4, Qt.Orientation.Horizontal) == "Thực hiện"  # the value column follows the period
        assert model.edit_cell(model.row_of("D.4.a"), "estimate", "97")
        assert started.settings.choice() == Choice("CA", 2020, PeriodKind.RESULT)
    finally:
        started.close()
    db = open_database(db_path)
    try:
        result = {row.indicator.code: row.estimate for row in load_rows(db, 2020, PeriodKind.RESULT)}
        estimate = {row.indicator.code: row.estimate for row in load_rows(db, 2020, PeriodKind.ESTIMATE)}
        assert (result["D.4.a"], estimate["D.4.a"]) == ("97", "96,1")
    finally:
        db.dispose()


def test_a_file_that_is_no_database_is_a_message_not_a_crash(qtbot: QtBot, tmp_path: Path) -> None:
    bad = tmp_path / "notes.sqlite"
    bad.write_text("không phải cơ sở dữ liệu", encoding="utf-8")
    started = Started(qtbot, AppOptions(db=str(bad), role="KT"))
    with qtbot.waitSignal(started.controller.failed, timeout=30000):
        started.window.show()
        started.controller.start()
    assert "không phải cơ sở dữ liệu bkdesk" in started.warnings[0]
    assert "không phải cơ sở dữ liệu bkdesk" in started.window.entry_page.loading.text()
    started.close()
    assert bad.read_text(encoding="utf-8") == "không phải cơ sở dữ liệu"


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        BKDESK_TRACE_STARTUP="1",
        BKDESK_QUIT_AFTER_READY="1",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        BKDESK_DATA_DIR=str(tmp_path / "data"),
    )
    return env


def _run(arguments: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``python ARGUMENTS`` as the app runs: offscreen, tracing, closing after ``ready``."""
    done = subprocess.run(
        [sys.executable, *arguments],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_main_py_opens_the_app_and_reports_ready(tmp_path: Path) -> None:
    database = tmp_path / "x.sqlite"
    done = _run(["main.py", "--db", str(database), "--role", "KT", "--year", "2020"], tmp_path)
    lines = done.stderr.splitlines()
    assert "startup: window-shown" in lines
    assert "startup: ready" in lines
    assert lines.index("startup: window-shown") < lines.index("startup: ready")
    assert "Traceback" not in done.stderr


def test_heavy_modules_are_not_loaded_at_start_up(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from ui.app import run\n"
        f"code = run(['--db', {str(tmp_path / 'x.sqlite')!r}, '--role', 'tonghop'])\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
        "sys.exit(code)\n"
    )
    done = _run(["-c", script], tmp_path)
    assert "startup: ready" in done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("argv", [["--year", "hai nghìn"], ["--period", "quy"]])
def test_bad_options_exit_with_a_code(argv: list[str]) -> None:
    from ui.app import run

    assert run(argv) == 2


def test_the_grid_fills_before_sqlalchemy_is_imported(tmp_path: Path) -> None:
    """As a user starts it on a database that has a table: the database layer loads behind the grid."""
    database = tmp_path / "x.sqlite"
    db = open_database(database)
    install_demo(db, actor="kiểm thử")
    db.dispose()
    script = (
        "import sys\n"
        "from ui import trace\n"
        "seen = {}\n"
        "write = trace.milestone\n"
        "def milestone(name):\n"
        "    seen.setdefault(name, 'sqlalchemy' in sys.modules)\n"
        "    write(name)\n"
        "trace.milestone = milestone\n"
        "from ui.app import run\n"
        f"code = run(['--db', {str(database)!r}, '--role', 'KT', '--year', '2020'])\n"
        "print(seen)\n"
        "sys.exit(code)\n"
    )
    done = _run(["-c", script], tmp_path)
    loaded = {"window-shown": False, "ready": False, "database-loaded": True}
    assert done.stdout.strip().splitlines()[-1] == str(loaded)


def test_closing_waits_for_the_database_layer_however_long_it_loads(tmp_path: Path) -> None:
    """On a very busy machine the layer may still be loading when the user closes the window.

    The loader here starts only once closing has begun, and the thread pool gives up at
    once, as if its time limit had passed: the app still ends after the load, not in it.
    """
    database = tmp_path / "x.sqlite"
    db = open_database(database)
    install_demo(db, actor="kiểm thử")
    db.dispose()
    script = (
        "import sys, threading\n"
        "from ui import database_layer, startup, trace\n"
        "seen = []\n"
        "write = trace.milestone\n"
        "def milestone(name):\n"
        "    seen.append(name)\n"
        "    write(name)\n"
        "trace.milestone = milestone\n"
        "closing = threading.Event()\n"
        "load = database_layer.load\n"
        "def load_once_closing():\n"
        "    closing.wait()\n"
        "    load()\n"
        "database_layer.load = load_once_closing\n"
        "class GivingUpPool:\n"
        "    @staticmethod\n"
        "    def globalInstance():\n"
        "        return GivingUpPool()\n"
        "    def waitForDone(self, msecs=-1):\n"
        "        return False\n"
        "startup.QThreadPool = GivingUpPool\n"
        "shutdown = startup.AppController.shutdown\n"
        "closed = []\n"
        "def shutting_down(self):\n"
        "    closing.set()\n"
        "    shutdown(self)\n"
        "    closed.extend(seen)  # what had happened when the app let go\n"
        "    from PySide6.QtCore import QThreadPool\n"
        "    QThreadPool.globalInstance().waitForDone()  # the test's own tidy exit\n"
        "startup.AppController.shutdown = shutting_down\n"
        "from ui.app import run\n"
        f"code = run(['--db', {str(database)!r}, '--role', 'KT', '--year', '2020'])\n"
        "print(closed)\n"
        "sys.exit(code)\n"
    )
    done = _run(["-c", script], tmp_path)
    assert done.stdout.strip().splitlines()[-1] == str(["window-shown", "ready", "database-loaded"])


def test_an_edit_right_after_start_up_is_written(qtbot: QtBot, db_path: Path) -> None:
    """The grid is filled from the file; an edit made before the database layer has loaded waits for it."""
    db = open_database(db_path)
    install_demo(db, actor="kiểm thử")
    db.dispose()
    started = Started(qtbot, AppOptions(db=str(db_path), role="KT", year=2020))
    with qtbot.waitSignal(started.controller.layerLoaded, timeout=30000):
        with qtbot.waitSignal(started.controller.ready, timeout=30000):
            started.window.show()
            started.controller.start()
        model = started.window.model
        assert model is not None
        assert model.edit_cell(model.row_of("A.8"), "estimate", "25.600")  # at once, layer loaded or not
        assert model.evaluation.row("A.8").verdict is Verdict.EXCEEDED
    started.close()
    db = open_database(db_path)
    try:
        pig = next(row for row in load_rows(db, 2020) if row.indicator.code == "A.8")
        assert pig.estimate == "25.600"
    finally:
        db.dispose()


def test_lock_and_conflicts_are_shown_from_the_file(qtbot: QtBot, db_path: Path, tmp_path: Path) -> None:
    office = open_database(db_path)
    install_demo(office, actor="văn phòng")
    phong = issue_phong(office, "KT", tmp_path / "kt")
    phong.enter("A.3", "480")
    set_value(office, "A.3", 2020, "470", actor="văn phòng")  # both sides changed A.3: one conflict
    import_submissions(office, [phong.submit(tmp_path)], actor="văn phòng")
    lock_period(office, 2020, [PeriodKind.ESTIMATE], "Đã trình Thành ủy", actor="văn phòng")
    phong.db.dispose()
    office.dispose()
    started = Started(qtbot, AppOptions(db=str(db_path), role="tonghop", year=2020))
    with qtbot.waitSignal(started.controller.layerLoaded, timeout=30000):  # only after a start from the file
        started.run(qtbot)
    try:
        window = started.window
        assert window.exchange.conflicts_action.text() == "Xung đột số liệu (1)…"
        assert window.lock_label.isVisibleTo(window) and "Đã trình Thành ủy" in window.lock_label.toolTip()
        assert window.windowTitle().endswith("đã chốt số liệu")
    finally:
        started.close()


def test_the_actions_that_go_to_the_database_wait_for_its_layer(qtbot: QtBot, db_path: Path) -> None:
    started = Started(qtbot, AppOptions(db=str(db_path), role="tonghop", year=2020))
    started.run(qtbot)
    try:
        window = started.window
        waiting = [window.print_action, window.change_session_action, window.exchange.import_action]
        submission = db_path.with_name("KT-2020-uoc-so1.json")
        submission.write_text("{}", encoding="utf-8")
        dropped = QMimeData()
        dropped.setUrls([QUrl.fromLocalFile(str(submission))])
        window.set_database_ready(False)  # as while the layer loads behind a grid read from the file
        assert not any(action.isEnabled() for action in waiting)
        assert not window.exchange.accepts_drop(dropped)
        assert window.copy_action.isEnabled() and window.find_action.isEnabled()  # the grid itself works
        window.set_database_ready(True)
        assert all(action.isEnabled() for action in waiting)
        assert window.exchange.accepts_drop(dropped)
    finally:
        started.close()
