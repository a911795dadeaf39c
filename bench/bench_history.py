"""History benchmark: one indicator over 10 years, in process and as a whole command.

Builds the demo, then copies its 2020 table, estimates and results into 2012–2019 with plain
inserts, so that A.2 is in ten years' tables (2012–2021; 2021 has the council's targets)
with figures in nine. Times :func:`db.history.history` on that file (median of 20, after one
call that warms the caches) and ``python main.py history A.2 --json`` as a whole process
(median of 5), each beside a reference measured in the same run: Python's own ``sqlite3``
reading the same rows (in process, and as a ``python -c`` process). Prints the figures
against the goal; asserts nothing. Run from the repository root: ``python bench/bench_history.py``.

Goal: the history of one indicator over 10 years < 50 ms in process.
"""

from __future__ import annotations

import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from db.demo import install_demo  # noqa: E402
from db.history import history  # noqa: E402
from db.schema import open_database  # noqa: E402

CODE = "A.2"
COPIED_YEARS = range(2012, 2020)
GOAL_MS = 50.0

# What the history reads, in the plainest form: the reference it is measured against, run in this
# process and as a ``python -c`` process of its own.
REFERENCE = """
import sqlite3, sys

def read(path, code):
    connection = sqlite3.connect(path)
    try:
        (indicator,) = connection.execute("SELECT id FROM indicators WHERE code = ?", (code,)).fetchone()
        rows = connection.execute("SELECT year, text FROM targets WHERE indicator_id = ?", (indicator,)).fetchall()
        rows += connection.execute(
            "SELECT p.year, p.kind, v.text, v.note, v.reported_verdict, v.reported_pct_last_year "
            "FROM indicator_values AS v JOIN periods AS p ON v.period_id = p.id WHERE v.indicator_id = ?",
            (indicator,),
        ).fetchall()
        rows += connection.execute(
            "SELECT p.year, p.kind, o.verdict, o.reason FROM verdict_overrides AS o "
            "JOIN periods AS p ON o.period_id = p.id WHERE o.indicator_id = ?",
            (indicator,),
        ).fetchall()
        return rows
    finally:
        connection.close()
"""
REFERENCE_COMMAND = REFERENCE + "\nprint(len(read(sys.argv[1], sys.argv[2])))\n"


def build(path: Path) -> None:
    """The demo with its 2020 table and figures copied into 2012–2019."""
    db = open_database(path)
    install_demo(db, actor="bench")
    db.dispose()
    with closing(sqlite3.connect(path)) as connection, connection:
        for year in COPIED_YEARS:
            connection.execute(
                "INSERT INTO targets (indicator_id, year, position, text) "
                "SELECT indicator_id, ?, position, text FROM targets WHERE year = 2020",
                (year,),
            )
            for kind in ("uoc", "thuc-hien"):
                connection.execute(
                    "INSERT INTO periods (year, kind, locked, lock_reason) VALUES (?, ?, 0, '')", (year, kind)
                )
                connection.execute(
                    "INSERT INTO indicator_values (indicator_id, period_id, text, note, reported_verdict, "
                    "reported_pct_last_year, updated_by, updated_at, source) "
                    "SELECT v.indicator_id, (SELECT id FROM periods WHERE year = ? AND kind = ?), v.text, v.note, "
                    "'', '', 'bench', v.updated_at, '' FROM indicator_values AS v "
                    "JOIN periods AS p ON v.period_id = p.id WHERE p.year = 2020 AND p.kind = 'uoc'",
                    (year, kind),
                )


def median_ms(call: Callable[[], object], times: int) -> float:
    call()  # caches warmed, modules loaded: what an open app or a second call sees
    spent = []
    for _ in range(times):
        start = time.perf_counter()
        call()
        spent.append(time.perf_counter() - start)
    return statistics.median(spent) * 1000


def command_ms(*args: str, times: int = 5) -> float:
    spent = []
    for _ in range(times):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, *args], capture_output=True, text=True, encoding="utf-8", check=False)
        spent.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return statistics.median(spent) * 1000


def reference_reader() -> Callable[[str, str], list[tuple[object, ...]]]:
    namespace: dict[str, object] = {}
    exec(REFERENCE, namespace)  # the very function the reference process runs
    read = namespace["read"]
    assert callable(read)
    return read


def main() -> None:
    with tempfile.TemporaryDirectory() as temp:
        path = Path(temp) / "muoi-nam.sqlite"
        start = time.perf_counter()
        build(path)
        db = open_database(path, plain=True)
        found = history(db, CODE)
        print(
            f"fixture: {CODE} in {len(found.years)} years' tables ({found.years[0].year}–{found.years[-1].year}), "
            f"built in {time.perf_counter() - start:.1f} s"
        )
        own = median_ms(lambda: history(db, CODE), 20)
        read = reference_reader()
        reference = median_ms(lambda: read(str(path), CODE), 20)
        print(
            f"history {CODE}, in process: {own:.1f} ms (goal < {GOAL_MS:.0f} ms); plain sqlite3 reading the same rows: "
            f"{reference:.1f} ms; ratio {own / reference:.1f}×"
        )
        whole = command_ms(str(ROOT / "main.py"), "history", CODE, "--json", "--db", str(path))
        bare = command_ms("-c", REFERENCE_COMMAND, str(path), CODE)
        print(
            f"python main.py history {CODE} --json: {whole:.0f} ms; a python -c process reading the same rows with "
            f"sqlite3: {bare:.0f} ms; ratio {whole / bare:.1f}×"
        )
        print("OK" if own < GOAL_MS else "SLOWER THAN GOAL")


if __name__ == "__main__":
    main()
