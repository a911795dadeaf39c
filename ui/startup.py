"""From a shown window to a grid that takes input: open the database, choose, load, show.

The worker that imports the database layer and reads the rows starts as soon as the
window is shown, so it runs while Qt creates and paints the window; after the first
paint the GUI thread loads the grid's own modules and the crash log. The chooser appears
only when the command line and the remembered choice do not say who the user is.
This module is imported before the first paint: it imports Qt and nothing heavy.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QDialog

from ui import trace
from ui.main_window import MainWindow
from ui.options import AppOptions
from ui.settings_store import Choice, SettingsStore
from ui.workers import Job, Worker

if TYPE_CHECKING:
    from ui.exchange_actions import ExchangeState
    from ui.session import Loaded, Opened


def _install_crash_log() -> None:
    """The rotating log and the Vietnamese error box (until then ``ui.app`` installs a hook that loads this)."""
    from ui.crash import install_excepthook

    install_excepthook()


class AppController(QObject):
    """Drives start-up and the *Đổi người dùng / kỳ báo cáo…* menu for one window."""

    ready = Signal()
    failed = Signal(str)
    layerLoaded = Signal()  # the database layer is loaded behind a grid filled from the file alone

    def __init__(
        self, window: MainWindow, options: AppOptions, settings: SettingsStore, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.options = options
        self.settings = settings
        self.opened: Opened | None = None
        self.worker: Worker | None = None
        self.is_ready = False
        # Message boxes go through here, so tests can read them instead of a user.
        self.warn: Callable[[str], None] = self._warn
        self._forget_choice = False
        self._remember_database = ""  # saved once it has opened: a file that fails is not opened next time
        self.offer_backups = True  # a missing database whose folder has backups: offer the newest (once)
        self._layer_loading: threading.Event | None = None  # set when the loader behind the grid has ended
        window.firstPainted.connect(self._after_first_paint)
        window.changeSessionRequested.connect(self.choose)
        window.reopenRequested.connect(self.reopen)
        window.yearAdded.connect(self.add_year)

    def _database_options(self) -> AppOptions:
        """Without ``--db``/``--db-url``: the database the user last switched to (a phòng's), if it is still there."""
        options = self.options
        if options.db is not None or options.db_url is not None:
            return options
        remembered = self.settings.database()
        if remembered and Path(remembered).is_file():
            return options._replace(db=remembered)
        return options

    def start(self) -> None:
        """Start opening the database now, in a worker, while the window gets painted."""
        if self.worker is not None or self.opened is not None:
            return
        options, remembered = self._database_options(), self.settings.raw_choice()
        if self._forget_choice:  # a choice made on another database means nothing here
            remembered = ("", 0, "")
            self._forget_choice = False

        offer_backups = self.offer_backups

        def task(job: Job) -> Any:
            from ui.file_check import missing_database_offer
            from ui.session import start_task

            offer = missing_database_offer(options) if offer_backups else None
            return offer if offer is not None else start_task(options, remembered)(job)

        self.window.show_loading("Đang mở cơ sở dữ liệu…")
        self._run(Worker(task, self), self._started)

    def _after_first_paint(self) -> None:
        QTimer.singleShot(0, self._prepare)

    def _prepare(self) -> None:
        """What the first paint did not need: the grid's modules and widgets."""
        self.window.prepare_grid()

    def _warn(self, text: str) -> None:
        from ui.dialog_buttons import warn

        warn(self.window, "bkdesk", text)

    def _run(self, worker: Worker, on_finished: Callable[[Any], None]) -> None:
        self.worker = worker
        worker.status.connect(self.window.show_loading)
        worker.finished.connect(on_finished)
        worker.failed.connect(self._failed)
        worker.start()

    def _failed(self, message: str) -> None:
        from ui.file_check import database_file

        self.worker = None
        self._remember_database = ""
        self.window.backups.set_file(database_file(self._database_options()))  # restoring it stays possible
        self.window.show_failure(message)
        self.failed.emit(message)
        self.warn(message)

    def _started(self, result: Any) -> None:
        from ui.file_check import BackupOffer, offer_backup

        self.worker = None
        if isinstance(result, BackupOffer):
            offer_backup(self, result)
            return
        self.opened = result.opened
        self.window.backups.attach(result.opened.db, self.settings)
        if self._remember_database:
            self.settings.save_database(self._remember_database)
            self._remember_database = ""
        self.window.set_database(result.opened.db.label)
        if result.opened.demo_installed:
            self.window.show_message("Cơ sở dữ liệu mới: đã nạp dữ liệu mẫu Bắc Kạn 2020")
        if result.loaded is not None:
            self._show(result.loaded, result.state)
            return
        if result.problem:
            self.warn(result.problem)
        if result.proposal is None:  # nothing to choose from: no table at all
            self.window.show_failure(result.problem)
            return
        self.choose(result.proposal)

    def choose(self, proposal: Choice | None = None) -> None:
        """The chooser; the choice is remembered and its table loaded."""
        from ui.session import load_task
        from ui.start_dialog import StartDialog

        if self.opened is None or (self.worker is not None and self.worker.is_running):
            return
        context = self.window.context
        if proposal is None and context is not None:
            proposal = Choice(context.role, context.year, context.period)
        dialog = StartDialog(
            self.opened.choosable,
            self.opened.years,
            proposal,
            self.window,
            allow_synthesis=self.opened.owner is None,
        )
        self.window.show_waiting("Hãy chọn người dùng và kỳ báo cáo.")
        if self.window.run_dialog(dialog) != QDialog.DialogCode.Accepted:
            if self.window.context is None:  # first start without a choice: nothing to show
                self.window.close()
            return
        choice = dialog.choice()
        self.settings.save_choice(choice)
        self.window.commit_open_editor()
        self.window.show_loading("Đang tải các chỉ tiêu…")
        self._run(Worker(load_task(self.opened, choice), self), self._loaded)

    def _loaded(self, loaded: Loaded) -> None:
        self.worker = None
        self._show(loaded)

    def _show(self, loaded: Loaded, state: ExchangeState | None = None) -> None:
        """Fill the grid; with ``state`` (read from the file alone), the database layer loads next."""
        assert self.opened is not None
        self.window.set_session(loaded.context, loaded.rows, self.opened.departments, state=state)
        if not self.is_ready:
            # Recorded before the loader starts: the grid took input without the database layer,
            # and no thread switch can slip an import in ahead of the milestone.
            self.is_ready = True
            trace.milestone(trace.READY)
            self.ready.emit()
            if trace.quit_after_ready():
                QTimer.singleShot(0, self.window.close)
            QTimer.singleShot(0, _install_crash_log)
        if state is not None:
            self._warm_up()

    def _warm_up(self) -> None:
        """Load the database layer behind the filled grid; the actions that need it wait until then."""
        from ui import database_layer

        if database_layer.is_loaded():  # an earlier start in this window loaded it
            self.layerLoaded.emit()
            return

        loading = threading.Event()

        def task(_job: Job) -> None:
            try:
                database_layer.load()
                trace.milestone(trace.DATABASE_LOADED)  # from the worker: even if the window has already closed
            finally:
                loading.set()

        def done(_result: object) -> None:
            self.window.set_database_ready(True)
            self.layerLoaded.emit()

        def failed(message: str) -> None:  # an import that fails: the next write says it again
            self.window.set_database_ready(True)
            self.window.show_message(message)

        self.window.set_database_ready(False)
        self._layer_loading = loading
        worker = Worker(task, self)
        worker.finished.connect(done)
        worker.failed.connect(failed)
        worker.start()

    def add_year(self, year: int) -> None:
        """A table just made for ``year``: the chooser offers it, and the window shows it as the same user."""
        from ui.session import load_task

        context = self.window.context
        if self.opened is None or context is None or (self.worker is not None and self.worker.is_running):
            return
        self.opened.years = sorted({*self.opened.years, year})
        choice = Choice(context.role, year, context.period)
        self.settings.save_choice(choice)
        self.window.show_loading(f"Đang tải biểu năm {year}…")
        self._run(Worker(load_task(self.opened, choice), self), self._loaded)

    def reopen(self, database: str, role: str, year: int) -> None:
        """Open another database file (a phòng's, just set up) in this window; it is remembered for next time.

        With a ``role`` and ``year`` it opens straight as that; without, the chooser asks.
        """
        if self.worker is not None and self.worker.is_running:
            return
        self.window.commit_open_editor()
        self.window.statusBar().clearMessage()  # what it said was about the other database
        if self.opened is not None:
            self.opened.db.dispose()
            self.opened = None
        self.options = self.options._replace(db=database, db_url=None, role=role or None, year=year or None)
        self._forget_choice = not role
        self._remember_database = database
        self.start()

    def shutdown(self) -> None:
        """Let a running task finish (it may be writing), then close the database."""
        if self.worker is not None:
            self.worker.cancel()
        if self._layer_loading is not None:
            # An import always ends, however busy the machine; leaving in the middle of one
            # could take the interpreter down with it at exit.
            self._layer_loading.wait()
        QThreadPool.globalInstance().waitForDone(10000)
        if self.opened is not None:
            self.opened.db.dispose()
            self.window.backups.closed(self.settings)
            self.opened = None
