"""Backups in the window: *Tệp → Sao lưu / Khôi phục…*, the start-up check, a missing database, closing."""

from __future__ import annotations

import errno
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QDialog, QMessageBox
from pytestqt.qtbot import QtBot

import db.backups as backups
from bkdesk.backups import BackupReason
from bkdesk.catalogue import PeriodKind
from db.backups import Restored, backups_folder, create_backup, list_backups, restore_backup
from db.database import Database, check_file, file_database
from db.demo import install_demo
from db.entry import set_value
from db.errors import StoreError
from db.schema import open_database
from db.tables import departments, evaluate, load_rows, lock_state
from tests.fixtures.damaged import damage_database
from tests.fixtures.exchange import Dialogs
from tests.ui.selection import select_row
from ui.backup_dialog import REASON, SIZE, WHEN, BackupDialog
from ui.context import AppContext
from ui.entry_model import ESTIMATE
from ui.file_check import DatabaseWatch, file_stamp
from ui.lock_dialog import LockDialog
from ui.main_window import MainWindow
from ui.options import AppOptions
from ui.settings_store import SettingsStore
from ui.startup import AppController

NOW = datetime(2026, 12, 7, 21, 5, 1)
LEFT = Qt.MouseButton.LeftButton


def make_demo(path: Path) -> Path:
    db = open_database(path)
    install_demo(db, actor="kiểm thử")
    db.dispose()
    return path


def stored(path: Path, code: str = "A.8") -> str:
    db = open_database(path)
    try:
        return evaluate(db, 2020).row(code).estimate.text
    finally:
        db.dispose()


def shown(window: MainWindow, code: str = "A.8") -> str:
    model = window.model
    assert model is not None
    return str(model.data(model.index(model.row_of(code), model.column_of(ESTIMATE))))


class App:
    """The window and its controller as ``python main.py --db … --role tonghop --year 2020`` opens them."""

    def __init__(self, qtbot: QtBot, path: Path, dialogs: Dialogs, settings: SettingsStore | None = None) -> None:
        self.settings = settings or SettingsStore()
        self.window = MainWindow(self.settings)
        qtbot.addWidget(self.window)
        self.window.run_dialog = dialogs
        self.controller = AppController(self.window, AppOptions(db=str(path), role="tonghop", year=2020), self.settings)
        self.warnings: list[str] = []
        self.controller.warn = self.warnings.append

    def start(self, qtbot: QtBot) -> App:
        with qtbot.waitSignal(self.controller.ready, timeout=30000):
            self.window.show()
            self.controller.start()
        qtbot.waitUntil(lambda: self.window.database_ready, timeout=30000)
        return self

    def close(self) -> None:
        self.window.close()
        self.controller.shutdown()


# ---- the dialog on its own -------------------------------------------------------------------------


def test_the_dialog_lists_backs_up_and_restores(qtbot: QtBot, demo_db: Database) -> None:
    path = demo_db.path
    assert path is not None
    older = create_backup(path, BackupReason.IMPORT, now=NOW - timedelta(days=2))
    newer = create_backup(path, BackupReason.LOCK, now=NOW)
    set_value(demo_db, "A.8", 2020, "30.000", actor="kiểm thử")
    asked: list[str] = []
    dialogs = Dialogs()
    restores: list[Path] = []

    def restore(source: Path) -> Restored:
        restores.append(source)
        return restore_backup(path, source, close_connections=demo_db.dispose)

    dialog = BackupDialog(path, restore)
    qtbot.addWidget(dialog)
    dialog.run_dialog = dialogs
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=10000)
    model = dialog.model
    assert [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())] == [
        "Thời gian",
        "Lý do",
        "Dung lượng",
        "Tệp",
    ]
    assert [model.data(model.index(0, column)) for column in (WHEN, REASON)] == [
        "07/12/2026 21:05",
        "trước khi chốt số liệu",
    ]
    assert model.data(model.index(1, WHEN)) == "05/12/2026 21:05"
    assert model.data(model.index(1, REASON)) == "trước khi nhận số liệu các phòng"
    assert str(model.data(model.index(0, SIZE))).endswith(" kB")
    assert str(path) in dialog.intro.text() and "20 bản mới nhất" in dialog.intro.text()

    qtbot.mouseClick(dialog.create_button, LEFT)
    qtbot.waitUntil(lambda: model.rowCount() == 3 and not dialog.runner.busy, timeout=10000)
    assert dialog.outcome.text().startswith("Đã sao lưu lúc ")
    assert model.data(model.index(0, REASON)) == "sao lưu theo yêu cầu"

    # "Không": nothing restored.
    def answer(box: QDialog) -> int:
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        return int(QMessageBox.StandardButton.No)

    dialogs.on(QMessageBox, answer)
    select_row(dialog.table, 2)
    qtbot.mouseClick(dialog.restore_button, LEFT)
    assert restores == [] and len(asked) == 1
    assert "từ bản sao lưu lúc 05/12/2026 21:05 (trước khi nhận số liệu các phòng)?" in asked[0]
    assert "bkdesk sao lưu cơ sở dữ liệu hiện tại" in asked[0]

    dialogs.on(QMessageBox, lambda box: int(QMessageBox.StandardButton.Yes))
    with qtbot.waitSignal(dialog.restored, timeout=10000) as signal:
        qtbot.mouseClick(dialog.restore_button, LEFT)
    assert restores == [older.path]
    restored = signal.args[0]
    assert restored.saved is not None and restored.saved.label == "trước khi khôi phục bản sao lưu"
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert stored(path) == "21.246"
    assert newer.path.exists()


def test_the_dialog_says_why_a_file_cannot_be_restored(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> None:
    path = demo_db.path
    assert path is not None
    demo_db.dispose()
    before = path.read_bytes()
    dialogs = Dialogs()
    dialogs.on(QMessageBox, lambda box: int(QMessageBox.StandardButton.Yes))
    dialog = BackupDialog(path, lambda source: restore_backup(path, source))
    qtbot.addWidget(dialog)
    dialog.run_dialog = dialogs
    qtbot.waitUntil(lambda: not dialog.runner.busy, timeout=10000)
    assert dialog.outcome.text() == "Chưa có bản sao lưu nào."
    assert not dialog.restore_button.isEnabled()
    other = tmp_path / "bang-tinh.sqlite"
    other.write_text("STT;Chỉ tiêu;Kế hoạch\n", encoding="utf-8")
    dialog.choose_file = lambda: other
    qtbot.mouseClick(dialog.restore_file_button, LEFT)
    qtbot.waitUntil(lambda: len(dialogs.of(QMessageBox)) == 2 and not dialog.runner.busy, timeout=10000)
    message = dialogs.messages()[-1]
    assert "Tệp «bang-tinh.sqlite» không phải là cơ sở dữ liệu bkdesk" in message
    assert dialog.outcome.text().startswith("Tệp «bang-tinh.sqlite» không phải")
    assert path.read_bytes() == before
    assert not backups_folder(path).exists() or list(backups_folder(path).iterdir()) == []


# ---- the menu, in the running app ---------------------------------------------------------------------


def test_restore_from_the_menu_shows_the_restored_figures(qtbot: QtBot, db_path: Path) -> None:
    make_demo(db_path)
    dialogs = Dialogs()
    app = App(qtbot, db_path, dialogs).start(qtbot)
    window = app.window
    try:
        menu = window.file_menu
        texts = [action.text() for action in menu.actions() if action.text()]
        assert texts.index("Sao lưu / Khôi phục…") == texts.index("Thoát") - 1

        def back_up_now(dialog: QDialog) -> int:
            assert isinstance(dialog, BackupDialog)
            qtbot.waitUntil(lambda: not dialog.runner.busy, timeout=10000)
            qtbot.mouseClick(dialog.create_button, LEFT)
            qtbot.waitUntil(lambda: dialog.model.rowCount() == 1 and not dialog.runner.busy, timeout=10000)
            return int(QDialog.DialogCode.Rejected)

        dialogs.on(BackupDialog, back_up_now)
        window.backups.action.trigger()
        model = window.model
        assert model is not None
        assert model.edit_cell(model.row_of("A.8"), ESTIMATE, "30.000")
        assert stored(db_path) == "30.000"

        def restore_first(dialog: QDialog) -> int:
            assert isinstance(dialog, BackupDialog)
            qtbot.waitUntil(lambda: dialog.model.rowCount() == 1 and not dialog.runner.busy, timeout=10000)
            select_row(dialog.table, 0)
            with qtbot.waitSignal(dialog.restored, timeout=10000):
                qtbot.mouseClick(dialog.restore_button, LEFT)
            return int(QDialog.DialogCode.Accepted)

        dialogs.on(BackupDialog, restore_first)
        dialogs.on(QMessageBox, lambda box: int(QMessageBox.StandardButton.Yes))
        window.backups.action.trigger()
        qtbot.waitUntil(lambda: window.model is not None and shown(window) == "21.246", timeout=30000)
        assert window.windowTitle() == "bkdesk — Văn phòng tổng hợp — Ước thực hiện năm 2020"
        assert any("Đã khôi phục cơ sở dữ liệu" in text for text in dialogs.messages())
        assert window.undo_stack.count() == 0
        assert stored(db_path) == "21.246"
        model = window.model
        assert model is not None and model.edit_cell(model.row_of("A.8"), ESTIMATE, "25.000")  # takes edits
    finally:
        app.close()
    assert stored(db_path) == "25.000"
    reasons = [backup.name.reason for backup in list_backups(db_path)]
    assert reasons == [BackupReason.CLOSE, BackupReason.RESTORE, BackupReason.MANUAL]  # newest first


# ---- the start-up check ----------------------------------------------------------------------------


def test_a_damaged_file_opens_for_reading_only(qtbot: QtBot, db_path: Path) -> None:
    make_demo(db_path)
    damage_database(db_path)
    damaged = db_path.read_bytes()
    dialogs = Dialogs()
    app = App(qtbot, db_path, dialogs).start(qtbot)
    window = app.window
    try:
        qtbot.waitUntil(lambda: window.backups.damaged_label.isVisible(), timeout=30000)
        assert shown(window) == "21.246"  # the figures are still there to read
        message = dialogs.messages()[-1]
        assert f"Tệp cơ sở dữ liệu {db_path} bị hỏng" in message
        assert "Hãy khôi phục một bản sao lưu: Tệp → Sao lưu / Khôi phục…" in message
        view = window.entry_page.view
        assert view.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
        model = window.model
        assert model is not None
        assert not model.edit_cell(model.row_of("A.8"), ESTIMATE, "30.000")
        assert window.statusBar().currentMessage().startswith(f"Không lưu: Tệp cơ sở dữ liệu {db_path} bị hỏng")
        assert window.backups.action.isEnabled()
    finally:
        app.close()
    assert db_path.read_bytes() == damaged
    assert app.settings.clean_close() == ("", "")  # a damaged file is checked again next time


def test_the_check_runs_only_when_the_file_changed_since_a_clean_close(
    qtbot: QtBot, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_demo(db_path)
    checked: list[Path] = []
    original = backups.quick_check

    def counting(path: Path) -> list[str]:
        checked.append(path)
        return original(path)

    monkeypatch.setattr(backups, "quick_check", counting)
    settings = SettingsStore()

    def run_once() -> App:
        app = App(qtbot, db_path, Dialogs(), settings).start(qtbot)
        watch = app.window.backups.watch
        assert watch is not None
        qtbot.waitUntil(lambda: watch.checked, timeout=30000)
        app.close()
        return app

    run_once()
    assert checked == [db_path]  # never closed cleanly before: checked
    assert settings.clean_close()[0] == str(db_path)
    run_once()
    assert checked == [db_path]  # unchanged since the clean close: nothing to check
    db = open_database(db_path)  # another program (the CLI) writes to it meanwhile
    set_value(db, "A.8", 2020, "22.000", actor="kiểm thử")
    db.dispose()
    run_once()
    assert checked == [db_path, db_path]


def test_the_stamp_of_a_file_changes_with_it(demo_db: Database) -> None:
    assert demo_db.path is not None
    demo_db.dispose()
    stamp = file_stamp(demo_db.path)
    assert stamp and file_stamp(demo_db.path) == stamp
    set_value(demo_db, "A.8", 2020, "21.300", actor="kiểm thử")
    assert file_stamp(demo_db.path) == ""  # a WAL beside it: not closed cleanly
    demo_db.dispose()
    assert file_stamp(demo_db.path) not in ("", stamp)


def test_writes_wait_for_the_check_and_a_damaged_file_refuses_them(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = demo_db.path
    assert path is not None
    release = threading.Event()

    def slow(file: Path) -> list[str]:
        release.wait(30)
        return []

    monkeypatch.setattr(backups, "quick_check", slow)
    watch = DatabaseWatch(demo_db, checking=True)
    writer = threading.Thread(target=lambda: set_value(demo_db, "A.8", 2020, "22.000", actor="kiểm thử"))
    writer.start()
    writer.join(0.5)
    assert writer.is_alive()  # waiting for the check
    assert evaluate(demo_db, 2020).row("A.8").estimate.text == "21.246"
    release.set()
    writer.join(30)
    assert evaluate(demo_db, 2020).row("A.8").estimate.text == "22.000"
    assert watch.changed and watch.sound

    monkeypatch.setattr(backups, "quick_check", lambda file: ["*** in database main ***"])
    damaged = DatabaseWatch(demo_db, checking=True)
    with pytest.raises(StoreError, match="bị hỏng"):
        set_value(demo_db, "A.8", 2020, "23.000", actor="kiểm thử")
    assert not damaged.changed and not damaged.sound
    assert evaluate(demo_db, 2020).row("A.8").estimate.text == "22.000"


# ---- a missing database -------------------------------------------------------------------------------


@pytest.fixture
def lost_database(db_path: Path) -> Path:
    """A database with its backups (the newest one damaged) and then deleted, as after a disk failure."""
    make_demo(db_path)
    create_backup(db_path, BackupReason.MANUAL, now=NOW - timedelta(days=1))
    db = open_database(db_path)
    set_value(db, "A.8", 2020, "30.000", actor="kiểm thử")
    db.dispose()
    create_backup(db_path, BackupReason.CLOSE, now=NOW - timedelta(hours=1))
    damage_database(create_backup(db_path, BackupReason.MANUAL, now=NOW).path)
    for leftover in db_path.parent.glob(db_path.name + "*"):
        leftover.unlink()
    return db_path


def test_a_missing_database_offers_its_newest_good_backup(qtbot: QtBot, lost_database: Path) -> None:
    asked: list[str] = []

    def restore(box: QDialog) -> int:
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        # Enter restores: the default never puts demo figures under the office's file name.
        assert box.defaultButton() is box.button(QMessageBox.StandardButton.Yes)
        return int(QMessageBox.StandardButton.Yes)

    dialogs = Dialogs()
    dialogs.on(QMessageBox, restore)
    app = App(qtbot, lost_database, dialogs).start(qtbot)
    try:
        assert len(asked) == 1
        assert asked[0].startswith(f"Không tìm thấy cơ sở dữ liệu {lost_database}.")
        assert "bản sao lưu tốt mới nhất lúc 07/12/2026 20:05 (khi đóng ứng dụng sau khi có thay đổi)" in asked[0]
        assert shown(app.window) == "30.000"
        assert app.warnings == []
    finally:
        app.close()
    assert stored(lost_database) == "30.000"


def test_declining_the_offer_makes_a_new_database_and_keeps_the_backups(qtbot: QtBot, lost_database: Path) -> None:
    dialogs = Dialogs()
    dialogs.on(QMessageBox, lambda box: int(QMessageBox.StandardButton.No))
    kept = sorted(p.name for p in backups_folder(lost_database).iterdir())
    app = App(qtbot, lost_database, dialogs).start(qtbot)
    try:
        assert len(dialogs.of(QMessageBox)) == 1
        assert shown(app.window) == "21.246"  # the demo
    finally:
        app.close()
    assert sorted(p.name for p in backups_folder(lost_database).iterdir()) == kept


# ---- closing, and operations on a full disk -------------------------------------------------------------


def test_closing_after_changes_makes_one_backup(qtbot: QtBot, db_path: Path) -> None:
    make_demo(db_path)
    app = App(qtbot, db_path, Dialogs()).start(qtbot)
    app.close()
    assert list_backups(db_path) == []  # nothing changed: nothing to copy

    app = App(qtbot, db_path, Dialogs()).start(qtbot)
    model = app.window.model
    assert model is not None and model.edit_cell(model.row_of("A.8"), ESTIMATE, "30.000")
    app.close()
    [backup] = list_backups(db_path)
    assert backup.label == "khi đóng ứng dụng sau khi có thay đổi"
    copy = file_database(check_file(backup.path))
    try:
        assert evaluate(copy, 2020).row("A.8").estimate.text == "30.000"
    finally:
        copy.dispose()


@pytest.fixture
def office_window(qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> tuple[MainWindow, Dialogs]:
    """The synthesis office's window, on a database whose backups folder is on a full disk."""

    def full(source: Path, target: Path, *, standalone: bool = False) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(backups, "_copy", full)
    context = AppContext(demo_db, "tonghop", 2020, PeriodKind.ESTIMATE, user="tong_hop")
    window = MainWindow()
    qtbot.addWidget(window)
    dialogs = Dialogs()
    window.run_dialog = dialogs
    window.set_session(context, load_rows(demo_db, 2020), departments(demo_db))
    return window, dialogs


def test_a_full_disk_stops_a_lock_in_the_window(office_window: tuple[MainWindow, Dialogs], demo_db: Database) -> None:
    window, dialogs = office_window

    def lock(dialog: QDialog) -> int:
        assert isinstance(dialog, LockDialog)
        dialog.reason.setPlainText("Đã trình kỳ họp HĐND")
        return int(QDialog.DialogCode.Accepted)

    dialogs.on(LockDialog, lock)
    window.exchange.lock_action.trigger()
    message = dialogs.messages()[-1]
    assert message.startswith("Chưa chốt số liệu: không tạo được bản sao lưu trong thư mục")
    assert "ổ đĩa đã đầy" in message and "Dữ liệu vẫn giữ nguyên" in message
    assert not window.lock_label.isVisible()
    assert lock_state(demo_db, 2020, PeriodKind.ESTIMATE).locked is False


def test_a_full_disk_stops_an_import_in_the_window(
    qtbot: QtBot, office_window: tuple[MainWindow, Dialogs], demo_db: Database, tmp_path: Path
) -> None:
    from tests.fixtures.exchange import issue_phong

    window, dialogs = office_window
    phong = issue_phong(demo_db, "KT", tmp_path / "phong")
    try:
        phong.enter("A.2", "3.100")
        submission = phong.submit(tmp_path)
    finally:
        phong.db.dispose()
    window.exchange.import_files([submission])
    qtbot.waitUntil(lambda: bool(dialogs.of(QMessageBox)) and not window.exchange.runner.busy, timeout=30000)
    assert dialogs.messages()[-1].startswith("Chưa nhận số liệu các phòng: không tạo được bản sao lưu")
    assert evaluate(demo_db, 2020).row("A.2").estimate.text == "3.050"
