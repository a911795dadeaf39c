"""The grid's way to the database: the ``db`` services, with the context's year, period and actor.

Every call is its own transaction with its audit record (``db.entry``); nothing is kept
back for a later "save". Refusals come out as ``db.errors.StoreError``/``InvalidInput``
with their Vietnamese message.

The database layer is imported on first use, not with the grid: at start-up the grid is
filled from the file alone (:mod:`db.first_screen`) while it loads (:mod:`ui.database_layer`),
and a write made meanwhile waits for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bkdesk.evaluation import RowInput
from bkdesk.forms import restrict_to_department
from bkdesk.verdicts import Verdict
from ui import database_layer
from ui.context import AppContext

if TYPE_CHECKING:
    from db.audit import AuditEntry

ESTIMATE = "estimate"
NOTE = "note"
TARGET = "target"
FIELDS = (TARGET, ESTIMATE, NOTE)


class EntryStore:
    def __init__(self, context: AppContext) -> None:
        self.context = context

    def load_rows(self) -> list[RowInput]:
        """The context's table: every row for the synthesis office, a phòng's own rows otherwise."""
        database_layer.load()
        from db import tables

        context = self.context
        rows = tables.load_rows(context.db, context.year, context.period)
        return rows if context.is_synthesis else restrict_to_department(rows, context.role)

    def write(self, code: str, field: str, text: str, *, current_value: str, reason: str = "") -> None:
        """Store one cell; ``current_value`` is the estimate kept when only the note changes."""
        database_layer.load()
        from db import entry

        context = self.context
        if field == TARGET:
            entry.set_target(context.db, code, context.year, text, actor=context.actor, reason=reason)
        elif field == ESTIMATE:
            entry.set_value(
                context.db, code, context.year, text, kind=context.period, actor=context.actor, reason=reason
            )
        elif field == NOTE:
            entry.set_value(
                context.db,
                code,
                context.year,
                current_value,
                kind=context.period,
                note=text,
                actor=context.actor,
                reason=reason,
            )
        else:
            raise ValueError(field)

    def set_override(self, code: str, verdict: Verdict | None, reason: str) -> None:
        database_layer.load()
        from db import entry

        context = self.context
        entry.set_override(context.db, code, context.year, verdict, reason, kind=context.period, actor=context.actor)

    def history(self, code: str) -> list[AuditEntry]:
        database_layer.load()
        from db import audit

        return audit.history(self.context.db, self.context.year, code)
