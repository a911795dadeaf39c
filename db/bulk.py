"""Many rows in one statement, handed to the driver's ``executemany`` at once.

SQLAlchemy's own executemany prepares every row in Python (its parameters matched,
each value through its type) before the driver sees it, and a statement built anew is
compiled anew: for the tens of thousands of rows of a merge (figures, audit records,
provenance, merge bases) that was a large part of an import. Here a statement (built
once, at module level, by the caller) is compiled once per database kind and set of
columns, and each row becomes a plain list, the values of a column whose type stores
them its own way (an aware UTC time) through that type's bind processor. A driver with
named parameters (a server's) gets the ordinary executemany.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.sql.dml import Insert, UpdateBase

_Processor = Callable[[Any], Any]


class _Plan:
    """A statement compiled for one dialect and one set of row keys: its SQL and how to turn a row into values."""

    def __init__(self, statement: UpdateBase, connection: Connection, keys: tuple[str, ...]) -> None:
        dialect = connection.dialect
        compiled = statement.compile(dialect=dialect, column_keys=list(keys))
        self.statement = statement  # held, so that the id it is cached under is never another statement's
        # Python-side defaults are SQLAlchemy's to fill in: a row leaving such a column out takes its path.
        table = statement.table
        defaulted = isinstance(statement, Insert) and any(
            column.default is not None and column.key not in keys for column in getattr(table, "columns", ())
        )
        self.positional = compiled.positional and compiled.positiontup is not None and not defaulted
        self.sql = str(compiled)
        names = compiled.positiontup or []
        self.template: list[Any] = []
        self.from_row: list[tuple[int, str]] = []
        self.processed: list[tuple[int, _Processor]] = []
        for index, name in enumerate(names):
            bind = compiled.binds[name]
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if name in keys:
                self.template.append(None)
                self.from_row.append((index, name))
                if process is not None:
                    self.processed.append((index, process))
            else:  # a value written into the statement itself
                self.template.append(process(bind.effective_value) if process is not None else bind.effective_value)

    def parameters(self, rows: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
        if not self.from_row:
            return [tuple(self.template) for _ in rows]
        indexes = [index for index, _ in self.from_row]
        names = [name for _, name in self.from_row]
        get = itemgetter(*names)
        single = len(names) == 1
        template, processed = self.template, self.processed
        whole = indexes == list(range(len(template)))
        result = []
        for row in rows:
            found = get(row)
            if whole:
                values = [found] if single else list(found)
            else:
                values = list(template)
                for index, value in zip(indexes, [found] if single else found, strict=True):
                    values[index] = value
            for index, process in processed:
                values[index] = process(values[index])
            result.append(tuple(values))
        return result


_PLANS: dict[tuple[int, str, tuple[str, ...]], _Plan] = {}


def executemany(connection: Connection, statement: UpdateBase, rows: Sequence[dict[str, Any]]) -> None:
    """Run ``statement`` once per row of ``rows`` (all with the same keys), in the caller's transaction.

    ``statement`` is built once by the caller (a module constant): its compiled form is kept for the next call.
    """
    if not rows:
        return
    keys = tuple(rows[0])
    cache_key = (id(statement), connection.dialect.name, keys)
    plan = _PLANS.get(cache_key)
    if plan is None:
        if len(_PLANS) > 64:  # statements built per call by mistake: compiled again, never held without bound
            _PLANS.clear()
        plan = _PLANS[cache_key] = _Plan(statement, connection, keys)
    if not plan.positional:
        connection.execute(statement, list(rows))
        return
    connection.exec_driver_sql(plan.sql, plan.parameters(rows))
