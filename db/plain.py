"""Plain SQL on bkdesk's tables: ``sqlite3`` itself for a file, SQLAlchemy Core for a server, one interface.

The merge of submissions reads and writes a few hundred rows per file in a couple of
dozen statements; through the ORM each cost more than SQLite's own work, and loading
SQLAlchemy alone cost a third of a whole ``import-submissions`` (``bench/bench_exchange.py``).
Code that writes through :class:`Plain` states its SQL once, with ``:name`` parameters,
which ``sqlite3`` and SQLAlchemy's ``text()`` both take; neither the ORM nor SQLAlchemy
is imported for a file.

What differs between the two is kept here: times are stored as SQLAlchemy's SQLite
dialect stores them (``YYYY-MM-DD HH:MM:SS.ffffff``, UTC, no zone), so rows written
either way read back the same through the models; a write transaction holds the write lock
from its start (``BEGIN IMMEDIATE``, as :meth:`db.database.Database.begin`), says its
steps when ``BKDESK_TRACE_WRITES`` is set, and runs the database's ``before_write``
check first.
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from db.database import BUSY_TIMEOUT_MS, Database, open_sqlite
from db.transactions import WRITE, trace_write, tracing_writes

if TYPE_CHECKING:
    from sqlalchemy import Connection, TextClause
    from sqlalchemy.orm import Session

Params = Mapping[str, Any]
# SQLAlchemy's SQLite DATETIME storage format: the models read these back as they read their own.
_SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"


class Plain(ABC):
    """Statements with ``:name`` parameters inside the caller's transaction."""

    sqlite: bool = True

    @abstractmethod
    def rows(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        """Every row the statement returns."""

    @abstractmethod
    def run(self, sql: str, params: Params | None = None) -> int:
        """Run one statement; how many rows it changed."""

    @abstractmethod
    def run_many(self, sql: str, rows: Sequence[Params]) -> None:
        """Run one statement once per row (all with the same keys)."""

    def first(self, sql: str, params: Params | None = None) -> tuple[Any, ...] | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def value(self, sql: str, params: Params | None = None) -> Any:
        """The first column of the first row, or ``None``."""
        row = self.first(sql, params)
        return row[0] if row is not None else None

    def new_id(self, sql: str, params: Params) -> int:
        """Run an ``INSERT … RETURNING id``; the new row's id."""
        row = self.first(sql, params)
        assert row is not None
        return int(row[0])

    def stamp(self, moment: datetime) -> Any:
        """``moment`` as a time column stores it: UTC without a zone (as ``db.models.UtcDateTime``)."""
        utc = moment.astimezone(UTC) if moment.tzinfo is not None else moment
        return utc.strftime(_SQLITE_TIME) if self.sqlite else utc.replace(tzinfo=None)

    @staticmethod
    def time(stored: Any) -> datetime:
        """A time column as read (text from SQLite, a naive datetime from a server) → an aware UTC datetime."""
        moment = datetime.fromisoformat(stored) if isinstance(stored, str) else stored
        assert isinstance(moment, datetime)
        return moment.replace(tzinfo=UTC)


class SqlitePlain(Plain):
    """On a ``sqlite3`` connection."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def rows(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        with closing(self.connection.execute(sql, params or {})) as cursor:
            return cursor.fetchall()

    def run(self, sql: str, params: Params | None = None) -> int:
        with closing(self.connection.execute(sql, params or {})) as cursor:
            return cursor.rowcount

    def run_many(self, sql: str, rows: Sequence[Params]) -> None:
        if rows:
            self.connection.executemany(sql, rows)


class CorePlain(Plain):
    """On a SQLAlchemy connection (a server's, or the session's own inside an ORM transaction)."""

    _texts: ClassVar[dict[str, TextClause]] = {}  # compiled once per process, whichever connection

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.sqlite = connection.dialect.name == "sqlite"

    def _text(self, sql: str) -> TextClause:
        found = self._texts.get(sql)
        if found is None:
            from sqlalchemy import text

            if len(self._texts) > 512:  # statements with a list of values written in: never kept without bound
                self._texts.clear()
            found = self._texts[sql] = text(sql)
        return found

    def rows(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.connection.execute(self._text(sql), dict(params or {}))]

    def run(self, sql: str, params: Params | None = None) -> int:
        return int(self.connection.execute(self._text(sql), dict(params or {})).rowcount)

    def run_many(self, sql: str, rows: Sequence[Params]) -> None:
        if rows:
            self.connection.execute(self._text(sql), [dict(row) for row in rows])


def plain_of(session: Session) -> Plain:
    """Plain statements inside an ORM session's transaction (on its connection)."""
    return CorePlain(session.connection())


def marks(prefix: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """``:prefix0, :prefix1, …`` for an ``IN (…)`` list, and their parameters."""
    names = [f"{prefix}{n}" for n in range(len(values))]
    return ", ".join(f":{name}" for name in names), dict(zip(names, values, strict=True))


class PlainLink:
    """One connection to a database for a batch of transactions (an import of many files).

    For a file, a ``sqlite3`` connection with the pragmas of the engine's (``db.database``);
    for a URL, the engine's connections.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self._sqlite: sqlite3.Connection | None = None
        if db.path is not None:
            connection = open_sqlite(db.path, db.access)
            connection.isolation_level = None  # transactions begin where this module says
            try:
                connection.execute("PRAGMA foreign_keys=ON")
                if db.access.writes:
                    connection.execute("PRAGMA journal_mode=WAL")
                    connection.execute("PRAGMA synchronous=NORMAL")
                else:
                    connection.execute("PRAGMA query_only=ON")
                connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            except BaseException:
                connection.close()
                raise
            self._sqlite = connection

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None

    @contextmanager
    def read(self) -> Iterator[Plain]:
        """A consistent snapshot that never waits for a writer."""
        if self._sqlite is None:
            with self.db.engine.connect() as connection:
                yield CorePlain(connection)
            return
        self._sqlite.execute("BEGIN")
        try:
            yield SqlitePlain(self._sqlite)
        finally:
            self._sqlite.execute("ROLLBACK")

    @contextmanager
    def write(self) -> Iterator[Plain]:
        """One write transaction: committed when the block ends, rolled back on any error."""
        self.db.refuse_writes()
        if self.db.before_write is not None:
            self.db.before_write()
        if self._sqlite is None:
            with self.db.engine.connect() as connection:
                connection = connection.execution_options(**WRITE)
                with connection.begin():
                    yield CorePlain(connection)
        else:
            sqlite = self._sqlite
            sqlite.execute("BEGIN IMMEDIATE")
            _trace("begin")
            try:
                yield SqlitePlain(sqlite)
                _trace("commit")
                sqlite.execute("COMMIT")
            except BaseException:
                if sqlite.in_transaction:  # a failed COMMIT (a full disk) is rolled back too
                    _trace("rollback")
                    sqlite.execute("ROLLBACK")
                raise
        _trace("committed")


def _trace(step: str) -> None:
    if tracing_writes():
        trace_write(step)


@contextmanager
def plain_link(db: Database) -> Iterator[PlainLink]:
    link = PlainLink(db)
    try:
        yield link
    finally:
        link.close()
