"""The app's first screen, read with sqlite3 alone, equals what the database layer reads.

:mod:`db.first_screen` mirrors :mod:`db.tables` and :mod:`db.roles` in plain SQL so that
the grid fills before SQLAlchemy is imported; these tests hold the two to the same answer
on the same files, and check that the reader steps aside whenever it cannot be sure.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from bkdesk.catalogue import PeriodKind
from bkdesk.verdicts import Verdict
from db.conflicts import list_conflicts
from db.database import Database
from db.entry import LAST_YEAR, set_field, set_override, set_value
from db.file_format import LockState
from db.first_screen import FirstScreenReader
from db.locking import lock_period
from db.roles import database_role
from db.schema import open_database
from db.submission_import import import_submissions
from db.tables import departments, load_rows, lock_state, years
from tests.fixtures.exchange import issue_phong

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "db"


def assert_same_as_database_layer(db: Database) -> None:
    assert db.path is not None
    reader = FirstScreenReader.open(db.path)
    assert reader is not None
    with reader:
        assert reader.years() == years(db)
        assert reader.departments() == departments(db)
        assert reader.owner() == database_role(db).department
        for year in [*years(db), years(db)[-1] + 1]:
            if reader.owner() is None:
                assert reader.open_conflicts(year) == len(list_conflicts(db, year))
            for kind in PeriodKind:
                assert reader.rows(year, kind) == load_rows(db, year, kind), (year, kind)
                assert reader.lock(year, kind) == lock_state(db, year, kind)


def test_the_demo_reads_the_same(demo_db: Database) -> None:
    assert_same_as_database_layer(demo_db)


def test_figures_notes_overrides_results_and_locks_read_the_same(demo_db: Database) -> None:
    actor = "kiểm thử"
    set_value(demo_db, "A.8", 2020, "21.300", note="Số liệu tháng 11", actor=actor)
    set_value(demo_db, "A.8", 2020, "21.500", kind=PeriodKind.RESULT, actor=actor)  # next year's last-year figure
    set_override(demo_db, "A.8", 2020, Verdict.ACHIEVED, "Dịch tả lợn châu Phi", actor=actor)
    set_override(demo_db, "A.8", 2020, Verdict.NOT_ACHIEVED, "Theo số chính thức", kind=PeriodKind.RESULT, actor=actor)
    lock_period(demo_db, 2020, [PeriodKind.ESTIMATE], "Đã trình Thành ủy", actor=actor)
    assert_same_as_database_layer(demo_db)
    reader = FirstScreenReader.open(demo_db.path)  # type: ignore[arg-type]
    assert reader is not None
    with reader:
        pig = next(row for row in reader.rows(2020, PeriodKind.ESTIMATE) if row.indicator.code == "A.8")
        assert pig.override is not None and pig.override.at is not None and pig.override.at.tzinfo is not None
        assert reader.lock(2020, PeriodKind.ESTIMATE) == LockState(True, "Đã trình Thành ủy")


def test_last_years_results_and_printed_ratios_read_the_same(demo_db: Database) -> None:
    actor = "kiểm thử"
    set_value(demo_db, "A.2", 2020, "3.180", actor=actor)  # its printed ratio is worked out again
    set_field(demo_db, "A.3", 2020, LAST_YEAR, "1.000", actor=actor)  # 2019's final figure
    set_value(demo_db, "A.3", 2019, "990", actor=actor)  # 2019's estimate, behind the final figure
    set_field(demo_db, "A.5", 2020, LAST_YEAR, "0", actor=actor)
    assert_same_as_database_layer(demo_db)
    reader = FirstScreenReader.open(demo_db.path)  # type: ignore[arg-type]
    assert reader is not None
    with reader:
        rows = {row.indicator.code: row for row in reader.rows(2020, PeriodKind.ESTIMATE)}
    assert (rows["A.2"].estimate, rows["A.2"].reported_pct_estimate) == ("3.180", "3.050")
    assert (rows["A.3"].last_year, rows["A.3"].last_year_source) == ("1.000", "thuc-hien")


def test_a_phong_database_and_the_conflicts_it_leaves_read_the_same(demo_db: Database, tmp_path: Path) -> None:
    phong = issue_phong(demo_db, "KT", tmp_path / "kt")
    try:
        phong.enter("A.3", "480")
        assert_same_as_database_layer(phong.db)
        assert database_role(phong.db).department is not None
        set_value(demo_db, "A.3", 2020, "470", actor="văn phòng")  # both sides changed A.3: a conflict
        import_submissions(demo_db, [phong.submit(tmp_path)], actor="văn phòng")
        assert len(list_conflicts(demo_db, 2020)) == 1
        assert_same_as_database_layer(demo_db)
    finally:
        phong.db.dispose()


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*_v*.sqlite")), ids=lambda p: p.stem)
def test_the_schema_fixture_of_this_version_reads_the_same(fixture: Path, tmp_path: Path) -> None:
    copy = tmp_path / "bkdesk.sqlite"
    shutil.copy(fixture, copy)
    db = open_database(copy)
    try:
        assert_same_as_database_layer(db)
    finally:
        db.dispose()


def test_it_steps_aside_when_it_cannot_be_sure(tmp_path: Path, demo_db: Database) -> None:
    missing = tmp_path / "missing.sqlite"
    assert FirstScreenReader.open(missing) is None
    assert not missing.exists()  # never created: that is the database layer's job
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    assert FirstScreenReader.open(empty) is None
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    assert FirstScreenReader.open(other) is None
    newer = tmp_path / "newer.sqlite"
    demo_db.dispose()
    assert demo_db.path is not None
    shutil.copy(demo_db.path, newer)
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    assert FirstScreenReader.open(newer) is None


def test_it_never_writes(demo_db: Database) -> None:
    assert demo_db.path is not None
    reader = FirstScreenReader.open(demo_db.path)
    assert reader is not None
    with reader, pytest.raises(sqlite3.OperationalError):
        reader._connection.execute("DELETE FROM indicator_values")
