"""One long task at a time off the GUI thread, behind a progress dialog that can cancel it.

Used by the offline exchange and by the print preview. The dialog appears only when the
task outlasts a short delay (a small file is written before anyone could read the
dialog); a task the user may stop shows "Hủy". Exactly one of ``on_finished(result)``,
``on_failed(message)`` or ``on_cancelled()`` follows, on the GUI thread. The runner owns
its thread pool, so its owner can wait for its own task (and only that) before removing
the files the task writes into.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from ui.workers import Job, Worker

Task = Callable[[Job], Any]
SHOW_AFTER_MS = 400


class TaskRunner(QObject):
    busyChanged = Signal(bool)

    def __init__(self, parent: QWidget, *, stopping_text: str = "Đang dừng…") -> None:
        super().__init__(parent)
        self._window = parent
        self._stopping_text = stopping_text
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._worker: Worker | None = None
        self._progress: QProgressDialog | None = None
        self._outcome: tuple[Callable[..., None] | None, tuple[Any, ...]] = (None, ())

    @property
    def busy(self) -> bool:
        return self._worker is not None

    @property
    def worker(self) -> Worker | None:
        return self._worker

    @property
    def progress_dialog(self) -> QProgressDialog | None:
        return self._progress

    def run(
        self,
        title: str,
        label: str,
        task: Task,
        on_finished: Callable[[Any], None],
        on_failed: Callable[[str], None],
        *,
        cancellable: bool = False,
        on_cancelled: Callable[[], None] | None = None,
    ) -> Worker:
        from PySide6.QtCore import Qt  # its enums cost a moment to load: not before the first paint

        if self._worker is not None:
            raise RuntimeError("a task is already running")
        worker = Worker(task)
        progress = QProgressDialog(label, "Hủy" if cancellable else "", 0, 0, self._window)
        if not cancellable:
            progress.setCancelButton(None)
        progress.setWindowTitle(title)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(SHOW_AFTER_MS)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.setMinimumWidth(420)
        progress.canceled.connect(self.cancel)
        progress.setValue(0)  # starts the clock of minimumDuration
        worker.progress.connect(self._on_progress)
        worker.status.connect(progress.setLabelText)
        # The outcome is handed over once the runner is free again, so it may start the next task.
        worker.finished.connect(lambda result: self._keep(on_finished, result))
        worker.failed.connect(lambda message: self._keep(on_failed, message))
        worker.cancelled.connect(lambda: self._keep(on_cancelled))
        worker.done.connect(self._on_done)
        self._worker = worker
        self._progress = progress
        self.busyChanged.emit(True)
        worker.start(self._pool)
        return worker

    def cancel(self) -> None:
        """Ask the task to stop at its next safe point."""
        if self._worker is not None:
            self._worker.cancel()
            if self._progress is not None:
                self._progress.setLabelText(self._stopping_text)

    def shut_down(self) -> None:
        """Stop the running task and wait for its thread, before its files are removed."""
        self.cancel()
        self._pool.waitForDone()
        if self._worker is not None:
            # Deliver the task's outcome now, while the window and its dialogs still exist.
            QCoreApplication.sendPostedEvents(self._worker)

    def _on_progress(self, done: int, total: int) -> None:
        if self._progress is None:
            return
        if self._progress.maximum() != total:
            self._progress.setMaximum(total)
        self._progress.setValue(min(done, total))

    def _keep(self, callback: Callable[..., None] | None, *args: Any) -> None:
        self._outcome = (callback, args)

    def _on_done(self) -> None:
        if self._progress is not None:
            self._progress.reset()
            self._progress.hide()
            self._progress.deleteLater()
        self._progress = None
        self._worker = None
        callback, args = self._outcome
        self._outcome = (None, ())
        self.busyChanged.emit(False)
        if callback is not None:
            callback(*args)
