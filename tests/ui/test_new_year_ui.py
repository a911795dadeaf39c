"""*Trao đổi → Tạo năm mới…* in the synthesis office's window: the dialog, the new year shown, the refusals."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from bkdesk.catalogue import PeriodKind
from db.audit import history
from db.demo import install_demo
from db.schema import open_database
from db.tables import load_rows, years
from tests.fixtures.commands import dump
from tests.fixtures.exchange import OFFICE, Dialogs
from ui.main_window import MainWindow
from ui.new_year_dialog import NewYearDialog
from ui.session import AppOptions
from ui.settings_store import Choice, SettingsStore
from ui.start_dialog import StartDialog
from ui.startup import AppController


class Started:
    """The window and its controller as ``python main.py --role tonghop --year 2021`` makes them."""

    def __init__(self, qtbot: QtBot, database: Path, dialogs: Dialogs) -> None:
        self.settings = SettingsStore()
        self.window = MainWindow(self.settings)
        qtbot.addWidget(self.window)
        options = AppOptions(db=str(database), role="tonghop", year=2021)
        self.controller = AppController(self.window, options, self.settings)
        self.warnings: list[str] = []
        self.controller.warn = self.warnings.append
        self.window.run_dialog = dialogs
        with qtbot.waitSignal(self.controller.ready, timeout=30000):
            self.window.show()
            self.controller.start()
        qtbot.waitUntil(lambda: self.window.database_ready, timeout=30000)

    def close(self) -> None:
        self.window.close()
        self.controller.shutdown()


@pytest.fixture
def office(tmp_path: Path) -> Path:
    path = tmp_path / "tonghop.sqlite"
    db = open_database(path)
    install_demo(db, actor=OFFICE)
    db.dispose()
    return path


@pytest.fixture
def dialogs() -> Dialogs:
    return Dialogs()


@pytest.fixture
def started(qtbot: QtBot, office: Path, dialogs: Dialogs) -> Iterator[Started]:
    made = Started(qtbot, office, dialogs)
    yield made
    made.close()


def answer(
    source: int | None = None, year: int | None = None, seen: list[tuple[list[str], str, int]] | None = None
) -> Callable[[QDialog], int]:
    """Fill the dialog as a user would (the years left as offered when not given), noting what it offered."""

    def fill(dialog: QDialog) -> int:
        assert isinstance(dialog, NewYearDialog)
        if seen is not None:
            offered = [dialog.source.itemText(i) for i in range(dialog.source.count())]
            seen.append((offered, dialog.source.currentText(), dialog.year.value()))
        if source is not None:
            dialog.source.setCurrentIndex(dialog.source.findData(source))
        if year is not None:
            dialog.year.setValue(year)
        return int(QDialog.DialogCode.Accepted)

    return fill


def test_the_new_year_is_made_and_shown(qtbot: QtBot, started: Started, dialogs: Dialogs, office: Path) -> None:
    window = started.window
    action = window.exchange.new_year_action
    assert action.isEnabled() and action in window.exchange_menu.actions()
    seen: list[tuple[list[str], str, int]] = []
    dialogs.on(NewYearDialog, answer(seen=seen))

    action.trigger()
    qtbot.waitUntil(lambda: window.context is not None and window.context.year == 2022, timeout=30000)
    qtbot.waitUntil(lambda: not window.entry_page.is_loading, timeout=30000)

    # The dialog offered the years with a table, newest first, and the year after the newest.
    assert seen == [(["2021", "2020"], "2021", 2022)]
    assert window.windowTitle() == "bkdesk — Văn phòng tổng hợp — Ước thực hiện năm 2022"
    model = window.model
    assert model is not None and model.row_of("A.2") >= 0
    assert "Đã tạo biểu chỉ tiêu năm 2022 từ biểu năm 2021: 52 chỉ tiêu" in dialogs.messages()[-1]
    assert started.settings.choice() == Choice("tonghop", 2022, PeriodKind.ESTIMATE)

    opened = started.controller.opened
    assert opened is not None and 2022 in opened.years
    db = opened.db
    assert years(db) == [2020, 2021, 2022]
    rows = load_rows(db, 2022)
    assert len(rows) == 52 and all(row.target == "" for row in rows)
    assert [(e.action, e.actor, e.old) for e in history(db, 2022)] == [
        ("tạo năm mới", window.context.actor, "biểu năm 2021")
    ]
    [backup] = (office.parent / "backups").iterdir()
    assert backup.name.endswith("-tao-nam-moi.sqlite")

    # The year selector offers the new year, chosen.
    offered: list[tuple[list[str], str]] = []

    def look(dialog: QDialog) -> int:
        assert isinstance(dialog, StartDialog)
        offered.append(([dialog.year.itemText(i) for i in range(dialog.year.count())], dialog.year.currentText()))
        return int(QDialog.DialogCode.Rejected)

    dialogs.on(StartDialog, look)
    window.change_session_action.trigger()
    assert offered == [(["2022", "2021", "2020"], "2022")]


@pytest.mark.parametrize(
    ("source", "year", "reason"),
    [
        (2020, 2021, "Năm 2021 đã có biểu chỉ tiêu (52 chỉ tiêu); không tạo lại"),
        (2021, 2021, "Năm mới (2021) phải sau năm nguồn (2021)"),
        (2021, 2019, "Năm mới (2019) phải sau năm nguồn (2021)"),
    ],
)
def test_a_refusal_is_a_message_and_changes_nothing(
    qtbot: QtBot, started: Started, dialogs: Dialogs, office: Path, source: int, year: int, reason: str
) -> None:
    window = started.window
    before = dump(office)
    dialogs.on(NewYearDialog, answer(source, year))
    window.exchange.new_year_action.trigger()
    qtbot.waitUntil(lambda: bool(dialogs.of(QMessageBox)), timeout=30000)
    box = dialogs.of(QMessageBox)[-1]
    assert isinstance(box, QMessageBox)
    assert (box.windowTitle(), box.icon()) == ("Tạo năm mới", QMessageBox.Icon.Warning)
    assert reason in box.text()
    assert window.context is not None and window.context.year == 2021
    assert dump(office) == before
    assert not (office.parent / "backups").exists()
