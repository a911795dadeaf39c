"""Entry grid benchmark: the cost of one accepted edit, and a 10,000-row grid scrolled through.

Prints figures against the goals; asserts nothing. Run from the repository root:
``python bench/bench_grid.py`` (offscreen unless QT_QPA_PLATFORM says otherwise).

Goals: an accepted edit (parse, evaluate the whole table, write with its audit record,
repaint the row) < 16 ms median; scrolling a 10,000-row grid without stutter (each frame
painted well under 16 ms); the process under 300 MB of memory (RSS) with that grid open.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from bkdesk.catalogue import GROUPS, Department, Direction, Indicator, PeriodKind  # noqa: E402
from bkdesk.numbers import format_number  # noqa: E402
from bkdesk.tables import Table, TableLine  # noqa: E402
from ui.context import SYNTHESIS_ROLE, AppContext  # noqa: E402
from ui.entry_model import ESTIMATE  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

if TYPE_CHECKING:
    from db.database import Database

EDIT_GOAL_MS = 16.0
FRAME_GOAL_MS = 16.0
RSS_GOAL_MB = 300.0
EDITS = 60
BIG_ROWS = 10_000
DEPARTMENTS = ("KT", "TCKH", "YT", "GDDT", "CA")


def rss_mb(field: str = "VmRSS") -> float:
    """The process's resident memory now (``VmRSS``) or at its peak (``VmHWM``), Linux; else the peak."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def verdict(value: float, goal: float) -> str:
    return "đạt" if value < goal else "CHƯA ĐẠT"


def big_table(count: int) -> Table:
    """``count`` rows as a real table is shaped: groups, numbered rows, sub-rows, every kind of target."""
    lines: list[TableLine] = []
    per_group = count // len(GROUPS)
    for group in GROUPS:
        lines.append(TableLine(Indicator(group, group, group, GROUPS[group], department="TCKH")))
        number, parent = 0, group
        for j in range(per_group - 1):
            i = len(lines)
            base = 1000 + i * 7
            department = DEPARTMENTS[(i // 40) % len(DEPARTMENTS)]
            if j % 6 == 0:
                number += 1
                parent = code = f"{group}.{number}"
                stt, up, target = str(number), group, format_number(base)
            else:
                code, stt, up = f"{parent}.{j % 6}", "+", parent
                target = (format_number(base), f">{i % 90 + 5}", f"{i % 50 + 10}-{i % 50 + 12}", f"dưới {i % 20 + 2}")[
                    j % 4
                ]
            indicator = Indicator(
                code=code,
                group=group,
                stt=stt,
                name=f"Chỉ tiêu số {i} của {department}: diện tích, sản lượng, tỷ lệ hộ được hưởng",
                unit="con",
                parent=up,
                department=department,
                direction=Direction.LOWER if target.startswith("dưới") else Direction.HIGHER,
                counted=stt != "+",
            )
            lines.append(TableLine(indicator, target=target, estimate=format_number(base + i % 13 - 6)))
    return Table(2020, tuple(lines))


def open_big_database(folder: Path, count: int) -> Database:
    from db.schema import open_database
    from db.table_store import store_table, upsert_departments

    db = open_database(folder / "big.sqlite")
    with db.begin() as session:
        upsert_departments(session, [Department(code, f"Phòng {code}") for code in DEPARTMENTS])
        store_table(session, big_table(count), actor="bench", source="bench")
    return db


def window_for(context: AppContext, app: QApplication) -> MainWindow:
    from bkdesk.forms import restrict_to_department
    from db.tables import departments, load_rows

    rows = load_rows(context.db, context.year, context.period)
    if not context.is_synthesis:
        rows = restrict_to_department(rows, context.role)
    window = MainWindow()
    window.set_session(context, rows, departments(context.db))
    window.resize(1366, 740)
    window.show()
    for _ in range(5):
        app.processEvents()
    return window


def bench_edits(app: QApplication, context: AppContext, codes: list[str], label: str) -> None:
    window = window_for(context, app)
    model = window.model
    assert model is not None
    view = window.entry_page.view
    column = model.column_of(ESTIMATE)
    timings: list[float] = []
    for n in range(EDITS):
        code = codes[n % len(codes)]
        row = model.row_of(code)
        index = model.index(row, column)
        view.scrollTo(window.entry_page.proxy.mapFromSource(index))
        app.processEvents()
        text = format_number(1000 + n)
        start = time.perf_counter()
        accepted = model.setData(index, text)
        app.processEvents()  # the repaint of the changed rows
        timings.append((time.perf_counter() - start) * 1000)
        assert accepted, model.error_at(row, ESTIMATE)
    median = statistics.median(timings)
    p95 = sorted(timings)[int(len(timings) * 0.95) - 1]
    print(
        f"Một lần sửa được chấp nhận ({label}): trung vị {median:.1f} ms, p95 {p95:.1f} ms "
        f"({len(timings)} lần) — mục tiêu < {EDIT_GOAL_MS:.0f} ms: {verdict(median, EDIT_GOAL_MS)}"
    )
    window.close()


def bench_scroll(app: QApplication, context: AppContext) -> None:
    before = rss_mb()
    start = time.perf_counter()
    window = window_for(context, app)
    opened = (time.perf_counter() - start) * 1000
    model = window.model
    assert model is not None
    view = window.entry_page.view
    bar = view.verticalScrollBar()
    viewport = view.viewport()
    step = max(1, bar.pageStep() // 3)  # a third of a page per frame: a fast wheel scroll
    app.processEvents()
    scroll_frames: list[float] = []  # what scrolling costs: the view moves, the rows brought in are painted
    repaint_frames: list[float] = []  # the worst case: every visible cell painted again
    for value in range(0, bar.maximum() + 1, step):
        began = time.perf_counter()
        bar.setValue(value)
        app.processEvents()
        scroll_frames.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        viewport.repaint()
        repaint_frames.append((time.perf_counter() - began) * 1000)
    for label, frames in (("cuộn (vẽ các dòng mới hiện)", scroll_frames), ("vẽ lại toàn khung", repaint_frames)):
        median = statistics.median(frames)
        p99 = sorted(frames)[max(0, int(len(frames) * 0.99) - 1)]
        print(
            f"Lưới {format_number(model.rowCount())} dòng, {label}: {len(frames)} khung hình, trung vị {median:.2f} ms,"
            f" p99 {p99:.2f} ms, chậm nhất {max(frames):.2f} ms"
            f" — mục tiêu trung vị < {FRAME_GOAL_MS:.0f} ms: {verdict(median, FRAME_GOAL_MS)}"
        )
    print(f"Mở lưới {format_number(model.rowCount())} dòng (đọc, đánh giá, hiện): {opened:.0f} ms")
    memory, peak = rss_mb(), rss_mb("VmHWM")
    print(
        f"Bộ nhớ (RSS) với lưới {format_number(model.rowCount())} dòng: {memory:.0f} MB, đỉnh {peak:.0f} MB"
        f" (trước khi mở lưới {before:.0f} MB) — mục tiêu < {RSS_GOAL_MB:.0f} MB: {verdict(peak, RSS_GOAL_MB)}"
    )
    bench_edits_on(app, window)
    window.close()


def bench_edits_on(app: QApplication, window: MainWindow) -> None:
    """The same edit measurement on the open 10,000-row grid (the whole table is evaluated each time)."""
    model = window.model
    assert model is not None
    column = model.column_of(ESTIMATE)
    rows = [r for r in range(0, model.rowCount(), 997) if model.is_editable_row(r)]
    timings: list[float] = []
    for n in range(20):
        index = model.index(rows[n % len(rows)], column)
        start = time.perf_counter()
        model.setData(index, format_number(2000 + n))
        app.processEvents()
        timings.append((time.perf_counter() - start) * 1000)
    print(
        f"Một lần sửa trên lưới {format_number(model.rowCount())} dòng: trung vị {statistics.median(timings):.1f} ms"
        f" ({len(timings)} lần; để so sánh, mục tiêu {EDIT_GOAL_MS:.0f} ms đặt cho biểu thường)"
    )


def scroll_in_own_process(path: Path) -> None:
    """The 10,000-row grid in a fresh process, so its memory is the app's and not the set-up's."""
    from db.schema import open_database

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    db = open_database(path)
    bench_scroll(app, AppContext(db, SYNTHESIS_ROLE, 2020, PeriodKind.ESTIMATE, user="bench"))
    db.dispose()


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--scroll":
        scroll_in_own_process(Path(sys.argv[2]))
        return
    import subprocess

    from db.demo import install_demo
    from db.schema import open_database

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory() as folder:
        demo = open_database(Path(folder) / "demo.sqlite")
        install_demo(demo, actor="bench")
        kt = AppContext(demo, "KT", 2020, PeriodKind.ESTIMATE, user="bench", department_name="Phòng Kinh tế")
        bench_edits(app, kt, ["A.12", "A.8.a", "A.2"], "Phòng Kinh tế, biểu mẫu Bắc Kạn 2020")
        synthesis = AppContext(demo, SYNTHESIS_ROLE, 2020, PeriodKind.ESTIMATE, user="bench")
        bench_edits(app, synthesis, ["A.12", "C.2.7", "E.3"], "Văn phòng tổng hợp, 98 dòng")
        demo.dispose()
        big = open_big_database(Path(folder), BIG_ROWS)
        big.dispose()
        subprocess.run([sys.executable, __file__, "--scroll", str(Path(folder) / "big.sqlite")], check=True)


if __name__ == "__main__":
    main()
