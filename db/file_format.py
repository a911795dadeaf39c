"""What every reader of a bkdesk database file agrees on, with or without SQLAlchemy.

:mod:`db.schema` writes and migrates the schema version; :mod:`db.roles` keeps whose
database it is under ``ROLE_KEY`` in the settings table; :mod:`db.first_screen` reads both.

A bkdesk SQLite file carries ``APPLICATION_ID`` in its header (``PRAGMA application_id``,
the four bytes at offset 68), so that bkdesk can tell its own files from any other SQLite
file by reading 100 bytes, before it opens, let alone writes, anything. New files get it
when they are created; files of schema version 1, made before the marker existed, get it
in their upgrade to version 2 (until then their ``meta`` table says whose they are).
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEMA_VERSION = 6
# The oldest schema this release reads as it is, without migrating it: a file on read-only
# media cannot be upgraded. Version 2 only added the file marker; version 3 changed the
# exchange tables, which the first screen and the reports do not read, but signing and
# merging do, so a file older than 3 is read only once upgraded.
OLDEST_READABLE_VERSION = 3
# "BKDK" in ASCII, big-endian, as SQLite stores it (0x424B444B; a positive 32-bit integer).
APPLICATION_ID = int.from_bytes(b"BKDK", "big")
ROLE_KEY = "role"
SYNTHESIS_ROLE = "tonghop"


@dataclass(frozen=True, slots=True)
class LockState:
    """Whether a period's figures are locked, and why."""

    locked: bool
    reason: str = ""
