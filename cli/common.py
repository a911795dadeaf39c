"""What every command shares: the database options, opening it, and reporting errors."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from bkdesk.catalogue import PeriodKind
from bkdesk.text import printable
from db.errors import InvalidInput, StoreError

if TYPE_CHECKING:
    # Only a type: importing it would load SQLAlchemy before the app's first window.
    from db.database import Database

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_BAD_INPUT = 2

log = logging.getLogger("bkdesk.cli")

Handler = Callable[[argparse.Namespace], int]


def add_database_options(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS keeps a value given before the command from being reset after it.
    group = parser.add_argument_group("cơ sở dữ liệu")
    group.add_argument(
        "--db", metavar="PATH", default=argparse.SUPPRESS, help="tệp SQLite (mặc định: thư mục dữ liệu của người dùng)"
    )
    group.add_argument(
        "--db-url", metavar="URL", default=argparse.SUPPRESS, help="địa chỉ SQLAlchemy bất kỳ, ví dụ postgresql://…"
    )


def add_period_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--period",
        choices=[kind.value for kind in PeriodKind],
        default=PeriodKind.ESTIMATE.value,
        help="uoc: ước thực hiện (mặc định); thuc-hien: thực hiện",
    )


def open_db(args: argparse.Namespace, *, plain: bool = False) -> Database:
    """The database the command names (``plain``: it is used through :mod:`db.plain` alone)."""
    from db.schema import open_database

    return open_database(getattr(args, "db", None), getattr(args, "db_url", None), plain=plain)


def say(text: str = "", stream: TextIO | None = None) -> None:
    """Print a line; control characters of stored text are shown escaped (ESC as ``\\u001b``), never raw."""
    print(printable(text), file=stream or sys.stdout, flush=True)


def fail(message: str, code: int = EXIT_REFUSED) -> int:
    say(f"Lỗi: {message}", sys.stderr)
    return code


def run_handler(handler: Handler, args: argparse.Namespace) -> int:
    """Run a command; a refusal prints its Vietnamese message, never a traceback."""
    try:
        return handler(args)
    except InvalidInput as exc:
        return fail(exc.message, EXIT_BAD_INPUT)
    except StoreError as exc:
        return fail(exc.message)
    except KeyboardInterrupt:
        return fail("đã dừng theo yêu cầu", 130)
    except OSError as exc:
        from bkdesk.file_errors import file_error_reason

        where = f'tệp "{exc.filename}": ' if getattr(exc, "filename", None) else ""
        return fail(f"{where}{file_error_reason(exc)}")
    except Exception as exc:  # the last guard: the user sees a message, the log keeps the trace
        from db.errors import database_problem

        problem = database_problem(exc)  # a SQLite failure met outside the database layer's engine
        if problem is not None:
            log.warning("database problem", exc_info=exc)
            return fail(problem.message)
        log.exception("unexpected error")
        return fail(f"lỗi không mong đợi ({type(exc).__name__}: {exc}). Hãy báo cho người quản trị.")


def json_dump(data: Any) -> str:
    import json

    return json.dumps(data, ensure_ascii=False, indent=2)
