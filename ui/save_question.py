"""The question the grid asks before it saves a figure worth a second look.

The model only hands over the question (:attr:`ui.entry_model.EntryModel.ask`); this is
the dialog that puts it to the user. "Không lưu" is the default button: Enter pressed by
habit keeps the stored figure.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from ui.dialog_buttons import question_box

TITLE = "Kiểm tra lại trước khi lưu"


def save_question(parent: QWidget, run_dialog: Callable[[QDialog], int]) -> Callable[[str], bool]:
    """An ``ask`` for the model: shows ``question`` through ``run_dialog``; ``True`` to save."""

    def ask(question: str) -> bool:
        box = question_box(parent, TITLE, question, "Vẫn lưu", "Không lưu")
        return run_dialog(box) == QMessageBox.StandardButton.Yes

    return ask
