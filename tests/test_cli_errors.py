"""A failure nobody expected still reaches the user as one Vietnamese line."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import pytest

from bkdesk.logfile import configure_file_logging
from cli.common import EXIT_BAD_INPUT, EXIT_REFUSED, run_handler
from db.errors import InvalidInput, StoreError


@pytest.fixture
def log_file(tmp_path: Path) -> Path:
    logger = logging.getLogger("bkdesk")
    saved = logger.handlers[:]
    logger.handlers.clear()
    path = configure_file_logging()
    assert path is not None
    yield path
    for handler in logger.handlers:
        handler.close()
    logger.handlers[:] = saved


def test_unexpected_error_is_a_message_and_the_trace_goes_to_the_log(
    log_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(_: argparse.Namespace) -> int:
        raise RuntimeError("hỏng giữa chừng")

    assert run_handler(broken, argparse.Namespace()) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert err.startswith("Lỗi: lỗi không mong đợi (RuntimeError: hỏng giữa chừng)")
    assert "Traceback" not in err
    assert "Traceback" in log_file.read_text(encoding="utf-8")


def test_refusals_keep_their_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    def refuse(_: argparse.Namespace) -> int:
        raise StoreError("Số liệu đã được chốt")

    def invalid(_: argparse.Namespace) -> int:
        raise InvalidInput('"1.5": dấu chấm chỉ dùng để tách hàng nghìn')

    assert run_handler(refuse, argparse.Namespace()) == EXIT_REFUSED
    assert run_handler(invalid, argparse.Namespace()) == EXIT_BAD_INPUT
    assert capsys.readouterr().err.splitlines() == [
        "Lỗi: Số liệu đã được chốt",
        'Lỗi: "1.5": dấu chấm chỉ dùng để tách hàng nghìn',
    ]
