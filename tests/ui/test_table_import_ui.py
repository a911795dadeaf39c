"""*Nhập biểu chỉ tiêu từ Excel…*: a table without group rows asks for its group, and stores what the CLI stores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from db.database import Database
from db.tables import departments
from tests.fixtures.commands import run_main
from tests.fixtures.exchange import Dialogs
from tests.fixtures.workbooks import national_2019_workbook
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.table_import_flow import TableGroupDialog


def _rows(db: Path) -> list[dict[str, object]]:
    done = run_main("evaluate", "--year", "2020", "--json", "--db", db)
    assert done.returncode == 0, done.stderr
    return [
        {key: row[key] for key in ("code", "stt", "name", "group", "target", "estimate", "verdict")}
        for row in json.loads(done.stdout)["rows"]
    ]


@pytest.mark.parametrize(("choice", "option"), [("C. Chỉ tiêu xã hội", ["--group", "C"]), ("Chưa phân nhóm", [])])
def test_the_group_chosen_in_the_window_stores_what_import_table_stores(
    choice: str,
    option: list[str],
    qtbot: QtBot,
    demo_db: Database,
    synthesis_context: AppContext,
    table_rows,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert demo_db.path is not None
    by_cli = tmp_path / "cli.sqlite"
    assert run_main("demo", "--db", by_cli).returncode == 0
    workbook = national_2019_workbook(tmp_path / "Chỉ tiêu chủ yếu 2020.xlsx", year=2020)
    done = run_main("import-table", workbook, "--year", "2020", *option, "--db", by_cli)
    assert done.returncode == 0, done.stderr

    offered: list[list[str]] = []

    def choose(dialog: QDialog) -> int:
        assert isinstance(dialog, TableGroupDialog)
        offered.append([dialog.group.itemText(i) for i in range(dialog.group.count())])
        dialog.group.setCurrentIndex(dialog.group.findText(choice))
        return int(QDialog.DialogCode.Accepted)

    dialogs = Dialogs()
    dialogs.on(TableGroupDialog, choose)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(workbook), ""))
    window = MainWindow()
    qtbot.addWidget(window)
    window.run_dialog = dialogs  # type: ignore[method-assign]
    window.set_session(synthesis_context, table_rows(synthesis_context), departments(demo_db))
    window.show()
    qtbot.waitExposed(window)
    assert window.exchange.table_action.isEnabled()
    window.exchange.table_action.trigger()
    qtbot.waitUntil(lambda: bool(dialogs.of(QMessageBox)) and not window.exchange.runner.busy, timeout=60000)

    assert offered == [
        [
            "Chưa phân nhóm",
            "A. Chỉ tiêu kinh tế",
            "B. Chỉ tiêu về môi trường",
            "C. Chỉ tiêu xã hội",
            "D. Chỉ tiêu về quốc phòng - an ninh - nội chính",
            "E. Chỉ tiêu về cải cách hành chính",
        ]
    ]
    (said,) = dialogs.messages()
    assert "Đã nhập biểu Chỉ tiêu chủ yếu 2020.xlsx" in said and "Thêm" in said
    assert _rows(demo_db.path) == _rows(by_cli)
    model = window.model
    assert model is not None
    columns = range(model.columnCount())
    shown = {model.index(row, column).data() for row in range(model.rowCount()) for column in columns}
    assert "Tốc độ tăng tổng sản phẩm trong nước (GDP)" in shown
    if not option:
        assert "Chưa phân nhóm" in shown


def test_a_bad_table_is_refused_in_a_message_and_nothing_is_stored(
    qtbot: QtBot,
    demo_db: Database,
    synthesis_context: AppContext,
    table_rows,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert demo_db.path is not None
    before = _rows(demo_db.path)
    rows = (("-", "GDP bình quân đầu người", "USD", "2.700", "2.715", "", ""),)
    workbook = national_2019_workbook(tmp_path / "sai.xlsx", rows, year=2020)
    dialogs = Dialogs()
    dialogs.on(TableGroupDialog, lambda dialog: int(QDialog.DialogCode.Accepted))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(workbook), ""))
    window = MainWindow()
    qtbot.addWidget(window)
    window.run_dialog = dialogs  # type: ignore[method-assign]
    window.set_session(synthesis_context, table_rows(synthesis_context), departments(demo_db))
    window.show()
    qtbot.waitExposed(window)
    window.exchange.table_action.trigger()
    qtbot.waitUntil(lambda: bool(dialogs.of(QMessageBox)) and not window.exchange.runner.busy, timeout=60000)
    (said,) = dialogs.messages()
    assert "Biểu sai.xlsx (trang «Biểu») có 1 ô/dòng sai; chưa nhập gì vào cơ sở dữ liệu" in said
    assert "Dòng 5, cột A (STT): dòng con «GDP bình quân đầu người» không có chỉ tiêu nào ở trên" in said
    assert _rows(demo_db.path) == before
