"""The app's import path: 100 signed submissions of 100 values, read then imported one file at a time.

The window reads every file first (to ask about unsigned templates by name), then imports
them one per call so the user can stop between two files. This prints what that costs
against one batch call of the service on the same files, in-process, without a window
(the tasks are the window's own, run with a bare job). Asserts nothing. Run from the
repository root: ``python bench/bench_exchange_ui.py``.

Goal: the app's path within 25 % of the batch, and under the CLI's 2 s for 100 files.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from bench_exchange import build_fixture  # noqa: E402

from db.schema import open_database  # noqa: E402
from db.submission_import import ImportStatus, import_submissions  # noqa: E402
from ui.import_job import import_task, scan_task  # noqa: E402
from ui.workers import Job, _Signals  # noqa: E402

GOAL_S = 2.0
OVERHEAD_GOAL = 1.25


def main() -> None:
    job = Job(_Signals(), threading.Event())
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        batch_db, batch_files = build_fixture(folder, name="batch")
        app_db, app_files = build_fixture(folder, name="app")

        db = open_database(batch_db)
        start = time.perf_counter()
        outcomes = import_submissions(db, batch_files, actor="bench")
        batch = time.perf_counter() - start
        db.dispose()
        accepted = sum(1 for o in outcomes if o.status is ImportStatus.ACCEPTED)
        print(f"service, one batch call: {len(batch_files)} files in {batch:.2f} s ({accepted} accepted)")

        db = open_database(app_db)
        start = time.perf_counter()
        scanned = scan_task(app_files)(job)
        read = time.perf_counter() - start
        run = import_task(db, scanned, set(), actor="bench")(job)
        total = time.perf_counter() - start
        again_start = time.perf_counter()
        import_task(db, scan_task(app_files)(job), set(), actor="bench")(job)
        again = time.perf_counter() - again_start
        db.dispose()
        accepted = sum(1 for o in run.outcomes() if o.status is ImportStatus.ACCEPTED)
        print(
            f"app, read then one call per file: {len(app_files)} files in {total:.2f} s "
            f"(reading {read:.2f} s; {accepted} accepted) — {total / batch:.2f}× the batch; goal < {GOAL_S:.0f} s"
        )
        print(f"app, the same files again (unchanged): {again:.2f} s")
        print("OK" if total < GOAL_S and total < batch * OVERHEAD_GOAL else "SLOWER THAN GOAL")


if __name__ == "__main__":
    main()
