"""Dialog buttons and message boxes in Vietnamese (Qt ships no Vietnamese translation)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QWidget

Button = QDialogButtonBox.StandardButton


def ok_cancel(dialog: QDialog, ok_text: str = "Đồng ý", cancel_text: str = "Hủy") -> QDialogButtonBox:
    box = QDialogButtonBox(Button.Ok | Button.Cancel, dialog)
    box.button(Button.Ok).setText(ok_text)
    box.button(Button.Cancel).setText(cancel_text)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


def close_only(dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox(Button.Close, dialog)
    box.button(Button.Close).setText("Đóng")
    box.rejected.connect(dialog.reject)
    return box


def warn(parent: QWidget | None, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.button(QMessageBox.StandardButton.Ok).setText("Đồng ý")
    box.exec()


def message_box(
    parent: QWidget | None,
    title: str,
    text: str,
    icon: QMessageBox.Icon = QMessageBox.Icon.Information,
    details: str = "",
) -> QMessageBox:
    """A message with one "Đồng ý" button, for the caller to run (``window.run_dialog``)."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.button(QMessageBox.StandardButton.Ok).setText("Đồng ý")
    if details:
        box.setInformativeText(details)
    return box


def question_box(
    parent: QWidget | None, title: str, text: str, yes_text: str, no_text: str, *, yes_is_default: bool = False
) -> QMessageBox:
    """A yes/no question whose answer is ``QMessageBox.StandardButton.Yes`` or ``No``.

    No is the default (Enter) unless ``yes_is_default``: Yes only where it is the answer that keeps the user's data.
    """
    box = QMessageBox(
        QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent
    )
    box.button(QMessageBox.StandardButton.Yes).setText(yes_text)
    box.button(QMessageBox.StandardButton.No).setText(no_text)
    box.setDefaultButton(QMessageBox.StandardButton.Yes if yes_is_default else QMessageBox.StandardButton.No)
    return box
