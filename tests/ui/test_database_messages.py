"""The app on a damaged, locked or read-only database: a message the user can act on, never a crash."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

import db.database as database
from db.database import open_sqlite
from db.file_format import SCHEMA_VERSION
from db.schema import open_database
from tests.ui.test_startup import Started
from ui.main_window import READ_ONLY_LABEL
from ui.session import AppOptions

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "db" / f"schema_v{SCHEMA_VERSION}.sqlite"


def bkdesk_file(folder: Path) -> Path:
    """A bkdesk database as the app leaves it (WAL mode, closed), with A.8 at 21.300."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "so-lieu.sqlite"
    shutil.copy(FIXTURE, path)
    open_database(path).dispose()
    return path


def test_a_read_only_database_opens_for_reading_with_editing_off(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = bkdesk_file(tmp_path / "dia")
    before = {p.name: p.read_bytes() for p in path.parent.iterdir()}
    monkeypatch.setattr(database, "is_writable", lambda _file: False)  # as on a CD or a locked USB stick
    started = Started(qtbot, AppOptions(db=str(path), role="KT", year=2020))
    started.run(qtbot)
    try:
        window = started.window
        assert started.warnings == []
        assert window.read_only_label.isVisible()
        assert window.read_only_label.text() == READ_ONLY_LABEL and READ_ONLY_LABEL.startswith("Chỉ đọc: ")
        assert "chép tệp sang một thư mục ghi được" in window.read_only_label.toolTip()
        model = window.model
        assert model is not None
        row = model.row_of("A.8")
        cell = model.index(row, model.columns.index("estimate"))
        assert model.data(cell) == "21.300"
        assert not model.flags(cell) & Qt.ItemFlag.ItemIsEditable
        assert not model.setData(cell, "22.000")
        assert not window.paste_action.isEnabled() and not window.clear_action.isEnabled()
    finally:
        started.close()
    assert {p.name: p.read_bytes() for p in path.parent.iterdir()} == before


def test_a_writable_database_shows_no_read_only_note(qtbot: QtBot, tmp_path: Path) -> None:
    path = bkdesk_file(tmp_path / "dia")
    started = Started(qtbot, AppOptions(db=str(path), role="KT", year=2020))
    started.run(qtbot)
    try:
        assert not started.window.read_only_label.isVisible()
        assert started.window.paste_action.isEnabled()
    finally:
        started.close()


def test_a_damaged_database_is_a_message_box_at_start(qtbot: QtBot, tmp_path: Path) -> None:
    path = bkdesk_file(tmp_path / "dia")
    data = bytearray(path.read_bytes())
    data[len(data) // 2 :] = b"\xff" * (len(data) - len(data) // 2)
    path.write_bytes(bytes(data))
    started = Started(qtbot, AppOptions(db=str(path), role="KT", year=2020))
    with qtbot.waitSignal(started.controller.failed, timeout=30000):
        started.window.show()
        started.controller.start()
    try:
        assert len(started.warnings) == 1
        assert started.warnings[0].startswith(f"Tệp cơ sở dữ liệu {path} bị hỏng")
        assert "malformed" not in started.warnings[0]
    finally:
        started.close()


def test_an_edit_while_another_program_holds_the_write_lock_is_said_and_not_saved(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
    path = bkdesk_file(tmp_path / "dia")
    started = Started(qtbot, AppOptions(db=str(path), role="KT", year=2020))
    started.run(qtbot)
    holder = open_sqlite(path)
    try:
        holder.execute("BEGIN IMMEDIATE")  # e.g. import-submissions, in the middle of writing
        holder.execute("UPDATE settings SET value = value")
        model = started.window.model
        assert model is not None
        assert not model.edit_cell(model.row_of("A.8"), "estimate", "22.000")
        message = started.window.statusBar().currentMessage()
        assert message.startswith(f"Không lưu: Cơ sở dữ liệu {path} đang bị một chương trình khác giữ để ghi")
        assert model.evaluation.row("A.8").estimate.text == "21.300"
    finally:
        holder.rollback()
        holder.close()
        started.close()
