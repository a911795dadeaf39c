"""*Mở tệp thiết lập…*: on a phòng's PC, from the file the synthesis office handed over to a working app.

Choose the file, read what it is, type its passphrase and choose where the phòng's
database lives (its own file in the user's data folder by default, or in place of the
open one after a confirmation); the key is opened off the GUI thread (a wrong passphrase
brings the same dialog back, every choice kept), the setup installed, then the window
reopens on that database as that phòng.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog

from bkdesk.numbers import format_number

if TYPE_CHECKING:
    from pathlib import Path

    from bkdesk.exchange.setup_file import Setup
    from db.department_setup import UnlockedSetup
    from ui.exchange_actions import ExchangeActions
    from ui.setup_dialog import SetupDialog
    from ui.setup_job import Installed, PassphraseRefused, UnsentFound

TITLE = "Mở tệp thiết lập"


class SetupFlow:
    path: Path
    setup: Setup
    dialog: SetupDialog

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
        self.path, self.setup = path, setup
        self.dialog = SetupDialog(
            setup,
            path.name,
            default_database=department_database(setup.department.code),
            current_database=context.db.path,
            current_owner=owner.code if owner is not None else None,
            parent=self.window,
        )
        self._ask()

    def _ask(self) -> None:
        from ui.setup_job import unlock_task

        dialog = self.dialog
        if self.window.run_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.target() is None:
            return
        self.host.run_task(
            TITLE,
            f"Đang mở khóa ký trong tệp thiết lập {self.path.name}…",
            unlock_task(self.path, dialog.passphrase_text()),
            self._unlocked,
            self.path,
        )

    def _unlocked(self, outcome: UnlockedSetup | PassphraseRefused) -> None:
        from ui.setup_job import PassphraseRefused

        if isinstance(outcome, PassphraseRefused):
            self.dialog.show_problem(outcome.message)
            self._ask()
            return
        dialog, path, setup = self.dialog, self.path, self.setup
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
            if not self.host.ask(TITLE, question, "Thay cơ sở dữ liệu"):
                return
            self._replace(outcome, target)
            return
        if dialog.replaces_current:
            question = f"Cập nhật cơ sở dữ liệu đang mở của {department} theo tệp {path.name}?"
            if not self.host.ask(TITLE, question, "Cập nhật"):
                return
        self._install(outcome, target)

    def _install(self, unlocked: UnlockedSetup, database: Path, set_aside: bool = False) -> None:
        from ui.setup_job import install_task

        context = self.host.context
        assert context is not None
        self.window.commit_open_editor()
        self.host.run_task(
            TITLE,
            f"Đang cài tệp thiết lập {unlocked.path.name}…",
            install_task(unlocked, database, actor=context.actor, set_aside=set_aside),
            self._installed,
            unlocked.path,
        )

    def _replace(self, unlocked: UnlockedSetup, current: Path) -> None:
        from ui.setup_job import replace_task

        context = self.host.context
        assert context is not None
        self.window.commit_open_editor()
        # Nothing may write to the file while it is moved aside: the grid goes, the connections close.
        self.window.show_loading(f"Đang cài tệp thiết lập {unlocked.path.name}…")
        context.db.dispose()
        self.host.run_task(
            TITLE,
            f"Đang cài tệp thiết lập {unlocked.path.name}…",
            replace_task(unlocked, current, actor=context.actor),
            self._installed,
            unlocked.path,
            then=self._restore,
        )

    def _restore(self) -> None:
        """The setup failed and the old file is back in place: the grid is usable again."""
        self.window.progress.setVisible(False)
        self.window.entry_page.show_grid()

    def _installed(self, installed: Installed | UnsentFound) -> None:
        from ui.setup_job import UnsentFound

        if isinstance(installed, UnsentFound):
            # Asked first: the figures typed here and not yet sent go to a file beside the database, never lost.
            question = (
                f"{installed.message}\n\nĐể riêng các số liệu này vào một tệp bên cạnh cơ sở dữ liệu rồi cài? "
                "(Hoặc chọn Không, gửi số liệu cho văn phòng tổng hợp trước rồi cài lại.)"
            )
            if self.host.ask(TITLE, question, "Để riêng rồi cài"):
                self._install(installed.unlocked, installed.database, set_aside=True)
            return
        result = installed.result
        department = f"{result.department.name} ({result.department.code})"
        if result.already_installed and result.key_restored:
            text = (
                f"Tệp thiết lập này đã được cài vào {installed.database} cho {department}; khóa ký của phòng, "
                "máy này chưa có, đã được cất lại: máy này ký được tệp nộp."
            )
        elif result.already_installed:
            text = f"Tệp thiết lập này đã được cài vào {installed.database} cho {department}; không có gì thay đổi."
        else:
            from db.key_store import where_kept

            action = "Đã cập nhật" if result.replaced else "Đã tạo"
            text = (
                f"{action} cơ sở dữ liệu của {department}, năm {result.year}:\n{installed.database}\n\n"
                f"{format_number(result.rows)} chỉ tiêu của phòng; {format_number(result.values_changed)} giá trị được "
                f"ghi; tệp nộp tiếp theo mang số thứ tự {result.next_sequence}. {where_kept(result.key_store)}"
            )
        if result.set_aside is not None:
            count = format_number(result.set_aside_count)
            kept = f"{count} số liệu đã sửa mà chưa gửi được để riêng trong tệp {result.set_aside}"
            text += f"\n\n{kept}"
        if installed.backup is not None:
            text += f"\n\nCơ sở dữ liệu cũ được giữ lại: {installed.backup}"
        self.host.inform(
            TITLE,
            text,
            "bkdesk mở lại trên cơ sở dữ liệu này với vai trò của phòng, và lần sau cũng mở nó. Nhập số liệu "
            "rồi dùng Trao đổi → Gửi số liệu… để gửi văn phòng tổng hợp.",
        )
        self.window.reopenRequested.emit(str(installed.database), result.department.code, result.year)
