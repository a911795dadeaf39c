"""Start-up milestones on stderr, so anyone can time the app (``BKDESK_TRACE_STARTUP=1``).

``startup: window-shown`` is written at the main window's first paint, ``startup: ready``
when the grid is filled with the user's rows and accepts input, and
``startup: database-loaded`` when the database layer behind it is loaded too (from then
on an edit is written without waiting; written only when the grid was filled from the
file alone, which is the usual start). With
``BKDESK_QUIT_AFTER_READY=1`` the app quits right after ``ready`` (benchmarks, smoke tests).
"""

from __future__ import annotations

import os
import sys

WINDOW_SHOWN = "window-shown"
READY = "ready"
DATABASE_LOADED = "database-loaded"


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip() not in ("", "0")


def tracing() -> bool:
    return _flag("BKDESK_TRACE_STARTUP")


def quit_after_ready() -> bool:
    return _flag("BKDESK_QUIT_AFTER_READY")


def milestone(name: str) -> None:
    if tracing():
        sys.stderr.write(f"startup: {name}\n")
        sys.stderr.flush()
