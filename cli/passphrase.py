"""Where the commands take a setup file's passphrase from: a file, the environment or the terminal, never argv.

A value on the command line is seen by every user of the machine in the process list
and kept in the shell's history, so ``--passphrase X`` is recognised only to be refused
with what to use instead. The passphrase is never printed back, logged or stored.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from db.errors import InvalidInput

ENV = "BKDESK_PASSPHRASE"
PROMPT = "Cụm mật khẩu của tệp thiết lập (văn phòng tổng hợp trao riêng, không hiện khi gõ): "
TRIES = 3


def add_passphrase_options(parser: argparse.ArgumentParser, file_help: str) -> None:
    parser.add_argument("--passphrase-file", metavar="TỆP", help=file_help)
    # Declared so that it is refused with a reason, not taken as an abbreviation of --passphrase-file.
    parser.add_argument("--passphrase", nargs="?", const="", default=None, help=argparse.SUPPRESS)


def refuse_on_command_line(args: argparse.Namespace) -> None:
    if getattr(args, "passphrase", None) is not None:
        raise InvalidInput(
            "không nhận cụm mật khẩu trên dòng lệnh (--passphrase): mọi người dùng khác trên máy đều thấy nó "
            "trong danh sách tiến trình, và nó còn lại trong lịch sử lệnh. Hãy dùng --passphrase-file TỆP, "
            f"hoặc biến môi trường {ENV}, hoặc chạy lệnh trong cửa sổ dòng lệnh để được hỏi."
        )


def read_passphrase_file(name: str) -> str:
    """The passphrase in a file: its text, the line end (and any blank around it) not part of it."""
    path = Path(name).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InvalidInput(f"không có tệp cụm mật khẩu {path}") from exc
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"tệp cụm mật khẩu {path} không phải văn bản UTF-8") from exc
    except OSError as exc:
        from bkdesk.file_errors import file_error_reason

        raise InvalidInput(f"không đọc được tệp cụm mật khẩu {path}: {file_error_reason(exc)}") from exc
    if not text.strip():
        raise InvalidInput(f"tệp cụm mật khẩu {path} trống")
    return text.strip()


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def setup_passphrase(args: argparse.Namespace) -> tuple[str, bool]:
    """The passphrase to open a setup file with, and whether it was typed (so it may be asked again).

    Order: ``--passphrase-file``, then ``BKDESK_PASSPHRASE``, then the terminal.
    """
    refuse_on_command_line(args)
    if args.passphrase_file:
        return read_passphrase_file(args.passphrase_file), False
    from_env = os.environ.get(ENV)
    if from_env is not None and from_env.strip():
        return from_env, False
    if _interactive():
        return ask(), True
    raise InvalidInput(
        "cần cụm mật khẩu của tệp thiết lập (văn phòng tổng hợp trao riêng, không cùng tệp): chạy lệnh trong "
        f"cửa sổ dòng lệnh để được hỏi, hoặc dùng --passphrase-file TỆP, hoặc biến môi trường {ENV}."
    )


def ask() -> str:
    answer = getpass.getpass(PROMPT)
    if not answer.strip():
        raise InvalidInput("chưa nhập cụm mật khẩu; không cài gì")
    return answer
