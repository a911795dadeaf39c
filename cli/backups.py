"""backups list | create | restore FILE: the copies kept in the ``backups`` folder beside the database.

These commands work on the file itself with SQLite's backup API, without opening it
through the database layer: a database that layer refuses (damaged, deleted) is exactly
what ``restore`` is for.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cli.common import EXIT_OK, add_database_options, say


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "backups",
        help="xem, tạo và khôi phục các bản sao lưu của cơ sở dữ liệu",
        description=(
            "Các bản sao lưu nằm trong thư mục «backups» cạnh tệp cơ sở dữ liệu; bkdesk tự sao lưu trước mỗi lần "
            "nhập, giải quyết xung đột, chốt/mở khóa, khôi phục, nâng cấp và khi đóng ứng dụng sau khi có thay đổi."
        ),
    )
    add_database_options(parser)
    parser.set_defaults(handler=run_list)
    actions = parser.add_subparsers(dest="backup_action", metavar="list|create|restore")
    listing = actions.add_parser("list", help="liệt kê các bản sao lưu, mới nhất trước")
    add_database_options(listing)
    listing.set_defaults(handler=run_list)
    create = actions.add_parser("create", help="sao lưu ngay (bản sao được kiểm tra toàn vẹn)")
    add_database_options(create)
    create.set_defaults(handler=run_create)
    restore = actions.add_parser(
        "restore",
        help="khôi phục cơ sở dữ liệu từ một bản sao lưu (cơ sở dữ liệu hiện tại được sao lưu trước)",
    )
    restore.add_argument("file", metavar="TỆP", help="tên bản sao lưu trong danh sách, hoặc đường dẫn tới tệp")
    add_database_options(restore)
    restore.set_defaults(handler=run_restore)


def database_file(args: argparse.Namespace) -> Path:
    """The SQLite file the command is about; a database given by URL has no backups here."""
    from db.database import default_db_path
    from db.errors import StoreError

    if getattr(args, "db_url", None):
        raise StoreError(
            "Chỉ sao lưu và khôi phục được cơ sở dữ liệu là tệp SQLite (--db); cơ sở dữ liệu theo địa chỉ URL "
            "hãy sao lưu bằng công cụ của máy chủ cơ sở dữ liệu đó."
        )
    given = getattr(args, "db", None)
    path = Path(given).expanduser() if given else default_db_path()
    if path.is_dir():
        raise StoreError(f"{path} là một thư mục, không phải tệp cơ sở dữ liệu")
    return path


def run_list(args: argparse.Namespace) -> int:
    from bkdesk.backups import RETENTION_TEXT, size_text
    from db.backups import backups_folder, list_backups

    database = database_file(args)
    backups = list_backups(database)
    folder = backups_folder(database)
    if not backups:
        say(f"Chưa có bản sao lưu nào của {database} (thư mục {folder}).")
        return EXIT_OK
    say(f"Các bản sao lưu của {database}, mới nhất trước (thư mục {folder}):")
    width = max(len(backup.label) for backup in backups)
    for backup in backups:
        say(f"  {backup.when_text}  {backup.label:<{width}}  {size_text(backup.size):>9}  {backup.path.name}")
    say(f"{len(backups)} bản. {RETENTION_TEXT}")
    say("Khôi phục: python main.py backups restore TÊN-TỆP")
    return EXIT_OK


def run_create(args: argparse.Namespace) -> int:
    from bkdesk.backups import BackupReason, size_text
    from db.backups import create_backup
    from db.errors import StoreError

    database = database_file(args)
    if not database.is_file():
        raise StoreError(f"Không có cơ sở dữ liệu {database} để sao lưu")
    backup = create_backup(database, BackupReason.MANUAL)
    say(
        f"Đã sao lưu {database} lúc {backup.when_text} vào {backup.path} ({size_text(backup.size)}); "
        "bản sao đã qua bước kiểm tra toàn vẹn."
    )
    return EXIT_OK


def run_restore(args: argparse.Namespace) -> int:
    from bkdesk.backups import parse_backup_name, when_text
    from db.backups import find_backup, restore_backup
    from db.file_format import SCHEMA_VERSION

    database = database_file(args)
    source = find_backup(database, args.file)
    restored = restore_backup(database, source)
    name = parse_backup_name(database.stem, source.name)
    made = f" (bản sao lưu lúc {when_text(name.when)})" if name is not None else ""
    say(f"Đã khôi phục {database} từ {source}{made}.")
    if restored.saved is not None:
        say(f"Cơ sở dữ liệu trước khi khôi phục được sao lưu vào {restored.saved.path}.")
    if restored.damaged is not None:
        say(f"Cơ sở dữ liệu trước khi khôi phục bị hỏng; bản hỏng được giữ nguyên ở {restored.damaged}.")
    if restored.version < SCHEMA_VERSION:
        say("Bản sao lưu này của phiên bản bkdesk cũ hơn: lần mở tới, cơ sở dữ liệu sẽ được nâng cấp.")
    return EXIT_OK
