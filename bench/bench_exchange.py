"""Exchange benchmark: importing 100 signed submissions of 100 values each, then the same again.

Builds, in a temporary folder, a synthesis office database with a synthetic catalogue
(100 phòng × 100 indicators), issues every phòng its setup file, and writes one signed
submission per phòng with all 100 values changed. Then times ``python main.py
import-submissions`` over the 100 files as a whole process (start-up included), and
once more with the same files (all unchanged). Prints the figures against the goals;
asserts nothing. Run from the repository root: ``python bench/bench_exchange.py``.

Goals: 100 files × 100 values < 2 s; the same 100 again (unchanged) < 1 s.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bkdesk.catalogue import GROUPS, PeriodKind  # noqa: E402
from bkdesk.exchange.submission import BaseRef, Submission, SubmittedValue, write_submission  # noqa: E402
from db.database import Database  # noqa: E402
from db.department_setup import unlock_setup  # noqa: E402
from db.issue import issue_department  # noqa: E402
from db.models import DepartmentRow, IndicatorRow, PeriodRow, TargetRow, ValueRow  # noqa: E402
from db.schema import open_database  # noqa: E402

DEPARTMENTS = 100
INDICATORS = 100
YEAR = 2020
IMPORT_GOAL_S = 2.0
UNCHANGED_GOAL_S = 1.0
# Files as this release writes them; BENCH_FIRST_FORMAT=1 times files of the first format instead.
MARKED = os.environ.get("BENCH_FIRST_FORMAT") != "1"


def build_catalogue(db: Database) -> None:
    """100 phòng, each with 100 numbered indicators under the five groups, targets and estimates."""
    with db.begin() as session:
        departments = [DepartmentRow(code=f"P{d:03d}", name=f"Phòng thử nghiệm {d}") for d in range(DEPARTMENTS)]
        session.add_all(departments)
        groups = {g: IndicatorRow(code=g, group=g, stt=g, name=name) for g, name in GROUPS.items()}
        session.add_all(groups.values())
        period = PeriodRow(year=YEAR, kind=PeriodKind.ESTIMATE.value, locked=False, lock_reason="")
        session.add(period)
        session.flush()
        position = 0
        letters = list(GROUPS)
        for group in letters:
            session.add(TargetRow(indicator_id=groups[group].id, year=YEAR, position=position, text=""))
            position += 1
        rows = []
        for d, department in enumerate(departments):
            for i in range(INDICATORS):
                group = letters[i % len(letters)]
                rows.append(
                    IndicatorRow(
                        code=f"{group}.{d}.{i}",
                        group=group,
                        stt=str(i + 1),
                        name=f"Chỉ tiêu {i + 1} của phòng {d}",
                        unit="%",
                        parent_id=groups[group].id,
                        department_id=department.id,
                        counted=True,
                    )
                )
        session.add_all(rows)
        session.flush()
        for row in rows:
            session.add(TargetRow(indicator_id=row.id, year=YEAR, position=position, text="100"))
            session.add(ValueRow(indicator_id=row.id, period_id=period.id, text="50", note="", source="bench"))
            position += 1


def write_submissions(folder: Path, setups: list[tuple[Path, str]], marked: bool) -> list[Path]:
    """One signed file per phòng (its key opened with its passphrase); ``marked``: as this release writes them."""
    files = []
    for path, passphrase in setups:
        unlocked = unlock_setup(path, passphrase)
        setup = unlocked.setup
        submission = Submission(
            department=setup.department,
            year=YEAR,
            kind=PeriodKind.ESTIMATE,
            sequence=setup.sequence + 1,
            created_at=datetime.now(UTC),
            app_version="bench",
            setup_id=setup.setup_id,
            key_id=setup.key_id,
            values=tuple(
                SubmittedValue(
                    row.indicator.code,
                    f"{60 + n % 30},5",
                    "ước theo báo cáo tháng 11" if n % 10 == 0 else "",
                    edited=frozenset({"value", "note"}) if marked else None,
                )
                for n, row in enumerate(setup.own_rows())
            ),
            installation_id=str(uuid.uuid4()) if marked else "",
            base=BaseRef("setup", setup.setup_id) if marked else None,
        )
        out = folder / f"{setup.department.code}-{submission.sequence}.json"
        out.write_bytes(write_submission(submission, unlocked.private_key))
        files.append(out)
    return files


def timed_import(db_path: Path, files: list[Path]) -> tuple[float, str]:
    command = [sys.executable, str(ROOT / "main.py"), "import-submissions", *map(str, files), "--db", str(db_path)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"import-submissions failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return elapsed, done.stdout.strip().splitlines()[-1]


def main() -> None:
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        db_path = folder / "tonghop.sqlite"
        db = open_database(db_path)
        start = time.perf_counter()
        build_catalogue(db)
        setups = []
        for d in range(DEPARTMENTS):
            out = folder / f"P{d:03d}.setup"
            issued = issue_department(db, f"P{d:03d}", YEAR, out, actor="bench")
            setups.append((out, issued.passphrase))
        db.dispose()
        files = write_submissions(folder, setups, MARKED)
        print(
            f"fixture: {DEPARTMENTS} phòng × {INDICATORS} chỉ tiêu, {len(files)} tệp nộp "
            f"({sum(f.stat().st_size for f in files) / 1e6:.1f} MB), built in {time.perf_counter() - start:.1f} s"
        )
        first, summary = timed_import(db_path, files)
        print(
            f"import {len(files)} files × {INDICATORS} values: {first:.2f} s (goal < {IMPORT_GOAL_S:.0f} s) — {summary}"
        )
        again, summary = timed_import(db_path, files)
        print(f"same {len(files)} files again (unchanged): {again:.2f} s (goal < {UNCHANGED_GOAL_S:.0f} s) — {summary}")
        verdict = "OK" if first < IMPORT_GOAL_S and again < UNCHANGED_GOAL_S else "SLOWER THAN GOAL"
        print(verdict)


if __name__ == "__main__":
    main()
