"""Colours and marks of the grid. The verdict is always written out too, never shown by colour alone."""

from __future__ import annotations

from PySide6.QtGui import QColor

from bkdesk.verdicts import Verdict

VERDICT_COLOURS: dict[Verdict | None, QColor] = {
    Verdict.EXCEEDED: QColor("#1e7b34"),  # green
    Verdict.ACHIEVED: QColor("#1a56a8"),  # blue
    Verdict.NOT_ACHIEVED: QColor("#c0262d"),  # red
    None: QColor("#77767b"),  # grey: not evaluated
}

GROUP_BACKGROUND = QColor("#dbe4f0")
HEADER_BACKGROUND = QColor("#eef2f7")
ERROR_BACKGROUND = QColor("#f9d6d8")
ERROR_FOREGROUND = QColor("#9b1c22")
WARNING_MARK = QColor("#e08a00")

# Appended to the verdict text: the synthesis office changed it / the imported table said otherwise.
OVERRIDE_MARK = "✎"
DISAGREEMENT_MARK = "≠"
