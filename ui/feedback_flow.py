"""The return file in the window: *Gửi phản hồi cho phòng…* at the synthesis office, *Nhận phản hồi…* and
*Chọn số sau phản hồi…* on a phòng's PC.

They belong to the *Trao đổi* menu (:class:`ui.exchange_actions.ExchangeActions`, the
``host`` here); the files are written and read off the GUI thread through
:mod:`db.feedback_export` and :mod:`db.feedback_import`, whose results carry the texts shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog

if TYPE_CHECKING:
    from ui.exchange_actions import ExchangeActions

SEND_TITLE = "Gửi phản hồi cho phòng"
RECEIVE_TITLE = "Nhận phản hồi"


def send_feedback(host: ExchangeActions) -> None:
    from db import tables
    from db.feedback_export import FeedbackExport, export_feedback
    from ui.department_file_dialog import DepartmentFileDialog
    from ui.exchange_files import FEEDBACK_FILTER, feedback_name

    context = host.context
    if context is None:
        return
    host.window.commit_open_editor()
    dialog = DepartmentFileDialog(
        SEND_TITLE,
        "Tệp phản hồi mang số liệu, nhiệm vụ và đánh giá văn phòng tổng hợp đang có cho các chỉ tiêu của phòng, "
        "cùng cách đã giải quyết từng xung đột và lý do; được ký bằng khóa của văn phòng. Trên máy của phòng, "
        "mở bằng Trao đổi → Nhận phản hồi…: số phòng chưa sửa từ lần gửi trước được thay bằng số của văn phòng.",
        host.window.departments,
        tables.years(context.db),
        year=context.year,
        folder=host.folder(),
        namer=lambda code, year, _kind: feedback_name(code, year),
        file_filter=FEEDBACK_FILTER,
        ok_text="Ghi tệp phản hồi",
        parent=host.window,
    )
    if host.window.run_dialog(dialog) != QDialog.DialogCode.Accepted:
        return
    path, code, year = dialog.path(), dialog.department_code(), dialog.chosen_year()
    if path is None:
        return
    host.remember_folder(path)
    db, actor = context.db, context.actor

    def done(result: FeedbackExport) -> None:
        host.inform(SEND_TITLE, result.headline(), result.details(), folder=result.path.parent)
        host.window.show_message(f"Đã ghi tệp phản hồi cho phòng {result.department.code}: {result.path}")

    host.run_task(
        SEND_TITLE,
        f"Đang ký và ghi tệp phản hồi cho phòng {code}…",
        lambda job: export_feedback(db, code, year, path, actor=actor),
        done,
        path,
    )


def receive_feedback(host: ExchangeActions) -> None:
    from bkdesk.backups import BackupReason
    from db.errors import StoreError
    from db.feedback_import import FeedbackImport, FeedbackStatus, import_feedback
    from ui.backup_actions import protect
    from ui.exchange_files import FEEDBACK_FILTER, ask_open

    context = host.context
    if context is None:
        return
    host.window.commit_open_editor()
    path = ask_open(host.window, RECEIVE_TITLE, host.folder(), FEEDBACK_FILTER)
    if path is None:
        return
    host.remember_folder(path)
    db, actor = context.db, context.actor
    try:
        protect(host.window, db, BackupReason.FEEDBACK)
    except StoreError as exc:
        host.warn(RECEIVE_TITLE, exc.message, path)
        return

    def done(result: FeedbackImport) -> None:
        if result.status is FeedbackStatus.ACCEPTED:
            host.after_change()
        details = "\n".join(result.resolution_lines())
        if result.choices:
            host.inform(RECEIVE_TITLE, f"{result.headline()}\n\n{result.choices_line()}", details)
            open_choices(host)
        else:
            host.inform(RECEIVE_TITLE, result.headline(), details)
        host.window.show_message(result.headline())

    host.run_task(
        RECEIVE_TITLE,
        f"Đang kiểm tra chữ ký và nhận tệp phản hồi {path.name}…",
        lambda job: import_feedback(db, path, actor=actor),
        done,
        path,
    )


def open_choices(host: ExchangeActions) -> None:
    from db.errors import StoreError
    from db.feedback_import import Choice, Keep, choose, list_choices
    from ui.feedback_dialog import FeedbackChoicesDialog

    context = host.context
    if context is None:
        return
    db, actor = context.db, context.actor

    def decide(choice_id: int, keep: Keep) -> Choice:
        return choose(db, choice_id, keep, actor=actor)

    try:
        dialog = FeedbackChoicesDialog(lambda: list_choices(db), decide, host.window)
    except StoreError as exc:
        host.warn("Chọn số sau phản hồi", exc.message)
        return
    dialog.warn = lambda text: host.warn("Chọn số sau phản hồi", text)
    dialog.chosen.connect(host.after_change)
    host.window.run_dialog(dialog)
    if dialog.decisions:
        host.window.show_message(f"Đã chọn số cho {dialog.decisions} số liệu sau tệp phản hồi.")
