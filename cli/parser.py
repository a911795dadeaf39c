"""Building the command-line parser from the command modules of this package.

Every module of ``cli`` that defines ``register(subparsers)`` adds its commands, so a
new command group is one new file. Modules import their heavy dependencies inside
their handlers: ``python main.py --help`` stays instant.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from collections.abc import Sequence
from typing import NoReturn

import cli
from cli.vietnamese_argparse import VietnameseArgumentParser

APP_OPTIONS = ("--db", "--db-url", "--role", "--year", "--period")


class _QuietParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise ValueError(message)


def app_parser() -> argparse.ArgumentParser:
    """The options the desktop app takes (``python main.py [--db PATH] [--role …]``)."""
    parser = _QuietParser(prog="main.py", add_help=False)
    parser.add_argument("--db", metavar="PATH")
    parser.add_argument("--db-url", metavar="URL")
    parser.add_argument("--role", help="tonghop (văn phòng tổng hợp) hoặc mã phòng, ví dụ KT")
    parser.add_argument("--year", type=int)
    parser.add_argument("--period", choices=["uoc", "thuc-hien"])
    return parser


def is_app_invocation(argv: Sequence[str]) -> bool:
    """No command word, only app options: the user wants the window."""
    try:
        _, rest = app_parser().parse_known_args(list(argv))
    except ValueError:
        return False
    return not rest


def build_parser() -> argparse.ArgumentParser:
    # Imported here, not above: deciding that the user wants the window (is_app_invocation)
    # must not load the CLI's dependencies on the way to the first paint.
    from cli.common import add_database_options

    parser = VietnameseArgumentParser(
        prog="main.py",
        description=(
            "bkdesk: thu thập, đánh giá và in các chỉ tiêu kinh tế - xã hội. "
            "Không có lệnh: mở ứng dụng (tùy chọn --db, --db-url, --role, --year)."
        ),
    )
    add_database_options(parser)
    subparsers = parser.add_subparsers(
        dest="command", metavar="LỆNH", title="các lệnh", parser_class=VietnameseArgumentParser
    )
    for module_info in sorted(pkgutil.iter_modules(cli.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"cli.{module_info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(subparsers)
    return parser


def main(argv: Sequence[str]) -> int:
    from bkdesk.logfile import configure_file_logging
    from cli.common import run_handler

    configure_file_logging()
    parser = build_parser()
    args = parser.parse_args(list(argv))
    if args.command is None:
        parser.print_help()
        return 0
    return run_handler(args.handler, args)
