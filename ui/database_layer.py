"""The database layer (SQLAlchemy and the ``db`` services), loaded once, behind the first screen.

At start-up the grid is filled from the file alone (:mod:`db.first_screen`) and the layer
loads in the background. Python imports a package from two threads at once safely only
when no import cycle lies between them, so the grid's writes wait for that one load rather
than import alongside it, and the window keeps the actions that go to the database off
until it is done (a few tenths of a second).
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_loaded = threading.Event()


def is_loaded() -> bool:
    return _loaded.is_set()


def load() -> None:
    """Import the layer, or wait for the thread that is importing it."""
    if _loaded.is_set():
        return
    with _lock:
        if not _loaded.is_set():
            import sqlalchemy.dialects.sqlite  # noqa: F401 -- what the first write's engine loads

            from db import audit, entry, roles, tables  # noqa: F401 -- the grid's write path

            _loaded.set()
