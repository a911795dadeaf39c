"""No traceback ever reaches the user: errors go to a rotating log and a Vietnamese message.

An exception escaping a Qt slot lands in ``sys.excepthook``; the hook installed here writes
the trace to the rotating ``bkdesk.log`` in the user's log folder (platformdirs, shared with
the CLI through ``bkdesk.logfile``) and shows a message box that says what happened and
where the details are.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

log = logging.getLogger("bkdesk.ui")

Notifier = Callable[[str], None]


def setup_logging() -> Path | None:
    """The rotating log file the CLI uses too (``bkdesk.logfile``); returns where it is, if anywhere."""
    from bkdesk.logfile import configure_file_logging

    path = configure_file_logging()
    if path is not None:
        return path
    for handler in logging.getLogger("bkdesk").handlers:  # configured already (by an earlier call)
        if isinstance(handler, RotatingFileHandler):
            return Path(handler.baseFilename)
    return None


def message_for(exc: BaseException, log_file: Path | None) -> str:
    where = f"\n\nChi tiết đã được ghi vào tệp nhật ký:\n{log_file}" if log_file else ""
    from db.errors import database_problem

    problem = database_problem(exc)  # damaged, read-only, locked, full: the user can act on it
    if problem is not None:
        return f"{problem.message}{where}"
    return (
        "Đã xảy ra lỗi không mong đợi, thao tác vừa rồi có thể chưa hoàn tất.\n"
        f"({type(exc).__name__}: {exc})\n\n"
        "Số liệu đã lưu trước đó không bị ảnh hưởng. Nếu lỗi lặp lại, hãy báo cho người quản trị."
        f"{where}"
    )


def show_error_box(text: str) -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox

    if QApplication.instance() is None:
        print(text, file=sys.stderr, flush=True)
        return
    QMessageBox.critical(QApplication.activeWindow(), "bkdesk — lỗi", text)


class ExceptHook:
    """The hook itself: log, then tell the user once (a failing box must not recurse)."""

    def __init__(self, log_file: Path | None, notify: Notifier = show_error_box) -> None:
        self.log_file = log_file
        self.notify = notify
        self._showing = False

    def __call__(self, kind: type[BaseException], exc: BaseException, trace: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, trace)
            return
        log.error("unhandled exception", exc_info=(kind, exc, trace))
        if self._showing:
            return
        self._showing = True
        try:
            self.notify(message_for(exc, self.log_file))
        finally:
            self._showing = False


def install_excepthook(notify: Notifier = show_error_box) -> ExceptHook:
    hook = ExceptHook(setup_logging(), notify)
    sys.excepthook = hook
    return hook
