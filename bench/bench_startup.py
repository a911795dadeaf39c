"""Start-up benchmark: bkdesk against a bare Qt window, measured in the same run.

Each run is a fresh process; the time is taken when its stderr line arrives. The bare
program imports Qt, shows an empty ``QMainWindow`` and writes ``startup: window-shown`` at
its first paint. bkdesk (``python main.py --db … --role KT --year 2020`` with
``BKDESK_TRACE_STARTUP=1``) writes ``startup: window-shown`` at its first paint and
``startup: ready`` when the grid is filled and takes input. Medians of several runs.

Goals: bkdesk's window shown within 1.5× the bare window's time; the grid ready within 4×.
Also printed, without a goal: ``startup: database-loaded``, when the database layer that
loads behind the grid (filled from the file alone) is ready, so that an edit is written
at once; an edit made before then waits for it.
Run from the repository root: ``python bench/bench_startup.py [runs]`` (offscreen unless
QT_QPA_PLATFORM says otherwise).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOWN = "startup: window-shown"
READY = "startup: ready"
LOADED = "startup: database-loaded"
WINDOW_GOAL = 1.5
READY_GOAL = 4.0

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class Window(QMainWindow):
    painted = False

    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            sys.stderr.write("startup: window-shown\\n")
            sys.stderr.flush()
            QTimer.singleShot(0, QApplication.instance().quit)

app = QApplication(sys.argv[:1])
window = Window()
window.resize(1280, 720)
window.show()
sys.exit(app.exec())
"""


def timed_run(command: list[str], env: dict[str, str], wanted: tuple[str, ...]) -> dict[str, float]:
    """Seconds from the start of the process to each wanted stderr line."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, encoding="utf-8"
    )
    seen: dict[str, float] = {}
    assert process.stderr is not None
    for line in process.stderr:
        text = line.strip()
        if text in wanted and text not in seen:
            seen[text] = time.perf_counter() - start
    process.wait(timeout=120)
    missing = [w for w in wanted if w not in seen]
    if process.returncode != 0 or missing:
        raise RuntimeError(f"{' '.join(command)}: exit {process.returncode}, missing {missing}")
    return seen


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ)
        # An installed app keeps its compiled bytecode; a machine set to write none would
        # measure recompiling bkdesk's own modules on every start instead.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        env.update(
            BKDESK_TRACE_STARTUP="1",
            BKDESK_QUIT_AFTER_READY="1",
            XDG_CONFIG_HOME=str(Path(folder) / "config"),
            XDG_STATE_HOME=str(Path(folder) / "state"),
            BKDESK_DATA_DIR=str(Path(folder) / "data"),
        )
        database = str(Path(folder) / "bkdesk.sqlite")
        app = [sys.executable, "main.py", "--db", database, "--role", "KT", "--year", "2020"]
        bare = [sys.executable, "-c", BARE]
        # The first start creates the database with the demo data; it is not what is measured.
        timed_run(app, env, (SHOWN, READY))
        timed_run(bare, env, (SHOWN,))
        bare_times: list[float] = []
        shown_times: list[float] = []
        ready_times: list[float] = []
        loaded_times: list[float] = []
        for _ in range(runs):
            bare_times.append(timed_run(bare, env, (SHOWN,))[SHOWN])
            seen = timed_run(app, env, (SHOWN, READY, LOADED))
            shown_times.append(seen[SHOWN])
            ready_times.append(seen[READY])
            loaded_times.append(seen[LOADED])
    bare_ms = statistics.median(bare_times) * 1000
    shown_ms = statistics.median(shown_times) * 1000
    ready_ms = statistics.median(ready_times) * 1000
    print(f"Cửa sổ Qt trống (QApplication + QMainWindow): trung vị {bare_ms:.0f} ms ({runs} lần)")
    for label, value, goal in (
        ("bkdesk: cửa sổ chính hiện ra", shown_ms, WINDOW_GOAL),
        ("bkdesk: lưới đã có số liệu và nhận nhập", ready_ms, READY_GOAL),
    ):
        ratio = value / bare_ms
        verdict = "đạt" if ratio <= goal else "CHƯA ĐẠT"
        print(f"{label}: trung vị {value:.0f} ms = {ratio:.2f}× cửa sổ trống — mục tiêu ≤ {goal}×: {verdict}")
    loaded_ms = statistics.median(loaded_times) * 1000
    print(
        f"bkdesk: tầng cơ sở dữ liệu đã nạp xong sau lưới (từ đây mỗi lần sửa được ghi ngay): "
        f"trung vị {loaded_ms:.0f} ms = {loaded_ms / bare_ms:.2f}× cửa sổ trống (không có mục tiêu)"
    )


if __name__ == "__main__":
    main()
