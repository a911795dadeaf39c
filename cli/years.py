"""new-year: the synthesis office starts next year's table from this year's."""

from __future__ import annotations

import argparse
from typing import Any

from cli.common import EXIT_OK, add_database_options, open_db, say


def register(subparsers: Any) -> None:
    new_year = subparsers.add_parser(
        "new-year",
        help="văn phòng tổng hợp: tạo biểu năm mới từ biểu một năm trước (giữ mã chỉ tiêu, nhiệm vụ để trống)",
    )
    new_year.add_argument("--from", dest="source", type=int, required=True, metavar="NĂM", help="năm có biểu để chép")
    new_year.add_argument("--to", dest="year", type=int, required=True, metavar="NĂM", help="năm mới, sau --from")
    add_database_options(new_year)
    new_year.set_defaults(handler=run_new_year)


def run_new_year(args: argparse.Namespace) -> int:
    from bkdesk.backups import BackupReason
    from db.backups import before
    from db.login import current_user
    from db.years import check_new_year, check_years, create_year

    check_years(args.source, args.year)  # before the database is opened: a wrong year is a typing slip
    db = open_db(args, plain=True)  # the work is plain SQL: SQLAlchemy is not loaded for a file
    check_new_year(db, args.source, args.year)  # a refusal makes no backup
    before(db, BackupReason.NEW_YEAR)
    made = create_year(db, args.source, args.year, actor=current_user())
    say(
        f"Đã tạo biểu chỉ tiêu năm {made.year} từ biểu năm {made.source}: {made.indicators} chỉ tiêu, "
        "giữ nguyên mã và thứ tự; nhiệm vụ để trống."
    )
    say(
        f"Nhập nhiệm vụ năm {made.year} trong ứng dụng hoặc bằng import-table --year {made.year}; "
        f"cột so với cùng kỳ lấy số thực hiện năm {made.source} (chưa có thì lấy số ước thực hiện)."
    )
    return EXIT_OK
