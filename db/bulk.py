"""Many rows in one statement, handed to the driver's ``executemany`` at once.

SQLAlchemy's own executemany prepares every row in Python (its parameters matched,
each value through its type) before the driver sees it: for the tens of thousands of
rows of a merge (figures, audit records, provenance, merge bases) that was a large
part of an import. Here the statement is compiled once and each row becomes a plain
tuple, every value still through its column type's bind processor (an aware UTC time
stored as SQLAlchemy stores it). A driver with named parameters (a server's) gets the
ordinary executemany.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.sql.dml import UpdateBase


def executemany(connection: Connection, statement: UpdateBase, rows: Sequence[dict[str, Any]]) -> None:
    """Run ``statement`` once per row of ``rows`` (all with the same keys), in the caller's transaction."""
    if not rows:
        return
    dialect = connection.dialect
    compiled = statement.compile(dialect=dialect, column_keys=list(rows[0]))
    names = compiled.positiontup
    if not compiled.positional or names is None:
        connection.execute(statement, list(rows))
        return
    columns: list[tuple[str, Callable[[Any], Any] | None, Any]] = []
    for name in names:
        bind = compiled.binds[name]
        columns.append((name, bind.type.dialect_impl(dialect).bind_processor(dialect), bind.effective_value))
    parameters = [
        tuple(
            (process(row[name]) if process is not None else row[name])
            if name in row
            else (process(fixed) if process is not None else fixed)
            for name, process, fixed in columns
        )
        for row in rows
    ]
    connection.exec_driver_sql(str(compiled), parameters)
