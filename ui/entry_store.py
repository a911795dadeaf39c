"""The grid's way to the database: the ``db`` services, with the context's year, period and actor.

Every call is its own transaction with its audit record (``db.entry``); nothing is kept
back for a later "save". Refusals come out as ``db.errors.StoreError``/``InvalidInput``
/``StaleValue`` with their Vietnamese message.

The database layer is imported on first use, not with the grid: at start-up the grid is
filled from the file alone (:mod:`db.first_screen`) while it loads (:mod:`ui.database_layer`),
and a write made meanwhile waits for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from bkdesk.evaluation import RowInput
from bkdesk.forms import restrict_to_department
from bkdesk.verdicts import Verdict
from ui import database_layer
from ui.context import AppContext

if TYPE_CHECKING:
    from db.audit import AuditEntry
    from ui.undo import CellEdit

ESTIMATE = "estimate"
NOTE = "note"
TARGET = "target"
LAST_YEAR = "last_year"
FIELDS = (TARGET, ESTIMATE, NOTE, LAST_YEAR)
# The grid's column → the field in ``db.entry``.
DB_FIELDS = {TARGET: "target", ESTIMATE: "value", NOTE: "note", LAST_YEAR: "last_year"}


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

    def write_cells(self, edits: Sequence[CellEdit], reason: str = "") -> None:
        """Store grid edits in one transaction, all or none, each checked against what the grid showed.

        ``edit.old`` is the value the grid showed: if another one is stored now, nothing is
        written and ``db.errors.StaleValue`` names who changed it. A note's edit sends the
        note alone, never the figure.
        """
        database_layer.load()
        from db import entry

        context = self.context
        cells = [entry.CellWrite(edit.code, DB_FIELDS[edit.field], edit.new, expected=edit.old) for edit in edits]
        entry.write_cells(context.db, context.year, context.period, cells, actor=context.actor, reason=reason)

    def set_override(self, code: str, verdict: Verdict | None, reason: str, *, expected: str | None = None) -> None:
        """``expected``: the override the grid showed (a verdict's text, ``""`` for none)."""
        database_layer.load()
        from db import entry

        context = self.context
        entry.set_override(
            context.db,
            code,
            context.year,
            verdict,
            reason,
            kind=context.period,
            actor=context.actor,
            expected=expected,
        )

    def rows_of(self, codes: Iterable[str]) -> dict[str, RowInput]:
        """The rows of ``codes`` as stored now (after a write refused because they changed)."""
        wanted = set(codes)
        return {row.indicator.code: row for row in self.load_rows() if row.indicator.code in wanted}

    def history(self, code: str) -> list[AuditEntry]:
        database_layer.load()
        from db import audit

        return audit.history(self.context.db, self.context.year, code)
