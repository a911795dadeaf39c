"""Status benchmark: *Tình hình nộp* of 100 phòng × 100 indicators (10,000 rows) after 100 merged files.

Builds the fixture of ``bench_exchange.py`` (100 phòng, each issued its setup file and
sending one signed file with all 100 figures changed), imports the files, then times
the status as the tab reads it (:func:`db.status.status_report`, median of five) and
``python main.py status --year 2020 --json`` as a whole process (start-up included,
median of three), beside ``python main.py audit --year 1999`` on the same file, a
command that opens the database and reads nothing (what start-up alone costs). Prints
the figures against the goals; asserts nothing. Run from the repository root:
``python bench/bench_status.py``.

Goals: the status read < 0.3 s; the whole command < 0.5 s more than the command that reads nothing.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from bench_exchange import DEPARTMENTS, INDICATORS, YEAR, build_fixture  # noqa: E402

from bkdesk.catalogue import PeriodKind  # noqa: E402
from db.schema import open_database  # noqa: E402
from db.submission_import import import_submissions  # noqa: E402

READ_GOAL_S = 0.3
COMMAND_GOAL_S = 0.5  # more than a command that reads nothing


def timed_command(db_path: Path, *args: str) -> float:
    command = [sys.executable, str(ROOT / "main.py"), *args, "--db", str(db_path)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{args[0]} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return elapsed


def main() -> None:
    from db.status import status_report

    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        start = time.perf_counter()
        db_path, files = build_fixture(folder)
        db = open_database(db_path)
        import_submissions(db, files, actor="bench")
        print(
            f"fixture: {DEPARTMENTS} phòng × {INDICATORS} chỉ tiêu, {len(files)} tệp đã nhận, "
            f"built in {time.perf_counter() - start:.1f} s"
        )
        reads = []
        for _ in range(5):
            start = time.perf_counter()
            report = status_report(db, YEAR, PeriodKind.ESTIMATE)
            reads.append(time.perf_counter() - start)
        sent = sum(line.sent for line in report.lines)
        db.dispose()
        read = statistics.median(reads)
        print(f"status read, {len(report.lines)} phòng, {sent} figures sent: {read:.3f} s (goal < {READ_GOAL_S} s)")
        command = statistics.median(timed_command(db_path, "status", "--year", str(YEAR), "--json") for _ in range(3))
        bare = statistics.median(timed_command(db_path, "audit", "--year", "1999") for _ in range(3))
        print(
            f"python main.py status --json: {command:.2f} s, {command - bare:.2f} s more than a command that reads "
            f"nothing ({bare:.2f} s) (goal < {COMMAND_GOAL_S} s more)"
        )
        print("OK" if read < READ_GOAL_S and command - bare < COMMAND_GOAL_S else "SLOWER THAN GOAL")


if __name__ == "__main__":
    main()
