"""The grid's way to the database: the ``db`` services, with the context's year, period and actor.

Every call is its own transaction with its audit record (``db.entry``); nothing is kept
back for a later "save". Refusals come out as ``db.errors.StoreError``/``InvalidInput``
with their Vietnamese message.
"""

from __future__ import annotations

from bkdesk.evaluation import RowInput
from bkdesk.verdicts import Verdict
from db import audit, entry, tables
from ui.context import AppContext

ESTIMATE = "estimate"
NOTE = "note"
TARGET = "target"
FIELDS = (TARGET, ESTIMATE, NOTE)


class EntryStore:
    def __init__(self, context: AppContext) -> None:
        self.context = context

    def load_rows(self) -> list[RowInput]:
        """The context's table: every row for the synthesis office, a phòng's own rows otherwise."""
        context = self.context
        rows = tables.load_rows(context.db, context.year, context.period)
        return rows if context.is_synthesis else tables.restrict_to_department(rows, context.role)

    def write(self, code: str, field: str, text: str, *, current_value: str, reason: str = "") -> None:
        """Store one cell; ``current_value`` is the estimate kept when only the note changes."""
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
        context = self.context
        entry.set_override(context.db, code, context.year, verdict, reason, kind=context.period, actor=context.actor)

    def history(self, code: str) -> list[audit.AuditEntry]:
        return audit.history(self.context.db, self.context.year, code)
