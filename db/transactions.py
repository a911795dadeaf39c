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
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

WRITE_OPTION = "bkdesk_write"
WRITE: dict[str, Any] = {WRITE_OPTION: True}
"""Execution options of a connection whose transaction will write (``session.connection(execution_options=WRITE)``)."""


def install_transaction_control(engine: Engine) -> None:
    """Let the engine, not the driver, begin SQLite transactions: IMMEDIATE for writes, deferred otherwise."""
    if engine.dialect.name != "sqlite":
        return  # other servers lock rows as they are read for update (SELECT … FOR UPDATE)
    from sqlalchemy import event

    event.listen(engine, "connect", _driver_begins_nothing)
    event.listen(engine, "begin", _begin)


def _driver_begins_nothing(dbapi_connection: Any, _record: Any) -> None:
    # With isolation_level None the driver emits no BEGIN of its own (and no COMMIT
    # before DDL); it still commits and rolls back what _begin started.
    dbapi_connection.isolation_level = None


def _begin(connection: Connection) -> None:
    if connection.get_execution_options().get(WRITE_OPTION):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")
