"""Clipboard blocks, the crash hook, fonts and the remembered settings."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from bkdesk.catalogue import PeriodKind
from ui.clipboard import format_block, parse_block
from ui.crash import ExceptHook, setup_logging
from ui.fonts import BUNDLED_FAMILY, covers_vietnamese, ensure_vietnamese_font, load_bundled_fonts
from ui.settings_store import Choice, SettingsStore


def test_excel_blocks_are_read_with_quotes_and_trailing_newline() -> None:
    assert parse_block("1.200\r\n95,3\r\n") == [["1.200"], ["95,3"]]
    assert parse_block("a\tb\n\tc") == [["a", "b"], ["", "c"]]
    assert parse_block('"dòng một\ndòng hai"\t5\n') == [["dòng một\ndòng hai", "5"]]
    assert parse_block("") == [] and parse_block("\n") == []


def test_blocks_round_trip() -> None:
    rows = [["3.050", "Không đạt"], ['ghi "chú"\tdài', ""]]
    assert parse_block(format_block(rows)) == rows


def test_the_crash_hook_logs_the_trace_and_tells_the_user_in_vietnamese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BKDESK_DATA_DIR", str(tmp_path))
    logger = logging.getLogger("bkdesk")
    monkeypatch.setattr(logger, "handlers", [])  # as in a fresh process; restored afterwards
    shown: list[str] = []
    hook = ExceptHook(setup_logging(), shown.append)
    try:
        raise RuntimeError("hỏng")
    except RuntimeError:
        kind, error, trace = sys.exc_info()
    assert kind is not None and error is not None
    hook(kind, error, trace)
    for handler in logger.handlers:
        handler.flush()
    assert hook.log_file is not None and hook.log_file.parent.parent == tmp_path
    text = hook.log_file.read_text(encoding="utf-8")
    assert "Traceback" in text and "RuntimeError: hỏng" in text
    assert len(shown) == 1
    assert shown[0].startswith("Đã xảy ra lỗi không mong đợi")
    assert "Traceback" not in shown[0] and str(hook.log_file) in shown[0]
    for handler in logger.handlers:
        handler.close()


def test_vietnamese_letters_are_covered(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert covers_vietnamese(ensure_vietnamese_font(app))
    assert BUNDLED_FAMILY in load_bundled_fonts()
    assert covers_vietnamese(QFont(BUNDLED_FAMILY, 11))


def test_the_choice_is_remembered(qtbot: QtBot) -> None:
    store = SettingsStore()
    assert store.choice() is None
    store.save_choice(Choice("KT", 2020, PeriodKind.RESULT))
    assert SettingsStore().choice() == Choice("KT", 2020, PeriodKind.RESULT)
