"""The files the exchange writes for a phòng: its setup file, its Excel template, its signed submission.

Each asks where to write (a dialog, or the file chooser), writes off the GUI thread through
its service, then says where the file went and what to do with it. They belong to the
*Trao đổi* menu (:class:`ui.exchange_actions.ExchangeActions`, the ``host`` here).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog

if TYPE_CHECKING:
    from ui.exchange_actions import ExchangeActions

KEY_WARNING = (
    "Tệp thiết lập chứa khóa ký riêng của phòng, mã hóa bằng một cụm mật khẩu bkdesk tạo và chỉ hiện một lần "
    "sau khi cấp: ai có cả tệp và cụm mật khẩu có thể gửi số liệu nhân danh phòng. Hãy chép tệp vào USB và trao "
    "tận tay cán bộ của phòng; không gửi qua thư điện tử, Zalo hay mạng xã hội. Cụm mật khẩu trao qua một "
    "đường khác. Cấp lại cho một phòng làm khóa cũ hết hiệu lực."
)


def _years(host: ExchangeActions) -> list[int]:
    from db import tables

    assert host.context is not None
    return tables.years(host.context.db)


def issue(host: ExchangeActions) -> None:
    from db.issue import IssueResult, issue_department
    from ui.department_file_dialog import DepartmentFileDialog
    from ui.exchange_files import SETUP_FILTER, setup_name

    context = host.context
    if context is None:
        return
    dialog = DepartmentFileDialog(
        "Cấp tệp thiết lập cho phòng",
        "Tệp thiết lập mang danh mục chỉ tiêu, nhiệm vụ và số liệu hiện có của phòng, cùng khóa ký riêng "
        "của phòng. Trên máy của phòng, mở bằng Trao đổi → Mở tệp thiết lập….",
        host.window.departments,
        _years(host),
        year=context.year,
        folder=host.folder(),
        namer=lambda code, year, _kind: setup_name(code, year),
        file_filter=SETUP_FILTER,
        warning=KEY_WARNING,
        ok_text="Cấp tệp",
        parent=host.window,
    )
    if host.window.run_dialog(dialog) != QDialog.DialogCode.Accepted:
        return
    path, code, year = dialog.path(), dialog.department_code(), dialog.chosen_year()
    if path is None:
        return
    host.remember_folder(path)
    actor, db = context.actor, context.db

    def done(result: IssueResult) -> None:
        from ui.passphrase_dialog import PassphraseDialog

        department = result.department
        again = " (cấp lại: tệp và khóa cấp trước đây hết hiệu lực)" if result.reissued else ""
        shown = PassphraseDialog(
            f"Đã cấp tệp thiết lập cho {department.name} ({department.code}) năm {result.year}{again}:\n"
            f"{result.path}\n\n{result.rows} chỉ tiêu của phòng; tệp nộp tiếp theo của phòng mang số thứ tự "
            f"từ {result.sequence + 1}. Hãy chép tệp vào USB và trao tận tay cán bộ của phòng.",
            result.passphrase,
            result.path.parent,
            host.window,
        )
        host.window.run_dialog(shown)
        host.window.show_message(f"Đã cấp tệp thiết lập cho phòng {department.code}: {result.path}")

    host.run_task(
        "Cấp tệp thiết lập",
        f"Đang tạo khóa ký và ghi tệp thiết lập cho phòng {code}…",
        lambda job: issue_department(db, code, year, path, actor=actor),
        done,
        path,
    )


def export_template(host: ExchangeActions) -> None:
    from db.template_export import TemplateResult, export_template
    from ui.department_file_dialog import DepartmentFileDialog
    from ui.exchange_files import TEMPLATE_FILTER, template_name

    context = host.context
    if context is None:
        return
    dialog = DepartmentFileDialog(
        "Xuất mẫu Excel cho phòng",
        "Biểu mẫu Excel cho phòng chưa dùng bkdesk: chỉ cột số liệu và ghi chú được sửa. Khi phòng gửi lại, "
        "kéo thả tệp vào cửa sổ này (hoặc Trao đổi → Nhận số liệu các phòng…); vì biểu mẫu không có chữ ký, "
        "bkdesk sẽ hỏi lại trước khi nhập.",
        host.window.departments,
        _years(host),
        year=context.year,
        folder=host.folder(),
        namer=template_name,
        file_filter=TEMPLATE_FILTER,
        period=context.period,
        ok_text="Xuất biểu mẫu",
        parent=host.window,
    )
    if host.window.run_dialog(dialog) != QDialog.DialogCode.Accepted:
        return
    path, code, year, kind = dialog.path(), dialog.department_code(), dialog.chosen_year(), dialog.period()
    if path is None:
        return
    host.remember_folder(path)
    db = context.db

    def done(result: TemplateResult) -> None:
        host.inform(
            "Xuất mẫu Excel cho phòng",
            f"Đã xuất biểu mẫu Excel {result.kind.label.lower()} năm {result.year} cho phòng "
            f"{result.department.code} ({result.rows} chỉ tiêu):\n{result.path}",
            "Gửi tệp cho phòng qua thư điện tử hoặc USB. Khi nhận lại, bkdesk hỏi xác nhận trước khi nhập "
            "vì biểu mẫu không có chữ ký.",
            folder=result.path.parent,
        )

    host.run_task(
        "Xuất mẫu Excel cho phòng",
        f"Đang ghi biểu mẫu Excel cho phòng {code}…",
        lambda job: export_template(db, code, year, kind, path),
        done,
        path,
    )


def submit(host: ExchangeActions) -> None:
    from db.errors import StoreError
    from db.submission_export import ExportResult, export_submission, installation_of_this_pc, next_sequence
    from ui.exchange_files import SUBMISSION_FILTER, ask_save, submission_name

    context = host.context
    if context is None:
        return
    host.window.commit_open_editor()
    try:
        sequence = next_sequence(context.db)
        installation = installation_of_this_pc(context.db)
    except StoreError as exc:
        host.warn("Gửi số liệu", exc.message)
        return
    name = submission_name(context.role, context.year, context.period, sequence, installation)
    suggested = Path(host.folder()) / name
    path = ask_save(host.window, "Gửi số liệu — lưu tệp nộp số liệu", suggested, SUBMISSION_FILTER)
    if path is None:
        return
    host.remember_folder(path)
    db, year, kind, actor = context.db, context.year, context.period, context.actor

    def done(result: ExportResult) -> None:
        host.inform(
            "Gửi số liệu",
            f"Đã ghi tệp nộp số liệu {result.kind.label.lower()} năm {result.year} của phòng "
            f"{result.department.code} (số thứ tự {result.sequence}; {result.entered}/{result.values} chỉ tiêu "
            f"đã có số liệu; đã ký):\n{result.path}",
            "Hãy gửi tệp này cho văn phòng tổng hợp qua thư điện tử hoặc USB. Tệp đã được ký bằng khóa của "
            "phòng: nếu bị sửa, văn phòng tổng hợp sẽ không nhận. Sửa số liệu sau đó thì gửi lại tệp mới; "
            "tệp mới thay cho tệp cũ.",
            folder=result.path.parent,
        )
        host.window.show_message(f"Đã ghi tệp nộp số liệu số thứ tự {result.sequence}: {result.path}")

    host.run_task(
        "Gửi số liệu",
        "Đang ký và ghi tệp nộp số liệu…",
        lambda job: export_submission(db, year, kind, path, actor=actor),
        done,
        path,
    )
