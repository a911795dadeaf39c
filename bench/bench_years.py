"""New-year benchmark: ``python main.py new-year`` on a 10,000-indicator table, against plain ``sqlite3``.

Prints figures against the goal; asserts nothing. Run from the repository root:
``python bench/bench_years.py [runs]``.

Goal: ``new-year --from 2021 --to 2022`` of a 10,000-indicator catalogue under 2 s as a
whole command (Python's start, the database opened and checked, the automatic backup, the
copy and its audit record). Printed beside it, measured in the same run on copies of the
same file: the plainest program doing the same work, a ``python -c`` that opens the file
with ``sqlite3`` and copies the rows with one ``INSERT … SELECT`` in one transaction.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from bench_backup import DEPARTMENTS, big_table  # noqa: E402

from bkdesk.catalogue import Department  # noqa: E402
from bkdesk.numbers import format_number  # noqa: E402

INDICATORS = 10_000
GOAL_S = 2.0
SOURCE, NEW = 2021, 2022
PLAIN = (
    "import sqlite3, sys\n"
    "connection = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "connection.execute('BEGIN IMMEDIATE')\n"
    'connection.execute("INSERT INTO targets (indicator_id, year, position, text) '
    f"SELECT indicator_id, {NEW}, position, '' FROM targets WHERE year = {SOURCE}\")\n"
    "connection.execute('COMMIT')\n"
    "connection.close()\n"
)


def build(path: Path) -> None:
    from db.schema import open_database
    from db.table_store import store_table, upsert_departments

    db = open_database(path)
    with db.begin() as session:
        upsert_departments(session, [Department(code, f"Phòng {code}") for code in DEPARTMENTS])
        store_table(session, big_table(INDICATORS, SOURCE), actor="bench", source="bench")
    db.dispose()


def run_timed(command: list[str]) -> float:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", env=env, cwd=ROOT)
    spent = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)}: {done.stderr}")
    return spent


def rows_of(path: Path, year: int) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return int(connection.execute("SELECT count(*) FROM targets WHERE year = ?", (year,)).fetchone()[0])


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"Python {sys.version.split()[0]}; {os.cpu_count()} lõi, tải máy {load}; trung vị của {runs} lần đo.")
    with tempfile.TemporaryDirectory() as folder:
        built = Path(folder) / "built.sqlite"
        start = time.perf_counter()
        build(built)
        size = format_number(round(built.stat().st_size / 1e6, 1), 1)
        print(
            f"Cơ sở dữ liệu {format_number(INDICATORS)} chỉ tiêu, biểu năm {SOURCE}: {size} MB "
            f"(tạo trong {format_number(round(time.perf_counter() - start, 1), 1)} s)"
        )
        ours: list[float] = []
        plain: list[float] = []
        for run in range(runs):  # alternated, so that the machine's load falls on both alike
            for label, times in (("bkdesk", ours), ("plain", plain)):
                work = Path(folder) / f"{label}-{run}" / "bkdesk.sqlite"
                work.parent.mkdir()
                shutil.copyfile(built, work)
                if label == "bkdesk":
                    command = [sys.executable, str(ROOT / "main.py"), "new-year", "--from", str(SOURCE)]
                    command += ["--to", str(NEW), "--db", str(work)]
                else:
                    command = [sys.executable, "-c", PLAIN, str(work)]
                times.append(run_timed(command))
                copied = rows_of(work, NEW)
                if copied != rows_of(work, SOURCE):
                    raise SystemExit(f"{label}: {copied} dòng năm {NEW}, khác năm {SOURCE}")
    ours_s, plain_s = statistics.median(ours), statistics.median(plain)
    verdict = "đạt" if ours_s < GOAL_S else "CHƯA ĐẠT"
    print(
        f"new-year --from {SOURCE} --to {NEW} (cả lệnh: khởi động, mở cơ sở dữ liệu, sao lưu, chép, ghi lịch sử): "
        f"trung vị {format_number(round(ours_s, 2), 2)} s — mục tiêu < {format_number(GOAL_S, 1)} s: {verdict}"
    )
    print(
        f"Chương trình tối giản (python -c, sqlite3, một INSERT … SELECT trong một giao dịch): "
        f"trung vị {format_number(round(plain_s, 2), 2)} s; bkdesk = {format_number(round(ours_s / plain_s, 1), 1)}×"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
