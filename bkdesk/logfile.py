"""The log file: details for whoever maintains bkdesk, never shown to the user as is."""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_NAME = "bkdesk.log"


def log_dir() -> Path:
    override = os.environ.get("BKDESK_DATA_DIR")
    if override:
        return Path(override) / "logs"
    import platformdirs

    return Path(platformdirs.user_log_dir("bkdesk", appauthor=False))


def configure_file_logging() -> Path | None:
    """Send bkdesk's log records to a rotating file; never to the console.

    Without a handler Python would print a logged traceback to stderr, in front of
    the user. If the folder cannot be written, records are dropped silently.
    """
    root = logging.getLogger("bkdesk")
    root.propagate = False
    if root.handlers:
        return None
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = RotatingFileHandler(
            folder / LOG_NAME, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
        path: Path | None = folder / LOG_NAME
    except OSError:
        handler, path = logging.NullHandler(), None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path
