"""The app's command-line options, kept free of heavy imports: they are read before the first paint."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import NamedTuple

PERIODS = ("uoc", "thuc-hien")  # bkdesk.catalogue.PeriodKind values


class AppOptions(NamedTuple):
    """``python main.py [--db PATH | --db-url URL] [--role tonghop|CODE] [--year YYYY] [--period uoc|thuc-hien]``."""

    db: str | None = None
    db_url: str | None = None
    role: str | None = None
    year: int | None = None
    period: str | None = None  # a PeriodKind value


def options_parser() -> argparse.ArgumentParser:
    # The same options as ``cli.parser.app_parser`` (the window does not import the CLI).
    parser = argparse.ArgumentParser(prog="main.py", description="bkdesk: mở ứng dụng")
    parser.add_argument("--db", metavar="PATH", help="tệp SQLite (mặc định: thư mục dữ liệu của người dùng)")
    parser.add_argument("--db-url", metavar="URL", help="địa chỉ SQLAlchemy bất kỳ, ví dụ postgresql://…")
    parser.add_argument("--role", help="tonghop (văn phòng tổng hợp) hoặc mã phòng, ví dụ KT")
    parser.add_argument("--year", type=int, help="năm của biểu, ví dụ 2020")
    parser.add_argument("--period", choices=PERIODS, help="uoc (ước thực hiện) hoặc thuc-hien (thực hiện)")
    return parser


def parse_options(argv: Sequence[str]) -> AppOptions:
    args = options_parser().parse_args(list(argv))
    return AppOptions(args.db, args.db_url, args.role, args.year, args.period)
