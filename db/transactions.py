"""Who takes SQLite's write lock, and when: write transactions at their first statement, reads never.

Python's ``sqlite3`` (before 3.16) emits ``BEGIN`` itself only before INSERT, UPDATE or
DELETE, so a "transaction" that reads a figure and then writes it reads outside any
transaction: another process may change the figure in between, and the audit records
an old value that was never stored. Here the driver's own BEGIN is turned off and the
engine emits its own (SQLAlchemy's recipe "Serializable isolation / Savepoints /
Transactional DDL" for pysqlite):

- a write transaction (:meth:`db.database.Database.begin`) starts with ``BEGIN IMMEDIATE``:
  it waits for the write lock (up to the busy timeout) before its first read, so what
  it reads stays true until it commits;
- every other transaction, reads included (``Database.read``, the status tab, reports),
  starts with a plain ``BEGIN``: in WAL mode it reads a consistent snapshot and never
  waits for a writer.

With ``BKDESK_TRACE_WRITES=1`` every write transaction says on stderr when it holds the
write lock (``write: begin``), when it asks for its commit (``write: commit``), when the
commit is done (``write: committed``) and when it is rolled back (``write: rollback``):
how long a command keeps others waiting, and the points where the test that kills commands
(``tests/test_kill_during_writes.py``) aims.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy import Connection, Engine

WRITE_OPTION = "bkdesk_write"
WRITE: dict[str, Any] = {WRITE_OPTION: True}
"""Execution options of a connection whose transaction will write (``session.connection(execution_options=WRITE)``)."""


TRACE_WRITES = "BKDESK_TRACE_WRITES"


def tracing_writes() -> bool:
    return os.environ.get(TRACE_WRITES, "").strip() not in ("", "0")


def trace_write(step: str) -> None:
    """``write: step`` on stderr, at once (a killed process has said everything up to its last step)."""
    if sys.stderr is None:  # the app started without a console (pythonw on Windows)
        return
    sys.stderr.write(f"write: {step}\n")
    sys.stderr.flush()


def install_transaction_control(engine: Engine) -> None:
    """Let the engine, not the driver, begin SQLite transactions: IMMEDIATE for writes, deferred otherwise."""
    from sqlalchemy import event

    if engine.dialect.name == "sqlite":  # other servers lock rows as they are read for update (SELECT … FOR UPDATE)
        event.listen(engine, "connect", _driver_begins_nothing)
        event.listen(engine, "begin", _begin)
    if tracing_writes():
        # Registered after _begin, so "begin" is said once the write lock is held.
        event.listen(engine, "begin", _traced("begin"))
        event.listen(engine, "commit", _traced("commit"))
        event.listen(engine, "rollback", _traced("rollback"))


def _traced(step: str) -> Callable[[Connection], None]:
    def trace(connection: Connection) -> None:
        if connection.get_execution_options().get(WRITE_OPTION):
            trace_write(step)

    return trace


def _driver_begins_nothing(dbapi_connection: Any, _record: Any) -> None:
    # With isolation_level None the driver emits no BEGIN of its own (and no COMMIT
    # before DDL); it still commits and rolls back what _begin started.
    dbapi_connection.isolation_level = None


def _begin(connection: Connection) -> None:
    if connection.get_execution_options().get(WRITE_OPTION):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")
