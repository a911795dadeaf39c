"""What every reader of a bkdesk database file agrees on, with or without SQLAlchemy.

:mod:`db.schema` writes and migrates the schema version; :mod:`db.roles` keeps whose
database it is under ``ROLE_KEY`` in the settings table; :mod:`db.first_screen` reads both.
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEMA_VERSION = 1
ROLE_KEY = "role"
SYNTHESIS_ROLE = "tonghop"


@dataclass(frozen=True, slots=True)
class LockState:
    """Whether a period's figures are locked, and why."""

    locked: bool
    reason: str = ""
