"""Undo and redo of grid edits (Ctrl+Z / Ctrl+Y).

One command holds one or more cell writes: a typed value is one, a pasted block is
all of its cells, so undoing a paste restores every cell at once. A step goes to the
database as one transaction, each cell expecting the value the step left there (undo
expects ``new``, redo ``old``): a cell changed since by someone else refuses the step,
which then leaves the stack. Each write has its audit record, marked with the reason
"hoàn tác" or "làm lại" so the history shows what happened.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtGui import QUndoCommand

UNDO_REASON = "hoàn tác"
REDO_REASON = "làm lại"


@dataclass(frozen=True, slots=True)
class CellEdit:
    """One cell's stored text before and after (``field``: target, estimate or note)."""

    code: str
    field: str
    old: str
    new: str

    def reversed(self) -> CellEdit:
        return CellEdit(self.code, self.field, self.new, self.old)


Applier = Callable[[Sequence[CellEdit], str], bool]


class EditCommand(QUndoCommand):
    """Cell writes that were already applied when the command is pushed."""

    def __init__(self, apply: Applier, edits: Sequence[CellEdit], text: str) -> None:
        super().__init__(text)
        self._apply = apply
        self.edits = tuple(edits)
        self._skip_next_redo = True

    def redo(self) -> None:
        # QUndoStack.push calls redo() at once; the writes were made before the push
        # (so a refused write never reaches the stack), so the first call does nothing.
        if self._skip_next_redo:
            self._skip_next_redo = False
            return
        if not self._apply(self.edits, REDO_REASON):
            self.setObsolete(True)  # refused, nothing written: the stack drops this step

    def undo(self) -> None:
        if not self._apply([edit.reversed() for edit in reversed(self.edits)], UNDO_REASON):
            self.setObsolete(True)
