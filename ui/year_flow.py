"""*Trao đổi → Tạo năm mới…*: the synthesis office starts next year's table, then the window shows it.

The backup, the checks and the copy run off the GUI thread (:meth:`ui.exchange_actions.ExchangeActions.run_task`);
a refusal (a year that already has a table, a source year without one, a year not after it) is a message box
with the service's own Vietnamese reason, and nothing is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog

if TYPE_CHECKING:
    from ui.exchange_actions import ExchangeActions
    from ui.workers import Job


def new_year(host: ExchangeActions) -> None:
    from bkdesk.backups import BackupReason
    from db import tables
    from ui.new_year_dialog import TITLE, NewYearDialog

    context = host.context
    if context is None:
        return
    host.window.commit_open_editor()
    dialog = NewYearDialog(tables.years(context.db), host.window)
    if host.window.run_dialog(dialog) != QDialog.DialogCode.Accepted:
        return
    db, actor = context.db, context.actor
    source, year = dialog.source_year(), dialog.new_year()

    def task(_job: Job) -> Any:
        from db.backups import before
        from db.years import check_new_year, create_year

        check_new_year(db, source, year)  # a refusal makes no backup
        before(db, BackupReason.NEW_YEAR)
        return create_year(db, source, year, actor=actor)

    def done(made: Any) -> None:
        text = (
            f"Đã tạo biểu chỉ tiêu năm {made.year} từ biểu năm {made.source}: {made.indicators} chỉ tiêu, "
            "giữ nguyên mã và thứ tự; nhiệm vụ để trống."
        )
        host.window.show_message(text)
        host.inform(
            TITLE,
            text,
            f"Cửa sổ chuyển sang năm {made.year}: hãy nhập nhiệm vụ năm {made.year} vào cột Nhiệm vụ "
            "(hoặc nhập cả biểu: Trao đổi → Nhập biểu chỉ tiêu từ Excel…).",
        )
        host.window.yearAdded.emit(made.year)

    host.run_task(TITLE, f"Đang tạo biểu chỉ tiêu năm {year}…", task, done)
