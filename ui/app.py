"""``python main.py [--db PATH | --db-url URL] [--role tonghop|CODE] [--year YYYY] [--period uoc|thuc-hien]``.

The window comes first: this module and the window's own modules import Qt and little
else, the window is shown, and the database layer (SQLAlchemy is the slowest import on the
way) is imported and read in a worker thread that runs while Qt paints (see
:mod:`ui.startup`). ``BKDESK_TRACE_STARTUP=1`` writes ``startup: window-shown`` at the
first paint and ``startup: ready`` once the grid is filled and takes input;
``BKDESK_QUIT_AFTER_READY=1`` closes the app right after ``ready`` (benchmarks, smoke tests).
"""

from __future__ import annotations

import sys
from types import TracebackType

from PySide6.QtWidgets import QApplication

from ui.options import parse_options
from ui.settings_store import APPLICATION, ORGANISATION

EXIT_BAD_OPTIONS = 2


def make_application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication([sys.argv[0] if sys.argv else "bkdesk"])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    return app


def _first_error(kind: type[BaseException], exc: BaseException, trace: TracebackType | None) -> None:
    """Until the full hook is installed (after the first paint): load it, then hand the error over."""
    from ui.crash import install_excepthook

    install_excepthook()(kind, exc, trace)


def run(argv: list[str]) -> int:
    """Open the desktop app; returns the process exit code."""
    try:
        options = parse_options(argv)
    except SystemExit as exc:  # argparse has printed its message
        return int(exc.code) if isinstance(exc.code, int) else EXIT_BAD_OPTIONS
    sys.excepthook = _first_error
    app = make_application()

    from ui.fonts import ensure_vietnamese_font
    from ui.main_window import MainWindow
    from ui.settings_store import SettingsStore
    from ui.startup import AppController

    ensure_vietnamese_font(app)
    settings = SettingsStore()
    window = MainWindow(settings)
    controller = AppController(window, options, settings)
    window.show()
    controller.start()
    try:
        return app.exec()
    finally:
        controller.shutdown()
