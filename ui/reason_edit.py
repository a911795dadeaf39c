"""The required "Lý do" box of the dialogs that change what others rely on (override, lock)."""

from __future__ import annotations

from PySide6.QtWidgets import QPlainTextEdit, QWidget

from bkdesk.text import clean


class ReasonEdit(QPlainTextEdit):
    """A few lines of text; Tab moves on, as in a form. ``reason()`` is the cleaned text."""

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setTabChangesFocus(True)
        self.setFixedHeight(self.fontMetrics().height() * 4 + 12)

    def reason(self) -> str:
        return clean(self.toPlainText())
