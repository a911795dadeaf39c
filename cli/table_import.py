"""import-table: an appendix table from an Excel workbook, stored in one transaction."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bkdesk.catalogue import PeriodKind
from cli.common import EXIT_OK, add_database_options, add_period_option, open_db, say


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import-table",
        help="nhập biểu chỉ tiêu từ tệp Excel (.xlsx) như các phòng gửi",
        description=(
            "Đọc biểu chỉ tiêu trong tệp .xlsx (dòng tiêu đề trong 30 dòng đầu), kiểm tra mọi ô và lưu cả biểu "
            "trong một lần; có ô sai thì không lưu gì và liệt kê mọi ô sai. Nhập lại chỉ cập nhật, không xóa."
        ),
    )
    parser.add_argument("file", metavar="TỆP.xlsx", help="tệp Excel chứa biểu")
    parser.add_argument("--year", type=int, required=True, help="năm của biểu, ví dụ 2020")
    parser.add_argument(
        "--group",
        metavar="NHÓM",
        help="nhóm (A–E) của các chỉ tiêu khi biểu không có dòng nhóm; không ghi thì để «Chưa phân nhóm»",
    )
    add_period_option(parser)
    add_database_options(parser)
    parser.set_defaults(handler=run_import_table)


def run_import_table(args: argparse.Namespace) -> int:
    from bkdesk.exchange.rows import SttError, read_group
    from db.errors import InvalidInput
    from db.login import current_user
    from db.table_file import import_table, open_table, summary

    path = Path(args.file)
    kind = PeriodKind(args.period)
    try:
        group = read_group(args.group) if args.group is not None else None
    except SttError as exc:
        raise InvalidInput(f"--group: {exc.message}") from exc
    # The file and its header are checked before the database is opened: a wrong file leaves no trace.
    opened = open_table(path, args.year, kind)
    result, report = import_table(open_db(args), opened, group=group, actor=current_user())
    for line in summary(result, report, path.name, kind):
        say(line)
    return EXIT_OK
