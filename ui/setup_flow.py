"""*Mở tệp thiết lập…*: on a phòng's PC, from the file the synthesis office handed over to a working app.

Choose the file, read what it is, choose where the phòng's database lives (its own file
in the user's data folder by default, or in place of the open one after a confirmation),
install it off the GUI thread, then reopen the window on that database as that phòng.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog

if TYPE_CHECKING:
    from pathlib import Path

    from ui.exchange_actions import ExchangeActions
    from ui.setup_job import Installed

TITLE = "Mở tệp thiết lập"


class SetupFlow:
    def __init__(self, host: ExchangeActions) -> None:
        self.host = host
        self.window = host.window

    def start(self) -> None:
        from db.department_setup import read_setup_file
        from db.errors import StoreError
        from ui.exchange_files import SETUP_FILTER, ask_open, department_database
        from ui.setup_dialog import SetupDialog

        host = self.host
        context = host.context
        if context is None:
            return
        path = ask_open(self.window, "Mở tệp thiết lập của phòng", host.folder(), SETUP_FILTER)
        if path is None:
            return
        host.remember_folder(path)
        try:
            setup = read_setup_file(path)
        except StoreError as exc:
            host.warn(TITLE, exc.message, path)
            return
        owner = host.state.owner
        dialog = SetupDialog(
            setup,
            path.name,
            default_database=department_database(setup.department.code),
            current_database=context.db.path,
            current_owner=owner.code if owner is not None else None,
            parent=self.window,
        )
        if self.window.run_dialog(dialog) != QDialog.DialogCode.Accepted:
            return
        target = dialog.target()
        if target is None:
            return
        department = f"{setup.department.name} ({setup.department.code})"
        if dialog.replaces_current and not dialog.current_is_this_phong:
            from ui.setup_job import backup_name

            question = (
                f"Cơ sở dữ liệu đang mở sẽ được thay bằng cơ sở dữ liệu của {department}:\n{target}\n\n"
                f"Bản cũ được giữ lại bên cạnh với tên «{backup_name(target).name}» và không còn được mở "
                "nữa. Tiếp tục?"
            )
            if not host.ask(TITLE, question, "Thay cơ sở dữ liệu"):
                return
            self._replace(path, target)
            return
        if dialog.replaces_current:
            question = f"Cập nhật cơ sở dữ liệu đang mở của {department} theo tệp {path.name}?"
            if not host.ask(TITLE, question, "Cập nhật"):
                return
        self._install(path, target)

    def _install(self, setup: Path, database: Path) -> None:
        from ui.setup_job import install_task

        context = self.host.context
        assert context is not None
        self.window.commit_open_editor()
        self.host.run_task(
            TITLE,
            f"Đang cài tệp thiết lập {setup.name}…",
            install_task(setup, database, actor=context.actor),
            self._installed,
            setup,
        )

    def _replace(self, setup: Path, current: Path) -> None:
        from ui.setup_job import replace_task

        context = self.host.context
        assert context is not None
        self.window.commit_open_editor()
        # Nothing may write to the file while it is moved aside: the grid goes, the connections close.
        self.window.show_loading(f"Đang cài tệp thiết lập {setup.name}…")
        context.db.dispose()
        self.host.run_task(
            TITLE,
            f"Đang cài tệp thiết lập {setup.name}…",
            replace_task(setup, current, actor=context.actor),
            self._installed,
            setup,
            then=self._restore,
        )

    def _restore(self) -> None:
        """The setup failed and the old file is back in place: the grid is usable again."""
        self.window.progress.setVisible(False)
        self.window.entry_page.show_grid()

    def _installed(self, installed: Installed) -> None:
        result = installed.result
        department = f"{result.department.name} ({result.department.code})"
        if result.already_installed:
            text = f"Tệp thiết lập này đã được cài vào {installed.database} cho {department}; không có gì thay đổi."
        else:
            action = "Đã cập nhật" if result.replaced else "Đã tạo"
            text = (
                f"{action} cơ sở dữ liệu của {department}, năm {result.year}:\n{installed.database}\n\n"
                f"{result.rows} chỉ tiêu của phòng; {result.values_changed} giá trị được ghi; tệp nộp tiếp theo "
                f"mang số thứ tự {result.next_sequence}."
            )
        if installed.backup is not None:
            text += f"\n\nCơ sở dữ liệu cũ được giữ lại: {installed.backup}"
        self.host.inform(
            TITLE,
            text,
            "bkdesk mở lại trên cơ sở dữ liệu này với vai trò của phòng, và lần sau cũng mở nó. Nhập số liệu "
            "rồi dùng Trao đổi → Gửi số liệu… để gửi văn phòng tổng hợp.",
        )
        self.window.reopenRequested.emit(str(installed.database), result.department.code, result.year)
