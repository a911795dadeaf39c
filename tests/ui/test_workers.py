"""Long tasks off the GUI thread: progress, result, Vietnamese failure, cancellation."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from db.errors import StoreError
from ui.workers import Job, Worker, describe_error


def test_a_task_runs_off_the_gui_thread_and_reports_progress(qtbot: QtBot) -> None:
    gui = threading.get_ident()
    seen: list[tuple[int, int]] = []

    def task(job: Job) -> int:
        for done in range(1, 4):
            job.progress(done, 3)
        return threading.get_ident()

    worker = Worker(task)
    worker.progress.connect(lambda done, total: seen.append((done, total)))
    with qtbot.waitSignal(worker.finished, timeout=5000) as finished:
        worker.start()
    assert finished.args[0] != gui
    qtbot.waitUntil(lambda: len(seen) == 3)
    assert seen == [(1, 3), (2, 3), (3, 3)]
    qtbot.waitUntil(lambda: not worker.is_running)


def test_a_refusal_comes_back_as_its_message(qtbot: QtBot) -> None:
    def task(job: Job) -> None:
        raise StoreError("Số liệu ước thực hiện năm 2020 đã được chốt")

    worker = Worker(task)
    with qtbot.waitSignal(worker.failed, timeout=5000) as failed:
        worker.start()
    assert failed.args == ["Số liệu ước thực hiện năm 2020 đã được chốt"]


def test_an_unexpected_error_is_a_vietnamese_message_without_traceback(qtbot: QtBot) -> None:
    def task(job: Job) -> None:
        raise ZeroDivisionError("division by zero")

    worker = Worker(task)
    with qtbot.waitSignal(worker.failed, timeout=5000) as failed:
        worker.start()
    message = failed.args[0]
    assert message.startswith("Lỗi không mong đợi (ZeroDivisionError")
    assert "Traceback" not in message


def test_cancel_stops_the_task_at_its_next_check(qtbot: QtBot) -> None:
    started = threading.Event()
    release = threading.Event()
    reached: list[int] = []

    def task(job: Job) -> str:
        started.set()
        release.wait(5)
        job.check()
        reached.append(1)
        return "xong"

    worker = Worker(task)
    with qtbot.waitSignal(worker.cancelled, timeout=5000):
        worker.start()
        assert started.wait(5)
        worker.cancel()
        release.set()
    assert reached == []
    qtbot.waitUntil(lambda: not worker.is_running)


def test_describe_error_for_files() -> None:
    error = FileNotFoundError(2, "No such file or directory", "/tmp/khong-co.sqlite")
    assert describe_error(error) == (
        'Tệp "/tmp/khong-co.sqlite": không tìm thấy tệp hoặc thư mục chứa tệp (có thể ổ USB đã được rút ra). '
        "Hãy chọn nơi khác."
    )
