"""What became of each file given to ``import-submissions``, and the batch in which every file is already known.

Kept apart from :mod:`db.submission_import` so that a batch of files the synthesis office
already took (the same USB stick imported twice) is answered with Python's own
``sqlite3``: its files are read and hashed, and one query finds them all, before
SQLAlchemy, the signing library or the backup before an import are loaded. Nothing is
written then, so there is nothing to back up. Whenever this reader cannot be sure (a
database given by URL, another schema version, read-only media, a phòng's database, any
file not yet imported) the command takes the ordinary path, which says the same for
the known files and merges the others.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from bkdesk.exchange.files import FileRefused, RawFile, read_limited
from bkdesk.exchange.times import local_text
from bkdesk.numbers import format_number
from db.database import SQLITE_HEADER, is_writable, open_sqlite, untouched_access
from db.file_format import APPLICATION_ID, ROLE_KEY, SCHEMA_VERSION, SYNTHESIS_ROLE

# Hashes asked for in one statement: well under SQLite's limit of bound parameters.
HASHES_PER_QUERY = 500


class ImportStatus(StrEnum):
    ACCEPTED = "accepted"
    UNCHANGED = "unchanged"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """One line of the result: what became of one file."""

    file: str
    status: ImportStatus
    reason: str = ""
    department: str | None = None
    sequence: int | None = None
    signed: bool | None = None
    values_changed: int = 0
    conflicts: int = 0
    notices: tuple[str, ...] = ()  # what the office should know about an accepted file (a second installation…)

    @property
    def message(self) -> str:
        if self.status is ImportStatus.REFUSED:
            return f"{self.file}: bị từ chối — {self.reason}"
        if self.status is ImportStatus.UNCHANGED:
            return f"{self.file}: không thay đổi — {self.reason}"
        origin = f"phòng {self.department}" + (
            f", số thứ tự {self.sequence}" if self.sequence is not None else ", biểu mẫu Excel chưa ký"
        )
        counts = f"{format_number(self.values_changed)} giá trị thay đổi, {format_number(self.conflicts)} xung đột"
        accepted = f"{self.file}: đã nhận ({origin}) — {counts}"
        return " ".join((accepted + ("." if self.notices else ""), *self.notices))


def imported_on(at: datetime, name: str) -> str:
    """Why a file already imported is unchanged."""
    return f"tệp này đã được nhập ngày {local_text(at)} (tên lúc đó: {name})"


def known_only(file: Path, paths: Sequence[Path]) -> list[ImportOutcome] | None:
    """The outcomes of a batch with nothing to merge (every file already imported, or unreadable), in the order
    given; ``None`` when some file is new, or when this reader cannot be sure of the database."""
    connection = _synthesis_office(file)
    if connection is None:
        return None
    with closing(connection):
        raws: dict[int, RawFile] = {}
        outcomes: list[ImportOutcome | None] = [None] * len(paths)
        for index, path in enumerate(paths):
            try:
                raws[index] = read_limited(path)
            except FileRefused as exc:
                outcomes[index] = ImportOutcome(path.name, ImportStatus.REFUSED, exc.message)
            except Exception:  # the ordinary path reports it, and logs it
                return None
        known = _known(connection, sorted({raw.sha256 for raw in raws.values()}))
        for index, raw in raws.items():
            if raw.sha256 not in known:
                return None
            outcomes[index] = ImportOutcome(raw.name, ImportStatus.UNCHANGED, known[raw.sha256])
    return [outcome for outcome in outcomes if outcome is not None]


def _synthesis_office(file: Path) -> sqlite3.Connection | None:
    """A read-only connection on ``file`` when it is the synthesis office's database of this schema version and
    could be written (so that the ordinary path would not refuse the command before reading any file)."""
    try:
        with open(file, "rb") as handle:
            header = handle.read(100)
    except OSError:
        return None
    if header[:16] != SQLITE_HEADER or int.from_bytes(header[68:72], "big") != APPLICATION_ID:
        return None
    if not is_writable(file):
        return None
    try:
        connection = open_sqlite(file, untouched_access(file, header))
    except sqlite3.Error:
        return None
    try:
        connection.execute("PRAGMA query_only = ON")
        version = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        role = connection.execute("SELECT value FROM settings WHERE key = ?", (ROLE_KEY,)).fetchone()
    except sqlite3.Error:
        connection.close()
        return None
    if (
        version is None
        or version[0] != str(SCHEMA_VERSION)
        or (role is not None and role[0] not in ("", SYNTHESIS_ROLE))
    ):
        connection.close()
        return None
    return connection


def _known(connection: sqlite3.Connection, hashes: list[str]) -> dict[str, str]:
    """Hashes already imported → why the file is unchanged (as :func:`db.submission_import.import_submissions`)."""
    found: dict[str, str] = {}
    for start in range(0, len(hashes), HASHES_PER_QUERY):
        chunk = hashes[start : start + HASHES_PER_QUERY]
        marks = ", ".join("?" * len(chunk))
        query = f"SELECT sha256, imported_at, file_name FROM exchange_submissions WHERE sha256 IN ({marks})"
        with closing(connection.execute(query, chunk)) as cursor:
            for sha, at, name in cursor:
                found[sha] = imported_on(datetime.fromisoformat(at).replace(tzinfo=UTC), name)
    return found
