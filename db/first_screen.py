"""The app's first screen read with Python's own ``sqlite3``, before SQLAlchemy is imported.

Importing SQLAlchemy and its ORM costs more than showing the window itself, so at
start-up the app reads what its first screen needs (the years, the phòng, whose
database it is, one period's rows, its lock and the open conflicts) straight from the file, and the
database layer loads in the background once the grid is filled. Every later read and
every write goes through the SQLAlchemy services as before.

These queries mirror :func:`db.tables.load_rows` and its neighbours; the tests compare
the two on the same files so that they cannot drift apart. The reader only ever reads,
and answers ``None`` whenever it cannot be sure (another schema version, an empty file,
a database that is not a file): the start-up then takes the SQLAlchemy path, which also
creates, migrates and reports problems.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bkdesk.catalogue import Department, Direction, Indicator, PeriodKind
from bkdesk.evaluation import LAST_YEAR_ESTIMATE, LAST_YEAR_RESULT, Override, RowInput
from bkdesk.verdicts import Verdict
from db.database import SQLITE_HEADER, Access, open_sqlite, untouched_access
from db.file_format import APPLICATION_ID, ROLE_KEY, SCHEMA_VERSION, SYNTHESIS_ROLE, LockState

# An indicator's catalogue entry as plain SQL reads it (``i``: the indicator): see :func:`indicator_of`.
INDICATOR_COLUMNS = (
    "i.code, i.group_code, i.stt, i.name, i.unit, parent.code, department.code, "
    "i.direction, i.counted, i.sum_of_children"
)
INDICATOR_JOINS = (
    "LEFT JOIN indicators AS parent ON i.parent_id = parent.id "
    "LEFT JOIN departments AS department ON i.department_id = department.id"
)
_ROWS = f"""
    SELECT i.id, {INDICATOR_COLUMNS}, t.text
    FROM targets AS t
    JOIN indicators AS i ON t.indicator_id = i.id
    {INDICATOR_JOINS}
    WHERE t.year = ?
    ORDER BY t.position, i.id
"""


def indicator_of(columns: Sequence[Any]) -> Indicator:
    """The indicator of the ``INDICATOR_COLUMNS`` of a row."""
    code, group, stt, name, unit, parent, department, direction, counted, sum_of_children = columns
    return Indicator(
        code=code,
        group=group,
        stt=stt,
        name=name,
        unit=unit,
        parent=parent,
        department=department,
        direction=Direction(direction),
        counted=bool(counted),
        sum_of_children=bool(sum_of_children),
    )


_VALUES = """
    SELECT indicator_id, text, note, reported_verdict, reported_pct_last_year, reported_pct_estimate
    FROM indicator_values WHERE period_id = ?
"""
_TARGETED_ELSEWHERE = "SELECT DISTINCT indicator_id FROM targets WHERE year != ? AND text != ''"
_OVERRIDES = "SELECT indicator_id, verdict, reason, set_by, set_at FROM verdict_overrides WHERE period_id = ?"
_CHOICES = "exchange_feedback_choices"
_OPEN_CONFLICTS = """
    SELECT COUNT(*) FROM exchange_conflicts AS c
    JOIN departments AS d ON c.department_id = d.id
    JOIN indicators AS i ON c.indicator_id = i.id
    JOIN periods AS p ON c.period_id = p.id
    JOIN exchange_submissions AS s ON c.submission_id = s.id
    WHERE p.year = ? AND c.status = 'open'
"""


class FirstScreenReader:
    """Read-only queries on one ``sqlite3`` connection, used by one thread and then closed."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    @classmethod
    def open(cls, file: Path, access: Access | None = None) -> FirstScreenReader | None:
        """A reader on ``file``, or ``None`` when the file is not a bkdesk database of this version.

        ``access`` is how the database layer found it may be read (``db.database.DatabaseFile.read_access``);
        without it the file is read as one not yet checked, leaving nothing beside it.
        """
        try:
            with open(file, "rb") as handle:
                header = handle.read(100)
        except OSError:
            return None  # missing (creating it is the database layer's job), or unreadable: the layer says why
        # Every file of this schema version carries the marker; anything else is the database layer's to judge.
        if header[:16] != SQLITE_HEADER or int.from_bytes(header[68:72], "big") != APPLICATION_ID:
            return None
        try:
            connection = open_sqlite(file, access or untouched_access(file, header))
        except sqlite3.Error:
            return None
        try:
            connection.execute("PRAGMA query_only = ON")
            version = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.Error:
            connection.close()
            return None
        if version is None or version[0] != str(SCHEMA_VERSION):
            connection.close()
            return None
        return cls(connection)

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> FirstScreenReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _all(self, sql: str, *parameters: object) -> list[tuple[Any, ...]]:
        with closing(self._connection.execute(sql, parameters)) as cursor:
            return cursor.fetchall()

    def years(self) -> list[int]:
        """As :func:`db.tables.years`: years that have a table, newest last."""
        return [year for (year,) in self._all("SELECT DISTINCT year FROM targets ORDER BY year")]

    def departments(self) -> list[Department]:
        """As :func:`db.tables.departments`."""
        return [Department(code, name) for code, name in self._all("SELECT code, name FROM departments ORDER BY id")]

    def owner(self) -> Department | None:
        """As :func:`db.roles.database_role`: the phòng a phòng's database belongs to, else ``None``."""
        found = self._all("SELECT value FROM settings WHERE key = ?", ROLE_KEY)
        code = found[0][0] if found else ""
        if not code or code == SYNTHESIS_ROLE:
            return None
        identity = self._all("SELECT department_code, department_name FROM exchange_identity ORDER BY id DESC LIMIT 1")
        name = identity[0][1] if identity and identity[0][0] == code else ""
        if not name:
            named = self._all("SELECT name FROM departments WHERE code = ?", code)
            name = (named[0][0] if named else "") or code
        return Department(code, name)

    def _period(self, year: int, kind: PeriodKind) -> tuple[int, bool, str] | None:
        found = self._all("SELECT id, locked, lock_reason FROM periods WHERE year = ? AND kind = ?", year, kind.value)
        return (found[0][0], bool(found[0][1]), found[0][2] or "") if found else None

    def lock(self, year: int, kind: PeriodKind) -> LockState:
        """As :func:`db.tables.lock_state`."""
        period = self._period(year, kind)
        return LockState(True, period[2]) if period is not None and period[1] else LockState(False)

    def open_conflicts(self, year: int) -> int:
        """As ``len(db.conflicts.list_conflicts(db, year))`` on the synthesis office's database."""
        count: int = self._all(_OPEN_CONFLICTS, year)[0][0]
        return count

    def pending_choices(self) -> int:
        """As ``len(db.feedback_import.list_choices(db))`` on a phòng's database (none before schema 5)."""
        known = self._all("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?", _CHOICES)[0][0]
        if not known:
            return 0
        count: int = self._all(f"SELECT COUNT(*) FROM {_CHOICES}")[0][0]
        return count

    def _values(self, year: int, kind: PeriodKind) -> dict[int, tuple[str, str, str, str, str]]:
        period = self._period(year, kind)
        if period is None:
            return {}
        return {row[0]: row[1:] for row in self._all(_VALUES, period[0])}

    def rows(self, year: int, kind: PeriodKind) -> list[RowInput]:
        """As :func:`db.tables.load_rows`: ``year``'s table in printed order, with this period's figures."""
        values = self._values(year, kind)
        last_year: dict[int, tuple[str, str]] = {}
        # The final result wins over the estimate.
        for earlier, source in ((PeriodKind.ESTIMATE, LAST_YEAR_ESTIMATE), (PeriodKind.RESULT, LAST_YEAR_RESULT)):
            for indicator_id, (text, *_rest) in self._values(year - 1, earlier).items():
                if text:
                    last_year[indicator_id] = (text, source)
        period = self._period(year, kind)
        overrides = {row[0]: row[1:] for row in self._all(_OVERRIDES, period[0])} if period is not None else {}
        elsewhere = {indicator_id for (indicator_id,) in self._all(_TARGETED_ELSEWHERE, year)}
        rows: list[RowInput] = []
        for indicator_id, *columns, target in self._all(_ROWS, year):
            text, note, reported_verdict, reported_pct, printed_for = values.get(indicator_id, ("", "", "", "", ""))
            override = overrides.get(indicator_id)
            previous, source = last_year.get(indicator_id, ("", LAST_YEAR_RESULT))
            rows.append(
                RowInput(
                    indicator=indicator_of(columns),
                    target=target,
                    estimate=text,
                    last_year=previous,
                    reported_verdict=Verdict(reported_verdict) if reported_verdict else None,
                    reported_pct_last_year=reported_pct,
                    override=_override(*override) if override is not None else None,
                    note=note,
                    target_other_year=indicator_id in elsewhere,
                    last_year_source=source,
                    reported_pct_estimate=printed_for,
                )
            )
        return rows


def _override(verdict: str, reason: str, set_by: str, set_at: str | None) -> Override:
    # SQLAlchemy keeps a DateTime in SQLite as ISO text, in UTC (db.models.UtcDateTime).
    at = datetime.fromisoformat(set_at).replace(tzinfo=UTC) if set_at else None
    return Override(Verdict(verdict), reason, set_by, at)
