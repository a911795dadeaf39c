"""Backup benchmark: a checked copy of a 10,000-indicator database, against a plain ``sqlite3`` backup.

Prints figures against the goal; asserts nothing. Run from the repository root:
``python bench/bench_backup.py [runs]`` (offscreen unless QT_QPA_PLATFORM says otherwise).

Goal: a backup of a 10,000-indicator database (bkdesk's: SQLite's backup API, the copy
switched out of WAL mode, ``PRAGMA integrity_check``, named and the folder pruned) under
0.5 s, and never on the GUI thread. Printed beside it: a plain ``sqlite3`` backup of the
same file to a new file (what the check and the naming cost on top), a restore of that
backup (the current file backed up first), and the longest pause of the GUI thread while
the app makes its copy (a timer ticking every 5 ms on the GUI thread: a copy made on that
thread would stop it for the whole backup).
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bkdesk.backups import BackupReason  # noqa: E402
from bkdesk.catalogue import GROUPS, Department, Indicator  # noqa: E402
from bkdesk.numbers import format_number  # noqa: E402
from bkdesk.tables import Table, TableLine  # noqa: E402

INDICATORS = 10_000
GOAL_S = 0.5
DEPARTMENTS = ("KT", "TCKH", "YT", "GDDT", "CA")


def big_table(count: int, year: int = 2020) -> Table:
    """``count`` indicators with targets, estimates and notes for ``year``, in groups of rows and sub-rows."""
    lines: list[TableLine] = []
    for group in GROUPS:
        lines.append(TableLine(Indicator(group, group, group, GROUPS[group], department="TCKH")))
        number, parent = 0, group
        for j in range(count // len(GROUPS) - 1):
            i = len(lines)
            department = DEPARTMENTS[(i // 40) % len(DEPARTMENTS)]
            if j % 5 == 0:
                number += 1
                parent = code = f"{group}.{number}"
                stt, up = str(number), group
            else:
                code, stt, up = f"{parent}.{j % 5}", "+", parent
            indicator = Indicator(
                code=code,
                group=group,
                stt=stt,
                name=f"Chỉ tiêu số {i} của phòng {department}: diện tích, sản lượng, tỷ lệ hộ được hưởng",
                unit="ha",
                parent=up,
                department=department,
            )
            lines.append(
                TableLine(
                    indicator,
                    target=format_number(1000 + i * 7),
                    estimate=format_number(990 + i * 7),
                    note=f"Số liệu ước đến tháng {i % 12 + 1}",
                )
            )
    return Table(year, tuple(lines))


def build(path: Path) -> None:
    from db.schema import open_database
    from db.table_store import store_table, upsert_departments

    db = open_database(path)
    with db.begin() as session:
        upsert_departments(session, [Department(code, f"Phòng {code}") for code in DEPARTMENTS])
        store_table(session, big_table(INDICATORS), actor="bench", source="bench")
    db.dispose()


def timed(action: Callable[[int], object], runs: int) -> list[float]:
    timings = []
    for run in range(runs):
        start = time.perf_counter()
        action(run)
        timings.append(time.perf_counter() - start)
    return timings


def plain_backup(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as reader, closing(sqlite3.connect(target)) as writer:
        reader.backup(writer)


def gui_pauses(database: Path, times: int = 3) -> list[tuple[float, float]]:
    """The app's copy (``ui.backup_actions.protect``), ``times`` times: its time, and the GUI thread's longest pause."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    from db.database import check_file, file_database
    from ui.backup_actions import protect

    app = QApplication.instance() or QApplication([])
    window = QWidget()
    window.resize(800, 500)
    window.show()  # as in the app, the progress dialog comes up over a window already on screen
    db = file_database(check_file(database))
    found = []
    for _ in range(times):
        ticks: list[float] = []
        timer = QTimer()
        timer.setInterval(5)
        timer.timeout.connect(lambda ticks=ticks: ticks.append(time.perf_counter()))
        timer.start()
        for _ in range(10):
            app.processEvents()
            time.sleep(0.005)
        start = time.perf_counter()
        protect(window, db, BackupReason.MANUAL)
        end = time.perf_counter()
        timer.stop()
        during = [start, *(tick for tick in ticks if start <= tick <= end), end]
        found.append((end - start, max(b - a for a, b in itertools.pairwise(during))))
    db.dispose()
    return found


def main() -> int:
    from db.backups import create_backup, restore_backup

    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"Python {sys.version.split()[0]}; {os.cpu_count()} lõi, tải máy {load}; trung vị của {runs} lần đo.")
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bkdesk.sqlite"
        start = time.perf_counter()
        build(database)
        size = database.stat().st_size
        print(
            f"Cơ sở dữ liệu {format_number(INDICATORS)} chỉ tiêu: {format_number(round(size / 1e6, 1), 1)} MB "
            f"(tạo trong {time.perf_counter() - start:.1f} s)"
        )
        moment = datetime(2026, 12, 7, 21, 0, 0)
        made = []
        ours = timed(
            lambda run: made.append(create_backup(database, BackupReason.MANUAL, now=moment + timedelta(seconds=run))),
            runs,
        )
        plain = timed(lambda run: plain_backup(database, Path(folder) / f"plain-{run}.sqlite"), runs)
        with closing(sqlite3.connect(made[0].path)) as copy:
            start = time.perf_counter()
            copy.execute("PRAGMA integrity_check").fetchall()
            check = time.perf_counter() - start
        restore = timed(
            lambda run: restore_backup(database, made[0].path, now=moment + timedelta(minutes=1, seconds=run)),
            max(1, runs // 2),
        )
        pauses = gui_pauses(database)
    ours_s, plain_s = statistics.median(ours), statistics.median(plain)
    verdict = "đạt" if ours_s < GOAL_S else "CHƯA ĐẠT"
    print(
        f"Sao lưu của bkdesk (backup API, kiểm tra toàn vẹn, đặt tên, dọn thư mục): trung vị {ours_s * 1000:.0f} ms "
        f"— mục tiêu < {GOAL_S * 1000:.0f} ms: {verdict}"
    )
    print(
        f"Sao lưu sqlite3 thuần (Connection.backup sang tệp mới): trung vị {plain_s * 1000:.0f} ms; "
        f"bkdesk = {ours_s / plain_s:.2f}× (riêng PRAGMA integrity_check: {check * 1000:.0f} ms)"
    )
    restore_ms = statistics.median(restore) * 1000
    print(f"Khôi phục (sao lưu tệp hiện tại trước, rồi chép vào qua backup API): trung vị {restore_ms:.0f} ms")
    first, *later = pauses
    print(
        f"Trong ứng dụng (protect, đồng hồ 5 ms trên luồng giao diện): lần đầu {first[0] * 1000:.0f} ms, luồng giao "
        f"diện dừng lâu nhất {first[1] * 1000:.0f} ms (nạp mô-đun, hộp tiến trình); các lần sau "
        + ", ".join(f"{spent * 1000:.0f} ms / dừng {pause * 1000:.0f} ms" for spent, pause in later)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
