"""Running long tasks off the GUI thread, with progress, cancellation and a Vietnamese error.

A task is a plain function ``task(job: Job) -> object``. It calls ``job.progress(done, total)``
as it goes and ``job.check()`` where stopping is safe; the window gets ``progress``,
``finished(result)`` or ``failed(message)`` back on its own thread, so a slot never races
the task. The window never waits: it starts the worker and carries on painting.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

RELEASE_DELAY_MS = 1000


class Cancelled(Exception):
    """Raised by :meth:`Job.check` once the user asked to stop."""


class Job:
    """What a task sees of its worker: progress reports and the cancel flag."""

    def __init__(self, signals: _Signals, cancel: threading.Event) -> None:
        self._signals = signals
        self._cancel = cancel

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled

    def progress(self, done: int, total: int) -> None:
        self.check()
        _emit(self._signals.progress, done, total)

    def status(self, text: str) -> None:
        _emit(self._signals.status, text)


def _emit(signal: Any, *args: object) -> None:
    # RuntimeError: the window was closed and its objects deleted while the task ran.
    with contextlib.suppress(RuntimeError):
        signal.emit(*args)


class _Signals(QObject):
    progress = Signal(int, int)
    status = Signal(str)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()


def describe_error(exc: BaseException) -> str:
    """The message for the user: a store's own Vietnamese message, else a generic one."""
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message:
        return message
    from db.errors import database_problem

    problem = database_problem(exc)  # a SQLite failure met outside the database layer's engine
    if problem is not None:
        return problem.message
    if isinstance(exc, OSError):
        from bkdesk.file_errors import file_error_reason

        where = f'Tệp "{exc.filename}": ' if exc.filename else ""
        return f"{where}{file_error_reason(exc)}"
    return f"Lỗi không mong đợi ({type(exc).__name__}: {exc}). Chi tiết đã được ghi vào tệp nhật ký."


class _Runnable(QRunnable):
    def __init__(self, worker: Worker) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self._worker = worker

    def run(self) -> None:
        self._worker._run()


class Worker(QObject):
    """One task on the shared thread pool. Keep a reference until ``done`` is emitted.

    Signals arrive on the thread that created the worker (the GUI thread): ``progress(done,
    total)``, ``status(text)``, then exactly one of ``finished(result)``, ``failed(message)``
    or ``cancelled()``, and at last ``done()``.
    """

    progress = Signal(int, int)
    status = Signal(str)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    done = Signal()

    _running: ClassVar[set[Worker]] = set()

    def __init__(self, task: Callable[[Job], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._task = task
        self._cancel = threading.Event()
        # The signals object lives in this (GUI) thread; emitting from the pool thread
        # queues the calls back here.
        self._signals = _Signals()
        self._signals.progress.connect(self.progress)
        self._signals.status.connect(self.status)
        self._signals.finished.connect(self._on_finished)
        self._signals.failed.connect(self._on_failed)
        self._signals.cancelled.connect(self._on_cancelled)
        self._runnable: _Runnable | None = _Runnable(self)
        self._is_running = False

    @property
    def is_running(self) -> bool:
        return self._is_running

    def start(self, pool: QThreadPool | None = None) -> None:
        if self._runnable is None:
            raise RuntimeError("a worker runs its task once")
        self._is_running = True
        Worker._running.add(self)  # the pool does not own Python objects: keep it alive
        (pool or QThreadPool.globalInstance()).start(self._runnable)

    def cancel(self) -> None:
        self._cancel.set()

    def _run(self) -> None:
        job = Job(self._signals, self._cancel)
        try:
            result = self._task(job)
        except Cancelled:
            _emit(self._signals.cancelled)
        except Exception as exc:  # every failure becomes a message; the log keeps the trace
            if getattr(exc, "message", None) is None:
                import logging

                logging.getLogger("bkdesk.ui").exception("background task failed")
            _emit(self._signals.failed, describe_error(exc))
        else:
            _emit(self._signals.finished, result)

    def _end(self) -> None:
        self._is_running = False
        self.done.emit()
        # The pool thread may still be returning from run() when this slot runs: let go of
        # the runnable (and so of this worker) a moment later, never while it can be in use.
        QTimer.singleShot(RELEASE_DELAY_MS, self._release)

    def _release(self) -> None:
        self._runnable = None
        Worker._running.discard(self)

    def _on_finished(self, result: object) -> None:
        self.finished.emit(result)
        self._end()

    def _on_failed(self, message: str) -> None:
        self.failed.emit(message)
        self._end()

    def _on_cancelled(self) -> None:
        self.cancelled.emit()
        self._end()


def run_in_background(
    task: Callable[[Job], Any],
    on_finished: Callable[[Any], None],
    on_failed: Callable[[str], None],
    parent: QObject | None = None,
) -> Worker:
    """Start ``task`` and wire its outcome; the returned worker can be cancelled."""
    worker = Worker(task, parent)
    worker.finished.connect(on_finished)
    worker.failed.connect(on_failed)
    worker.start()
    return worker
